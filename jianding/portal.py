"""What each app adds to the portal's shared pages: dashboard cards, menu entries, the public home.

The base names no app. Each app (and each of jianding's own features) registers
its contributions here from its ``AppConfig.ready()``; the dashboard, the menu,
the public home and the ``public:`` URL namespace are assembled from what was
registered. ``order`` places an app's contributions among the others' (lower
first: jianding's dashboard 10, applicants 20, exams 30, finance 40, jianding's
own features 50); within one ``order`` they keep the order of registration.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import count

from django.db.models import TextChoices
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _

from jianding.roles import Role, user_roles


class Area(TextChoices):
    """The parts of the center's work a menu entry belongs to."""

    REGISTRATION = "registration", _("Registration and review")
    EXAMINATIONS = "examinations", _("Examinations")
    RESULTS = "results", _("Results")
    CERTIFICATES = "certificates", _("Certificates and archive")
    FINANCE = "finance", _("Finance")
    PUBLICITY = "publicity", _("Publicity and consultation")
    SYSTEM = "system", _("System")


@dataclass(frozen=True)
class Card:
    """A count of things that wait for the user, with the page where they are handled."""

    label: str
    count: int
    url: str
    hint: str = ""


@dataclass(frozen=True)
class NavItem:
    """A menu entry: the roles that may open it (none for the public menu) and its area.

    The signed-in menu groups the entries by area; an entry of no area stands alone before them.
    """

    label: str
    url_name: str
    roles: tuple[Role, ...]
    area: Area | None


@dataclass(frozen=True)
class PublicBlock:
    """A part of the public home: its template, and the context it reads as ``block``."""

    template: str
    context: Callable[[], dict]


CardFunction = Callable[..., Card | None]


@dataclass(order=True, frozen=True)
class _Entry[T]:
    order: int
    sequence: int
    value: T = field(compare=False)


_sequence = count()
_cards: list[_Entry[tuple[Role, CardFunction]]] = []
_menu: list[_Entry[NavItem]] = []
_public_menu: list[_Entry[NavItem]] = []
_public_blocks: list[_Entry[PublicBlock]] = []
_public_urls: list[_Entry[URLPattern]] = []


def _add[T](registry: list[_Entry[T]], values: Iterable[T], order: int) -> None:
    registry.extend(_Entry(order, next(_sequence), value) for value in values)
    registry.sort()


def cards_add(role: Role, *cards: CardFunction, order: int) -> None:
    """Show each of ``cards`` (a function ``user -> Card | None``) on the dashboard of ``role``."""
    _add(_cards, ((role, card) for card in cards), order)


def menu_add(*items: NavItem, order: int) -> None:
    """Add entries to the signed-in users' menu."""
    _add(_menu, items, order)


def public_menu_add(*items: NavItem, order: int) -> None:
    """Add entries to the menu of visitors who have not signed in."""
    _add(_public_menu, items, order)


def public_blocks_add(*blocks: PublicBlock, order: int) -> None:
    """Show ``blocks`` on the public home."""
    _add(_public_blocks, blocks, order)


def public_urls_add(*patterns: URLPattern, order: int) -> None:
    """Serve ``patterns`` under ``public/``, in the ``public:`` namespace."""
    _add(_public_urls, patterns, order)


def cards_for(user) -> list[Card]:
    """The cards of all the user's roles, each once, in ``order`` then registration; none a card declines."""
    names = user_roles(user)
    functions = list(dict.fromkeys(entry.value[1] for entry in _cards if entry.value[0].value in names))
    return [card for card in (function(user) for function in functions) if card is not None]


def menu_entries() -> list[NavItem]:
    """Every entry of the signed-in users' menu, in menu order."""
    return [entry.value for entry in _menu]


def menu_for(user) -> list[NavItem]:
    """The entries ``user`` may open with any of his roles, in menu order."""
    names = user_roles(user)
    return [item for item in menu_entries() if any(role.value in names for role in item.roles)]


def public_menu() -> list[NavItem]:
    return [entry.value for entry in _public_menu]


def public_blocks() -> list[PublicBlock]:
    return [entry.value for entry in _public_blocks]


def public_urls() -> list[URLPattern]:
    return [entry.value for entry in _public_urls]
