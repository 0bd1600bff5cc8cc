"""The one role check of every view, and its twin for services.

Anonymous users never reach a view (``LoginRequiredMiddleware``); a signed-in
user without one of the roles gets 403. Which objects a role may see is the
queryset's business, so an object outside it is a 404 there.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from jianding.roles import Role, has_role


def role_required(*roles: Role):
    """Allow the view only to users holding one of ``roles``."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator


def require_role(actor, *roles: Role) -> None:
    """Raise PermissionDenied unless ``actor`` holds one of ``roles``; for services."""
    if not has_role(actor, *roles):
        raise PermissionDenied
