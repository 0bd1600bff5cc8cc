"""Pages of results and publication: the tally and its check, the results register, the
publicity with its objections, the report, the qualified list and the statistics.

Rules: 工作规则 §3, 考评组 §4, 考务组 §6, 管理人员 §8.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exams import selectors, services
from exams.abilities import batch_for, objection_for, session_for
from exams.forms import (
    ObjectionAnswerForm,
    ObjectionForm,
    ReportForm,
    ResultStatisticsForm,
    TallyCheckForm,
)
from exams.models import (
    Occupation,
)
from exams.resources import (
    qualified_dataset,
    register_dataset,
    result_statistics_dataset,
    statistics_dataset,
)
from jianding.client import client_ip
from jianding.errors import RuleViolation
from jianding.forms import form_refuse, year_asked
from jianding.identity import Sex
from jianding.pdf import pdf_render, pdf_response
from jianding.permissions import role_required
from jianding.privacy import Where, id_number_shown
from jianding.roles import CATALOGUE_ROLES, MANAGEMENT_ROLES, Role, has_role
from jianding.spreadsheets import xlsx_response
from jianding.steps import step_run
from jianding.workdays import calendar_known, working_days_between


@role_required(*MANAGEMENT_ROLES)
def view_statistics(request):
    year = year_asked(request.GET)
    rows = selectors.statistics_by_month(year=year)
    months = range(1, 13)
    labels = [f"{month} 月" for month in months]
    # Two charts: batches are a handful, applicants hundreds; one axis would hide the batches.
    charts = [
        {
            "id": "batches-chart",
            "type": "bar",
            "labels": labels,
            "datasets": [
                {
                    "label": _("batches"),
                    "data": [sum(r.batches for r in rows if r.month == m) for m in months],
                }
            ],
        },
        {
            "id": "applicants-chart",
            "type": "bar",
            "labels": labels,
            "datasets": [
                {
                    "label": _("planned applicants"),
                    "data": [sum(r.planned_applicants for r in rows if r.month == m) for m in months],
                },
                {
                    "label": _("applicants who applied"),
                    "data": [sum(r.applicants for r in rows if r.month == m) for m in months],
                },
            ],
        },
    ]
    return render(request, "exams/view_statistics.html", {"year": year, "rows": rows, "charts": charts})


@role_required(*MANAGEMENT_ROLES)
def export_statistics(request):
    year = year_asked(request.GET)
    dataset = statistics_dataset(selectors.statistics_by_month(year=year))
    return xlsx_response(dataset, title=str(year), filename=f"statistics-{year}.xlsx")


@require_POST
@role_required(*services.TALLY_ROLES)
def tally_results(request, pk):
    session = session_for(request.user, pk)
    step_run(
        request,
        lambda: services.results_tally(actor=request.user, session=session),
        lambda count: _("%(count)d results tallied; a second person checks them now.") % {"count": count},
    )
    return redirect("exams:view_session", pk=session.pk)


@role_required(*services.TALLY_ROLES)
def check_results(request, pk):
    """The second person's check: each candidate's part as tallied; paper marks typed again, blind."""
    session = session_for(request.user, pk)
    lines = services.tally_check_lines(session) if session.tallied_at else []
    form = TallyCheckForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            services.results_check(actor=request.user, session=session, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Tally checked; the results of this session count."))
            return redirect("exams:view_session", pk=session.pk)
    ticked = {str(value) for value in form["confirmed"].value() or ()}
    for line in lines:
        line.ticked = str(line.seat.pk) in ticked
        line.second = form.second_field(line) if line.paper is not None else None
    return render(
        request,
        "exams/check_results.html",
        {
            "session": session,
            "lines": lines,
            "form": form,
            "can_check": services.can_check_tally(request.user, session),
        },
    )


def _register(request, pk):
    batch = batch_for(request.user, pk)
    return batch, selectors.score_register(batch=batch)


@role_required(*CATALOGUE_ROLES)
def view_register(request, pk):
    batch, rows = _register(request, pk)
    return render(request, "exams/score_register.html", {"batch": batch, "rows": rows})


@role_required(*CATALOGUE_ROLES)
def print_register(request, pk):
    batch, rows = _register(request, pk)
    if rows is None:
        raise Http404
    pdf = pdf_render(
        template_name="print/score_register.html",
        context={"batch": batch, "rows": rows, "printed_at": timezone.now(), "viewer": request.user},
    )
    return pdf_response(pdf, filename=f"score-register-{batch.pk}.pdf")


@role_required(*CATALOGUE_ROLES)
def export_register(request, pk):
    batch, rows = _register(request, pk)
    if rows is None:
        raise Http404
    return xlsx_response(
        register_dataset(rows, viewer=request.user),
        title="成绩登记表",
        filename=f"score-register-{batch.pk}.xlsx",
    )


@role_required(*CATALOGUE_ROLES)
def batch_publicity(request, pk):
    batch = batch_for(request.user, pk)
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
    batch = batch_for(request.user, pk)
    step_run(
        request,
        lambda: services.publicity_start(actor=request.user, batch=batch),
        lambda done: _("The list is publicised until %(end)s.") % {"end": done.publicity_ends},
    )
    return redirect("exams:batch_publicity", pk=batch.pk)


@require_POST
@role_required(*services.PUBLICITY_ROLES)
def answer_objection(request, pk):
    objection = objection_for(request.user, pk)
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
    batch = batch_for(request.user, pk)
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
            services.objection_raise(
                batch=batch,
                ip_address=client_ip(request),
                account=request.user if request.user.is_authenticated else None,
                **form.cleaned_data,
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(
                request, _("Your objection is recorded; the office will contact you before the report.")
            )
            return redirect("public:publicity")
    return render(request, "public/object_to.html", {"batch": batch, "form": form})


def _qualified(request, pk):
    batch = batch_for(request.user, pk)
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
