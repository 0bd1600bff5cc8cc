"""The address of the person behind a request, the one place that decides it."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """Return the client's address; behind the proxy, the hop it appended to X-Forwarded-For.

    Only the last hop is the proxy's own statement; earlier ones are whatever
    the client sent. An address that does not parse counts as "0.0.0.0", so it
    shares one rate-limit bucket instead of escaping the limits.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return "0.0.0.0"  # noqa: S104 # nosec B104 # a bucket for unknown addresses, not a bind address
