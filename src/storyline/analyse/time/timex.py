"""Time-expression tagging (TIMEX3): find dates, times, durations and sets in text and
normalise them against the document's creation date.

Pure Python over precompiled regexes (no parser, no model) so that it runs on every article at
tens of thousands of words a second. The grammar lives in :mod:`timex_rules`; this module runs
the rules, settles overlaps (the longest reading wins), re-resolves the expressions that count
from an earlier mention in document order, and joins a date with an adjacent clock time.

Values follow TimeML/TempEval-3: ``2024-10-24``, ``2024-W43``, ``2024-W26-WE``, ``2024-Q3``,
``199`` (the 1990s), ``PRESENT_REF``, ``P5D``, ``PT2H``, ``PXY``, ``2024-10-24T22:00``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, replace

from storyline.analyse.time.calendar import make_date
from storyline.analyse.time.context import Context
from storyline.analyse.time.rules import CONF_ABSOLUTE, RULES, TRIGGER_WORDS, Norm, Rule

__all__ = ["Timex", "tag_timexes"]

# How much text around a trigger word a rule's match can span (characters before / after the
# trigger's start): the longest expressions ("at least the past twenty-four hours") fit well.
WINDOW_BEFORE = 64
WINDOW_AFTER = 72
_TOKEN = re.compile(r"[a-z]+|[0-9]+")
# A day-level DATE value: these move the reference point for "the next day" and clock times.
_DAY_VALUE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)$")
# Any calendar DATE value's year (and month): "1998", "1998-06", "1998-Q3", "1998-06-05".
_YEAR_MONTH_VALUE = re.compile(r"^(\d{4})(?:-(\d\d)(?!\d))?")
# A season's value ("2022-WI") and the month it begins in.
_SEASON_VALUE = re.compile(r"^\d{4}-(SP|SU|FA|WI)$")
_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# A date written out with its year ("June 2, 1944", "2 June 1944", "1944-06-02").
_FULL_YEAR = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)")
_CLOCK_VALUE = re.compile(r"^(?:\d{4}-\d\d-\d\d|XXXX-XX-XX)(T\d\d(?::\d\d)?Z?)$")
# What may separate a date from the clock time it goes with ("Friday, 10 p.m.").
_JOIN_GAP = re.compile(r"^[ ,]{0,3}(?:at\s+)?$")
# "the week ended May 10", "the week to Friday": the week is the one that day ends.
_WEEK_NOUN = re.compile(r"^(?:the|that)\s+week$", re.IGNORECASE)
_WEEK_ENDING_GAP = re.compile(r"^\s+(?:ended|ending|ends|to|through)\s+(?:on\s+)?$")
# A page's stamp may name the weekday between them, abbreviated ("3:45 PM ET, Tue May 14, 2024").
_JOIN_GAP_TIME_FIRST = re.compile(
    r"^[ ,]{0,3}(?:on\s+)?(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?,?\s+)?$"
)
# A dated piece of correspondence the article quotes: "In an email dated March 3, 2019, she
# wrote: “I will see you on Friday.”" Its own relative expressions ("Friday", "yesterday")
# count from its date, not from the article's.
_CORRESPONDENCE_BEFORE = re.compile(
    r"\b(?:e-?mails?|letters?|memos?|memorandum|messages?|notes?|texts?|posts?|tweets?|diary"
    r"|diaries|entry|cables?|telegrams?|faxe?s?)\b[^.!?\"“”\n]{0,60}$",
    re.IGNORECASE,
)
# From the date to the opening quotation mark: the rest of the clause ("she wrote:").
_TO_QUOTE = re.compile(r"[^.!?\"“”\n]{0,80}?([\"“])")
_CLOSING = {"“": "”", '"': '"'}


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression: ``text[start:end]`` with its TIMEX3 type and normalised value."""

    start: int
    end: int
    text: str
    type: str
    value: str
    confidence: float
    method: str


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    order: int
    rule: Rule
    match: re.Match[str]
    norm: Norm


