"""The one way each view gets a message: a message is its recipient's alone (404 for anyone else)."""

from django.shortcuts import get_object_or_404

from jianding.permissions import object_access
from notifications import selectors
from notifications.models import Message


@object_access("notifications:open_message")
def message_for(user, pk) -> Message:
    return get_object_or_404(selectors.message_list(actor=user), pk=pk)
