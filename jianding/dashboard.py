"""What waits for each role, shown as counts on its dashboard.

Each later app adds its cards here through its selectors: a card is a count of
things that wait for the user, with the page where they are handled.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants import selectors as applicants
from exams import selectors as exams
from exams.abilities import is_chief_examiner
from exams.services import decisions_waiting, report_deadline
from finance import selectors as finance
from jianding import staff
from jianding.models import Consultation
from jianding.roles import Role, primary_role
from jianding.workdays import working_days_between


@dataclass(frozen=True)
class Card:
    label: str
    count: int
    url: str
    hint: str = ""


def _accounts_not_taken_over(user) -> Card:
    return Card(
        label=_("Staff accounts not yet taken over"),
        count=staff.staff_list(actor=user).filter(is_active=True, must_change_password=True).count(),
        url=reverse("accounts:list_staff") + "?taken_over=false",
        hint=_("Created, but their holders have not yet chosen their own password."),
    )


def _plans_to_approve(user) -> Card:
    return Card(
        label=_("Annual plans to approve"),
        count=exams.plans_waiting_for_director().count(),
        url=reverse("exams:list_plans"),
    )


def _batches_to_approve_outside_plan(user) -> Card:
    return Card(
        label=_("Batches outside the plan to approve"),
        count=exams.batches_waiting_for_approval(outside_plan=True).count(),
        url=reverse("exams:list_batches") + "?status=draft",
    )


def _batches_to_approve_from_plan(user) -> Card:
    return Card(
        label=_("Batches and implementation schemes to approve"),
        count=exams.batches_waiting_for_approval(outside_plan=False).count(),
        url=reverse("exams:list_batches") + "?status=draft",
    )


def _banks_to_approve(user) -> Card:
    return Card(
        label=_("Review-question banks to approve"),
        count=exams.banks_waiting_for_deputy().count(),
        url=reverse("exams:list_banks"),
    )


def _plans_returned(user) -> Card:
    return Card(
        label=_("Plans returned by the director"),
        count=exams.plans_returned().count(),
        url=reverse("exams:list_plans"),
    )


def _registrations_to_open(user) -> Card:
    return Card(
        label=_("Batches whose registration should open"),
        count=exams.batches_due_to_open(today=timezone.localdate()).count(),
        url=reverse("exams:list_batches") + "?status=approved",
    )


def _questions_to_answer(user) -> Card:
    return Card(
        label=_("Questions from the public to answer"),
        count=Consultation.objects.unanswered().count(),
        url=reverse("outreach:list_consultations") + "?open=1",
    )


def _applications_to_review(user) -> Card:
    return Card(
        label=_("Applications to review"),
        count=applicants.applications_waiting_review().count(),
        url=reverse("applicants:list_applications") + "?status=submitted",
    )


def _applications_returned(user) -> Card:
    return Card(
        label=_("My applications to correct"),
        count=applicants.applications_returned(actor=user).count(),
        url=reverse("applicants:my_applications"),
    )


def _sheets_to_score(user) -> Card:
    return Card(
        label=_("Score sheets to finish"),
        count=exams.sheets_to_score(actor=user).count(),
        url=reverse("exams:my_scoring"),
        hint=_("Open sheets: score every item, then sign."),
    )


def _items_to_decide(user) -> Card | None:
    """The chief examiner's items beyond the spread, in the sessions he leads; none for other examiners."""
    if not is_chief_examiner(user):
        return None
    return Card(
        label=_("Items beyond the spread to decide"),
        count=sum(decisions_waiting(actor=user).values()),
        url=reverse("exams:my_examiner") + "#my-sessions",
        hint=_("The examiners' points differ too much: decide each item, with the reason, before the tally."),
    )


def _leave_requests(user) -> Card:
    return Card(
        label=_("Proctors' leave requests"),
        count=exams.leave_requests_pending().count(),
        url=reverse("exams:list_absences"),
    )


def _duties_ahead(user) -> Card:
    return Card(
        label=_("Rooms I guard from today"),
        count=exams.duties_ahead(actor=user).count(),
        url=reverse("exams:my_duties"),
    )


