"""What applicants adds to the portal: its dashboard cards and its menu entries.

Registered in ``jianding.portal`` from ``ApplicantsConfig.ready()``.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applicants import selectors
from jianding import portal
from jianding.portal import Area, Card, NavItem
from jianding.roles import REVIEWER_ROLES, Role

ORDER = 20


def _applications_to_review(user) -> Card:
    return Card(
        label=_("Applications to review"),
        count=selectors.applications_waiting_review().count(),
        url=reverse("applicants:list_applications") + "?status=submitted",
    )


def _applications_returned(user) -> Card:
    return Card(
        label=_("My applications to correct"),
        count=selectors.applications_returned(actor=user).count(),
        url=reverse("applicants:my_applications") + "?status=returned",
    )


def register() -> None:
    portal.cards_add(Role.CLERK, _applications_to_review, order=ORDER)
    portal.cards_add(Role.EXAM_STAFF, _applications_to_review, order=ORDER)
    portal.cards_add(Role.APPLICANT, _applications_returned, order=ORDER)
    portal.menu_add(
        NavItem(_("My applications"), "applicants:my_applications", (Role.APPLICANT,), Area.REGISTRATION),
        NavItem(_("My profile"), "applicants:edit_profile", (Role.APPLICANT,), Area.REGISTRATION),
        NavItem(_("Applications"), "applicants:list_applications", REVIEWER_ROLES, Area.REGISTRATION),
        NavItem(_("Declarations"), "applicants:list_declarations", REVIEWER_ROLES, Area.REGISTRATION),
        NavItem(
            _("Invitations"), "applicants:list_invitations", (Role.CLERK, Role.EXAM_STAFF), Area.REGISTRATION
        ),
        order=ORDER,
    )
