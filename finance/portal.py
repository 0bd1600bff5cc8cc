"""What finance adds to the portal: its dashboard cards and its menu entries.

Registered in ``jianding.portal`` from ``FinanceConfig.ready()``.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from finance import selectors
from jianding import portal
from jianding.portal import Area, Card, NavItem
from jianding.roles import BOOKS_ROLES, STAFF_ROLES, Role

ORDER = 40


def _fee_plans_to_approve(user) -> Card:
    return Card(
        label=_("Fee plans and budgets to approve"),
        count=selectors.fee_plans_waiting_for_director().count(),
        url=reverse("finance:list_fee_plans") + "?status=submitted",
    )


def _fee_plans_returned(user) -> Card:
    return Card(
        label=_("Fee plans returned by the director"),
        count=selectors.fee_plans_returned().count(),
        url=reverse("finance:list_fee_plans") + "?status=returned",
    )


def _expenses_to_sign(user) -> Card:
    return Card(
        label=_("Expense requests to sign"),
        count=selectors.expenses_waiting_signature().count(),
        url=reverse("finance:list_expenses") + "?status=submitted",
        hint=" ".join(selectors.expenses_waiting_reasons()),
    )


def _refunds_to_approve(user) -> Card:
    return Card(
        label=_("Refunds to approve"),
        # the list shows applications: one with two refunds waiting is one row
        count=selectors.refunds_waiting_for_director().values("application_id").distinct().count(),
        url=reverse("finance:list_dues") + "?paid=refund",
    )


def _expenses_waiting_for_director(user) -> Card:
    reasons = selectors.expenses_waiting_reasons()
    return Card(
        label=_("Expense requests waiting for the director's signature"),
        count=selectors.expenses_waiting_signature().count(),
        url=reverse("finance:list_expenses") + "?status=submitted",
        hint=" ".join(reasons) or _("None is booked before the director signs it."),
    )


def _expenses_to_book(user) -> Card:
    return Card(
        label=_("Signed expenses to book"),
        count=selectors.expenses_to_book().count(),
        url=reverse("finance:list_expenses") + "?status=signed",
    )


def _applicants_unpaid(user) -> Card:
    return Card(
        label=_("Applicants who have not paid their fee"),
        count=selectors.dues_unpaid(selectors.application_dues(actor=user)).count(),
        url=reverse("finance:list_dues") + "?paid=no",
    )


def register() -> None:
    portal.cards_add(
        Role.DIRECTOR, _fee_plans_to_approve, _expenses_to_sign, _refunds_to_approve, order=ORDER
    )
    portal.cards_add(Role.CLERK, _fee_plans_returned, order=ORDER)
    portal.cards_add(
        Role.FINANCE, _expenses_to_book, _expenses_waiting_for_director, _applicants_unpaid, order=ORDER
    )
    portal.menu_add(
        NavItem(_("Fees"), "finance:list_dues", BOOKS_ROLES, Area.FINANCE),
        NavItem(_("Fee plans and budgets"), "finance:list_fee_plans", BOOKS_ROLES, Area.FINANCE),
        NavItem(_("Expenses"), "finance:list_expenses", STAFF_ROLES, Area.FINANCE),
        NavItem(_("Books"), "finance:view_books", BOOKS_ROLES, Area.FINANCE),
        NavItem(_("Finance reports"), "finance:view_reports", BOOKS_ROLES, Area.FINANCE),
        order=ORDER,
    )
