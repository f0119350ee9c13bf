"""Per-article analysis: one spaCy parse, then every registered component on the Doc.

Components follow one contract: ``component(doc, context) -> JSON-serialisable data``, under a
name and a version. Their output is stored per article in the store's ``layers`` table, so a
later build re-parses only articles whose clean text (or date) changed, and the corpus-level
steps (entities across articles, quote groups, the timeline) run from the stored layers.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from storyline.analyse.lang.nlp import doc_text

__all__ = [
    "COMPONENTS",
    "AnalysisContext",
    "Component",
    "analyse_doc",
    "component_versions",
    "enabled_components",
    "quote_records",
    "timex_records",
]


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    published: str | None
    published_inferred: bool = False
    captions: Any = None
    """The parse of the article's photo captions (text cleaning removed from the body), or None."""


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    version: str
    fn: Callable[[Any, AnalysisContext], Any]


def quote_records(doc: Any) -> list[dict[str, Any]]:
    """The quotes of a parsed text as JSON records (the stored layer and `annotate` alike)."""
    from storyline.analyse.quotes.attribute import extract_quotes

    def span(s: Any) -> dict[str, Any] | None:
        return None if s is None else {"start": s.start, "end": s.end, "text": s.text}

    return [
        {
            "text": q.text,
            "start": q.start,
            "end": q.end,
            "speaker": q.speaker or (_proper_name(doc, q.speaker_span) if q.cue else None),
            "speaker_span": span(q.speaker_span),
            "cue": span(q.cue),
            "kind": q.kind,
            "confidence": round(q.confidence, 3),
            "method": q.method,
        }
        for q in extract_quotes(doc)
    ]


_PROPER_NAME = re.compile(r"(?:[A-Z][\w&'’.-]*)(?: (?:of|for|the|and|on|[A-Z][\w&'’.-]*)){0,6}")
_NOT_NAMES = frozenset({"He", "She", "They", "It", "We", "I", "You", "The", "This", "That"})


def _proper_name(doc: Any, span: Any) -> str | None:
    """A speaker span that is itself a proper name the resolver could not place ("PETA",
    "Amnesty International") names the speaker as written; "Critics" opening a sentence is
    capitalised but no name."""
    if span is None:
        return None
    text = " ".join(span.text.split())
    if not _PROPER_NAME.fullmatch(text) or text.split()[0] in _NOT_NAMES:
        return None
    toks = [t for t in doc.char_span(span.start, span.end, alignment_mode="expand") or ()]
    if (
        not toks
        or any(
            t.pos_ != "PROPN" and not (t.text.isupper() and len(t.text) > 1)  # "PETA" as NOUN
            for t in toks
            if t.is_alpha and t.text[:1].isupper()
        )
    ):
        return None
    whole = doc_text(doc)  # joined once per Doc, not once per quote
    line_start = span.start == 0 or whole[span.start - 1] == "\n"
    if line_start and whole[span.end : span.end + 1] == ",":
        return None  # "SEOUL, Dec. 19 (Yonhap) --": a dateline
    return text


def _quotes(doc: Any, ctx: AnalysisContext) -> list[dict[str, Any]]:
    return quote_records(doc)


def timex_records(text: str, published: str | None) -> list[dict[str, Any]]:
    """The time expressions of a text, resolved against ``published``, as JSON records."""
    from storyline.analyse.time.timex import tag_timexes

    try:
        anchor = date.fromisoformat(published[:10]) if published else None
    except ValueError:  # a date the reader kept but the calendar has no day for: no anchor
        anchor = None
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
        for t in tag_timexes(text, anchor)
    ]


def _timexes(doc: Any, ctx: AnalysisContext) -> list[dict[str, Any]]:
    return timex_records(doc_text(doc), ctx.published)


def _mentions(doc: Any, ctx: AnalysisContext) -> list[dict[str, Any]]:
    return [
        {"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_}
        for e in doc.ents
    ]


def _sentences(doc: Any, ctx: AnalysisContext) -> list[list[int]]:
    return [[s.start_char, s.end_char] for s in doc.sents]


def _entities(doc: Any, ctx: AnalysisContext) -> Any:
    module = importlib.import_module("storyline.analyse.entities.resolve")
    return module.article_entities(doc).to_json()


def _caption_entities(doc: Any, ctx: AnalysisContext) -> Any:
    # People pictured in captions are in the story even though the caption is not body text
    # ("Labour MP Ruth Cadbury travelled to the US ..."); their mentions carry caption offsets.
    if ctx.captions is None:
        return None
    module = importlib.import_module("storyline.analyse.entities.resolve")
    return module.article_entities(ctx.captions).to_json()


def _events(doc: Any, ctx: AnalysisContext) -> Any:
    module = importlib.import_module("storyline.analyse.time.events")
    return [e.to_json() for e in module.article_events(doc, ctx.published, ctx.published_inferred)]


COMPONENTS: tuple[Component, ...] = (
    Component("sentences", "1", _sentences),
    Component("mentions", "1", _mentions),
    Component("quotes", "1", _quotes),
    Component("timexes", "1", _timexes),
    Component("entities", "1", _entities),
    Component("caption_entities", "1", _caption_entities),
    Component("events", "1", _events),
)


def _available(component: Component) -> bool:
    # Components whose module is not installed yet are skipped, not fatal: the layer is simply
    # absent from the store and the dossier.
    module = {
        "entities": "storyline.analyse.entities.resolve",
        "caption_entities": "storyline.analyse.entities.resolve",
        "events": "storyline.analyse.time.events",
    }.get(component.name)
    if module is None:
        return True
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _code_hash() -> str:
    # Stored layers are reused while the analysis key holds; the code that made them is part
    # of that key, so an upgrade (or a fix in development) re-analyses instead of serving
    # layers an older resolver produced.
    package = Path(__file__).parent
    h = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def component_versions() -> str:
    """Identity of the analysis as configured: part of each article's analysis key."""
    names = ";".join(f"{c.name}={c.version}" for c in COMPONENTS if _available(c))
    return f"{names};code={_code_hash()}"


def enabled_components() -> tuple[Component, ...]:
    """The components a build runs, in order (those whose module is installed)."""
    return tuple(c for c in COMPONENTS if _available(c))


def analyse_doc(doc: Any, ctx: AnalysisContext) -> dict[str, Any]:
    return {c.name: c.fn(doc, ctx) for c in COMPONENTS if _available(c)}
