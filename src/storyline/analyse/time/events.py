"""Dated events: the sentences of an article that report something happening, with a date.

An event is found from a time expression (:func:`storyline.analyse.time.timex.tag_timexes`) that
attaches, through the parse, to a past-tense verb ("met ... in May") or to a scheduled-event noun
("Thursday's general election"), and from present-perfect news ("has filed a complaint"), which
is dated to the article's publication day as "on or before". What is said inside quotation
marks, negated, conditional, modal or future is not an event, and neither are durations or
sentences that only mention a date (those are "events.mention", which only timeline summaries
use, as they use the undated lead sentences, "events.lead").
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from storyline.analyse.lang.nlp import doc_text
from storyline.analyse.lang.quotemarks import doc_quoted_chars
from storyline.analyse.time.calendar import bounded_year, iso_week_date, make_date
from storyline.analyse.time.tagged import anchor_date, doc_timexes
from storyline.analyse.time.timex import Timex

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Event", "article_events", "timex_date"]

SUMMARY_WORDS = 20
# The first sentences of an article carry its news: without a date of their own they are
# candidates ("events.lead") for the publication day in timeline summarisation. Sentences that
# name a day but report no event on it are "events.mention", likewise only for summaries.
LEAD_SENTENCES = 5
_PARTICIPANT_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
_MODALS = {"will", "would", "could", "may", "might", "should", "shall", "can", "must", "'ll", "wo"}
_HAVE = {"has", "have", "'ve", "'s"}
_CONDITIONAL_MARKS = {"if", "unless", "whether", "once", "until"}
# Nouns that name something that happens on a date, so "the election on Thursday" is an event
# even with no verb; nominalisations ("resignation", "announcement") count too.
_EVENT_NOUNS = {
    "election",
    "ballot",
    "vote",
    "poll",
    "referendum",
    "summit",
    "dinner",
    "meeting",
    "talks",
    "visit",
    "trip",
    "verdict",
    "trial",
    "hearing",
    "conference",
    "convention",
    "war",
    "invasion",
    "inauguration",
    "attack",
    "explosion",
    "blast",
    "spill",
    "leak",
    "outbreak",
    "death",
    "crash",
    "strike",
    "protest",
    "debate",
    "speech",
    "interview",
    "interviews",
    "launch",
    "deal",
    "agreement",
    "ceremony",
    "funeral",
    "wedding",
    "match",
    "final",
    "victory",
    "defeat",
    "deadline",
    "shooting",
    "bombing",
    "raid",
    "arrest",
    "ruling",
    "budget",
    "assembly",
    "session",
    "congress",
    "rally",
    "earthquake",
    "storm",
    "fire",
    "flood",
}
_SPEECH_VERBS = {
    "say",
    "tell",
    "insist",
    "claim",
    "suggest",
    "argue",
    "warn",
    "add",
    "state",
    "stress",
    "decline",
    "refuse",
    "admit",
    "deny",
    "believe",
    "think",
    "note",
    "indicate",
    "signal",
}
_NOMINAL_SUFFIXES = ("tion", "sion", "ment", "ance", "ence")
# ASCII digits only, to the very end: a value is data from the text and may be anything.
_ISO_DAY = re.compile(r"^(\d{4})-(\d\d)-(\d\d)(?:T.*)?\Z", re.ASCII | re.DOTALL)
_ISO_MONTH = re.compile(r"^(\d{4})-(\d\d)\Z", re.ASCII)
_ISO_YEAR = re.compile(r"^(\d{4})\Z", re.ASCII)
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d\d)(-WE)?\Z", re.ASCII)
_ISO_COARSE = re.compile(r"^(\d{4})-(?:SP|SU|FA|WI|Q\d|H\d)\Z", re.ASCII)
_OPEN_QUOTES = {"“": "”", "‘": "’", "«": "»", "``": "''"}
_STRAIGHT = {'"'}
_AFTER_WORDS = {"since", "after", "following"}
_BEFORE_WORDS = {"before", "until", "till", "by", "prior"}
_BOILERPLATE = re.compile(
    r"(?i)\b(?:click here|sign up|newsletter|cookies?|subscribe|all rights reserved|copyright|"
    r"notifications?|read more|follow us)\b"
)


@dataclass(frozen=True, slots=True)
class Event:
    """A sentence reporting something that happened, with its date."""

    start: int
    end: int
    text: str
    date: str
    relation: str
    timex: tuple[int, int] | None
    summary: str
    participants: tuple[tuple[int, int], ...]
    confidence: float
    method: str

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "date": self.date,
            "relation": self.relation,
            "timex": list(self.timex) if self.timex is not None else None,
            "summary": self.summary,
            "participants": [list(p) for p in self.participants],
            "confidence": self.confidence,
            "method": self.method,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Event:
        tx = d.get("timex")
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            text=str(d["text"]),
            date=str(d["date"]),
            relation=str(d["relation"]),
            timex=(int(tx[0]), int(tx[1])) if tx is not None else None,
            summary=str(d["summary"]),
            participants=tuple((int(a), int(b)) for a, b in d.get("participants", ())),
            confidence=float(d["confidence"]),
            method=str(d["method"]),
        )


def timex_date(value: str) -> str | None:
    """A TIMEX3 DATE/TIME value as ``YYYY``/``YYYY-MM``/``YYYY-MM-DD``, None if unresolved.

    A week becomes the month its Thursday falls in (ISO weeks belong where most of their days
    are); a weekend becomes its Saturday; seasons, quarters and halves become the year, because
    a month would claim more than the text says.
    """
    m = _ISO_DAY.match(value)
    if m:
        day = make_date(int(m[1]), int(m[2]), int(m[3]))
        return None if day is None else day.isoformat()
    m = _ISO_MONTH.match(value)
    if m:
        return value if bounded_year(int(m[1])) is not None and 1 <= int(m[2]) <= 12 else None
    if _ISO_YEAR.match(value):
        return value if bounded_year(int(value)) is not None else None
    m = _ISO_WEEK.match(value)
    if m:
        # A weekend's Saturday or a week's Thursday can fall off the calendar (9999-W52-WE).
        week_day = iso_week_date(int(m[1]), int(m[2]), 6 if m[3] else 4)
        if week_day is None:
            return None
        return week_day.isoformat() if m[3] else week_day.isoformat()[:7]
    m = _ISO_COARSE.match(value)
    if m:
        return m[1] if bounded_year(int(m[1])) is not None else None
    return None


def _aux_words(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in ("aux", "auxpass")]


def _tense(verb: Token) -> str:
    """past | perfect | present | modal | infinitive | none."""
    auxes = _aux_words(verb)
    low = [a.lower_ for a in auxes]
    if any(a.lower_ in _MODALS or a.tag_ == "MD" for a in auxes):
        return "modal"
    if any(w in ("going",) for w in low):
        return "modal"
    if "to" in low and not any(a.tag_ in ("VBD", "VBZ", "VBP") for a in auxes):
        return "infinitive"
    if any(a.lower_ == "had" for a in auxes):
        return "past"
    if any(a.lower_ in _HAVE and a.tag_ in ("VBZ", "VBP") for a in auxes):
        return "perfect"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if verb.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        return "present"
    if verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod"):
        return "past"
    if verb.tag_ == "VB" and verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
        return "infinitive"
    return "none"


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in verb.children)


def _conditional(verb: Token) -> bool:
    t: Token = verb
    for _ in range(6):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in t.children):
            return True
        if t.head is t:
            break
        t = t.head
    return False


def _is_verb(t: Token) -> bool:
    return t.pos_ in ("VERB", "AUX") and t.tag_ not in ("MD",)


def _event_noun(t: Token) -> bool:
    if t.pos_ not in ("NOUN", "PROPN"):
        return False
    lem = t.lemma_.lower()
    return (
        lem in _EVENT_NOUNS
        or t.lower_ in _EVENT_NOUNS
        or (t.pos_ == "NOUN" and len(lem) > 6 and lem.endswith(_NOMINAL_SUFFIXES))
    )


def _span_head(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _relation(doc: Doc, tx_head: Token, tx_first: Token) -> str:
    """The time expression's preposition: "since May" is after, "before May" is before."""
    words: list[str] = []
    if tx_head.dep_ == "pobj":
        words.append(tx_head.head.lower_)
    if tx_first.i > 0:
        words.append(doc[tx_first.i - 1].lower_)
        if tx_first.i > 1 and doc[tx_first.i - 1].lower_ in ("of", "to"):
            words.append(doc[tx_first.i - 2].lower_)
    for w in words:
        if w in _AFTER_WORDS:
            return "after"
        if w in _BEFORE_WORDS or w in ("ahead",):
            return "before"
    return "on"


