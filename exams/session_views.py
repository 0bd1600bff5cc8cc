"""Exam day: rooms, sessions and seats, admission tickets, proctors' duties and check-in."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants.selectors import application_list
from applicants.services import application_not_admit
from exams import selectors, services
from exams.abilities import is_chief_examiner
from exams.forms import (
    AbsenceDecisionForm,
    AbsenceRequestForm,
    AssignExaminerForm,
    CheckInForm,
    HandoverForm,
    IncidentForm,
    NotAdmittedForm,
    PatrolForm,
    ProctorsForm,
    RoomForm,
    SeatMoveForm,
    SessionForm,
    SignRecordForm,
)
from exams.models import (
    AbsenceKind,
    ExamSession,
    HandoverDirection,
    ProctorAbsence,
    Room,
    RoomRecord,
    Seat,
    SessionRoom,
    SessionStatus,
)
from exams.resources import arrangement_dataset, rooms_dataset, schedule_dataset
from exams.selectors import batch_list
from exams.services.seats import ARRANGER_ROLES
from exams.tasks import tickets_print
from exams.tickets import tickets_pdf
from jianding.clock import local_text
from jianding.errors import RuleViolation
from jianding.forms import form_refuse
from jianding.jobs import job_create
from jianding.models import User
from jianding.pdf import pdf_render, pdf_response
from jianding.permissions import role_required
from jianding.roles import CATALOGUE_ROLES, REVIEWER_ROLES, Role, has_role
from jianding.spreadsheets import xlsx_response
from jianding.steps import step_run

# --- rooms -----------------------------------------------------------------


@role_required(*CATALOGUE_ROLES)
def list_rooms(request):
    return render(
        request,
        "exams/list_rooms.html",
        {"rooms": selectors.room_list(), "can_edit": has_role(request.user, *ARRANGER_ROLES)},
    )


@role_required(*CATALOGUE_ROLES)
def export_rooms(request):
    return xlsx_response(rooms_dataset(selectors.room_list()), title="考场", filename="rooms.xlsx")


@role_required(*ARRANGER_ROLES)
def create_room(request):
    return _room_form(request, None)


@role_required(*ARRANGER_ROLES)
def edit_room(request, pk):
    return _room_form(request, get_object_or_404(Room, pk=pk))


def _room_form(request, room):
    fields = ("name", "building", "kind", "capacity", "equipment", "is_active")
    initial = {name: getattr(room, name) for name in fields} if room else None
    form = RoomForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_save(actor=request.user, room=room, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Room saved."))
            return redirect("exams:list_rooms")
    return render(request, "exams/edit_room.html", {"form": form, "room": room})


# --- sessions and seats ----------------------------------------------------


def _session(request, pk) -> ExamSession:
    return get_object_or_404(selectors.session_list(actor=request.user), pk=pk)


def _not_seated(batch) -> dict:
    """The approved applicants the published seating left out, for the batch's session pages."""
    if not selectors.tickets_published(batch_id=batch.pk):
        return {"not_seated": []}
    return {"not_seated": list(selectors.applications_not_seated(batch=batch))}


@role_required(*CATALOGUE_ROLES)
def arrange_batch(request, pk):
    """The sessions of a batch with their rooms, what stops publishing, and the ticket prints."""
    batch = get_object_or_404(batch_list(actor=request.user), pk=pk)
    sessions = [
        {"session": session, "rooms": list(selectors.session_rooms(session=session))}
        for session in batch.sessions.order_by("date", "starts_at", "part", "sitting")
    ]
    return render(
        request,
        "exams/arrange_batch.html",
        {
            "batch": batch,
            "sessions": sessions,
            "published": bool(sessions)
            and all(s["session"].status == SessionStatus.PUBLISHED for s in sessions),
            "can_arrange": has_role(request.user, *ARRANGER_ROLES),
            **_not_seated(batch),
        },
    )


@role_required(*ARRANGER_ROLES)
def create_session(request, batch_pk):
    batch = get_object_or_404(batch_list(actor=request.user), pk=batch_pk)
    return _session_form(request, batch, None)


@role_required(*ARRANGER_ROLES)
def edit_session(request, pk):
    session = _session(request, pk)
    return _session_form(request, session.batch, session)


