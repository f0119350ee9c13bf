"""The grammar of the time-expression tagger: one precompiled regex per rule and a normaliser
that turns its match into a TIMEX3 type and value.

Spans follow the TimeML/TempEval-3 conventions seen in TimeBank and AQUAINT: a leading "the",
modifiers ("last", "early", "mid-", "nearly", "more than") and "ago" belong to the expression;
prepositions ("in", "on", "for", "over", "since") and a possessive "'s" do not.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from storyline.analyse.time.calendar import (
    add_days,
    add_months,
    bounded_year,
    day_value,
    easter,
    iso_week_date,
    make_date,
    month_value,
    nth_weekday,
    quarter_of,
    shift_months,
    week_value,
    weekday_near,
    year_value,
)
from storyline.analyse.time.context import Context
from storyline.analyse.time.lexicon import (
    DECADE_WORDS,
    DIGITS,
    MONTHS,
    NUMBER_WORDS,
    ORDINALS,
    PART_OF_DAY,
    SCALE_WORDS,
    SEASONS,
    TIMEZONES,
    UNITS,
    VAGUE_NUMBERS,
    WEEKDAYS,
    alternation,
    parse_number,
)

__all__ = ["RULES", "TRIGGER_WORDS", "Norm", "Rule"]

# Confidence by kind of evidence: explicit calendar dates are near-certain, anything resolved
# through the tense guess or a remembered reference date less so.
CONF_ABSOLUTE = 0.95
CONF_RELATIVE = 0.85
CONF_TENSE = 0.7
CONF_VAGUE = 0.6
# A year-less month this close to the document date resolves to the nearest reading whatever
# the tense (tense cues are noisy; news rarely means "May" eleven months away).
NEAREST_MONTHS = 2
# A year-less day this close to the document date is read in the year that keeps it close.
NEAR_DAYS = 31
# A year-less day within this many days of, and this many characters after, a date written in
# full in another year than the document's belongs to that date's year (a narrative in the
# past, a quoted letter's events): "dated June 2, 1944 ... landed in Normandy on June 6".
STORY_DAYS = 45
STORY_CHARS = 400
# Four-digit numbers read as years only inside this range (outside it they need a preposition).
YEAR_MIN, YEAR_MAX = 1800, 2099


@dataclass(frozen=True, slots=True)
class Norm:
    """A rule's reading of its match."""

    type: str
    value: str
    confidence: float
    # Narrow the span to a sub-range of the match (absolute offsets), e.g. to drop "for" or "'s".
    start: int = -1
    end: int = -1


Handler = Callable[[re.Match[str], Context], Norm | None]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    handler: Handler
    # Resolved against the last date the text mentioned, so must be re-run in document order.
    anaphoric: bool = False
    # Trigger classes (see ``TRIGGERS``): every match contains a word of one of them, so the
    # rule only needs to run near those words.
    keys: tuple[str, ...] = ()


# --------------------------------------------------------------------------- regex fragments

_FLAGS = re.IGNORECASE
_FULL_MONTHS = alternation(k for k in MONTHS if len(k) > 3 or k == "may")
_ABBR_MONTHS = alternation(k for k in MONTHS if len(k) <= 4 and k != "may")
# Full names, or abbreviations ("Oct.", "Sept") — the latter only where a day or year follows.
_MONTH_ANY = rf"(?:{_FULL_MONTHS}|{_ABBR_MONTHS}\.?)"
_WEEKDAY = alternation(WEEKDAYS)
# "million", "billion", "trillion" only close a count ("4.5 billion", "two million"): one that
# starts a count is another number's ("78 million two years ago", "several million years").
_BIG_SCALE_WORDS = tuple(w for w in SCALE_WORDS if w != "thousand")
_BIG_SCALES = alternation(_BIG_SCALE_WORDS)
_NUMW = alternation(
    k
    for k in NUMBER_WORDS
    if " " not in k and k not in ("a", "an", "dozen", "zero", *_BIG_SCALE_WORDS)
)
_NUM_WORDS = rf"{_NUMW}(?:[\s-]+(?:and\s+)?{_NUMW})*"
_NUM = (
    rf"(?:{DIGITS}(?:\.\d+)?(?:\s+1/2|\s+{_BIG_SCALES})?|{_NUM_WORDS}(?:\s+{_BIG_SCALES})?"
    rf"(?:\s+and\s+a\s+half)?|half\s+an?|a\s+(?:hundred|thousand|{_BIG_SCALES})|a\s+couple\s+of|a\s+couple|couple\s+of|a\s+few|a\s+dozen|a\s+single|a\s+number\s+of|several|few|many"
    r"|numerous|a|an)"
)
_UNIT = r"(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur(?:y|ies))"
_UNIT_S = rf"{_UNIT}s?"
_APPROX = (
    r"(?:about|around|approximately|roughly|nearly|almost|more\s+than|less\s+than|fewer\s+than"
    r"|at\s+least|at\s+most|no\s+more\s+than|no\s+less\s+than|up\s+to|over|under|some"
    r"|well\s+over|close\s+to|upwards\s+of)"
)
_ORD_WORDS = alternation(k for k in ORDINALS if k not in ("final", "last"))
_POD = r"(?:morning|afternoon|evening|night)"
_TZ = alternation(TIMEZONES)
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"

# Words before a bare year or month that make the calendar reading near-certain.
_TEMPORAL_PREPS = frozenset(
    {
        "in",
        "since",
        "until",
        "till",
        "by",
        "from",
        "of",
        "during",
        "through",
        "throughout",
        "before",
        "after",
        "to",
        "and",
        "or",
        "early",
        "late",
        "mid",
        "fiscal",
        "between",
        "last",
        "next",
        "this",
        "on",
        "for",
        "around",
        "about",
        "circa",
        "back",
    }
)
_NAME_TITLES = frozenset({"mrs", "mr", "ms", "miss", "dr", "lady", "sir", "prime", "minister"})
# Lower-case words after "May" that make it the modal verb.
_MODAL_FOLLOWERS = re.compile(
    r"\s+(?:be|have|not|well|also|still|even|never|take|make|come|go|get|need|want|seem|help"
    r"|result|lead|face|cause|prove|include|affect|soon|only|just|already|yet|i|we|you|he|she|it"
    r"|they)\b"
)
_MARCH_NOUN = re.compile(r"\s+(?:for|of|on|to|against|through|from)\b")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[\s\-]*$")
_WORD_AFTER = re.compile(r"^[\s\-]*([A-Za-z]+)")


def _word_before(ctx: Context, pos: int) -> str:
    m = _WORD_BEFORE.search(ctx.text[max(0, pos - 30) : pos])
    return m.group(1) if m else ""


def _word_after(ctx: Context, pos: int) -> str:
    m = _WORD_AFTER.match(ctx.text[pos : pos + 30])
    return m.group(1) if m else ""


def _cap(word: str) -> bool:
    return word[:1].isupper()


_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”\n(])\s*$")


def _sentence_start(ctx: Context, pos: int) -> bool:
    """Whether ``pos`` starts a sentence, line or quotation (nothing but punctuation before)."""
    return _SENTENCE_END.search(ctx.text[max(0, pos - 12) : pos]) is not None


# --------------------------------------------------------------------------- partial resolution


# A clock time may stand between a cue and its day: "until 9 a.m. EST Tuesday".
_CLOCK_BETWEEN = (
    r"(?:(?:\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?\s?m\.?|noon|midnight)(?:\s+[A-Z]{2,4})?,?\s+)?"
)
_FUTURE_CUE = re.compile(
    r"(?:\b(?:by|until|till|effective|payable|due|starting|beginning|record"
    r"|scheduled\s+for|set\s+for|planned\s+for|expected\s+(?:on|in|by)|now\s+and|as\s+(?:soon|early)"
    r"\s+as|ahead\s+of|run[\s-]+up\s+to|lead[\s-]+up\s+to|countdown\s+to|eve\s+of"
    r"|on\s+or\s+(?:before|about))\s+(?:the\s+)?(?:end\s+of\s+)?(?:early\s+|late\s+|mid-?)?"
    rf"{_CLOCK_BETWEEN})$",
    re.IGNORECASE,
)
_PAST_CUE = re.compile(
    rf"\b(?:since|last|ago|as\s+of|ended)\s+(?:early\s+|late\s+|mid-?)?{_CLOCK_BETWEEN}$",
    re.IGNORECASE,
)


# Future cues that also open past deadlines and starts ("officials knew by mid-July", "discounts
# started as early as October"): in a past-tense clause they point back.
_WEAK_FUTURE_CUE = re.compile(
    rf"\b(?:by|as\s+early\s+as|starting|beginning)\s+(?:the\s+)?(?:early\s+|late\s+|mid-?)?"
    rf"{_CLOCK_BETWEEN}$",
    re.IGNORECASE,
)


def _cue_tense(ctx: Context, start: int) -> str:
    """ "future" or "past" when a cue right before ``start`` decides, else ""."""
    before = ctx.text[max(0, start - 30) : start]
    if _PAST_CUE.search(before):
        return "past"
    if _FUTURE_CUE.search(before):
        if _WEAK_FUTURE_CUE.search(before) and ctx.tense(start, start) == "past":
            return "past"
        return "future"
    return ""


def _year_for_month(ctx: Context, month: int, day: int, start: int, end: int) -> int | None:
    """The year of a year-less "May" / "May 5", None if unknown or off the calendar.

    A cue right before it ("by", "until", "effective", "since") decides; otherwise the tense of
    the words around it picks the side of the document date, and without a tense the reading
    nearest to the document date wins.
    """
    year = _guess_year_for_month(ctx, month, day, start, end)
    return None if year is None else bounded_year(year)


# "extended to Nov. 6", "delayed until May 3": a past verb moving a deadline that may be ahead.
_DEADLINE_PREPS = frozenset({"to", "until", "till", "through", "by", "before"})


def _guess_year_for_month(ctx: Context, month: int, day: int, start: int, end: int) -> int | None:
    a = ctx.anchor
    if a is None:
        return None
    key, akey = (month, day), (a.month, a.day if day else 0)
    if key == akey or (day == 0 and month == a.month):
        return a.year
    if day:
        # A day within a month of the document date is that one, whatever the cue: "by Jan. 14"
        # in a paper of 15 January is the deadline that just passed, not next year's.
        near = _nearest_year(a, month, day)
        if near is not None:
            return near
    tense = _cue_tense(ctx, start)
    if not tense:
        tense = ctx.tense(start, end)
        # Within a couple of months of the document date the nearest reading is safer than the
        # tense guess (news mostly talks about the recent past and the near future).
        # A bare month in a clearly past-tense clause ("sales fell in May") still points back:
        # deadlines and schedules are what carry a day ("extended to Nov. 6").
        if _months_apart(month, a.month) <= NEAREST_MONTHS and (
            tense != "past" or (day and _word_before(ctx, start).lower() in _DEADLINE_PREPS)
        ):
            tense = ""
    if tense == "future" or (tense == "present" and day):
        # A day in the present tense is a schedule: "the general election is on November 5".
        return a.year if key > akey else a.year + 1
    if tense == "past":
        return a.year if key < akey else a.year - 1
    diff = (month - a.month) % 12
    if diff <= 4 or (diff == 5 and key > akey):
        return a.year + (1 if month < a.month else 0)
    return a.year - (1 if month > a.month else 0)


def _nearest_year(a: dt.date, month: int, day: int) -> int | None:
    """The year in which month/day falls within ``NEAR_DAYS`` of ``a``, if there is one."""
    for year in (a.year, a.year - 1, a.year + 1):
        d = make_date(year, month, day)
        if d is not None and abs((d - a).days) <= NEAR_DAYS:
            return year
    return None


def _months_apart(m1: int, m2: int) -> int:
    d = abs(m1 - m2) % 12
    return min(d, 12 - d)


def _weekday_date(ctx: Context, weekday: int, rel: str, start: int, end: int) -> dt.date | None:
    a = ctx.anchor
    if a is None:
        return None
    rel = " ".join(rel.lower().split())
    if rel in ("last", "this past", "the previous", "previous", "past"):
        return weekday_near(a, weekday, -1)
    if rel in ("next", "this coming", "coming", "the following", "the next"):
        return weekday_near(a, weekday, 1)
    if weekday == a.weekday():
        return a
    tense = _cue_tense(ctx, start)
    if tense:
        pass
    elif not rel and ctx.text[end : end + 2] in ("'s", "’s"):
        # "get around Wednesday's ruling": a possessive names an event the news already
        # reported; a clause's future tense is about what follows it ("ahead of" still wins).
        tense = "past"
    else:
        tense = ctx.tense(start, end)
    if rel == "this":
        if tense == "past" and weekday < a.weekday():
            return weekday_near(a, weekday, -1)
        return weekday_near(a, weekday, 1)
    if tense in ("future", "present"):
        return weekday_near(a, weekday, 1)
    return weekday_near(a, weekday, -1)


