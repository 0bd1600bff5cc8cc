"""Blind scoring: standards, anonymous codes, the examiners' sheets, signing and reopening."""

import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from exams.abilities import can_lead
from exams.models import (
    CandidateCode,
    CombineRule,
    ExaminerProfile,
    ExamSession,
    ItemScore,
    Occupation,
    ScoreSheet,
    ScoringStandard,
    SessionPart,
    SessionStatus,
    SheetStatus,
    StandardItem,
    TheoryMark,
)
from exams.services.results import scoring_waiting_notify
from jianding.decisions import reason_require
from jianding.errors import RuleViolation
from jianding.roles import Role, has_role
from jianding.second_factor import second_factor_confirm, signature_confirm

# Who writes scoring standards and opens scoring: exam staff and clerks.
SCORING_STAFF_ROLES = (Role.EXAM_STAFF, Role.CLERK)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
FULL_MARKS = Decimal(100)


def _require_scoring_staff(actor) -> None:
    if not has_role(actor, *SCORING_STAFF_ROLES):
        raise PermissionDenied


@transaction.atomic
def standard_create(
    *,
    actor,
    occupation,
    level: int,
    part: str,
    effective_from,
    combine_rule: str,
    items: list[dict],
    spread: Decimal | None = None,
) -> ScoringStandard:
    """Write a new version of the standard of a part; its items must add up to 100 points."""
    _require_scoring_staff(actor)
    if not items:
        raise RuleViolation(_("Give at least one item."), field="items", code="no_items")
    total = sum((item["max_points"] for item in items), Decimal(0))
    if total != FULL_MARKS:
        raise RuleViolation(
            _("The items add up to %(total)s points; a standard has 100.") % {"total": total},
            field="items",
            code="not_100",
        )
    if combine_rule == CombineRule.CHIEF and (spread is None or spread <= 0):
        raise RuleViolation(
            _("Give the spread beyond which the chief examiner decides."),
            field="spread",
            code="spread_required",
        )
    if combine_rule == CombineRule.CHIEF and not any(item.get("is_subjective") for item in items):
        raise RuleViolation(
            _(
                "The chief examiner's rule concerns subjective items; mark at least one as scored by judgement."
            ),
            field="items",
            code="no_subjective_items",
        )
    # Lock the occupation: two versions written at once get different numbers.
    Occupation.objects.select_for_update().get(pk=occupation.pk)
    latest = ScoringStandard.objects.filter(occupation=occupation, level=level, part=part).aggregate(
        v=Max("version")
    )["v"]
    standard = ScoringStandard.objects.create(
        occupation=occupation,
        level=level,
        part=part,
        version=(latest or 0) + 1,
        effective_from=effective_from,
        combine_rule=combine_rule,
        spread=spread if combine_rule == CombineRule.CHIEF else None,
        created_by=actor,
    )
    StandardItem.objects.bulk_create(
        StandardItem(standard=standard, order=order, **item) for order, item in enumerate(items, start=1)
    )
    return standard


def standard_in_force(session: ExamSession) -> ScoringStandard | None:
    """The latest version of the session's standard already in force on the exam day."""
    return (
        ScoringStandard.objects.filter(
            occupation_id=session.batch.occupation_id,
            level=session.batch.level,
            part=session.part,
            effective_from__lte=session.date,
        )
        .order_by("-version")
        .first()
    )


def _new_codes(count: int, taken: set[str]) -> list[str]:
    """Random codes, unrelated to ticket numbers or seats, unique within the session."""
    codes = []
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


@transaction.atomic
def scoring_open(*, actor, session: ExamSession) -> int:
    """Give every seated candidate an anonymous code and every assigned examiner a sheet per code."""
    _require_scoring_staff(actor)
    # The session only: publishing locks the batch, then its sessions, and must not meet this in reverse.
    session = ExamSession.objects.select_for_update(of=("self",)).select_related("batch").get(pk=session.pk)
    if session.status != SessionStatus.PUBLISHED:
        raise RuleViolation(_("Scoring opens for a published session."), code="session_not_published")
    if TheoryMark.objects.filter(code__session=session).exists():
        raise RuleViolation(
            _("This session's marks came from paper; it is not scored on the tablets as well."),
            code="marked_on_paper",
        )
    standard = standard_in_force(session)
    if standard is None:
        raise RuleViolation(
            _("No scoring standard of this part is in force on the exam day; write one first."),
            code="no_standard",
        )
    # A recused examiner scores nothing in the session, even when still assigned.
    examiners = list(
        ExaminerProfile.objects.filter(assignments__session=session).exclude(recusals__session=session)
    )
    if not examiners:
        raise RuleViolation(_("Assign the examiners first."), code="no_examiners")
    _codes_give(session)
    existing = set(session.sheets.values_list("code_id", "examiner_id"))
    sheets = [
        ScoreSheet(session=session, code=code, examiner=examiner, standard=standard)
        for code in session.codes.all()
        for examiner in examiners
        if (code.pk, examiner.pk) not in existing
    ]
    reason = _("Scoring opened")
    sheets = bulk_create_with_history(sheets, ScoreSheet, default_user=actor, default_change_reason=reason)
    items = list(standard.items.all())
    bulk_create_with_history(
        [ItemScore(sheet=sheet, item=item) for sheet in sheets for item in items],
        ItemScore,
        default_user=actor,
        default_change_reason=reason,
    )
    return len(sheets)


