"""The notification service, its deliveries, retries, flow limits, quiet hours and receipts [#18]."""

import base64
import datetime
import hashlib
import hmac
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from jianding.errors import RuleViolation
from jianding.roles import Role
from notifications import selectors, services
from notifications.kinds import Channel, Kind
from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, Message, Preference, Receipt
from notifications.sending import delivery_attempt
from notifications.tasks import deliveries_send
from tests.factories.accounts import UserFactory

from .conftest import MORNING, SHANGHAI, TEMPLATES


@pytest.fixture
def reached(db):
    """A person with an e-mail address and a phone."""
    return UserFactory(role=Role.APPLICANT, email="zhang@example.cn", phone="13812345678")


def tell(recipients, *, kind=Kind.APPLICATION_RETURNED, text="您的报名已被退回：照片不清楚", capture):
    with capture(execute=True):
        return services.notify(kind=kind, recipients=recipients, text=text, link="/applicants/1/")


def test_a_message_per_person_and_a_delivery_per_channel_he_has(
    reached, sms_provider, clock, django_capture_on_commit_callbacks
):
    no_mail = UserFactory(email="", phone="13900001111")
    no_channel = UserFactory(email="", phone="")
    tell([reached, no_mail, no_channel], capture=django_capture_on_commit_callbacks)

    assert Message.objects.count() == 3
    assert sorted(Delivery.objects.values_list("message__recipient__username", "channel")) == sorted(
        [(reached.username, "email"), (reached.username, "sms"), (no_mail.username, "sms")]
    )
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"]]
    assert "照片不清楚" in mail.outbox[0].body
    assert sorted(r["PhoneNumbers"] for r in sms_provider.requests) == ["13812345678", "13900001111"]
    # The person without e-mail or phone still finds it under his bell.
    assert selectors.unread_count(user=no_channel) == 1


def test_the_aliyun_request_is_signed_as_aliyun_documents(
    reached, sms_provider, clock, django_capture_on_commit_callbacks
):
    tell([reached], capture=django_capture_on_commit_callbacks)
    (request,) = sms_provider.requests
    assert request["Action"] == "SendSms"
    assert request["Version"] == "2017-05-25"
    assert request["TemplateCode"] == TEMPLATES[Kind.APPLICATION_RETURNED]
    assert request["SignName"] == "鉴定所"
    assert request["TemplateParam"] == '{"text": "您的报名已被退回：照片不清楚"}'
    assert request["AccessKeyId"] == "test-key-id"
    signed = {key: value for key, value in request.items() if key != "Signature"}

    def encode(value):
        return quote(value, safe="~")

    canonical = "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(signed.items()))
    string_to_sign = "GET&%2F&" + encode(canonical)
    expected = hmac.new(b"test-key-secret&", string_to_sign.encode(), hashlib.sha1).digest()
    assert request["Signature"] == base64.b64encode(expected).decode()
    assert Delivery.objects.get(channel=Channel.SMS).provider_id == "biz-1"


