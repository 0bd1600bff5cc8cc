"""The navigation: each entry names the roles that may open it.

The layout shows a user only the entries of his roles; the permission-matrix
test checks that every entry opens for each role it names.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jianding.roles import (
    BATCH_VIEWER_ROLES,
    BOOKS_ROLES,
    CATALOGUE_ROLES,
    MANAGEMENT_ROLES,
    REVIEWER_ROLES,
    STAFF_ROLES,
    Role,
    user_roles,
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[Role, ...]


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Dashboard"), "dashboard", tuple(Role)),
    NavItem(_("My applications"), "applicants:my_applications", (Role.APPLICANT,)),
    NavItem(_("My profile"), "applicants:edit_profile", (Role.APPLICANT,)),
    NavItem(_("Applications"), "applicants:list_applications", REVIEWER_ROLES),
    NavItem(_("Declarations"), "applicants:list_declarations", REVIEWER_ROLES),
    NavItem(_("Invitations"), "applicants:list_invitations", (Role.CLERK, Role.EXAM_STAFF)),
    NavItem(_("Annual plans"), "exams:list_plans", MANAGEMENT_ROLES),
    NavItem(_("Batches"), "exams:list_batches", BATCH_VIEWER_ROLES),
    NavItem(_("Occupations"), "exams:list_occupations", CATALOGUE_ROLES),
    NavItem(_("Exam rooms"), "exams:list_rooms", CATALOGUE_ROLES),
    NavItem(_("My duties"), "exams:my_duties", (Role.PROCTOR,)),
    NavItem(_("Proctors' absences"), "exams:list_absences", (Role.EXAM_STAFF, Role.EXAMINER)),
    NavItem(_("Examiners"), "exams:list_examiners", CATALOGUE_ROLES),
    NavItem(_("My qualification"), "exams:my_examiner", (Role.EXAMINER,)),
    NavItem(_("My score sheets"), "exams:my_scoring", (Role.EXAMINER,)),
    NavItem(_("Scoring standards"), "exams:list_standards", CATALOGUE_ROLES),
    NavItem(_("Question banks"), "exams:list_banks", (*CATALOGUE_ROLES, Role.APPLICANT)),
    NavItem(_("Statistics"), "exams:view_statistics", MANAGEMENT_ROLES),
    NavItem(_("Results statistics"), "exams:result_statistics", CATALOGUE_ROLES),
    NavItem(_("Fees"), "finance:list_dues", BOOKS_ROLES),
    NavItem(_("Fee plans and budgets"), "finance:list_fee_plans", BOOKS_ROLES),
    NavItem(_("Expenses"), "finance:list_expenses", STAFF_ROLES),
    NavItem(_("Books"), "finance:view_books", BOOKS_ROLES),
    NavItem(_("Finance reports"), "finance:view_reports", BOOKS_ROLES),
    NavItem(_("Notices"), "outreach:list_notices", (Role.CLERK,)),
    NavItem(_("Consultations"), "outreach:list_consultations", (Role.CLERK,)),
    NavItem(_("Staff accounts"), "accounts:list_staff", (Role.DIRECTOR,)),
    NavItem(_("Audit"), "audit_changes", (Role.DIRECTOR,)),
)
# What visitors who have not signed in see.
PUBLIC_NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Open batches"), "public:home", ()),
    NavItem(_("Notices"), "public:list_notices", ()),
    NavItem(_("Consultation"), "public:consult", ()),
    NavItem(_("Publicity"), "public:publicity", ()),
    NavItem(_("Sign in"), "login", ()),
)


def nav_items_for(user) -> list[NavItem]:
    """Return the entries ``user`` may open, in menu order."""
    names = user_roles(user)
    return [item for item in NAV_ITEMS if any(role.value in names for role in item.roles)]


def navigation(request):
    """Template context processor: the menu of the signed-in user."""
    # No user when a middleware refused the request before authentication (a bad Host header).
    user = getattr(request, "user", None)
    items = nav_items_for(user) if user is not None and user.is_authenticated else PUBLIC_NAV_ITEMS
    current = request.resolver_match.view_name if request.resolver_match else None
    return {
        "nav_items": [
            {"label": item.label, "url": reverse(item.url_name), "active": item.url_name == current}
            for item in items
        ]
    }
