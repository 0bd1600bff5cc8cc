"""jianding's own menu entries, and the context processor that renders the menu.

The entries of the apps come from ``jianding.portal``, where each app registers
them; the permission-matrix test checks that every entry opens for each role it names.
The signed-in menu shows one menu per area (an area of one entry stays a plain link),
so that the bar of a person of many roles fits one line; visitors get a plain list.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jianding import portal
from jianding.portal import Area, NavItem
from jianding.roles import Role


@dataclass(frozen=True)
class MenuLink:
    """An entry as rendered: ``current`` on its own page, ``active`` there and on the pages under it."""

    label: str
    url: str
    current: bool = False
    active: bool = False


@dataclass(frozen=True)
class MenuGroup:
    """The entries of one area, shown as one menu; ``active`` when one of them is."""

    area: Area
    links: tuple[MenuLink, ...]

    @property
    def label(self) -> str:
        return self.area.label

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)


def register() -> None:
    portal.menu_add(NavItem(_("Dashboard"), "dashboard", tuple(Role), None), order=10)
    portal.menu_add(
        NavItem(_("Notices"), "outreach:list_notices", (Role.CLERK,), Area.PUBLICITY),
        NavItem(_("Consultations"), "outreach:list_consultations", (Role.CLERK,), Area.PUBLICITY),
        NavItem(_("Staff accounts"), "accounts:list_staff", (Role.DIRECTOR,), Area.SYSTEM),
        NavItem(_("Audit"), "audit_changes", (Role.DIRECTOR,), Area.SYSTEM),
        order=50,
    )
    # What visitors who have not signed in see; the sign-in button stands beside the menu.
    portal.public_menu_add(
        NavItem(_("Home"), "dashboard", (), None),
        NavItem(_("Notices"), "public:list_notices", (), Area.PUBLICITY),
        NavItem(_("Consultation"), "public:consult", (), Area.PUBLICITY),
        order=10,
    )


def menu_links(items: list[NavItem], path: str) -> list[tuple[NavItem, MenuLink]]:
    """Each entry with its link; the one whose address is the longest start of ``path`` is active
    (the home ``/`` only on itself), and current when its address is ``path``."""
    urls = [reverse(item.url_name) for item in items]
    under = [url for url in urls if url == path or (url != "/" and path.startswith(url))]
    active = max(under, key=len, default=None)
    return [
        (item, MenuLink(item.label, url, current=url == path, active=url == active))
        for item, url in zip(items, urls, strict=True)
    ]


def menu_groups(items: list[NavItem], path: str) -> list[MenuLink | MenuGroup]:
    """The signed-in menu: the entries of no area, then one menu per area in the order of ``Area``
    (a plain link where the area has one entry)."""
    links = menu_links(items, path)
    menu: list[MenuLink | MenuGroup] = [link for item, link in links if item.area is None]
    for area in Area:
        in_area = tuple(link for item, link in links if item.area == area)
        if len(in_area) == 1:
            menu.append(in_area[0])
        elif in_area:
            menu.append(MenuGroup(area, in_area))
    return menu


def navigation(request):
    """Template context processor: the menu, grouped by area for a signed-in user."""
    # No user when a middleware refused the request before authentication (a bad Host header).
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"nav": menu_groups(portal.menu_for(user), request.path)}
    return {"nav": [link for _item, link in menu_links(portal.public_menu(), request.path)]}