def _span(m: re.Match[str], norm: Norm) -> tuple[int, int]:
    if norm.start >= 0:
        return norm.start, norm.end
    return m.start(), m.end()


def _windows(text: str) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """For each rule's trigger classes, the merged stretches of text around their words.

    Scanning only these (instead of the whole text once per rule) is what makes the tagger fast:
    most of a news article is nowhere near a time word.
    """
    low = text.lower()
    if len(low) != len(text):
        # A few characters lower-case to two; keep offsets aligned by leaving those alone.
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    by_class: dict[str, list[int]] = {"digit": []}
    digits = by_class["digit"]
    words = TRIGGER_WORDS
    for m in _TOKEN.finditer(low):
        tok = m.group()
        if tok[0] <= "9":
            digits.append(m.start())
            continue
        classes = words.get(tok)
        if classes is not None:
            for k in classes:
                by_class.setdefault(k, []).append(m.start())
    out: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    n = len(text)
    for rule in RULES:
        if rule.keys in out:
            continue
        starts = sorted(p for k in rule.keys for p in by_class.get(k, ()))
        spans: list[tuple[int, int]] = []
        for p in starts:
            s, e = max(0, p - WINDOW_BEFORE), min(n, p + WINDOW_AFTER)
            if spans and s <= spans[-1][1]:
                spans[-1] = (spans[-1][0], e)
            else:
                spans.append((s, e))
        # End windows at whitespace so that no match is cut short mid-word by ``endpos``.
        fixed: list[tuple[int, int]] = []
        for s, e in spans:
            ws = text.find(" ", e)
            e = n if ws < 0 else ws
            if fixed and s <= fixed[-1][1]:
                fixed[-1] = (fixed[-1][0], max(e, fixed[-1][1]))
            else:
                fixed.append((s, e))
        out[rule.keys] = fixed
    return out


def _candidates(ctx: Context) -> list[_Candidate]:
    text = ctx.text
    windows = _windows(text)
    found: list[tuple[int, int, int, Rule, re.Match[str]]] = []
    for order, rule in enumerate(RULES):
        finditer = rule.pattern.finditer
        for s, e in windows[rule.keys]:
            for m in finditer(text, s, e):
                if m.end() > m.start():
                    found.append((m.start(), -m.end(), order, rule, m))
    # Document order, so that rules which remember what came before see it in sequence.
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    out: list[_Candidate] = []
    for _, _, order, rule, m in found:
        norm = rule.handler(m, ctx)
        if norm is None:
            continue
        start, end = _span(m, norm)
        out.append(_Candidate(start, end, order, rule, m, norm))
    return out


