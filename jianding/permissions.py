"""The one role check of every view, its twin for services, and the register of object access.

Anonymous users never reach a view (``LoginRequiredMiddleware``); a signed-in
user without one of the roles gets 403. Which objects a role may see is the
queryset's business, so an object outside it is a 404 there: each app's
``abilities`` module holds one ``<object>_for(user, pk)`` helper per object
type, registered here with ``object_access`` under the URL names whose views
get their object through it. The permission matrix reads ``OBJECT_ACCESS``, so
a view that takes an object's key without a helper fails the suite.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

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


# URL name → the helper its view gets its object through; filled as the apps' abilities load.
OBJECT_ACCESS: dict[str, Callable] = {}


def object_access(*url_names: str):
    """Register the decorated helper as the one way the views of ``url_names`` get their object."""

    def register(helper):
        for name in url_names:
            if name in OBJECT_ACCESS:
                raise ImproperlyConfigured(f"{name} already gets its object through {OBJECT_ACCESS[name]}")
            OBJECT_ACCESS[name] = helper
        return helper

    return register
