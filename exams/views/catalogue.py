"""Pages of the catalogue: occupations, the annual plan and its lines, and the review-question banks.

Rules: 管理人员 §1 (the clerk drafts the plan), 所长 §3 (the director approves it),
副所长 §4 (review questions checked), 考务组 §8 (banks kept secret, every download logged).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from exams import selectors, services
from exams.abilities import bank_for, occupation_for, plan_for, plan_line_for
from exams.filters import BankFilter, OccupationFilter, PlanFilter, PlanLineFilter
from exams.forms import (
    BankUploadForm,
    OccupationForm,
    PlanCreateForm,
    PlanLineForm,
)
from exams.resources import OccupationResource, plan_dataset
from exams.tables import OccupationTable, PlanTable
from exams.views import PAGE_SIZE
from jianding.client import client_ip
from jianding.downloads import file_response
from jianding.errors import RuleViolation
from jianding.forms import DecisionForm, ImportForm, RevisionForm, form_refuse
from jianding.imports import import_step
from jianding.permissions import role_required
from jianding.revisions import revision_previous
from jianding.roles import CATALOGUE_ROLES, MANAGEMENT_ROLES, Role, has_role
from jianding.spreadsheets import xlsx_response
from jianding.steps import decision_step, revision_step, step_run


@role_required(*CATALOGUE_ROLES)
def list_occupations(request):
    occupation_filter = OccupationFilter(request.GET, queryset=selectors.occupation_list())
    table = OccupationTable(occupation_filter.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(
        request,
        "exams/list_occupations.html",
        {"filter": occupation_filter, "table": table, "can_edit": has_role(request.user, Role.CLERK)},
    )


@role_required(Role.CLERK)
def create_occupation(request):
    return _occupation_form(request, None)


@role_required(Role.CLERK)
def edit_occupation(request, pk):
    return _occupation_form(request, occupation_for(request.user, pk))


def _occupation_form(request, occupation):
    initial = (
        {
            "code": occupation.code,
            "name": occupation.name,
            "levels": occupation.levels,
            "is_active": occupation.is_active,
        }
        if occupation
        else None
    )
    form = OccupationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.occupation_save(actor=request.user, occupation=occupation, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Occupation saved."))
            return redirect("exams:list_occupations")
    return render(request, "exams/edit_occupation.html", {"form": form, "occupation": occupation})


@role_required(*CATALOGUE_ROLES)
def export_occupations(request):
    occupations = OccupationFilter(request.GET, queryset=selectors.occupation_list()).qs
    return xlsx_response(
        OccupationResource().export(occupations), title=_("Occupations"), filename="occupations.xlsx"
    )


@role_required(Role.CLERK)
def import_occupations(request):
    """Upload → preview with every bad row → confirm; nothing is saved before the confirmation."""
    form = ImportForm(request.POST or None, request.FILES or None)
    step = import_step(request, form, resource=OccupationResource(), purpose="occupations")
    if step.done:
        messages.success(
            request,
            _("Imported: %(new)d new, %(updated)d changed, %(unchanged)d unchanged.")
            % {"new": step.report.new, "updated": step.report.updated, "unchanged": step.report.unchanged},
        )
        return redirect("exams:list_occupations")
    return render(
        request, "exams/import_occupations.html", {"form": form, "report": step.report, "token": step.token}
    )


@role_required(*MANAGEMENT_ROLES)
def list_plans(request):
    plan_filter = PlanFilter(request.GET, queryset=selectors.plan_list(actor=request.user))
    table = PlanTable(plan_filter.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(
        request,
        "exams/list_plans.html",
        {"filter": plan_filter, "table": table, "can_create": has_role(request.user, Role.CLERK)},
    )


@role_required(Role.CLERK)
def create_plan(request):
    form = PlanCreateForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            return redirect("exams:view_plan", pk=plan.pk)
    return render(request, "exams/create_plan.html", {"form": form})


@role_required(*MANAGEMENT_ROLES)
def view_plan(request, pk, line_form=None):
    plan = plan_for(request.user, pk)
    previous = revision_previous(plan)
    line_filter = PlanLineFilter(request.GET, queryset=selectors.plan_lines(plan=plan))
    return render(
        request,
        "exams/view_plan.html",
        {
            "plan": plan,
            "filter": line_filter,
            "lines": line_filter.qs,
            "previous": previous,
            "line_form": line_form or PlanLineForm(),
            "decision_form": DecisionForm(),
            "revise_form": RevisionForm(),
            "is_clerk": has_role(request.user, Role.CLERK),
            "is_director": has_role(request.user, Role.DIRECTOR),
            "history": plan.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@require_POST
@role_required(Role.CLERK)
def add_plan_line(request, pk):
    plan = plan_for(request.user, pk)
    form = PlanLineForm(request.POST)
    if form.is_valid():
        try:
            services.plan_line_save(actor=request.user, plan=plan, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Line added."))
            return redirect("exams:view_plan", pk=plan.pk)
    return view_plan(request, pk, line_form=form)


@role_required(Role.CLERK)
def edit_plan_line(request, pk):
    line = plan_line_for(request.user, pk)
    initial = {
        "occupation": line.occupation,
        "level": line.level,
        "month": line.month,
        "expected_applicants": line.expected_applicants,
        "department": line.department,
    }
    form = PlanLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_line_save(actor=request.user, plan=line.plan, line=line, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Line saved."))
            return redirect("exams:view_plan", pk=line.plan_id)
    return render(request, "exams/edit_plan_line.html", {"form": form, "line": line})


@role_required(Role.CLERK)
def delete_plan_line(request, pk):
    line = plan_line_for(request.user, pk)
    if request.method == "POST":
        step_run(
            request, lambda: services.plan_line_delete(actor=request.user, line=line), _("Line removed.")
        )
        return redirect("exams:view_plan", pk=line.plan_id)
    return render(
        request,
        "confirm_delete.html",
        {"object": line, "cancel_url": reverse("exams:view_plan", args=[line.plan_id])},
    )


@require_POST
@role_required(Role.CLERK)
def submit_plan(request, pk):
    plan = plan_for(request.user, pk)
    step_run(
        request,
        lambda: services.plan_submit(actor=request.user, plan=plan),
        _("The plan went to the director."),
    )
    return redirect("exams:view_plan", pk=plan.pk)


@require_POST
@role_required(Role.DIRECTOR)
def decide_plan(request, pk):
    plan = plan_for(request.user, pk)
    decision_step(
        request,
        approve=lambda reason: services.plan_approve(actor=request.user, plan=plan, reason=reason),
        give_back=lambda reason: services.plan_return(actor=request.user, plan=plan, reason=reason),
        approved=_("The plan is approved."),
        returned=_("The plan went back to the clerk."),
    )
    return redirect("exams:view_plan", pk=plan.pk)


@require_POST
@role_required(Role.CLERK)
def revise_plan(request, pk):
    plan = plan_for(request.user, pk)
    revision = revision_step(
        request, lambda basis: services.plan_revise(actor=request.user, plan=plan, basis=basis)
    )
    return redirect("exams:view_plan", pk=(revision or plan).pk)


@role_required(*MANAGEMENT_ROLES)
def compare_plans(request, pk, other):
    plan, old = plan_for(request.user, pk), plan_for(request.user, other)
    return render(
        request,
        "exams/compare_plans.html",
        {"plan": plan, "old": old, "changes": selectors.plan_compare(old=old, new=plan)},
    )


@role_required(*MANAGEMENT_ROLES)
def export_plan(request, pk):
    plan = plan_for(request.user, pk)
    dataset = plan_dataset(selectors.plan_lines(plan=plan))
    return xlsx_response(dataset, title=str(plan.year), filename=f"plan-{plan.year}-r{plan.revision}.xlsx")


@role_required(*CATALOGUE_ROLES, Role.APPLICANT)
def list_banks(request):
    bank_filter = BankFilter(request.GET, queryset=selectors.bank_list(actor=request.user))
    return render(
        request,
        "exams/list_banks.html",
        {
            "filter": bank_filter,
            "banks": bank_filter.qs,
            "form": BankUploadForm() if has_role(request.user, Role.EXAM_STAFF) else None,
            "is_deputy": has_role(request.user, Role.DEPUTY),
        },
    )


@role_required(Role.EXAM_STAFF)
def upload_bank(request):
    form = BankUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.bank_upload(
                actor=request.user,
                occupation=data["occupation"],
                level=data["level"],
                title=data["title"],
                upload=data["file"],
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Uploaded; it waits for the deputy's approval."))
            return redirect("exams:list_banks")
    return render(request, "exams/upload_bank.html", {"form": form})


@require_POST
@role_required(Role.DEPUTY)
def decide_bank(request, pk):
    bank = bank_for(request.user, pk)
    decision = request.POST.get("decision")
    form = DecisionForm(request.POST)
    if decision in ("approve", "reject") and form.is_valid():
        step_run(
            request,
            lambda: services.bank_decide(
                actor=request.user,
                bank=bank,
                approve=decision == "approve",
                reason=form.cleaned_data["reason"],
            ),
            _("Decision recorded."),
        )
    else:
        messages.error(request, _("Choose to approve or to reject the bank."))
    return redirect("exams:list_banks")


@role_required(*CATALOGUE_ROLES, Role.APPLICANT)
def download_bank(request, pk):
    bank = bank_for(request.user, pk)
    services.bank_download_record(actor=request.user, bank=bank, ip_address=client_ip(request))
    return file_response(bank.file.open("rb"), filename=f"{bank}.pdf", content_type="application/pdf")
