"""Calendar arithmetic and TIMEX3 value formatting for the time-expression tagger.

Weeks are ISO 8601 weeks (Monday first), as TimeML values use them ("2024-W28").

Every date computed from text or from an anchor goes through these helpers: they keep to the
calendar ``datetime.date`` can hold (years 1 to 9999) and answer ``None`` when a result would
fall outside it ("7000 years ago" in 2024, "tomorrow" on 9999-12-31), never raising. They do
their arithmetic on Python ints (day ordinals, month indexes), so a count of any size costs
nothing and cannot overflow: ``timedelta`` and ``date.replace`` are not used for it.
"""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = [
    "add_days",
    "add_months",
    "bounded_year",
    "day_value",
    "easter",
    "iso_week_date",
    "make_date",
    "month_value",
    "nth_weekday",
    "quarter_of",
    "shift_months",
    "week_value",
    "weekday_near",
    "year_value",
]

_MAX_ORDINAL = dt.date.max.toordinal()


def bounded_year(year: int) -> int | None:
    """``year`` if a date can carry it (1 to 9999), else None."""
    return year if dt.MINYEAR <= year <= dt.MAXYEAR else None


def make_date(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None if there is no such day (year 0, 30 February, month 13)."""
    if bounded_year(year) is None or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if day > calendar.monthrange(year, month)[1]:
        return None
    return dt.date(year, month, day)


def add_days(d: dt.date, days: int) -> dt.date | None:
    """``d`` moved by ``days`` (any size), or None past either end of the calendar."""
    ordinal = d.toordinal() + days
    return dt.date.fromordinal(ordinal) if 1 <= ordinal <= _MAX_ORDINAL else None


def iso_week_date(year: int, week: int, weekday: int) -> dt.date | None:
    """The day of an ISO week (``weekday`` 1 = Monday), None if the week or the day is off the
    calendar ("9999-W52" ends on 10000-01-02, "2021-W53" does not exist)."""
    if bounded_year(year) is None or not 1 <= week <= 53 or not 1 <= weekday <= 7:
        return None
    # ISO week 1 is the week with the year's 4 January in it.
    jan4 = dt.date(year, 1, 4)
    if week == 53 and dt.date(year, 12, 28).isocalendar().week != 53:
        return None
    return add_days(jan4, 7 * (week - 1) + (weekday - 1) - jan4.weekday())


def day_value(d: dt.date) -> str:
    return d.isoformat()


def month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def year_value(year: int) -> str | None:
    """``YYYY`` for a year on the calendar, else None."""
    return None if bounded_year(year) is None else f"{year:04d}"


def week_value(d: dt.date) -> str:
    # Always within 0001..9999: 0001-01-01 is a Monday and 9999-12-31 a Friday, so no day of
    # the calendar belongs to an ISO year 0 or 10000.
    iso = d.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def shift_months(year: int, month: int, delta: int) -> tuple[int, int] | None:
    """(year, month) moved by ``delta`` months, None off the calendar."""
    index = year * 12 + (month - 1) + delta
    y = bounded_year(index // 12)
    return None if y is None else (y, index % 12 + 1)


def add_months(d: dt.date, delta: int) -> dt.date | None:
    """``d`` moved by whole months, clamping the day to the target month's length; None off
    the calendar."""
    ym = shift_months(d.year, d.month, delta)
    if ym is None:
        return None
    y, m = ym
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def weekday_near(anchor: dt.date, weekday: int, direction: int) -> dt.date | None:
    """The ``weekday`` (Monday=0) nearest to ``anchor`` in ``direction``.

    ``direction`` -1 gives the most recent one strictly before the anchor, +1 the next one strictly
    after it, 0 the anchor itself when it falls on that weekday and otherwise the closest one.
    None if that day is off the calendar.
    """
    diff = (weekday - anchor.weekday()) % 7
    if direction > 0:
        return add_days(anchor, diff or 7)
    if direction < 0:
        return add_days(anchor, -((7 - diff) % 7 or 7))
    if diff == 0:
        return anchor
    return add_days(anchor, diff) if diff <= 3 else add_days(anchor, diff - 7)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date | None:
    """The ``n``-th ``weekday`` of a month; ``n`` = -1 is the last one. None off the calendar."""
    if bounded_year(year) is None:
        return None
    if n > 0:
        first = dt.date(year, month, 1)
        return add_days(first, (weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return add_days(last, -((last.weekday() - weekday) % 7))


def easter(year: int) -> dt.date | None:
    """Western Easter Sunday (anonymous Gregorian algorithm); None off the calendar."""
    if bounded_year(year) is None:
        return None
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