def _codes_give(session: ExamSession) -> None:
    """An anonymous code for every candidate who came in; the absent stay absent in the tally."""
    seats = list(session.seats.filter(code__isnull=True, checked_in_at__isnull=False))
    taken = set(session.codes.values_list("code", flat=True))
    CandidateCode.objects.bulk_create(
        CandidateCode(seat=seat, session=session, code=code)
        for seat, code in zip(seats, _new_codes(len(seats), taken), strict=True)
    )


def _require_no_sheets(session: ExamSession) -> None:
    """A session is marked one way: paper marks never stand beside (and override) signed sheets."""
    if session.sheets.exists():
        raise RuleViolation(
            _("This session is scored on the tablets; marks from paper are not imported as well."),
            code="scored_on_tablets",
        )


def _require_untallied_theory_on_paper(session: ExamSession) -> None:
    """Codes and imported marks serve only a theory session, not yet tallied, with no sheets on the tablets."""
    if session.part != SessionPart.THEORY:
        raise RuleViolation(
            _("Marks are imported for a theory session; skills are scored on the tablets."), code="not_theory"
        )
    if session.tallied_at is not None:
        raise RuleViolation(_("This session is tallied already."), code="tallied")
    _require_no_sheets(session)


@transaction.atomic
def codes_give(*, actor, session: ExamSession) -> int:
    """Codes for a theory session marked outside the portal: written on the papers, then imported with the marks."""
    _require_scoring_staff(actor)
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.PUBLISHED:
        raise RuleViolation(_("Codes are given for a published session."), code="session_not_published")
    _require_untallied_theory_on_paper(session)
    _codes_give(session)
    return session.codes.count()


def _own_open_sheet(actor, sheet: ScoreSheet) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_for_update().select_related("examiner").get(pk=sheet.pk)
    if sheet.examiner.user_id != actor.pk:
        raise PermissionDenied
    if sheet.status != SheetStatus.OPEN:
        raise RuleViolation(_("This sheet is signed and locked."), code="sheet_signed")
    return sheet


@transaction.atomic
def item_score_save(*, actor, sheet: ScoreSheet, item_id: int, points: Decimal | None) -> ItemScore:
    """Save one item's points as the examiner types them (empty clears it)."""
    sheet = _own_open_sheet(actor, sheet)
    score = sheet.scores.select_related("item").filter(item_id=item_id).first()
    if score is None:
        raise RuleViolation(_("This item is not on the sheet."), field="points", code="no_such_item")
    if points is not None and not Decimal(0) <= points <= score.item.max_points:
        raise RuleViolation(
            _("Give 0 to %(max)s points.") % {"max": score.item.max_points},
            field="points",
            code="points_out_of_range",
        )
    if points is not None and (points * 2) % 1:
        raise RuleViolation(_("Score in steps of half a point."), field="points", code="points_step")
    score.points = points
    score.save(update_fields=["points"])
    return score


@transaction.atomic
def sheet_sign(*, actor, sheet: ScoreSheet, password: str) -> ScoreSheet:
    """The examiner signs his sheet with his password; every item must be scored; the sheet locks."""
    sheet = _own_open_sheet(actor, sheet)
    missing = [str(score.item) for score in sheet.scores.select_related("item") if score.points is None]
    if missing:
        raise RuleViolation(
            _("Score every item first: %(items)s.") % {"items": "、".join(missing)}, code="items_missing"
        )
    signature_confirm(actor, password=password)
    sheet.status, sheet.signed_at = SheetStatus.SIGNED, timezone.now()
    sheet._change_reason = _("Signed")
    sheet.save(update_fields=["status", "signed_at"])
    scoring_waiting_notify(actor=actor, session=sheet.session)
    return sheet


def sheet_reopen(*, actor, sheet: ScoreSheet, reason: str, token: str = "") -> ScoreSheet:
    """A chief examiner of the session reopens a signed sheet before the tally; the reason stays in its history.

    A chief examiner with a second factor types it again (``token``).
    """
    if not can_lead(actor, sheet.session):
        raise PermissionDenied
    second_factor_confirm(actor, token)
    return _sheet_reopen(actor=actor, sheet=sheet, reason=reason)


@transaction.atomic
def _sheet_reopen(*, actor, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    # Without ``of`` this locks the session row too: a tally meanwhile either waits for this
    # reopening and refuses, or is done first and this reopening is refused.
    sheet = ScoreSheet.objects.select_for_update().select_related("session").get(pk=sheet.pk)
    if not can_lead(actor, sheet.session):
        raise PermissionDenied
    if sheet.session.tallied_at is not None:
        raise RuleViolation(_("The results are tallied; a sheet no longer reopens."), code="tallied")
    if sheet.status != SheetStatus.SIGNED:
        raise RuleViolation(_("Only a signed sheet is reopened."), code="sheet_open")
    reason_require(reason, message=_("Say why the sheet is reopened."))
    sheet.status, sheet.signed_at = SheetStatus.OPEN, None
    sheet._change_reason = reason
    sheet._history_user = actor
    sheet.save(update_fields=["status", "signed_at"])
    return sheet


def sheet_total(sheet: ScoreSheet) -> Decimal:
    return sum((score.points for score in sheet.scores.all() if score.points is not None), Decimal(0))


def marks_import_check(*, actor, session: ExamSession) -> None:
    """Theory marks are imported by code, after the codes are given and before the tally."""
    _require_scoring_staff(actor)
    _require_untallied_theory_on_paper(session)
    if not session.codes.exists():
        raise RuleViolation(_("Give the codes first, then write them on the papers."), code="no_codes")
