"""After scoring: theory marks by code, the chief examiner's decisions, publicity, the report, statistics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants.models import Sex
from exams import selectors, services
from exams.abilities import can_lead, codes_unseen_by, sheets_session_get
from exams.forms import (
    ItemDecisionForm,
    ObjectionAnswerForm,
    ObjectionForm,
    ReportForm,
    ResultStatisticsForm,
)
from exams.models import Batch, ExamSession, Objection, Occupation
from exams.resources import (
    TheoryMarkResource,
    code_list_dataset,
    qualified_dataset,
    result_statistics_dataset,
)
from jianding.client import client_ip
from jianding.errors import RuleViolation
from jianding.forms import ImportForm, form_refuse, year_asked
from jianding.imports import import_step
from jianding.pdf import pdf_render, pdf_response
from jianding.permissions import role_required
from jianding.privacy import Where, id_number_shown
from jianding.roles import CATALOGUE_ROLES, Role, has_role
from jianding.spreadsheets import xlsx_response
from jianding.steps import step_run
from jianding.workdays import calendar_known, working_days_between

# --- theory marks imported by code -------------------------------------------


def _theory_session(pk) -> ExamSession:
    return get_object_or_404(ExamSession.objects.select_related("batch__occupation"), pk=pk)


@role_required(*services.SCORING_STAFF_ROLES)
def theory_marks(request, pk):
    """Codes for the papers, then the marks imported by code: preview with every bad row, then confirm."""
    session = _theory_session(pk)
    # Bound on every POST, even an empty one, so that a refusal can be added to it.
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    step = None
    if request.method == "POST":
        try:
            services.marks_import_check(actor=request.user, session=session)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            step = import_step(
                request, form, resource=TheoryMarkResource(session), purpose=f"marks-{session.pk}"
            )
            if step.done:
                messages.success(
                    request,
                    _("Imported: %(new)d new marks, %(updated)d changed, %(unchanged)d unchanged.")
                    % {
                        "new": step.report.new,
                        "updated": step.report.updated,
                        "unchanged": step.report.unchanged,
                    },
                )
                return redirect("exams:theory_marks", pk=session.pk)
    return render(
        request,
        "exams/theory_marks.html",
        {
            "session": session,
            "form": form,
            "report": step.report if step else None,
            "token": step.token if step else "",
            "codes": session.codes.count(),
            "marked": session.codes.filter(mark__isnull=False).count(),
            "present": session.seats.filter(checked_in_at__isnull=False).count(),
        },
    )


@require_POST
@role_required(*services.SCORING_STAFF_ROLES)
def give_codes(request, pk):
    session = _theory_session(pk)
    step_run(
        request,
        lambda: services.codes_give(actor=request.user, session=session),
        lambda count: _("%(count)d candidates have a code; write each on his paper.") % {"count": count},
    )
    return redirect("exams:theory_marks", pk=session.pk)


@role_required(*services.SCORING_STAFF_ROLES)
def export_codes(request, pk):
    """The list to write the codes on the papers and the marks beside them, ready to import back."""
    session = _theory_session(pk)
    codes = session.codes.select_related("seat__session_room__room", "seat__application__ticket").order_by(
        "seat__session_room__room__name", "seat__number"
    )
    return xlsx_response(code_list_dataset(codes), title="考生代码", filename=f"codes-{session.pk}.xlsx")


# --- the chief examiner's decisions beyond the spread --------------------------


@role_required(Role.EXAMINER, *CATALOGUE_ROLES)
def session_spreads(request, pk):
    """Subjective items whose examiners differ beyond the spread, by code only; the chief examiner decides.

    He sees the items of a code once his own sheet of it is signed.
    """
    session = sheets_session_get(request.user, pk)
    can_decide = can_lead(request.user, session) and session.tallied_at is None
    form = ItemDecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.item_decide(
                    actor=request.user,
                    session=session,
                    code_id=data["code"],
                    item_id=data["item"],
                    points=data["points"],
                    reason=data["reason"],
                )
            except RuleViolation as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Decision saved."))
                return redirect("exams:session_spreads", pk=session.pk)
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    unseen = codes_unseen_by(request.user)
    found = services.spreads(session)
    return render(
        request,
        "exams/session_spreads.html",
        {
            "session": session,
            "spreads": [spread for spread in found if spread.code.pk not in unseen],
            "held_back": sum(spread.code.pk in unseen for spread in found),
            "can_decide": can_decide,
        },
    )


# --- publicity (公示), objections and the report (报备) -------------------------


def _batch(request, pk) -> Batch:
    return get_object_or_404(selectors.batch_list(actor=request.user), pk=pk)


@role_required(*CATALOGUE_ROLES)
def batch_publicity(request, pk):
    batch = _batch(request, pk)
    today = timezone.localdate()
    rows = selectors.qualified_rows(batch=batch)
    deadline = services.report_deadline(batch)
    objections = batch.objections.select_related("answered_by")
    for objection in objections:
        objection.form = ObjectionAnswerForm(
            initial={"answer": objection.answer, "seen_answer": objection.answer}, prefix=f"o{objection.pk}"
        )
    return render(
        request,
        "exams/batch_publicity.html",
        {
            "batch": batch,
            "rows": rows,
            "objections": objections,
            "deadline": deadline,
            "days_left": working_days_between(today, deadline),
            "calendar_known": calendar_known(deadline),
            "publicity_on": services.publicity_is_on(batch, today),
            "can_publicise": has_role(request.user, *services.PUBLICITY_ROLES),
            "can_report": has_role(request.user, Role.CLERK),
            "report_form": ReportForm(initial={"reported_on": today}),
            "report_missing": services.report_missing(batch, today),
        },
    )


@require_POST
@role_required(*services.PUBLICITY_ROLES)
def start_publicity(request, pk):
    batch = _batch(request, pk)
    step_run(
        request,
        lambda: services.publicity_start(actor=request.user, batch=batch),
        lambda done: _("The list is publicised until %(end)s.") % {"end": done.publicity_ends},
    )
    return redirect("exams:batch_publicity", pk=batch.pk)


@require_POST
@role_required(*services.PUBLICITY_ROLES)
def answer_objection(request, pk):
    objection = get_object_or_404(Objection, pk=pk)
    form = ObjectionAnswerForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        step_run(
            request,
            lambda: services.objection_answer(
                actor=request.user,
                objection=objection,
                answer=form.cleaned_data["answer"],
                seen_answer=form.cleaned_data["seen_answer"],
            ),
            _("Answer saved."),
        )
    else:
        messages.error(request, _("Write the answer."))
    return redirect("exams:batch_publicity", pk=objection.batch_id)


@require_POST
@role_required(Role.CLERK)
def report_batch(request, pk):
    batch = _batch(request, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
    else:
        step_run(
            request,
            lambda: services.batch_report(actor=request.user, batch=batch, **form.cleaned_data),
            _("The batch is reported to the city center; applicants now see their results."),
        )
    return redirect("exams:batch_publicity", pk=batch.pk)


@login_not_required
def public_publicity(request):
    """The public page of the lists being publicised, with the form to object."""
    today = timezone.localdate()
    batches = list(selectors.batches_publicised(today=today))
    for batch in batches:
        batch.qualified = [
            {
                "name": person["applicant__name"],
                "sex": Sex(person["applicant__sex"]).label,
                "id_number": id_number_shown(person["applicant__id_number"], None, Where.PUBLIC),
            }
            for person in selectors.qualified_people(batch=batch) or []
        ]
    return render(
        request,
        "public/publicity.html",
        {"batches": batches, "form": ObjectionForm(), "today": today},
    )


@login_not_required
def object_to(request, pk):
    """Record an objection to a publicised list; the office answers before the report."""
    batch = get_object_or_404(selectors.batches_publicised(today=timezone.localdate()), pk=pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_raise(batch=batch, ip_address=client_ip(request), **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(
                request, _("Your objection is recorded; the office will contact you before the report.")
            )
            return redirect("public:publicity")
    return render(request, "public/object_to.html", {"batch": batch, "form": form})


# --- the register of those qualified ---------------------------------------------


def _qualified(request, pk):
    batch = _batch(request, pk)
    rows = selectors.qualified_rows(batch=batch)
    if rows is None:
        raise Http404
    return batch, rows


@role_required(*CATALOGUE_ROLES)
def print_qualified(request, pk):
    batch, rows = _qualified(request, pk)
    pdf = pdf_render(
        template_name="print/qualified_register.html",
        context={"batch": batch, "rows": rows, "printed_at": timezone.now(), "viewer": request.user},
    )
    return pdf_response(pdf, filename=f"qualified-{batch.pk}.pdf")


@role_required(*CATALOGUE_ROLES)
def export_qualified(request, pk):
    batch, rows = _qualified(request, pk)
    return xlsx_response(
        qualified_dataset(batch, rows, viewer=request.user),
        title="合格人员",
        filename=f"qualified-{batch.pk}.xlsx",
    )


# --- statistics -------------------------------------------------------------------


def _statistics_query(request) -> tuple[int, Occupation | None]:
    """The year and occupation asked for; a value that is not one is left out."""
    form = ResultStatisticsForm(request.GET)
    form.is_valid()
    return year_asked(request.GET), form.cleaned_data.get("occupation")


def _rate_chart(chart_id: str, label: str, rows) -> dict:
    return {
        "id": chart_id,
        "type": "bar",
        "labels": [row.label for row in rows],
        "datasets": [{"label": label, "data": [row.rate for row in rows]}],
    }


@role_required(*CATALOGUE_ROLES)
def result_statistics(request):
    """Pass rates and score distributions, with the examiners who stand far from their peers."""
    year, occupation = _statistics_query(request)
    statistics = selectors.result_statistics(year=year, occupation_id=occupation.pk if occupation else None)
    rate = _("pass rate (%)")
    charts = [
        _rate_chart("rate-occupation", rate, statistics.by_occupation),
        _rate_chart("rate-class", rate, statistics.by_class),
        _rate_chart("rate-category", rate, statistics.by_category),
        {
            "id": "distribution",
            "type": "bar",
            "labels": selectors.SCORE_BINS,
            "datasets": [{"label": part, "data": counts} for part, counts in statistics.distribution.items()],
        },
    ]
    return render(
        request,
        "exams/result_statistics.html",
        {
            "year": year,
            "occupation": occupation,
            "occupations": Occupation.objects.filter(is_active=True).order_by("code"),
            "statistics": statistics,
            "charts": charts,
        },
    )


@role_required(*CATALOGUE_ROLES)
def export_result_statistics(request):
    year, occupation = _statistics_query(request)
    statistics = selectors.result_statistics(year=year, occupation_id=occupation.pk if occupation else None)
    return xlsx_response(
        result_statistics_dataset(statistics), title=str(year), filename=f"results-{year}.xlsx"
    )
