"""Pages of proctoring: the proctor's duties and badge, check-in, the room record with its
incidents, handovers and patrols, and proctors' absences.

Rules: 监考人员守则 §2 and §5–§8, 考评组 §2, 副所长 §5, 管理人员 §5.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exams import selectors, services
from exams.abilities import (
    absence_for,
    duty_photo_for,
    duty_room_for,
    duty_rooms,
    duty_session_for,
    guards_room,
    is_chief_examiner,
    own_absence_for,
    session_room_for,
)
from exams.filters import AbsenceFilter, DutyFilter
from exams.forms import (
    AbsenceDecisionForm,
    AbsenceRequestForm,
    CheckInForm,
    HandoverForm,
    IncidentForm,
    PatrolForm,
    SignRecordForm,
)
from exams.models import (
    AbsenceKind,
    HandoverDirection,
    ProctorAbsence,
    RoomRecord,
    SessionRoom,
)
from jianding.clock import local_text
from jianding.downloads import upload_response
from jianding.errors import RuleViolation
from jianding.forms import form_refuse, id_asked
from jianding.models import User
from jianding.pdf import pdf_render, pdf_response
from jianding.permissions import role_required
from jianding.roles import ARRANGER_ROLES, CATALOGUE_ROLES, PROCTORING_ROLES, Role, has_role
from jianding.steps import step_run


@role_required(*PROCTORING_ROLES)
def my_duties(request):
    duty_filter = DutyFilter(request, queryset=SessionRoom.objects.filter(proctors=request.user))
    duties = duty_filter.qs.select_related("session__batch__occupation", "room").order_by(
        "session__date", "session__starts_at"
    )
    absences = ProctorAbsence.objects.filter(proctor=request.user).select_related("session_room__room")
    return render(
        request,
        "exams/my_duties.html",
        {
            "filter": duty_filter,
            "duties": duties,
            "absences": absences,
            "leave_form": AbsenceRequestForm(initial={"kind": AbsenceKind.LEAVE}, auto_id=False),
            "today": timezone.localdate(),
        },
    )


@role_required(*PROCTORING_ROLES, *ARRANGER_ROLES)
def print_badge(request, pk):
    """The proctor's badge (监考证) for one room of one session."""
    session_room = duty_room_for(request.user, pk)
    proctors = (
        [request.user] if not has_role(request.user, *ARRANGER_ROLES) else list(session_room.proctors.all())
    )
    pdf = pdf_render(
        template_name="print/badges.html", context={"session_room": session_room, "proctors": proctors}
    )
    return pdf_response(pdf, filename=f"badge-{session_room.pk}.pdf")


