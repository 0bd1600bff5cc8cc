"""The reviewer's desk [#19]: documents shown in the page, the next application after a decision,
what the history says of a resubmission, and the original certificate seen at the desk."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.http import urlencode

from applicants import services
from applicants.models import Application, ApplicationStatus
from exams.models import BatchStatus
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, OccupationFactory, pdf_upload
from tests.factories.images import portrait, upload


@pytest.fixture
def desk(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return {
        "batch": BatchFactory(
            occupation=OccupationFactory(name="电工", levels=[5, 4]), status=BatchStatus.REGISTRATION_OPEN
        ),
        "clerk": UserFactory(username="clerk", role=Role.CLERK),
    }


def _document(kind: str):
    if kind == "photo":
        return upload("me.jpg", portrait())
    if kind == "id_card":
        return pdf_upload("id.pdf")
    return upload(f"{kind}.png", portrait(fmt="PNG"), "image/png")


def submitted(batch, *, category: str = "student", name: str = "张伟", class_name: str = "23 机电 1 班"):
    """A new applicant's complete application to ``batch``, sent for review."""
    user = ApplicantFactory(name=name, education="vocational", employer_or_class=class_name).user
    application = services.application_create(actor=user, batch=batch, category=category)
    for kind in application.required_documents():
        services.application_document_upload(
            actor=user, application=application, kind=kind, upload=_document(kind)
        )
    services.application_photo_confirm(actor=user, application=application)
    return services.application_submit(actor=user, application=application)


def review(clerk, application, decision: str, reason: str = "", **kwargs) -> Application:
    application.refresh_from_db()
    return services.application_review(
        actor=clerk,
        application=application,
        decision=decision,
        reason=reason,
        version=application.version,
        **kwargs,
    )


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# Documents in the page


def test_pdfs_and_pictures_are_served_inline_to_reviewers_not_sniffed(desk, client_as):
    application = submitted(desk["batch"])
    http = client_as(desk["clerk"])
    for kind, content_type in (("id_card", "application/pdf"), ("photo", "image/jpeg")):
        response = http.get(
            reverse("applicants:download_document", args=[application.documents.get(kind=kind).pk])
        )
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
    charlie = client_as(ApplicantFactory(name="Charlie").user)
    pdf = application.documents.get(kind="id_card")
    assert charlie.get(reverse("applicants:download_document", args=[pdf.pk])).status_code == 404


def test_the_review_page_draws_each_pdf_in_a_viewer_and_shows_pictures(desk, client_as):
    application = submitted(desk["batch"])
    page = (
        client_as(desk["clerk"])
        .get(reverse("applicants:view_application", args=[application.pk]))
        .content.decode()
    )
    pdf_url = reverse("applicants:download_document", args=[application.documents.get(kind="id_card").pk])
    photo_url = reverse("applicants:download_document", args=[application.documents.get(kind="photo").pk])
    assert f'data-src="{pdf_url}"' in page
    assert "vendor/pdfjs-6.5.438/pdf.min.mjs" in page
    assert "vendor/pdfjs-6.5.438/pdf.worker.min.mjs" in page
    assert '<script type="module" src="/static/js/document-viewer.js">' in page
    assert f'<img src="{photo_url}"' in page


# The next application after a decision


def test_a_decision_opens_the_next_waiting_application_under_the_same_filters(desk, client_as):
    batch, other_batch = desk["batch"], BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
    oldest = submitted(batch, name="赵一")
    elsewhere = submitted(other_batch, name="钱二")  # newer, but outside the filter
    middle = submitted(batch, name="孙三")
    newest = submitted(batch, name="李四")
    http = client_as(desk["clerk"])
    queue = urlencode({"batch": batch.pk, "category": "student"})
    listed = http.get(f"{reverse('applicants:list_applications')}?{queue}").content.decode()
    opened = f"{reverse('applicants:view_application', args=[newest.pk])}?{urlencode({'queue': queue})}"
    assert f'href="{opened}"' in listed.replace("&amp;", "&")
    page = http.get(opened).content.decode()
    assert f'name="queue" value="{queue.replace("&", "&amp;")}"' in page

    def decide(application, decision, reason=""):
        application.refresh_from_db()
        return http.post(
            reverse("applicants:review_application", args=[application.pk]),
            {"decision": decision, "reason": reason, "version": application.version, "queue": queue},
        )

    response = decide(newest, "approve")
    assert (
        response["Location"]
        == f"{reverse('applicants:view_application', args=[middle.pk])}?{urlencode({'queue': queue})}"
    )
    assert _messages(response) == ["已记录审核结果：李四，已批准。"]
    response = decide(middle, "return", "照片不清楚")
    assert response["Location"].startswith(reverse("applicants:view_application", args=[oldest.pk]))
    response = decide(oldest, "reject", "不符合条件")
    # nothing of this batch waits any more: back to the queue, filters kept, and why
    assert response["Location"] == f"{reverse('applicants:list_applications')}?{queue}"
    assert "当前筛选条件下已没有待审核的报名。" in _messages(response)
    elsewhere.refresh_from_db()
    assert elsewhere.status == ApplicationStatus.SUBMITTED


def test_without_filters_the_next_is_the_one_below_then_the_first_still_waiting(desk, client_as):
    first, second, third = (submitted(desk["batch"], name=name) for name in ("赵一", "钱二", "孙三"))
    http = client_as(desk["clerk"])
    # the queue lists the newest first: 孙三, 钱二, 赵一; deciding 钱二 goes on to 赵一 below it
    response = http.post(
        reverse("applicants:review_application", args=[second.pk]),
        {"decision": "approve", "reason": "", "version": second.version},
    )
    assert response["Location"] == reverse("applicants:view_application", args=[first.pk])
    first.refresh_from_db()
    response = http.post(
        reverse("applicants:review_application", args=[first.pk]),
        {"decision": "approve", "reason": "", "version": first.version},
    )
    # nothing below the last: back to the first still waiting at the top
    assert response["Location"] == reverse("applicants:view_application", args=[third.pk])


