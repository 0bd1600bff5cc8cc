"""Pages of examiners: the register of examiners, each one's qualification and scope, and
their assignment to sessions.

Rules: 考评员 §2 (scope), 考评员 §7 (recusal), 副所长 §7 (a qualified examiner team).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exams import services
from exams.abilities import assessed_session_for, assignment_for, examiner_for, session_for
from exams.forms import AssignExaminerForm, ExaminerProfileForm, RelationForm
from exams.models import ExaminerProfile, ExaminerState, ExamSession
from jianding.errors import RuleViolation
from jianding.forms import form_refuse
from jianding.permissions import role_required
from jianding.roles import ARRANGER_ROLES, CATALOGUE_ROLES, Role, has_role
from jianding.steps import step_run


@role_required(*CATALOGUE_ROLES)
def list_examiners(request):
    examiners = (
        ExaminerProfile.objects.select_related("user").prefetch_related("occupations").order_by("user__name")
    )
    state = request.GET.get("state", "")
    if state in ExaminerState.values:
        examiners = examiners.filter(state=state)
    return render(
        request,
        "exams/list_examiners.html",
        {
            "examiners": examiners,
            "states": ExaminerState.choices,
            "state": state,
            "can_edit": has_role(request.user, Role.DIRECTOR),
        },
    )


@role_required(Role.DIRECTOR)
def edit_examiner(request, pk):
    profile = examiner_for(request.user, pk)
    initial = {
        "certificate_number": profile.certificate_number,
        "occupations": list(profile.occupations.all()),
        "highest_level": profile.highest_level,
        "valid_from": profile.valid_from,
        "valid_until": profile.valid_until,
        "state": profile.state,
        "state_note": profile.state_note,
    }
    form = ExaminerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.examiner_profile_update(actor=request.user, profile=profile, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Qualification saved."))
            return redirect("exams:list_examiners")
    history = profile.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "exams/edit_examiner.html", {"form": form, "profile": profile, "history": history})


@role_required(Role.EXAMINER)
def my_examiner(request):
    """An examiner's own page: scope, declared relations, and his sessions, with the chief examiner's links."""
    profile = ExaminerProfile.objects.filter(user=request.user).prefetch_related("occupations").first()
    if profile is None:
        raise Http404
    form = RelationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relation_declare(actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(
                request, _("Declared. Sessions where this person is a candidate will do without you.")
            )
            return redirect("exams:my_examiner")
    assignments = list(
        profile.assignments.select_related("session__batch__occupation")
        .prefetch_related("session__session_rooms__room")
        .order_by("session__date")
    )
    led = set(ExamSession.objects.led_by(request.user).values_list("pk", flat=True))
    waiting = services.decisions_waiting(actor=request.user)
    for assignment in assignments:
        assignment.leads = assignment.session_id in led
        assignment.waiting = waiting.get(assignment.session_id, 0)
    # Recusals are not shown: what he sees must not tell whether someone he declared is a candidate.
    return render(
        request,
        "exams/my_examiner.html",
        {"profile": profile, "form": form, "relations": profile.relations.all(), "assignments": assignments},
    )


@role_required(Role.EXAMINER)
def session_standard(request, pk):
    """The scoring standard of a session the examiner is assigned to, to read before the exam
    [考评员 §3]; the standard only, nothing of the candidates."""
    session = assessed_session_for(request.user, pk)
    standard = services.standard_in_force(session)
    return render(
        request,
        "exams/session_standard.html",
        {"session": session, "standard": standard, "items": standard.items.all() if standard else []},
    )


@require_POST
@role_required(*ARRANGER_ROLES)
def assign_examiner(request, pk):
    session = session_for(request.user, pk)
    form = AssignExaminerForm(request.POST)
    if form.is_valid():
        try:
            services.examiner_assign(
                actor=request.user, session=session, examiner=form.cleaned_data["examiner"]
            )
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Examiner assigned."))
    else:
        messages.error(request, _("Choose an active examiner."))
    return redirect("exams:view_session", pk=session.pk)


@require_POST
@role_required(*ARRANGER_ROLES)
def unassign_examiner(request, pk):
    assignment = assignment_for(request.user, pk)
    step_run(
        request,
        lambda: services.examiner_unassign(actor=request.user, assignment=assignment),
        _("Examiner removed from the session."),
    )
    return redirect("exams:view_session", pk=assignment.session_id)
