"""Per-article analysis: one spaCy parse, then every registered component on the Doc.

A component annotates the Doc (spaCy's way: ``Doc._.NAME``, ``doc.spans``; the annotations are
listed in `storyline.analyse.lang.extensions`) and says what it ``requires`` (annotations it
reads) and ``assigns`` (annotations it leaves for others): quotation marks are found once and
read by quotes, entities and events; time expressions are tagged once and read by the timex
layer and the events. Its annotation becomes a stored layer at one boundary,
`storyline.analyse.serialise`; ``component.fn(doc, context)`` does both and returns the layer's
JSON data. Layers are stored per article, so a later build re-runs a component only where its
key (`component_keys`: its version and the code it runs) or the article's text or date
changed, and the corpus-level steps (entities across articles, quote groups, the timeline) run
from the stored layers.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from storyline.analyse import serialise
from storyline.analyse.codegraph import code_hash
from storyline.analyse.lang.context import AnalysisContext

__all__ = [
    "COMPONENTS",
    "AnalysisContext",
    "Component",
    "analyse_doc",
    "component_key",
    "component_keys",
    "component_versions",
    "enabled_components",
    "quote_records",
    "timex_records",
]


@dataclass(frozen=True, slots=True)
class Component:
    """One stored layer: ``annotate(doc, context)`` finds it (and leaves it on the Doc),
    ``serialise(found, doc)`` turns it into the layer's JSON data.

    ``module`` is where ``annotate`` lives: the component's key covers that module and every
    analysis module it imports, transitively (`storyline.analyse.codegraph`), plus the
    serialiser's source. ``version`` is the layer's own version, to bump when its output must
    change while its code does not (a new model, a re-read of old data)."""

    name: str
    version: str
    module: str
    annotate: Callable[[Any, AnalysisContext], Any]
    serialise: Callable[[Any, Any], Any]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    titled: bool = False
    """Reads the article's title (``context.title``): its stored layer is keyed by it too."""

    def fn(self, doc: Any, ctx: AnalysisContext) -> Any:
        """The layer's JSON data for one article."""
        return self.serialise(self.annotate(doc, ctx), doc)


# Each adapter imports its family on first use: a build that never analyses loads none of them.
def _doc(doc: Any, ctx: AnalysisContext) -> Any:
    return doc


def _quotes(doc: Any, ctx: AnalysisContext) -> Any:
    from storyline.analyse.quotes.attribute import doc_quotes

    return doc_quotes(doc)


def _timexes(doc: Any, ctx: AnalysisContext) -> Any:
    from storyline.analyse.time.tagged import doc_timexes

    return doc_timexes(doc, ctx.published)


def _entities(doc: Any, ctx: AnalysisContext) -> Any:
    from storyline.analyse.entities.resolve import doc_entities

    return doc_entities(doc)


def _caption_entities(doc: Any, ctx: AnalysisContext) -> Any:
    # People pictured in captions are in the story even though the caption is not body text
    # ("Labour MP Ruth Cadbury travelled to the US ..."); their mentions carry caption offsets.
    if ctx.captions is None:
        return None
    from storyline.analyse.entities.resolve import doc_entities

    return doc_entities(ctx.captions)


def _events(doc: Any, ctx: AnalysisContext) -> Any:
    from storyline.analyse.time.events import article_events

    return article_events(doc, ctx.published, ctx.published_inferred)


def _embedding(doc: Any, ctx: AnalysisContext) -> Any:
    # The lead's sentence embedding for story clustering, made here so that the workers share
    # it with the parse and a later build reads it from the store instead of re-embedding.
    # It reads the text, not the parse: a new parse does not re-embed.
    from storyline.analyse.lang import embeddings

    if not embeddings.available():
        return None
    return embeddings.embed([embeddings.lead_text(ctx.title, doc.text)])[0]


def _embedding_record(vector: Any) -> str | None:
    from storyline.analyse.lang.embeddings import encode

    return None if vector is None else encode(vector)