def _attach(tx_head: Token, sent: Span) -> tuple[Token | None, Token | None]:
    """The verb and the event noun (if met first) the time expression hangs from."""
    t = tx_head
    noun: Token | None = None
    for _ in range(5):
        if t.head is t or t.head.i < sent.start or t.head.i >= sent.end:
            return (t if _is_verb(t) and t is not tx_head else None), noun
        t = t.head
        if _is_verb(t):
            return t, noun
        if noun is None and _event_noun(t):
            noun = t
    return None, noun


_CUT_DEPS = {"advcl", "parataxis", "relcl", "appos"}


def _summary(verb: Token, sent: Span, keep_clause: bool) -> str:
    """The verb's clause minus side clauses, trimmed to about :data:`SUMMARY_WORDS` words."""
    drop: set[int] = set()
    if not keep_clause:
        for c in verb.children:
            if c.dep_ in _CUT_DEPS or (c.dep_ == "conj" and _is_verb(c)) or c.dep_ == "cc":
                drop.update(x.i for x in c.subtree)
    # A subordinate clause ("since he met ...") keeps its own subject but loses its marker.
    drop.update(c.i for c in verb.children if c.dep_ == "mark")
    toks = [
        t
        for t in verb.subtree
        if t.i not in drop and sent.start <= t.i < sent.end and not t.is_space
    ]
    while toks and (toks[0].is_punct or toks[0].dep_ == "cc"):
        toks.pop(0)
    while toks and toks[-1].is_punct and toks[-1].text not in ("”", "’", '"', "''"):
        toks.pop()
    words = 0
    out: list[str] = []
    for t in toks:
        if not t.is_punct:
            words += 1
        if words > SUMMARY_WORDS:
            out.append("…")
            break
        out.append(t.text_with_ws)
    s = "".join(out).strip()
    return re.sub(r"\s+", " ", s)


