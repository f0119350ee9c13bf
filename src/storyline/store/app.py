"""What the web application (``storyline serve``) asks of a store, as Protocols: the corpus of a
build in dossier shape, one article with its layers, full-text search over articles and quotes,
entity corrections, saved searches, and background build jobs.

``store/sqlite_app.py`` implements it on SQLite (FTS5 for search); a PostgreSQL backend
implements the same Protocol (tsvector). The web application reaches a store only through it.

Search snippets mark their highlights with :data:`HIGHLIGHT_START` / :data:`HIGHLIGHT_END`
(private-use characters no article holds), so the page escapes the text first and only then
turns the markers into ``<mark>``: a highlight can never carry markup from the text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from storyline.model import InputFailure

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "AppStore",
    "ArticleFilter",
    "ArticleHit",
    "ArticleSearch",
    "BuildInfo",
    "Corpus",
    "Correction",
    "Facet",
    "Job",
    "QuoteFilter",
    "QuoteHit",
    "QuoteSearch",
    "SavedSearch",
]

HIGHLIGHT_START = "\ue000"
HIGHLIGHT_END = "\ue001"

CorrectionKind = Literal["merge", "split", "rename", "not_person"]
SearchKind = Literal["articles", "quotes"]
JobState = Literal["queued", "running", "done", "failed", "cancelled"]


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction of the entity layer.

    - ``merge``: ``other_id`` is folded into ``entity_id`` (its aliases, roles, quotes, mentions).
    - ``split``: the surface form ``value`` is taken off ``entity_id`` into an entity of its own
      (id :func:`split_entity_id`), with the quotes attributed through that form.
    - ``rename``: ``entity_id`` is called ``value`` (the old name stays an alias).
    - ``not_person``: ``entity_id`` is not a person; its type becomes ``value`` (``OTHER`` when
      empty).
    """

    id: int
    kind: CorrectionKind
    entity_id: str
    other_id: str | None = None
    value: str | None = None
    who: str = "unknown"
    created: float = 0.0
    note: str = ""


@dataclass(frozen=True, slots=True)
class Corpus:
    """One build's corpus in dossier shape (``docs/contract.md``), corrections applied.

    ``articles`` are the contract's article records without ``text``/``removed`` (an article
    page reads those with :meth:`AppStore.article`); ``stale_corrections`` are corrections that
    found nothing to act on in this build."""

    build: int
    articles: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    quote_groups: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    stories: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]
    stale_corrections: tuple[Correction, ...] = ()
    by_article: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    by_entity: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    by_story: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    quotes_by_id: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    quotes_by_article: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)
    quotes_by_speaker: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)
    """By ``speaker_entity_id``."""
    quotes_by_group: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    q: str = ""
    outlet: str | None = None
    person: str | None = None
    """An entity id: articles that mention it."""
    date_from: str | None = None
    date_to: str | None = None
    story: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteFilter:
    q: str = ""
    speaker: str | None = None
    """An entity id, or a speaker name (matched case-insensitively)."""
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    story: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Facet:
    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class ArticleHit:
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    """Text around the match, highlights between HIGHLIGHT_START and HIGHLIGHT_END."""
    score: float
    story_id: str | None


@dataclass(frozen=True, slots=True)
class ArticleSearch:
    total: int
    hits: tuple[ArticleHit, ...]
    facets: Mapping[str, tuple[Facet, ...]]
    """``outlet``, ``person`` and ``month`` facets over every match (not only this page)."""


@dataclass(frozen=True, slots=True)
class QuoteHit:
    quote: Mapping[str, Any]
    """The dossier's quote record (speaker, cue, kind, offsets, group_id...)."""
    outlet: str | None
    published: str | None
    story_id: str | None
    first_reported: str | None
    """The group's earliest date (the quote's own date when it is in no group)."""
    first_article_id: str | None
    """The article that reported it first."""
    reported_by: int
    """Articles carrying the quote (1 when it is in no group)."""
    context: str
    """The sentence holding the quote."""
    context_start: int
    context_end: int
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class QuoteSearch:
    total: int
    hits: tuple[QuoteHit, ...]
    facets: Mapping[str, tuple[Facet, ...]]
    """``speaker``, ``outlet`` and ``kind`` facets over every match."""


