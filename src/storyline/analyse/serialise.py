"""The one boundary between what components leave on the Doc and the JSON layers the store keeps
(and `storyline annotate` prints): one function per layer, from the annotation to plain data.

The shapes here are the stored layers' (``docs/contract.md``): changing one changes the stored
bytes of that layer, and the component's key with it (`storyline.analyse.layers.component_keys`
covers each serialiser's source)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from storyline.analyse.entities.resolve import ArticleEntities
    from storyline.analyse.quotes.attribute import Quote, Span
    from storyline.analyse.time.events import Event
    from storyline.analyse.time.timex import Timex

__all__ = [
    "entity_records",
    "event_records",
    "mention_records",
    "quote_records",
    "sentence_records",
    "timex_records",
]


def sentence_records(doc: Doc) -> list[list[int]]:
    return [[s.start_char, s.end_char] for s in doc.sents]


def mention_records(doc: Doc) -> list[dict[str, Any]]:
    return [
        {"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_}
        for e in doc.ents
    ]


def _span(s: Span | None) -> dict[str, Any] | None:
    return None if s is None else {"start": s.start, "end": s.end, "text": s.text}


def quote_records(quotes: Sequence[Quote]) -> list[dict[str, Any]]:
    return [
        {
            "text": q.text,
            "start": q.start,
            "end": q.end,
            "speaker": q.speaker,
            "speaker_span": _span(q.speaker_span),
            "cue": _span(q.cue),
            "kind": q.kind,
            "confidence": round(q.confidence, 3),
            "method": q.method,
        }
        for q in quotes
    ]


def timex_records(timexes: Sequence[Timex]) -> list[dict[str, Any]]:
    return [
        {
            "start": t.start,
            "end": t.end,
            "text": t.text,
            "type": t.type,
            "value": t.value,
            "confidence": t.confidence,
            "method": t.method,
        }
        for t in timexes
    ]


def entity_records(ents: ArticleEntities | None) -> dict[str, Any] | None:
    return None if ents is None else ents.to_json()


def event_records(events: Sequence[Event]) -> list[dict[str, Any]]:
    return [e.to_json() for e in events]