def _session_form(request, batch, session):
    if session:
        initial = {
            "part": session.part,
            "sitting": session.sitting,
            "date": session.date,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "place": session.place,
            "late_entry_minutes": session.late_entry_minutes,
            "technician": session.technician,
            "rooms": [session_room.room_id for session_room in session.session_rooms.all()],
        }
    else:
        initial = {"date": batch.theory_date, "late_entry_minutes": 15, "sitting": 1}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        rooms = list(data.pop("rooms").order_by("building", "name"))
        try:
            saved = services.session_save(
                actor=request.user, batch=batch, session=session, rooms=rooms, **data
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect("exams:view_session", pk=saved.pk)
    return render(request, "exams/edit_session.html", {"form": form, "batch": batch, "session": session})


@role_required(*CATALOGUE_ROLES)
def view_session(request, pk):
    """The seating of a session room by room, with proctors and hand moves before publishing."""
    session = _session(request, pk)
    rooms = list(selectors.session_rooms(session=session))
    seats = list(selectors.seat_list(session=session))
    can_arrange = has_role(request.user, *ARRANGER_ROLES) and session.status == SessionStatus.ARRANGING
    for session_room in rooms:
        session_room.seat_rows = [seat for seat in seats if seat.session_room_id == session_room.pk]
        session_room.proctors_form = ProctorsForm(
            initial={"proctors": list(session_room.proctors.all())}, prefix=f"room{session_room.pk}"
        )
    return render(
        request,
        "exams/view_session.html",
        {
            "session": session,
            "rooms": rooms,
            "seated": len(seats),
            "shortfalls": services.duty_shortfalls(session),
            "can_arrange": can_arrange,
            "examiners": session.examiner_assignments.select_related("examiner__user").order_by(
                "examiner__user__name"
            ),
            "recusals": session.recusals.select_related("examiner__user"),
            "can_assign_examiner": has_role(request.user, *ARRANGER_ROLES)
            and (can_arrange or services.recused_place_open(session)),
            "assign_examiner_form": AssignExaminerForm(),
            "can_open_scoring": has_role(request.user, *services.SCORING_STAFF_ROLES),
            "can_seat_late": has_role(request.user, *ARRANGER_ROLES),
            **_not_seated(session.batch),
        },
    )


@require_POST
@role_required(*ARRANGER_ROLES)
def assign_seats(request, pk):
    session = _session(request, pk)
    step_run(
        request,
        lambda: services.seats_assign(actor=request.user, session=session),
        lambda count: _("%(count)d candidates seated.") % {"count": count},
    )
    return redirect("exams:view_session", pk=session.pk)


@require_POST
@role_required(*ARRANGER_ROLES)
def move_seat(request, pk):
    seat = get_object_or_404(Seat.objects.select_related("session"), pk=pk)
    form = SeatMoveForm(request.POST, session=seat.session)
    if not form.is_valid():
        messages.error(request, _("Choose a room of this session and a seat number."))
    else:
        try:
            services.seat_move(actor=request.user, seat=seat, **form.cleaned_data)
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Seat changed."))
    return redirect("exams:view_session", pk=seat.session_id)


@require_POST
@role_required(*ARRANGER_ROLES)
def set_proctors(request, pk):
    session_room = get_object_or_404(SessionRoom.objects.select_related("session"), pk=pk)
    form = ProctorsForm(request.POST, prefix=f"room{session_room.pk}")
    if form.is_valid():
        try:
            services.session_room_set_proctors(
                actor=request.user, session_room=session_room, proctors=list(form.cleaned_data["proctors"])
            )
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Proctors saved."))
    else:
        messages.error(request, _("Choose proctors from the list."))
    return redirect("exams:view_session", pk=session_room.session_id)


@require_POST
@role_required(*ARRANGER_ROLES)
def publish_tickets(request, pk):
    batch = get_object_or_404(batch_list(actor=request.user), pk=pk)
    step_run(
        request,
        lambda: services.tickets_publish(actor=request.user, batch=batch),
        lambda count: _("Published: %(count)d admission tickets issued.") % {"count": count},
    )
    return redirect("exams:arrange_batch", pk=batch.pk)


@require_POST
@role_required(*ARRANGER_ROLES)
def print_tickets(request, pk):
    """Start the batch's (or a room's) ticket PDF in the background and show its progress."""
    batch = get_object_or_404(batch_list(actor=request.user), pk=pk)
    room = request.POST.get("session_room", "")
    session_room = (
        get_object_or_404(SessionRoom, pk=int(room), session__batch=batch) if room.isdecimal() else None
    )
    title = _("Admission tickets of %(batch)s") % {"batch": batch}
    if session_room:
        title = f"{title} · {session_room.room}"
    job = job_create(actor=request.user, title=title)
    arguments = {
        "job_id": job.pk,
        "batch_id": batch.pk,
        "session_room_id": session_room.pk if session_room else None,
    }
    # The worker must find the job's row: enqueue once it is committed.
    transaction.on_commit(lambda: tickets_print.enqueue(**arguments))
    return redirect("view_job", pk=job.pk)


@require_POST
@role_required(*ARRANGER_ROLES)
def seat_candidate(request, application_pk):
    """Seat an applicant approved after the tickets were published and issue his ticket."""
    application = get_object_or_404(application_list(actor=request.user), pk=application_pk)
    step_run(
        request,
        lambda: services.seat_supplement(actor=request.user, application=application),
        lambda ticket: (
            _("%(name)s seated; admission ticket %(number)s issued.")
            % {"name": application.applicant.name, "number": ticket.number}
        ),
    )
    return redirect("exams:arrange_batch", pk=application.batch_id)


@require_POST
@role_required(*ARRANGER_ROLES)
def refuse_admission(request, application_pk):
    """Record why an approved applicant left out of the published seating is not admitted."""
    application = get_object_or_404(application_list(actor=request.user), pk=application_pk)
    form = NotAdmittedForm(request.POST)
    if form.is_valid():
        step_run(
            request,
            lambda: application_not_admit(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            ),
            _("Recorded: %(name)s is not admitted; he reads why on his application.")
            % {"name": application.applicant.name},
        )
    else:
        messages.error(request, _("Tell the applicant why."))
    return redirect("exams:arrange_batch", pk=application.batch_id)


@role_required(Role.APPLICANT, *REVIEWER_ROLES)
def print_ticket(request, application_pk):
    """One admission ticket: the applicant his own, once published; reviewers any."""
    ticket = selectors.ticket_of(actor=request.user, application_id=application_pk)
    if ticket is None:
        raise Http404
    return pdf_response(tickets_pdf([ticket]), filename=f"ticket-{ticket.number}.pdf")


@role_required(*CATALOGUE_ROLES)
def print_arrangement(request, pk):
    """The exam-room arrangement (考场安排表) of a session."""
    session = _session(request, pk)
    pdf = pdf_render(
        template_name="print/arrangement.html",
        context={
            "session": session,
            "rooms": selectors.session_rooms(session=session),
            "seats": selectors.seat_list(session=session),
            "printed_at": timezone.now(),
        },
    )
    return pdf_response(pdf, filename=f"arrangement-{session.pk}.pdf")


@role_required(*CATALOGUE_ROLES)
def export_arrangement(request, pk):
    session = _session(request, pk)
    return xlsx_response(
        arrangement_dataset(selectors.seat_list(session=session)),
        title="考场安排表",
        filename=f"arrangement-{session.pk}.xlsx",
    )


@role_required(*CATALOGUE_ROLES)
def print_schedule(request, pk):
    """The implementation schedule (实施安排表) of a batch."""
    batch = get_object_or_404(batch_list(actor=request.user), pk=pk)
    pdf = pdf_render(
        template_name="print/schedule.html",
        context={"batch": batch, "rows": selectors.schedule_rows(batch=batch), "printed_at": timezone.now()},
    )
    return pdf_response(pdf, filename=f"schedule-{batch.pk}.pdf")


@role_required(*CATALOGUE_ROLES)
def export_schedule(request, pk):
    batch = get_object_or_404(batch_list(actor=request.user), pk=pk)
    return xlsx_response(
        schedule_dataset(selectors.schedule_rows(batch=batch)),
        title="实施安排表",
        filename=f"schedule-{batch.pk}.xlsx",
    )


# --- proctors on the day ---------------------------------------------------


@role_required(Role.PROCTOR)
def my_duties(request):
    duties = (
        SessionRoom.objects.filter(proctors=request.user)
        .select_related("session__batch__occupation", "room")
        .order_by("session__date", "session__starts_at")
    )
    absences = ProctorAbsence.objects.filter(proctor=request.user).select_related("session_room__room")
    return render(
        request,
        "exams/my_duties.html",
        {
            "duties": duties,
            "absences": absences,
            "leave_form": AbsenceRequestForm(initial={"kind": AbsenceKind.LEAVE}, auto_id=False),
            "today": timezone.localdate(),
        },
    )


@role_required(Role.PROCTOR, *ARRANGER_ROLES)
def print_badge(request, pk):
    """The proctor's badge (监考证) for one room of one session."""
    rooms = SessionRoom.objects.select_related("session__batch__occupation", "room")
    if not has_role(request.user, *ARRANGER_ROLES):
        rooms = rooms.filter(proctors=request.user)
    session_room = get_object_or_404(rooms, pk=pk)
    proctors = (
        [request.user] if not has_role(request.user, *ARRANGER_ROLES) else list(session_room.proctors.all())
    )
    pdf = pdf_render(
        template_name="print/badges.html", context={"session_room": session_room, "proctors": proctors}
    )
    return pdf_response(pdf, filename=f"badge-{session_room.pk}.pdf")


@role_required(Role.PROCTOR, Role.EXAM_STAFF)
def check_in(request, pk):
    """At the door: scan or type the ticket number; the page shows who entered and who is missing."""
    session = _session(request, pk)
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
            return redirect("exams:check_in", pk=session.pk)
    seats = selectors.seat_list(session=session)
    if not has_role(request.user, Role.EXAM_STAFF):
        seats = seats.filter(session_room__proctors=request.user)
    seats = list(seats)
    return render(
        request,
        "exams/check_in.html",
        {
            "session": session,
            "form": form,
            "seats": seats,
            "present": sum(1 for seat in seats if seat.checked_in_at),
        },
    )


# --- the room on the day: papers, incidents, patrols, the signed record ----


def _session_room(request, pk) -> SessionRoom:
    rooms = SessionRoom.objects.select_related("session__batch__occupation", "room")
    if not has_role(request.user, *CATALOGUE_ROLES):
        rooms = rooms.filter(proctors=request.user)
    return get_object_or_404(rooms, pk=pk)


def _givers(session_room, direction):
    if direction == HandoverDirection.OUT:
        return User.objects.filter(groups__name=Role.EXAM_STAFF.value, is_active=True).order_by("name")
    return session_room.proctors.order_by("name")


@role_required(Role.PROCTOR, *CATALOGUE_ROLES)
def room_record(request, pk):
    """The exam-room record (考场记录表) of one room: attendance, papers, incidents, patrols, signatures."""
    session_room = _session_room(request, pk)
    record = (
        RoomRecord.objects.filter(session_room=session_room).prefetch_related("signatures__proctor").first()
    )
    seats = list(selectors.seat_list(session=session_room.session).filter(session_room=session_room))
    handovers = {
        handover.direction: handover
        for handover in session_room.handovers.select_related("given_by", "received_by")
    }
    guards = session_room.proctors.filter(pk=request.user.pk).exists()
    is_exam_staff = has_role(request.user, Role.EXAM_STAFF)
    handover_direction = None
    if guards and HandoverDirection.OUT not in handovers:
        handover_direction = HandoverDirection.OUT
    elif is_exam_staff and HandoverDirection.OUT in handovers and HandoverDirection.BACK not in handovers:
        handover_direction = HandoverDirection.BACK
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


def _room_step(request, session_room, form, action, done_message):
    """Run one POST step of a room's record; a refusal comes back as a message naming the field."""
    if form.is_valid():
        try:
            action(**form.cleaned_data)
        except RuleViolation as error:
            label = form.fields[error.field].label if error.field in form.fields else ""
            messages.error(request, f"{label}：{error.message}" if label else error.message)
        else:
            messages.success(request, done_message)
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[name].label}：{'；'.join(errors)}" for name, errors in form.errors.items()
            ),
        )
    return redirect("exams:room_record", pk=session_room.pk)