def _noun_summary(noun: Token) -> str:
    """ "the former president's guilty verdict in the hush money case in New York in May"."""
    toks = [t for t in noun.subtree if not t.is_space]
    while toks and toks[0].is_punct:
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    s = "".join(t.text_with_ws for t in toks[: SUMMARY_WORDS + 5]).strip()
    return re.sub(r"\s+", " ", s)


class _Participants:
    """The participant entities of each sentence, as ``Span.ents`` would give them.

    ``Span.ents`` walks all of the document's entities on every call, which made an article
    with thousands of sentences quadratic; here one sorted pass and a bisect per sentence do.
    """

    def __init__(self, doc: Doc) -> None:
        self._ents = [
            (e.start, e.end, e.start_char, e.end_char)
            for e in doc.ents
            if e.label_ in _PARTICIPANT_LABELS
        ]
        self._starts = [e[0] for e in self._ents]

    def of(self, sent: Span) -> tuple[tuple[int, int], ...]:
        """Character spans of the entities wholly inside ``sent``."""
        out: list[tuple[int, int]] = []
        i = bisect.bisect_left(self._starts, sent.start)
        while i < len(self._ents) and self._ents[i][1] <= sent.end:
            out.append((self._ents[i][2], self._ents[i][3]))
            i += 1
        return tuple(out)


def _sentence_ok(sent: Span) -> bool:
    text = sent.text.strip()
    if len(text) < 25 or len(sent) < 5:
        return False
    if _BOILERPLATE.search(text) and len(sent) < 30:
        return False
    return any(t.pos_ in ("VERB", "AUX") for t in sent)


def _main_verb(sent: Span) -> Token | None:
    root = sent.root
    if _is_verb(root):
        return root
    for t in sent:
        if _is_verb(t) and t.dep_ in ("ROOT", "ccomp", "conj"):
            return t
    return None


def _reporting_complement(verb: Token) -> Token | None:
    """For "X said (that) Y has done Z", the clause that carries the news."""
    if verb.lemma_.lower() not in ("say", "tell", "announce", "report", "confirm", "add"):
        return None
    for c in verb.children:
        if c.dep_ == "ccomp" and _is_verb(c):
            return c
    return None


def _month_after(date: str, anchor: dt.date) -> bool:
    """The date lies after the anchor at its own precision (a future event)."""
    a = anchor.isoformat()[: len(date)]
    return date > a