@role_required(*PROCTORING_ROLES)
def check_in(request, pk):
    """At the door: scan or type the ticket number; the page shows who entered and who is missing."""
    session = duty_session_for(request.user, pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.seat_check_in(
                actor=request.user, session=session, ticket_number=form.cleaned_data["ticket_number"]
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(
                request,
                _("%(name)s: %(room)s, seat %(seat)02d.")
                % {
                    "name": seat.application.applicant.name,
                    "room": seat.session_room.room,
                    "seat": seat.number,
                },
            )
            return redirect(reverse("exams:check_in", args=[session.pk]) + f"?seat={seat.pk}")
    seats = list(selectors.seat_list(session=session).filter(session_room__in=duty_rooms(request.user)))
    # The candidate just checked in, his photo beside his ticket number to compare with his face.
    entered = id_asked(request.GET.get("seat", ""))
    return render(
        request,
        "exams/check_in.html",
        {
            "session": session,
            "form": form,
            "seats": seats,
            "present": sum(1 for seat in seats if seat.checked_in_at),
            "entered": next((seat for seat in seats if seat.pk == entered), None),
        },
    )


@role_required(*PROCTORING_ROLES, *ARRANGER_ROLES)
def seat_photo(request, pk):
    """The ID photo of a seat's candidate, for the proctor of his room (and the arrangers)."""
    photo = duty_photo_for(request.user, pk)
    return upload_response(
        photo.file,
        content_type=photo.content_type,
        filename=f"photo-{photo.application_id}.{photo.file.name.rsplit('.', 1)[-1]}",
    )


def _givers(session_room, direction):
    if direction == HandoverDirection.OUT:
        return User.objects.filter(groups__name=Role.EXAM_STAFF.value, is_active=True).order_by("name")
    return session_room.proctors.order_by("name")


@role_required(*PROCTORING_ROLES, *CATALOGUE_ROLES)
def room_record(request, pk):
    """The exam-room record (考场记录表) of one room: attendance, papers, incidents, patrols, signatures."""
    session_room = session_room_for(request.user, pk)
    record = (
        RoomRecord.objects.filter(session_room=session_room).prefetch_related("signatures__proctor").first()
    )
    seats = list(selectors.seat_list(session=session_room.session).filter(session_room=session_room))
    handovers = {
        handover.direction: handover
        for handover in session_room.handovers.select_related("given_by", "received_by")
    }
    guards = guards_room(request.user, session_room)
    is_exam_staff = has_role(request.user, Role.EXAM_STAFF)
    handover_direction = services.handover_direction_due(actor=request.user, session_room=session_room)
    signed = record is not None and record.signed_at is not None
    return render(
        request,
        "exams/room_record.html",
        {
            "session_room": session_room,
            "record": record,
            "seats": seats,
            "absent": [seat for seat in seats if seat.checked_in_at is None],
            "incidents": record.incidents.select_related("seat", "recorded_by") if record else [],
            "handovers": [handovers[d] for d in HandoverDirection.values if d in handovers],
            "missing": services.handover_missing(session_room),
            "patrols": session_room.patrols.select_related("patroller"),
            "signed": signed,
            "incident_form": IncidentForm() if (guards or is_exam_staff) and not signed else None,
            "sign_form": (
                SignRecordForm(initial={"notes": record.notes if record else ""})
                if guards
                and not signed
                and not (record and record.signatures.filter(proctor=request.user).exists())
                else None
            ),
            "handover_direction": handover_direction,
            "handover_form": (
                HandoverForm(givers=_givers(session_room, handover_direction), initial={"count": len(seats)})
                if handover_direction
                else None
            ),
            "patrol_form": PatrolForm() if has_role(request.user, *services.PATROL_ROLES) else None,
            "absences": session_room.absences.filter(kind=AbsenceKind.POST).select_related(
                "proctor", "decided_by"
            ),
            "post_form": AbsenceRequestForm(initial={"kind": AbsenceKind.POST}, auto_id=False)
            if guards and not signed
            else None,
        },
    )


@require_POST
@role_required(*PROCTORING_ROLES)
def add_incident(request, pk):
    session_room = session_room_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.incident_record(actor=request.user, session_room=session_room, **data),
        _("Incident recorded."),
        form=IncidentForm(request.POST),
    )
    return redirect("exams:room_record", pk=session_room.pk)


@require_POST
@role_required(*PROCTORING_ROLES)
def sign_room_record(request, pk):
    session_room = session_room_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.room_record_sign(actor=request.user, session_room=session_room, **data),
        _("Signed."),
        form=SignRecordForm(request.POST),
    )
    return redirect("exams:room_record", pk=session_room.pk)


@require_POST
@role_required(*PROCTORING_ROLES)
def record_handover(request, pk):
    session_room = session_room_for(request.user, pk)
    # Nothing due: the service refuses the return, naming what is missing.
    direction = (
        services.handover_direction_due(actor=request.user, session_room=session_room)
        or HandoverDirection.BACK
    )
    step_run(
        request,
        lambda **data: services.paper_handover_record(
            actor=request.user, session_room=session_room, direction=direction, **data
        ),
        _("Hand-over recorded."),
        form=HandoverForm(request.POST, givers=_givers(session_room, direction)),
    )
    return redirect("exams:room_record", pk=session_room.pk)


