"""Each event performs its action and checks the message, the e-mail and the SMS request [#18]."""

from django.core import mail
from django.urls import reverse

from applicants.models import Application, ApplicationStatus
from exams.models import BatchStatus
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory

from .conftest import TEMPLATES


def test_an_application_returned_tells_the_applicant_why_by_every_channel(
    db, client_as, sms_provider, clock, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_URL = "https://jianding.example.edu.cn"
    applicant = ApplicantFactory(name="张伟", user__email="zhangwei@example.cn", user__phone="13812345678")
    application = Application.objects.create(
        applicant=applicant,
        batch=BatchFactory(status=BatchStatus.REGISTRATION_OPEN),
        category="student",
        class_name="23 机电 1 班",
        status=ApplicationStatus.SUBMITTED,
    )
    clerk = client_as(UserFactory(role=Role.CLERK))
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(
            reverse("applicants:review_application", args=[application.pk]),
            {"decision": "return", "reason": "学生证复印件不清楚", "version": application.version},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED

    message = Message.objects.get(recipient=applicant.user)
    assert "学生证复印件不清楚" in message.text
    assert message.text.startswith("您报名的")
    assert message.link == reverse("applicants:view_application", args=[application.pk])
    (email,) = mail.outbox
    assert email.to == ["zhangwei@example.cn"]
    assert "学生证复印件不清楚" in email.body
    assert f"https://jianding.example.edu.cn{message.link}" in email.body
    (sms,) = sms_provider.requests
    assert sms["PhoneNumbers"] == "13812345678"
    assert sms["TemplateCode"] == TEMPLATES[Kind.APPLICATION_RETURNED]
    assert "学生证复印件不清楚" in sms["TemplateParam"]

    # The applicant sees the bell, opens the message and lands on his application.
    http = client_as(applicant.user)
    assert 'data-testid="unread-count">1<' in http.get(reverse("dashboard")).content.decode()
    opened = http.get(reverse("notifications:open_message", args=[message.pk]))
    assert opened["Location"] == message.link
    assert "学生证复印件不清楚" in http.get(message.link).content.decode()


def test_an_sms_outage_does_not_fail_the_review(
    db, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    sms_provider.answers = [(500, b"down")]
    applicant = ApplicantFactory()
    application = Application.objects.create(
        applicant=applicant,
        batch=BatchFactory(status=BatchStatus.REGISTRATION_OPEN),
        category="student",
        class_name="23 机电 1 班",
        status=ApplicationStatus.SUBMITTED,
    )
    clerk = client_as(UserFactory(role=Role.CLERK))
    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(
            reverse("applicants:review_application", args=[application.pk]),
            {"decision": "return", "reason": "照片不合格", "version": application.version},
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert Message.objects.get(recipient=applicant.user).deliveries.get().status == "failed"
