"""Reads of the catalogue: occupations, annual plans and their lines, revisions compared, and
question banks.

Rules: 管理人员 §1, 所长 §3, 副所长 §4.
"""

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from applicants.selectors import (
    applied_occupation_levels,
)
from exams.models import (
    AppraisalPlan,
    BankStatus,
    Occupation,
    PlanLine,
    PlanStatus,
    QuestionBank,
)
from jianding.revisions import Column, Comparison, revisions_compare
from jianding.roles import Role, has_role


def occupation_list() -> QuerySet[Occupation]:
    return Occupation.objects.all()


def plan_list(*, actor) -> QuerySet[AppraisalPlan]:
    return (
        AppraisalPlan.objects.visible_to(actor)
        .select_related("created_by", "decided_by")
        .annotate(line_count=Count("lines"), expected_total=Sum("lines__expected_applicants"))
    )


def plan_lines(*, plan: AppraisalPlan) -> QuerySet[PlanLine]:
    return plan.lines.select_related("occupation")


def plan_lines_in_force() -> QuerySet[PlanLine]:
    """Return the lines of the approved plans, to create batches from."""
    return PlanLine.objects.filter(plan__in=AppraisalPlan.objects.in_force()).select_related(
        "plan", "occupation"
    )


PLAN_COLUMNS = [
    Column(_("month"), lambda line: f"{line.month} 月"),
    Column(_("occupation"), lambda line: line.occupation.name),
    Column(_("level"), lambda line: line.get_level_display()),
    Column(_("expected applicants"), lambda line: line.expected_applicants),
    Column(_("department"), lambda line: line.department),
]


def plan_compare(*, old: AppraisalPlan, new: AppraisalPlan) -> Comparison:
    """Compare two revisions line by line (a line is its occupation, level and month)."""
    return revisions_compare(
        plan_lines(plan=old),
        plan_lines(plan=new),
        key=PlanLine.key,
        order=lambda line: (line.month, line.occupation_id, -line.level),
        columns=PLAN_COLUMNS,
    )


def bank_list(*, actor) -> QuerySet[QuestionBank]:
    """Staff see every bank; an applicant the approved banks of the batches he applied to."""
    banks = QuestionBank.objects.visible_to(actor)
    if has_role(actor, Role.APPLICANT):
        pairs = applied_occupation_levels(actor=actor)
        wanted = Q(pk__in=[])
        for occupation_id, level in pairs:
            wanted |= Q(occupation_id=occupation_id, level=level)
        banks = QuestionBank.objects.filter(wanted, status=BankStatus.APPROVED)
    return banks.select_related("occupation", "uploaded_by", "decided_by")


def plans_waiting_for_director() -> QuerySet[AppraisalPlan]:
    return AppraisalPlan.objects.filter(status=PlanStatus.SUBMITTED)


def plans_returned() -> QuerySet[AppraisalPlan]:
    return AppraisalPlan.objects.filter(status=PlanStatus.RETURNED)


def banks_waiting_for_deputy() -> QuerySet[QuestionBank]:
    return QuestionBank.objects.filter(status=BankStatus.PENDING)