@require_POST
@role_required(Role.PROCTOR, Role.EXAM_STAFF)
def add_incident(request, pk):
    session_room = _session_room(request, pk)
    return _room_step(
        request,
        session_room,
        IncidentForm(request.POST),
        lambda **data: services.incident_record(actor=request.user, session_room=session_room, **data),
        _("Incident recorded."),
    )


@require_POST
@role_required(Role.PROCTOR)
def sign_room_record(request, pk):
    session_room = _session_room(request, pk)
    return _room_step(
        request,
        session_room,
        SignRecordForm(request.POST),
        lambda **data: services.room_record_sign(actor=request.user, session_room=session_room, **data),
        _("Signed."),
    )


@require_POST
@role_required(Role.PROCTOR, Role.EXAM_STAFF)
def record_handover(request, pk):
    session_room = _session_room(request, pk)
    direction = HandoverDirection.BACK if has_role(request.user, Role.EXAM_STAFF) else HandoverDirection.OUT
    return _room_step(
        request,
        session_room,
        HandoverForm(request.POST, givers=_givers(session_room, direction)),
        lambda **data: services.paper_handover_record(
            actor=request.user, session_room=session_room, direction=direction, **data
        ),
        _("Hand-over recorded."),
    )


@require_POST
@role_required(*services.PATROL_ROLES)
def record_patrol(request, pk):
    session_room = _session_room(request, pk)
    return _room_step(
        request,
        session_room,
        PatrolForm(request.POST),
        lambda **data: services.patrol_record(actor=request.user, session_room=session_room, **data),
        _("Patrol recorded."),
    )


