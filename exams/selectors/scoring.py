"""Reads of scoring: an examiner's sheets to score, and tallies waiting for their check.

Rules: 考评组 §3–§4, 考评员 §6.
"""

from django.db.models import QuerySet

from exams.models import (
    ExamSession,
    ScoreSheet,
    SheetStatus,
)


def sheets_to_score(*, actor) -> QuerySet[ScoreSheet]:
    """The examiner's sheets still open."""
    return ScoreSheet.objects.of_examiner(actor).filter(status=SheetStatus.OPEN)


def tallies_to_check(*, actor) -> QuerySet[ExamSession]:
    """Sessions tallied and not yet checked, that ``actor`` did not tally himself: his to check."""
    return (
        ExamSession.objects.filter(tallied_at__isnull=False, checked_at__isnull=True)
        .exclude(tallied_by=actor)
        .order_by("tallied_at")
    )
