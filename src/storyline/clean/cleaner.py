"""The cleaner: metadata lines, line rules, repeats and corpus furniture, in one pass that keeps
every removal (with its reason and offsets) so a user can see and undo it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from storyline.clean.boilerplate import APPEALS, score_line
from storyline.clean.repeats import find_repeats, line_key
from storyline.ingest.metadata import Strip, iter_lines
from storyline.model import CleanText, Removal
from storyline.settings import DEFAULT, Settings

__all__ = ["Cleaner", "clean_text"]

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str
    removed: Removal | None = None
    score: float = 0.0
    soft_reason: str = ""
    soft_method: str = ""


def clean_text(
    text: str,
    *,
    outlet: str | None = None,
    strip: Iterable[Strip] = (),
    furniture: Mapping[str, int] | None = None,
    settings: Settings = DEFAULT,
) -> CleanText:
    """Clean one article's decoded text.

    ``strip`` are metadata spans (date header, dateline, byline, masthead) found by ingest;
    ``furniture`` maps line keys that are this outlet's furniture to the number of articles
    holding them.
    """
    lines = _split(text, strip)
    removals: list[Removal] = []
    for s in strip:
        removals.append(Removal(text[s.start : s.end], s.reason, s.start, s.end, s.method, 0.95))

    live = [ln for ln in lines if ln.removed is None]
    # Line keys serve the furniture test and the repeat finder both: computed once.
    table = furniture or {}
    keys = [line_key(ln.text) for ln in live] if table else None
    for i, ln in enumerate(live):
        if keys is not None and keys[i] in table:
            where = f" of {outlet}" if outlet else ""
            ln.removed = Removal(
                ln.text,
                f"outlet furniture (repeated across articles{where})",
                ln.start,
                ln.end,
                "clean.furniture",
                0.85,
            )
            continue
        verdict = score_line(ln.text, outlet)
        if verdict is None:
            continue
        if verdict.score >= settings.boilerplate_threshold:
            ln.removed = Removal(ln.text, verdict.reason, ln.start, ln.end, verdict.method, 0.9)
        else:
            ln.score, ln.soft_reason, ln.soft_method = verdict.score, verdict.reason, verdict.method

    # A weak line inside a run of removed lines belongs to the same block (one appeal spread
    # over several paragraphs); grow the runs until nothing changes.
    changed = True
    while changed:
        changed = False
        for i, ln in enumerate(live):
            if ln.removed is not None or ln.score < settings.context_threshold:
                continue
            if _appeal(live, i - 1) or _appeal(live, i + 1):
                ln.removed = Removal(
                    ln.text, ln.soft_reason, ln.start, ln.end, ln.soft_method + "+context", 0.7
                )
                changed = True

    alive = [i for i, ln in enumerate(live) if ln.removed is None]
    survivors = [live[i] for i in alive]
    survivor_keys = [keys[i] for i in alive] if keys is not None else None
    for rep in find_repeats(
        [ln.text for ln in survivors], settings.repeat_min_chars, keys=survivor_keys
    ):
        ln = survivors[rep.index]
        ln.removed = Removal(ln.text, rep.reason, ln.start, ln.end, "clean.repeat", rep.confidence)

    kept: list[str] = []
    offsets: list[tuple[int, int, int]] = []
    pos = 0
    for ln in lines:
        if ln.removed is not None:
            if ln.removed.method != "strip":
                removals.append(ln.removed)
            continue
        if kept:
            pos += len(PARAGRAPH_SEPARATOR)
        offsets.append((pos, ln.start, ln.end - ln.start))
        kept.append(ln.text)
        pos += ln.end - ln.start
    removals.sort(key=lambda r: r.start)
    return CleanText(PARAGRAPH_SEPARATOR.join(kept), tuple(removals), tuple(offsets))


def _appeal(lines: list[_Line], i: int) -> bool:
    if not 0 <= i < len(lines):
        return False
    removed = lines[i].removed
    return removed is not None and removed.reason in APPEALS


def _split(text: str, strip: Iterable[Strip]) -> list[_Line]:
    """Lines of ``text`` with metadata spans cut out; a line that was all metadata is marked
    removed (its Removal is recorded once, from the strip list)."""
    spans = sorted((s.start, s.end) for s in strip)
    out: list[_Line] = []
    for start, end in iter_lines(text):
        for s, e in spans:
            if s <= start and e >= end:
                start = end
                break
            if s <= start < e:
                start = e
            elif s < end <= e:
                end = s
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        out.append(_Line(start, end, text[start:end]))
    return out


class Cleaner:
    """The cleaning stage as a component: ``Cleaner(settings)(text, ...) -> CleanText``."""

    name = "cleaner"

    def __init__(self, settings: Settings = DEFAULT) -> None:
        self.settings = settings

    def __call__(
        self,
        text: str,
        *,
        outlet: str | None = None,
        strip: Iterable[Strip] = (),
        furniture: Mapping[str, int] | None = None,
    ) -> CleanText:
        return clean_text(
            text, outlet=outlet, strip=strip, furniture=furniture, settings=self.settings
        )