def _reports_due(user) -> Card:
    """Batches to report to the city center, with the nearest deadline in working days."""
    batches = list(exams.batches_to_report(today=timezone.localdate()))
    card = Card(
        label=_("Batches to report to the city center"),
        count=len(batches),
        url=reverse("exams:list_batches"),
    )
    if not batches:
        return card
    today = timezone.localdate()
    nearest = min(batches, key=report_deadline)
    deadline = report_deadline(nearest)
    left = working_days_between(today, deadline)
    hint = (
        _("%(batch)s is overdue since %(day)s.")
        if left < 0
        else _("%(batch)s: report by %(day)s, %(left)d working days left.")
    )
    return Card(
        label=card.label,
        count=card.count,
        url=reverse("exams:batch_publicity", args=[nearest.pk]),
        hint=hint % {"batch": nearest, "day": deadline, "left": left},
    )


def _tallies_to_check(user) -> Card:
    sessions = exams.tallies_to_check(actor=user)
    first = sessions.first()
    return Card(
        label=_("Tallies waiting for a second person's check"),
        count=sessions.count(),
        url=reverse("exams:check_results", args=[first.pk]) if first else reverse("exams:list_batches"),
        hint=_("Someone else tallied them; check each candidate before the results count."),
    )


def _objections_to_answer(user) -> Card:
    objections = exams.objections_open()
    first = objections.first()
    return Card(
        label=_("Objections to answer"),
        count=objections.count(),
        url=reverse("exams:batch_publicity", args=[first.batch_id])
        if first
        else reverse("exams:list_batches"),
        hint=_("Answer each on its batch's publicity page before the report."),
    )


def _fee_plans_to_approve(user) -> Card:
    return Card(
        label=_("Fee plans and budgets to approve"),
        count=finance.fee_plans_waiting_for_director().count(),
        url=reverse("finance:list_fee_plans"),
    )


def _fee_plans_returned(user) -> Card:
    return Card(
        label=_("Fee plans returned by the director"),
        count=finance.fee_plans_returned().count(),
        url=reverse("finance:list_fee_plans"),
    )


def _expenses_to_sign(user) -> Card:
    return Card(
        label=_("Expense requests to sign"),
        count=finance.expenses_waiting_signature().count(),
        url=reverse("finance:list_expenses") + "?status=submitted",
        hint=" ".join(finance.expenses_waiting_reasons()),
    )


def _refunds_to_approve(user) -> Card:
    return Card(
        label=_("Refunds to approve"),
        count=finance.refunds_waiting_for_director().count(),
        url=reverse("finance:list_dues") + "?paid=refund",
    )


def _expenses_waiting_for_director(user) -> Card:
    reasons = finance.expenses_waiting_reasons()
    return Card(
        label=_("Expense requests waiting for the director's signature"),
        count=finance.expenses_waiting_signature().count(),
        url=reverse("finance:list_expenses") + "?status=submitted",
        hint=" ".join(reasons) or _("None is booked before the director signs it."),
    )


def _expenses_to_book(user) -> Card:
    return Card(
        label=_("Signed expenses to book"),
        count=finance.expenses_to_book().count(),
        url=reverse("finance:list_expenses") + "?status=signed",
    )


CARDS: dict[Role, tuple[Callable[..., Card | None], ...]] = {
    Role.DIRECTOR: (
        _plans_to_approve,
        _batches_to_approve_outside_plan,
        _accounts_not_taken_over,
        _reports_due,
        _fee_plans_to_approve,
        _expenses_to_sign,
        _refunds_to_approve,
    ),
    Role.DEPUTY: (_batches_to_approve_from_plan, _banks_to_approve),
    Role.CLERK: (
        _applications_to_review,
        _plans_returned,
        _registrations_to_open,
        _questions_to_answer,
        _reports_due,
        _objections_to_answer,
        _tallies_to_check,
        _fee_plans_returned,
    ),
    Role.FINANCE: (_expenses_to_book, _expenses_waiting_for_director),
    Role.EXAM_STAFF: (
        _applications_to_review,
        _leave_requests,
        _reports_due,
        _objections_to_answer,
        _tallies_to_check,
    ),
    Role.EXAMINER: (_sheets_to_score, _items_to_decide),
    Role.PROCTOR: (_duties_ahead,),
    Role.APPLICANT: (_applications_returned,),
}


def dashboard_cards(user) -> tuple[Role | None, list[Card]]:
    """Return the user's main role and the cards of what waits for him."""
    role = primary_role(user)
    if role is None:
        return None, []
    cards = [card(user) for card in CARDS.get(role, ())]
    return role, [card for card in cards if card is not None]