def _select(cands: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates, longest first, earlier rules winning ties."""
    chosen: list[_Candidate] = []
    # Taken spans stay disjoint, so sorted starts and ends line up: one bisect finds the only
    # neighbours a new span could overlap.
    starts: list[int] = []
    ends: list[int] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.order, c.start)):
        i = bisect.bisect_left(starts, c.start)
        if i < len(starts) and starts[i] < c.end:
            continue
        if i > 0 and ends[i - 1] > c.start:
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return chosen


def _join_clock_times(text: str, items: list[Timex]) -> list[Timex]:
    """ "Friday 10 p.m." and "9 a.m. EST Tuesday" become one TIME on that day."""
    out: list[Timex] = []
    i = 0
    while i < len(items):
        cur = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is not None:
            gap = text[cur.end : nxt.start]
            day_first = _DAY_VALUE.match(cur.value) and cur.type == "DATE"
            clock_next = nxt.method == "timex.time" and _CLOCK_VALUE.match(nxt.value)
            if day_first and clock_next and _JOIN_GAP.match(gap):
                clock = _CLOCK_VALUE.match(nxt.value)
                assert clock is not None
                out.append(_merged(text, cur, nxt, cur.value + clock.group(1), cur.method))
                i += 2
                continue
            week_end = _DAY_VALUE.match(nxt.value) if nxt.type == "DATE" else None
            if (
                week_end
                and _WEEK_NOUN.match(cur.text)
                and _WEEK_ENDING_GAP.match(gap)
                and (day := make_date(*map(int, week_end.groups()))) is not None
            ):
                # "the week ended May 10": the week that day closes, not the document's.
                iso = day.isocalendar()
                cur = replace(cur, value=f"{iso[0]:04d}-W{iso[1]:02d}")
            clock_first = cur.method == "timex.time" and _CLOCK_VALUE.match(cur.value)
            day_next = _DAY_VALUE.match(nxt.value) and nxt.type == "DATE"
            if clock_first and day_next and _JOIN_GAP_TIME_FIRST.match(gap) and "on" not in gap:
                clock = _CLOCK_VALUE.match(cur.value)
                assert clock is not None
                out.append(_merged(text, cur, nxt, nxt.value + clock.group(1), nxt.method))
                i += 2
                continue
        out.append(cur)
        i += 1
    return out


def _merged(text: str, a: Timex, b: Timex, value: str, method: str) -> Timex:
    return Timex(
        a.start,
        b.end,
        text[a.start : b.end],
        "TIME",
        value,
        min(a.confidence, b.confidence),
        method,
    )


def _quoted_correspondence(
    text: str, start: int, end: int, day: dt.date
) -> tuple[int, Context] | None:
    """If the date at ``text[start:end]`` dates a letter or email that the text then quotes,
    the end of that quotation and a context anchored on the letter's date."""
    if _CORRESPONDENCE_BEFORE.search(text, max(0, start - 80), start) is None:
        return None
    opening = _TO_QUOTE.match(text, end)
    if opening is None:
        return None
    close = text.find(_CLOSING[opening.group(1)], opening.end())
    if close < 0:
        return None
    return close, Context(text, day)


def tag_timexes(text: str, anchor: dt.date | None = None) -> list[Timex]:
    """All time expressions in ``text``, in document order.

    ``anchor`` is the document creation time (an article's publication date): relative
    expressions ("yesterday", "last week", "on Friday") resolve against it. Without one, their
    values keep the unknown parts as ``X`` ("XXXX-WXX-5").
    """
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    chosen = _select(_candidates(Context(text, anchor)))
    # Second pass in document order with fresh state: a rule's reading may depend on what the
    # text said just before it (the last date mentioned, the quarter under discussion).
    ctx = Context(text, anchor)
    items: list[Timex] = []
    # A quotation from dated correspondence: (end of quote, its context anchored on its date).
    quoted: tuple[int, Context] | None = None
    for c in chosen:
        if quoted is not None and c.start >= quoted[0]:
            quoted = None
        here = ctx if quoted is None else quoted[1]
        norm = c.rule.handler(c.match, here) or c.norm
        start, end = _span(c.match, norm)
        items.append(
            Timex(start, end, text[start:end], norm.type, norm.value, norm.confidence, c.rule.name)
        )
        day = _DAY_VALUE.match(norm.value) if norm.type == "DATE" else None
        ref = None if day is None else make_date(int(day[1]), int(day[2]), int(day[3]))
        if here is not ctx:
            # Inside the quoted letter: its dates move the letter's own reference ("tomorrow
            # or the day after"), never the article's.
            if ref is not None:
                here.ref_day = ref
            continue
        if ref is not None:
            ctx.ref_day = ref
            if (
                norm.confidence >= CONF_ABSOLUTE
                and _FULL_YEAR.search(text, start, end)
                and (anchor is None or ref.year != anchor.year)
            ):
                ctx.story_day, ctx.story_pos = ref, end
            quoted = _quoted_correspondence(text, start, end, ref)
        coarse = _YEAR_MONTH_VALUE.match(norm.value)
        if coarse is not None and norm.type == "DATE":
            ctx.ref_year = int(coarse[1])
            if coarse[2] and 1 <= int(coarse[2]) <= 12:
                ctx.ref_month = (int(coarse[1]), int(coarse[2]))
            elif (season := _SEASON_VALUE.match(norm.value)) is not None:
                # A season names its months too: "That winter ... the previous summer".
                ctx.ref_month = (int(coarse[1]), _SEASON_MONTH[season[1]])
    return _join_clock_times(text, items)
