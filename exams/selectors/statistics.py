"""Reads for the statistics pages: applications by month, pass rates, score distribution and
each examiner's deviation from the others.

Rules: 工作规则 §5 (information statistics), 管理人员 §8 (statistics of results).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from applicants.selectors import (
    COUNTED_STATUSES,
)
from exams.models import (
    AppraisalPlan,
    Batch,
    BatchStatus,
    Level,
    Occupation,
    Outcome,
    PartResult,
    PlanLine,
    ScoreSheet,
    SessionPart,
    SheetStatus,
)
from exams.selectors.results import TENTH


@dataclass(frozen=True)
class StatisticsRow:
    occupation: str
    level: str
    month: int
    batches: int
    planned_applicants: int
    applicants: int


def statistics_by_month(*, year: int) -> list[StatisticsRow]:
    """Batches held, applicants planned and applicants who applied, per occupation, level and month."""
    planned = {
        (row["occupation"], row["level"], row["month"]): row["planned"]
        for row in PlanLine.objects.filter(plan__year=year, plan__in=AppraisalPlan.objects.in_force())
        .values("occupation", "level", "month")
        .annotate(planned=Sum("expected_applicants"))
    }
    held, applied = {}, {}
    for row in (
        Batch.objects.exclude(status=BatchStatus.DRAFT)
        .annotate(year=ExtractYear("theory_date"), month=ExtractMonth("theory_date"))
        .filter(year=year)
        .values("occupation", "level", "month")
        .annotate(
            batches=Count("pk", distinct=True),
            applied=Count("applications", filter=Q(applications__status__in=COUNTED_STATUSES), distinct=True),
        )
    ):
        key = (row["occupation"], row["level"], row["month"])
        held[key], applied[key] = row["batches"], row["applied"]
    keys = planned.keys() | held.keys()
    occupations = Occupation.objects.in_bulk({occupation for occupation, _level, _month in keys})
    return [
        StatisticsRow(
            occupation=str(occupations[occupation]),
            level=Level(level).label,
            month=month,
            batches=held.get((occupation, level, month), 0),
            planned_applicants=planned.get((occupation, level, month), 0),
            applicants=applied.get((occupation, level, month), 0),
        )
        for occupation, level, month in sorted(keys, key=lambda k: (k[2], occupations[k[0]].code, -k[1]))
    ]


@dataclass
class RateRow:
    label: str
    candidates: int = 0
    qualified: int = 0

    @property
    def rate(self) -> float:
        return round(100 * self.qualified / self.candidates, 1) if self.candidates else 0.0


@dataclass
class ExaminerRow:
    examiner: str
    sheets: int
    passed: int
    mean_total: Decimal
    deviation: Decimal

    @property
    def rate(self) -> float:
        """The share of his sheets whose total reaches the pass mark."""
        return round(100 * self.passed / self.sheets, 1) if self.sheets else 0.0

    @property
    def flagged(self) -> bool:
        return abs(self.deviation) > settings.EXAMINER_OUTLIER_POINTS


@dataclass
class ResultStatistics:
    by_occupation: list[RateRow]
    by_class: list[RateRow]
    by_category: list[RateRow]
    distribution: dict[str, list[int]]
    examiners: list[ExaminerRow]


SCORE_BINS = [f"{low}–{low + 9}" for low in range(0, 90, 10)] + ["90–100"]


def _rates(groups: dict[str, list[bool]]) -> list[RateRow]:
    return [
        RateRow(label, len(values), sum(values))
        for label, values in sorted(groups.items(), key=lambda kv: kv[0])
    ]


def examiner_deviations(sheets) -> list[ExaminerRow]:
    """Each examiner's mean sheet total, and how far on average it stands from his peers' on the same candidates.

    ``sheets`` are signed sheets with ``scores`` prefetched and ``examiner__user`` and
    ``session__batch`` selected; a sheet passes when its total reaches the batch's pass mark.
    """
    totals = defaultdict(dict)
    names = {}
    passed = defaultdict(int)
    for sheet in sheets:
        total = sum((score.points for score in sheet.scores.all() if score.points is not None), Decimal(0))
        totals[sheet.code_id][sheet.examiner_id] = total
        names[sheet.examiner_id] = sheet.examiner.user.name
        passed[sheet.examiner_id] += total >= sheet.session.batch.pass_mark
    own, gaps = defaultdict(list), defaultdict(list)
    for by_examiner in totals.values():
        for examiner_id, total in by_examiner.items():
            own[examiner_id].append(total)
            peers = [value for other, value in by_examiner.items() if other != examiner_id]
            if peers:
                gaps[examiner_id].append(total - sum(peers, Decimal(0)) / len(peers))
    rows = []
    for examiner_id, values in own.items():
        mean = sum(values, Decimal(0)) / len(values)
        gap = sum(gaps[examiner_id], Decimal(0)) / len(gaps[examiner_id]) if gaps[examiner_id] else Decimal(0)
        rows.append(
            ExaminerRow(
                names[examiner_id],
                len(values),
                passed[examiner_id],
                mean.quantize(TENTH),
                gap.quantize(TENTH),
            )
        )
    return sorted(rows, key=lambda row: (-abs(row.deviation), row.examiner))


def result_statistics(*, year: int, occupation_id: int | None = None) -> ResultStatistics:
    """Pass rates by occupation and level, class and category; score distributions per part; examiners.

    Counts candidates of checked tallies held in ``year``; one qualifies when every part he sat is passed.
    """
    # Only batches whose every tally is checked: a half-scored batch would count a part as the whole.
    results = PartResult.objects.filter(session__date__year=year).exclude(
        session__batch__sessions__checked_at__isnull=True
    )
    if occupation_id:
        results = results.filter(session__batch__occupation_id=occupation_id)
    results = results.select_related("session__batch__occupation", "application")
    passed_all = {}
    applications = {}
    distribution = {part.label: [0] * len(SCORE_BINS) for part in SessionPart}
    for result in results:
        applications[result.application_id] = (result.application, result.session.batch)
        passed_all[result.application_id] = passed_all.get(result.application_id, True) and (
            result.outcome == Outcome.PASSED
        )
        if result.points is not None:
            index = min(int(result.points) // 10, len(SCORE_BINS) - 1)
            distribution[SessionPart(result.session.part).label][index] += 1
    by_occupation, by_class, by_category = defaultdict(list), defaultdict(list), defaultdict(list)
    for application_id, (application, batch) in applications.items():
        qualified = passed_all[application_id]
        by_occupation[f"{batch.occupation.name} {batch.get_level_display()}"].append(qualified)
        by_class[application.class_name or "—"].append(qualified)
        by_category[application.get_category_display()].append(qualified)
    sheets = (
        ScoreSheet.objects.filter(
            session__checked_at__isnull=False, session__date__year=year, status=SheetStatus.SIGNED
        )
        .select_related("examiner__user", "session__batch")
        .prefetch_related("scores")
    )
    if occupation_id:
        sheets = sheets.filter(session__batch__occupation_id=occupation_id)
    return ResultStatistics(
        by_occupation=_rates(by_occupation),
        by_class=_rates(by_class),
        by_category=_rates(by_category),
        distribution=distribution,
        examiners=examiner_deviations(sheets),
    )
