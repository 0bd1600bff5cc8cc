"""jianding's own menu entries, and the context processor that renders the menu.

The entries of the apps come from ``jianding.portal``, where each app registers
them; the permission-matrix test checks that every entry opens for each role it names.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jianding import portal
from jianding.portal import Area, NavItem
from jianding.roles import Role


def register() -> None:
    portal.menu_add(NavItem(_("Dashboard"), "dashboard", tuple(Role), Area.SYSTEM), order=10)
    portal.menu_add(
        NavItem(_("Notices"), "outreach:list_notices", (Role.CLERK,), Area.PUBLICITY),
        NavItem(_("Consultations"), "outreach:list_consultations", (Role.CLERK,), Area.PUBLICITY),
        NavItem(_("Staff accounts"), "accounts:list_staff", (Role.DIRECTOR,), Area.SYSTEM),
        NavItem(_("Audit"), "audit_changes", (Role.DIRECTOR,), Area.SYSTEM),
        order=50,
    )
    # What visitors who have not signed in see.
    portal.public_menu_add(
        NavItem(_("Open batches"), "public:home", (), Area.REGISTRATION),
        NavItem(_("Notices"), "public:list_notices", (), Area.PUBLICITY),
        NavItem(_("Consultation"), "public:consult", (), Area.PUBLICITY),
        order=10,
    )
    portal.public_menu_add(NavItem(_("Sign in"), "login", (), Area.SYSTEM), order=90)


def navigation(request):
    """Template context processor: the menu of the signed-in user."""
    # No user when a middleware refused the request before authentication (a bad Host header).
    user = getattr(request, "user", None)
    items = portal.menu_for(user) if user is not None and user.is_authenticated else portal.public_menu()
    current = request.resolver_match.view_name if request.resolver_match else None
    return {
        "nav_items": [
            {"label": item.label, "url": reverse(item.url_name), "active": item.url_name == current}
            for item in items
        ]
    }
