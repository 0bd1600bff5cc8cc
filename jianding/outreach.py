"""Notices (宣传) and the public consultation box (咨询) [管理人员 §2, 工作规则 §5]."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jianding import events
from jianding.client import address_limit_reached
from jianding.errors import RuleViolation
from jianding.models import Consultation, Notice
from jianding.permissions import require_role
from jianding.roles import Role

# What one address may ask: a few questions an hour, a handful a day.
ASK_LIMITS = ((datetime.timedelta(hours=1), 3), (datetime.timedelta(days=1), 10))


@transaction.atomic
def notice_save(*, actor, notice: Notice | None = None, title: str, body: str, publish_at) -> Notice:
    """Write or change a notice; it is public from ``publish_at``."""
    require_role(actor, Role.CLERK)
    if notice is None:
        return Notice.objects.create(created_by=actor, title=title, body=body, publish_at=publish_at)
    notice.title, notice.body, notice.publish_at = title, body, publish_at
    try:
        notice.save(update_fields=["title", "body", "publish_at"])
    except Notice.NotUpdated:
        raise RuleViolation(
            _("Someone removed this notice meanwhile; nothing was saved."), code="notice_removed"
        ) from None
    return notice


@transaction.atomic
def notice_delete(*, actor, notice: Notice) -> None:
    require_role(actor, Role.CLERK)
    notice.delete()


@transaction.atomic
def consultation_ask(
    *, question: str, asker_name: str, contact: str, ip_address: str, asker=None
) -> Consultation:
    """Record a question from the public, within the per-address limits.

    ``asker`` is the account of a signed-in asker, told when the question is answered.

    ``ip_address`` comes from ``jianding.client.client_ip``, never empty. The
    count and the insert share a transaction: SQLite serialises writers, and on
    PostgreSQL a burst from one address may slip one or two past the limit.
    """
    asked = address_limit_reached(
        Consultation.objects.filter(ip_address=ip_address), at_field="asked_at", limits=ASK_LIMITS
    )
    if asked is not None:
        raise RuleViolation(
            _("You have asked %(count)d questions recently; please wait for the answers or call the office.")
            % {"count": asked},
            field="question",
            code="too_many_questions",
        )
    return Consultation.objects.create(
        question=question, asker_name=asker_name, contact=contact, ip_address=ip_address, asked_by=asker
    )


@transaction.atomic
def consultation_answer(
    *, actor, consultation: Consultation, answer: str, publish: bool, seen_answer: str
) -> Consultation:
    """Answer a question, and publish it with its answer if it helps others.

    ``seen_answer`` is the answer the clerk saw when he opened the question; if
    another clerk answered meanwhile, the second answer is refused, not laid over.
    """
    require_role(actor, Role.CLERK)
    if not answer.strip():
        raise RuleViolation(_("Write the answer."), field="answer", code="answer_required")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.answer != seen_answer:
        raise RuleViolation(
            _("%(name)s answered this question meanwhile; read that answer before changing it.")
            % {"name": consultation.answered_by},
            field="answer",
            code="answered_meanwhile",
        )
    changed = consultation.answer != answer
    consultation.answer, consultation.is_published = answer, publish
    consultation.answered_by, consultation.answered_at = actor, timezone.now()
    consultation.save(update_fields=["answer", "is_published", "answered_by", "answered_at"])
    if changed:
        events.consultation_answered.send(sender=Consultation, consultation=consultation, actor=actor)
    return consultation