# The value of a date at each unit's granularity when the date is not known (no anchor, or
# the arithmetic left the calendar): what TimeML writes for an unresolved point.
_UNRESOLVED = {
    "day": "XXXX-XX-XX",
    "night": "XXXX-XX-XX",
    "hour": "XXXX-XX-XX",
    "minute": "XXXX-XX-XX",
    "second": "XXXX-XX-XX",
    "week": "XXXX-WXX",
    "fortnight": "XXXX-WXX",
    "weekend": "XXXX-WXX-WE",
    "month": "XXXX-XX",
    "quarter": "XXXX-QX",
    "decade": "XXX",
    "century": "XX",
}


def _unit_value(d: dt.date | None, unit: str) -> str:
    """``d`` written at the granularity of ``unit`` (its unresolved form for None)."""
    if d is None:
        return _UNRESOLVED.get(unit, "XXXX")
    if unit in ("day", "night", "hour", "minute", "second"):
        return day_value(d)
    if unit in ("week", "fortnight"):
        return week_value(d)
    if unit == "weekend":
        return week_value(d) + "-WE"
    if unit == "month":
        return month_value(d.year, d.month)
    if unit == "quarter":
        return f"{d.year:04d}-Q{quarter_of(d)}"
    if unit == "decade":
        return f"{d.year // 10:03d}"
    if unit == "century":
        return f"{d.year // 100:02d}"
    return f"{d.year:04d}"


def _shift(d: dt.date, unit: str, n: int) -> dt.date | None:
    """``d`` moved by ``n`` units, None off the calendar."""
    if unit in ("day", "night"):
        return add_days(d, n)
    if unit in ("week", "weekend"):
        return add_days(d, 7 * n)
    if unit == "fortnight":
        return add_days(d, 14 * n)
    if unit == "month":
        return add_months(d, n)
    if unit == "quarter":
        return add_months(d, 3 * n)
    if unit == "year":
        return add_months(d, 12 * n)
    if unit == "decade":
        return add_months(d, 120 * n)
    if unit == "century":
        return add_months(d, 1200 * n)
    if unit in _SECONDS:
        # Whole days only: "3 hours ago" is still the document's day, "4,000,000,000 seconds
        # ago" is 1897 (and 4e12 seconds ago is off the calendar).
        whole = abs(n) * _SECONDS[unit] // 86_400
        return add_days(d, whole if n >= 0 else -whole)
    return d


_SECONDS = {"hour": 3600, "minute": 60, "second": 1}


def _unit_key(word: str) -> str:
    w = word.lower()
    if w.startswith("centur"):
        return "century"
    return w[:-1] if w.endswith("s") and w[:-1] in UNITS else w


def _duration_value(n: float | None, unit: str) -> str:
    letter, clock = UNITS[unit]
    if n is not None:
        # A count too large to write out is "PXY"; ints come in too, float gives is_integer.
        n = None if math.isinf(n) else float(n)
    if unit == "weekend":
        letter = "D"
        n = None if n is None else n * 2
    if unit == "fortnight":
        n = None if n is None else n * 2
    if n is not None and unit in ("decade", "century"):
        n, letter = n * (10 if unit == "decade" else 100), "Y"
    if n is not None and unit == "quarter" and not n.is_integer():
        n, letter = n * 3, "M"  # "1 1/2 quarters": no half-quarter designator
    prefix = "PT" if clock else "P"
    if n is None:
        return f"{prefix}X{letter}"
    if not n.is_integer() and (n * 2).is_integer():
        # Halves are written with the next smaller unit: "2 1/2 years" is P2Y6M.
        halves = {"Y": "6M", "M": "15D", "D": "T12H", "H": "30M", "W": "3DT12H"}
        half = "30S" if clock and letter == "M" else halves.get(letter)
        if half is not None:
            whole = f"{int(n)}{letter}" if int(n) else ""
            return (
                f"{prefix}{whole}{half}"
                if not half.startswith("T") or clock
                else (f"P{whole}{half}")
            )
    return f"{prefix}{int(n)}{letter}"


# --------------------------------------------------------------------------- handlers


def _iso(m: re.Match[str], ctx: Context) -> Norm | None:
    day = make_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    if day is None:
        return None
    if m["h"]:
        clock = f"{int(m['h']):02d}:{int(m['mi']):02d}"  # ASCII, whatever digits the text uses
        return Norm("TIME", f"{day_value(day)}T{clock}", CONF_ABSOLUTE)
    return Norm("DATE", day_value(day), CONF_ABSOLUTE)


def _numeric(m: re.Match[str], ctx: Context) -> Norm | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if y < 100:
        y += 1900 if y >= 50 else 2000
    month, day = (a, b) if a <= 12 else (b, a)
    d = make_date(y, month, day)
    return None if d is None else Norm("DATE", day_value(d), CONF_RELATIVE)


def _day_number(text: str) -> int | None:
    t = text.lower()
    if t.isdigit():
        return int(t)
    return ORDINALS.get(t)


def _month_day(m: re.Match[str], ctx: Context) -> Norm | None:
    year_text = m["year"]
    if year_text and not _YEAR_RE.fullmatch(year_text) and not _far_year(m, ctx):
        # "On March 3, 2500 protesters marched": the number is a count, the date is "March 3".
        norm = _month_day_reading(m, ctx, None)
        if norm is None:
            return None
        head = ctx.text[m.start() : m.start("year")].rstrip().rstrip(",")
        return replace(norm, start=m.start(), end=m.start() + len(head))
    return _month_day_reading(m, ctx, year_text)


_YEAR_RE = re.compile(_YEAR)


def _far_year(m: re.Match[str], ctx: Context) -> bool:
    """Whether a year outside 1500-2099 after a day and month is one ("December 31, 9999")."""
    year = int(m["year"])
    after = ctx.text[m.end() : m.end() + 30]
    return (
        bounded_year(year) is not None
        and not _COUNT_NOUN_AFTER_YEAR.match(after)
        and not _NOT_A_YEAR_AFTER.match(after)
    )


def _month_day_reading(m: re.Match[str], ctx: Context, year_text: str | None) -> Norm | None:
    mon_text = m["mon"]
    if not _cap(mon_text):
        return None
    month = MONTHS[mon_text.rstrip(".").lower()]
    day = _day_number(m["day"])
    if day is None or not 1 <= day <= 31:
        return None
    if (
        mon_text.lower() == "may"
        and not year_text
        and _word_before(ctx, m.start()).lower()
        in {
            "theresa",
            *_NAME_TITLES,
        }
    ):
        return None
    rel = (m["rel"] or "").lower()
    a = ctx.anchor
    if year_text:
        year: int | None = int(year_text)
    elif a is not None and rel in ("last", "this past"):
        year = bounded_year(a.year if (month, day) < (a.month, a.day) else a.year - 1)
    elif a is not None and rel in ("next", "this coming"):
        year = bounded_year(a.year if (month, day) > (a.month, a.day) else a.year + 1)
    elif a is not None and m["wd"]:
        year = _year_matching_weekday(a, month, day, WEEKDAYS[m["wd"].lower()])
    elif (story := _story_year(ctx, month, day, m.start())) is not None:
        year = story
    else:
        year = _year_for_month(ctx, month, day, m.start(), m.end())
    if year is None:
        if make_date(2000, month, day) is None:
            return None  # no such day in any year ("Feb. 30")
        return Norm("DATE", f"XXXX-{month:02d}-{day:02d}", CONF_TENSE)
    d = make_date(year, month, day)
    if d is None:
        return None
    return Norm("DATE", day_value(d), CONF_ABSOLUTE if year_text else CONF_TENSE)


def _story_year(ctx: Context, month: int, day: int, start: int) -> int | None:
    """The year of a narrative the text has just dated in full, if this year-less day is near
    that date (within ``STORY_DAYS`` of it, at most ``STORY_CHARS`` after it)."""
    told = ctx.story_day
    if told is None or start - ctx.story_pos > STORY_CHARS:
        return None
    d = make_date(told.year, month, day)
    if d is None or abs((d - told).days) > STORY_DAYS:
        return None
    return told.year


def _day_range_end(m: re.Match[str], ctx: Context) -> Norm | None:
    """The second end of "July 17-18", "March 3–5": that day of the first end's month."""
    first = _month_day_reading(m, ctx, m["year"])
    if first is None or not _DAY_VALUE_RE.match(first.value):
        return None
    day, day2 = _day_number(m["day"]), _day_number(m["day2"])
    if day is None or day2 is None or day2 <= day:
        return None
    d = make_date(int(first.value[:4]), int(first.value[5:7]), day2)
    if d is None:
        return None
    return Norm("DATE", day_value(d), first.confidence, m.start("day2"), m.end("day2"))


def _compound_duration(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "two hours and 44 minutes", "a year and six months": one DURATION, larger unit first."""
    parts: list[tuple[str, int]] = []
    for num, unit_text in ((m["n1"], m["u1"]), (m["n2"], m["u2"])):
        if _cap(unit_text) and not unit_text.isupper():
            return None
        n = parse_number(num)
        unit = _unit_key(unit_text)
        if n is None or not float(n).is_integer() or n <= 0 or unit not in _COMPOUND_ORDER:
            return None
        parts.append((unit, int(n)))
    (u1, _), (u2, _) = parts
    if _COMPOUND_ORDER.index(u1) >= _COMPOUND_ORDER.index(u2):
        return None  # "two days and three weeks": not one length
    date, clock = "", ""
    for unit, n in parts:
        letter, is_clock = UNITS[unit]
        if is_clock:
            clock += f"{n}{letter}"
        else:
            date += f"{n}{letter}"
    return Norm("DURATION", f"P{date}{'T' + clock if clock else ''}", CONF_RELATIVE)


# Units a compound length can join, largest first.
_COMPOUND_ORDER = ("year", "month", "week", "day", "hour", "minute", "second")


def _year_matching_weekday(a: dt.date, month: int, day: int, weekday: int) -> int:
    """Of the years around the anchor, the one where month/day falls on ``weekday``."""
    best, best_gap = a.year, 10**6
    for year in (a.year, a.year - 1, a.year + 1):
        d = make_date(year, month, day)
        if d is None:
            continue
        gap = abs((d - a).days)
        if d.weekday() == weekday and gap < best_gap:
            best, best_gap = year, gap
    return best


def _week_of(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "the week of March 6": the ISO week holding that day."""
    inner = _month_day(m, ctx)
    if inner is None or not _DAY_VALUE_RE.match(inner.value):
        return None
    return Norm("DATE", week_value(dt.date.fromisoformat(inner.value)), inner.confidence)


_DAY_VALUE_RE = re.compile(r"^\d{4}-\d\d-\d\d$")
_WEEK_OF_MONTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4}


