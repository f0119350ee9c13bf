"""What a store is, whatever keeps it: the protocols the pipeline and a server program against.

Each backend implements all of them (:class:`storyline.store.sqlite.Store`,
:class:`storyline.store.postgres.PostgresStore`): nothing outside ``storyline.store`` touches a
connection or writes SQL. The protocols
are grouped by the concern a caller has:

- :class:`Articles`: input files, articles and their metadata, clean text, date inference.
- :class:`Layers`: each article's stored analysis layers.
- :class:`BandIndex`: the MinHash band index, duplicate candidates and duplicate links.
- :class:`Builds`: builds and what each could not do (errors).
- :class:`StoriesRepo`: the stories of a build.
- :class:`CorpusResults`: a build's corpus results (entities, mentions, quotes, quote groups,
  timeline) and the reads a server needs over them.
- :class:`Store`: all of the above plus transactions, the one-writer lock and closing.

Conventions every backend keeps: a ``build`` argument is a build id from
:meth:`Builds.begin_build`; "current" articles are those the build holds; methods that take
many ids batch them (no call per article); writes happen inside :meth:`Store.transaction`
(or are their own transaction outside one). Methods are added here, never renamed: the older,
untyped ones stay until the pipeline has moved to their typed variants (named in each
docstring)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

import numpy as np

from storyline.model import (
    Corpus,
    DuplicateEdge,
    DuplicateGroup,
    Entity,
    InputFailure,
    Mention,
    MetaValue,
    Quote,
    QuoteGroup,
    Removal,
    Story,
    StorySummary,
    TimelineEntry,
)
from storyline.store.app import Correction
from storyline.store.rows import (
    AnalysisInput,
    ArticleBrief,
    ArticleRow,
    BuildRow,
    CleanCandidate,
    CleanedArticle,
    CleanInput,
    CleanRow,
    FileState,
    LinkInput,
    NewArticle,
)

__all__ = [
    "Articles",
    "BandIndex",
    "Builds",
    "CorpusResults",
    "Layers",
    "Store",
    "StoriesRepo",
]


@runtime_checkable
class Articles(Protocol):
    """Input files and articles: what ingest writes, cleaning reads and rewrites, date
    inference completes, and outputs read back."""

    # files
    def file_state(self, path: str) -> tuple[int, int, str] | None:
        """(size, mtime_ns, sha256) of a known input file. Typed: :meth:`file_row`."""
        ...

    def file_row(self, path: str) -> FileState | None: ...

    def touch_file(
        self, path: str, build: int, size: int | None = None, mtime_ns: int | None = None
    ) -> int:
        """Mark an unchanged file and its articles as part of ``build``; its article count."""
        ...

    def put_file(self, path: str, size: int, mtime_ns: int, sha: str, build: int) -> None: ...

    def forget_file(self, path: str) -> None:
        """Delete a changed file's articles (and everything derived from them)."""
        ...

    # articles
    def put_article(
        self,
        *,
        article_id: str,
        file_path: str,
        ordinal: int,
        source: str,
        fmt: str,
        raw: bytes,
        decoded: str,
        notes: Sequence[str],
        meta: dict[str, MetaValue],
        strip: list[dict[str, Any]],
        line_keys: Iterable[str],
        build: int,
    ) -> None:
        """Store one ingested article; its queried metadata (outlet, title, byline, url,
        published with source and precision) become columns."""
        ...

    def put_articles(self, rows: Sequence[NewArticle]) -> None:
        """:meth:`put_article` of each row (ids distinct), in as few statements as the backend
        allows."""
        ...

    def delete_articles(self, ids: Sequence[str]) -> None: ...

    def id_owner(self, article_id: str) -> str | None:
        """The file an article id belongs to, if any."""
        ...

    def id_owners(self, ids: Sequence[str]) -> dict[str, str]:
        """:meth:`id_owner` of several ids in one query (ids nobody owns are absent)."""
        ...

    def current_ids(self, build: int) -> list[str]: ...

    def count_current(self, build: int) -> int: ...

    def sources_of(self, ids: Sequence[str]) -> dict[str, str]: ...

    def article(self, article_id: str) -> ArticleRow | None:
        """One article, or None when the store has no such id."""
        ...

    def articles(
        self,
        build: int,
        story_id: str | None = None,
        outlet: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ArticleRow]:
        """Current articles of ``build`` (of one story, one outlet), by date, outlet and id."""
        ...

    def article_rows(self, build: int) -> Iterator[ArticleRow]:
        """Every current article, by date, outlet and id, one at a time (typed
        :meth:`articles_for_output`)."""
        ...

    def articles_for_output(self, build: int) -> Iterator[dict[str, Any]]:
        """Older form of :meth:`article_rows` (dicts)."""
        ...

    def current_articles_brief(self, build: int) -> list[dict[str, Any]]:
        """Older form of :meth:`briefs` (dicts)."""
        ...

    def briefs(self, build: int) -> list[ArticleBrief]:
        """Id, date, outlet and duplicate link of every current article, by date."""
        ...

    def published_of(self, ids: Iterable[str]) -> dict[str, str | None]: ...

    def titles_of(self, ids: Sequence[str]) -> dict[str, str]:
        """Each article's title ("" when it has none), in one query."""
        ...

    # cleaning
    def outlet_sizes(self, build: int) -> dict[str, int]: ...

    def outlet_furniture_counts(self, build: int, floor: int) -> Iterator[tuple[str, str, int]]:
        """(outlet, line key, articles) for line keys shared by ``floor`` current articles."""
        ...

    def article_line_keys(self, article_id: str) -> list[str]: ...

    def line_keys_of(self, ids: Sequence[str]) -> dict[str, list[str]]: ...

    def for_cleaning(self, build: int) -> list[tuple[str, str | None, str | None]]:
        """(id, outlet, clean_key) of every current article. Typed: :meth:`clean_candidates`."""
        ...

    def clean_candidates(self, build: int) -> list[CleanCandidate]: ...

    def cleaning_input(self, article_id: str) -> tuple[str, str, str]:
        """(decoded, meta json, strip json) of one article. Typed: :meth:`clean_inputs`."""
        ...

    def cleaning_inputs(self, ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
        """:meth:`cleaning_input` of many. Typed: :meth:`clean_inputs`."""
        ...

    def clean_inputs(self, ids: Sequence[str]) -> dict[str, CleanInput]: ...

    def put_clean_rows(self, rows: Sequence[CleanRow]) -> None:
        """Older, positional form of :meth:`put_cleaned`."""
        ...

    def put_cleaned(self, rows: Sequence[CleanedArticle]) -> None:
        """Store cleaned articles (marks each as needing duplicate linking)."""
        ...

    def clean_text_of(self, article_id: str) -> str: ...

    def clean_texts_of(self, ids: Sequence[str]) -> dict[str, str]:
        """:meth:`clean_text_of` of many, in one query ("" for an uncleaned article)."""
        ...

    def removed_of(self, article_id: str) -> list[dict[str, Any]]:
        """What cleaning removed, as stored. Typed and batched: :meth:`removals_of`."""
        ...

    def removals_of(self, ids: Sequence[str]) -> dict[str, tuple[Removal, ...]]: ...

    # dates
    def undated(self, build: int, only_changed: bool = False) -> list[str]:
        """Current articles with no stated date (with ``only_changed``: not looked at since
        their clean text last changed)."""
        ...

    def dated_articles(self, build: int, limit: int) -> list[tuple[str, str]]:
        """(id, stated date) of every current dated article, [] when over ``limit``."""
        ...

    def set_inferred_date(self, article_id: str, iso: str | None) -> int: ...


@runtime_checkable
class Layers(Protocol):
    """Each article's analysis layers (one JSON value per component), with the key they were
    made with."""

    def for_analysis(self, build: int) -> list[tuple[str, str | None, str | None, str | None]]:
        """(id, clean_key, meta json, analysis_key). Typed: :meth:`analysis_inputs`."""
        ...

    def analysis_inputs(self, build: int) -> list[AnalysisInput]: ...

    def put_layers(self, article_id: str, key: str, layers: dict[str, Any]) -> None:
        """Replace an article's layers (and remember the key they were made with)."""
        ...

    def layer(self, article_id: str, name: str) -> Any:
        """One layer of one article (None when absent). Many: :meth:`layers_of`."""
        ...

    def layers_of(self, ids: Sequence[str], name: str) -> dict[str, Any]:
        """Layer ``name`` of each of ``ids`` that has it, in one batched read."""
        ...


@runtime_checkable
class BandIndex(Protocol):
    """The MinHash band index of current articles, their candidates and duplicate links."""

    def needing_link(self, build: int) -> list[str]: ...

    def mark_linked_many(self, ids: Sequence[str]) -> None: ...

    def link_input(self, article_id: str) -> tuple[str, bytes, bytes]:
        """(norm hash, near signature, content signature). Typed: :meth:`link_inputs`."""
        ...

    def link_inputs(self, ids: Sequence[str]) -> dict[str, LinkInput]: ...

    def signatures(self, article_id: str) -> tuple[np.ndarray, np.ndarray]: ...

    def same_norm_hash(self, article_id: str, norm_hash: str, build: int) -> list[str]: ...

    def norm_hash_holders(self, norm_hashes: Sequence[str], build: int) -> dict[str, list[str]]:
        """The current articles holding each of ``norm_hashes`` (sorted ids; a hash no current
        article holds is absent): :meth:`same_norm_hash` of a page of articles in one query."""
        ...

    def replace_bands(
        self, article_id: str, kind: str, keys: Iterable[tuple[int, int]]
    ) -> None: ...

    def put_bands(self, rows: Iterable[tuple[str, int, int, str]]) -> None:
        """Add (kind, band, key, article id) rows."""
        ...

    def band_candidates(
        self, article_id: str, kind: str, keys: Iterable[tuple[int, int]], build: int
    ) -> set[str]:
        """Current articles sharing a band of ``kind`` with ``article_id``."""
        ...

    def has_current_bands(self, build: int) -> bool: ...

    def dated_neighbours(self, article_id: str, build: int, limit: int) -> list[tuple[str, str]]:
        """(id, stated date) of the current articles sharing most bands with this one."""
        ...

    def drop_links(self, ids: Sequence[str]) -> None: ...

    def drop_edges(self, article_id: str) -> None: ...

    def put_edge(self, edge: DuplicateEdge) -> None: ...

    def put_edges(self, edges: Iterable[DuplicateEdge]) -> None: ...

    def current_edges(self, build: int) -> list[DuplicateEdge]: ...

    def set_duplicate_of(self, build: int, mapping: dict[str, str]) -> None: ...

    def put_duplicate_groups(self, build: int, groups: Sequence[DuplicateGroup]) -> None:
        """The duplicate groups of ``build`` as the link stage made them (their order and
        canonical members use the dates known then)."""
        ...

    def duplicate_groups(self, build: int) -> list[DuplicateGroup] | None:
        """The stored groups of ``build``; None when the build stored none."""
        ...


@runtime_checkable
class Builds(Protocol):
    """Builds, and everything a build could not do."""

    def begin_build(self, inputs: Sequence[str]) -> int: ...

    def finish_build(self, build: int) -> None: ...

    def last_build(self) -> int | None:
        """The latest finished build (its articles are the store's current ones)."""
        ...

    def build_row(self, build: int) -> BuildRow | None: ...

    def record_error(
        self, build: int, failure: InputFailure, file_path: str | None = None
    ) -> None: ...

    def set_article_errors(
        self, article_ids: Sequence[str], stage: str, failures: Iterable[InputFailure]
    ) -> list[InputFailure]: ...

    def file_errors(self, file_path: str) -> list[InputFailure]: ...

    def errors(self, build: int) -> list[InputFailure]:
        """Ingest failures, then per-article stage failures, then corpus-level ones."""
        ...


@runtime_checkable
class StoriesRepo(Protocol):
    """The stories of a build, kept between builds so a story keeps its id."""

    def put_stories(self, build: int, stories: Iterable[Story]) -> None: ...

    def stories(self, build: int) -> list[Story]: ...


@runtime_checkable
class CorpusResults(Protocol):
    """A build's corpus results, and the reads a server needs over them."""

    def put_corpus(self, build: int, corpus: Corpus) -> None:
        """Replace ``build``'s corpus results with ``corpus``, in one transaction."""
        ...

    def corpus(self, build: int) -> Corpus:
        """``build``'s corpus results as stored (an empty Corpus when it stored none); its
        ``stories`` is None when the corpus was stored without a stories section."""
        ...

    def has_corpus(self, build: int) -> bool: ...

    def corrections(self) -> list[Correction]:
        """A reader's entity corrections (the web application's), oldest first."""
        ...

    def story_summaries(self, build: int) -> list[StorySummary]:
        """The stories section stored with ``build``'s corpus results."""
        ...

    def entity(self, entity_id: str, build: int | None = None) -> Entity | None:
        """One entity of ``build`` (default: the last finished build)."""
        ...

    def quotes_of_entity(self, entity_id: str, build: int | None = None) -> list[Quote]: ...

    def entities_of_article(self, article_id: str, build: int | None = None) -> list[Entity]: ...

    def mentions_of_article(self, article_id: str, build: int | None = None) -> list[Mention]: ...

    def co_mentioned(
        self, entity_id: str, limit: int = 10, build: int | None = None
    ) -> list[tuple[Entity, int]]:
        """The entities sharing most articles with ``entity_id``, with how many they share."""
        ...

    def timeline(self, build: int, story_id: str | None = None) -> list[TimelineEntry]: ...

    def quote_groups(self, build: int, story_id: str | None = None) -> list[QuoteGroup]: ...


@runtime_checkable
class Store(Articles, Layers, BandIndex, Builds, StoriesRepo, CorpusResults, Protocol):
    """A whole store: every concern, plus transactions, the one-writer lock and closing.
    (Where it lives is the backend's: a file ``path`` for SQLite, a URL for a server.)"""

    @property
    def schema_version(self) -> int: ...

    def transaction(self) -> AbstractContextManager[None]:
        """Everything written inside is committed together (or not at all)."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """Inside :meth:`transaction`: a unit whose writes are undone alone if it fails."""
        ...

    def checkpoint(self) -> None:
        """Inside :meth:`transaction`: make what is written so far durable and go on."""
        ...

    def writer_lock(self, timeout: float = 30.0) -> AbstractContextManager[None]:
        """Hold the store's one-writer lock (a second writer waits ``timeout`` s, then a
        :class:`~storyline.errors.StoreError`)."""
        ...

    def integrity_check(self) -> str:
        """``ok`` when the store is sound."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...
