"""Send one delivery by its channel, record the attempt, and decide when to try again.

Rules served [#18]: retried at 1, 5 and 15 minutes, then given up; running twice sends once; a
failed channel never fails anyone's action; the provider's flow limit (messages of one kind to one
number a day) is kept locally; no SMS in the quiet hours of the night except exam-day notices, the
others waiting until the quiet hours end; a delivery whose worker died while sending it is taken
back after ``CLAIM_MINUTES`` and counted as a failed attempt.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.kinds import AT_ANY_HOUR, Channel
from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus
from notifications.sms import SmsError, SmsRefused, sms_backend

# Minutes to wait before each retry; after the last the delivery is given up.
RETRY_MINUTES = (1, 5, 15)
# Minutes after which a delivery still being sent is taken for lost: far longer than a sending
# takes (the SMS backend gives up after 10 seconds, SMTP after SMTP_TIMEOUT), so a slow worker is
# not overtaken; one that is anyway does not lay its outcome over the later one (``_record``).
CLAIM_MINUTES = 10


def _is_quiet(moment: datetime.datetime) -> bool:
    start, end, now = settings.SMS_QUIET_FROM, settings.SMS_QUIET_UNTIL, timezone.localtime(moment).time()
    return (now >= start or now < end) if start > end else start <= now < end


def _quiet_ends(moment: datetime.datetime) -> datetime.datetime:
    """The first moment after ``moment`` (in the quiet hours) when SMS may go out again."""
    local = timezone.localtime(moment)
    morning = local.replace(
        hour=settings.SMS_QUIET_UNTIL.hour, minute=settings.SMS_QUIET_UNTIL.minute, second=0, microsecond=0
    )
    return morning if morning > local else morning + datetime.timedelta(days=1)


def _sms_sent_today(*, phone: str, kind: str, moment: datetime.datetime) -> int:
    midnight = timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)
    return Delivery.objects.filter(
        channel=Channel.SMS,
        address=phone,
        message__kind=kind,
        status=DeliveryStatus.SENT,
        sent_at__gte=midnight,
    ).count()


def _send(delivery: Delivery) -> str:
    """Send ``delivery`` by its channel; return the provider's id of the sending."""
    message = delivery.message
    if delivery.channel == Channel.EMAIL:
        body = f"{message.text}\n\n{settings.PORTAL_URL}{message.link}" if message.link else message.text
        send_mail(message.get_kind_display(), body, None, [delivery.address])
        return ""
    return sms_backend().send(
        phone=delivery.address, kind=message.kind, text=message.text, out_id=str(delivery.pk)
    )


def _record(delivery: Delivery, *, outcome: str, why: str = "", claimed_at=None, **changes) -> None:
    """Keep the attempt and its outcome on the delivery.

    With ``claimed_at`` (an attempt that went out to the channel) the delivery changes only if this
    worker still holds it: one that took longer than ``CLAIM_MINUTES`` was taken back meanwhile, and
    its later state is not laid over.
    """
    for name, value in changes.items():
        setattr(delivery, name, value)
    if claimed_at is None:
        delivery.save(update_fields=list(changes))
    elif not Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=claimed_at
    ).update(**changes):
        why = f"{why} (finished after the delivery was taken back)".strip()
    DeliveryAttempt.objects.create(delivery=delivery, outcome=outcome, why=why)


def _record_failure(delivery: Delivery, *, why: str, now: datetime.datetime, claimed_at=None) -> None:
    """Count a failed attempt: try again after the next of ``RETRY_MINUTES``, or give up after the last."""
    attempts = delivery.attempts + 1
    retry = attempts <= len(RETRY_MINUTES)
    _record(
        delivery,
        outcome=DeliveryAttempt.Outcome.FAILED,
        why=why,
        claimed_at=claimed_at,
        status=DeliveryStatus.FAILED if retry else DeliveryStatus.GIVEN_UP,
        attempts=attempts,
        next_attempt_at=now + datetime.timedelta(minutes=RETRY_MINUTES[attempts - 1]) if retry else None,
    )