def _nth_week_of(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "the first week of May", "the last week of June 2023": the ISO week most of whose days
    are that week of the month (the one holding its 4th, 11th, ... day; the last week holds its
    fourth-last day)."""
    mon_text = m["mon"]
    if not _cap(mon_text):
        return None
    month = MONTHS[mon_text.rstrip(".").lower()]
    if m["year"]:
        year: int | None = int(m["year"])
    else:
        year = _year_for_month(ctx, month, 0, m.start(), m.end())
    if year is None:
        return Norm("DATE", "XXXX-WXX", CONF_TENSE)
    ordinal = m["ord"].lower()
    d: dt.date | None
    if ordinal in ("last", "final"):
        ym = shift_months(year, month, 1)
        following = None if ym is None else make_date(ym[0], ym[1], 1)
        d = None if following is None else add_days(following, -4)
    else:
        d = make_date(year, month, 7 * (_WEEK_OF_MONTH[ordinal] - 1) + 4)
    if d is None:
        return None
    end = m.end()
    if not m["year"] and ctx.text[end - 1] == "." and mon_text.lower() in _FULL_MONTH_NAMES:
        end -= 1  # "... of November.": the sentence's full stop
    return Norm("DATE", week_value(d), CONF_ABSOLUTE if m["year"] else CONF_TENSE, m.start(), end)


_FULL_MONTH_NAMES = frozenset(k for k in MONTHS if len(k) > 4 or k in ("may", "june", "july"))


def _month_year(m: re.Match[str], ctx: Context) -> Norm | None:
    mon_text = m["mon"]
    if not _cap(mon_text):
        return None
    month = MONTHS[mon_text.rstrip(".").lower()]
    return Norm("DATE", month_value(int(m["year"]), month), CONF_ABSOLUTE)


def _month_rel_year(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "June last year", "January this year", "May 5 next year"."""
    mon_text = m["mon"]
    if not _cap(mon_text):
        return None
    month = MONTHS[mon_text.rstrip(".").lower()]
    a = ctx.anchor
    if a is None:
        return Norm("DATE", f"XXXX-{month:02d}", CONF_RELATIVE)
    year = bounded_year(a.year + {"last": -1, "next": 1}.get(m["rel"].lower(), 0))
    if year is None:
        return Norm("DATE", f"XXXX-{month:02d}", CONF_RELATIVE)
    if m["day"]:
        d = make_date(year, month, int(m["day"]))
        return None if d is None else Norm("DATE", day_value(d), CONF_RELATIVE)
    return Norm("DATE", month_value(year, month), CONF_RELATIVE)


_GENERIC_MONTH_AFTER = re.compile(
    r"\s*(?:[.,;:!?)]|$|(?:since|in|on|for|than|when|that|and|or|of)\b)", re.IGNORECASE
)


def _month_alone(m: re.Match[str], ctx: Context) -> Norm | None:
    mon_text = m["mon"]
    if not _cap(mon_text):
        return None
    key = mon_text.rstrip(".").lower()
    month = MONTHS[key]
    pre = " ".join((m["pre"] or "").lower().split())
    before = _word_before(ctx, m.start()).lower()
    after = ctx.text[m.end() : m.end() + 20]
    has_cue = bool(pre) or before in _TEMPORAL_PREPS
    name_like = key in ("may", "march", "april", "june", "august")
    if (
        name_like
        and not has_cue
        and (key == "may" or (_WORD_AFTER.match(after) and _cap(_word_after(ctx, m.end()))))
    ):
        return None  # "March on", "April Ryan": without a cue, not a month
    if key == "may" and (
        before in _NAME_TITLES or before == "theresa" or _MODAL_FOLLOWERS.match(after)
    ):
        return None
    if key == "march" and before in ("the", "a", "annual") and _MARCH_NOUN.match(after):
        return None  # "the annual March for Life", "the March of the Mothers": a procession
    if not has_cue and before and _cap(before) and ctx.text[m.start() - 1 : m.start()] == " ":
        # "Theresa May", "April Ryan" style names: a capitalised word right before.
        prev_char = ctx.text[max(0, m.start() - len(before) - 2) : m.start() - len(before) - 1]
        if prev_char not in (".", "\n", "") and before.lower() not in WEEKDAYS:
            return None
    if before == "a" and not pre and _GENERIC_MONTH_AFTER.match(after):
        # "the warmest for a January since 2021": any January; "a June agreement" is one.
        return Norm("DATE", f"XXXX-{month:02d}", CONF_VAGUE)
    a = ctx.anchor
    if not pre and _PAST_MARK_AFTER.match(after):
        pre = "last" if a is None or month != a.month else "this"
    if pre in ("last", "this past"):
        year = None if a is None else bounded_year(a.year if month < a.month else a.year - 1)
    elif pre in ("next", "this coming"):
        year = None if a is None else bounded_year(a.year if month > a.month else a.year + 1)
    elif pre == "this":
        year = None if a is None else a.year
    else:
        year = _year_for_month(ctx, month, 0, m.start(), m.end())
    if year is None:
        return Norm("DATE", f"XXXX-{month:02d}", CONF_TENSE)
    return Norm("DATE", month_value(year, month), CONF_TENSE)


# "its July record", "the March high": a month naming where a measure peaked is behind us,
# whatever the tense of the clause ("is 20% below its July record").
_PAST_MARK_AFTER = re.compile(r"\s+(?:record|high|low|peak)s?\b", re.IGNORECASE)


_NOT_A_YEAR_AFTER = re.compile(
    r"\s*(?:%|percent|per\b|million|billion|people|troops|shares|feet|metres)"
)
_COUNT_NOUN_AFTER_YEAR = re.compile(r"\s+(?!and\b|or\b|to\b|through\b|in\b|at\b)[a-z]+s\b")


# Cues that are as often approximations of counts: "about 1200 homes", "over 1500 votes"
# (not "from 1999 to 2004 sales fell", "by 2020 prices will double").
_COUNT_PREPS = frozenset({"about", "around", "over"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "our", "whose"})
_BEFORE_CHRIST = re.compile(r"\s*(?:BCE?|B\.C\.(?:E\.)?)(?!\w)")
# "in 2010 BC Hydro said": British Columbia, not the era (a modern year before a name).
_NAME_AFTER = re.compile(r" [A-Z][a-z]")


def _year(m: re.Match[str], ctx: Context) -> Norm | None:
    year = int(m["year"])
    text = ctx.text
    s = m.start("year")
    prev = text[max(0, s - 2) : s]
    if prev[-1:] in "$£€#¥" or prev.endswith(("No", "no")):
        return None
    before = _word_before(ctx, m.start()).lower()
    bc = _BEFORE_CHRIST.match(text, m.end())
    if bc is not None and not _NAME_AFTER.match(text, bc.end()):
        return None  # "1200 BC": the rule for years before the common era reads it
    cue = bool(m["pre"]) or before in _TEMPORAL_PREPS
    if (not YEAR_MIN <= year <= YEAR_MAX and not cue) or bounded_year(year) is None:
        return None
    after = text[m.end() : m.end() + 30]
    weak_cue = not m["pre"] and before in _COUNT_PREPS
    if (not cue or weak_cue) and before not in _DETERMINERS and _COUNT_NOUN_AFTER_YEAR.match(after):
        # "1500 people" counts; "the 2016 elections", "his 2005 memoirs" are years before a
        # noun (news writes counts that large with a separator: "2,000 troops").
        return None
    if _NOT_A_YEAR_AFTER.match(after):
        return None
    pre = (m["pre"] or "").lower().split()
    if len(pre) == 3 and pre[1] in SEASONS:
        return Norm("DATE", f"{year:04d}-{SEASONS[pre[1]]}", CONF_ABSOLUTE)  # "the fall of 1998"
    if len(pre) == 4 and pre[2] == "half":
        # "the first half of 2025" is 2025-H1 (TimeBank: "the last half of 1989", 1989-H2).
        return Norm("DATE", f"{year:04d}-H{1 if pre[1] == 'first' else 2}", CONF_ABSOLUTE)
    return Norm("DATE", f"{year:04d}", CONF_ABSOLUTE)


def _bc_year(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "800 BC", "9500 BCE": TimeML writes a year before the common era as "BC0800"."""
    if _NAME_AFTER.match(ctx.text, m.end()):
        return None  # "2000 BC Road": part of a name
    year = int(m["year"].replace(",", ""))
    if year > 9999:
        return None
    return Norm("DATE", f"BC{year:04d}", CONF_ABSOLUTE)


# "2014-2015", "1968-69", "2010–11": a range of years is two DATEs, one per end (TIMEX3 marks
# each endpoint); the second end takes the century of the first when written with two digits.
def _year_range(m: re.Match[str], ctx: Context) -> tuple[int, int] | None:
    """Both ends of a year range, None unless it reads as one (the end after the start)."""
    y1, t2 = int(m["y1"]), m["y2"]
    y2 = (y1 // 100) * 100 + int(t2) if len(t2) == 2 else int(t2)
    if len(t2) == 2 and y2 <= y1:
        y2 += 100  # "1999-00": the next century
    if not y1 < y2 <= y1 + 100 or bounded_year(y2) is None:
        return None
    prev = ctx.text[max(0, m.start() - 1) : m.start()]
    if prev in ("$", "£", "€", "#", "¥") or _word_before(ctx, m.start()).lower() == "no":
        return None
    if _NOT_A_YEAR_AFTER.match(ctx.text, m.end()):
        return None  # "1500-2000 people", "1995-2000 metres"
    return y1, y2


def _year_range_start(m: re.Match[str], ctx: Context) -> Norm | None:
    years = _year_range(m, ctx)
    if years is None:
        return None
    return Norm("DATE", f"{years[0]:04d}", CONF_ABSOLUTE, m.start("y1"), m.end("y1"))


def _year_range_end(m: re.Match[str], ctx: Context) -> Norm | None:
    years = _year_range(m, ctx)
    if years is None:
        return None
    return Norm("DATE", f"{years[1]:04d}", CONF_ABSOLUTE, m.start("y2"), m.end("y2"))


def _decade(m: re.Match[str], ctx: Context) -> Norm | None:
    if m["w"]:
        return Norm("DATE", f"19{DECADE_WORDS[m['w'].lower()]}", CONF_RELATIVE)
    if m["c"]:
        if m["d"] == "0" and m["c"] != "20":
            return Norm("DATE", f"{int(m['c']):02d}", CONF_ABSOLUTE)  # "the 1800s": the century
        return Norm("DATE", f"{int(m['c']):02d}{int(m['d'])}", CONF_ABSOLUTE)
    if m["d3"]:
        # "the 70's": the apostrophe marks a decade, but only with "the" (not "in their 70's").
        if m[0][:3].lower() != "the" or _NOT_A_YEAR_AFTER.match(ctx.text, m.end()):
            return None
        return Norm("DATE", f"19{int(m['d3'])}", CONF_RELATIVE)
    return Norm("DATE", f"19{int(m['d2'])}", CONF_RELATIVE)


def _century(m: re.Match[str], ctx: Context) -> Norm | None:
    t = m["ord"].lower()
    n = int(t[:-2]) if t[:1].isdigit() else ORDINALS.get(t)
    if n is None or not 1 <= n <= 30:
        return None
    bc = _BEFORE_CHRIST.match(ctx.text, m.end())
    if bc is not None:
        return Norm("DATE", "XX", CONF_VAGUE, m.start(), bc.end())  # "the third century B.C."
    return Norm("DATE", f"{n - 1:02d}", CONF_ABSOLUTE)


def _weekday(m: re.Match[str], ctx: Context) -> Norm | None:
    wd_text = m["wd"]
    if not _cap(wd_text):
        return None
    weekday = WEEKDAYS[wd_text.lower()]
    rel = m["rel"] or ""
    if not rel and _NAMED_DAY_BEFORE.search(ctx.text, max(0, m.start() - 40), m.start()):
        return None  # "on Super Tuesday", "since Bloody Sunday": a named day, not a weekday
    d = _weekday_date(ctx, weekday, rel, m.start(), m.end())
    pod = m["pod"]
    value = f"XXXX-WXX-{weekday + 1}" if d is None else day_value(d)
    conf = CONF_RELATIVE if rel else CONF_TENSE
    if pod:
        return Norm("TIME", f"{value}T{PART_OF_DAY[pod.lower()]}", conf)
    return Norm("DATE", value, conf)


# A capitalised word between a preposition that takes a day and the weekday names a day
# ("on Super Tuesday", "ahead of Cyber Monday"): news writes "in Tokyo Monday", "the Senate
# Monday", never "on Tokyo Monday". Temporal words ("on Early Monday") are not names.
_NAMED_DAY_BEFORE = re.compile(
    r"(?<![\w-])(?:on|since|until|till|ahead\s+of)\s+(?!(?:Early|Late|Last|Next|This|Each|Every"
    r"|Coming|Mid)\b)[A-Z][a-z]+\s+$"
)
_GENERIC_DAY = re.compile(
    r"['’]s\s+(?:world|youth|young|generation|society|children|kids|teenagers|students|economy"
    r"|culture|technology|standards|personal|modern|global|digital|consumers?)\b",
    re.IGNORECASE,
)
_DEICTIC_DAYS = {
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
    "yesterday": -1,
    "today": 0,
    "tomorrow": 1,
    "tonight": 0,
    # News copy says "overnight" of the night running into the day it is published (and
    # TimeBank-style annotation anchors it there); the night is what the value carries.
    "overnight": 0,
}


def _deictic(m: re.Match[str], ctx: Context) -> Norm | None:
    word = " ".join(m["w"].lower().split())
    if word == "today" and _word_before(ctx, m.start()) in ("USA", "Today"):
        return None
    if word in ("today", "tomorrow") and not m["pod"] and _GENERIC_DAY.match(ctx.text, m.end()):
        return None  # "today's youth", "the leaders of tomorrow": an era, not a day
    if (
        word in ("today", "tomorrow")
        and _word_before(ctx, m.start()).lower() == "of"
        and not re.search(r"\bas\s+of\s+$", ctx.text[max(0, m.start() - 8) : m.start()], re.I)
    ):
        after = ctx.text[m.end() : m.end() + 2]
        if not after[:1].isalnum() and after[:1] not in ("'", "’"):
            return None
    offset = _DEICTIC_DAYS[word]
    a = ctx.anchor
    value = _unit_value(None if a is None else add_days(a, offset), "day")
    pod = (m["pod"] or "").lower()
    if word in ("tonight", "overnight"):
        pod = "night"
    if pod:
        return Norm("TIME", f"{value}T{PART_OF_DAY[pod]}", CONF_RELATIVE)
    return Norm("DATE", value, CONF_RELATIVE)


def _this_pod(m: re.Match[str], ctx: Context) -> Norm | None:
    rel = m["rel"].lower()
    a = ctx.anchor
    pod = m["pod"].lower()
    value = _unit_value(None if a is None else add_days(a, -1 if rel == "last" else 0), "day")
    return Norm("TIME", f"{value}T{PART_OF_DAY[pod]}", CONF_RELATIVE)


_REF_WORDS = {
    # "current", "currently", "recent" and "recently" are not TIMEX3 in TempEval-3's
    # conventions (TimeBank tagged about half of them; the newer annotation none).
    "now": "PRESENT_REF",
    "at present": "PRESENT_REF",
    "nowadays": "PRESENT_REF",
    "these days": "PRESENT_REF",
    "the present": "PRESENT_REF",
    "lately": "PAST_REF",
    "the past": "PAST_REF",
    "the future": "FUTURE_REF",
    "the near future": "FUTURE_REF",
    "the foreseeable future": "FUTURE_REF",
    "the distant future": "FUTURE_REF",
}


def _ref(m: re.Match[str], ctx: Context) -> Norm | None:
    word = " ".join(m[0].lower().split())
    if ctx.text[m.end() : m.end() + 1] == "-":
        return None  # "now-deleted", "current-account": part of a compound adjective
    if word == "at present":
        return Norm("DATE", "PRESENT_REF", CONF_VAGUE, m.end() - len("present"), m.end())
    return Norm("DATE", _REF_WORDS[word], CONF_VAGUE)


def _relative(m: re.Match[str], ctx: Context) -> Norm | None:
    """last/this/next week, earlier this year, the end of the month, this summer."""
    rel = " ".join(m["rel"].lower().split())
    unit_text = m["unit"]
    unit = unit_text.lower()
    if _cap(unit_text) and not unit_text.isupper():
        return None  # "This Week", "The Year of the Dragon": titles
    pre = " ".join((m["pre"] or "").lower().replace("-", " ").split())
    a = ctx.anchor
    after = ctx.text[m.end() : m.end() + 20]
    if rel == "the" and not pre:
        if unit == "year" and re.match(r"\s+end(?:ed|ing)\b", after):
            return Norm("DURATION", "P1Y", CONF_VAGUE)
        if unit == "year" and re.match(r"\s+(?:before|earlier)\b", after):
            return None
        if after[:1] == "-" or unit not in ("weekend", "quarter", "year", "week", *SEASONS):
            return None
        if unit == "week":
            ref = ctx.ref_day
            return Norm("DATE", "XXXX-WXX" if ref is None else week_value(ref), CONF_VAGUE)
    if unit == "quarter":
        return _relative_quarter(m, ctx, rel)
    if rel in ("the past", "the last", "the coming", "the next", "past", "coming") and not pre:
        if unit in SEASONS:
            return None
        if unit == "year" and a is not None and rel in ("the past", "the last"):
            # "over the past year": TimeBank marks the twelve months behind the document as
            # the previous year (a DATE), unlike "the past three years" (a DURATION).
            return Norm("DATE", year_value(a.year - 1) or "XXXX", CONF_VAGUE)
        return Norm("DURATION", _duration_value(1, unit), CONF_VAGUE)
    if a is None:
        return Norm("DATE", "XXXX", CONF_VAGUE) if unit not in SEASONS else None
    step = {"last": -1, "previous": -1, "next": 1, "coming": 1, "this coming": 1}.get(rel, 0)
    if unit in SEASONS:
        return _season_value(ctx, unit, step, rel, m.start(), m.end())
    if unit == "weekend":
        if step == 0 and rel in ("the", "this"):
            tense = _cue_tense(ctx, m.start()) or ctx.tense(m.start(), m.end())
            if a.weekday() >= 5:
                step = 0
            elif (tense == "past" and (rel == "the" or a.weekday() <= 1)) or (
                tense == "" and rel == "the" and a.weekday() <= 1
            ):
                # "this weekend" midweek is the coming one, whatever the clause's tense
                # ("passengers were told to check before travelling this weekend"); early in
                # the week, or as "the weekend" of a report, a past clause means the last one.
                step = -1
        if step < 0:
            sat = add_days(a, -(a.weekday() + 2))
        elif step > 0 or a.weekday() < 5:
            sat = add_days(a, 5 - a.weekday() + (7 if step > 0 and a.weekday() >= 5 else 0))
        else:
            sat = a
        return Norm("DATE", _unit_value(sat, "weekend"), CONF_RELATIVE)
    d = _shift(a, unit, step)
    return Norm("DATE", _unit_value(d, unit), CONF_RELATIVE)


def _season_value(
    ctx: Context, unit: str, step: int, rel: str, start: int, end: int
) -> Norm | None:
    a = ctx.anchor
    code = SEASONS[unit]
    if a is None:
        return Norm("DATE", f"XXXX-{code}", CONF_VAGUE)
    starts = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
    first = starts[code]
    year = a.year
    in_season = first <= a.month < first + 3 or (code == "WI" and a.month <= 2)
    if code == "WI" and a.month <= 2:
        year -= 1
    if step < 0:
        if in_season or a.month < first:
            year -= 1
    elif step > 0:
        if in_season or a.month >= first:
            year += 1
    elif rel == "the":
        tense = ctx.tense(start, end)
        if tense == "past" and a.month < first and not in_season:
            year -= 1
        elif tense == "future" and a.month >= first + 3:
            year += 1
    return Norm("DATE", f"{year_value(year) or 'XXXX'}-{code}", CONF_RELATIVE)


def _quarter_default(ctx: Context, pos: int) -> tuple[int, int] | None:
    q = ctx.quarter_nearby(pos)
    if q is not None:
        return q
    a = ctx.anchor
    if a is None:
        return None
    d = add_months(a, -3)
    return None if d is None else (d.year, quarter_of(d))


def _remember_quarter(ctx: Context, year: int, q: int, pos: int) -> None:
    ctx.last_quarter = (year, q)
    ctx.last_quarter_pos = pos


def _relative_quarter(m: re.Match[str], ctx: Context, rel: str) -> Norm | None:
    a = ctx.anchor
    if rel in ("the past", "the last", "the coming", "the next", "past", "coming"):
        return Norm("DURATION", "P1Q", CONF_VAGUE)
    if a is None:
        return Norm("DATE", "XXXX-QX", CONF_VAGUE)
    if rel in ("the", "the latest", "that", "the same"):
        yq = _quarter_default(ctx, m.start())
        if yq is None:
            return Norm("DATE", "XXXX-QX", CONF_VAGUE)
        y, q = yq
    else:
        step = {"last": -1, "previous": -1, "the previous": -1, "next": 1, "coming": 1}.get(rel, 0)
        d = add_months(a, 3 * step)
        if d is None:
            return Norm("DATE", "XXXX-QX", CONF_VAGUE)
        y, q = d.year, quarter_of(d)
    _remember_quarter(ctx, y, q, m.start())
    return Norm("DATE", f"{y:04d}-Q{q}", CONF_RELATIVE)


def _quarter(m: re.Match[str], ctx: Context) -> Norm | None:
    ordw = m["ord"].lower()
    q = ORDINALS.get(ordw)
    if q is None or not 1 <= q <= 4:
        return None
    adj = (m["adj"] or "").lower()
    a = ctx.anchor
    year_text = m["year"] or m["pyear"] or (f"{m['prel']} year" if m["prel"] else None)
    if year_text:
        yt = year_text.lower()
        if yt[0].isdigit():
            year: int | None = int(yt)
        elif a is None:
            year = None
        else:
            year = a.year + (-1 if "last" in yt else 1 if "next" in yt else 0)
    elif a is None:
        year = None
    else:
        aq = quarter_of(a)
        tense = ctx.tense(m.start(), m.end())
        year = a.year if q <= aq or tense == "future" else a.year - 1
        if "year-earlier" in adj or "year-ago" in adj:
            year -= 1
    year = None if year is None else bounded_year(year)
    start = m.start()
    if "-" in m[0][m.start("ord") - m.start() :] and m[0][:4].lower() == "the ":
        # "the third-quarter loss": the hyphenated adjective alone is the expression.
        start = m.start("adj") if adj else m.start("ord")
    if year is None:
        return Norm("DATE", f"XXXX-Q{q}", CONF_TENSE, start, m.end())
    if "year-earlier" not in adj and "year-ago" not in adj:
        _remember_quarter(ctx, year, q, m.start())
    return Norm("DATE", f"{year:04d}-Q{q}", CONF_RELATIVE, start, m.end())


def _quarter_code(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "Q3", "Q1 2013", "H1 2024", "2012 Q4": the financial shorthand for quarters and halves."""
    code = m["code"]
    if not code[0].isupper():
        return None
    kind, n = code[0], int(code[1])
    year_text = m["y1"] or m["y2"]
    a = ctx.anchor
    if year_text:
        year: int | None = int(year_text)
    elif a is None:
        year = None
    elif kind == "Q":
        current = quarter_of(a)
        year = a.year if n <= current or ctx.tense(m.start(), m.end()) == "future" else a.year - 1
    else:
        year = (
            a.year
            if n == 1 or a.month > 6 or ctx.tense(m.start(), m.end()) == "future"
            else a.year - 1
        )
    year = None if year is None else bounded_year(year)
    if year is None:
        return Norm("DATE", f"XXXX-{kind}{n}", CONF_TENSE)
    if kind == "Q":
        _remember_quarter(ctx, year, n, m.start())
    return Norm("DATE", f"{year:04d}-{kind}{n}", CONF_ABSOLUTE if year_text else CONF_RELATIVE)


def _half(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "the first half of 2025", "the second half of the year", "the first half" (a period of
    the year under discussion, in results and forecasts)."""
    ordinal = m["ord"] or m["ord2"]
    if m["bare"] is not None and ctx.text[m.end() : m.end() + 1] in ("'", "’"):
        return None  # "the first half's goals": a match, not a year
    h = 1 if ordinal.lower() in ("first", "1st") else 2
    if m["year"]:
        return Norm("DATE", f"{int(m['year']):04d}-H{h}", CONF_ABSOLUTE)
    a = ctx.anchor
    if a is None:
        return Norm("DATE", f"XXXX-H{h}", CONF_TENSE)
    return Norm("DATE", f"{a.year:04d}-H{h}", CONF_TENSE)


def _year_earlier(m: re.Match[str], ctx: Context) -> Norm | None:
    """Earnings-report comparisons: "the year-earlier quarter", "year-ago", "a year ago"."""
    a = ctx.anchor
    noun = (m["noun"] or "").lower()
    q = ctx.quarter_nearby(m.start())
    if a is None:
        return Norm("DATE", "XXXX", CONF_VAGUE)
    if q is not None and "month" not in noun:
        return Norm("DATE", f"{year_value(q[0] - 1) or 'XXXX'}-Q{q[1]}", CONF_RELATIVE)
    if noun.startswith("quarter"):
        yq = _quarter_default(ctx, m.start())
        if yq is not None:
            return Norm("DATE", f"{year_value(yq[0] - 1) or 'XXXX'}-Q{yq[1]}", CONF_RELATIVE)
    return Norm("DATE", year_value(a.year - 1) or "XXXX", CONF_RELATIVE)


def _ago(m: re.Match[str], ctx: Context) -> Norm | None:
    unit = _unit_key(m["unit"])
    num = m["num"]
    n = parse_number(num) if num else None
    direction = " ".join(m["dir"].lower().split())
    sign = -1 if direction in ("ago", "earlier", "before", "back") else 1
    a = ctx.anchor
    if direction == "later":
        # "Three days later": counted from the event just told, not from the document date;
        # TimeML tags the length ("three days") and leaves "later" as the signal.
        if num and n is None and " ".join(num.lower().split()) not in VAGUE_NUMBERS:
            return None
        return Norm("DURATION", _duration_value(n, unit), CONF_RELATIVE, m.start(), m.end("unit"))
    if unit == "year" and n == 1 and direction in ("ago", "earlier"):
        q = ctx.quarter_nearby(m.start())
        if q is not None and a is not None:
            return Norm("DATE", f"{year_value(q[0] - 1) or 'XXXX'}-Q{q[1]}", CONF_RELATIVE)
    vague = Norm("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", CONF_VAGUE)
    if n is None or not n.is_integer():
        return vague
    if a is None:
        return Norm("DATE", "XXXX-XX-XX" if unit in ("day", "week") else "XXXX", CONF_VAGUE)
    d = _shift(a, unit, sign * int(n))
    # Before year 1 or after 9999 ("7000 years ago"): still a point in the past or future.
    return vague if d is None else Norm("DATE", _unit_value(d, unit), CONF_RELATIVE)


_SET_PER = re.compile(r"(?:[\d%]|million|billion|percent|cents?|dollars?|pounds?)\s*$", re.I)


# "the first time in 14 years", "its highest level in a decade": the span up to now, not a
# point that far ahead.
_SPAN_SO_FAR = re.compile(
    r"\b(?:time|first|ever|record|(?!(?:inter|sugg|arr|prot|inv|requ|t)est\b)[a-z]{2,}est)\b[^.;,]*$",
    re.IGNORECASE,
)


# "in five years" (not "within five years"): the preposition right before a count.
_IN_BEFORE = re.compile(r"(?<![A-Za-z])[Ii]n $")
# "will one day", "could one day": "one day" after a modal is an unspecified future, not 24 hours.
_SOMEDAY_BEFORE = frozenset({"will", "would", "could", "may", "might", "can", "should", "shall"})


# Counts written as adjectives in compounds: "a single-day strike", "a half-hour show".
_ADJECTIVE_COUNTS = {"single": 1.0, "half": 0.5}


# Counts of one unit or less, after which "over" means more than ("over an hour").
_ONE_UNIT = frozenset({"a", "an", "half a", "half an"})


def _duration(m: re.Match[str], ctx: Context) -> Norm | None:
    unit_text = m["unit"]
    unit = _unit_key(unit_text)
    if _cap(unit_text) and not unit_text.isupper():
        return None  # "60 Minutes", "This Week": titles, not durations
    num_text = m["num"]
    num_key = " ".join(num_text.lower().split()) if num_text else ""
    n = _ADJECTIVE_COUNTS.get(num_key) or (parse_number(num_text) if num_text else None)
    if num_text and n is None and num_key not in VAGUE_NUMBERS:
        return None
    start = m.start()
    between = _word_before(ctx, m.start()).lower() == "between"
    if between and n is not None and " and " in num_key and "join" in m.re.groupindex:
        # "between two and four years": the number words read as one compound ("two and
        # four" = 6); the range is valued by its first end.
        n = parse_number(num_key.rsplit(" and ", 1)[0])
    joined = "join" in m.re.groupindex and (m["join"] or "").lower() == "and"
    if joined and not between:
        # "between 6 and 9 months" is one range (valued by its first end, like "6 to 9
        # months"); without "between", "6 and 9 months" lists two counts: only the last is one.
        start = m.start("num2")
        num_text = m["num2"]
        num_key = " ".join(num_text.lower().split())
        n = parse_number(num_text)
        if n is None and num_key not in VAGUE_NUMBERS:
            return None
    if not num_text and not unit_text.lower().endswith("s") and m[0].lower().endswith("-long"):
        n = 1.0  # "a day-long meeting", "a year-long inquiry": one of the unit
    if n is not None and m["half"]:
        n += 0.5
    single = num_key in ("a", "an")
    if single and unit in ("second", "quarter"):
        return None  # "a second term", "a quarter of the vote"
    if (
        num_key == "one"
        and unit == "day"
        and not m["the"]
        and not m["mod"]
        and _word_before(ctx, m.start()).lower() in _SOMEDAY_BEFORE
    ):
        return Norm("DATE", "FUTURE_REF", CONF_VAGUE)  # "Islam will one day be ...": someday
    if n is not None and YEAR_MIN <= n <= YEAR_MAX and not unit_text.lower().endswith("s"):
        return None  # "the 1988 quarter" is a year, not 1988 quarters
    after = ctx.text[m.end() : m.end() + 12]
    if re.match(r"[\s-]+old\b", after):
        return None  # ages are not annotated
    if unit == "night":
        if not num_text or single:
            return None
        return Norm("DURATION", _duration_value(n, "day"), CONF_RELATIVE)
    if single and not m["the"] and not m["mod"]:
        before = ctx.text[max(0, m.start() - 20) : m.start()]
        if _SET_PER.search(before):
            return Norm("SET", _duration_value(1, unit), CONF_RELATIVE)
    if n == 0:
        return None
    if (m["the"] or "").strip().lower() == "last" and _word_before(ctx, m.start()).lower() in (
        _LAST_AS_VERB_AFTER
    ):
        # "could last years", "set to last two years": the verb; what follows is the length.
        if not num_text:
            return None  # the bare plural is tagged by the rule for those
        return Norm("DURATION", _duration_value(n, unit), CONF_RELATIVE, m.start("num"), m.end())
    mod = (m["mod"] or "").lower()
    if mod in ("over", "under", "some") and m["the"]:
        start = m.start("the")  # "over the past two years": "over" is the preposition
    elif mod == "over" and num_key not in _ONE_UNIT and start == m.start():
        # "over three years", "over six decades": the preposition (TimeBank); "over an hour",
        # "over a week" mean more than one.
        start = m.start("num")
    a = ctx.anchor
    future = None
    if (
        a is not None
        and n is not None
        and n.is_integer()
        and not mod
        and not m["the"]
        and n >= 2
        and unit in ("day", "week", "month", "year", "decade")
        and _IN_BEFORE.search(ctx.text, max(0, m.start() - 4), m.start()) is not None
        and not _SPAN_SO_FAR.search(ctx.text[max(0, m.start() - 40) : m.start() - 3])
        and ctx.tense(m.start(), m.end()) == "future"
    ):
        future = _shift(a, unit, int(n))
    if future is not None:
        # "will be redeemed in five years": a point that far ahead of the document date (past
        # 9999 it stays the length of time).
        return Norm("DATE", _unit_value(future, unit), CONF_TENSE)
    return Norm(
        "DURATION", _duration_value(n, unit), CONF_RELATIVE if n else CONF_VAGUE, start, m.end()
    )


def _vague_duration(m: re.Match[str], ctx: Context) -> Norm | None:
    unit = _unit_key(m["unit"])
    t = m["t"]
    return (
        Norm("DURATION", _duration_value(None, unit), CONF_VAGUE, m.start("t"), m.end("t"))
        if t
        else None
    )


_SET_WORDS = {
    "daily": "P1D",
    "weekly": "P1W",
    "monthly": "P1M",
    "annually": "P1Y",
    "yearly": "P1Y",
    # The adjective too, as HeidelTime and newer news annotation have it ("annual profit");
    # TimeBank left its six unmarked, "quarterly" (ten there) stays unmarked.
    "annual": "P1Y",
    "hourly": "PT1H",
    "nightly": "P1D",
}


def _plural_weekday(m: re.Match[str], ctx: Context) -> Norm | None:
    if not _cap(m["wd"]):
        return None
    return Norm(
        "SET", f"XXXX-WXX-{WEEKDAYS[m['wd'].lower()] + 1}", CONF_RELATIVE, m.start("wd"), m.end()
    )


def _clock(m: re.Match[str], ctx: Context) -> Norm | None:
    if m["noon"]:
        w = m["noon"].lower()
        if _word_before(ctx, m.start()).lower() == "high":
            return None  # "High Noon"
        hh, mm = (24, 0) if w == "midnight" else (12, 0)
    else:
        h = m["h"] or m["h2"] or m["h3"] or m["h4"]
        hh = int(h) if h.isdigit() else NUMBER_WORDS.get(h.lower(), -1)
        mm = int(m["mi"] or m["mi2"] or m["mi4"] or 0)
        ampm = (m["ampm"] or "").lower()
        pod = (m["pod"] or "").lower()
        if ampm.startswith("p") or (pod in ("afternoon", "evening", "night") and hh < 12):
            hh = hh + 12 if hh < 12 else hh
        elif ampm.startswith("a") and hh == 12:
            hh = 0
        if not 0 <= hh <= 24 or (m["h2"] and not m["tz"] and ":" not in m[0]):
            return None
    return _clock_norm(ctx, hh, mm, m["tz"], m.end())


# Zones that are UTC itself: a time given in them carries ISO 8601's "Z".
_UTC_ZONES = frozenset({"gmt", "utc", "z", "zulu"})


# The day a clock time is said to be on, named after it: "5am on Friday", "11:43 a.m. EDT on
# Thursday", "at 10:15 a.m. in New York on Thursday" (a place of up to three capitalised words
# may come between). Without it the time is on the day under discussion.
_DAY_AFTER_CLOCK = re.compile(
    r"(?:\s+(?:in|at)(?:\s+[A-Z][\w.'’-]*){1,3}?)?,?\s+on\s+"
    rf"(?:(?P<rel>last|next|this)\s+)?(?P<wd>{_WEEKDAY})(?![\w-])",
    re.IGNORECASE,
)


def _day_after_clock(ctx: Context, end: int) -> dt.date | None:
    m = _DAY_AFTER_CLOCK.match(ctx.text, end)
    if m is None or not _cap(m["wd"]):
        return None
    rel = m["rel"] or ""
    return _weekday_date(ctx, WEEKDAYS[m["wd"].lower()], rel, m.start("wd"), m.end("wd"))


def _clock_norm(ctx: Context, hh: int, mm: int, tz: str | None, end: int) -> Norm:
    a = _day_after_clock(ctx, end) or ctx.ref_day
    day = "XXXX-XX-XX" if a is None else day_value(a)
    zone = "Z" if tz is not None and tz.lower() in _UTC_ZONES else ""
    if hh == 24:
        return Norm("TIME", f"{day}T24{zone}", CONF_RELATIVE)
    return Norm("TIME", f"{day}T{hh:02d}:{mm:02d}{zone}", CONF_RELATIVE)


def _military(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "1400 GMT", "0600Z", "2130 hrs": four-digit clock times (hours and minutes run together)
    are read only with a zone or "hours" after them, which rules out years and counts."""
    return _clock_norm(ctx, int(m["h"]), int(m["mi"]), m["tz"] or m["tz3"], m.end())


def _military_hours(m: re.Match[str], ctx: Context) -> Norm | None:
    return _clock_norm(ctx, int(m["h"] or m["h0"]), int(m["mi"]), None, m.end())


def _holiday_date(name: str, year: int) -> dt.date | None:
    """The holiday's day in ``year``, None for an unknown name or off the calendar."""
    if bounded_year(year) is None:
        return None
    fixed = {
        "christmas": (12, 25),
        "christmas day": (12, 25),
        "christmas eve": (12, 24),
        "new year's day": (1, 1),
        "new year's eve": (12, 31),
        "boxing day": (12, 26),
        "halloween": (10, 31),
        "valentine's day": (2, 14),
        "independence day": (7, 4),
        "bastille day": (7, 14),
        "bonfire night": (11, 5),
        "guy fawkes night": (11, 5),
        "armistice day": (11, 11),
        "veterans day": (11, 11),
        "st patrick's day": (3, 17),
        "st. patrick's day": (3, 17),
    }
    if name in fixed:
        mo, d = fixed[name]
        return make_date(year, mo, d)
    if name in ("thanksgiving", "thanksgiving day"):
        return nth_weekday(year, 11, 3, 4)
    if name in ("black friday", "cyber monday"):
        # The shopping days after (US) Thanksgiving: its Friday and the Monday after.
        thanksgiving = nth_weekday(year, 11, 3, 4)
        offset = 1 if name == "black friday" else 4
        return None if thanksgiving is None else add_days(thanksgiving, offset)
    if name == "super tuesday":
        # The US primaries' biggest day, in presidential election years: the first Tuesday of
        # March (2008 moved it to 5 February).
        if year % 4:
            return None
        return make_date(2008, 2, 5) if year == 2008 else nth_weekday(year, 3, 1, 1)
    if name == "labor day":
        return nth_weekday(year, 9, 0, 1)
    if name == "memorial day":
        return nth_weekday(year, 5, 0, -1)
    if name == "martin luther king day":
        return nth_weekday(year, 1, 0, 3)
    if name == "election day":
        monday = nth_weekday(year, 11, 0, 1)
        return None if monday is None else add_days(monday, 1)
    sunday = easter(year)
    if name in ("easter", "easter sunday"):
        return sunday
    if name == "good friday":
        return None if sunday is None else add_days(sunday, -2)
    if name == "easter monday":
        return None if sunday is None else add_days(sunday, 1)
    lent = {"ash wednesday": -46, "shrove tuesday": -47, "palm sunday": -7, "maundy thursday": -3}
    if name in lent:
        return None if sunday is None else add_days(sunday, lent[name])
    return None


def _holiday(m: re.Match[str], ctx: Context) -> Norm | None:
    name = " ".join(m["name"].lower().replace("’", "'").split())
    if not _cap(m["name"]):
        return None
    a = ctx.anchor
    rel = (m["rel"] or "").lower()
    if m["year"]:
        year: int | None = int(m["year"])
    elif a is None:
        year = None
    else:
        year = a.year
        this = _holiday_date(name, a.year)
        if this is None:
            return None
        # As for a day and month: a holiday within a month of the document date is that one
        # ("We ate turkey on Thanksgiving" the day before it is a plan written in the past).
        near = not rel and abs((this - a).days) <= NEAR_DAYS
        tense = "" if near else ctx.tense(m.start(), m.end())
        if rel == "last" or (not rel and tense == "past"):
            if this >= a:
                year -= 1
        elif (rel == "next" or (not rel and tense == "future")) and this < a:
            year += 1
        year = bounded_year(year)
    if year is None:
        if m["the"] or m["we"]:
            return None
        return Norm("DATE", "XXXX-XX-XX", CONF_VAGUE)
    d = _holiday_date(name, year)
    if d is None:
        return None
    if m["we"]:
        # "the Thanksgiving holiday weekend", "Easter weekend": the weekend of the holiday's week.
        return Norm("DATE", f"{week_value(d)}-WE", CONF_RELATIVE)
    if m["the"]:
        return Norm(
            "DATE",
            day_value(d),
            CONF_RELATIVE,
            m.start("name") if not m["rel"] else m.start("rel"),
            m.end(),
        )
    return Norm("DATE", day_value(d), CONF_RELATIVE)


def _anaphoric_day(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "the next day", "that morning", "the following week", "later that year"."""
    ref = ctx.ref_day
    which = " ".join((m["which"] or "").lower().split())
    unit = (m["unit"] or "day").lower()
    step = 0
    if "next" in which or "following" in which or m["ba"] == "after":
        step = 1
    elif "previous" in which or "preceding" in which or "prior" in which or m["ba"] == "before":
        step = -1
    if ref is None:
        return Norm("DATE", "XXXX-XX-XX", CONF_VAGUE)
    if unit in ("morning", "afternoon", "evening", "night"):
        value = _unit_value(add_days(ref, step), "day")
        return Norm("TIME", f"{value}T{PART_OF_DAY[unit]}", CONF_TENSE)
    if unit == "year" and ctx.ref_year is not None:
        return Norm("DATE", year_value(ctx.ref_year + step) or "XXXX", CONF_TENSE)
    if unit == "month" and ctx.ref_month is not None:
        ym = shift_months(*ctx.ref_month, step)
        return Norm("DATE", "XXXX-XX" if ym is None else month_value(*ym), CONF_TENSE)
    d = _shift(ref, unit, step)
    return Norm("DATE", _unit_value(d, unit), CONF_TENSE)


def _of_that_year(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "June of that year", "the summer of the following year", "May 3 of the same year": a
    month or season of the year under discussion (the last one the text named), one expression,
    so that the month is not first read against the document's date."""
    which = " ".join(m["which"].lower().split())
    step = 1 if which in ("the following", "the next") else -1 if "previous" in which else 0
    year = None if ctx.ref_year is None else bounded_year(ctx.ref_year + step)
    if m["season"]:
        code = SEASONS[m["season"].lower()]
        return Norm("DATE", f"{year_value(year) if year else 'XXXX'}-{code}", CONF_TENSE)
    month = MONTHS[m["mon"].lower()]
    day = int(m["day"]) if m["day"] else 0
    if year is None:
        return Norm("DATE", f"XXXX-{month:02d}" + (f"-{day:02d}" if day else ""), CONF_VAGUE)
    if day:
        d = make_date(year, month, day)
        return None if d is None else Norm("DATE", day_value(d), CONF_TENSE)
    return Norm("DATE", month_value(year, month), CONF_TENSE)


_SEASON_INDEX = {"SP": 0, "SU": 1, "FA": 2, "WI": 3}


def _season_ordinal(year: int, month: int) -> int:
    """Seasons counted from year 0 (spring 0, summer 1, autumn 2, winter 3, which begins in
    December): the one ``month`` of ``year`` falls in."""
    if month <= 2:
        return (year - 1) * 4 + 3
    return year * 4 + (month - 3) // 3


def _season_of_story(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "That spring", "the following winter": a season of the time under discussion (the last
    month the text named), not of the document's year. "That" is the season that month falls in
    or that year's; "the following" is the next one after it; "the previous" the last before."""
    code = SEASONS[m["season"].lower()]
    if ctx.ref_month is None:
        return Norm("DATE", f"XXXX-{code}", CONF_VAGUE)
    year, month = ctx.ref_month
    which = " ".join(m["which"].lower().split())
    idx = _SEASON_INDEX[code]
    if ctx.ref_year is not None and ctx.ref_year != year:
        # The text last named a year alone ("It opened in 1998. That summer ..."): that year's
        # season, or the next or previous year's.
        step = 1 if which in ("the following", "the next") else -1 if "pre" in which else 0
        bounded = bounded_year(ctx.ref_year + step)
        return Norm("DATE", f"{year_value(bounded) if bounded else 'XXXX'}-{code}", CONF_TENSE)
    ref = _season_ordinal(year, month)
    if which in ("the following", "the next"):
        target = ref + 1 + (idx - (ref + 1)) % 4
    elif which in ("the previous", "the preceding"):
        target = ref - 1 - ((ref - 1) - idx) % 4
    else:
        target = ref if ref % 4 == idx else year * 4 + idx
    bounded = bounded_year(target // 4)
    return Norm("DATE", f"{year_value(bounded) if bounded else 'XXXX'}-{code}", CONF_TENSE)


def _the_day(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "shares rose 3% on the day", "later in the day": in a report that runs
    over one trading or match day, the day under discussion (the last day mentioned, else the
    document's)."""
    ref = ctx.ref_day
    return Norm("DATE", _unit_value(ref, "day"), CONF_VAGUE, m.start("t"), m.end("t"))


def _same_unit_earlier(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "the same month a year ago", "the same week last year", "the same day two years
    earlier": the day, week or month under discussion, moved back by the stated distance."""
    unit = m["unit"].lower()
    back_unit = (m["u2"] or m["u3"]).lower()
    n = 1.0 if m["u3"] or not m["n"] else parse_number(m["n"])
    if n is None or not n.is_integer():
        return None
    ref = ctx.ref_day
    if unit == "month" and ctx.ref_month is not None:
        ref = make_date(ctx.ref_month[0], ctx.ref_month[1], 1)
    if ref is not None and unit in ("week", "weekend") and back_unit == "year":
        # The same ISO week number that many years back (a week 53 becomes that year's last).
        iso = ref.isocalendar()
        year = iso.year - int(n)
        d = iso_week_date(year, iso.week, iso.weekday) or iso_week_date(year, 52, iso.weekday)
    else:
        d = None if ref is None else _shift(ref, back_unit, -int(n))
    return Norm("DATE", _unit_value(d, unit), CONF_RELATIVE)


def _period_year(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "the 1988 period", "the 1989 quarter": in an earnings report, that year's edition of the
    quarter under discussion."""
    noun = m["noun"].lower()
    if noun in ("period", "quarter"):
        q = ctx.quarter_nearby(m.start())
        if q is not None:
            return Norm("DATE", f"{int(m['year']):04d}-Q{q[1]}", CONF_RELATIVE)
    return Norm("DATE", f"{int(m['year']):04d}", CONF_ABSOLUTE)


_UNITS_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_SPOKEN_YY = (
    rf"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+{_UNITS_WORDS})?"
    rf"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    rf"|oh[\s-]+{_UNITS_WORDS})"
)


def _spoken_year(m: re.Match[str], ctx: Context) -> Norm | None:
    """Broadcast transcripts: "nineteen ninety-six", "the year two thousand"."""
    if m["c2"]:
        rest = parse_number(m["y2"]) if m["y2"] else 0.0
        return Norm("DATE", f"{2000 + int(rest or 0):04d}", CONF_RELATIVE)
    century = 19 if m["c"].lower() == "nineteen" else 20
    yy = parse_number(m["y"].lower().replace("oh", "").strip(" -"))
    if yy is None or (not 10 <= yy <= 99 and not m["y"].lower().startswith("oh")):
        return None
    return Norm("DATE", f"{century * 100 + int(yy):04d}", CONF_RELATIVE)


def _season_year(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "the winter of 1994", "spring 2013", "in the summer of nineteen ninety-four"."""
    code = SEASONS[m["season"].lower()]
    if m["year"]:
        return Norm("DATE", f"{int(m['year']):04d}-{code}", CONF_ABSOLUTE)
    year = _spoken_year(m, ctx)
    return None if year is None else Norm("DATE", f"{year.value}-{code}", CONF_RELATIVE)


def _latest_period(m: re.Match[str], ctx: Context) -> Norm | None:
    yq = _quarter_default(ctx, m.start())
    if yq is None:
        return Norm("DATE", "XXXX-QX", CONF_VAGUE)
    return Norm("DATE", f"{yq[0]:04d}-Q{yq[1]}", CONF_VAGUE)


def _year_end(m: re.Match[str], ctx: Context) -> Norm | None:
    a = ctx.anchor
    return Norm("DATE", "XXXX" if a is None else f"{a.year:04d}", CONF_VAGUE)


def _set_dispatch(m: re.Match[str], ctx: Context) -> Norm | None:
    if m["word"]:
        name = _cap(m["word"]) and _cap(_word_after(ctx, m.end()))
        if name and not _sentence_start(ctx, m.start()):
            return None  # "the Daily Beast", "Weekly Standard": part of a name
        return Norm("SET", _SET_WORDS[m["word"].lower()], CONF_RELATIVE)
    target = m["target"] or m["target2"]
    low = " ".join(m[0].lower().split())
    t = target.lower()
    if t in WEEKDAYS:
        if not _cap(target):
            return None
        return Norm("SET", f"XXXX-WXX-{WEEKDAYS[t] + 1}", CONF_RELATIVE)
    if t in MONTHS:
        return Norm("SET", f"XXXX-{MONTHS[t]:02d}", CONF_RELATIVE)
    if t in PART_OF_DAY:
        return Norm("SET", f"XXXX-XX-XXT{PART_OF_DAY[t]}", CONF_RELATIVE)
    if t in SEASONS:
        return Norm("SET", f"XXXX-{SEASONS[t]}", CONF_RELATIVE)  # "every summer"
    unit = _unit_key(t)
    if unit not in UNITS:
        return None
    n = 2 if "other" in low else 1
    count: float | None = n
    if m["num"]:
        parsed = parse_number(m["num"])
        count = parsed if parsed else n
    return Norm("SET", _duration_value(count, unit), CONF_RELATIVE)


# --------------------------------------------------------------------------- the rule table

_B = r"(?<![\w-])"  # a left word boundary that also refuses "-" (keeps "mid-" whole)
_E = r"(?![\w])"

# Verbs whose object is a length of time, so that a bare plural unit after them is one ("it
# can take weeks", "talks lasted months", "he spent years abroad"). "last" only as a verb
# (after a modal or "to"): "the last years" is a different reading.
_LENGTH_VERBS = (
    r"take|takes|took|taken|taking|lasted|lasts|lasting|spend|spends|spent|spending|wait|waits"
    r"|waited|waiting|(?:will|would|can|could|may|might|should|must|to)\s+last"
)
_LAST_AS_VERB_AFTER = frozenset(
    {"will", "would", "can", "could", "may", "might", "should", "must", "to"}
)
_BARE_UNITS = r"(?:decades|centuries|years|months|weeks|days|hours|minutes)"

_PRE_PERIOD = (
    r"(?P<pre>early|late|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of"
    r"|the\s+middle\s+of|the\s+(?:first|second|last)\s+half\s+of|the\s+rest\s+of"
    r"|the\s+remainder\s+of|the\s+summer\s+of|the\s+spring\s+of|the\s+fall\s+of|the\s+autumn\s+of"
    r"|the\s+winter\s+of|fiscal|calendar|fiscal\s+year|the\s+year|the\s+fiscal\s+year|the\s+year-ago"
    r"|the\s+year-earlier)"
)


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


RULES: tuple[Rule, ...] = (
    Rule(
        "timex.iso",
        _r(
            rf"{_B}(?P<y>\d{{4}})-(?P<mo>\d\d)-(?P<d>\d\d)(?:[T ](?P<h>[01]\d|2[0-3]):(?P<mi>[0-5]\d))?(?![\w-])"
        ),
        _iso,
        keys=("digit",),
    ),
    Rule(
        "timex.numeric",
        _r(rf"{_B}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>\d{{4}}|\d\d)(?![\w/])"),
        _numeric,
        keys=("digit",),
    ),
    Rule(
        "timex.absolute",
        _r(
            rf"{_B}(?:(?P<rel>last|next|this|this\s+coming|this\s+past)\s+)?(?:(?P<wd>{_WEEKDAY}),?\s+)?"
            rf"(?:(?P<pre>early|late|mid)[\s-]+)?(?P<mon>{_MONTH_ANY})"
            rf"(?:\s*|\s+the\s+)(?P<day>\d{{1,2}}|{_ORD_WORDS})(?:st|nd|rd|th)?(?!\d|,\d{{3}}|:\d|%)"
            rf"(?:,?\s+(?P<year>\d{{4}})(?!\d))?{_E}"
        ),
        _month_day,
        keys=("month",),
    ),
    Rule(
        "timex.absolute",
        _r(
            rf"{_B}(?:(?P<rel>last|next|this|this\s+coming|this\s+past)\s+)?(?:(?P<wd>{_WEEKDAY}),?\s+)?"
            rf"(?:the\s+)?(?P<day>\d{{1,2}}|{_ORD_WORDS})(?:st|nd|rd|th)?"
            rf"\s+(?:of\s+)?(?P<mon>{_MONTH_ANY})(?:,?\s+(?P<year>\d{{4}})(?!\d))?(?!\w)"
        ),
        _month_day,
        keys=("month",),
    ),
    Rule(
        "timex.absolute",
        _r(
            rf"{_B}the\s+week\s+of\s+(?P<rel>)(?P<wd>)(?P<pre>)(?P<mon>{_MONTH_ANY})\s*"
            rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d|,\d{{3}}|:\d|%)(?:,?\s+(?P<year>{_YEAR})(?!\d))?{_E}"
        ),
        _week_of,
        keys=("month",),
    ),
    Rule(
        "timex.absolute",
        _r(
            rf"{_B}the\s+(?P<ord>first|1st|second|2nd|third|3rd|fourth|last|final)\s+week\s+of\s+"
            rf"(?P<mon>{_MONTH_ANY})\.?(?:,?\s+(?P<year>{_YEAR})(?!\d))?(?![\w])"
        ),
        _nth_week_of,
        keys=("month",),
    ),
    Rule(
        "timex.absolute",
        _r(
            rf"{_B}(?:(?P<pre>early|late|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of"
            rf"|the\s+middle\s+of)[\s-]*)?(?P<mon>{_MONTH_ANY}),?\s+(?:of\s+)?(?P<year>{_YEAR})(?!\d){_E}"
        ),
        _month_year,
        keys=("month",),
    ),
    Rule(
        "timex.absolute",
        _r(
            rf"{_B}(?:(?P<pre>early|late|mid)[\s-]*)?(?P<mon>{_MONTH_ANY})(?:\s+(?P<day>\d{{1,2}}))?,?\s+"
            rf"(?P<rel>this|last|next)\s+year{_E}"
        ),
        _month_rel_year,
        keys=("month",),
    ),
    Rule(
        "timex.partial-month",
        _r(
            rf"{_B}(?:(?P<pre>early|late|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of"
            rf"|the\s+middle\s+of|last|next|this\s+past|this\s+coming|this)[\s-]*)?"
            rf"(?P<mon>{_FULL_MONTHS}|Sept\.|Jan\.|Feb\.|Aug\.|Oct\.|Nov\.|Dec\.){_E}"
        ),
        _month_alone,
        keys=("month",),
    ),
    Rule(
        "timex.year",
        _r(
            rf"{_B}(?:{_PRE_PERIOD}[\s-]*|(?<![\w$£€#.,/:-]))(?P<year>\d{{4}})(?![\w%]|[.,/:]\d|-\d)"
        ),
        _year,
        keys=("digit",),
    ),
    Rule(
        "timex.day-range",
        _r(
            rf"{_B}(?P<rel>)(?P<wd>)(?P<mon>{_MONTH_ANY})\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?:\s?[-–]\s?|\s+(?:and|to|through)\s+)(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?![\d%:]|[.,]\d|\s+(?:{_UNIT_S}|{_MONTH_ANY}|percent|per|million|billion|people)\b)"
            rf"(?:,?\s+(?P<year>\d{{4}})(?!\d))?"
        ),
        _day_range_end,
        keys=("month",),
    ),
    Rule(
        "timex.duration-compound",
        _r(
            rf"{_B}(?:(?:{_APPROX})\s+)?(?P<n1>{_NUM})\s+(?P<u1>{_UNIT_S}),?\s+and\s+"
            rf"(?P<n2>{_NUM})\s+(?P<u2>{_UNIT_S}){_E}"
        ),
        _compound_duration,
        keys=("unit",),
    ),
    Rule(
        "timex.year-bc",
        _r(rf"{_B}(?P<year>[1-9]\d{{0,3}}|[1-9]\d{{0,2}},\d{{3}})\s*(?:BCE?|B\.C\.(?:E\.)?)(?!\w)"),
        _bc_year,
        keys=("bc",),
    ),
    Rule(
        "timex.year-range",
        _r(rf"{_B}(?P<y1>{_YEAR})\s?[-–]\s?(?P<y2>\d{{4}}|\d\d)(?![\w%]|[.,/:\-–]\d)"),
        _year_range_start,
        keys=("digit",),
    ),
    Rule(
        "timex.year-range",
        _r(rf"{_B}(?P<y1>{_YEAR})\s?[-–]\s?(?P<y2>\d{{4}}|\d\d)(?![\w%]|[.,/:\-–]\d)"),
        _year_range_end,
        keys=("digit",),
    ),
    Rule(
        "timex.decade",
        _r(
            rf"{_B}(?:the\s+)?(?:(?:early|mid|late)[\s-]*)?(?:(?P<c>1[5-9]|20)(?P<d>\d)0'?s"
            rf"|['’](?P<d2>\d)0'?s|(?P<d3>[1-9])0['’]s|(?P<w>{alternation(DECADE_WORDS)})){_E}"
        ),
        _decade,
        keys=("digit", "decade"),
    ),
    Rule(
        "timex.century",
        _r(
            rf"{_B}(?:the\s+)?(?:(?:early|mid|late)[\s-]*)?(?P<ord>\d{{1,2}}(?:st|nd|rd|th)|{_ORD_WORDS})[\s-]+century{_E}"
        ),
        _century,
        keys=("unit",),
    ),
    Rule(
        "timex.relative-weekday",
        _r(
            rf"{_B}(?:(?P<rel>last|next|this\s+coming|this\s+past|this|coming|the\s+previous"
            rf"|the\s+following|the\s+next|early|late|earlier|later)\s+)?(?P<wd>{_WEEKDAY})"
            rf"(?:\s+(?P<pod>{_POD}))?(?!\w|['’]?s\w)"
        ),
        _weekday,
        keys=("weekday",),
    ),
    Rule(
        "timex.deictic",
        _r(
            rf"{_B}(?:(?:early|late|earlier|later)\s+)?(?P<w>the\s+day\s+before\s+yesterday"
            rf"|the\s+day\s+after\s+tomorrow|yesterday|today|tomorrow|tonight|overnight)"
            rf"(?:\s+(?P<pod>morning|afternoon|evening|night))?{_E}"
        ),
        _deictic,
        keys=("deictic",),
    ),
    Rule(
        "timex.part-of-day",
        _r(rf"{_B}(?:(?:early|late|earlier|later)\s+)?(?P<rel>this|last)\s+(?P<pod>{_POD}){_E}"),
        _this_pod,
        keys=("pod",),
    ),
    Rule("timex.reference", _r(rf"{_B}(?:{alternation(_REF_WORDS)}){_E}"), _ref, keys=("ref",)),
    Rule(
        "timex.relative",
        _r(
            rf"{_B}(?:(?P<pre>early|late|mid|earlier|later|the\s+end\s+of|the\s+start\s+of"
            rf"|the\s+beginning\s+of|the\s+middle\s+of|the\s+rest\s+of|the\s+remainder\s+of"
            rf"|the\s+turn\s+of)[\s-]*(?:in\s+)?)?(?P<rel>last|this\s+coming|this\s+past|this|next"
            rf"|the\s+past|the\s+coming|the\s+current|the\s+latest|the\s+last|the\s+next|the|past"
            rf"|previous|coming|current)\s+(?:fiscal\s+|calendar\s+|full\s+)?"
            rf"(?P<unit>week|weekend|month|year|quarter|decade|century|spring|summer|fall|autumn"
            rf"|winter)(?:\s+or\s+so)?{_E}"
        ),
        _relative,
        keys=("unit", "season"),
    ),
    Rule(
        "timex.quarter",
        _r(
            rf"{_B}(?:the\s+(?:(?P<pyear>{_YEAR})\s+)?|(?P<prel>this|last|next)\s+year['’]s\s+)?"
            rf"(?P<adj>(?:(?:fiscal|calendar|latest|current|comparable|same|year-earlier"
            rf"|year-ago|previous|prior)[\s-]+)*)(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)"
            rf"[\s-]+(?:fiscal\s+|calendar\s+)?quarter(?:\s+of\s+(?:fiscal\s+)?(?P<year>{_YEAR}|this\s+year"
            rf"|last\s+year|next\s+year))?{_E}"
        ),
        _quarter,
        keys=("unit",),
    ),
    Rule(
        "timex.quarter",
        _r(
            rf"(?<![\w$£€#./-])(?:(?P<y1>{_YEAR})[\s/-]+)?(?P<code>Q[1-4]|H[12])"
            rf"(?:[\s/-]+(?P<y2>{_YEAR}))?(?![\w-])"
        ),
        _quarter_code,
        keys=("digit",),
    ),
    Rule(
        "timex.half",
        _r(
            rf"{_B}(?:the\s+)?(?P<ord>first|second|1st|2nd)\s+half\s+of\s+(?:(?:the\s+|this\s+)?year|(?P<year>{_YEAR})){_E}"
            rf"|{_B}the\s+(?P<ord2>first|second)\s+half(?![\w-]|\s+of\b)(?P<bare>)"
        ),
        _half,
        keys=("unit", "digit"),
    ),
    Rule(
        "timex.year-earlier",
        _r(
            rf"{_B}(?:the\s+)?(?:comparable\s+|same\s+)?(?:year-earlier|year-ago|year\s+earlier"
            rf"|year-before)(?:\s+(?P<noun>quarter|period|nine\s+months|six\s+months|months))?{_E}"
        ),
        _year_earlier,
        keys=("unit",),
    ),
    Rule(
        "timex.year-earlier",
        _r(
            rf"{_B}the\s+(?:(?:comparable|same|corresponding)\s+)?(?P<noun>quarter|period)\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year){_E}"
        ),
        _year_earlier,
        keys=("unit",),
    ),
    Rule(
        "timex.year-earlier",
        _r(
            rf"{_B}the\s+same\s+(?P<unit>day|week|weekend|month)\s+(?:(?:(?P<n>a|an|one|two|three"
            rf"|four|five|\d{{1,2}})\s+(?P<u2>year|month|week)s?\s+(?:ago|earlier|before))"
            rf"|last\s+(?P<u3>year|month|week)){_E}"
        ),
        _same_unit_earlier,
        anaphoric=True,
        keys=("unit",),
    ),
    Rule(
        "timex.ago",
        _r(
            rf"{_B}(?:{_APPROX}\s+)?(?:(?P<num>{_NUM})\s+)?(?:more\s+)?(?P<unit>{_UNIT_S})"
            rf"\s+(?:or\s+so\s+)?(?P<dir>ago|earlier|later|hence|from\s+now|from\s+today){_E}"
        ),
        _ago,
        keys=("unit", "pod"),
    ),
    Rule(
        "timex.time",
        # "at 1430 hours", "0600 hours": "hours" alone (no zone) makes a clock only after "at"
        # or with a leading zero; "1500 hours of flight time" stays a duration.
        _r(
            r"(?:(?<=\bat\s)(?P<h>[01]\d|2[0-3])|(?<![\w$£€#.,:/-])(?P<h0>0\d))(?P<mi>[0-5]\d)"
            r"\s+hours(?!\s+(?:of|a|per|to|and)\b)(?![\w])"
        ),
        _military_hours,
        keys=("digit",),
    ),
    Rule(
        "timex.duration",
        _r(
            rf"{_B}(?:(?P<mod>{_APPROX})\s+)?(?P<the>(?:the\s+|its\s+)?(?:(?:past|last|next|first|coming"
            rf"|previous|latest|final|following|initial|remaining|ensuing|preceding|same|full|entire"
            rf"|year-earlier)\s+)?)(?P<num>{_NUM})(?:(?:\s+(?P<join>to|or|and)\s+|\s*[-–]\s*(?=\d))(?P<num2>{_NUM}))?\s+"
            rf"(?:(?:more|additional|full|straight|consecutive|trading|business|working|long|extra"
            rf"|calendar|short|whole)\s+)?(?P<unit>{_UNIT_S})(?P<half>\s+and\s+a\s+half)?(?:\s+or\s+so|\s+or\s+more|\s+or\s+two)?{_E}"
        ),
        _duration,
        keys=("unit", "pod"),
    ),
    Rule(
        "timex.duration",
        _r(
            rf"{_B}(?P<mod>)(?P<the>)(?P<half>)(?P<num>{DIGITS}|{_NUMW}(?:-{_NUMW})*|several|few|many|multiple"
            rf"|single|half)-"
            rf"(?P<unit>second|minute|hour|day|night|week|month|year|decade|century)(?:-long)?(?![\w-])"
        ),
        _duration,
        keys=("unit",),
    ),
    Rule(
        "timex.duration",
        _r(
            rf"{_B}(?:(?P<mod>at\s+least|more\s+than|nearly|almost|about)\s+)?(?P<the>(?:the\s+)?"
            rf"(?:past|last|next|coming|previous|recent|first|final)\s+)(?P<num>)(?P<half>)"
            rf"(?P<unit>seconds|minutes|hours|days|weeks|months|years|decades|centuries|quarters){_E}"
        ),
        _duration,
        keys=("unit",),
    ),
    Rule(
        "timex.duration",
        _r(
            rf"{_B}(?P<mod>)(?P<the>)(?P<num>)(?P<half>)(?P<unit>decades|years|months|weeks|days|centuries"
            rf"|day|week|month|year|hour)-long{_E}"
        ),
        _duration,
        keys=("unit",),
    ),
    Rule(
        "timex.duration-vague",
        _r(
            rf"{_B}(?:for|within|over|after|in|of|{_LENGTH_VERBS})\s+(?:(?:up\s+to|at\s+least)\s+)?"
            rf"(?P<t>(?P<unit>{_BARE_UNITS})(?:\s+or\s+(?:even\s+)?{_BARE_UNITS})?){_E}"
            rf"(?!\s+(?:of|ago|old|earlier|later|before|after)\b)"
        ),
        _vague_duration,
        keys=("unit",),
    ),
    Rule(
        "timex.set",
        _r(
            rf"{_B}(?:(?:once|twice|thrice|(?:{_NUM}|several|many)\s+times)\s+(?:a|an|per|every|each)\s+"
            rf"(?P<target>{_UNIT})|(?:every|each)\s+(?:other\s+)?(?:(?P<num>{_NUM_WORDS}|{DIGITS})\s+)?"
            rf"(?P<target2>{_UNIT_S}|{_WEEKDAY}|{_FULL_MONTHS}|morning|afternoon|evening|night"
            rf"|spring|summer|autumn|fall|winter)"
            rf"|(?P<word>daily|weekly|monthly|annually|annual|yearly|hourly|nightly)){_E}"
        ),
        _set_dispatch,
        keys=("set", "unit"),
    ),
    Rule(
        "timex.set",
        _r(
            rf"{_B}(?:on\s+)?(?P<wd>(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))s{_E}"
        ),
        _plural_weekday,
        keys=("weekday",),
    ),
    Rule(
        "timex.time",
        _r(
            rf"{_B}(?:(?:about|around|approximately|shortly\s+(?:before|after)|just\s+(?:before|after))\s+)?"
            rf"(?:(?P<h>\d{{1,2}})(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ampm>[ap]\.\s?m\.?|[ap]m{_E})"
            rf"|(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?![\d:])"
            rf"|(?P<h4>[01]?\d|2[0-3])\.(?P<mi4>[0-5]\d)(?=\s+{_TZ}(?![\w]))"
            rf"|(?P<noon>noon|midnight|midday)"
            rf"|(?P<h3>\d{{1,2}}|{_NUMW})(?:\s+o['’]clock|\s+in\s+the\s+(?P<pod>morning|afternoon|evening|night)))"
            rf"(?:\s+(?P<tz>{_TZ})(?![\w])|\s+local\s+time)?"
        ),
        _clock,
        keys=("digit", "clock"),
    ),
    Rule(
        "timex.time",
        _r(
            rf"(?<![\w$£€#.,:/-])(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)(?:\s*(?P<tz>GMT|UTC|Z|Zulu)"
            rf"|\s+(?:(?P<tz2>{_TZ})|hrs\b|hours\s+(?:(?P<tz3>GMT|UTC)|local\s+time)))(?![\w])"
        ),
        _military,
        keys=("digit",),
    ),
    Rule(
        "timex.holiday",
        _r(
            rf"{_B}(?:(?P<the>the)\s+)?(?:(?P<rel>last|next|this)\s+)?(?P<name>christmas\s+day|christmas\s+eve|christmas"
            rf"|new\s+year['’]s\s+day|new\s+year['’]s\s+eve|boxing\s+day|halloween|valentine['’]s\s+day"
            rf"|independence\s+day|bastille\s+day|bonfire\s+night|guy\s+fawkes\s+night|armistice\s+day"
            rf"|veterans\s+day|st\.?\s+patrick['’]s\s+day|thanksgiving\s+day|thanksgiving|labor\s+day"
            rf"|memorial\s+day|martin\s+luther\s+king\s+day|election\s+day|easter\s+sunday"
            rf"|easter\s+monday|easter|good\s+friday|black\s+friday|cyber\s+monday|ash\s+wednesday"
            rf"|palm\s+sunday|maundy\s+thursday|shrove\s+tuesday|super\s+tuesday)(?P<we>\s+(?:holiday\s+)?weekend)?"
            rf"(?:,?\s+(?P<year>{_YEAR}))?{_E}"
        ),
        _holiday,
        keys=("holiday",),
    ),
    Rule(
        "timex.anaphoric",
        _r(
            rf"{_B}(?:(?:early|late|earlier|later)\s+)?(?:(?P<which>the\s+next|the\s+following"
            rf"|the\s+previous|the\s+preceding|the\s+prior|the\s+same|that\s+same|that)\s+"
            rf"(?P<unit>day|morning|afternoon|evening|night|week|month|year)|the\s+day\s+(?P<ba>before|after))"
            rf"(?!\s+(?:of|that|when|in|to|after|before)\b|\w)"
        ),
        _anaphoric_day,
        anaphoric=True,
        keys=("unit", "pod"),
    ),
    Rule(
        "timex.anaphoric",
        _r(
            rf"{_B}(?P<which>that|that\s+same|the\s+same|the\s+following|the\s+next"
            rf"|the\s+previous|the\s+preceding)\s+(?P<season>spring|summer|autumn|fall|winter)"
            rf"(?!\s+of\b|[\w-])"
        ),
        _season_of_story,
        anaphoric=True,
        keys=("season",),
    ),
    Rule(
        "timex.anaphoric",
        _r(
            rf"{_B}(?:(?P<mon>{_FULL_MONTHS})(?:\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?)?"
            rf"|(?:the\s+)?(?P<season>spring|summer|autumn|fall|winter))\s+of\s+(?P<which>that"
            rf"|that\s+same|the\s+same|the\s+following|the\s+next|the\s+previous)\s+year{_E}"
        ),
        _of_that_year,
        anaphoric=True,
        keys=("month", "season"),
    ),
    Rule(
        "timex.anaphoric",
        _r(
            rf"{_B}(?:on|for|over|(?:later|earlier)\s+in)\s+(?P<t>the\s+day)(?![\w-]|['’]s|\s*\(|\s+(?:of|that|when|before"
            rf"|after|in|on|to|he|she|they|we|it|i|you|his|her|their|our|my|ahead|{_WEEKDAY})\b)"
        ),
        _the_day,
        anaphoric=True,
        keys=("unit",),
    ),
    Rule(
        "timex.year",
        _r(
            rf"{_B}the\s+(?P<year>{_YEAR})\s+(?P<noun>period|quarter|fiscal\s+year|season|year){_E}"
        ),
        _period_year,
        keys=("digit",),
    ),
    Rule(
        "timex.season-year",
        _r(
            rf"{_B}(?:the\s+)?(?:(?:early|late|mid)[\s-]*)?(?P<season>spring|summer|autumn|fall"
            rf"|winter)(?:\s+of)?,?\s+(?:(?P<year>{_YEAR})(?![\w%]|[.,/:]\d|-\d)"
            rf"|(?:the\s+year\s+)?(?P<c>nineteen|twenty)[\s-]+(?P<y>{_SPOKEN_YY})(?![\w-])"
            rf"(?P<c2>(?!))?(?P<y2>(?!))?)"
        ),
        _season_year,
        keys=("season",),
    ),
    Rule(
        "timex.year",
        _r(rf"{_B}(?:around\s+)?(?:year[\s-]end|year['’]s\s+end){_E}"),
        _year_end,
        keys=("unit",),
    ),
    Rule(
        "timex.year",
        _r(
            rf"{_B}(?:the\s+year\s+)?(?P<c>nineteen|twenty)[\s-]+(?P<y>{_SPOKEN_YY})(?![\w-])"
            rf"|{_B}(?:the\s+year\s+)?(?P<c2>two\s+thousand)(?:\s+(?:and\s+)?(?P<y2>{_UNITS_WORDS}"
            rf"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?{_E}"
        ),
        _spoken_year,
        keys=("spoken",),
    ),
    Rule(
        "timex.quarter",
        _r(rf"{_B}the\s+(?:latest|most\s+recent)\s+(?:period|three\s+months){_E}"),
        _latest_period,
        keys=("unit", "period"),
    ),
)


def _trigger_table() -> dict[str, tuple[str, ...]]:
    classes: dict[str, list[str]] = {
        "month": list(MONTHS),
        "weekday": [w for d in WEEKDAYS for w in (d, d + "s")],
        "deictic": ["yesterday", "today", "tomorrow", "tonight", "overnight"],
        "holiday": [
            "christmas",
            "year",
            "boxing",
            "halloween",
            "valentine",
            "independence",
            "bastille",
            "bonfire",
            "fawkes",
            "armistice",
            "veterans",
            "patrick",
            "thanksgiving",
            "labor",
            "memorial",
            "luther",
            "election",
            "easter",
            *("friday", "black", "cyber", "ash", "palm", "maundy", "shrove", "super"),
        ],
        "unit": [
            w
            for u in (
                *("second", "minute", "hour", "day", "night", "week", "weekend", "fortnight"),
                *("month", "quarter", "year", "decade", "centuries", "century"),
            )
            for w in (u, u + "s")
        ],
        "decade": list(DECADE_WORDS),
        "season": list(SEASONS),
        "ref": [
            *("now", "current", "currently", "recent", "recently", "lately", "past", "future"),
            *("present", "nowadays", "these"),
        ],
        "set": [
            *("daily", "weekly", "monthly", "annually", "annual", "yearly", "hourly", "nightly"),
            "every",
            *("each", "once", "twice", "thrice", "times"),
        ],
        "pod": ["morning", "afternoon", "evening", "night", "mornings", "nights"],
        "clock": ["noon", "midnight", "midday", "clock"],
        "spoken": ["nineteen", "twenty", "thousand"],
        "period": ["period"],
        "bc": ["bc", "bce", "b"],  # "800 BC", "9500 BCE", "1200 B.C."
    }
    table: dict[str, list[str]] = {}
    for name, words in classes.items():
        for w in words:
            table.setdefault(w, []).append(name)
    return {w: tuple(names) for w, names in table.items()}


# Lower-cased word -> the trigger classes it belongs to (digits are the class "digit"); see
# ``Rule.keys``.
TRIGGER_WORDS: dict[str, tuple[str, ...]] = _trigger_table()
