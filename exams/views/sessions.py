"""Pages of sessions and seats: exam rooms, arranging a batch into sessions and rooms, seats,
proctors, admission tickets and the printed arrangement and schedule.

Rules: 考务组 §2–§3 (rosters, tickets, rooms), 工作规则 §2 (tickets once the city center agrees).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants.abilities import application_for
from applicants.services import application_not_admit
from exams import selectors, services
from exams.abilities import batch_for, room_for, seat_for, session_for, session_room_for, ticket_for
from exams.forms import (
    AssignExaminerForm,
    NotAdmittedForm,
    ProctorsForm,
    RoomForm,
    SeatMoveForm,
    SessionForm,
)
from exams.models import (
    SessionRoom,
    SessionStatus,
)
from exams.resources import arrangement_dataset, rooms_dataset, schedule_dataset
from exams.tickets import tickets_pdf
from jianding.errors import RuleViolation
from jianding.forms import form_refuse
from jianding.pdf import pdf_render, pdf_response
from jianding.permissions import role_required
from jianding.roles import ARRANGER_ROLES, CATALOGUE_ROLES, REVIEWER_ROLES, Role, has_role
from jianding.spreadsheets import xlsx_response
from jianding.steps import step_run


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
    return _room_form(request, room_for(request.user, pk))


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


def _not_seated(batch) -> dict:
    """The approved applicants the published seating left out, for the batch's session pages."""
    if not selectors.tickets_published(batch_id=batch.pk):
        return {"not_seated": []}
    return {"not_seated": list(selectors.applications_not_seated(batch=batch))}


@role_required(*CATALOGUE_ROLES)
def arrange_batch(request, pk):
    """The sessions of a batch with their rooms, what stops publishing, and the ticket prints."""
    batch = batch_for(request.user, pk)
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
    batch = batch_for(request.user, batch_pk)
    return _session_form(request, batch, None)


@role_required(*ARRANGER_ROLES)
def edit_session(request, pk):
    session = session_for(request.user, pk)
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
    session = session_for(request.user, pk)
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
    session = session_for(request.user, pk)
    step_run(
        request,
        lambda: services.seats_assign(actor=request.user, session=session),
        lambda count: _("%(count)d candidates seated.") % {"count": count},
    )
    return redirect("exams:view_session", pk=session.pk)


@require_POST
@role_required(*ARRANGER_ROLES)
def move_seat(request, pk):
    seat = seat_for(request.user, pk)
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
    session_room = session_room_for(request.user, pk)
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
    batch = batch_for(request.user, pk)
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
    batch = batch_for(request.user, pk)
    room = request.POST.get("session_room", "")
    session_room = (
        get_object_or_404(SessionRoom, pk=int(room), session__batch=batch) if room.isdecimal() else None
    )
    job = services.tickets_print_start(actor=request.user, batch=batch, session_room=session_room)
    return redirect("view_job", pk=job.pk)


@require_POST
@role_required(*ARRANGER_ROLES)
def seat_candidate(request, application_pk):
    """Seat an applicant approved after the tickets were published and issue his ticket."""
    application = application_for(request.user, application_pk)
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
    application = application_for(request.user, application_pk)
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
    ticket = ticket_for(request.user, application_pk)
    return pdf_response(tickets_pdf([ticket]), filename=f"ticket-{ticket.number}.pdf")


@role_required(*CATALOGUE_ROLES)
def print_arrangement(request, pk):
    """The exam-room arrangement (考场安排表) of a session."""
    session = session_for(request.user, pk)
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
    session = session_for(request.user, pk)
    return xlsx_response(
        arrangement_dataset(selectors.seat_list(session=session)),
        title="考场安排表",
        filename=f"arrangement-{session.pk}.xlsx",
    )


@role_required(*CATALOGUE_ROLES)
def print_schedule(request, pk):
    """The implementation schedule (实施安排表) of a batch."""
    batch = batch_for(request.user, pk)
    pdf = pdf_render(
        template_name="print/schedule.html",
        context={"batch": batch, "rows": selectors.schedule_rows(batch=batch), "printed_at": timezone.now()},
    )
    return pdf_response(pdf, filename=f"schedule-{batch.pk}.pdf")


@role_required(*CATALOGUE_ROLES)
def export_schedule(request, pk):
    batch = batch_for(request.user, pk)
    return xlsx_response(
        schedule_dataset(selectors.schedule_rows(batch=batch)),
        title="实施安排表",
        filename=f"schedule-{batch.pk}.xlsx",
    )
