"""The center's clock: every date and time a person reads is in its time zone (``TIME_ZONE``).

The database holds aware datetimes in UTC. Templates convert them by themselves
(``|date``, ``|time``); text built in Python (an object's name, a spreadsheet
cell, a message) goes through ``local_text`` instead of formatting the UTC value.
"""

import datetime

from django.utils import timezone


def local_text(moment: datetime.datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """Format the aware ``moment`` as the center's wall clock showed it."""
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime(pattern)
