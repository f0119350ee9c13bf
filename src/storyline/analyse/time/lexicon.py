"""Word lists and regex fragments for the time-expression tagger.

Kept apart from the rules so that the vocabulary can grow without touching the grammar. All
fragments are written for ``re.IGNORECASE``; rules that care about capitalisation (month names
that double as verbs or first names) check the matched text themselves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from storyline.analyse.lang.words import MONTHS

__all__ = [
    "DECADE_WORDS",
    "DIGITS",
    "MAX_COUNT",
    "MONTHS",
    "NUMBER_WORDS",
    "ORDINALS",
    "PART_OF_DAY",
    "SCALE_WORDS",
    "SEASONS",
    "TIMEZONES",
    "UNITS",
    "VAGUE_NUMBERS",
    "WEEKDAYS",
    "alternation",
    "parse_number",
]

# Monday is 0, as in ``date.weekday()``; TIMEX3 writes Monday as 1.
WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "a": 1,
    "an": 1,
    "a single": 1,
    "a couple of": 2,
    "couple of": 2,
    "a couple": 2,
    "a dozen": 12,
    "dozen": 12,
    "half a": 0,
    "half an": 0,
}

# Quantities that say "some number of": the value gets an X instead of a digit.
VAGUE_NUMBERS: frozenset[str] = frozenset(
    {"few", "a few", "several", "some", "many", "a number of", "numerous"}
)

ORDINALS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "twenty-first": 21,
    "twenty-second": 22,
    "twenty-third": 23,
    "twenty-fourth": 24,
    "twenty-fifth": 25,
    "twenty-sixth": 26,
    "twenty-seventh": 27,
    "twenty-eighth": 28,
    "twenty-ninth": 29,
    "thirtieth": 30,
    "thirty-first": 31,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "final": 4,
    "last": 4,
}

# Unit word -> (TIMEX3 duration letter, is a clock unit that needs the "T" designator).
UNITS: dict[str, tuple[str, bool]] = {
    "second": ("S", True),
    "minute": ("M", True),
    "hour": ("H", True),
    "day": ("D", False),
    "night": ("D", False),
    "week": ("W", False),
    "weekend": ("WE", False),
    "fortnight": ("W", False),
    "month": ("M", False),
    "quarter": ("Q", False),
    "year": ("Y", False),
    "decade": ("DE", False),
    "century": ("CE", False),
}

SEASONS: dict[str, str] = {
    "spring": "SP",
    "summer": "SU",
    "fall": "FA",
    "autumn": "FA",
    "winter": "WI",
}

PART_OF_DAY: dict[str, str] = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "night": "NI",
    "overnight": "NI",
    "tonight": "NI",
}

DECADE_WORDS: dict[str, int] = {
    "twenties": 2,
    "thirties": 3,
    "forties": 4,
    "fifties": 5,
    "sixties": 6,
    "seventies": 7,
    "eighties": 8,
    "nineties": 9,
}

TIMEZONES: tuple[str, ...] = (
    "GMT",
    "UTC",
    "BST",
    "CET",
    "CEST",
    "EST",
    "EDT",
    "CST",
    "CDT",
    "MST",
    "MDT",
    "PST",
    "PDT",
    "ET",
    "PT",
)


def alternation(words: Iterable[str]) -> str:
    """A non-capturing regex alternation, longest words first so that prefixes do not win."""
    items = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items) + ")"


# A count written in digits: plain ("3000"), or in groups of three split by commas ("3,000"), by
# spaces ("1 000", also no-break and thin spaces) or by dots when there are at least two of them
# ("1.000.000"). A single dot stays a decimal point ("3.000" is 3): English news writes
# thousands with commas, and one group cannot tell the two styles apart. The lookbehind keeps
# a match from starting inside a grouped number ("000 years" out of "3,000 years").
DIGITS = (
    r"(?<!\d[,.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?!\d)"
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.])|\d+)"
)
# Counts above this are not written out in a value ("99999999999999999999 years" is "PXY"):
# floats hold integers exactly only up to 2**53, and Python refuses to convert ints of more
# than 4300 digits to or from text.
MAX_COUNT = 10**15
_MAX_COUNT_DIGITS = len(str(MAX_COUNT))

# Words that multiply the group before them ("4.5 billion", "two thousand").
SCALE_WORDS = ("thousand", "million", "billion", "trillion")
_NUMBER_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
# Group separators inside one number, removed before reading it: "3,000", "1 000", "1.000.000".
_GROUP_SEP = re.compile(r"(?<=\d)[, ](?=\d{3}(?!\d))")
_DOT_GROUPS = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{3}){2,}(?![\d.])")


def _count(token: str) -> float:
    """A digit token's value, ``math.inf`` beyond ``MAX_COUNT`` (read without converting it)."""
    whole = token.partition(".")[0].lstrip("0")
    if len(whole) > _MAX_COUNT_DIGITS:
        return math.inf
    value = float(token)
    return value if value <= MAX_COUNT else math.inf


def parse_number(text: str) -> float | None:
    """The value of a cardinal written in digits or words ("twenty four", "2 1/2", "3,000",
    "a couple of").

    Returns ``None`` for vague quantities ("several", "a few") and ``math.inf`` for counts
    over ``MAX_COUNT``, which no value writes out. Linear in the length of ``text``.
    """
    t = " ".join(text.lower().replace("-", " ").split())
    t = _DOT_GROUPS.sub(lambda m: m[0].replace(".", ""), t)
    t = _GROUP_SEP.sub("", t).replace(",", "")
    if t in VAGUE_NUMBERS:
        return None
    if t in ("half a", "half an"):
        return 0.5  # "half a century", "half an hour"
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    half = 0.0
    if t.endswith(" 1/2") or t.endswith(" and a half"):
        half = 0.5
        t = t.rsplit(" 1/2", 1)[0].rsplit(" and a half", 1)[0]
    total = 0.0
    current = 0.0
    for tok in _NUMBER_TOKEN.findall(t):
        if tok[0].isdigit():
            current += _count(tok)
        elif tok == "hundred":
            current = max(current, 1.0) * 100
        elif tok in SCALE_WORDS:
            # "two million five hundred thousand": each scale closes a group of the total.
            total += max(current, 1.0) * NUMBER_WORDS[tok]
            current = 0.0
        elif tok in NUMBER_WORDS:
            current += NUMBER_WORDS[tok]
        elif tok == "and":
            continue
        else:
            return None
    value = total + current + half
    return value if value <= MAX_COUNT else math.inf
