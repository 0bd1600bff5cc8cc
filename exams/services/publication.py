"""After the register: publicity (公示) of those qualified, objections, and the report to the city center.

[考务组 §6, 工作规则 §3] The list of those qualified is publicised for
PUBLICITY_WORKING_DAYS working days; objections are recorded and answered;
then the clerk reports the register (报备) to the city center, within
REPORT_WORKING_DAYS working days of the last exam. Applicants see their
results only once the batch is reported.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.models import REPORTED_STATUSES, Batch, BatchStatus, Objection, Outcome, PartResult, SessionPart
from exams.selectors import score_register
from jianding.client import address_limit_reached
from jianding.errors import RuleViolation
from jianding.permissions import require_role
from jianding.roles import Role
from jianding.staff import staff_holding
from jianding.workdays import is_working_day, working_days_after, working_days_between
from notifications.kinds import Kind
from notifications.services import Notice, notify, notify_each

PUBLICITY_ROLES = (Role.CLERK, Role.EXAM_STAFF)
# Who is warned when a batch's report deadline comes near, and how many working days before.
REPORT_WARNED_ROLES = (Role.DIRECTOR, Role.CLERK, Role.EXAM_STAFF)
REPORT_WARNING_WORKING_DAYS = 3
# What one address may object in a day: enough for a real objection and its corrections.
OBJECTIONS_PER_DAY = 5


def report_deadline(batch: Batch) -> datetime.date:
    """The last day to report the batch: REPORT_WORKING_DAYS working days after its last exam."""
    return working_days_after(batch.last_exam_date, settings.REPORT_WORKING_DAYS)


def report_deadlines_warn(*, today: datetime.date | None = None) -> int:
    """Warn the director, the clerks and exam staff of each batch whose report deadline is
    REPORT_WARNING_WORKING_DAYS working days away or nearer; return how many batches.

    Run daily (``manage.py notify_report_deadlines``). Each deadline is announced once however often
    it runs, and a run after a missed day still announces it; a batch whose exam dates move
    gets a new deadline, announced again.
    """
    today = today or timezone.localdate()
    warned = 0
    waiting = Batch.objects.filter(
        status__in=[BatchStatus.REGISTRATION_CLOSED, BatchStatus.IN_EXAM, BatchStatus.SCORING]
    )
    for pk in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            batch = _locked(Batch(pk=pk))
            deadline = report_deadline(batch)
            if batch.status in REPORTED_STATUSES or batch.report_deadline_warned == deadline:
                continue
            days_left = working_days_between(today, deadline)
            # A deadline already past shows on the dashboards; a warning would come too late.
            if not 0 <= days_left <= REPORT_WARNING_WORKING_DAYS:
                continue
            notify(
                kind=Kind.REPORT_DEADLINE,
                recipients=staff_holding(*REPORT_WARNED_ROLES),
                text=gettext_lazy(
                    "The batch %(batch)s must be reported to the city center by %(deadline)s "
                    "(%(days)s working days left); finish the publicity and report it."
                ),
                params={"batch": batch, "deadline": deadline, "days": days_left},
                link=reverse("exams:batch_publicity", args=[batch.pk]),
            )
            # Not a change of the batch's own record: no history.
            Batch.objects.filter(pk=pk).update(report_deadline_warned=deadline)
            warned += 1
    return warned


def publicity_is_on(batch: Batch, today: datetime.date) -> bool:
    return batch.publicity_starts is not None and batch.publicity_starts <= today <= batch.publicity_ends


def _locked(batch: Batch) -> Batch:
    return Batch.objects.select_for_update(of=("self",)).select_related("occupation").get(pk=batch.pk)


@transaction.atomic
def publicity_start(*, actor, batch: Batch, today: datetime.date | None = None) -> Batch:
    """Publicise the list of those qualified from today for PUBLICITY_WORKING_DAYS working days."""
    require_role(actor, *PUBLICITY_ROLES)
    today = today or timezone.localdate()
    batch = _locked(batch)
    if batch.publicity_starts is not None:
        raise RuleViolation(_("The list is publicised already."), code="publicised")
    if score_register(batch=batch) is None:
        raise RuleViolation(
            _("Every session's tally must be checked before the list of those qualified is publicised."),
            code="register_not_ready",
        )
    batch.publicity_starts = today
    # Today is the first day when it is a working day; otherwise the next working day is.
    days = settings.PUBLICITY_WORKING_DAYS - (1 if is_working_day(today) else 0)
    batch.publicity_ends = working_days_after(today, days)
    batch.publicity_started_by = actor
    batch._change_reason, batch._history_user = _("Publicity started"), actor
    batch.save(update_fields=["publicity_starts", "publicity_ends", "publicity_started_by"])
    return batch


@transaction.atomic
def objection_raise(
    *,
    batch: Batch,
    raised_by: str,
    contact: str,
    text: str,
    ip_address: str,
    account=None,
    today: datetime.date | None = None,
) -> Objection:
    """Anyone may object while the list is publicised, a few times a day from one address.

    ``account`` is the objector's own account when he objects signed in: he is then told the answer.
    """
    today = today or timezone.localdate()
    if not publicity_is_on(batch, today):
        raise RuleViolation(
            _("Objections are taken only while the list is publicised."), code="not_publicised"
        )
    if (
        address_limit_reached(
            Objection.objects.filter(ip_address=ip_address),
            at_field="raised_at",
            limits=[(datetime.timedelta(days=1), OBJECTIONS_PER_DAY)],
        )
        is not None
    ):
        raise RuleViolation(
            _("You have raised %(count)d objections today; the office will answer them before the next.")
            % {"count": OBJECTIONS_PER_DAY},
            field="text",
            code="too_many_objections",
        )
    objection = Objection.objects.create(
        batch=batch, raised_by=raised_by, contact=contact, text=text, ip_address=ip_address, account=account
    )
    answerers = staff_holding(*PUBLICITY_ROLES)
    notify(
        kind=Kind.APPROVAL_WAITING,
        recipients=answerers.exclude(pk=account.pk) if account is not None else answerers,
        text=gettext_lazy(
            "%(name)s raised an objection to the publicised list of %(batch)s; answer it before the report."
        ),
        params={"name": raised_by, "batch": batch},
        link=reverse("exams:batch_publicity", args=[batch.pk]),
    )
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str, seen_answer: str) -> Objection:
    """Answer an objection; a second answer over one the clerk had not seen is refused."""
    require_role(actor, *PUBLICITY_ROLES)
    if not answer.strip():
        raise RuleViolation(_("Write the answer."), field="answer", code="answer_required")
    objection = Objection.objects.select_for_update(of=("self",)).get(pk=objection.pk)
    if objection.answer != seen_answer:
        raise RuleViolation(
            _("%(name)s answered this objection meanwhile; read that answer before changing it.")
            % {"name": objection.answered_by},
            field="answer",
            code="answered_meanwhile",
        )
    objection.answer, objection.answered_by, objection.answered_at = answer.strip(), actor, timezone.now()
    objection._change_reason, objection._history_user = _("Objection answered"), actor
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    if objection.account_id is not None and objection.account_id != actor.pk:
        notify(
            kind=Kind.ANSWERED,
            recipients=[objection.account],
            text=gettext_lazy("Your objection to the list of %(batch)s was answered: %(answer)s"),
            params={"batch": objection.batch, "answer": objection.answer},
            link=reverse("notifications:list_messages"),
        )
    return objection


def report_missing(batch: Batch, today: datetime.date) -> list[RuleViolation]:
    """What still keeps ``batch`` from being reported on ``today``, each as the refusal it causes."""
    missing = []
    if batch.status == BatchStatus.IN_EXAM:
        missing.append(
            RuleViolation(
                _("The batch is still %(status)s: exam staff move it to scoring on the batch page first.")
                % {"status": batch.get_status_display()},
                code="not_scoring",
            )
        )
    elif batch.status != BatchStatus.SCORING:
        missing.append(
            RuleViolation(
                _("A batch is reported from scoring; this one is %(status)s.")
                % {"status": batch.get_status_display()},
                code="not_scoring",
            )
        )
    if batch.publicity_ends is None:
        missing.append(
            RuleViolation(_("Publicise the list of those qualified first."), code="not_publicised")
        )
    elif today <= batch.publicity_ends:
        missing.append(
            RuleViolation(
                _("The publicity runs until %(end)s; report after it.") % {"end": batch.publicity_ends},
                code="publicity_running",
            )
        )
    unanswered = batch.objections.filter(answered_at__isnull=True).count()
    if unanswered:
        missing.append(
            RuleViolation(
                _("%(count)d objections wait for an answer; answer them before the report.")
                % {"count": unanswered},
                code="objections_open",
            )
        )
    return missing


@transaction.atomic
def batch_report(
    *, actor, batch: Batch, report_number: str, reported_on: datetime.date, today: datetime.date | None = None
) -> Batch:
    """Record the report of the register to the city center; results are then released to applicants."""
    require_role(actor, Role.CLERK)
    today = today or timezone.localdate()
    batch = _locked(batch)
    missing = report_missing(batch, today)
    if missing:
        raise missing[0]
    if not report_number.strip():
        raise RuleViolation(
            _("Write the document number of the report."), field="report_number", code="number_required"
        )
    if not batch.publicity_ends < reported_on <= today:
        raise RuleViolation(
            _("The report date lies after the publicity (%(end)s) and not in the future.")
            % {"end": batch.publicity_ends},
            field="reported_on",
            code="report_date",
        )
    batch.report_number, batch.reported_on, batch.reported_by = report_number.strip(), reported_on, actor
    batch.status = BatchStatus.REPORTED
    batch._change_reason, batch._history_user = _("Reported to the city center"), actor
    batch.save(update_fields=["report_number", "reported_on", "reported_by", "status"])
    _results_released_notify(batch)
    return batch


def _results_released_notify(batch: Batch) -> None:
    """Tell each candidate of the reported ``batch`` his results, part by part, and where to read them."""
    results = (
        PartResult.objects.filter(session__batch=batch)
        .select_related("session", "application__applicant__user")
        .order_by("application_id", "session__date", "session__starts_at")
    )
    parts = {}
    for result in results:
        line = format_lazy(
            "{}：{}{}",
            # the choices' lazy labels, rendered in Chinese by the service whoever reports
            SessionPart(result.session.part).label,
            Outcome(result.outcome).label,
            f"（{result.points}）" if result.points is not None else "",
        )
        parts.setdefault(result.application.applicant.user, []).append(line)
    link = reverse("applicants:my_applications")
    notify_each(
        kind=Kind.RESULTS_RELEASED,
        notices=[
            Notice(
                recipient=user,
                text=gettext_lazy("The results of %(batch)s are released: %(results)s."),
                params={"batch": batch, "results": format_lazy("；".join(["{}"] * len(lines)), *lines)},
                link=link,
            )
            for user, lines in parts.items()
        ],
    )