@role_required(Role.PROCTOR, *CATALOGUE_ROLES)
def print_room_record(request, pk):
    """The exam-room record as the PDF that goes into the batch's dossier."""
    session_room = _session_room(request, pk)
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


# --- proctors' leave and leaving the post -----------------------------------


@require_POST
@role_required(Role.PROCTOR)
def request_absence(request, pk):
    session_room = _session_room(request, pk)
    form = AbsenceRequestForm(request.POST)
    if form.is_valid():
        try:
            services.absence_request(actor=request.user, session_room=session_room, **form.cleaned_data)
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Request sent; you will see the decision here."))
    else:
        messages.error(request, _("Give a reason."))
    if form.cleaned_data.get("kind") == AbsenceKind.POST:
        return redirect("exams:room_record", pk=session_room.pk)
    return redirect("exams:my_duties")


@role_required(Role.EXAM_STAFF, Role.EXAMINER)
def list_absences(request):
    """Leave requests for exam staff; requests to leave the post for the evaluation-group leaders."""
    kind = AbsenceKind.LEAVE if has_role(request.user, Role.EXAM_STAFF) else AbsenceKind.POST
    absences = (
        ProctorAbsence.objects.visible_to(request.user)
        .filter(kind=kind)
        .select_related(
            "proctor",
            "decided_by",
            "replacement",
            "session_room__room",
            "session_room__session__batch__occupation",
        )
        .order_by("status", "-requested_at")
    )
    # An examiner sees the requests of his own evaluation groups only, so a chief examiner leads each.
    can_decide = kind == AbsenceKind.LEAVE or is_chief_examiner(request.user)
    return render(
        request,
        "exams/list_absences.html",
        {
            "absences": absences[:200],
            "kind": kind,
            "can_decide": can_decide,
            "decision_form": AbsenceDecisionForm(),
        },
    )


@require_POST
@role_required(Role.EXAM_STAFF, Role.EXAMINER)
def decide_absence(request, pk):
    absence = get_object_or_404(ProctorAbsence.objects.visible_to(request.user), pk=pk)
    form = AbsenceDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.absence_decide(
                actor=request.user,
                absence=absence,
                approve=data["decision"] == "approve",
                note=data["note"],
                replacement=data["replacement"],
            )
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, _("Choose approve or refuse."))
    return redirect("exams:list_absences")


@require_POST
@role_required(Role.PROCTOR)
def return_to_post(request, pk):
    absence = get_object_or_404(ProctorAbsence, pk=pk, proctor=request.user)
    step_run(
        request,
        lambda: services.absence_return(actor=request.user, absence=absence),
        lambda returned: (
            _("Back at the post at %(time)s.") % {"time": local_text(returned.returned_at, "%H:%M")}
        ),
    )
    return redirect("exams:room_record", pk=absence.session_room_id)
