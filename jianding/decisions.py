"""The approve / return / reject record: who decided, when, and why — one shape for every decision.

Annual plans and fee plans (所长 §3), batches outside the plan, question banks (副所长 §4), expense
requests (一支笔 [经费 §4]), refunds, deferrals and proctors' leave (监考人员守则 §2–§3) are each
decided by one person. Each such model extends ``Decided``; each service that decides one locks
it, checks who may decide, and calls ``decide``: it checks the record waits for a decision,
requires a reason where the caller says this decision needs one (``reason_missing``; services
that take the reason apart call ``reason_require``, the one place of that rule), records who,
when and why, and writes the history.
"""

from collections.abc import Collection, Iterable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianding.errors import RuleViolation
from jianding.fields import optional_link

DECISION_FIELDS = ("decided_by", "decided_at", "decision_reason")


class Decided(models.Model):
    """Who approved, returned or rejected a record, when, and why."""

    decided_by = optional_link(settings.AUTH_USER_MODEL, _("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason given with the decision"), blank=True)

    class Meta:
        abstract = True


def reason_require(reason: str, *, message: str, field: str = "reason") -> None:
    """Refuse a blank ``reason``: a return, a refusal or a correction says why, in ``message``'s words."""
    if not reason.strip():
        raise RuleViolation(message, field=field, code="reason_required")


def decision_require_pending(record: Decided, *, waiting: Collection[str], refusal: str, code: str) -> None:
    """Refuse with ``refusal`` (and ``code``) unless ``record``'s status is one of ``waiting``."""
    if record.status not in waiting:
        raise RuleViolation(refusal, code=code)


def decision_record(record: Decided, *, actor, reason: str = "", now=None, note: str = "") -> list[str]:
    """Write on ``record`` that ``actor`` decided it now for ``reason``; return the fields to save.

    Its history shows the reason, or else ``note``.
    """
    record.decided_by, record.decided_at, record.decision_reason = actor, now or timezone.now(), reason
    record._history_user = actor
    if reason or note:
        record._change_reason = reason or note
    return list(DECISION_FIELDS)


def decide(
    record: Decided,
    *,
    actor,
    status: str,
    waiting: Collection[str],
    refusal: str,
    code: str,
    reason: str = "",
    reason_missing: str = "",
    reason_field: str = "reason",
    note: str = "",
    now=None,
    also: Iterable[str] = (),
) -> Decided:
    """Move the locked ``record`` to ``status`` by ``actor``'s decision, and save it.

    Preconditions: the caller has locked ``record`` and checked that ``actor`` may decide it.
    ``refusal`` (with ``code``) is the error when its status is not one of ``waiting``;
    ``reason_missing``, when given, is the error for a blank ``reason`` (a return, a rejection).
    ``also`` names further fields the caller changed.
    """
    decision_require_pending(record, waiting=waiting, refusal=refusal, code=code)
    if reason_missing:
        reason_require(reason, message=reason_missing, field=reason_field)
    record.status = status
    fields = decision_record(record, actor=actor, reason=reason, now=now, note=note)
    record.save(update_fields=["status", *fields, *also])
    return record
