"""The center's clock: every date and time a person reads is in its time zone (``TIME_ZONE``).

The database holds aware datetimes in UTC. Templates convert them by themselves
(``|date``, ``|time``); text built in Python (an object's name, a spreadsheet
cell, a message) goes through ``local_text``, and a spreadsheet's datetime
cells through ``local_wall_clock``, instead of using the UTC value.
"""

import datetime

from django.utils import timezone


def local_wall_clock(moment: datetime.datetime) -> datetime.datetime:
    """Return the aware ``moment`` as the center's wall clock showed it, without a time zone."""
    return timezone.make_naive(moment, timezone.get_default_timezone())


def local_text(moment: datetime.datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """Format the aware ``moment`` as the center's wall clock showed it."""
    return local_wall_clock(moment).strftime(pattern)
