"""A room on the exam day: which hand-over is due, papers handed over, incidents, patrols, the
proctors' signed record, and proctors' leave and absences from the post.

Rules: 监考人员守则 §5–§8, 考务组 §5, 副所长 §5 (patrols), 管理人员 §5.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.abilities import can_decide_absence, guards_room
from exams.models import (
    AbsenceKind,
    AbsenceStatus,
    ExamSession,
    HandoverDirection,
    Incident,
    IncidentKind,
    PaperHandover,
    PatrolVisit,
    ProctorAbsence,
    RoomRecord,
    RoomRecordSignature,
    SessionRoom,
)
from exams.selectors.sessions import session_leaders
from exams.services.seats import duty_notify, proctors_check, proctors_required
from jianding.clock import local_text
from jianding.decisions import decide, decision_require_pending, reason_require
from jianding.errors import RuleViolation
from jianding.roles import Role, has_role
from jianding.second_factor import signature_confirm
from jianding.staff import staff_holding
from notifications.kinds import Kind
from notifications.services import notice_text, notify

# Who patrols the rooms [考务组 §5]: the deputy and exam staff (the director may too).
PATROL_ROLES = (Role.DIRECTOR, Role.DEPUTY, Role.EXAM_STAFF)
# Who hears of an incident, a missing paper or a breach at once [管理人员 §5].
INCIDENT_ROLES = (Role.DIRECTOR, Role.DEPUTY, Role.EXAM_STAFF)


def incident_notify(*, actor, session_room: SessionRoom, text, params) -> None:
    """Tell the director, the deputy and exam staff at once what happened in ``session_room``; not ``actor``."""
    notify(
        kind=Kind.EXAM_INCIDENT,
        recipients=staff_holding(*INCIDENT_ROLES).exclude(pk=actor.pk),
        text=text,
        params={"session": session_room.session, "room": session_room.room, **params},
        link=reverse("exams:room_record", args=[session_room.pk]),
    )


def _open_record(session_room: SessionRoom) -> RoomRecord:
    record, _created = RoomRecord.objects.get_or_create(session_room=session_room)
    record = RoomRecord.objects.select_for_update().get(pk=record.pk)
    if record.signed_at is not None:
        raise RuleViolation(_("The record of this room is signed and closed."), code="record_signed")
    return record


@transaction.atomic
def incident_record(
    *, actor, session_room: SessionRoom, seat_number: int | None, kind: str, description: str
) -> Incident:
    """Write an incident into the room's record; a proctor of the room or exam staff may."""
    if not (guards_room(actor, session_room) or has_role(actor, Role.EXAM_STAFF)):
        raise PermissionDenied
    record = _open_record(session_room)
    seat = None
    if seat_number is not None:
        seat = session_room.seats.filter(number=seat_number).first()
        if seat is None:
            raise RuleViolation(
                _("Nobody sits at seat %(seat)d of this room.") % {"seat": seat_number},
                field="seat_number",
                code="no_such_seat",
            )
    incident = Incident.objects.create(
        record=record, seat=seat, kind=kind, description=description, recorded_by=actor
    )
    incident_notify(
        actor=actor,
        session_room=session_room,
        text=gettext_lazy("%(kind)s in %(session)s, %(room)s%(seat)s, recorded by %(by)s: %(description)s"),
        params={
            "kind": IncidentKind(kind).label,
            "seat": notice_text(gettext_lazy(", seat %(seat)s"), {"seat": f"{seat.number:02d}"})
            if seat
            else "",
            "by": actor.name,
            "description": description,
        },
    )
    return incident


@transaction.atomic
def room_record_sign(*, actor, session_room: SessionRoom, password: str, notes: str) -> RoomRecord:
    """A proctor signs the room's record with his password; once all have signed it is closed.

    ``notes`` (the course of the exam) replaces what was written before.
    """
    if not guards_room(actor, session_room):
        raise PermissionDenied
    signature_confirm(actor, password=password)
    record = _open_record(session_room)
    if record.signatures.filter(proctor=actor).exists():
        raise RuleViolation(_("You have signed this record already."), code="already_signed")
    record.notes = notes
    RoomRecordSignature.objects.create(record=record, proctor=actor)
    signed = set(record.signatures.values_list("proctor_id", flat=True))
    if signed >= set(session_room.proctors.values_list("pk", flat=True)):
        record.signed_at = timezone.now()
    record._change_reason = _("Signed by %(name)s") % {"name": actor.name}
    record.save()
    return record


def handover_direction_due(*, actor, session_room: SessionRoom) -> str | None:
    """The hand-over ``actor`` is to record next in ``session_room``, if any: a proctor of the room
    takes the papers out; exam staff take them back once they went out [考务组 §4, 监考人员守则 §8]."""
    recorded = set(session_room.handovers.values_list("direction", flat=True))
    if HandoverDirection.OUT not in recorded and guards_room(actor, session_room):
        return HandoverDirection.OUT
    if (
        HandoverDirection.OUT in recorded
        and HandoverDirection.BACK not in recorded
        and has_role(actor, Role.EXAM_STAFF)
    ):
        return HandoverDirection.BACK
    return None


