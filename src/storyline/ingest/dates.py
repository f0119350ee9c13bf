"""Absolute publication dates as written in metadata and datelines."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from storyline.analyse.lang.words import MONTHS

__all__ = ["DATELINE", "normalise_date", "parse_written_date"]

_MONTHS = MONTHS
_MONTH = r"(?P<monthN>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
_DAY = r"(?P<dayN>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<yearN>(?:19|20)\d\d)"
_TIME = r"(?:[,\s]+(?:at\s+)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?)?"
_DMY = rf"{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}".replace("N>", "1>")
_MDY = rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}".replace("N>", "2>")
_ISO = r"(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)"
_PREFIX = r"(?:(?:Published|Posted|Updated|Last updated|First published|Date)\s*:?\s*(?:on\s+)?)?"

DATELINE = re.compile(
    rf"^\s*{_PREFIX}(?:{_DMY}|{_MDY}|{_ISO}){_TIME}\s*(?:\|.*)?$",
    re.IGNORECASE,
)
"""A line that is nothing but a (publication) date, possibly with a weekday, time and zone."""

_WRITTEN = re.compile(rf"(?:{_DMY}|{_MDY}|{_ISO})", re.IGNORECASE)


def _to_iso(m: re.Match[str]) -> str | None:
    if m.group("iso"):
        return _valid(m.group("iso"))
    n = "1" if m.group("month1") else "2"
    month = _MONTHS.get(m.group("month" + n).lower().rstrip("."))
    if month is None:
        return None
    try:
        return date(int(m.group("year" + n)), month, int(m.group("day" + n))).isoformat()
    except ValueError:
        return None


def _valid(iso: str) -> str | None:
    try:
        return date.fromisoformat(iso).isoformat()
    except ValueError:
        return None


def parse_written_date(text: str) -> str | None:
    """The first full date written in ``text`` ('Thursday 24 October 2024', 'Oct 24, 2024'),
    as YYYY-MM-DD."""
    m = _WRITTEN.search(text)
    return _to_iso(m) if m else None


def normalise_date(value: object) -> str | None:
    """A metadata date (ISO string, ISO datetime, epoch seconds, or a written date) as
    YYYY-MM-DD; None when it is not a date."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", s):
        return _valid(s[:10])
    if re.match(r"^\d{4}\d{2}\d{2}$", s):
        return _valid(f"{s[:4]}-{s[4:6]}-{s[6:]}")
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    return parse_written_date(s)
