"""Reads of the catalogue: occupations, annual plans and their lines, revisions compared, and
question banks.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

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
from jianding.roles import Role, has_role


def occupation_list() -> QuerySet[Occupation]:
    return Occupation.objects.all()


def plan_list(*, actor) -> QuerySet[AppraisalPlan]:
    return (
        AppraisalPlan.objects.visible_to(actor)
        .select_related("created_by", "decided_by")
        .annotate(line_count=Count("lines"), expected_total=Sum("lines__expected_applicants"))
    )


def plan_previous_revision(*, plan: AppraisalPlan) -> AppraisalPlan | None:
    return (
        AppraisalPlan.objects.filter(year=plan.year, revision__lt=plan.revision).order_by("-revision").first()
    )


def plan_lines(*, plan: AppraisalPlan) -> QuerySet[PlanLine]:
    return plan.lines.select_related("occupation")


def plan_lines_in_force() -> QuerySet[PlanLine]:
    """Return the lines of the approved plans, to create batches from."""
    return PlanLine.objects.filter(plan__in=AppraisalPlan.objects.in_force()).select_related(
        "plan", "occupation"
    )


@dataclass(frozen=True)
class LineChange:
    kind: str  # "added", "removed", "changed" or "same"
    old: PlanLine | None
    new: PlanLine | None


def plan_compare(*, old: AppraisalPlan, new: AppraisalPlan) -> list[LineChange]:
    """Compare two revisions line by line (a line is its occupation, level and month)."""
    before = {line.key(): line for line in plan_lines(plan=old)}
    after = {line.key(): line for line in plan_lines(plan=new)}
    changes = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[2], k[0], -k[1])):
        a, b = before.get(key), after.get(key)
        if a is None:
            kind = "added"
        elif b is None:
            kind = "removed"
        elif (a.expected_applicants, a.department) != (b.expected_applicants, b.department):
            kind = "changed"
        else:
            kind = "same"
        changes.append(LineChange(kind, a, b))
    return changes


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
