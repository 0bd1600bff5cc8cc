from django.shortcuts import redirect
from django.urls import reverse

# Pages a user with a password someone else chose may still open.
_ALLOWED_URL_NAMES = {"password_change", "password_change_done", "logout", "set_language"}


class PasswordChangeRequiredMiddleware:
    """Send a user whose password was set by someone else to change it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and user.must_change_password):
            return None
        if request.resolver_match and request.resolver_match.url_name in _ALLOWED_URL_NAMES:
            return None
        return redirect(reverse("password_change"))