def _layer(records: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    def of(found: Any, doc: Any) -> Any:
        return records(found)

    of.__wrapped__ = records  # type: ignore[attr-defined]  # the serialiser, for its key
    return of


_NLP = "storyline.analyse.lang.nlp"
_QUOTES = "storyline.analyse.quotes.attribute"
_TIMEX = "storyline.analyse.time.tagged"
_ENTITIES = "storyline.analyse.entities.resolve"
_EVENTS = "storyline.analyse.time.events"
_EMBEDDINGS = "storyline.analyse.lang.embeddings"

COMPONENTS: tuple[Component, ...] = (
    Component("sentences", "1", _NLP, _doc, _layer(serialise.sentence_records)),
    Component("mentions", "1", _NLP, _doc, _layer(serialise.mention_records)),
    Component(
        "quotes",
        "1",
        _QUOTES,
        _quotes,
        _layer(serialise.quote_records),
        requires=("quote_spans",),
        assigns=("quotes",),
    ),
    Component(
        "timexes", "1", _TIMEX, _timexes, _layer(serialise.timex_records), assigns=("timexes",)
    ),
    Component(
        "entities",
        "1",
        _ENTITIES,
        _entities,
        _layer(serialise.entity_records),
        requires=("quoted_tokens",),
        assigns=("entities",),
    ),
    Component(
        "caption_entities",
        "1",
        _ENTITIES,
        _caption_entities,
        _layer(serialise.entity_records),
    ),
    Component(
        "events",
        "1",
        _EVENTS,
        _events,
        _layer(serialise.event_records),
        requires=("timexes", "quoted_chars"),
    ),
    Component("embedding", "1", _EMBEDDINGS, _embedding, _layer(_embedding_record), titled=True),
)


def _available(component: Component) -> bool:
    # Components whose module is not installed are skipped, not fatal: the layer is simply
    # absent from the store and the dossier.
    try:
        importlib.import_module(component.module)
    except ImportError:
        return False
    return True


def enabled_components() -> tuple[Component, ...]:
    """The components a build runs, in order (those whose module is installed)."""
    return tuple(c for c in COMPONENTS if _available(c))


def _source(fn: Callable[..., Any]) -> str:
    return inspect.getsource(getattr(fn, "__wrapped__", fn))


_GLUE = "".join(_source(fn) for fn in (Component, _layer))
"""The code every component's layer passes through here."""


def component_key(component: Component, src: Mapping[str, bytes] | None = None) -> str:
    """One component's key; ``src`` stands in for the analysis package's sources (tests)."""
    h = hashlib.sha1()
    for part in (
        component.name,
        component.version,
        code_hash([component.module], src),
        _source(component.annotate),
        _source(component.serialise),
        _GLUE,
    ):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def _keys() -> tuple[tuple[str, str], ...]:
    return tuple((c.name, component_key(c)) for c in enabled_components())


def component_keys() -> dict[str, str]:
    """Each enabled component's key (name -> key): its name, version, the source of every
    analysis module its ``module`` reaches, and its serialiser's source. Editing one module
    changes the keys of exactly the components that import it, directly or not."""
    return dict(_keys())


def component_versions() -> str:
    """Identity of the analysis as configured, all components together."""
    return ";".join(f"{name}={key}" for name, key in _keys())


def analyse_doc(doc: Any, ctx: AnalysisContext) -> dict[str, Any]:
    """Every enabled component's layer for one article, in order."""
    return {c.name: c.fn(doc, ctx) for c in enabled_components()}


def quote_records(doc: Any) -> list[dict[str, Any]]:
    """The quote layer of a parsed text (what the build stores)."""
    records: list[dict[str, Any]] = _QUOTE_LAYER.fn(doc, AnalysisContext(None))
    return records


def timex_records(text: str, published: str | None) -> list[dict[str, Any]]:
    """The timex layer of a text, resolved against ``published``, without a parse (the tagger
    reads characters only)."""
    from storyline.analyse.time.tagged import anchor_date
    from storyline.analyse.time.timex import tag_timexes

    return serialise.timex_records(tag_timexes(text, anchor_date(published)))


_QUOTE_LAYER = next(c for c in COMPONENTS if c.name == "quotes")