def article_events(
    doc: Doc, published: str | None, published_inferred: bool = False
) -> list[Event]:
    """The dated events of one parsed article, in text order.

    ``published`` anchors relative dates ("on Friday") and dates present-perfect news; when it
    was inferred rather than stated, every event that leans on it says so in ``method`` and
    carries less confidence.
    """
    anchor = anchor_date(published)
    text = doc_text(doc)
    timexes = [t for t in doc_timexes(doc, published) if t.type in ("DATE", "TIME")]
    quoted = doc_quoted_chars(doc)
    inferred_tag = ".inferred-date" if published_inferred else ""
    inferred_factor = 0.8 if published_inferred else 1.0
    out: list[Event] = []
    ti = 0
    lead_index = -1
    participants = _Participants(doc)
    for sent in doc.sents:
        s0, s1 = sent.start_char, sent.end_char
        while ti < len(timexes) and timexes[ti].start < s0:
            ti += 1
        sent_tx: list[Timex] = []
        k = ti
        while k < len(timexes) and timexes[k].start < s1:
            sent_tx.append(timexes[k])
            k += 1
        if not sent.text.strip():
            continue
        lead_index += 1
        if not _sentence_ok(sent):
            continue
        # Trim edges so that offsets cover the sentence itself, not trailing blank lines.
        raw = text[s0:s1]
        lead = len(raw) - len(raw.lstrip())
        e0, e1 = s0 + lead, s0 + len(raw.rstrip())
        stext = text[e0:e1]
        parts = participants.of(sent)
        found: list[Event] = []
        used_verbs: set[int] = set()
        for tx in sent_tx:
            date = timex_date(tx.value)
            if date is None or quoted[tx.start]:
                continue
            head = _span_head(doc, tx.start, tx.end)
            if head is None:
                continue
            first = doc.char_span(tx.start, tx.end, alignment_mode="expand")
            assert first is not None
            verb, noun = _attach(head, sent)
            relative = not re.search(r"\d{4}", tx.text)
            conf = 0.85 if len(date) == 10 else 0.75
            if relative and anchor is not None:
                conf *= inferred_factor
            method = "events.timex"
            keep_clause = False
            ok = False
            ev_token: Token | None = verb
            if verb is not None and not quoted[verb.idx]:
                tense = _tense(verb)
                if tense in ("past", "perfect") and not _negated(verb):
                    ok = not _conditional(verb)
                elif tense in ("present", "none", "infinitive", "modal") and noun is not None:
                    ok = not _negated(verb) and not _conditional(verb)
                    method = "events.scheduled"
                    conf = 0.55
                    ev_token = None
            elif verb is None and noun is not None:
                ok = True
                method = "events.scheduled"
                conf = 0.55
            if not ok and first[0].i >= 2 and doc[first[0].i - 1].lower_ in ("on", "in", "of"):
                # "the general election on Thursday": the parser often hangs the date on the
                # verb, but the noun just before it is what happens then.
                prev = doc[first[0].i - 2]
                if _event_noun(prev) and not quoted[prev.idx]:
                    noun, ok, ev_token = prev, True, None
                    method, conf = "events.scheduled", 0.55
            # A year-long "this year's election" says too little to place anything.
            if not ok or (method == "events.scheduled" and len(date) == 4):
                continue
            if method == "events.timex" and anchor is not None and _month_after(date, anchor):
                # A past-tense verb with a future date is a misresolved expression.
                continue
            if ev_token is not None:
                if ev_token.i in used_verbs:
                    continue
                used_verbs.add(ev_token.i)
            if ev_token is not None:
                summary = _summary(ev_token, sent, keep_clause)
            else:
                assert noun is not None
                summary = _noun_summary(noun)
                # "the crunch ballot" + "on November 5" when the parser split them.
                nend = max(t.idx + len(t) for t in noun.subtree)
                if tx.start >= nend and len(text[nend : tx.start].split()) <= 2:
                    summary = re.sub(r"\s+", " ", summary + text[nend : tx.end])
            if len(summary.split()) < (2 if ev_token is None else 4):
                summary = _summary(sent.root, sent, False)
            found.append(
                Event(
                    e0,
                    e1,
                    stext,
                    date,
                    _relation(doc, head, first[0]),
                    (tx.start, tx.end),
                    summary,
                    parts,
                    round(conf, 3),
                    method + inferred_tag,
                )
            )
        if not found:
            # DATEWISE counts every sentence that names a day ("April 26 : Weathered oil is
            # seen ...", a caption) towards that day; a summary candidate, not an event.
            ev = _mention_event(sent_tx, quoted, stext, e0, e1, parts, anchor)
            if ev is not None:
                found.append(
                    replace(
                        ev,
                        confidence=round(ev.confidence * inferred_factor, 3),
                        method=ev.method + inferred_tag,
                    )
                )
        if not found and anchor is not None:
            ev = _perfect_event(sent, quoted, stext, e0, e1, parts, anchor)
            if ev is None and lead_index < LEAD_SENTENCES and not sent_tx:
                ev = _lead_event(sent, quoted, stext, e0, e1, parts, anchor)
            if ev is not None:
                found.append(
                    Event(
                        ev.start,
                        ev.end,
                        ev.text,
                        ev.date,
                        ev.relation,
                        None,
                        ev.summary,
                        ev.participants,
                        round(ev.confidence * inferred_factor, 3),
                        ev.method + inferred_tag,
                    )
                )
        # One sentence, one event per date: the first (text-order) reading wins.
        seen: set[str] = set()
        for ev in found:
            if ev.date not in seen:
                seen.add(ev.date)
                out.append(ev)
    return out


