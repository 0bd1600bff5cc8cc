"""An application approved, rejected, declared and city-approved tells its applicant [#18]."""

import json
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from applicants.models import Application, ApplicationStatus, Declaration
from exams.models import BatchStatus
from jianding.models import Consultation
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory
from tests.factories.finance import books

from .conftest import TEMPLATES


def _applicant(number: int, **user):
    return ApplicantFactory(
        user__email=f"applicant{number}@example.cn", user__phone=f"1381234{number:04d}", **user
    )


def _application(applicant, batch=None, status=ApplicationStatus.SUBMITTED) -> Application:
    return Application.objects.create(
        applicant=applicant,
        batch=batch or BatchFactory(status=BatchStatus.REGISTRATION_OPEN),
        category="student",
        class_name="23 机电 1 班",
        status=status,
    )


def _told(user, kind: Kind, sms_provider, containing: str = "") -> Message:
    """The one message ``user`` got of ``kind`` (``containing`` a text), checked delivered by e-mail and SMS."""
    message = Message.objects.get(recipient=user, kind=kind, text__contains=containing)
    (email,) = [email for email in mail.outbox if email.to == [user.email] and message.text in email.body]
    assert email.body.endswith(message.link)
    (sms,) = [
        request
        for request in sms_provider.requests
        if request["PhoneNumbers"] == user.phone and request["TemplateCode"] == TEMPLATES[kind]
    ]
    assert json.loads(sms["TemplateParam"])["text"] == message.text
    return message


@pytest.fixture
def clerk(db):
    return UserFactory(role=Role.CLERK, email="clerk@example.cn", phone="13700000001")


def _review(client_as, clerk, application, decision, reason=""):
    return client_as(clerk).post(
        reverse("applicants:review_application", args=[application.pk]),
        {"decision": decision, "reason": reason, "version": application.version},
    )


