"""Calendar arithmetic and TIMEX3 value formatting for the time-expression tagger.

Weeks are ISO 8601 weeks (Monday first), as TimeML values use them ("2024-W28").
"""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = [
    "add_months",
    "day_value",
    "easter",
    "month_value",
    "nth_weekday",
    "quarter_of",
    "shift_months",
    "week_value",
    "weekday_near",
]


def day_value(d: dt.date) -> str:
    return d.isoformat()


def month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def week_value(d: dt.date) -> str:
    iso = d.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) moved by ``delta`` months."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def add_months(d: dt.date, delta: int) -> dt.date:
    """``d`` moved by whole months, clamping the day to the target month's length."""
    y, m = shift_months(d.year, d.month, delta)
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def weekday_near(anchor: dt.date, weekday: int, direction: int) -> dt.date:
    """The ``weekday`` (Monday=0) nearest to ``anchor`` in ``direction``.

    ``direction`` -1 gives the most recent one strictly before the anchor, +1 the next one strictly
    after it, 0 the anchor itself when it falls on that weekday and otherwise the closest one.
    """
    diff = (weekday - anchor.weekday()) % 7
    if direction > 0:
        return anchor + dt.timedelta(days=diff or 7)
    if direction < 0:
        return anchor - dt.timedelta(days=(7 - diff) % 7 or 7)
    if diff == 0:
        return anchor
    return anchor + dt.timedelta(days=diff) if diff <= 3 else anchor - dt.timedelta(days=7 - diff)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The ``n``-th ``weekday`` of a month; ``n`` = -1 is the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)
