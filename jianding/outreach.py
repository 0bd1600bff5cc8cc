"""Notices (宣传) and the public consultation box (咨询) [管理人员 §2, 工作规则 §5]."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
    notice = notice or Notice(created_by=actor)
    notice.title, notice.body, notice.publish_at = title, body, publish_at
    notice.save()
    return notice


@transaction.atomic
def notice_delete(*, actor, notice: Notice) -> None:
    require_role(actor, Role.CLERK)
    notice.delete()


def consultation_ask(*, question: str, asker_name: str, contact: str, ip_address: str | None) -> Consultation:
    """Record a question from the public, within the per-address limits."""
    now = timezone.now()
    for window, limit in ASK_LIMITS:
        asked = Consultation.objects.filter(ip_address=ip_address, asked_at__gte=now - window).count()
        if asked >= limit:
            raise RuleViolation(
                _(
                    "You have asked %(count)d questions recently; please wait for the answers or call the office."
                )
                % {"count": asked},
                field="question",
                code="too_many_questions",
            )
    return Consultation.objects.create(
        question=question, asker_name=asker_name, contact=contact, ip_address=ip_address
    )


@transaction.atomic
def consultation_answer(*, actor, consultation: Consultation, answer: str, publish: bool) -> Consultation:
    """Answer a question, and publish it with its answer if it helps others."""
    require_role(actor, Role.CLERK)
    if not answer.strip():
        raise RuleViolation(_("Write the answer."), field="answer", code="answer_required")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    consultation.answer, consultation.is_published = answer, publish
    consultation.answered_by, consultation.answered_at = actor, timezone.now()
    consultation.save(update_fields=["answer", "is_published", "answered_by", "answered_at"])
    return consultation
