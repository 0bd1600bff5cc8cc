import ipaddress
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jianding.client import client_ip
from jianding.roles import Role, has_role
from jianding.second_factor import second_factor_enrolled, second_factor_required

SESSION_STARTED, SESSION_SEEN = "jianding_started", "jianding_seen"
SEEN_RESOLUTION = 60  # seconds


class _ViewGate:
    """A middleware that decides in ``process_view`` whether the view may run; the rest passes through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


# Pages a user with a password someone else chose may still open.
_ALLOWED_URL_NAMES = {
    "password_change",
    "password_change_done",
    "logout",
    "set_language",
    "two_factor_setup",
    "two_factor_verify",
}


class PasswordChangeRequiredMiddleware(_ViewGate):
    """Send a user whose password was set by someone else to change it first."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and user.must_change_password):
            return None
        if request.resolver_match and request.resolver_match.url_name in _ALLOWED_URL_NAMES:
            return None
        return redirect(reverse("password_change"))


def session_clock_start(sender, request, user, **kwargs):
    """On sign-in (user_logged_in): the session's clock starts."""
    now = int(time.time())
    request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = now


class StaffSessionTimeoutMiddleware:
    """End a staff session after STAFF_IDLE_MINUTES without a request, and STAFF_SESSION_HOURS after sign-in.

    Examiners share tablets and clerks leave desks: a session left open must
    not outlive its owner's attention. Applicants keep Django's session age.
    The time seen is written at most once a minute, not on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not has_role(user, Role.APPLICANT):
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            if (
                now - seen > settings.STAFF_IDLE_MINUTES * 60
                or now - started > settings.STAFF_SESSION_HOURS * 3600
            ):
                logout(request)
                messages.info(request, _("You were signed out after a while away; sign in again."))
                return redirect_to_login(request.get_full_path())
            if SESSION_STARTED not in request.session or now - seen >= SEEN_RESOLUTION:
                request.session[SESSION_STARTED], request.session[SESSION_SEEN] = started, now
        return self.get_response(request)


# Pages a user who has signed in with his password but not yet his second factor may open.
_BEFORE_SECOND_FACTOR = {"two_factor_setup", "two_factor_verify", "logout", "set_language", "healthz"}


def _second_factor_first(request):
    """Send the user to type his second factor (or enrol one), then back to this page."""
    target = "two_factor_verify" if second_factor_enrolled(request.user) else "two_factor_setup"
    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class SecondFactorRequiredMiddleware(_ViewGate):
    """After the password, staff of SECOND_FACTOR_ROLES verify a second factor (or enrol one) first."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified() or not second_factor_required(user):
            return None
        match = request.resolver_match
        if match and (match.url_name in _BEFORE_SECOND_FACTOR or match.namespace == "public"):
            return None
        return _second_factor_first(request)


class AdminGateMiddleware(_ViewGate):
    """Django's admin: 404 unless ADMIN_ENABLED and the address is in ADMIN_ALLOWED_NETWORKS.

    Its staff users (superusers hold no portal role) verify a second factor
    before any admin page but the password form.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.app_name != "admin":
            return None
        if not settings.ADMIN_ENABLED or not _address_allowed(client_ip(request)):
            raise Http404
        user = request.user
        if user.is_authenticated and user.is_staff and not user.is_verified() and match.url_name != "login":
            return _second_factor_first(request)
        return None


def _address_allowed(address: str) -> bool:
    networks = settings.ADMIN_ALLOWED_NETWORKS
    return not networks or any(ipaddress.ip_address(address) in network for network in networks)


class MethodNotAllowedPageMiddleware:
    """Give a 405 (a GET of a POST-only step, say) the portal's page instead of an empty body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        # Filled in place: the headers inner middleware set (X-Frame-Options, Allow) stay.
        page = render(request, "405.html")
        response.content = page.content
        response["Content-Type"] = page["Content-Type"]
        return response