def _perfect_event(
    sent: Span,
    quoted: bytearray,
    stext: str,
    e0: int,
    e1: int,
    parts: tuple[tuple[int, int], ...],
    anchor: dt.date,
) -> Event | None:
    """Present-perfect news ("has filed a complaint"): on or before the article's date."""
    verb = _main_verb(sent)
    if verb is None or quoted[verb.idx]:
        return None
    comp = _reporting_complement(verb)
    candidates = [verb] + ([comp] if comp is not None else [])
    for v in candidates:
        if quoted[v.idx] or _negated(v) or _conditional(v):
            continue
        if _tense(v) != "perfect" or v.tag_ == "VBG":
            continue
        # "has said", "has insisted": statements are quotes' business, not happenings.
        if v.lemma_.lower() in _SPEECH_VERBS:
            continue
        # "has been", "have had": states, not happenings.
        if v.lemma_.lower() in ("be", "have") and not any(
            c.dep_ in ("dobj", "attr") and c.pos_ == "NOUN" for c in v.children
        ):
            continue
        # "has long argued", "have always said": habits, not news.
        if any(c.lower_ in ("long", "always", "often", "repeatedly", "ever") for c in v.children):
            continue
        summary = _summary(v, sent, False)
        if len(summary.split()) < 4:
            continue
        return Event(
            e0,
            e1,
            stext,
            anchor.isoformat(),
            "on-or-before",
            None,
            summary,
            parts,
            0.6,
            "events.perfect",
        )
    return None


def _mention_event(
    sent_tx: list[Timex],
    quoted: bytearray,
    stext: str,
    e0: int,
    e1: int,
    parts: tuple[tuple[int, int], ...],
    anchor: dt.date | None,
) -> Event | None:
    """A sentence that names a day without reporting an event on it ("events.mention").

    Only a timeline summary uses these: the day's mentions count towards its salience and the
    sentence is a candidate for its summary. The first day named outside quotation marks and
    not after the article's date is the one.
    """
    for tx in sent_tx:
        date = timex_date(tx.value)
        if date is None or len(date) != 10 or quoted[tx.start]:
            continue
        if anchor is not None and _month_after(date, anchor):
            continue
        return Event(
            e0,
            e1,
            stext,
            date,
            "on",
            (tx.start, tx.end),
            re.sub(r"\s+", " ", stext),
            parts,
            0.3,
            "events.mention",
        )
    return None


def _lead_event(
    sent: Span,
    quoted: bytearray,
    stext: str,
    e0: int,
    e1: int,
    parts: tuple[tuple[int, int], ...],
    anchor: dt.date,
) -> Event | None:
    """A lead sentence reporting the news of the day: on or before the article's date.

    Only a timeline summary uses these (as DATEWISE does with sentences published on or just
    after a date); they are not events on their own. A lead needs a main verb that is not
    modal, negated or conditional, and must not be mostly quotation.
    """
    verb = _main_verb(sent)
    if verb is None or quoted[verb.idx]:
        return None
    if sum(quoted[e0:e1]) * 2 > e1 - e0:
        return None
    if _tense(verb) == "modal" or _negated(verb) or _conditional(verb):
        return None
    summary = _summary(verb, sent, False)
    if len(summary.split()) < 4:
        summary = re.sub(r"\s+", " ", stext)
    return Event(
        e0, e1, stext, anchor.isoformat(), "on-or-before", None, summary, parts, 0.5, "events.lead"
    )
