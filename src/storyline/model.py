"""The frozen results every stage hands to the next.

Each result carries where it came from (offsets, a confidence, the method that produced it), so
that any fact in a dossier can be traced back to its evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "CORPUS_SECTIONS",
    "ENTITY_TYPES",
    "Article",
    "BuildReport",
    "CleanText",
    "Corpus",
    "DuplicateEdge",
    "DuplicateGroup",
    "Entity",
    "Evidence",
    "InputFailure",
    "Mention",
    "MetaValue",
    "PublishedDate",
    "Quote",
    "QuoteGroup",
    "RawDocument",
    "Removal",
    "Role",
    "Span",
    "Story",
    "StorySummary",
    "TimelineEntry",
    "date_precision",
]

Format = Literal["txt", "html", "jsonl", "warc"]
DuplicateKind = Literal["exact", "near", "rewrite"]


@dataclass(frozen=True, slots=True)
class MetaValue:
    """One metadata value and its provenance.

    ``source`` is one of the contract's ``published_source`` words for dates (``header``,
    ``dateline``, ``html``, ``jsonl``, ``inferred``) and, for other fields, says where the value
    was read: ``brand-line``, ``self-reference``, ``url``, ``html``, ``jsonl``, ``warc``,
    ``first-line``, ``byline-line``. ``start``/``end`` point into the decoded input text when
    the value was read from it.
    """

    value: str
    source: str
    method: str
    confidence: float = 1.0
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as read from its input, before cleaning.

    ``text`` is the decoded text (for HTML, the main text trafilatura extracted); ``raw`` is what
    the input held for this article (bytes of a .txt file, the HTML page, the JSONL line), kept so
    that nothing the input held is ever lost from the store.
    """

    id: str
    source: str
    format: Format
    text: str
    raw: bytes
    meta: dict[str, MetaValue] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    """What ingest repaired: ``encoding=cp1252``, ``bom``, ``crlf``, ``mojibake``."""


@dataclass(frozen=True, slots=True)
class Removal:
    """A piece of input that cleaning dropped, with why. Offsets point into the decoded text."""

    text: str
    reason: str
    start: int
    end: int
    method: str
    confidence: float


@dataclass(frozen=True, slots=True)
class CleanText:
    text: str
    removed: tuple[Removal, ...]
    offsets: tuple[tuple[int, int, int], ...] = ()
    """(clean_start, raw_start, length) runs mapping clean-text offsets back to decoded text."""


@dataclass(frozen=True, slots=True)
class Article:
    """An article as the dossier shows it."""

    id: str
    source: str
    text: str
    removed: tuple[Removal, ...]
    outlet: MetaValue | None = None
    title: MetaValue | None = None
    byline: MetaValue | None = None
    published: MetaValue | None = None
    url: MetaValue | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class DuplicateEdge:
    a: str
    b: str
    kind: DuplicateKind
    similarity: float
    method: str


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    article_ids: tuple[str, ...]
    kind: DuplicateKind
    similarity: float
    canonical: str


