"""What waits for each role, shown as counts on its dashboard.

Each later app adds its cards here through its selectors: a card is a count of
things that wait for the user, with the page where they are handled.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jianding import staff
from jianding.roles import Role, primary_role


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


CARDS: dict[Role, tuple[Callable[..., Card | None], ...]] = {
    Role.DIRECTOR: (_accounts_not_taken_over,),
}


def dashboard_cards(user) -> tuple[Role | None, list[Card]]:
    """Return the user's main role and the cards of what waits for him."""
    role = primary_role(user)
    if role is None:
        return None, []
    cards = [card(user) for card in CARDS.get(role, ())]
    return role, [card for card in cards if card is not None]
