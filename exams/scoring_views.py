"""Blind scoring on tablets: examiners see codes, seats and tasks only, never who the candidate is."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exams import selectors, services
from exams.abilities import can_lead, sheets_session_get
from exams.forms import ReopenSheetForm, SignSheetForm, StandardForm, StandardItemFormSet, TallyCheckForm
from exams.models import ExamSession, ScoreSheet, ScoringStandard, SheetStatus
from exams.resources import register_dataset
from exams.selectors import batch_list
from jianding.errors import RuleViolation
from jianding.forms import form_refuse
from jianding.pdf import pdf_render, pdf_response
from jianding.permissions import role_required
from jianding.roles import CATALOGUE_ROLES, Role, has_role
from jianding.second_factor import second_factor_enrolled
from jianding.spreadsheets import xlsx_response
from jianding.steps import step_run

# What an examiner's pages load of a sheet: code, room and seat, the items; nothing of the person.
SHEET_RELATED = ("session__batch__occupation", "code__seat__session_room__room", "standard")


@role_required(*CATALOGUE_ROLES)
def list_standards(request):
    standards = ScoringStandard.objects.select_related("occupation").prefetch_related("items")
    return render(
        request,
        "exams/list_standards.html",
        {"standards": standards, "can_edit": has_role(request.user, *services.SCORING_STAFF_ROLES)},
    )


@role_required(*services.SCORING_STAFF_ROLES)
def create_standard(request):
    form = StandardForm(request.POST or None)
    items = StandardItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        rows = [row for row in items.cleaned_data if row]
        try:
            services.standard_create(actor=request.user, items=rows, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Scoring standard saved."))
            return redirect("exams:list_standards")
    return render(request, "exams/create_standard.html", {"form": form, "items": items})


@require_POST
@role_required(*services.SCORING_STAFF_ROLES)
def open_scoring(request, pk):
    session = get_object_or_404(ExamSession, pk=pk)
    step_run(
        request,
        lambda: services.scoring_open(actor=request.user, session=session),
        lambda count: _("Scoring open: %(count)d sheets for the examiners.") % {"count": count},
    )
    return redirect("exams:view_session", pk=session.pk)


@role_required(Role.EXAMINER)
def my_scoring(request):
    sheets = (
        ScoreSheet.objects.of_examiner(request.user)
        .select_related(*SHEET_RELATED)
        .prefetch_related("scores")
        .order_by("session__date", "code__seat__session_room__order", "code__seat__number")
    )
    for sheet in sheets:
        sheet.total = services.sheet_total(sheet)
    return render(request, "exams/my_scoring.html", {"sheets": sheets})


def _my_sheet(request, pk) -> ScoreSheet:
    return get_object_or_404(
        ScoreSheet.objects.of_examiner(request.user).select_related(*SHEET_RELATED), pk=pk
    )


@role_required(Role.EXAMINER)
def score_sheet(request, pk):
    """The sheet on a tablet: item by item, each saved as it is typed, the running total above."""
    sheet = _my_sheet(request, pk)
    scores = list(sheet.scores.select_related("item"))
    return render(
        request,
        "exams/score_sheet.html",
        {
            "sheet": sheet,
            "scores": scores,
            "total": services.sheet_total(sheet),
            "sign_form": SignSheetForm(),
            "locked": sheet.status != "open",
        },
    )


@require_POST
@role_required(Role.EXAMINER)
def save_item_score(request, pk, item_pk):
    sheet = _my_sheet(request, pk)
    get_object_or_404(sheet.scores, item_id=item_pk)
    raw = request.POST.get("points", "").strip().replace("，", ".").replace(",", ".")
    error = ""
    try:
        points = Decimal(raw) if raw else None
        if points is not None and not points.is_finite():
            raise InvalidOperation
        services.item_score_save(actor=request.user, sheet=sheet, item_id=item_pk, points=points)
    except InvalidOperation:
        error = _("Type a number, e.g. 8 or 7.5.")
    except RuleViolation as refusal:
        error = refusal.message
    score = sheet.scores.select_related("item").get(item_id=item_pk)
    return render(
        request,
        "exams/score_sheet.html#item-row",
        {"sheet": sheet, "score": score, "error": error, "total": services.sheet_total(sheet), "oob": True},
    )


@require_POST
@role_required(Role.EXAMINER)
def sign_sheet(request, pk):
    sheet = _my_sheet(request, pk)
    form = SignSheetForm(request.POST)
    if form.is_valid():
        try:
            services.sheet_sign(actor=request.user, sheet=sheet, password=form.cleaned_data["password"])
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Sheet %(code)s signed and locked.") % {"code": sheet.code})
            return redirect("exams:my_scoring")
    else:
        messages.error(request, _("Type your password to sign."))
    return redirect("exams:score_sheet", pk=sheet.pk)


@role_required(Role.EXAMINER, *CATALOGUE_ROLES)
def session_sheets(request, pk):
    """Every sheet of a session by code and examiner, for its chief examiner and staff: no candidates.

    The chief examiner sees a peer's sheet of a code once his own sheet of it is signed.
    """
    session = sheets_session_get(request.user, pk)
    sheets = (
        ScoreSheet.objects.visible_to(request.user)
        .filter(session=session)
        .select_related("code__seat__session_room__room", "examiner__user", "session__batch")
        .prefetch_related("scores")
        .order_by("code__code", "examiner__user__name")
    )
    for sheet in sheets:
        sheet.total = services.sheet_total(sheet)
    signed = [sheet for sheet in sheets if sheet.status == SheetStatus.SIGNED]
    return render(
        request,
        "exams/session_sheets.html",
        {
            "session": session,
            "sheets": sheets,
            "deviations": selectors.examiner_deviations(signed),
            "can_reopen": can_lead(request.user, session),
            "reopen_needs_code": second_factor_enrolled(request.user),
            "reopen_form": ReopenSheetForm(),
        },
    )


@require_POST
@role_required(Role.EXAMINER)
def reopen_sheet(request, pk):
    sheet = get_object_or_404(ScoreSheet.objects.visible_to(request.user), pk=pk)
    form = ReopenSheetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the sheet is reopened."))
    else:
        try:
            services.sheet_reopen(
                actor=request.user,
                sheet=sheet,
                reason=form.cleaned_data["reason"],
                token=form.cleaned_data["token"],
            )
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Sheet %(code)s reopened.") % {"code": sheet.code})
    return redirect("exams:session_sheets", pk=sheet.session_id)


@require_POST
@role_required(*services.TALLY_ROLES)
def tally_results(request, pk):
    session = get_object_or_404(ExamSession, pk=pk)
    step_run(
        request,
        lambda: services.results_tally(actor=request.user, session=session),
        lambda count: _("%(count)d results tallied; a second person checks them now.") % {"count": count},
    )
    return redirect("exams:view_session", pk=session.pk)


@role_required(*services.TALLY_ROLES)
def check_results(request, pk):
    """The second person's check: each candidate's part as tallied; paper marks typed again, blind."""
    session = get_object_or_404(
        ExamSession.objects.select_related("batch__occupation", "tallied_by", "checked_by"), pk=pk
    )
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
    batch = get_object_or_404(batch_list(actor=request.user), pk=pk)
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