@transaction.atomic
def paper_handover_record(
    *, actor, session_room: SessionRoom, direction: str, count: int, sealed: bool, given_by
) -> PaperHandover:
    """The receiver records a hand-over: a proctor takes the papers out, exam staff take them back."""
    proctors = session_room.proctors.all()
    if direction == HandoverDirection.OUT:
        if not guards_room(actor, session_room):
            raise PermissionDenied
        if not has_role(given_by, Role.EXAM_STAFF):
            raise RuleViolation(
                _("Papers come from exam staff."), field="given_by", code="giver_not_exam_staff"
            )
    else:
        if not has_role(actor, Role.EXAM_STAFF):
            raise PermissionDenied
        if given_by not in proctors:
            raise RuleViolation(
                _("Papers come back from a proctor of this room."), field="given_by", code="giver_not_proctor"
            )
        if not session_room.handovers.filter(direction=HandoverDirection.OUT).exists():
            raise RuleViolation(_("No papers were handed to this room."), code="nothing_handed_out")
    try:
        with transaction.atomic():
            handover = PaperHandover.objects.create(
                session_room=session_room,
                direction=direction,
                count=count,
                sealed=sealed,
                given_by=given_by,
                received_by=actor,
            )
    except IntegrityError:
        raise RuleViolation(_("This hand-over is recorded already."), code="handover_recorded") from None
    _handover_notify(actor=actor, handover=handover)
    return handover


def _handover_notify(*, actor, handover: PaperHandover) -> None:
    """Tell the leaders at once when papers came back missing or a seal was broken."""
    problems = []
    if not handover.sealed:
        problems.append(notice_text(gettext_lazy("the seal was not intact")))
    missing = handover_missing(handover.session_room)
    if missing:
        out = handover.session_room.handovers.get(direction=HandoverDirection.OUT).count
        problems.append(
            notice_text(
                gettext_lazy("%(out)s papers handed out, %(back)s came back"),
                {"out": out, "back": handover.count},
            )
        )
    if problems:
        incident_notify(
            actor=actor,
            session_room=handover.session_room,
            text=gettext_lazy("Papers of %(session)s, %(room)s (%(direction)s): %(problems)s."),
            params={
                "direction": HandoverDirection(handover.direction).label,
                "problems": "；".join(problems),
            },
        )


def handover_missing(session_room: SessionRoom) -> int | None:
    """Papers handed out but not back (negative: more came back); None until both are recorded."""
    counts = dict(session_room.handovers.values_list("direction", "count"))
    if HandoverDirection.OUT not in counts or HandoverDirection.BACK not in counts:
        return None
    return counts[HandoverDirection.OUT] - counts[HandoverDirection.BACK]


@transaction.atomic
def patrol_record(*, actor, session_room: SessionRoom, checked: str, findings: str) -> PatrolVisit:
    if not has_role(actor, *PATROL_ROLES):
        raise PermissionDenied
    return PatrolVisit.objects.create(
        session_room=session_room, patroller=actor, checked=checked, findings=findings
    )


@transaction.atomic
def absence_request(*, actor, session_room: SessionRoom, kind: str, reason: str, now=None) -> ProctorAbsence:
    """A proctor asks for leave before the session, or to leave his post during it."""
    if not guards_room(actor, session_room):
        raise PermissionDenied
    now = now or timezone.now()
    session = session_room.session
    start = session.entry_deadline() - datetime.timedelta(minutes=session.late_entry_minutes)
    if kind == AbsenceKind.LEAVE and now >= start:
        raise RuleViolation(
            _(
                "Leave is asked before the session starts; during it, ask the evaluation-group leader to leave the post."
            ),
            code="leave_too_late",
        )
    if kind == AbsenceKind.POST and timezone.localdate(now) != session.date:
        raise RuleViolation(_("Leaving the post is asked on the day of the session."), code="not_exam_day")
    pending = ProctorAbsence.objects.filter(
        session_room=session_room, proctor=actor, kind=kind, status=AbsenceStatus.PENDING
    )
    if pending.exists():
        raise RuleViolation(_("Your request waits for a decision already."), code="request_pending")
    absence = ProctorAbsence.objects.create(
        session_room=session_room, proctor=actor, kind=kind, reason=reason
    )
    notify(
        kind=Kind.APPROVAL_WAITING,
        recipients=absence_deciders(absence).exclude(pk=actor.pk),
        text=gettext_lazy("%(proctor)s asks for %(kind)s, %(session)s, %(room)s: %(reason)s. Please decide."),
        params={
            "proctor": actor.name,
            "kind": AbsenceKind(kind).label,
            "session": session,
            "room": session_room.room,
            "reason": reason,
        },
        link=reverse("exams:list_absences"),
    )
    return absence


