"""Revisions of an approved plan: the annual appraisal plan and the fee plan and budget [所长 §3].

A plan is drafted, submitted and approved or returned (``jianding.decisions``). An approved plan
does not change: a change is the next revision of the same year, its rows copied, which stays a
draft until the director approves it and then supersedes the one in force. A plan model has
``year``, ``revision``, ``basis``, ``status`` (draft, submitted, returned, approved, superseded)
and ``created_by``; its rows point to it by a ``plan`` foreign key. Two revisions are compared
row by row, column by column, on one page (``includes/revision_changes.html``).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from jianding.errors import RuleViolation

APPROVED = "approved"
SUPERSEDED = "superseded"
EDITABLE = ("draft", "returned")
OPEN = ("draft", "submitted", "returned")


def revision_require_editable(plan) -> None:
    """Refuse to change a plan that is neither a draft nor returned."""
    if plan.status not in EDITABLE:
        raise RuleViolation(
            _("This plan is %(status)s; only a draft or a returned plan can be changed.")
            % {"status": plan.get_status_display()},
            code="plan_not_editable",
        )


def revision_supersede(plan, *, actor) -> None:
    """Mark the revision in force of ``plan``'s year superseded, as ``plan`` is approved."""
    for previous in (
        type(plan).objects.select_for_update().filter(year=plan.year, status=APPROVED).exclude(pk=plan.pk)
    ):
        previous.status = SUPERSEDED
        previous._history_user = actor
        previous._change_reason = _("Superseded by revision %(revision)d") % {"revision": plan.revision}
        previous.save(update_fields=["status"])


def revision_first(model: type[models.Model], *, actor, year: int, exists: RuleViolation, **values):
    """Create the first revision of ``year``'s plan with ``values``; ``exists`` is the refusal when there is one."""
    if model.objects.filter(year=year).exists():
        raise exists
    plan = model(year=year, created_by=actor, **values)
    plan._history_user = actor
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # another clerk created it a moment ago
        raise exists from None
    return plan


def revision_start(plan, *, actor, basis: str, rows: dict[str, Sequence[str]]):
    """Start the next revision of the locked, approved ``plan``, copying its ``rows``.

    ``rows`` maps each related name of the plan's rows to the fields copied. The approved plan
    stays in force until the new revision is approved.
    """
    model = type(plan)
    if plan.status != APPROVED:
        raise RuleViolation(_("Only the approved plan can be revised."), code="plan_not_approved")
    if not basis.strip():
        raise RuleViolation(_("Say what the revision changes and why."), field="basis", code="basis_required")
    if model.objects.filter(year=plan.year, status__in=OPEN).exists():
        raise RuleViolation(
            _("A revision of this plan is already being prepared; continue that one."), code="revision_open"
        )
    latest = model.objects.filter(year=plan.year).aggregate(latest=Max("revision"))["latest"]
    revision = model(year=plan.year, revision=latest + 1, basis=basis, created_by=actor)
    revision._history_user = actor
    revision._change_reason = basis
    revision.save()
    copied = _("Copied from revision %(revision)d") % {"revision": plan.revision}
    for related_name, fields in rows.items():
        row_model = getattr(plan, related_name).model
        bulk_create_with_history(
            [
                row_model(plan=revision, **{name: getattr(row, name) for name in fields})
                for row in getattr(plan, related_name).all()
            ],
            row_model,
            default_user=actor,
            default_change_reason=copied,
        )
    return revision


def revision_previous(plan):
    """Return the revision of the same year before ``plan``, if any."""
    return type(plan).objects.filter(year=plan.year, revision__lt=plan.revision).order_by("-revision").first()


@dataclass(frozen=True)
class Column:
    """A column of a comparison: its heading and what it shows of a row."""

    label: str
    value: Callable[[Any], Any]
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    old: Any
    new: Any
    numeric: bool

    @property
    def changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old != self.new

    @property
    def value(self) -> Any:
        return self.old if self.new is None else self.new


@dataclass(frozen=True)
class Change:
    kind: str  # "added", "removed", "changed" or "same"
    old: Any
    new: Any
    cells: list[Cell]


@dataclass(frozen=True)
class Comparison:
    """The columns compared and the rows' changes; iterating it gives the changes."""

    columns: Sequence[Column]
    changes: list[Change]

    def __iter__(self):
        return iter(self.changes)


def revisions_compare(
    before: Iterable, after: Iterable, *, key: Callable, order: Callable, columns: Sequence[Column]
) -> Comparison:
    """Compare the rows of two revisions: a row is known by its ``key``; it changed if a column did."""
    old_rows = {key(row): row for row in before}
    new_rows = {key(row): row for row in after}
    changes = []
    for row_key in sorted(
        old_rows.keys() | new_rows.keys(), key=lambda k: order(new_rows.get(k) or old_rows[k])
    ):
        old, new = old_rows.get(row_key), new_rows.get(row_key)
        cells = [
            Cell(
                None if old is None else column.value(old),
                None if new is None else column.value(new),
                column.numeric,
            )
            for column in columns
        ]
        if old is None:
            kind = "added"
        elif new is None:
            kind = "removed"
        else:
            kind = "changed" if any(cell.changed for cell in cells) else "same"
        changes.append(Change(kind, old, new, cells))
    return Comparison(columns, changes)
