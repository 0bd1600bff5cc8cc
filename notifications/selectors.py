"""Reads of messages and choices: the bell's count, a person's messages, what reached no one."""

from django.db.models import QuerySet

from notifications.kinds import Channel, kinds_offered
from notifications.models import Message, Preference


def unread_count(*, user) -> int:
    """The number under the bell: one query."""
    return Message.objects.visible_to(user).unread().count()


def message_list(*, actor) -> QuerySet[Message]:
    return Message.objects.visible_to(actor)


def undelivered_list() -> QuerySet[Message]:
    """The messages no channel delivered, for the director and the clerks to pass on by hand."""
    return Message.objects.undelivered().select_related("recipient")


def preferences_of(*, user) -> dict[str, set[str]]:
    """The channels ``user`` chose for each kind he may choose for (all of them unless he chose)."""
    chosen = {
        preference.kind: {channel for channel in Channel if getattr(preference, channel)}
        for preference in Preference.objects.filter(user=user)
    }
    return {kind: chosen.get(kind, set(Channel)) for kind in kinds_offered(user)}
