"""Interview transcripts: the speaker labels that open a line ("WALLACE: …") and the unmarked
lines that speak under them, read as quotes alongside the marked ones."""

from __future__ import annotations

import bisect
import re

from storyline.analyse.lang.quotemarks import ALL_MARKS, QuoteSpan, paragraphs, trimmed

__all__ = ["is_speaker_label", "transcript_label", "transcript_lines"]

# "WALLACE: …", "JAKE TAPPER: …", "Q: …": the speaker label of an interview transcript line.
TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z’'.-]*(?: [A-Z][A-Z’'.-]*){0,3}):[ \t\u00a0]+(?=\S)")
# All-capitals labels that head a paragraph without naming a speaker ("UPDATE: …").
_NOT_SPEAKER_WORDS = """
    video audio update updated clarification correction byline exclusive breaking email watch
    look boom note editor’s editor's photos photo read related source warning transcript bonus
    stat week top wow report poll busted fix in of the this is live more see also listen
    """
NOT_SPEAKER_LABELS = frozenset(_NOT_SPEAKER_WORDS.split())


def transcript_label(text: str, start: int) -> re.Match[str] | None:
    """The "WALLACE: " label opening a transcript line at ``start``, if any."""
    m = TRANSCRIPT_LABEL.match(text, start)
    if m is None or len(m.group(1)) > 40:
        return None
    return m


def is_speaker_label(label: str) -> bool:
    words = label.lower().replace(".", " ").split()
    return bool(words) and not any(w in NOT_SPEAKER_LABELS for w in words)


_NAME_BEFORE = re.compile(r"\b[A-Z][a-z]+\.? ")


class _Names:
    """Answers "is this label's last word written after a capitalised word?" ("Chris Wallace"
    for "WALLACE:") for every line of a transcript from one pass over the text, not one
    search of the whole text per line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.after: dict[str, list[int]] = {}
        for m in _NAME_BEFORE.finditer(text):
            self.after.setdefault(text[m.end() : m.end() + 1], []).append(m.end())
        self.known: dict[str, bool] = {}

    def named(self, label: str) -> bool:
        last = label.split()[-1].strip(".").title()
        known = self.known.get(last)
        if known is None:
            known = self.known[last] = any(
                re.compile(rf"{re.escape(last)}\b").match(self.text, at)
                for at in self.after.get(last[:1], ())
            )
        return known


def transcript_lines(text: str, spans: list[QuoteSpan]) -> list[QuoteSpan]:
    """``spans`` plus the unmarked lines of an interview transcript ("TAPPER: Do you think …"),
    each a span from its label to the paragraph end (``family`` "transcript"); quotes inside
    such a line are part of it. Only when at least two paragraphs open with speaker labels and
    the labels name at least two speakers, so a lone "UPDATE:" or "BYLINE:" never counts.
    Unmarked "Q:"/"A:" interviews are left out: they name nobody, and quote-based gold
    (PolNeAR's among it) has no unit for them."""
    lines: list[tuple[int, int, str, bool]] = []
    for lo, hi in paragraphs(text):
        s, e = trimmed(text, lo, hi)
        m = transcript_label(text, s)
        if m is not None and is_speaker_label(m.group(1)) and len(m.group(1)) > 2:
            # 'WALLACE: “Will she be there?”': the marks delimit the words themselves.
            marked = text[m.end() : m.end() + 1] in ALL_MARKS
            lines.append((s, e, m.group(1), marked))
    if len(lines) < 2 or len({line[2] for line in lines}) < 2:
        return spans
    # An unmarked line speaks only under a label the article also uses as a name ("Chris
    # Wallace" for "WALLACE:"); shop promos ("ADD TO CART: …") are labels of nobody.
    names = _Names(text)
    bare = [(lo, hi) for lo, hi, label, marked in lines if not marked and names.named(label)]
    starts = [lo for lo, _ in bare]  # paragraphs: in order, never overlapping

    def in_bare(pos: int) -> bool:
        k = bisect.bisect_right(starts, pos) - 1
        return k >= 0 and pos < bare[k][1]

    out = [q for q in spans if not in_bare(q.open_at)] + [
        QuoteSpan(lo, None, lo, hi, "transcript", False, False) for lo, hi in bare
    ]
    return sorted(out, key=lambda q: q.open_at)
