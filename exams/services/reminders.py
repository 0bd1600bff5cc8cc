"""The reminder a candidate gets the day before his exam: when, where, his seat and what to bring.

Rules: #18 (a reminder the day before the exam, by a daily timer); each seat is reminded once,
however often the command runs, and a run after a missed day still reminds the sessions not begun.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from applicants.models import ApplicationStatus
from exams.models import Seat, SessionStatus
from exams.services.seats import seat_facts
from notifications.kinds import Kind
from notifications.services import Notice, notify_each


def _starts(seat: Seat) -> datetime.datetime:
    session = seat.session
    return timezone.make_aware(datetime.datetime.combine(session.date, session.starts_at))


@transaction.atomic
def exam_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind each ticketed candidate of his sessions of tomorrow, and of those of today not begun
    yet that a missed run left out; return how many candidates were reminded.

    A few queries whatever their number; the seats are marked so no later run reminds them again.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    seats = [
        seat
        for seat in Seat.objects.select_for_update(of=("self",))
        .filter(
            reminded_at__isnull=True,
            session__status=SessionStatus.PUBLISHED,
            session__date__range=(today, today + datetime.timedelta(days=1)),
            application__ticket__isnull=False,
            # Not one who withdrew since.
            application__status=ApplicationStatus.CITY_APPROVED,
        )
        .select_related("session__batch__occupation", "session_room__room", "application__applicant__user")
        .order_by("application_id", "session__date", "session__starts_at")
        if _starts(seat) > now
    ]
    Seat.objects.filter(pk__in=[seat.pk for seat in seats]).update(reminded_at=now)
    by_application = defaultdict(list)
    for seat in seats:
        by_application[seat.application].append(seat)
    notify_each(
        kind=Kind.EXAM_DAY,
        notices=[
            Notice(
                recipient=application.applicant.user,
                text=gettext_lazy(
                    "Exam reminder, %(batch)s: %(seats)s. "
                    "Bring %(bring)s; nobody enters later than %(late)s minutes after the start."
                ),
                params={"batch": seats[0].session.batch, **seat_facts(seats)},
                link=reverse("exams:print_ticket", args=[application.pk]),
            )
            for application, seats in by_application.items()
        ],
    )
    return len(by_application)
