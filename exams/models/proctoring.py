"""Proctoring: the room record and its signatures, incidents, paper handovers, patrols and
proctors' absences.

Rules: 监考人员守则 §5–§8 (leave asked in advance, no leaving the post, papers handed out and
back, the room record), 考评组 §2 (the evaluation group proctors), 管理人员 §5 (problems reported
to the leaders).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exams.models.sessions import ExamSession, Seat, SessionRoom
from jianding.clock import local_text
from jianding.decisions import Decided
from jianding.fields import optional_link
from jianding.roles import Role, has_role


class RoomRecord(models.Model):
    """The exam-room record (考场记录表) of one room of one session, signed by its proctors."""

    session_room = models.OneToOneField(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.CASCADE, related_name="record"
    )
    notes = models.TextField(_("course of the exam"), blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exam-room record")
        verbose_name_plural = _("exam-room records")

    def __str__(self):
        return str(self.session_room)


class RoomRecordSignature(models.Model):
    record = models.ForeignKey(
        RoomRecord, verbose_name=_("exam-room record"), on_delete=models.CASCADE, related_name="signatures"
    )
    proctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proctor"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signature of an exam-room record")
        verbose_name_plural = _("signatures of exam-room records")
        constraints = [models.UniqueConstraint(fields=["record", "proctor"], name="record_signed_once")]

    def __str__(self):
        return f"{self.record} {self.proctor}"


class IncidentKind(models.TextChoices):
    DISCIPLINE = "discipline", _("breach of discipline")
    IRREGULARITY = "irregularity", _("irregularity")
    OTHER = "other", _("other")


class Incident(models.Model):
    """Something the proctors recorded in a room: a breach of discipline voids that candidate's part."""

    record = models.ForeignKey(
        RoomRecord, verbose_name=_("exam-room record"), on_delete=models.CASCADE, related_name="incidents"
    )
    seat = optional_link(Seat, _("seat"), related_name="incidents")
    kind = models.CharField(_("kind"), max_length=12, choices=IncidentKind.choices)
    description = models.TextField(_("what happened"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["recorded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.description[:20]}"


class HandoverDirection(models.TextChoices):
    OUT = "out", _("to the room")
    BACK = "back", _("back to exam staff")


class PaperHandover(models.Model):
    """Sealed papers handed between exam staff and a room's proctors (试卷交接), signed by the receiver."""

    session_room = models.ForeignKey(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.PROTECT, related_name="handovers"
    )
    direction = models.CharField(_("direction"), max_length=4, choices=HandoverDirection.choices)
    count = models.PositiveSmallIntegerField(_("papers"))
    sealed = models.BooleanField(_("seal intact"), default=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("handed over at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paper hand-over")
        verbose_name_plural = _("paper hand-overs")
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["session_room", "direction"], name="handover_once_each_way")
        ]

    def __str__(self):
        return f"{self.session_room} {self.get_direction_display()} {self.count}"


class PatrolVisit(models.Model):
    """A patrol (巡考) of a room by the deputy or exam staff: what was checked and found."""

    session_room = models.ForeignKey(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.PROTECT, related_name="patrols"
    )
    patroller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("patrolled by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("visited at"), auto_now_add=True)
    checked = models.CharField(_("checked"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("patrol visit")
        verbose_name_plural = _("patrol visits")
        ordering = ["at"]

    def __str__(self):
        return f"{self.session_room} {local_text(self.at, '%H:%M')}"


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("leave before the session")
    POST = "post", _("leaving the post during the session")


class AbsenceStatus(models.TextChoices):
    PENDING = "pending", _("waiting for a decision")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class ProctorAbsenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProctorAbsenceQuerySet":
        """Return the requests ``user`` may see: exam staff all; a proctor his own; an examiner the
        requests to leave the post in the sessions he assesses."""
        if has_role(user, Role.EXAM_STAFF):
            return self
        in_his_group = models.Q(
            kind=AbsenceKind.POST, session_room__session__in=ExamSession.objects.assessed_by(user)
        )
        return self.filter(models.Q(proctor_id=user.pk) | in_his_group)


class ProctorAbsence(Decided):
    """A proctor's leave (asked of exam staff before the session, with a replacement) or his
    leaving the post during it (allowed only by the evaluation-group leader) [监考人员守则 §2–§3]."""

    session_room = models.ForeignKey(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.PROTECT, related_name="absences"
    )
    proctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proctor"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=AbsenceKind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=8, choices=AbsenceStatus.choices, default=AbsenceStatus.PENDING
    )
    replacement = optional_link(settings.AUTH_USER_MODEL, _("replacement"))
    returned_at = models.DateTimeField(_("back at the post at"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ProctorAbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("proctor's absence")
        verbose_name_plural = _("proctors' absences")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.proctor} {self.get_kind_display()} {self.session_room}"
