"""The time expressions of one parsed article, tagged once and kept on its Doc: the timex
layer stores them and the events read them (``Doc._.timexes``, ``doc.spans["timex"]``).

Tagging depends on the publication date that anchors relative expressions, so the Doc keeps the
anchor with the tags and a reader with another anchor gets its own tags (never another date's).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from storyline.analyse.lang.extensions import cached
from storyline.analyse.lang.nlp import doc_text
from storyline.analyse.time.timex import Timex, tag_timexes

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["SPAN_KEY", "anchor_date", "doc_timexes"]

SPAN_KEY = "timex"
"""``doc.spans[SPAN_KEY]``: each expression as a span (expanded to whole tokens), labelled with
its TIMEX3 type; the exact character offsets and values are in ``Doc._.timexes``."""


def anchor_date(published: str | None) -> dt.date | None:
    """The day relative expressions count from: the publication date's day, if it has one (a
    date the reader kept but the calendar has no day for gives no anchor)."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def doc_timexes(doc: Doc, published: str | None) -> list[Timex]:
    """The article's time expressions resolved against ``published``, tagged once per Doc and
    anchor."""
    anchor = anchor_date(published)
    by_anchor: dict[dt.date | None, list[Timex]] = cached(doc, "timexes", dict)
    found = by_anchor.get(anchor)
    if found is None:
        found = by_anchor[anchor] = tag_timexes(doc_text(doc), anchor)
        if len(by_anchor) == 1:
            _to_spans(doc, found)
    return found


def _to_spans(doc: Doc, timexes: list[Timex]) -> None:
    spans = []
    for t in timexes:
        span = doc.char_span(t.start, t.end, label=t.type, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[SPAN_KEY] = spans
