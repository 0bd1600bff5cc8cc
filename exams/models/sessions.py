"""Sessions and seats: exam rooms, a batch's sessions, the rooms of each session, seats and
admission tickets, and the examiners assigned to a session with their recusals.

Rules: 考务组 §2–§3 (rosters, tickets, rooms), 考评员 §5 and §7 (examiners never learn who a
candidate is; a related examiner stands aside).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from exams.models.batches import Batch
from exams.models.examiners import ExaminerProfile
from jianding.fields import optional_link
from jianding.roles import BATCH_VIEWER_ROLES, CATALOGUE_ROLES, Role, has_role


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", _("classroom")
    COMPUTER = "computer", _("computer room")
    WORKSHOP = "workshop", _("workshop")


class Room(models.Model):
    """A room the center examines in; in a workshop each seat is a station."""

    name = models.CharField(_("room"), max_length=40, unique=True)
    building = models.CharField(_("building"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RoomKind.choices, default=RoomKind.CLASSROOM)
    capacity = models.PositiveSmallIntegerField(
        _("seats or stations"), help_text=_("Candidates it holds at once, 1 to 99.")
    )
    equipment = models.TextField(
        _("equipment the stations need"), blank=True, help_text=_("Workshops: one item per line.")
    )
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exam room")
        verbose_name_plural = _("exam rooms")
        ordering = ["building", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=99), name="room_capacity_1_to_99"
            )
        ]

    def __str__(self):
        return f"{self.building} {self.name}".strip()


class SessionPart(models.TextChoices):
    THEORY = "theory", _("theory exam")
    SKILL = "skill", _("skill assessment")
    REVIEW = "review", _("comprehensive review")


class SessionStatus(models.TextChoices):
    ARRANGING = "arranging", _("arranging")
    PUBLISHED = "published", pgettext_lazy("exam session", "published")


class ExamSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExamSessionQuerySet":
        """Staff who follow batches see every session; proctors those they guard a room of."""
        if has_role(user, *BATCH_VIEWER_ROLES):
            return self
        return self.filter(pk__in=SessionRoom.objects.visible_to(user).values("session"))

    def assessed_by(self, user) -> "ExamSessionQuerySet":
        """Return the sessions ``user`` is assigned to as an examiner: his evaluation groups."""
        return self.filter(examiner_assignments__examiner__user_id=user.pk)

    def led_by(self, user) -> "ExamSessionQuerySet":
        """Return the sessions whose evaluation group ``user`` leads: he is a chief examiner assigned
        to them [监考人员守则 §6, 考评员 §8]. A chief examiner leads only the groups he sits in."""
        if not has_role(user, Role.EXAMINER):
            return self.none()
        return self.filter(
            examiner_assignments__examiner__user_id=user.pk,
            examiner_assignments__examiner__is_chief_examiner=True,
        )


class ExamSession(models.Model):
    """One sitting of one part of a batch (理论/技能/综合评审), with its rooms."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("appraisal batch"), on_delete=models.PROTECT, related_name="sessions"
    )
    part = models.CharField(_("part"), max_length=6, choices=SessionPart.choices)
    sitting = models.PositiveSmallIntegerField(_("sitting"), default=1)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    place = models.CharField(
        _("place"), max_length=100, blank=True, help_text=_("Campus or address, if not the center.")
    )
    late_entry_minutes = models.PositiveSmallIntegerField(
        _("latest entry (minutes after the start)"), default=15
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.ARRANGING
    )
    # Seeds the seating shuffle, so an arrangement can be explained and repeated.
    seed = models.PositiveIntegerField(_("seating seed"), default=0)
    tallied_by = optional_link(settings.AUTH_USER_MODEL, _("tallied by"))
    tallied_at = models.DateTimeField(_("tallied at"), null=True, blank=True)
    checked_by = optional_link(settings.AUTH_USER_MODEL, _("checked by"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    technician = models.CharField(
        _("technician on site"),
        max_length=50,
        blank=True,
        help_text=_("Skill assessment: who keeps the equipment running."),
    )
    history = HistoricalRecords()

    objects = ExamSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        ordering = ["date", "starts_at", "part", "sitting"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "part", "sitting"], name="session_unique_sitting"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.batch} {self.get_part_display()} 第{self.sitting}场"

    def entry_deadline(self) -> datetime.datetime:
        """The last moment a candidate may enter, in the current time zone."""
        start = timezone.make_aware(datetime.datetime.combine(self.date, self.starts_at))
        return start + datetime.timedelta(minutes=self.late_entry_minutes)


class SessionRoomQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SessionRoomQuerySet":
        """Return the rooms ``user`` may open: the management and exam staff every one, anyone else
        those he guards [监考人员守则 §2, §8]. The one rule of proctor scoping."""
        if has_role(user, *CATALOGUE_ROLES):
            return self
        return self.filter(proctors=user)


class SessionRoom(models.Model):
    """A room used by a session, in seating order, with the proctors who guard it."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.CASCADE, related_name="session_rooms"
    )
    room = models.ForeignKey(Room, verbose_name=_("exam room"), on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"))
    proctors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("proctors"), blank=True, related_name="guarded_rooms"
    )
    history = HistoricalRecords(m2m_fields=[proctors])

    objects = SessionRoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room of a session")
        verbose_name_plural = _("rooms of sessions")
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "room"], name="session_room_once"),
            models.UniqueConstraint(fields=["session", "order"], name="session_room_order"),
        ]

    def __str__(self):
        return f"{self.session} {self.room}"


class Seat(models.Model):
    """Where one candidate sits in one session; the proctor records his arrival."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.CASCADE, related_name="seats"
    )
    session_room = models.ForeignKey(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.CASCADE, related_name="seats"
    )
    number = models.PositiveSmallIntegerField(_("seat"))
    application = models.ForeignKey(
        "applicants.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="seats",
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = optional_link(settings.AUTH_USER_MODEL, _("checked in by"))
    # The day-before reminder is sent once per seat, however often the daily command runs.
    reminded_at = models.DateTimeField(_("exam reminder sent at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["session", "session_room__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session_room", "number"], name="seat_once_per_room"),
            models.UniqueConstraint(fields=["session", "application"], name="seat_one_per_candidate"),
        ]

    def __str__(self):
        return f"{self.session_room.room} {self.number:02d}"


class Ticket(models.Model):
    """The admission ticket (准考证) of a city-approved application.

    Numbers read YYYYBBBBNNNN: the year of the batch's theory exam, the batch
    number, and the candidate's place in the seating order of the batch's
    first session (room by room, seat by seat).
    """

    application = models.OneToOneField(
        "applicants.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="ticket",
    )
    number = models.CharField(_("admission ticket number"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("admission ticket")
        verbose_name_plural = _("admission tickets")
        ordering = ["number"]

    def __str__(self):
        return self.number


class ExaminerAssignment(models.Model):
    """An examiner assigned to a session, inside his scope and not recused [考评员 §2, §7]."""

    session = models.ForeignKey(
        ExamSession,
        verbose_name=_("exam session"),
        on_delete=models.CASCADE,
        related_name="examiner_assignments",
    )
    examiner = models.ForeignKey(
        ExaminerProfile, verbose_name=_("examiner"), on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("examiner assignment")
        verbose_name_plural = _("examiner assignments")
        constraints = [models.UniqueConstraint(fields=["session", "examiner"], name="examiner_assigned_once")]

    def __str__(self):
        return f"{self.examiner} {self.session}"


class Recusal(models.Model):
    """An examiner who must stay out of a session: a candidate is his declared relation.

    Exam staff see which examiner to replace; the examiner sees only the session.
    """

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.CASCADE, related_name="recusals"
    )
    examiner = models.ForeignKey(
        ExaminerProfile, verbose_name=_("examiner"), on_delete=models.CASCADE, related_name="recusals"
    )
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["session", "examiner"], name="recused_once")]

    def __str__(self):
        return f"{self.examiner} {self.session}"
