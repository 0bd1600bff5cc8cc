"""Pages of blind scoring: scoring standards, candidate codes, the examiner's score sheets on
the tablet, theory marks, the spreads between examiners, and reopening a sheet.

Rules: 考评组 §3, 考评员 §5–§6 and §8 (score by the standard without knowing the candidate,
sign, under the chief examiner's supervision).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exams import selectors, services
from exams.abilities import (
    SHEET_RELATED,
    can_lead,
    codes_unseen_by,
    own_sheet_for,
    session_for,
    sheet_for,
    sheets_session_for,
)
from exams.filters import SheetFilter
from exams.forms import (
    ItemDecisionForm,
    ItemScoreForm,
    ReopenSheetForm,
    SignSheetForm,
    StandardForm,
    StandardItemFormSet,
)
from exams.models import ScoreSheet, ScoringStandard, SheetStatus
from exams.resources import (
    TheoryMarkResource,
    code_list_dataset,
)
from jianding.errors import RuleViolation
from jianding.forms import ImportForm, form_refuse
from jianding.imports import import_step
from jianding.permissions import role_required
from jianding.roles import CATALOGUE_ROLES, Role, has_role
from jianding.second_factor import second_factor_enrolled
from jianding.spreadsheets import xlsx_response
from jianding.steps import step_run


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
    session = session_for(request.user, pk)
    step_run(
        request,
        lambda: services.scoring_open(actor=request.user, session=session),
        lambda count: _("Scoring open: %(count)d sheets for the examiners.") % {"count": count},
    )
    return redirect("exams:view_session", pk=session.pk)


@role_required(Role.EXAMINER)
def my_scoring(request):
    sheet_filter = SheetFilter(request.GET, queryset=ScoreSheet.objects.of_examiner(request.user))
    sheets = (
        sheet_filter.qs.select_related(*SHEET_RELATED)
        .prefetch_related("scores")
        .order_by("session__date", "code__seat__session_room__order", "code__seat__number")
    )
    for sheet in sheets:
        sheet.total = services.sheet_total(sheet)
    return render(request, "exams/my_scoring.html", {"filter": sheet_filter, "sheets": sheets})


@role_required(Role.EXAMINER)
def score_sheet(request, pk):
    """The sheet on a tablet: item by item, each saved as it is typed, the running total above."""
    sheet = own_sheet_for(request.user, pk)
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
    sheet = own_sheet_for(request.user, pk)
    get_object_or_404(sheet.scores, item_id=item_pk)
    form = ItemScoreForm(request.POST)
    error = ""
    if not form.is_valid():
        error = form.errors["points"][0]
    else:
        try:
            services.item_score_save(
                actor=request.user, sheet=sheet, item_id=item_pk, points=form.cleaned_data["points"]
            )
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
    sheet = own_sheet_for(request.user, pk)
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
    session = sheets_session_for(request.user, pk)
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
    sheet = sheet_for(request.user, pk)
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


@role_required(*services.SCORING_STAFF_ROLES)
def theory_marks(request, pk):
    """Codes for the papers, then the marks imported by code: preview with every bad row, then confirm."""
    session = session_for(request.user, pk)
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
    session = session_for(request.user, pk)
    step_run(
        request,
        lambda: services.codes_give(actor=request.user, session=session),
        lambda count: _("%(count)d candidates have a code; write each on his paper.") % {"count": count},
    )
    return redirect("exams:theory_marks", pk=session.pk)


@role_required(*services.SCORING_STAFF_ROLES)
def export_codes(request, pk):
    """The list to write the codes on the papers and the marks beside them, ready to import back."""
    session = session_for(request.user, pk)
    codes = session.codes.select_related("seat__session_room__room", "seat__application__ticket").order_by(
        "seat__session_room__room__name", "seat__number"
    )
    return xlsx_response(code_list_dataset(codes), title="考生代码", filename=f"codes-{session.pk}.xlsx")


@role_required(Role.EXAMINER, *CATALOGUE_ROLES)
def session_spreads(request, pk):
    """Subjective items whose examiners differ beyond the spread, by code only; the chief examiner decides.

    He sees the items of a code once his own sheet of it is signed.
    """
    session = sheets_session_for(request.user, pk)
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
