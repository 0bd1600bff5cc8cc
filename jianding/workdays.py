"""Working days in mainland China: weekends and public holidays off, the swapped weekend days on.

The official calendar comes from ``chinese-calendar``, which knows each year
once the State Council has published its holidays (usually in November for the
next year). For a year it does not know yet, weekends alone are taken off, and
``calendar_known`` lets a page say so.
"""

import datetime

import chinese_calendar

SATURDAY = 5


def calendar_known(day: datetime.date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < SATURDAY


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``day`` (``day`` itself not counted)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        count -= is_working_day(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
    sign, (low, high) = (1, (start, end)) if start <= end else (-1, (end, start))
    return sign * sum(
        is_working_day(low + datetime.timedelta(days=n)) for n in range(1, (high - low).days + 1)
    )
