"""The address of the person behind a request, and how often one address may act on public forms."""

import datetime
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone


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


def address_limit_reached(
    rows: QuerySet, *, at_field: str, limits: Iterable[tuple[datetime.timedelta, int]]
) -> int | None:
    """Return how many of ``rows`` (one address's) fall in the first window whose limit they reach.

    ``limits`` pairs a window with the most rows it may hold, e.g. 3 an hour
    and 10 a day. None when every window has room; 0 when a window allows
    none, so compare with None. Counted inside the transaction that inserts
    the next row, a burst is serialised on SQLite; on PostgreSQL a burst from
    one address may slip one or two past the limit.
    """
    now = timezone.now()
    for window, limit in limits:
        count = rows.filter(**{f"{at_field}__gte": now - window}).count()
        if count >= limit:
            return count
    return None
