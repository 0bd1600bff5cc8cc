"""A delivery left "sending" by a worker that died is taken back and retried [#18]."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from jianding.roles import Role
from notifications import services
from notifications.kinds import Channel, Kind
from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus
from notifications.sending import CLAIM_MINUTES, RETRY_MINUTES, deliveries_reclaim, delivery_attempt
from notifications.sms import ConsoleBackend
from tests.factories.accounts import UserFactory

from .conftest import MORNING


@pytest.fixture
def left_sending(db, sms_provider, clock, django_capture_on_commit_callbacks):
    """A text message a worker claimed at MORNING and never finished (it died mid-send)."""
    person = UserFactory(role=Role.APPLICANT, email="zhang@example.cn", phone="13812345678")
    with django_capture_on_commit_callbacks(execute=False):  # the worker never ran the task
        services.notify(kind=Kind.APPLICATION_RETURNED, recipients=[person], text="照片不清楚", link="/x/")
    sms = Delivery.objects.get(channel=Channel.SMS)
    Delivery.objects.filter(pk=sms.pk).update(status=DeliveryStatus.SENDING, claimed_at=MORNING)
    return sms


def test_a_delivery_claimed_by_a_dead_worker_is_a_failed_attempt_and_is_retried(
    left_sending, sms_provider, clock
):
    claim_ends = MORNING + datetime.timedelta(minutes=CLAIM_MINUTES)
    clock.move_to(claim_ends - datetime.timedelta(seconds=1))
    call_command("notifications_send")
    # The e-mail, never claimed, goes; the text may still be on its way: it is left alone.
    assert len(mail.outbox) == 1
    left_sending.refresh_from_db()
    assert (left_sending.status, left_sending.attempts) == (DeliveryStatus.SENDING, 0)
    assert sms_provider.requests == []

    clock.move_to(claim_ends)
    call_command("notifications_send")
    left_sending.refresh_from_db()
    assert left_sending.status == DeliveryStatus.FAILED
    assert left_sending.attempts == 1
    assert left_sending.next_attempt_at == claim_ends + datetime.timedelta(minutes=RETRY_MINUTES[0])
    (lost,) = left_sending.attempt_rows.all()
    assert lost.outcome == DeliveryAttempt.Outcome.FAILED
    assert "worker stopped" in lost.why
    assert sms_provider.requests == []  # retried after the first interval, like any failure

    clock.move_to(left_sending.next_attempt_at)
    call_command("notifications_send")
    left_sending.refresh_from_db()
    assert (left_sending.status, left_sending.attempts) == (DeliveryStatus.SENT, 2)
    assert [r["PhoneNumbers"] for r in sms_provider.requests] == ["13812345678"]
    assert left_sending.claimed_at == claim_ends + datetime.timedelta(minutes=RETRY_MINUTES[0])
    # Running again sends nothing more.
    call_command("notifications_send")
    assert len(sms_provider.requests) == 1


def test_a_claim_lost_on_the_last_try_gives_the_delivery_up(left_sending, sms_provider, clock):
    Delivery.objects.filter(pk=left_sending.pk).update(attempts=len(RETRY_MINUTES))
    clock.move_to(MORNING + datetime.timedelta(hours=1))
    call_command("notifications_send")
    left_sending.refresh_from_db()
    assert left_sending.status == DeliveryStatus.GIVEN_UP
    assert left_sending.next_attempt_at is None
    assert sms_provider.requests == []


def test_a_row_stuck_sending_from_before_claims_were_timed_is_taken_back(left_sending, sms_provider, clock):
    Delivery.objects.filter(pk=left_sending.pk).update(claimed_at=None)
    call_command("notifications_send")
    left_sending.refresh_from_db()
    assert (left_sending.status, left_sending.attempts) == (DeliveryStatus.FAILED, 1)


class _SlowBackend(ConsoleBackend):
    """A provider that answers only after the claim ran out: another worker took the delivery back."""

    def send(self, *, phone, kind, text, out_id):
        deliveries_reclaim(now=MORNING + datetime.timedelta(minutes=CLAIM_MINUTES + 1))
        return super().send(phone=phone, kind=kind, text=text, out_id=out_id)


def test_a_send_that_outlived_its_claim_does_not_lay_its_outcome_over_the_reclaim(
    db, clock, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = f"{__name__}._SlowBackend"
    person = UserFactory(role=Role.APPLICANT, phone="13812345678")
    with django_capture_on_commit_callbacks(execute=False):
        services.notify(kind=Kind.APPLICATION_RETURNED, recipients=[person], text="照片不清楚", link="/x/")
    sms = Delivery.objects.get(channel=Channel.SMS)
    delivery_attempt(delivery_id=sms.pk, now=MORNING)
    sms.refresh_from_db()
    # The reclaim's retry stands; the late answer is kept as an attempt, saying so.
    assert (sms.status, sms.attempts) == (DeliveryStatus.FAILED, 1)
    late = sms.attempt_rows.get(outcome=DeliveryAttempt.Outcome.SENT)
    assert "taken back" in late.why
