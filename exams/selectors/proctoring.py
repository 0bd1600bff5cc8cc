"""Reads of proctoring: proctors' leave requests waiting, and a proctor's duties ahead.

Rules: 监考人员守则 §5 (leave asked of exam staff in advance), 考评组 §2.
"""

from django.db.models import QuerySet
from django.utils import timezone

from exams.models import (
    AbsenceKind,
    AbsenceStatus,
    ProctorAbsence,
    SessionRoom,
)


def leave_requests_pending() -> QuerySet[ProctorAbsence]:
    return ProctorAbsence.objects.filter(kind=AbsenceKind.LEAVE, status=AbsenceStatus.PENDING)


def duties_ahead(*, actor) -> QuerySet[SessionRoom]:
    """Rooms the proctor guards today or later."""
    return SessionRoom.objects.filter(proctors=actor, session__date__gte=timezone.localdate())