@require_POST
@role_required(*services.PATROL_ROLES)
def record_patrol(request, pk):
    session_room = session_room_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.patrol_record(actor=request.user, session_room=session_room, **data),
        _("Patrol recorded."),
        form=PatrolForm(request.POST),
    )
    return redirect("exams:room_record", pk=session_room.pk)


@role_required(*PROCTORING_ROLES, *CATALOGUE_ROLES)
def print_room_record(request, pk):
    """The exam-room record as the PDF that goes into the batch's dossier."""
    session_room = session_room_for(request.user, pk)
    record = RoomRecord.objects.filter(session_room=session_room).first()
    seats = list(selectors.seat_list(session=session_room.session).filter(session_room=session_room))
    absent = [seat for seat in seats if seat.checked_in_at is None]
    pdf = pdf_render(
        template_name="print/room_record.html",
        context={
            "session_room": session_room,
            "record": record,
            "seats": seats,
            "absent": absent,
            "present": len(seats) - len(absent),
            "incidents": record.incidents.select_related("seat") if record else [],
            "signatures": record.signatures.select_related("proctor") if record else [],
            "handovers": session_room.handovers.select_related("given_by", "received_by"),
            "patrols": session_room.patrols.select_related("patroller"),
            "absences": session_room.absences.filter(kind=AbsenceKind.POST).select_related(
                "proctor", "decided_by"
            ),
        },
    )
    return pdf_response(pdf, filename=f"room-record-{session_room.pk}.pdf")


@require_POST
@role_required(*PROCTORING_ROLES)
def request_absence(request, pk):
    session_room = session_room_for(request.user, pk)
    form = AbsenceRequestForm(request.POST)
    step_run(
        request,
        lambda **data: services.absence_request(actor=request.user, session_room=session_room, **data),
        _("Request sent; you will see the decision here."),
        form=form,
    )
    if form.cleaned_data.get("kind") == AbsenceKind.POST:
        return redirect("exams:room_record", pk=session_room.pk)
    return redirect("exams:my_duties")


@role_required(Role.EXAM_STAFF, Role.EXAMINER)
def list_absences(request):
    """Leave requests for exam staff; requests to leave the post for the evaluation-group leaders."""
    kind = AbsenceKind.LEAVE if has_role(request.user, Role.EXAM_STAFF) else AbsenceKind.POST
    absence_filter = AbsenceFilter(
        request.GET, queryset=ProctorAbsence.objects.visible_to(request.user).filter(kind=kind)
    )
    absences = absence_filter.qs.select_related(
        "proctor",
        "decided_by",
        "replacement",
        "session_room__room",
        "session_room__session__batch__occupation",
    ).order_by("status", "-requested_at")
    # An examiner sees the requests of his own evaluation groups only, so a chief examiner leads each.
    can_decide = kind == AbsenceKind.LEAVE or is_chief_examiner(request.user)
    return render(
        request,
        "exams/list_absences.html",
        {
            "filter": absence_filter,
            "absences": absences[:200],
            "kind": kind,
            "can_decide": can_decide,
            "decision_form": AbsenceDecisionForm(),
        },
    )


@require_POST
@role_required(Role.EXAM_STAFF, Role.EXAMINER)
def decide_absence(request, pk):
    absence = absence_for(request.user, pk)
    step_run(
        request,
        lambda decision, note, replacement: services.absence_decide(
            actor=request.user,
            absence=absence,
            approve=decision == "approve",
            note=note,
            replacement=replacement,
        ),
        _("Decision recorded."),
        form=AbsenceDecisionForm(request.POST),
    )
    return redirect("exams:list_absences")


@require_POST
@role_required(*PROCTORING_ROLES)
def return_to_post(request, pk):
    absence = own_absence_for(request.user, pk)
    step_run(
        request,
        lambda: services.absence_return(actor=request.user, absence=absence),
        lambda returned: (
            _("Back at the post at %(time)s.") % {"time": local_text(returned.returned_at, "%H:%M")}
        ),
    )
    return redirect("exams:room_record", pk=absence.session_room_id)
