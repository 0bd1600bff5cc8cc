"""What notifications adds to the portal: the card of messages that reached no one.

Registered in ``jianding.portal`` from ``NotificationsConfig.ready()``.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jianding import portal
from jianding.portal import Card
from jianding.roles import Role
from notifications import selectors

ORDER = 15


def _undelivered(user) -> Card | None:
    count = selectors.undelivered_list().count()
    if not count:
        return None
    return Card(
        label=_("Messages no channel delivered"),
        count=count,
        url=reverse("notifications:list_undelivered"),
        hint=_("Neither e-mail nor text message reached these people: tell them another way."),
    )


def register() -> None:
    portal.cards_add(Role.DIRECTOR, _undelivered, order=ORDER)
    portal.cards_add(Role.CLERK, _undelivered, order=ORDER)