def absence_deciders(absence: ProctorAbsence):
    """The active accounts that decide ``absence`` (``can_decide_absence``): exam staff leave before
    the session, the leaders of the session's evaluation group leaving the post."""
    if absence.kind == AbsenceKind.LEAVE:
        return staff_holding(Role.EXAM_STAFF)
    return session_leaders(session_id=absence.session_room.session_id)


@transaction.atomic
def absence_decide(
    *, actor, absence: ProctorAbsence, approve: bool, note: str = "", replacement=None, now=None
) -> ProctorAbsence:
    """Exam staff decide leave (naming a replacement when the room would fall below its proctors);
    the leader of the session's evaluation group decides leaving the post."""
    absence = (
        ProctorAbsence.objects.select_for_update().select_related("session_room__session").get(pk=absence.pk)
    )
    if not can_decide_absence(actor, absence):
        raise PermissionDenied
    pending = {
        "waiting": [AbsenceStatus.PENDING],
        "refusal": _("This request is decided already."),
        "code": "decided",
    }
    decision_require_pending(absence, **pending)
    if not approve:
        reason_require(note, message=_("Say why the request is refused."), field="note")
    if replacement is not None:
        # The session's lock, as naming proctors takes it: an examiner assigned meanwhile is seen.
        ExamSession.objects.select_for_update().get(pk=absence.session_room.session_id)
    # Lock the room: two leaves approved at once must not both count the other as present.
    session_room = SessionRoom.objects.select_for_update().get(pk=absence.session_room_id)
    if approve and absence.kind == AbsenceKind.LEAVE:
        if replacement is not None:
            proctors_check(session=session_room.session, proctors=[replacement], field="replacement")
            busy = SessionRoom.objects.filter(session=session_room.session, proctors=replacement)
            if busy.exists():
                raise RuleViolation(
                    _("%(name)s guards a room of this session already.") % {"name": replacement.name},
                    field="replacement",
                    code="replacement_busy",
                )
        remaining = session_room.proctors.exclude(pk=absence.proctor_id).count() + (replacement is not None)
        if remaining < proctors_required(session_room.session, session_room.seats.count()):
            raise RuleViolation(
                _("Without a replacement the room falls below its proctors; name one."),
                field="replacement",
                code="replacement_required",
            )
        session_room.proctors.remove(absence.proctor)
        if replacement is not None:
            session_room.proctors.add(replacement)
            duty_notify(actor=actor, session_room=session_room, added=[replacement])
        absence.replacement = replacement
    absence = decide(
        absence,
        actor=actor,
        status=AbsenceStatus.APPROVED if approve else AbsenceStatus.REFUSED,
        **pending,
        reason=note,
        now=now,
        also=["replacement"],
    )
    notify(
        kind=Kind.LEAVE_DECIDED,
        recipients=[absence.proctor] if absence.proctor_id != actor.pk else [],
        text=(
            gettext_lazy("Your request (%(kind)s, %(session)s, %(room)s) is approved.")
            if approve
            else gettext_lazy("Your request (%(kind)s, %(session)s, %(room)s) is refused: %(note)s")
        ),
        params={
            "kind": AbsenceKind(absence.kind).label,
            "session": session_room.session,
            "room": session_room.room,
            "note": note,
        },
        # Leave takes him off the room; leaving the post is asked from the room's record.
        link=reverse("exams:my_duties")
        if absence.kind == AbsenceKind.LEAVE
        else reverse("exams:room_record", args=[session_room.pk]),
    )
    return absence


@transaction.atomic
def absence_return(*, actor, absence: ProctorAbsence, now=None) -> ProctorAbsence:
    """The proctor is back at his post."""
    absence = ProctorAbsence.objects.select_for_update().get(pk=absence.pk)
    if absence.proctor_id != actor.pk:
        raise PermissionDenied
    if absence.kind != AbsenceKind.POST or absence.status != AbsenceStatus.APPROVED or absence.returned_at:
        raise RuleViolation(_("Only an approved absence from the post ends with a return."), code="not_away")
    absence.returned_at = now or timezone.now()
    absence.save(update_fields=["returned_at"])
    notify(
        kind=Kind.LEAVE_DECIDED,
        recipients=[absence.decided_by] if absence.decided_by_id not in (None, actor.pk) else [],
        text=gettext_lazy("%(proctor)s is back at the post in %(session)s, %(room)s at %(time)s."),
        params={
            "proctor": actor.name,
            "session": absence.session_room.session,
            "room": absence.session_room.room,
            "time": local_text(absence.returned_at, "%H:%M"),
        },
        # The leader who let him go reads his group's requests there, guarding no room himself.
        link=reverse("exams:list_absences"),
    )
    return absence
