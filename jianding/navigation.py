"""The navigation: each entry names the roles that may open it.

The layout shows a user only the entries of his roles; the permission-matrix
test checks that every entry opens for each role it names.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jianding.roles import Role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[Role, ...]


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Dashboard"), "dashboard", tuple(Role)),
    NavItem(_("Staff accounts"), "accounts:list_staff", (Role.DIRECTOR,)),
)


def nav_items_for(user) -> list[NavItem]:
    """Return the entries ``user`` may open, in menu order."""
    names = user_roles(user)
    return [item for item in NAV_ITEMS if any(role.value in names for role in item.roles)]


def navigation(request):
    """Template context processor: the menu of the signed-in user."""
    items = nav_items_for(request.user)
    current = request.resolver_match.view_name if request.resolver_match else None
    return {
        "nav_items": [
            {"label": item.label, "url": reverse(item.url_name), "active": item.url_name == current}
            for item in items
        ]
    }