def delivery_attempt(*, delivery_id: int, now: datetime.datetime | None = None) -> Delivery | None:
    """Try a delivery that is due; record the attempt and when to try again. Never raises for the channel.

    A delivery already sent, given up, being sent by another worker or not yet due is left as it
    is, so running this twice sends once.
    """
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status__in=[DeliveryStatus.QUEUED, DeliveryStatus.FAILED],
        next_attempt_at__lte=now,
    ).update(status=DeliveryStatus.SENDING, claimed_at=now)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("message").get(pk=delivery_id)
    before = DeliveryStatus.QUEUED if delivery.attempts == 0 else DeliveryStatus.FAILED
    kind = delivery.message.kind
    if delivery.channel == Channel.SMS:
        if kind not in AT_ANY_HOUR and _is_quiet(now):
            delivery.status, delivery.next_attempt_at = before, _quiet_ends(now)
            delivery.save(update_fields=["status", "next_attempt_at"])
            return delivery
        if (
            _sms_sent_today(phone=delivery.address, kind=kind, moment=now)
            >= settings.SMS_PER_NUMBER_TEMPLATE_DAY
        ):
            _record(
                delivery,
                outcome=DeliveryAttempt.Outcome.REFUSED,
                why="daily limit of messages of this kind to this number reached (SMS_PER_NUMBER_TEMPLATE_DAY)",
                status=DeliveryStatus.GIVEN_UP,
                attempts=delivery.attempts + 1,
                next_attempt_at=None,
            )
            return delivery
    attempts = delivery.attempts + 1
    try:
        provider_id = _send(delivery)
    except SmsRefused as error:
        _record(
            delivery,
            outcome=DeliveryAttempt.Outcome.FAILED,
            why=str(error),
            claimed_at=now,
            status=DeliveryStatus.GIVEN_UP,
            attempts=attempts,
            next_attempt_at=None,
        )
    except (OSError, SmsError) as error:  # smtplib's and requests' errors are OSErrors
        _record_failure(delivery, why=repr(error), now=now, claimed_at=now)
    else:
        _record(
            delivery,
            outcome=DeliveryAttempt.Outcome.SENT,
            claimed_at=now,
            status=DeliveryStatus.SENT,
            attempts=attempts,
            sent_at=now,
            next_attempt_at=None,
            provider_id=provider_id,
        )
    return delivery


def _stale_claims(now: datetime.datetime) -> Q:
    # A row claimed before claimed_at was kept has none: it has been stuck since then.
    return Q(status=DeliveryStatus.SENDING) & (
        Q(claimed_at__lte=now - datetime.timedelta(minutes=CLAIM_MINUTES)) | Q(claimed_at__isnull=True)
    )


def deliveries_reclaim(*, now: datetime.datetime | None = None) -> int:
    """Take back the deliveries claimed more than ``CLAIM_MINUTES`` ago and never finished.

    Their worker died while sending: each counts as a failed attempt, retried like any other (the
    text may have gone out, but a message lost is worse than one received twice). Return how many.
    """
    now = now or timezone.now()
    reclaimed = 0
    for delivery_id in Delivery.objects.filter(_stale_claims(now)).values_list("pk", flat=True):
        with transaction.atomic():
            # Locked and checked again: another run of this may have taken it meanwhile.
            delivery = Delivery.objects.select_for_update().filter(_stale_claims(now), pk=delivery_id).first()
            if delivery is None:
                continue
            _record_failure(
                delivery,
                why="the worker stopped while sending it",
                now=now,
            )
            reclaimed += 1
    return reclaimed


def deliveries_due(*, now: datetime.datetime | None = None) -> list[int]:
    """The ids of the deliveries waiting to be tried (first tries, retries, texts held overnight).

    Deliveries a dead worker left half-sent are taken back first (``deliveries_reclaim``).
    """
    now = now or timezone.now()
    deliveries_reclaim(now=now)
    return list(
        Delivery.objects.filter(
            status__in=[DeliveryStatus.QUEUED, DeliveryStatus.FAILED],
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