@dataclass(frozen=True, slots=True)
class InputFailure:
    """One thing a build could not do, and where: a file or record it could not read
    (``stage="ingest"``), or a stage or component that failed on one article (``article_id``,
    ``stage``, ``component``) or on the corpus (``stage`` only). The build goes on without it."""

    source: str
    error: str
    article_id: str | None = None
    stage: str | None = None
    component: str | None = None


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the command line and for tests."""

    articles: int
    processed: int
    skipped_unchanged: int
    errors: tuple[InputFailure, ...]
    duplicates: tuple[DuplicateGroup, ...]
    dossier_path: str | None = None
    report_path: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Story:
    """One story: the coverage of one real-world event and its follow-ups, its articles in
    stream order."""

    id: str
    article_ids: tuple[str, ...]
    first_date: str | None
    last_date: str | None
    label: str
    confidence: float
    """Mean probability with which members joined (1 - best rejected join for one article)."""
    method: str
    """"online" (learned model) or "online+duplicates" (some members forced by the duplicate
    layer)."""


# -- the corpus model: what assembly makes, the store keeps and the dossier shows ---------------
#
# Each type's ``to_record()`` is exactly its dossier dict (keys in the dossier's order, values as
# JSON gives them) and ``from_record()`` reads one back, so the dossier, the store's corpus
# tables and a server share one shape instead of each re-reading untyped dicts.

DatePrecision = Literal["year", "month", "day"]


def date_precision(value: str | None) -> DatePrecision | None:
    """How much of a date ``value`` says: "2024" a year, "2024-05" a month, "2024-05-02" a day."""
    if not value:
        return None
    return _PRECISION.get(len(value))


_PRECISION: dict[int, DatePrecision] = {4: "year", 7: "month", 10: "day"}


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """An article's date: its value, how precise it is, where it was read (``source``: a
    contract word such as ``header`` or ``inferred``) and whether it was guessed."""

    value: str
    precision: DatePrecision | None
    source: str | None
    inferred: bool
    method: str | None = None

    @classmethod
    def of(cls, meta: MetaValue | None) -> PublishedDate | None:
        if meta is None:
            return None
        return cls(
            meta.value,
            date_precision(meta.value),
            meta.source,
            meta.source == "inferred",
            meta.method,
        )


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of an article's clean text: a speaker's mention, a speech cue."""

    start: int
    end: int
    text: str

    def to_record(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_record(cls, r: dict[str, Any] | None) -> Span | None:
        if r is None:
            return None
        return cls(int(r["start"]), int(r["end"]), str(r["text"]))


@dataclass(frozen=True, slots=True)
class Role:
    """A title an entity held, as one article dated it."""

    title: str
    date: str | None
    article_id: str

    def to_record(self) -> dict[str, object]:
        return {"title": self.title, "date": self.date, "article_id": self.article_id}

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Role:
        date = r.get("date")
        return cls(str(r["title"]), None if date is None else str(date), str(r["article_id"]))


ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP", "EVENT")
"""The dossier's entity types besides ``OTHER`` (which every other tagger label becomes)."""


@dataclass(frozen=True, slots=True)
class Entity:
    """One person, organisation or place across the corpus. ``type`` is the resolver's label
    until assembly maps it to the dossier's (:data:`ENTITY_TYPES` or ``OTHER``); ``quotes`` is
    the number of quotes attributed to it (set by assembly)."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    roles: tuple[Role, ...]
    mentions: int
    article_ids: tuple[str, ...]
    media: bool
    quotes: int = 0

    def to_record(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "roles": [r.to_record() for r in self.roles],
            "mentions": self.mentions,
            "article_ids": list(self.article_ids),
            "media": self.media,
            "quotes": self.quotes,
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Entity:
        return cls(
            id=r["id"],
            name=r["name"],
            type=r["type"],
            aliases=tuple(r.get("aliases", ())),
            roles=tuple(Role.from_record(x) for x in r.get("roles", ())),
            mentions=int(r.get("mentions", 0)),
            article_ids=tuple(r.get("article_ids", ())),
            media=bool(r.get("media", False)),
            quotes=int(r.get("quotes", 0)),
        )


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of a corpus entity in an article (the entity layer's mention, resolved
    across the corpus: ``entity_id`` is None when no corpus entity took its cluster)."""

    article_id: str
    start: int
    end: int
    text: str
    label: str
    kind: str
    confidence: float
    method: str
    entity_id: str | None

    def to_record(self) -> dict[str, object]:
        return {
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "kind": self.kind,
            "confidence": self.confidence,
            "method": self.method,
            "entity_id": self.entity_id,
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Mention:
        return cls(
            r["article_id"],
            int(r["start"]),
            int(r["end"]),
            r["text"],
            r["label"],
            r["kind"],
            float(r["confidence"]),
            r["method"],
            r.get("entity_id"),
        )


@dataclass(frozen=True, slots=True)
class Quote:
    """One quote in the dossier. ``group_id`` is set when the same words are carried by other
    articles (the dossier has the key only then)."""

    id: str
    article_id: str
    text: str
    start: int
    end: int
    speaker: str | None
    speaker_entity_id: str | None
    speaker_span: Span | None
    cue: Span | None
    kind: str
    confidence: float
    method: str
    group_id: str | None = None

    def to_record(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "article_id": self.article_id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "speaker_entity_id": self.speaker_entity_id,
            "speaker_span": None if self.speaker_span is None else self.speaker_span.to_record(),
            "cue": None if self.cue is None else self.cue.to_record(),
            "kind": self.kind,
            "confidence": self.confidence,
            "method": self.method,
        }
        if self.group_id is not None:
            out["group_id"] = self.group_id
        return out

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Quote:
        return cls(
            id=r["id"],
            article_id=r["article_id"],
            text=r["text"],
            start=int(r["start"]),
            end=int(r["end"]),
            speaker=r.get("speaker"),
            speaker_entity_id=r.get("speaker_entity_id"),
            speaker_span=Span.from_record(r.get("speaker_span")),
            cue=Span.from_record(r.get("cue")),
            kind=r["kind"],
            confidence=r["confidence"],
            method=r.get("method", ""),
            group_id=r.get("group_id"),
        )


_UNSET = "\x00unset"
"""``story_id`` of a timeline entry or quote group before stories are attached: the dossier has
no ``story_id`` key then (None is a real value: no story holds most of its articles)."""


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One quote said once and carried by several articles."""

    id: str
    text: str
    speaker: str | None
    quote_ids: tuple[str, ...]
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    first_reported: str | None
    independent_articles: int
    story_id: str | None = _UNSET

    def to_record(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "text": self.text,
            "speaker": self.speaker,
            "quote_ids": list(self.quote_ids),
            "article_ids": list(self.article_ids),
            "outlets": list(self.outlets),
            "first_reported": self.first_reported,
            "independent_articles": self.independent_articles,
        }
        if self.story_id != _UNSET:
            out["story_id"] = self.story_id
        return out

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> QuoteGroup:
        return cls(
            id=r["id"],
            text=r["text"],
            speaker=r.get("speaker"),
            quote_ids=tuple(r.get("quote_ids", ())),
            article_ids=tuple(r.get("article_ids", ())),
            outlets=tuple(r.get("outlets", ())),
            first_reported=r.get("first_reported"),
            independent_articles=int(r.get("independent_articles", 0)),
            story_id=r.get("story_id", _UNSET),
        )

    @property
    def has_story(self) -> bool:
        return self.story_id != _UNSET


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence a timeline entry rests on."""

    article_id: str
    start: int
    end: int
    text: str

    def to_record(self) -> dict[str, object]:
        return {
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Evidence:
        return cls(r["article_id"], int(r["start"]), int(r["end"]), r["text"])


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated event of the story, with the sentences that tell it."""

    id: str
    date: str
    summary: str
    entity_ids: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    relation: str
    score: float
    story_id: str | None = _UNSET

    def to_record(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "date": self.date,
            "summary": self.summary,
            "entity_ids": list(self.entity_ids),
            "evidence": [e.to_record() for e in self.evidence],
            "relation": self.relation,
            "score": self.score,
        }
        if self.story_id != _UNSET:
            out["story_id"] = self.story_id
        return out

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> TimelineEntry:
        return cls(
            id=r["id"],
            date=r["date"],
            summary=r["summary"],
            entity_ids=tuple(r.get("entity_ids", ())),
            evidence=tuple(Evidence.from_record(e) for e in r.get("evidence", ())),
            relation=r.get("relation", "on"),
            score=r.get("score", 0.0),
            story_id=r.get("story_id", _UNSET),
        )

    @property
    def precision(self) -> DatePrecision | None:
        return date_precision(self.date)

    @property
    def has_story(self) -> bool:
        return self.story_id != _UNSET


@dataclass(frozen=True, slots=True)
class StorySummary:
    """A story as the dossier's ``stories`` section shows it: its articles and what belongs to
    it (people, outlets, timeline entries, quote groups)."""

    id: str
    title: str
    article_ids: tuple[str, ...]
    first_date: str | None
    last_date: str | None
    size: int
    entity_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    timeline_ids: tuple[str, ...]
    quote_group_ids: tuple[str, ...]
    related_story_ids: tuple[str, ...]
    confidence: float
    method: str

    def to_record(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "article_ids": list(self.article_ids),
            "first_date": self.first_date,
            "last_date": self.last_date,
            "size": self.size,
            "entity_ids": list(self.entity_ids),
            "outlets": list(self.outlets),
            "timeline_ids": list(self.timeline_ids),
            "quote_group_ids": list(self.quote_group_ids),
            "related_story_ids": list(self.related_story_ids),
            "confidence": self.confidence,
            "method": self.method,
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> StorySummary:
        return cls(
            id=r["id"],
            title=r["title"],
            article_ids=tuple(r["article_ids"]),
            first_date=r.get("first_date"),
            last_date=r.get("last_date"),
            size=int(r["size"]),
            entity_ids=tuple(r.get("entity_ids", ())),
            outlets=tuple(r.get("outlets", ())),
            timeline_ids=tuple(r.get("timeline_ids", ())),
            quote_group_ids=tuple(r.get("quote_group_ids", ())),
            related_story_ids=tuple(r.get("related_story_ids", ())),
            confidence=r["confidence"],
            method=r["method"],
        )


CORPUS_SECTIONS = ("entities", "quotes", "quote_groups", "timeline", "stories")
"""The dossier's corpus sections, in the order :meth:`Corpus.to_sections` gives them."""


@dataclass(frozen=True, slots=True)
class Corpus:
    """The corpus results of one build: the dossier's corpus sections, plus every resolved
    entity mention (which the dossier does not list, but a server reads). ``stories`` is None
    until the stories section is attached (the dossier then has no ``stories`` key from it)."""

    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    quote_groups: tuple[QuoteGroup, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    stories: tuple[StorySummary, ...] | None = None
    mentions: tuple[Mention, ...] = ()

    def to_sections(self) -> dict[str, list[dict[str, Any]]]:
        """The sections as the dossier holds them (``stories`` only once attached)."""
        out: dict[str, list[dict[str, Any]]] = {
            "entities": [e.to_record() for e in self.entities],
            "quotes": [q.to_record() for q in self.quotes],
            "quote_groups": [g.to_record() for g in self.quote_groups],
            "timeline": [t.to_record() for t in self.timeline],
        }
        if self.stories is not None:
            out["stories"] = [s.to_record() for s in self.stories]
        return out

    @classmethod
    def from_sections(
        cls, sections: dict[str, list[dict[str, Any]]], mentions: Iterable[Mention] = ()
    ) -> Corpus:
        stories = sections.get("stories")
        return cls(
            entities=tuple(Entity.from_record(r) for r in sections.get("entities", ())),
            quotes=tuple(Quote.from_record(r) for r in sections.get("quotes", ())),
            quote_groups=tuple(QuoteGroup.from_record(r) for r in sections.get("quote_groups", ())),
            timeline=tuple(TimelineEntry.from_record(r) for r in sections.get("timeline", ())),
            stories=None
            if stories is None
            else tuple(StorySummary.from_record(r) for r in stories),
            mentions=tuple(mentions),
        )