def test_an_approved_application_tells_the_applicant_and_the_fee_due(
    db, client_as, clerk, sms_provider, clock, settings, django_capture_on_commit_callbacks
):
    settings.FEE_DESK_ADDRESS, settings.FEE_DESK_HOURS = "行政楼 105 室", "工作日 8:30-16:30"
    settings.FEE_BANK_PAYEE, settings.FEE_BANK_NAME = "某职业学院", "工商银行"
    settings.FEE_BANK_ACCOUNT = "6222 0000 1111"
    setup = books()
    applicant = _applicant(1)
    application = _application(
        applicant, BatchFactory(status=BatchStatus.REGISTRATION_OPEN, fee_item=setup["item"])
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _review(client_as, clerk, application, "approve").status_code == 302

    decided = _told(applicant.user, Kind.APPLICATION_DECIDED, sms_provider)
    assert "已审核通过" in decided.text
    assert str(application.batch) in decided.text
    assert decided.link == reverse("applicants:view_application", args=[application.pk])
    fee = _told(applicant.user, Kind.FEE, sms_provider)
    assert "¥150.00" in fee.text
    assert "行政楼 105 室" not in fee.text  # the page says how to pay, the text stays one SMS
    assert f"鉴定费 {application.pk} {applicant.name}" in fee.text
    assert fee.link == decided.link
    assert not Message.objects.filter(recipient=clerk).exists()


def test_an_approval_for_a_free_batch_tells_no_fee(
    db, client_as, clerk, sms_provider, clock, django_capture_on_commit_callbacks
):
    applicant = _applicant(2)
    application = _application(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        _review(client_as, clerk, application, "approve")
    assert list(Message.objects.values_list("kind", flat=True)) == [Kind.APPLICATION_DECIDED]


def test_a_rejected_application_tells_the_applicant_why(
    db, client_as, clerk, sms_provider, clock, django_capture_on_commit_callbacks
):
    applicant = _applicant(3)
    application = _application(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        _review(client_as, clerk, application, "reject", "年龄不符合报考条件")

    message = _told(applicant.user, Kind.APPLICATION_DECIDED, sms_provider)
    assert "未通过审核" in message.text
    assert "年龄不符合报考条件" in message.text
    assert "年龄不符合报考条件" in sms_provider.requests[0]["TemplateParam"]
    assert Message.objects.count() == 1


def test_a_declaration_and_the_city_approval_tell_each_applicant_in_it(
    db, client_as, clerk, sms_provider, clock, django_capture_on_commit_callbacks
):
    batch = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    applicants = [_applicant(10 + n) for n in range(3)]
    applications = [_application(a, batch, ApplicationStatus.APPROVED) for a in applicants]
    http = client_as(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        assert http.post(reverse("applicants:declare_batch", args=[batch.pk])).status_code == 302

    for applicant, application in zip(applicants, applications, strict=True):
        message = _told(applicant.user, Kind.APPLICATION_DECLARED, sms_provider)
        assert "已上报市鉴定中心" in message.text
        assert message.link == reverse("applicants:view_application", args=[application.pk])
    assert Message.objects.count() == 3

    declaration = Declaration.objects.get()
    mail.outbox.clear()
    sms_provider.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            reverse("applicants:record_city_approval", args=[declaration.pk]),
            {
                "document_number": "苏鉴〔2026〕17号",
                "approved_on": "2026-06-01",
                "applications": [applications[0].pk, applications[1].pk],
            },
        )
    assert response.status_code == 302
    approved = Message.objects.filter(text__contains="市鉴定中心已批准")
    assert {message.recipient for message in approved} == {applicants[0].user, applicants[1].user}
    for applicant in applicants[:2]:
        message = _told(applicant.user, Kind.APPLICATION_DECLARED, sms_provider, containing="已批准")
        assert "苏鉴〔2026〕17号" in message.text
    assert len(sms_provider.requests) == 2


def test_an_approval_says_nothing_of_a_fee_not_in_the_approved_plan(
    db, client_as, clerk, sms_provider, clock, django_capture_on_commit_callbacks
):
    setup = books(year=2030, fee=Decimal("80.00"))
    applicant = _applicant(4)
    application = _application(
        applicant, BatchFactory(status=BatchStatus.REGISTRATION_OPEN, fee_item=setup["item"])
    )
    with django_capture_on_commit_callbacks(execute=True):
        _review(client_as, clerk, application, "approve")
    assert not Message.objects.filter(kind=Kind.FEE).exists()


def _ask_and_answer(client, clerk_client, django_capture_on_commit_callbacks, *, publish: bool):
    response = client.post(
        reverse("public:consult"),
        {"asker_name": "张伟", "contact": "13812340099", "question": "社会人员报名要带哪些材料？"},
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(
            reverse("outreach:answer_consultation", args=[consultation.pk]),
            {"answer": "身份证和学历证书原件。", "seen_answer": "", "publish": "on" if publish else ""},
        )
    assert response.status_code == 302
    return consultation


def test_a_consultation_answered_tells_the_signed_in_asker_the_answer(
    db, client_as, clerk, sms_provider, clock, django_capture_on_commit_callbacks
):
    applicant = _applicant(20)
    _ask_and_answer(
        client_as(applicant.user), client_as(clerk), django_capture_on_commit_callbacks, publish=True
    )

    message = _told(applicant.user, Kind.ANSWERED, sms_provider)
    assert "社会人员报名要带哪些材料" in message.text
    assert "身份证和学历证书原件。" in message.text
    assert message.link == reverse("public:consult")
    assert Message.objects.count() == 1


def test_an_unpublished_answer_reaches_the_asker_without_a_link_and_an_anonymous_one_nobody(
    db, client, client_as, clerk, sms_provider, clock, django_capture_on_commit_callbacks
):
    applicant = _applicant(21)
    _ask_and_answer(
        client_as(applicant.user), client_as(clerk), django_capture_on_commit_callbacks, publish=False
    )
    message = _told(applicant.user, Kind.ANSWERED, sms_provider)
    assert "身份证和学历证书原件。" in message.text
    assert message.link == ""

    Consultation.objects.all().delete()
    Message.objects.all().delete()
    _ask_and_answer(client, client_as(clerk), django_capture_on_commit_callbacks, publish=True)
    assert not Message.objects.exists()