def test_nobody_is_told_of_an_action_that_rolled_back(
    reached, sms_provider, clock, django_capture_on_commit_callbacks
):
    def failing_action():
        with transaction.atomic():
            services.notify(kind=Kind.APPLICATION_RETURNED, recipients=[reached], text="x")
            raise RuntimeError("the caller's action failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_action()
    assert not Message.objects.exists()
    assert mail.outbox == []
    assert sms_provider.requests == []


def test_a_kind_switched_off_still_shows_in_the_portal_but_exam_day_cannot_be(
    reached, sms_provider, clock, django_capture_on_commit_callbacks
):
    services.preferences_save(actor=reached, choices={Kind.APPLICATION_RETURNED: {Channel.EMAIL}})
    assert selectors.preferences_of(user=reached)[Kind.APPLICATION_RETURNED] == {Channel.EMAIL}
    tell([reached], capture=django_capture_on_commit_callbacks)
    assert list(Delivery.objects.values_list("channel", flat=True)) == [Channel.EMAIL]

    with pytest.raises(RuleViolation) as refused:
        services.preferences_save(actor=reached, choices={Kind.EXAM_DAY: set()})
    assert refused.value.code == "mandatory_kind"
    # Even a row written past the service does not keep exam-day messages from any channel.
    Preference.objects.create(user=reached, kind=Kind.EXAM_DAY, email=False, sms=False)
    tell([reached], kind=Kind.EXAM_DAY, capture=django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(message__kind=Kind.EXAM_DAY).count() == 2


def test_a_failing_channel_is_retried_at_1_5_and_15_minutes_then_given_up(
    reached, sms_provider, clock, django_capture_on_commit_callbacks
):
    sms_provider.answers = [(503, b"Service Unavailable")] * 4
    tell([reached], capture=django_capture_on_commit_callbacks)
    sms = Delivery.objects.get(channel=Channel.SMS)
    assert Delivery.objects.get(channel=Channel.EMAIL).status == DeliveryStatus.SENT  # the other channel went

    for waited, attempts in ((1, 2), (5, 3), (15, 4)):
        sms.refresh_from_db()
        assert sms.status == DeliveryStatus.FAILED
        assert sms.next_attempt_at == MORNING + datetime.timedelta(minutes=sum((1, 5, 15)[: attempts - 1]))
        clock.move_to(sms.next_attempt_at - datetime.timedelta(seconds=1))
        call_command("notifications_send")  # not due yet: nothing happens
        assert Delivery.objects.get(pk=sms.pk).attempts == attempts - 1
        clock.move_to(sms.next_attempt_at)
        call_command("notifications_send")
        assert Delivery.objects.get(pk=sms.pk).attempts == attempts, waited

    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.GIVEN_UP
    assert sms.next_attempt_at is None
    assert len(sms_provider.requests) == 4
    assert list(sms.attempt_rows.values_list("outcome", flat=True)) == [DeliveryAttempt.Outcome.FAILED] * 4
    assert "not JSON" in sms.attempt_rows.first().why
    # The e-mail reached him, so the message is not among those no channel delivered.
    assert not selectors.undelivered_list().exists()


def test_a_delivery_is_sent_once_however_often_it_is_run(
    reached, sms_provider, clock, django_capture_on_commit_callbacks
):
    tell([reached], capture=django_capture_on_commit_callbacks)
    ids = list(Delivery.objects.values_list("pk", flat=True))
    for delivery_id in ids:
        assert delivery_attempt(delivery_id=delivery_id) is None
    deliveries_send.call(delivery_ids=ids)
    call_command("notifications_send")
    assert len(sms_provider.requests) == 1
    assert len(mail.outbox) == 1
    assert DeliveryAttempt.objects.count() == 2


def test_the_daily_limit_per_number_and_template_is_kept_locally(
    reached, sms_provider, clock, settings, django_capture_on_commit_callbacks
):
    settings.SMS_PER_NUMBER_TEMPLATE_DAY = 2
    for _ in range(3):
        tell([reached], capture=django_capture_on_commit_callbacks)
    assert len(sms_provider.requests) == 2
    refused = Delivery.objects.get(channel=Channel.SMS, status=DeliveryStatus.GIVEN_UP)
    assert refused.attempt_rows.get().outcome == DeliveryAttempt.Outcome.REFUSED
    # Another template to the same number, and the same one the next day, still go.
    tell([reached], kind=Kind.SECURITY, capture=django_capture_on_commit_callbacks)
    clock.move_to(MORNING + datetime.timedelta(days=1))
    tell([reached], capture=django_capture_on_commit_callbacks)
    assert [r["TemplateCode"] for r in sms_provider.requests[2:]] == [
        TEMPLATES[Kind.SECURITY],
        TEMPLATES[Kind.APPLICATION_RETURNED],
    ]


def test_no_text_at_night_but_exam_day_notices_the_others_wait_for_the_morning(
    reached, sms_provider, clock, settings, django_capture_on_commit_callbacks
):
    settings.SMS_QUIET_FROM, settings.SMS_QUIET_UNTIL = datetime.time(22), datetime.time(8)
    clock.move_to(datetime.datetime(2026, 6, 1, 23, 30, tzinfo=SHANGHAI))
    tell([reached], capture=django_capture_on_commit_callbacks)
    tell(
        [reached],
        kind=Kind.EXAM_DAY,
        text="明天 8:30 考试，请带身份证",
        capture=django_capture_on_commit_callbacks,
    )
    assert [r["TemplateCode"] for r in sms_provider.requests] == [TEMPLATES[Kind.EXAM_DAY]]
    held = Delivery.objects.get(channel=Channel.SMS, message__kind=Kind.APPLICATION_RETURNED)
    assert held.status == DeliveryStatus.QUEUED
    assert held.attempts == 0
    assert held.next_attempt_at == datetime.datetime(2026, 6, 2, 8, 0, tzinfo=SHANGHAI)
    assert len(mail.outbox) == 2  # e-mail knows no night

    clock.move_to(datetime.datetime(2026, 6, 2, 7, 59, tzinfo=SHANGHAI))
    call_command("notifications_send")
    assert len(sms_provider.requests) == 1
    clock.move_to(datetime.datetime(2026, 6, 2, 8, 0, tzinfo=SHANGHAI))
    call_command("notifications_send")
    assert [r["TemplateCode"] for r in sms_provider.requests] == [
        TEMPLATES[Kind.EXAM_DAY],
        TEMPLATES[Kind.APPLICATION_RETURNED],
    ]
    assert Delivery.objects.get(pk=held.pk).status == DeliveryStatus.SENT


def test_a_kind_without_template_is_given_up_at_once(
    reached, sms_provider, clock, settings, django_capture_on_commit_callbacks
):
    settings.SMS_TEMPLATES = {}
    tell([reached], capture=django_capture_on_commit_callbacks)
    sms = Delivery.objects.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.GIVEN_UP
    assert sms.attempts == 1
    assert "SMS_TEMPLATES" in sms.attempt_rows.get().why
    assert sms_provider.requests == []


def test_a_receipt_sent_twice_is_kept_once_and_a_failed_one_shows_on_the_dashboard(
    reached, sms_provider, clock, django_capture_on_commit_callbacks
):
    no_mail = UserFactory(email="", phone="13900001111")
    tell([reached, no_mail], capture=django_capture_on_commit_callbacks)
    ok = Delivery.objects.get(channel=Channel.SMS, address="13812345678")
    lost = Delivery.objects.get(channel=Channel.SMS, address="13900001111")
    reports = [
        {
            "phone_number": "13812345678",
            "success": True,
            "err_code": "DELIVERED",
            "err_msg": "用户接收成功",
            "biz_id": ok.provider_id,
            "report_time": "2026-06-01 10:00:05",
        },
        {
            "phone_number": "13900001111",
            "success": False,
            "err_code": "MK:0001",
            "err_msg": "空号",
            "biz_id": lost.provider_id,
            "report_time": "2026-06-01 10:00:07",
        },
    ]
    assert services.receipts_ingest(reports=reports) == 2
    assert services.receipts_ingest(reports=reports) == 0
    assert Receipt.objects.count() == 2
    ok.refresh_from_db()
    lost.refresh_from_db()
    assert (ok.status, ok.receipt_status) == (DeliveryStatus.SENT, "DELIVERED")
    assert ok.receipt_at == datetime.datetime(2026, 6, 1, 10, 0, 5, tzinfo=SHANGHAI)
    assert (lost.status, lost.receipt_status) == (DeliveryStatus.GIVEN_UP, "MK:0001")
    assert lost.attempt_rows.count() == 2  # the sending, and the receipt's news
    assert list(selectors.undelivered_list()) == [lost.message]
