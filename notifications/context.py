"""Template context processor: the number of unread messages under the bell, on every page."""

from notifications.selectors import unread_count


def unread_messages(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: the template counts (one query) only where it shows the bell.
    return {"unread_messages": lambda: unread_count(user=user)}
