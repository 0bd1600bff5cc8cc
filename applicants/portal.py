"""What applicants adds to the portal: its dashboard cards and its menu entries.

Registered in ``jianding.portal`` from ``ApplicantsConfig.ready()``.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applicants import selectors
from applicants.models import Applicant
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


def _profile_to_complete(user) -> Card | None:
    """The fields a new applicant fills in before he may apply; none once his profile is complete."""
    applicant = Applicant.objects.filter(user=user).first()
    missing = selectors.applicant_profile_missing(applicant=applicant) if applicant else []
    if not missing:
        return None
    return Card(
        label=_("Profile fields to complete"),
        count=len(missing),
        url=reverse("applicants:edit_profile"),
        hint=_("Fill in %(fields)s before you apply.") % {"fields": "、".join(missing)},
    )


def _phone_to_verify(user) -> Card | None:
    """Verifying the phone, until he has: only then do the center's text messages reach him."""
    if user.phone_verified_at is not None:
        return None
    return Card(
        label=_("Phone to verify"),
        count=1,
        url=reverse("applicants:verify_phone"),
        hint=_("Type the code texted to it, and the center's text messages reach you."),
    )


def _batches_to_apply(user) -> Card | None:
    """The batches open for registration he has not applied to: the one's apply page, else the list."""
    batches = [row.batch for row in selectors.open_batches(actor=user) if row.application is None]
    if not batches:
        return None
    return Card(
        label=_("Batches open for registration"),
        count=len(batches),
        url=reverse("applicants:create_application", args=[batches[0].pk])
        if len(batches) == 1
        else reverse("applicants:my_applications") + "#open-batches",
        hint=_("Apply before registration closes."),
    )


def register() -> None:
    portal.cards_add(Role.CLERK, _applications_to_review, order=ORDER)
    portal.cards_add(Role.EXAM_STAFF, _applications_to_review, order=ORDER)
    portal.cards_add(
        Role.APPLICANT,
        _profile_to_complete,
        _phone_to_verify,
        _applications_returned,
        _batches_to_apply,
        order=ORDER,
    )
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
