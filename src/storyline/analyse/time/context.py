"""What a time-expression rule may consult besides its own match: the anchor, the tense of the
surrounding words, and the dates the document has already mentioned.

The tense guess is deliberately shallow (a few words either side, no parser): it only has to
decide whether "Friday" or "in May" points back or forward from the document date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

__all__ = ["Context", "Tense"]

Tense = Literal["past", "present", "future", ""]

# How far (in words) either side of an expression the tense guess looks.
TENSE_WINDOW_WORDS = 9
# When those windows hold no tense, the rest of the sentence (up to 160 characters either side)
# is read too, for a future or present verb only.
WIDEN_TO_SENTENCE = True
# How far (in characters) a remembered quarter still decides what "a year ago" means.
QUARTER_MEMORY_CHARS = 600

# A full stop ends a sentence unless it closes a common abbreviation ("a.m.", "Mr.", "U.S.").
# The lookahead first: otherwise every character of the text pays for the twenty lookbehinds
# (a tense lookup took 0.7 ms; a text dense with dates was tagged at 10,000 characters a second).
_SENTENCE_END = re.compile(
    r"(?=[.!?;])(?<!\b[A-Za-z])(?<!\bMrs)(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bJan)(?<!\bFeb)(?<!\bAug)"
    r"(?<!\bSept)(?<!\bOct)(?<!\bNov)(?<!\bDec)(?<!\bGov)(?<!\bSen)(?<!\bRep)(?<!\bGen)(?<!\bCorp)"
    r"(?<!\bInc)(?<!\bCo)(?<!\bLt)(?<!\bCol)(?<!\bNo)[.!?;][\"'”’)]*\s+(?=[\"'“‘(`]*[A-Z])|\n\s*\n"
)
# Cheap pre-check: most windows hold no sentence end at all.
_MAYBE_END = re.compile(r"[.!?;]\S*\s|\n\s*\n")
# An attribution closing the clause ("rain from Thursday, forecasters said on Tuesday", "..., said
# the minister"): the reporting verb dates the report, not what it reports, so the tense guess
# stops at its comma.
_ATTRIBUTION_AFTER = re.compile(
    r",\s*[\"'”’]?\s*(?:(?:[A-Za-z][\w.'’-]*\s+){1,4}(?:said|says|told|added|according)"
    r"|(?:said|says|added|according)\b)"
)
# Words that are tense-bearing on the left ("since", "ago" right before a date say where it
# lies) but on the right open or close another time expression ("on Saturday in the first game
# since March"), which says nothing about this one.
_LEFT_ONLY = frozenset({"since", "ago"})
# A word, not the letters of "5am" or "2pm" ("am" would read as the present tense).
_WORD = re.compile(r"\b[A-Za-z]+(?:['’][a-z]+)?")

_FUTURE = frozenset(
    {
        "will",
        "shall",
        "won't",
        "wont",
        "going",
        "expected",
        "expects",
        "expect",
        "plans",
        "plan",
        "planning",
        "scheduled",
        "due",
        "upcoming",
        "next",
        "would",
        "intends",
        "until",
        "till",
        "aims",
        "hopes",
        "tomorrow",
        "coming",
        "planned",
        "soon",
        "if",
        "unless",
        # Present modals speak of what is still possible: "City can clinch the title on
        # Sunday", "winds could reach 80mph on Thursday night".
        "can",
        "could",
    }
)
# Besides "is"/"says": the present of scheduled events ("the summit ends Friday", "she travels
# Monday"), which news uses for what is still to come.
_PRESENT = frozenset(
    {
        *("is", "are", "am", "says", "say", "remains", "begins", "starts", "opens"),
        *("ends", "closes", "meets", "arrives", "leaves", "travels", "visits", "expires"),
        *("resumes", "returns", "kicks", "faces", "heads"),
        # The same schedule with a plural subject ("Celtic host Rangers on Saturday", "the
        # leaders meet on Friday"), and the fixtures' own verbs ("plays", "goes on display").
        *("goes", "plays", "hosts", "host", "face", "meet", "travel", "visit", "head"),
    }
)
# Of those, the ones as often nouns ("head of state", "a visit to Paris", "the face of"): a verb
# only before "to" or a name ("travel to Munich", "face Bayern") and after no determiner.
_NOUN_LIKE_PRESENT = frozenset({"host", "face", "meet", "travel", "visit", "head"})
_PAST = frozenset(
    {
        "said",
        "was",
        "were",
        "had",
        "did",
        "told",
        "ago",
        "last",
        "earlier",
        "went",
        "came",
        "took",
        "made",
        "gave",
        "met",
        "won",
        "lost",
        "left",
        "held",
        "began",
        "saw",
        "found",
        "got",
        "fell",
        "rose",
        "sent",
        "led",
        "spoke",
        "wrote",
        "broke",
        "brought",
        "bought",
        "sold",
        "paid",
        "ran",
        "became",
        "chose",
        "drew",
        "flew",
        "fought",
        "grew",
        "kept",
        "knew",
        "shot",
        "spent",
        "stood",
        "struck",
        "thought",
        "threw",
        "felt",
        "heard",
        "meant",
        "yesterday",
        "been",
        "since",
        "fled",
        "sank",
        "stole",
        "wore",
        "hid",
        "rode",
        "drove",
        "froze",
        "forgot",
        "withdrew",
        "arose",
        "caught",
        "dealt",
        "fed",
        "hung",
        "laid",
        "lent",
        "sought",
        "taught",
        "understood",
        "upheld",
        # More irregular pasts, which the "-ed" test misses.
        *("tore", "swore", "bore", "woke", "spun", "slid", "shook", "stuck", "swept", "wept"),
        *("slept", "bent", "bled", "dug", "flung", "forbade", "forgave", "overcame", "rang"),
        *("sang", "shone", "shrank", "sprang", "strode", "swam", "swung", "underwent", "ate"),
        *("undertook", "blew", "built", "clung", "crept", "drank", "knelt", "overtook", "sat"),
        *("withheld", "foresaw", "mistook", "oversaw", "rebuilt"),
    }
)
# Auxiliaries after which a participle is not itself the tense ("will be closed", "to be
# redeemed", "has been sold"): the auxiliary before it decides.
_PASSIVE_AUX = frozenset({"be", "being", "get", "to", "is", "are", "am"})
# Words ending in -ed that are not past-tense verbs in news prose.
_NOT_PAST_ED = frozenset(
    {
        "need",
        "needed",
        "indeed",
        "speed",
        "seed",
        "feed",
        "proceed",
        "succeed",
        "exceed",
        "bed",
        "red",
        "united",
        "limited",
        "scheduled",
        "expected",
        "proposed",
        "supposed",
        "interested",
        "concerned",
        "detailed",
        "related",
        "based",
        "embattled",
        "breed",
        "greed",
        "shed",
        "hundred",
        "deed",
        "heed",
        "reed",
        "weed",
        "aged",
        "bred",
        "wed",
    }
)


# "un-...-ed" words are adjectives ("an unspecified date", "markets untouched by the crisis",
# "unchanged"), never a verb's past tense ("under", "unite" start otherwise).
_UN_ADJECTIVE = re.compile(r"un(?!der|ite|it)[a-z]{3,}ed$")


def _classify(word: str) -> Tense:
    w = word.lower().replace("’", "'")
    if w in _FUTURE or w.endswith("'ll"):
        return "future"
    if w in _PAST or w.endswith("'d"):
        return "past"
    if w in _PRESENT:
        return "present"
    if len(w) > 3 and w.endswith("ed") and w not in _NOT_PAST_ED and not _UN_ADJECTIVE.match(w):
        return "past"
    return ""


def _set_ahead(words: list[str]) -> list[str]:
    return [
        "due" if w == "set" and i + 1 < len(words) and words[i + 1] in ("to", "for") else w
        for i, w in enumerate(words)
    ]


def _had_before(words: list[str], j: int) -> bool:
    """ "had been scheduled to", "had been due to": a plan that was overtaken, so the past."""
    return any(w.lower() == "had" for w in words[max(0, j - 2) : j])


def _passive(word: str) -> bool:
    return word.lower() in _PASSIVE_AUX


class Context:
    """Per-document state shared by the rules while one text is tagged."""

    __slots__ = (
        "anchor",
        "last_quarter",
        "last_quarter_pos",
        "ref_day",
        "ref_month",
        "ref_year",
        "story_day",
        "story_pos",
        "text",
    )

    def __init__(self, text: str, anchor: dt.date | None) -> None:
        self.text = text
        self.anchor = anchor
        # The last day-level date the text mentioned: what "the next day" counts from.
        self.ref_day: dt.date | None = anchor
        # The last month and year the text mentioned at any granularity: what "that year" and
        # "the following month" count from ("in June 1998 ... later that year").
        self.ref_month: tuple[int, int] | None = (
            None if anchor is None else (anchor.year, anchor.month)
        )
        self.ref_year: int | None = None if anchor is None else anchor.year
        # The last quarter mentioned (year, quarter) and where: earnings reports compare
        # "a year ago" with the same quarter of the previous year.
        self.last_quarter: tuple[int, int] | None = None
        self.last_quarter_pos = -(10**9)
        # The last date written out in full (day, month and year) in another year than the
        # anchor's, and where it ended: a narrative set in that time ("dated June 2, 1944 ...
        # landed in Normandy on June 6") gives its year-less days that year.
        self.story_day: dt.date | None = None
        self.story_pos = -(10**9)

    def tense(self, start: int, end: int) -> Tense:
        """The tense of the nearest tense-bearing word around ``text[start:end]``."""
        text = self.text
        left = text[max(0, start - 160) : start]
        if _MAYBE_END.search(left):
            cuts = [c.end() for c in _SENTENCE_END.finditer(left)]
            if cuts:
                left = left[cuts[-1] :]
        right = text[end : end + 160]
        if _MAYBE_END.search(right):
            stop = _SENTENCE_END.search(right)
            if stop is not None:
                right = right[: stop.start()]
        if "," in right:
            said = _ATTRIBUTION_AFTER.search(right)
            if said is not None:
                right = right[: said.start()]
        lw = _WORD.findall(left)[-TENSE_WINDOW_WORDS:]
        rw = _WORD.findall(right)[:TENSE_WINDOW_WORDS]
        if "set" in lw or "set" in rw:
            # "set to resume", "set for Monday": a schedule, not the past tense of "set".
            lw, rw = _set_ahead(lw), _set_ahead(rw)
        # The expression's own clause first: in "The crew, who arrived in March, will return"
        # the verb that governs "March" is "arrived", though "will" is as near. Commas bound
        # the clause; only when it holds no tense do the wider windows decide.
        cut_left, cut_right = left.rfind(","), right.find(",")
        if cut_left >= 0 or cut_right >= 0:
            near_l = _WORD.findall(left[cut_left + 1 :])[-TENSE_WINDOW_WORDS:]
            near_r = _WORD.findall(right[:cut_right] if cut_right >= 0 else right)
            near_r = near_r[:TENSE_WINDOW_WORDS]
            if "set" in near_l or "set" in near_r:
                near_l, near_r = _set_ahead(near_l), _set_ahead(near_r)
            t = _scan(near_l, near_r)
            if t:
                return t
        t = _scan(lw, rw)
        if t or not WIDEN_TO_SENTENCE:
            return t
        # Nothing within the window: the sentence's verb may stand further out ("will be named
        # commander of the Space Shuttle Columbia for a mission in December").
        wide_l = _WORD.findall(left)
        wide_r = _WORD.findall(right)
        if len(wide_l) <= len(lw) and len(wide_r) <= len(rw):
            return ""
        t = _scan(wide_l, wide_r)
        # Only a plan counts from that far: news is told in the past, so a past verb at the
        # far end of the sentence is mostly background, and the callers' defaults (the nearest
        # reading, the past side) already do better than it.
        return t if t in ("future", "present") else ""

    def quarter_nearby(self, pos: int) -> tuple[int, int] | None:
        if self.last_quarter is not None and pos - self.last_quarter_pos <= QUARTER_MEMORY_CHARS:
            return self.last_quarter
        return None


# Future words that are as often plural nouns: after a determiner or a possessive ("keeping
# their title hopes alive", "the plans") they are not a tense.
_NOUN_LIKE_FUTURE = frozenset({"hopes", "plans", "plan", "aims"})
_NOUN_DETERMINERS = frozenset(
    {"the", "a", "an", "their", "his", "her", "its", "our", "my", "your", "whose", "these"}
)


def _noun_use(words: list[str], j: int) -> bool:
    """``words[j]`` is a noun-like future word with a determiner one or two words before it."""
    if words[j].lower() not in _NOUN_LIKE_FUTURE:
        return False
    return any(w.lower() in _NOUN_DETERMINERS for w in words[max(0, j - 2) : j])


def _noun_present(words: list[str], j: int) -> bool:
    """``words[j]`` is a present verb that is as often a noun, and here reads as one."""
    if words[j].lower() not in _NOUN_LIKE_PRESENT:
        return False
    nxt = words[j + 1] if j + 1 < len(words) else ""
    prev = words[j - 1].lower() if j > 0 else ""
    return not (nxt == "to" or nxt[:1].isupper()) or prev in _NOUN_DETERMINERS


def _noun_read(tense: Tense, words: list[str], j: int) -> bool:
    """The tense-bearing ``words[j]`` reads as a noun here ("their title hopes", "head of")."""
    if tense == "future":
        # "next to the embassy" is a place.
        if words[j].lower() == "next" and j + 1 < len(words) and words[j + 1].lower() == "to":
            return True
        return _noun_use(words, j)
    return tense == "present" and _noun_present(words, j)


def _scan(lw: list[str], rw: list[str]) -> Tense:
    """The tense of the nearest tense-bearing word, left and right alternately."""
    both = [*lw, *rw]
    for i in range(max(len(lw), len(rw))):
        if i < len(lw):
            t = _classify(lw[-1 - i])
            if _noun_read(t, both, len(lw) - 1 - i):
                t = ""
            if t == "past" and i + 1 < len(lw) and _passive(lw[-2 - i]):
                t = ""
            elif t == "future" and _had_before(lw, len(lw) - 1 - i):
                t = "past"
            if t:
                return t
        if i < len(rw):
            t = "" if rw[i].lower() in _LEFT_ONLY else _classify(rw[i])
            if _noun_read(t, both, len(lw) + i):
                t = ""
            if t == "past" and i > 0 and _passive(rw[i - 1]):
                t = ""
            elif t == "future" and _had_before(rw, i):
                t = "past"
            if t:
                return t
    return ""