@dataclass(frozen=True, slots=True)
class BuildInfo:
    id: int
    started: float
    finished: float | None
    inputs: tuple[str, ...]
    articles: int
    errors: int


@dataclass(frozen=True, slots=True)
class SavedSearch:
    id: int
    name: str
    kind: SearchKind
    params: Mapping[str, str]
    """The search's query parameters (``q``, ``outlet``, ...)."""
    who: str
    created: float
    last_seen: float
    """When its results were last looked at: hits first seen after this are new."""


@dataclass(frozen=True, slots=True)
class SavedHit:
    hit_id: str
    first_seen: float


@dataclass(frozen=True, slots=True)
class Job:
    """A background build started by the web application."""

    id: int
    kind: str
    """``upload``, ``fetch``, ``rebuild`` or ``retry``."""
    state: JobState
    created: float
    started: float | None
    finished: float | None
    stage: str | None
    done: int
    total: int | None
    inputs: tuple[str, ...]
    message: str
    build_id: int | None
    who: str
    log: tuple[str, ...] = ()


class AppStore(Protocol):
    """The web application's view of a store. Every method is a short read or write; a build
    runs elsewhere (a background process) and this sees its results once it has finished."""

    def last_build(self) -> int | None: ...

    def corpus(self, build: int) -> Corpus: ...

    def article(self, article_id: str) -> dict[str, Any] | None:
        """The article's contract record with ``text`` and ``removed``, plus ``layers``
        (``quotes``, ``entities``, ``timexes``, ``sentences`` as stored) and ``current``
        (whether it belongs to the last build)."""
        ...

    def layer(self, article_id: str, name: str) -> Any:
        """One stored analysis layer of an article (None when it has none)."""
        ...

    def search_articles(
        self, build: int, flt: ArticleFilter, limit: int, offset: int
    ) -> ArticleSearch: ...

    def search_quotes(
        self, build: int, flt: QuoteFilter, limit: int, offset: int
    ) -> QuoteSearch: ...

    # builds ------------------------------------------------------------------------------
    def builds(self, limit: int) -> list[BuildInfo]: ...

    def build_errors(self, build: int) -> list[InputFailure]: ...

    def build_inputs(self, build: int) -> list[str]: ...

    def reset_failed(self, build: int) -> list[str]:
        """Make the next build redo what ``build`` could not: files it could not read are
        read again, articles a stage failed on go through that stage again. Returns the
        sources concerned."""
        ...

    # corrections -------------------------------------------------------------------------
    def corrections(self) -> list[Correction]: ...

    def add_correction(self, item: Correction) -> Correction: ...

    def delete_correction(self, correction_id: int) -> bool: ...

    # saved searches ----------------------------------------------------------------------
    def saved_searches(self) -> list[SavedSearch]: ...

    def saved_search(self, search_id: int) -> SavedSearch | None: ...

    def add_saved_search(
        self, name: str, kind: SearchKind, params: Mapping[str, str], who: str
    ) -> SavedSearch: ...

    def delete_saved_search(self, search_id: int) -> bool: ...

    def record_hits(self, search_id: int, hit_ids: Sequence[str]) -> list[SavedHit]:
        """Remember ``hit_ids`` as seen by the search (the first time each appears) and return
        every hit with when it was first seen."""
        ...

    def mark_seen(self, search_id: int, when: float) -> None: ...

    # jobs --------------------------------------------------------------------------------
    def add_job(self, kind: str, inputs: Sequence[str], who: str, message: str = "") -> Job: ...

    def update_job(self, job_id: int, **changes: Any) -> None: ...

    def job(self, job_id: int) -> Job | None: ...

    def jobs(self, limit: int) -> list[Job]: ...

    def writer_busy(self) -> bool:
        """Whether a build is writing the store now (writes of the web application wait)."""
        ...

    def close(self) -> None: ...
