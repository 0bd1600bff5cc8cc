"""Fees received and refunded, fee plans and expenses waiting for approval and decided [#18]."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from finance.models import Collection, Expense, ExpenseStatus, FeePlan, FeePlanStatus
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message
from tests.factories.accounts import TEST_PASSWORD, UserFactory, second_factor_code
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.factories.finance import books
from tests.finance.conftest import invoice

from .conftest import TEMPLATES


def _told(user, kind: Kind, sms_provider, containing: str = "") -> Message:
    """The one message ``user`` got of ``kind`` (``containing`` a text), checked delivered by e-mail and SMS."""
    message = Message.objects.get(recipient=user, kind=kind, text__contains=containing)
    (email,) = [email for email in mail.outbox if email.to == [user.email] and message.text in email.body]
    assert email.body.endswith(message.link)
    (sms,) = [
        request
        for request in sms_provider.requests
        if request["PhoneNumbers"] == user.phone
        and json.loads(request["TemplateParam"])["text"] == message.text
    ]
    assert sms["TemplateCode"] == TEMPLATES[kind]
    return message


@pytest.fixture
def staff(db, tmp_path, settings):
    """Two directors, a clerk, a finance officer, each with his own e-mail and phone."""
    settings.MEDIA_ROOT = tmp_path
    made = {}
    for number, (name, role) in enumerate(
        [
            ("director", Role.DIRECTOR),
            ("director2", Role.DIRECTOR),
            ("clerk", Role.CLERK),
            ("finance", Role.FINANCE),
        ]
    ):
        made[name] = UserFactory(
            username=name, role=role, email=f"{name}@example.cn", phone=f"1370000{number:04d}"
        )
    return made


def _paying_applicant(staff):
    setup = books()
    batch = BatchFactory(status="registration_closed", fee_item=setup["item"])
    (application,) = candidates(batch, {"23 机电 1 班": 1}, paid=False)
    user = application.applicant.user
    user.email, user.phone = "zhangwei@example.cn", "13812345678"
    user.save(update_fields=["email", "phone"])
    return setup, application


def test_a_fee_received_tells_the_applicant_his_receipt_number(
    staff, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    setup, application = _paying_applicant(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff["finance"]).post(
            reverse("finance:collect_fee", args=[application.pk]),
            {
                "amount": "150.00",
                "method": "desk",
                "account": setup["cash"].pk,
                "receipt_book": setup["book"].pk,
                "receipt_number": 1,
            },
        )
    assert response.status_code == 302
    message = _told(application.applicant.user, Kind.FEE, sms_provider)
    assert "¥150.00" in message.text
    assert "收据号 A-1" in message.text
    assert message.link == reverse("applicants:view_application", args=[application.pk])
    assert list(Message.objects.values_list("recipient", flat=True)) == [application.applicant.user_id]


def test_a_refund_waits_for_the_directors_and_its_decision_reaches_finance_and_the_applicant(
    staff, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    setup, application = _paying_applicant(staff)
    finance = client_as(staff["finance"])
    finance.post(
        reverse("finance:collect_fee", args=[application.pk]),
        {
            "amount": "150.00",
            "method": "desk",
            "account": setup["cash"].pk,
            "receipt_book": setup["book"].pk,
            "receipt_number": 1,
        },
    )
    payment = Collection.objects.get()
    Message.objects.all().delete()
    dues = reverse("finance:view_dues", args=[application.pk])

    with django_capture_on_commit_callbacks(execute=True):
        finance.post(
            reverse("finance:request_refund", args=[payment.pk]),
            {f"refund{payment.pk}-amount": "50.00", f"refund{payment.pk}-reason": "免考理论部分"},
        )
    for director in (staff["director"], staff["director2"]):
        waiting = _told(director, Kind.APPROVAL_WAITING, sms_provider)
        assert "¥50.00" in waiting.text
        assert "免考理论部分" in waiting.text
        assert waiting.link == dues
    assert Message.objects.count() == 2

    refund = Collection.objects.get(kind="refund")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(staff["director"]).post(
            reverse("finance:decide_refund", args=[refund.pk]), {"decision": "approve"}
        )
    approved = _told(staff["finance"], Kind.APPROVAL_DECIDED, sms_provider)
    assert "已批准" in approved.text
    assert approved.link == dues
    refunded = _told(application.applicant.user, Kind.FEE, sms_provider)
    assert "已退还 ¥50.00" in refunded.text
    assert "免考理论部分" in refunded.text
    assert not Message.objects.filter(recipient=staff["director"], kind=Kind.APPROVAL_DECIDED).exists()

    with django_capture_on_commit_callbacks(execute=True):
        finance.post(
            reverse("finance:request_refund", args=[payment.pk]),
            {f"refund{payment.pk}-amount": "20.00", f"refund{payment.pk}-reason": "多收"},
        )
        second = Collection.objects.get(kind="refund", amount="20.00")
        client_as(staff["director2"]).post(
            reverse("finance:decide_refund", args=[second.pk]),
            {"decision": "refuse", f"decision{second.pk}-reason": "未多收"},
        )
    refused = _told(staff["finance"], Kind.APPROVAL_DECIDED, sms_provider, containing="未获批准")
    assert "¥20.00" in refused.text
    assert "未多收" in refused.text
    assert Message.objects.filter(recipient=application.applicant.user).count() == 1


def test_a_fee_plan_waits_for_the_directors_and_its_decision_reaches_the_clerk(
    staff, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    setup = books()
    clerk, director = client_as(staff["clerk"]), client_as(staff["director"])
    clerk.post(reverse("finance:create_fee_plan"), {"year": 2031})
    plan = FeePlan.objects.get(year=2031)
    clerk.post(
        reverse("finance:add_plan_fee", args=[plan.pk]), {"fee_item": setup["item"].pk, "expected_count": 40}
    )
    link = reverse("finance:view_fee_plan", args=[plan.pk])

    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(reverse("finance:submit_fee_plan", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == FeePlanStatus.SUBMITTED
    for user in (staff["director"], staff["director2"]):
        waiting = _told(user, Kind.APPROVAL_WAITING, sms_provider)
        assert "2031" in waiting.text
        assert "待您审批" in waiting.text
        assert waiting.link == link

    with django_capture_on_commit_callbacks(execute=True):
        director.post(
            reverse("finance:decide_fee_plan", args=[plan.pk]),
            {"decision": "return", "reason": "考务费预算偏高"},
        )
    returned = _told(staff["clerk"], Kind.APPROVAL_DECIDED, sms_provider)
    assert "考务费预算偏高" in returned.text
    assert returned.link == link

    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(reverse("finance:submit_fee_plan", args=[plan.pk]))
        director.post(reverse("finance:decide_fee_plan", args=[plan.pk]), {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == FeePlanStatus.APPROVED
    approved = _told(staff["clerk"], Kind.APPROVAL_DECIDED, sms_provider, containing="已批准")
    assert approved.link == link
    assert not Message.objects.filter(recipient=staff["director"], kind=Kind.APPROVAL_DECIDED).exists()
    assert not Message.objects.filter(recipient=staff["clerk"], kind=Kind.APPROVAL_WAITING).exists()


def test_an_expense_waits_for_the_directors_signature_and_its_decisions_reach_the_submitter(
    staff, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    setup = books()
    clerk = client_as(staff["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(
            reverse("finance:create_expense"),
            {
                "subject": setup["expense"].pk,
                "amount": "320.50",
                "purpose": "理论考试试卷印刷",
                "invoices": [invoice()],
            },
        )
    expense = Expense.objects.get()
    link = reverse("finance:view_expense", args=[expense.pk])
    for director in (staff["director"], staff["director2"]):
        waiting = _told(director, Kind.APPROVAL_WAITING, sms_provider)
        assert "¥320.50" in waiting.text
        assert "理论考试试卷印刷" in waiting.text
        assert waiting.link == link
    assert not Message.objects.filter(recipient=staff["clerk"]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client_as(staff["director"]).post(
            reverse("finance:return_expense", args=[expense.pk]), {"reason": "缺少印刷清单"}
        )
    returned = _told(staff["clerk"], Kind.APPROVAL_DECIDED, sms_provider)
    assert "缺少印刷清单" in returned.text
    assert returned.link == link

    mail.outbox.clear()
    sms_provider.requests.clear()
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(
            reverse("finance:resubmit_expense", args=[expense.pk]),
            {"amount": "300.00", "purpose": "理论考试试卷印刷", "invoices": [invoice("清单.png")]},
        )
    for director in (staff["director"], staff["director2"]):
        assert "¥300.00" in _told(director, Kind.APPROVAL_WAITING, sms_provider).text

    director = staff["director2"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(director).post(
            reverse("finance:sign_expense", args=[expense.pk]),
            {"password": TEST_PASSWORD, "token": second_factor_code(director)},
        )
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SIGNED
    signed = _told(staff["clerk"], Kind.APPROVAL_DECIDED, sms_provider)
    assert "已签批" in signed.text
    assert signed.link == link
    assert not Message.objects.filter(recipient=director, kind=Kind.APPROVAL_DECIDED).exists()
