"""Tell people what concerns them: the in-portal message, and its deliveries by e-mail and SMS.

Rules served [#18]: one service every app calls; a message per recipient, one outbox row per
message and channel (idempotent), sent by the worker after the caller's transaction commits
(``notifications.sending`` sends and retries); exam-day and security messages cannot be switched
off; delivery receipts are kept once however often the provider sends them.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jianding.errors import RuleViolation
from notifications.kinds import MANDATORY, Channel, Kind, kinds_offered
from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, Message, Preference, Receipt
from notifications.tasks import deliveries_send


def _addresses(user) -> dict[str, str]:
    """The channels ``user`` can be reached by, with his address on each.

    A phone counts once verified: its owner typed the code texted to it, or the director entered
    it for a member of staff (``jianding.phones.phone_assign``).
    """
    found = {}
    if user.email:
        found[Channel.EMAIL] = user.email
    if user.phone and user.phone_verified_at is not None:
        found[Channel.SMS] = user.phone
    return found


def notice_text(text, params: Mapping | None = None) -> str:
    """``text`` (a lazy translation) with ``params`` put in, in the center's language.

    People read their messages in Chinese whoever's action caused them, so the text is rendered
    here rather than in the language of the request.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _filled(text, params)


def _filled(text, params: Mapping | None) -> str:
    """``text`` rendered in the active language, with ``params`` put in."""
    rendered = str(text)
    return rendered % {name: str(value) for name, value in params.items()} if params else rendered


@dataclass(frozen=True)
class Notice:
    """One person's message: the recipient, a lazy text with its ``params``, and the link."""

    recipient: object
    text: object
    params: Mapping | None = None
    link: str = ""


def notify(
    *, kind: Kind, recipients: Iterable, text, params: Mapping | None = None, link: str = ""
) -> list[Message]:
    """Store ``text`` as a message to each of ``recipients`` and queue its deliveries by his channels.

    ``text`` is a lazy translation with ``%(name)s`` placeholders filled from ``params``
    (``notice_text``). Runs in the caller's transaction: if his action rolls back, nobody is told.
    The deliveries are sent by the worker once it commits.
    """
    rendered = notice_text(text, params)
    return notify_each(
        kind=kind,
        notices=[Notice(recipient=user, text=rendered, link=link) for user in dict.fromkeys(recipients)],
    )


def notify_each(*, kind: Kind, notices: Iterable[Notice]) -> list[Message]:
    """Store one message per notice (each its own text and link) and queue their deliveries.

    For events that tell many people each something of his own (an admission ticket's room and
    seat): a few queries whatever their number, in the caller's transaction like ``notify``.
    """
    notices = [notice for notice in notices if notice.recipient is not None]
    if not notices:
        return []
    # One switch of language for all: a batch's tickets are a thousand notices, and this is
    # what the enqueue benchmark (bench/notify_enqueue.py) measures.
    with translation.override(settings.LANGUAGE_CODE):
        messages = Message.objects.bulk_create(
            [
                Message(
                    recipient=notice.recipient,
                    kind=kind,
                    text=_filled(notice.text, notice.params),
                    link=notice.link,
                )
                for notice in notices
            ]
        )
    chosen = {
        preference.user_id: preference
        for preference in Preference.objects.filter(
            user__in={notice.recipient.pk for notice in notices}, kind=kind
        )
    }
    now = timezone.now()
    deliveries = []
    for message, notice in zip(messages, notices, strict=True):
        preference = chosen.get(notice.recipient.pk)
        for channel, address in _addresses(notice.recipient).items():
            if kind not in MANDATORY and preference is not None and not getattr(preference, channel):
                continue
            deliveries.append(
                Delivery(
                    message_id=message.pk,
                    channel=channel,
                    address=address,
                    idempotency_key=f"{message.pk}:{channel}",
                    next_attempt_at=now,
                )
            )
    deliveries = Delivery.objects.bulk_create(deliveries)
    if deliveries:
        # robust: if the worker's queue cannot be reached, the caller's action stands and
        # manage.py notifications_send finds the deliveries due.
        transaction.on_commit(
            partial(deliveries_send.enqueue, delivery_ids=[d.pk for d in deliveries]), robust=True
        )
    return messages


def message_open(*, actor, message: Message) -> Message:
    """Mark ``message`` read by its recipient, the first time he opens it."""
    if message.read_at is None and message.recipient_id == actor.pk:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def preferences_save(*, actor, choices: Mapping[str, set[str]]) -> None:
    """Keep the channels ``actor`` chose for each kind; exam-day and security kinds cannot be changed."""
    offered = kinds_offered(actor)
    for kind, channels in choices.items():
        if kind in MANDATORY:
            raise RuleViolation(
                _("Exam-day and security messages cannot be switched off."), code="mandatory_kind", field=kind
            )
        if kind not in offered:
            raise RuleViolation(
                _("You do not receive messages of this kind."), code="kind_not_offered", field=kind
            )
        Preference.objects.update_or_create(
            user=actor,
            kind=kind,
            defaults={"email": Channel.EMAIL in channels, "sms": Channel.SMS in channels},
        )


def receipts_ingest(*, reports: Iterable[Mapping]) -> int:
    """Take the SMS provider's delivery receipts (Aliyun's SmsReport); return how many were new.

    The provider sends a receipt again until it is answered, so one already kept changes nothing.
    A receipt saying the text did not arrive gives the delivery up.
    """
    new = 0
    for report in reports:
        provider_id, phone = str(report.get("biz_id", "")), str(report.get("phone_number", ""))
        delivered = report.get("success") in (True, "true", "True")
        status = str(report.get("err_code") or ("DELIVERED" if delivered else "UNKNOWN"))
        reported_at = _parse_report_time(report.get("report_time"))
        with transaction.atomic():
            _receipt, created = Receipt.objects.get_or_create(
                provider_id=provider_id, phone=phone, status=status, defaults={"reported_at": reported_at}
            )
            if not created:
                continue
            new += 1
            delivery = (
                Delivery.objects.select_for_update()
                .filter(channel=Channel.SMS, provider_id=provider_id)
                .first()
            )
            if delivery is None:
                continue
            delivery.receipt_status, delivery.receipt_at = status, reported_at or timezone.now()
            fields = ["receipt_status", "receipt_at"]
            if not delivered:
                delivery.status = DeliveryStatus.GIVEN_UP
                fields.append("status")
                DeliveryAttempt.objects.create(
                    delivery=delivery,
                    outcome=DeliveryAttempt.Outcome.FAILED,
                    why=f"receipt: {status} {report.get('err_msg', '')}".strip(),
                )
            delivery.save(update_fields=fields)
    return new


def _parse_report_time(value) -> datetime.datetime | None:
    """Aliyun's "2017-02-02 22:23:24", in Beijing time."""
    try:
        naive = datetime.datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive)
