"""Pages of batches: the list, creating and editing one, its checklist page, its moves
through the statuses, and the public page of a batch open for registration.

Rules: 工作规则 §2, 所长 §3 (a batch outside the plan is approved by the director).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from exams import selectors, services
from exams.abilities import batch_for
from exams.checklist import batch_path
from exams.filters import BatchFilter
from exams.forms import (
    BatchForm,
)
from exams.models import BatchStatus
from exams.services.batches import BATCH_FIELDS
from exams.tables import BatchTable
from exams.views import PAGE_SIZE
from finance.selectors import how_to_pay
from jianding.errors import RuleViolation
from jianding.forms import DecisionForm, form_refuse, id_asked
from jianding.permissions import role_required
from jianding.roles import BATCH_VIEWER_ROLES, CATALOGUE_ROLES, Role, has_role
from jianding.steps import decision_step


@role_required(*BATCH_VIEWER_ROLES)
def list_batches(request):
    batch_filter = BatchFilter(
        request.GET, queryset=selectors.batch_list(actor=request.user), request=request
    )
    table = BatchTable(batch_filter.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(
        request,
        "exams/list_batches.html",
        {"filter": batch_filter, "table": table, "can_create": has_role(request.user, Role.CLERK)},
    )


@role_required(Role.CLERK)
def create_batch(request):
    plan_lines = selectors.plan_lines_in_force()
    line_id = id_asked(request.GET.get("line", ""))
    line = plan_lines.filter(pk=line_id).first() if line_id else None
    initial = {"plan_line": line, "occupation": line.occupation, "level": line.level} if line else None
    form = BatchForm(request.POST or None, initial=initial, plan_lines=plan_lines)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Batch created as a draft."))
            return redirect("exams:view_batch", pk=batch.pk)
    return render(request, "exams/edit_batch.html", {"form": form, "batch": None})


@role_required(Role.CLERK)
def edit_batch(request, pk):
    batch = batch_for(request.user, pk)
    initial = {name: getattr(batch, name) for name in BATCH_FIELDS}
    form = BatchForm(request.POST or None, initial=initial, plan_lines=selectors.plan_lines_in_force())
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_update(actor=request.user, batch=batch, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Batch saved."))
            return redirect("exams:view_batch", pk=batch.pk)
    return render(request, "exams/edit_batch.html", {"form": form, "batch": batch})


@role_required(*BATCH_VIEWER_ROLES)
def view_batch(request, pk):
    batch = batch_for(request.user, pk)
    steps = services.batch_transitions_for(actor=request.user, batch=batch)
    return render(
        request,
        "exams/view_batch.html",
        {
            "batch": batch,
            "fee_problem": services.batch_fee_problem(batch=batch),
            # approval is a decision, with a reason to return it; the other steps are buttons
            "steps": [(name, step) for name, step in steps if name != "approve"],
            "can_decide": any(name == "approve" for name, _step in steps),
            "decision_form": DecisionForm(),
            "path": batch_path(batch=batch, today=timezone.localdate()),
            "can_edit": has_role(request.user, Role.CLERK) and batch.status == BatchStatus.DRAFT,
            "can_see_sessions": has_role(request.user, *CATALOGUE_ROLES),
            # the next step of a batch at the "tallies" step: each session waiting for this person's check
            "tallies_to_check": selectors.tallies_to_check(actor=request.user).filter(batch=batch)
            if has_role(request.user, Role.CLERK, Role.EXAM_STAFF)
            else [],
            "history": batch.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@require_POST
@role_required(*BATCH_VIEWER_ROLES)
def move_batch(request, pk, action):
    batch = batch_for(request.user, pk)
    try:
        batch = services.batch_move(actor=request.user, batch=batch, action=action)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The batch is now %(status)s.") % {"status": batch.get_status_display()})
    return redirect("exams:view_batch", pk=batch.pk)


@require_POST
@role_required(Role.DEPUTY, Role.DIRECTOR)
def decide_batch(request, pk):
    """Approve the batch and its scheme, or return it to the clerk with the reason."""
    batch = batch_for(request.user, pk)
    decision_step(
        request,
        approve=lambda reason: services.batch_move(
            actor=request.user, batch=batch, action="approve", reason=reason
        ),
        give_back=lambda reason: services.batch_return(actor=request.user, batch=batch, reason=reason),
        approved=_("The batch is approved."),
        returned=_("The batch went back to the clerk."),
    )
    return redirect("exams:view_batch", pk=batch.pk)


@login_not_required
def view_public_batch(request, pk):
    """The public page of a batch open for registration (no sign-in): its facts, where and when
    its exams are held once the sessions are set, and how to pay."""
    batch = get_object_or_404(selectors.batch_public_list(), pk=pk)
    return render(
        request,
        "public/view_batch.html",
        {
            "batch": batch,
            "sessions": selectors.batch_public_sessions(batch=batch),
            "how_to_pay": how_to_pay(),
        },
    )