def test_an_application_made_submitted_without_a_time_goes_on_to_the_first_waiting(desk, client_as):
    waiting = submitted(desk["batch"], name="赵一")
    bare = Application.objects.create(
        applicant=ApplicantFactory(),
        batch=desk["batch"],
        category="student",
        class_name="23 机电 1 班",
        status=ApplicationStatus.SUBMITTED,
    )
    response = client_as(desk["clerk"]).post(
        reverse("applicants:review_application", args=[bare.pk]),
        {"decision": "approve", "reason": "", "version": bare.version},
    )
    assert response["Location"] == reverse("applicants:view_application", args=[waiting.pk])


def test_a_refused_decision_stays_on_the_application_with_the_queue(desk, client_as):
    application = submitted(desk["batch"])
    queue = urlencode({"status": "submitted"})
    response = client_as(desk["clerk"]).post(
        reverse("applicants:review_application", args=[application.pk]),
        {"decision": "return", "reason": " ", "version": application.version, "queue": queue},
    )
    assert response["Location"] == (
        f"{reverse('applicants:view_application', args=[application.pk])}?{urlencode({'queue': queue})}"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


# What the history says of a resubmission


def test_the_history_names_the_documents_replaced_and_the_return_is_answered(desk, client_as):
    application = submitted(desk["batch"])
    user = application.applicant.user
    application = review(desk["clerk"], application, "return", "学生证复印件不清楚")
    http = client_as(desk["clerk"])
    page = http.get(reverse("applicants:view_application", args=[application.pk])).content.decode()
    assert "学生证复印件不清楚" in page
    assert "已答复" not in page
    services.application_document_upload(
        actor=user,
        application=application,
        kind="student_card",
        upload=upload("card2.png", portrait(fmt="PNG"), "image/png"),
    )
    services.application_submit(actor=user, application=application)
    latest = application.history.latest("history_id")
    assert latest.history_change_reason == "退回后重新提交，更换了材料：学生证复印件"
    page = http.get(reverse("applicants:view_application", args=[application.pk])).content.decode()
    assert "退回后重新提交，更换了材料：学生证复印件" in page
    assert "已答复" in page
    assert "原退回理由：" in page
    owner_page = client_as(user).get(reverse("applicants:view_application", args=[application.pk]))
    assert "已答复" in owner_page.content.decode()


def test_a_resubmission_without_a_new_document_says_so(desk):
    application = submitted(desk["batch"])
    application = review(desk["clerk"], application, "return", "请补充说明")
    services.application_submit(actor=application.applicant.user, application=application)
    latest = application.history.latest("history_id")
    assert latest.history_change_reason == "退回后重新提交，未更换材料"


# The original certificate of a social applicant


def test_approval_waits_for_the_original_certificate_where_the_batch_asks_for_it(desk):
    application = submitted(desk["batch"], category="social")
    assert application.original_required
    with pytest.raises(RuleViolation) as caught:
        review(desk["clerk"], application, "approve")
    assert caught.value.code == "original_not_seen"
    assert caught.value.field == "original_seen"
    assert "已在窗口核验学历证书原件" in caught.value.message
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    # returning or rejecting does not wait for it
    returned = review(desk["clerk"], application, "return", "照片不清楚")
    assert returned.status == ApplicationStatus.RETURNED


def test_the_tick_records_who_saw_the_original_and_approves(desk):
    application = submitted(desk["batch"], category="social")
    approved = review(desk["clerk"], application, "approve", original_seen=True)
    assert approved.status == ApplicationStatus.APPROVED
    assert approved.original_seen_by == desk["clerk"]
    assert approved.original_seen_at is not None
    reasons = list(approved.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["现场核验学历证书原件", "已批准"]


def test_an_original_recorded_earlier_or_not_asked_for_needs_no_tick(desk):
    seen = submitted(desk["batch"], category="social", name="王五")
    services.application_record_original_seen(actor=desk["clerk"], application=seen)
    assert review(desk["clerk"], seen, "approve").status == ApplicationStatus.APPROVED
    student = submitted(desk["batch"], name="赵六")
    assert not student.original_required
    assert review(desk["clerk"], student, "approve").status == ApplicationStatus.APPROVED
    no_copy = BatchFactory(status=BatchStatus.REGISTRATION_OPEN, social_documents=["id_card", "photo"])
    other = submitted(no_copy, category="social", name="钱七")
    assert not other.original_required
    assert review(desk["clerk"], other, "approve").status == ApplicationStatus.APPROVED


def test_the_review_page_asks_for_the_tick_and_the_refusal_names_it(desk, client_as):
    application = submitted(desk["batch"], category="social")
    http = client_as(desk["clerk"])
    url = reverse("applicants:view_application", args=[application.pk])
    page = http.get(url).content.decode()
    assert 'name="original_seen"' in page
    assert "尚未核验：请在下方审核时勾选" in page
    response = http.post(
        reverse("applicants:review_application", args=[application.pk]),
        {"decision": "approve", "reason": "", "version": application.version},
    )
    assert response["Location"] == url
    assert _messages(response) == [
        "批准前须核验学历证书原件：申报者出示原件后，请勾选“已在窗口核验学历证书原件”。"
    ]
    response = http.post(
        reverse("applicants:review_application", args=[application.pk]),
        {"decision": "approve", "reason": "", "version": application.version, "original_seen": "on"},
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.original_seen_by == desk["clerk"]
