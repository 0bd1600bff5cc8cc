import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applicants.models import Application
from exams import services
from exams.models import BankStatus, QuestionBank, QuestionBankDownload
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, OccupationFactory, pdf_upload


@pytest.fixture
def setup(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return {
        "exam_staff": UserFactory(username="kaowu", role=Role.EXAM_STAFF),
        "deputy": UserFactory(username="fusuozhang", role=Role.DEPUTY),
        "occupation": OccupationFactory(levels=[5, 4]),
        "media": tmp_path,
    }


def upload(setup, **overrides):
    values = {
        "occupation": setup["occupation"],
        "level": 4,
        "title": "中级工应知应会",
        "upload": pdf_upload(),
    }
    return services.bank_upload(actor=setup["exam_staff"], **{**values, **overrides})


def test_upload_stores_a_checked_pdf_under_a_generated_name(setup):
    bank = upload(setup, upload=pdf_upload("../../etc/passwd.pdf"))
    assert bank.status == BankStatus.PENDING
    assert bank.file.name.startswith("question-banks/")
    assert "passwd" not in bank.file.name
    assert (setup["media"] / bank.file.name).read_bytes()[:5] == b"%PDF-"
    assert len(bank.sha256) == 64


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"#!/bin/sh\nrm -rf /\n", "not_pdf"),
        (b"<svg onload=alert(1)></svg>", "not_pdf"),
        (
            b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            "pdf_active_content",
        ),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", "pdf_damaged"),
    ],
)
def test_hostile_or_broken_files_are_refused_with_the_reason(setup, body, code):
    with pytest.raises(RuleViolation) as caught:
        upload(setup, upload=pdf_upload("questions.pdf", body=body))
    assert (caught.value.field, caught.value.code) == ("file", code)
    assert not QuestionBank.objects.exists()


def test_oversize_file_is_refused_before_it_is_read(setup):
    big = pdf_upload()
    big.size = 40 * 1024 * 1024
    with pytest.raises(RuleViolation) as caught:
        upload(setup, upload=big)
    assert caught.value.code == "file_too_large"


def test_only_the_deputy_decides_and_rejection_needs_a_reason(setup):
    bank = upload(setup)
    with pytest.raises(PermissionDenied):
        services.bank_decide(actor=UserFactory(role=Role.CLERK), bank=bank, approve=True)
    with pytest.raises(RuleViolation) as caught:
        services.bank_decide(actor=setup["deputy"], bank=bank, approve=False)
    assert caught.value.field == "reason"
    services.bank_decide(actor=setup["deputy"], bank=bank, approve=True)
    with pytest.raises(RuleViolation) as caught:
        services.bank_decide(actor=setup["deputy"], bank=bank, approve=False, reason="late")
    assert caught.value.code == "bank_decided"
    assert QuestionBank.objects.get(pk=bank.pk).status == BankStatus.APPROVED


def test_every_download_is_logged_and_others_get_nothing(setup, client_as):
    bank = upload(setup)
    url = reverse("exams:download_bank", args=[bank.pk])
    response = client_as(setup["deputy"]).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    log = QuestionBankDownload.objects.get()
    assert (log.user, log.bank, log.ip_address) == (setup["deputy"], bank, "127.0.0.1")
    for role in (Role.EXAMINER, Role.FINANCE):
        assert client_as(UserFactory(role=role)).get(url).status_code == 403
    assert client_as(ApplicantFactory().user).get(url).status_code == 404
    assert QuestionBankDownload.objects.count() == 1


def test_upload_page_shows_the_refusal(setup, client_as):
    response = client_as(setup["exam_staff"]).post(
        reverse("exams:upload_bank"),
        {
            "occupation": setup["occupation"].pk,
            "level": 4,
            "title": "x",
            "file": pdf_upload("a.pdf", body=b"GIF89a not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "不是 PDF" in response.content.decode()


def hand_made_pdf(open_action: bytes) -> bytes:
    """A one-page PDF, written by hand, whose catalogue opens with ``open_action``."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        open_action,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj " % number + body + b" endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_script_hidden_behind_name_escapes_is_found_by_the_parsed_walk(setup):
    body = hand_made_pdf(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")
    with pytest.raises(RuleViolation) as caught:
        upload(setup, upload=pdf_upload("q.pdf", body=body))
    assert caught.value.code == "pdf_active_content"


def test_a_plain_open_action_is_accepted(setup):
    bank = upload(setup, upload=pdf_upload("q.pdf", body=hand_made_pdf(b"[3 0 R /Fit]")))
    assert bank.status == BankStatus.PENDING


def test_applicants_get_approved_banks_of_what_they_applied_for(setup, client_as):
    bank = upload(setup)
    other = upload(setup, level=5, title="初级工")
    services.bank_decide(actor=setup["deputy"], bank=other, approve=True)
    applicant = ApplicantFactory()
    batch = BatchFactory(occupation=setup["occupation"], level=4)
    Application.objects.create(applicant=applicant, batch=batch, category="student", class_name="1 班")
    http = client_as(applicant.user)
    url = reverse("exams:download_bank", args=[bank.pk])
    assert http.get(url).status_code == 404  # still waiting for the deputy
    services.bank_decide(actor=setup["deputy"], bank=bank, approve=True)
    assert http.get(url).status_code == 200
    assert http.get(reverse("exams:download_bank", args=[other.pk])).status_code == 404  # another level
    assert [b.pk for b in http.get(reverse("exams:list_banks")).context["banks"]] == [bank.pk]
    assert QuestionBankDownload.objects.filter(user=applicant.user).count() == 1
