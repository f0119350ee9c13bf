"""The embedded store: one SQLite file holding raw input, clean text, metadata (the queried
fields as columns), duplicate links and groups, every analysis layer, stories and each build's
corpus results (entities, mentions, quotes, quote groups, timeline). It implements every
protocol of :mod:`storyline.store.base`, returning the rows of :mod:`storyline.store.rows`; the
SQLite dialect (``INSERT OR REPLACE``, ``INDEXED BY``, PRAGMAs, ``json_extract``) lives only
here. The schema is versioned and migrated in place; builds are incremental."""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.errors import StoreError
from storyline.model import (
    CleanText,
    Corpus,
    DuplicateEdge,
    DuplicateGroup,
    Entity,
    Evidence,
    InputFailure,
    Mention,
    MetaValue,
    Quote,
    QuoteGroup,
    Removal,
    Span,
    Story,
    StorySummary,
    TimelineEntry,
    date_precision,
)
from storyline.store.rows import (
    ArticleBrief,
    ArticleRow,
    CleanedArticle,
    CleanInput,
    CleanRow,
    LinkInput,
    NewArticle,
    meta_from_json,
    meta_to_json,
)
from storyline.store.shared import SharedStore
from storyline.store.sqlite_app import MIGRATIONS as APP_MIGRATIONS

if TYPE_CHECKING:
    from storyline.store.app import Correction

__all__ = [
    "SCHEMA_VERSION",
    "CleanRow",
    "Store",
    "clean_row",
    "meta_from_json",
    "meta_to_json",
    "store_fault",
    "valid_text",
]


# article_lines has no (outlet, key) index: the furniture count reads it once a build with a
# GROUP BY that is as fast without one, and keeping one up cost half of every article's insert.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS builds(
  id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL, inputs TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
  path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL,
  build INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
  id TEXT PRIMARY KEY,
  file_path TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  source TEXT NOT NULL,
  format TEXT NOT NULL,
  raw BLOB NOT NULL,
  decoded TEXT NOT NULL,
  notes TEXT NOT NULL,
  meta TEXT NOT NULL,
  strip TEXT NOT NULL,
  outlet TEXT,
  published TEXT,
  clean_key TEXT,
  clean_text TEXT,
  removed TEXT,
  offsets TEXT,
  norm_hash TEXT,
  sig_near BLOB,
  sig_content BLOB,
  duplicate_of TEXT,
  needs_link INTEGER NOT NULL DEFAULT 0,
  analysis_key TEXT,
  date_inferred_for TEXT,
  build INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS articles_file ON articles(file_path);
CREATE INDEX IF NOT EXISTS articles_build ON articles(build);
CREATE INDEX IF NOT EXISTS articles_norm ON articles(norm_hash);
CREATE TABLE IF NOT EXISTS article_lines(article_id TEXT NOT NULL, outlet TEXT, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS article_lines_article ON article_lines(article_id);
CREATE TABLE IF NOT EXISTS bands(
  kind TEXT NOT NULL, band INTEGER NOT NULL, key INTEGER NOT NULL, article_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bands_lookup ON bands(kind, band, key);
CREATE INDEX IF NOT EXISTS bands_article ON bands(article_id);
CREATE TABLE IF NOT EXISTS edges(
  a TEXT NOT NULL, b TEXT NOT NULL, kind TEXT NOT NULL, similarity REAL NOT NULL,
  method TEXT NOT NULL, PRIMARY KEY(a, b));
CREATE INDEX IF NOT EXISTS edges_b ON edges(b);
CREATE TABLE IF NOT EXISTS errors(
  build INTEGER NOT NULL, source TEXT NOT NULL, error TEXT NOT NULL, file_path TEXT);
CREATE INDEX IF NOT EXISTS errors_file ON errors(file_path, build);
CREATE TABLE IF NOT EXISTS layers(
  article_id TEXT NOT NULL, layer TEXT NOT NULL, version TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY(article_id, layer));
"""
"""Version 1, the base every store starts from; :data:`_MIGRATIONS` take it to the current one."""

_MIGRATIONS: dict[int, str] = {
    # Fault isolation: an error names the article, stage and component it concerns; the
    # failures of a stage on an article stand until that stage runs on the article again, so a
    # later build that skips the article (unchanged) still reports them.
    2: """
ALTER TABLE errors ADD COLUMN article_id TEXT;
ALTER TABLE errors ADD COLUMN stage TEXT;
ALTER TABLE errors ADD COLUMN component TEXT;
CREATE TABLE IF NOT EXISTS article_errors(
  article_id TEXT NOT NULL, stage TEXT NOT NULL, component TEXT, source TEXT NOT NULL,
  error TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS article_errors_article ON article_errors(article_id, stage);
""",
    # Stories: each current article's story, kept between builds so that a story keeps its id
    # while it survives.
    3: """
CREATE TABLE IF NOT EXISTS stories(
  id TEXT PRIMARY KEY, label TEXT NOT NULL, first_date TEXT, last_date TEXT,
  confidence REAL NOT NULL, method TEXT NOT NULL, build INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS story_articles(
  article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS story_articles_story ON story_articles(story_id);
""",
    # Queried metadata as columns (filled from the JSON for existing stores), the duplicate
    # groups a link stage made, and the corpus results of a build: entities (aliases, roles,
    # articles), every resolved mention, quotes, quote groups (members) and the timeline
    # (evidence, entities). Positions keep each list in the order assembly made it.
    4: """
ALTER TABLE articles ADD COLUMN title TEXT;
ALTER TABLE articles ADD COLUMN byline TEXT;
ALTER TABLE articles ADD COLUMN url TEXT;
ALTER TABLE articles ADD COLUMN published_source TEXT;
ALTER TABLE articles ADD COLUMN published_method TEXT;
ALTER TABLE articles ADD COLUMN published_precision TEXT;
UPDATE articles SET
  title = json_extract(meta, '$.title.value'),
  byline = json_extract(meta, '$.byline.value'),
  url = json_extract(meta, '$.url.value'),
  published_source = json_extract(meta, '$.published.source'),
  published_method = json_extract(meta, '$.published.method'),
  published_precision = CASE length(published)
    WHEN 4 THEN 'year' WHEN 7 THEN 'month' WHEN 10 THEN 'day' ELSE NULL END;
CREATE INDEX IF NOT EXISTS articles_build_outlet ON articles(build, outlet);
CREATE TABLE IF NOT EXISTS duplicate_groups(
  build INTEGER NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL,
  similarity REAL, canonical TEXT NOT NULL, PRIMARY KEY(build, position));
CREATE TABLE IF NOT EXISTS duplicate_group_members(
  build INTEGER NOT NULL, position INTEGER NOT NULL, member INTEGER NOT NULL,
  article_id TEXT NOT NULL, PRIMARY KEY(build, position, member));
CREATE TABLE IF NOT EXISTS duplicate_group_builds(build INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS corpus_builds(
  build INTEGER PRIMARY KEY, stored REAL NOT NULL, has_stories INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS story_summaries(
  build INTEGER NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, title TEXT NOT NULL,
  first_date TEXT, last_date TEXT, size INTEGER NOT NULL, confidence REAL,
  method TEXT NOT NULL, PRIMARY KEY(build, id));
CREATE TABLE IF NOT EXISTS story_summary_lists(
  build INTEGER NOT NULL, story_id TEXT NOT NULL, list TEXT NOT NULL, position INTEGER NOT NULL,
  value TEXT NOT NULL, PRIMARY KEY(build, story_id, list, position));
CREATE TABLE IF NOT EXISTS entities(
  build INTEGER NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL,
  type TEXT NOT NULL, mentions INTEGER NOT NULL, media INTEGER NOT NULL,
  quotes INTEGER NOT NULL, PRIMARY KEY(build, id));
CREATE TABLE IF NOT EXISTS entity_aliases(
  build INTEGER NOT NULL, entity_id TEXT NOT NULL, position INTEGER NOT NULL,
  alias TEXT NOT NULL, PRIMARY KEY(build, entity_id, position));
CREATE TABLE IF NOT EXISTS entity_roles(
  build INTEGER NOT NULL, entity_id TEXT NOT NULL, position INTEGER NOT NULL,
  title TEXT NOT NULL, date TEXT, article_id TEXT NOT NULL,
  PRIMARY KEY(build, entity_id, position));
CREATE TABLE IF NOT EXISTS entity_articles(
  build INTEGER NOT NULL, entity_id TEXT NOT NULL, position INTEGER NOT NULL,
  article_id TEXT NOT NULL, PRIMARY KEY(build, entity_id, position));
CREATE INDEX IF NOT EXISTS entity_articles_article ON entity_articles(build, article_id);
CREATE TABLE IF NOT EXISTS mentions(
  build INTEGER NOT NULL, article_id TEXT NOT NULL, start INTEGER NOT NULL,
  "end" INTEGER NOT NULL, text TEXT NOT NULL, label TEXT NOT NULL, kind TEXT NOT NULL,
  confidence REAL, method TEXT NOT NULL, entity_id TEXT);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(build, article_id, start);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(build, entity_id);
CREATE TABLE IF NOT EXISTS quotes(
  build INTEGER NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL,
  article_id TEXT NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  speaker TEXT, speaker_entity_id TEXT, speaker_start INTEGER, speaker_end INTEGER,
  speaker_text TEXT, cue_start INTEGER, cue_end INTEGER, cue_text TEXT, kind TEXT NOT NULL,
  confidence REAL, method TEXT NOT NULL, group_id TEXT, PRIMARY KEY(build, id));
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(build, speaker_entity_id);
CREATE INDEX IF NOT EXISTS quotes_article ON quotes(build, article_id);
CREATE TABLE IF NOT EXISTS quote_groups(
  build INTEGER NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL,
  speaker TEXT, first_reported TEXT, independent_articles INTEGER NOT NULL,
  has_story INTEGER NOT NULL, story_id TEXT, PRIMARY KEY(build, id));
CREATE TABLE IF NOT EXISTS quote_group_members(
  build INTEGER NOT NULL, group_id TEXT NOT NULL, position INTEGER NOT NULL,
  quote_id TEXT NOT NULL, PRIMARY KEY(build, group_id, position));
CREATE TABLE IF NOT EXISTS quote_group_articles(
  build INTEGER NOT NULL, group_id TEXT NOT NULL, position INTEGER NOT NULL,
  article_id TEXT NOT NULL, PRIMARY KEY(build, group_id, position));
CREATE TABLE IF NOT EXISTS quote_group_outlets(
  build INTEGER NOT NULL, group_id TEXT NOT NULL, position INTEGER NOT NULL,
  outlet TEXT NOT NULL, PRIMARY KEY(build, group_id, position));
CREATE TABLE IF NOT EXISTS timeline(
  build INTEGER NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, date TEXT NOT NULL,
  precision TEXT, summary TEXT NOT NULL, relation TEXT NOT NULL, score REAL,
  has_story INTEGER NOT NULL, story_id TEXT, PRIMARY KEY(build, id));
CREATE TABLE IF NOT EXISTS timeline_evidence(
  build INTEGER NOT NULL, entry_id TEXT NOT NULL, position INTEGER NOT NULL,
  article_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY(build, entry_id, position));
CREATE INDEX IF NOT EXISTS timeline_evidence_article ON timeline_evidence(build, article_id);
CREATE TABLE IF NOT EXISTS timeline_entities(
  build INTEGER NOT NULL, entry_id TEXT NOT NULL, position INTEGER NOT NULL,
  entity_id TEXT NOT NULL, PRIMARY KEY(build, entry_id, position));
""",
}
"""Schema migrations: the SQL that takes a store from version ``n - 1`` to ``n``."""
_MIGRATIONS.update(APP_MIGRATIONS)

SCHEMA_VERSION = max(_MIGRATIONS)
"""The version this storyline writes."""

ARTICLE_STAGES = ("clean", "link", "dates", "analyse")
"""Stages whose failures are kept per article (in this order in a dossier's ``errors``)."""

LOCK_SUFFIX = ".lock"
"""The one-writer lock sits beside the store file: ``storyline.sqlite.lock``."""


def valid_text(text: str) -> str:
    """``text`` with any lone surrogate replaced by U+FFFD: SQLite (and UTF-8 outputs) cannot
    hold one, and a reader that let one through must not cost the article."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def store_fault(path: Path, exc: sqlite3.Error) -> str:
    """What an SQLite error says about the store's file, in a user's words. A full disk often
    surfaces as a plain "disk I/O error" (the WAL index cannot grow), so the free space is
    looked at too."""
    message = str(exc)
    lowered = message.lower()
    free = None
    with contextlib.suppress(OSError):
        free = shutil.disk_usage(path.parent if path.parent.exists() else ".").free
    if "full" in lowered or (free is not None and free < 1 << 20 and "i/o" in lowered):
        return f"no space left on the device ({message})"
    if "readonly" in lowered or "read-only" in lowered:
        return f"the store is read-only ({message})"
    if "unable to open" in lowered:
        folder = path.parent if str(path.parent) else Path(".")
        if folder.is_dir() and not os.access(folder, os.W_OK):
            return "cannot create the store file: its folder is read-only or not writable"
        return f"cannot open or create the store file ({message})"
    return message


def clean_row(
    article_id: str,
    clean_key: str,
    result: CleanText,
    meta: dict[str, MetaValue],
    norm_hash: str,
    sig_near: np.ndarray,
    sig_content: np.ndarray,
) -> CleanRow:
    """One cleaned article serialised for the store, in the older positional form of
    :meth:`CleanedArticle.of <storyline.store.rows.CleanedArticle.of>`."""
    r = CleanedArticle.of(article_id, clean_key, result, meta, norm_hash, sig_near, sig_content)
    return (
        r.clean_key,
        r.text,
        r.removed_json,
        r.offsets_json,
        r.meta_json,
        r.norm_hash,
        r.sig_near,
        r.sig_content,
        meta["outlet"].value if "outlet" in meta else None,
        meta["published"].value if "published" in meta else None,
        article_id,
    )


def _meta_columns(
    meta: dict[str, MetaValue],
) -> tuple[
    str | None, str | None, str | None, str | None, str | None, str | None, str | None, str | None
]:
    """(outlet, title, byline, url, published, published source, method, precision): the
    metadata that is queried, as the ``articles`` columns hold it."""

    def value(key: str) -> str | None:
        v = meta.get(key)
        return None if v is None else valid_text(v.value)

    pub = meta.get("published")
    return (
        value("outlet"),
        value("title"),
        value("byline"),
        value("url"),
        None if pub is None else pub.value,
        None if pub is None else pub.source,
        None if pub is None else pub.method,
        None if pub is None else date_precision(pub.value),
    )


_IN_CHUNK = 500
"""Ids in one ``IN (...)`` list (SQLite allows 999 parameters on older builds)."""


class Store(SharedStore):
    """A storyline store in one SQLite file. Use as a context manager, or call :meth:`close`."""

    db: sqlite3.Connection

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise StoreError(
                f"{self.path}: cannot create the store's folder: {self.path.parent} is a file"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot create the store's folder: {exc.strerror or exc}"
            ) from exc
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a store file")
        try:
            # A second process waits for the first one's write to finish instead of failing.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA temp_store=MEMORY")
            # Page cache (32 MB at most): the band index of earlier builds is looked up here;
            # a build's own new articles are linked from an index in memory.
            self.db.execute("PRAGMA cache_size=-32768")
            self._migrate()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {store_fault(self.path, exc)}") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable storyline store: {exc}") from exc

    def _migrate(self) -> None:
        """Create a new store, or bring an older one to :data:`SCHEMA_VERSION`, one migration
        at a time, each in its own transaction (a kill in between leaves a valid older store)."""
        version = self._version()
        if version is None:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if self._version() is None:  # another process may have just made it
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES('schema_version', '1')")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
            version = self._version() or 1
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version} is newer than this storyline's "
                f"({SCHEMA_VERSION}); use a newer storyline or build into a new store"
            )
        while version < SCHEMA_VERSION:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                current = self._version() or 1
                if current == version:
                    for statement in _MIGRATIONS.get(version + 1, "").split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                    self.db.execute(
                        "UPDATE meta SET value=? WHERE key='schema_version'", (str(version + 1),)
                    )
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
            version = self._version() or version + 1

    @contextmanager
    def writer_lock(self, timeout: float = 30.0) -> Iterator[None]:
        """Hold the store's one-writer lock: a second build waits up to ``timeout`` seconds for
        the first one to finish, then stops with a clear message. The lock is the kernel's
        (``flock``), so a killed build never leaves a stale one behind."""
        lock_path = self.path.with_name(self.path.name + LOCK_SUFFIX)
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"{lock_path}: cannot open the store's lock: {exc.strerror or exc}"
            ) from exc
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                        who = f" (pid {holder})" if holder.isdigit() else ""
                        raise StoreError(
                            f"{self.path}: another build{who} is writing this store; waited "
                            f"{timeout:.0f} s, try again when it has finished"
                        ) from None
                    time.sleep(0.1)
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def integrity_check(self) -> str:
        """SQLite's own check of the file: ``ok`` when the store is sound."""
        return "; ".join(str(r[0]) for r in self.db.execute("PRAGMA integrity_check"))

    def _version(self) -> int | None:
        has = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if not has:
            return None
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else None

    def _select_in(self, select: str, ids: Sequence[str]) -> Iterator[Any]:
        """Rows of ``select`` (which ends in ``IN``) for every id of ``ids``, ``_IN_CHUNK`` ids
        a query."""
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            yield from self.db.execute(f"{select} ({','.join('?' * len(chunk))})", chunk)

    def __enter__(self) -> Store:
        return self

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE: the write lock is taken (waiting up to the busy timeout) when the
        # transaction starts. A deferred one that read first fails at once, without waiting,
        # if another writer (the web app) committed in between: the build would lose its work.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside :meth:`transaction`: a unit whose writes are undone alone if it fails."""
        self.db.execute("SAVEPOINT unit")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK TO unit")
            self.db.execute("RELEASE unit")
            raise
        else:
            self.db.execute("RELEASE unit")

    def checkpoint(self) -> None:
        """Inside :meth:`transaction`: make what is written so far durable and go on."""
        self.db.execute("COMMIT")
        self.db.execute("BEGIN IMMEDIATE")

    # builds and files ----------------------------------------------------------------------
    def begin_build(self, inputs: Sequence[str]) -> int:
        cur = self.db.execute(
            "INSERT INTO builds(started, inputs) VALUES(?, ?)",
            (time.time(), json.dumps(list(inputs))),
        )
        return int(cur.lastrowid or 0)

    def file_state(self, path: str) -> tuple[int, int, str] | None:
        row = self.db.execute(
            "SELECT size, mtime_ns, sha256 FROM files WHERE path=?", (path,)
        ).fetchone()
        return (int(row[0]), int(row[1]), str(row[2])) if row else None

    def touch_file(
        self, path: str, build: int, size: int | None = None, mtime_ns: int | None = None
    ) -> int:
        """Mark an unchanged file (and its articles) as part of this build; returns its article count."""
        if size is not None:
            self.db.execute(
                "UPDATE files SET size=?, mtime_ns=? WHERE path=?", (size, mtime_ns, path)
            )
        self.db.execute("UPDATE files SET build=? WHERE path=?", (build, path))
        cur = self.db.execute("UPDATE articles SET build=? WHERE file_path=?", (build, path))
        return cur.rowcount

    def put_file(self, path: str, size: int, mtime_ns: int, sha: str, build: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES(?, ?, ?, ?, ?)", (path, size, mtime_ns, sha, build)
        )

    def forget_file(self, path: str) -> None:
        ids = [r[0] for r in self.db.execute("SELECT id FROM articles WHERE file_path=?", (path,))]
        self.delete_articles(ids)
        self.db.execute("DELETE FROM files WHERE path=?", (path,))
        # Its old errors stay in their builds' history but are not replayed for the new text.
        self.db.execute("UPDATE errors SET file_path=NULL WHERE file_path=?", (path,))

    def delete_articles(self, ids: Sequence[str]) -> None:
        for table, col in (
            ("story_articles", "article_id"),
            ("article_errors", "article_id"),
            ("article_lines", "article_id"),
            ("bands", "article_id"),
            ("layers", "article_id"),
            ("edges", "a"),
            ("edges", "b"),
            ("articles", "id"),
        ):
            self.db.executemany(f"DELETE FROM {table} WHERE {col}=?", [(i,) for i in ids])

    def id_owner(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT file_path FROM articles WHERE id=?", (article_id,)).fetchone()
        return str(row[0]) if row else None

    def id_owners(self, ids: Sequence[str]) -> dict[str, str]:
        return {
            str(i): str(f)
            for i, f in self._select_in("SELECT id, file_path FROM articles WHERE id IN", ids)
        }

    def record_error(self, build: int, failure: InputFailure, file_path: str | None = None) -> None:
        """A failure of this build: reading a file or record (replayed while the file is
        unchanged), or a corpus-level stage."""
        self.db.execute(
            "INSERT INTO errors(build, source, error, file_path, article_id, stage, component) "
            "VALUES(?, ?, ?, ?, ?, ?, ?)",
            (
                build,
                valid_text(failure.source),
                valid_text(failure.error),
                None if file_path is None else valid_text(file_path),
                failure.article_id,
                failure.stage,
                failure.component,
            ),
        )

    def set_article_errors(
        self, article_ids: Sequence[str], stage: str, failures: Iterable[InputFailure]
    ) -> list[InputFailure]:
        """The failures of ``stage`` on ``article_ids`` (just processed by it), replacing what
        that stage reported on them before. Each failure is stored under its article's source
        (the file, or file#record, the article came from); the stored failures are returned."""
        self.db.executemany(
            "DELETE FROM article_errors WHERE article_id=? AND stage=?",
            [(i, stage) for i in article_ids],
        )
        items = [f for f in failures if f.article_id is not None]
        if not items:
            return []
        sources = self.sources_of([str(f.article_id) for f in items])
        stored = [
            InputFailure(
                valid_text(sources.get(str(f.article_id), f.source)),
                valid_text(f.error),
                f.article_id,
                stage,
                f.component,
            )
            for f in items
        ]
        self.db.executemany(
            "INSERT INTO article_errors VALUES(?, ?, ?, ?, ?)",
            [(f.article_id, stage, f.component, f.source, f.error) for f in stored],
        )
        return stored

    def sources_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The source (file, or file#record) of each article."""
        rows = self._select_in("SELECT id, source FROM articles WHERE id IN", ids)
        return {str(i): str(s) for i, s in rows}

    def file_errors(self, file_path: str) -> list[InputFailure]:
        """The errors met when ``file_path`` was last read."""
        row = self.db.execute(
            "SELECT MAX(build) FROM errors WHERE file_path=?", (file_path,)
        ).fetchone()
        if row is None or row[0] is None:
            return []
        rows = self.db.execute(
            "SELECT source, error, article_id, stage, component FROM errors "
            "WHERE file_path=? AND build=? ORDER BY rowid",
            (file_path, row[0]),
        )
        return [InputFailure(*r) for r in rows]

    def errors(self, build: int) -> list[InputFailure]:
        """Everything this build could not do: reading files and records (in input order),
        then what stages could not do on current articles (by article, in stage order), then
        corpus-level stages."""
        ingest = self.db.execute(
            "SELECT source, error, article_id, stage, component FROM errors "
            "WHERE build=? AND (stage IS NULL OR stage='ingest') ORDER BY rowid",
            (build,),
        ).fetchall()
        order = " ".join(f"WHEN '{s}' THEN {n}" for n, s in enumerate(ARTICLE_STAGES))
        per_article = self.db.execute(
            "SELECT e.source, e.error, e.article_id, e.stage, e.component FROM article_errors e "
            "JOIN articles a ON a.id = e.article_id WHERE a.build=? "
            f"ORDER BY e.article_id, CASE e.stage {order} ELSE 99 END, e.rowid",
            (build,),
        ).fetchall()
        corpus = self.db.execute(
            "SELECT source, error, article_id, stage, component FROM errors "
            "WHERE build=? AND stage IS NOT NULL AND stage != 'ingest' ORDER BY rowid",
            (build,),
        ).fetchall()
        return [InputFailure(*r) for r in (*ingest, *per_article, *corpus)]

    # articles -----------------------------------------------------------------------------
    def put_articles(self, rows: Sequence[NewArticle]) -> None:
        # Three statements a batch, not three an article (ids are distinct: a row replaces its
        # id's older version, whose line keys go before the new ones come).
        records = []
        lines: list[tuple[str, str | None, str]] = []
        for r in rows:
            aid = valid_text(r.article_id)
            columns = _meta_columns(r.meta)
            records.append(
                (
                    aid,
                    valid_text(r.file_path),
                    r.ordinal,
                    valid_text(r.source),
                    r.fmt,
                    r.raw,
                    valid_text(r.decoded),
                    json.dumps(list(r.notes)),
                    valid_text(meta_to_json(r.meta)),
                    json.dumps(r.strip),
                    r.build,
                    *columns,
                )
            )
            lines.extend((aid, columns[0], k) for k in r.line_keys)
        self.db.executemany(
            "INSERT OR REPLACE INTO articles(id, file_path, ordinal, source, format, raw, decoded, "
            "notes, meta, strip, build, outlet, title, byline, url, published, published_source, "
            "published_method, published_precision) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            records,
        )
        self.db.executemany(
            "DELETE FROM article_lines WHERE article_id=?", [(rec[0],) for rec in records]
        )
        self.db.executemany("INSERT INTO article_lines VALUES(?, ?, ?)", lines)

    def outlet_furniture_counts(self, build: int, floor: int) -> Iterator[tuple[str, str, int]]:
        """(outlet, line key, articles) for keys shared by at least ``floor`` current articles."""
        yield from self.db.execute(
            "SELECT l.outlet, l.key, COUNT(DISTINCT l.article_id) AS n FROM article_lines l "
            "JOIN articles a ON a.id = l.article_id WHERE a.build=? AND l.outlet IS NOT NULL "
            "GROUP BY l.outlet, l.key HAVING n >= ?",
            (build, floor),
        )

    def outlet_sizes(self, build: int) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT outlet, COUNT(*) FROM articles WHERE build=? AND outlet IS NOT NULL GROUP BY outlet",
            (build,),
        )
        return {str(o): int(n) for o, n in rows}

    def article_line_keys(self, article_id: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT key FROM article_lines WHERE article_id=?", (article_id,)
            )
        ]

    def line_keys_of(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """:meth:`article_line_keys` of several articles in one query."""
        out: dict[str, list[str]] = {i: [] for i in ids}
        for aid, key in self._select_in(
            "SELECT article_id, key FROM article_lines WHERE article_id IN", ids
        ):
            out[aid].append(key)
        return out

    def cleaning_inputs(self, ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
        """:meth:`cleaning_input` of several articles in one query."""
        out: dict[str, tuple[str, str, str]] = {}
        for aid, decoded, meta, strip in self._select_in(
            "SELECT id, decoded, meta, strip FROM articles WHERE id IN", ids
        ):
            out[aid] = (str(decoded), str(meta), str(strip))
        return out

    def cleaning_input(self, article_id: str) -> tuple[str, str, str]:
        """(decoded text, meta json, strip json) of one article."""
        row = self.db.execute(
            "SELECT decoded, meta, strip FROM articles WHERE id=?", (article_id,)
        ).fetchone()
        return str(row[0]), str(row[1]), str(row[2])

    def put_cleaned(self, rows: Sequence[CleanedArticle]) -> None:
        """Store cleaned articles (each then needs duplicate linking). Cleaning may have
        changed the metadata (a headline found), so its columns are refreshed from it."""
        self.db.executemany(
            "UPDATE articles SET clean_key=?, clean_text=?, removed=?, offsets=?, meta=?, "
            "norm_hash=?, sig_near=?, sig_content=?, outlet=?, title=?, byline=?, url=?, "
            "published=?, published_source=?, published_method=?, published_precision=?, "
            "needs_link=1 WHERE id=?",
            [
                (
                    r.clean_key,
                    r.text,
                    r.removed_json,
                    r.offsets_json,
                    r.meta_json,
                    r.norm_hash,
                    r.sig_near,
                    r.sig_content,
                    *_meta_columns(meta_from_json(r.meta_json)),
                    r.article_id,
                )
                for r in rows
            ],
        )

    # duplicates ---------------------------------------------------------------------------

    def replace_bands(self, article_id: str, kind: str, keys: Iterable[tuple[int, int]]) -> None:
        self.db.execute("DELETE FROM bands WHERE article_id=? AND kind=?", (article_id, kind))
        self.db.executemany(
            "INSERT INTO bands VALUES(?, ?, ?, ?)", [(kind, b, k, article_id) for b, k in keys]
        )

    def band_candidates(
        self, article_id: str, kind: str, keys: Iterable[tuple[int, int]], build: int
    ) -> set[str]:
        """Current articles sharing a band with ``article_id``: one fully indexed lookup per
        band. (Measured: a row-value IN list makes SQLite scan the whole kind, and one UNION
        statement costs more to prepare than the lookups it saves.)"""
        out: set[str] = set()
        for band, key in keys:
            rows = self.db.execute(
                "SELECT b.article_id FROM bands b INDEXED BY bands_lookup "
                "JOIN articles a ON a.id = b.article_id "
                "WHERE b.kind=? AND b.band=? AND b.key=? AND a.build=? AND b.article_id != ?",
                (kind, band, key, build, article_id),
            )
            out.update(r[0] for r in rows)
        return out

    def drop_links(self, ids: Sequence[str]) -> None:
        """Forget the band index entries and duplicate links of ``ids`` (about to be re-linked)."""
        self.db.executemany("DELETE FROM bands WHERE article_id=?", [(i,) for i in ids])
        self.db.executemany("DELETE FROM edges WHERE a=? OR b=?", [(i, i) for i in ids])

    def link_input(self, article_id: str) -> tuple[str, bytes, bytes]:
        """(normalised hash, near signature, content signature) of one article, as stored."""
        row = self.db.execute(
            "SELECT norm_hash, sig_near, sig_content FROM articles WHERE id=?", (article_id,)
        ).fetchone()
        return str(row[0]), bytes(row[1]), bytes(row[2])

    def put_bands(self, rows: Iterable[tuple[str, int, int, str]]) -> None:
        """Add (kind, band, key, article id) rows to the band index."""
        self.db.executemany("INSERT INTO bands VALUES(?, ?, ?, ?)", rows)

    def put_edges(self, edges: Iterable[DuplicateEdge]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO edges VALUES(?, ?, ?, ?, ?)",
            [(*sorted((e.a, e.b)), e.kind, e.similarity, e.method) for e in edges],
        )

    def mark_linked_many(self, ids: Sequence[str]) -> None:
        self.db.executemany("UPDATE articles SET needs_link=0 WHERE id=?", [(i,) for i in ids])

    def same_norm_hash(self, article_id: str, norm_hash: str, build: int) -> list[str]:
        rows = self.db.execute(
            "SELECT id FROM articles INDEXED BY articles_norm "
            "WHERE norm_hash=? AND id != ? AND build=?",
            (norm_hash, article_id, build),
        )
        return [r[0] for r in rows]

    def norm_hash_holders(self, norm_hashes: Sequence[str], build: int) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for start in range(0, len(norm_hashes), _IN_CHUNK):
            chunk = list(norm_hashes[start : start + _IN_CHUNK])
            for norm, aid in self.db.execute(
                "SELECT norm_hash, id FROM articles INDEXED BY articles_norm "
                f"WHERE build=? AND norm_hash IN ({','.join('?' * len(chunk))}) "
                "ORDER BY norm_hash, id",
                (build, *chunk),
            ):
                out.setdefault(str(norm), []).append(str(aid))
        return out

    def signatures(self, article_id: str) -> tuple[np.ndarray, np.ndarray]:
        row = self.db.execute(
            "SELECT sig_near, sig_content FROM articles WHERE id=?", (article_id,)
        ).fetchone()
        return np.frombuffer(row[0], dtype=np.uint64), np.frombuffer(row[1], dtype=np.uint64)

    def clean_text_of(self, article_id: str) -> str:
        row = self.db.execute(
            "SELECT clean_text FROM articles WHERE id=?", (article_id,)
        ).fetchone()
        return str(row[0] or "") if row else ""

    def removed_of(self, article_id: str) -> list[dict[str, Any]]:
        """What cleaning removed from an article, as stored (text, reason, offsets, method)."""
        row = self.db.execute("SELECT removed FROM articles WHERE id=?", (article_id,)).fetchone()
        return list(json.loads(row[0])) if row and row[0] else []

    def drop_edges(self, article_id: str) -> None:
        self.db.execute("DELETE FROM edges WHERE a=? OR b=?", (article_id, article_id))

    def put_edge(self, edge: DuplicateEdge) -> None:
        a, b = sorted((edge.a, edge.b))
        self.db.execute(
            "INSERT OR REPLACE INTO edges VALUES(?, ?, ?, ?, ?)",
            (a, b, edge.kind, edge.similarity, edge.method),
        )

    def current_edges(self, build: int) -> list[DuplicateEdge]:
        rows = self.db.execute(
            "SELECT e.a, e.b, e.kind, e.similarity, e.method FROM edges e "
            "JOIN articles x ON x.id = e.a JOIN articles y ON y.id = e.b WHERE x.build=? AND y.build=?",
            (build, build),
        )
        return [DuplicateEdge(a, b, k, s, m) for a, b, k, s, m in rows]

    def set_duplicate_of(self, build: int, mapping: dict[str, str]) -> None:
        self.db.execute("UPDATE articles SET duplicate_of=NULL WHERE build=?", (build,))
        self.db.executemany(
            "UPDATE articles SET duplicate_of=? WHERE id=?", [(c, a) for a, c in mapping.items()]
        )

    def published_of(self, ids: Iterable[str]) -> dict[str, str | None]:
        wanted = list(ids)
        out: dict[str, str | None] = dict.fromkeys(wanted)
        rows = self._select_in("SELECT id, published FROM articles WHERE id IN", wanted)
        out.update((str(i), p) for i, p in rows)
        return out

    # inferred dates -----------------------------------------------------------------------

    def dated_neighbours(self, article_id: str, build: int, limit: int) -> list[tuple[str, str]]:
        """(id, stated date) of the current articles sharing most duplicate-index bands with
        this one, at most ``limit``."""
        rows = self.db.execute(
            "SELECT o.article_id, a.published, COUNT(*) AS shared FROM bands s "
            "JOIN bands o INDEXED BY bands_lookup "
            "ON o.kind = s.kind AND o.band = s.band AND o.key = s.key "
            "JOIN articles a ON a.id = o.article_id "
            "WHERE s.article_id=? AND o.article_id != s.article_id AND a.build=? "
            "AND a.published IS NOT NULL AND a.published_source IS NOT 'inferred' "
            "GROUP BY o.article_id ORDER BY shared DESC, o.article_id LIMIT ?",
            (article_id, build, limit),
        )
        return [(str(aid), str(pub)) for aid, pub, _ in rows]

    def dated_articles(self, build: int, limit: int) -> list[tuple[str, str]]:
        """(id, stated date) of all current dated articles, or [] when there are over ``limit``."""
        out = [
            (str(aid), str(pub))
            for aid, pub in self.db.execute(
                "SELECT id, published FROM articles WHERE build=? AND published IS NOT NULL "
                "AND published_source IS NOT 'inferred' ORDER BY id LIMIT ?",
                (build, limit + 1),
            )
        ]
        return [] if len(out) > limit else out

    def set_inferred_date(self, article_id: str, iso: str | None) -> int:
        meta = meta_from_json(
            self.db.execute("SELECT meta FROM articles WHERE id=?", (article_id,)).fetchone()[0]
        )
        old = meta.pop("published", None)
        if iso is not None:
            meta["published"] = MetaValue(iso, "inferred", "link.shared-sentences", 0.5)
        self.db.execute("UPDATE articles SET date_inferred_for=clean_key WHERE id=?", (article_id,))
        if meta.get("published") == old:
            return 1 if iso else 0
        self.db.execute(
            "UPDATE articles SET meta=?, published=?, published_source=?, published_method=?, "
            "published_precision=? WHERE id=?",
            (meta_to_json(meta), *_meta_columns(meta)[4:], article_id),
        )
        return 1 if iso else 0

    # analysis layers ----------------------------------------------------------------------

    def put_layers(self, article_id: str, key: str, layers: dict[str, Any]) -> None:
        self.db.execute("DELETE FROM layers WHERE article_id=?", (article_id,))
        self.db.executemany(
            "INSERT INTO layers VALUES(?, ?, ?, ?)",
            [
                (article_id, name, key, valid_text(json.dumps(data, ensure_ascii=False)))
                for name, data in layers.items()
            ],
        )
        self.db.execute("UPDATE articles SET analysis_key=? WHERE id=?", (key, article_id))

    def layer(self, article_id: str, name: str) -> Any:
        row = self.db.execute(
            "SELECT data FROM layers WHERE article_id=? AND layer=?", (article_id, name)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def briefs(self, build: int) -> list[ArticleBrief]:
        """Id, date, outlet and duplicate link of every current article, by date."""
        rows = self.db.execute(
            "SELECT id, published, published_source, outlet, duplicate_of FROM articles "
            "WHERE build=? ORDER BY published IS NULL, published, outlet, id",
            (build,),
        )
        return [
            ArticleBrief(str(aid), pub, pub is not None and src == "inferred", outlet, dup)
            for aid, pub, src, outlet, dup in rows
        ]

    # reading back -------------------------------------------------------------------------
    def articles_for_output(self, build: int) -> Iterator[dict[str, Any]]:
        """Current articles, ordered by date, outlet and id, one row at a time."""
        cur = self.db.execute(
            "SELECT id, source, meta, clean_text, removed, duplicate_of, notes FROM articles WHERE build=? "
            "ORDER BY published IS NULL, published, outlet, id",
            (build,),
        )
        for aid, source, meta, text, removed, dup, notes in cur:
            yield {
                "id": aid,
                "source": source,
                "meta": meta_from_json(meta),
                "text": text or "",
                "removed": json.loads(removed or "[]"),
                "duplicate_of": dup,
                "notes": json.loads(notes),
            }

    def count_current(self, build: int) -> int:
        return int(
            self.db.execute("SELECT COUNT(*) FROM articles WHERE build=?", (build,)).fetchone()[0]
        )

    # stories ------------------------------------------------------------------------------
    def put_stories(self, build: int, stories: Iterable[Story]) -> None:
        """The stories of ``build`` (replacing every earlier assignment of its articles)."""
        rows = list(stories)
        self.db.execute(
            "DELETE FROM story_articles WHERE article_id IN "
            "(SELECT id FROM articles WHERE build=?)",
            (build,),
        )
        self.db.execute("DELETE FROM stories WHERE build=?", (build,))
        self.db.executemany(
            "INSERT OR REPLACE INTO stories VALUES(?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.id,
                    valid_text(r.label),
                    r.first_date,
                    r.last_date,
                    r.confidence,
                    r.method,
                    build,
                )
                for r in rows
            ],
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO story_articles VALUES(?, ?, ?)",
            [(a, r.id, n) for r in rows for n, a in enumerate(r.article_ids)],
        )

    # typed reads ----------------------------------------------------------------------------

    def article(self, article_id: str) -> ArticleRow | None:
        row = self.db.execute(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE id=?", (article_id,)
        ).fetchone()
        return None if row is None else self._article_row(row)

    def articles(
        self,
        build: int,
        story_id: str | None = None,
        outlet: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ArticleRow]:
        where: list[str] = ["build=?"]
        args: list[object] = [build]
        if story_id is not None:
            where.append("id IN (SELECT article_id FROM story_articles WHERE story_id=?)")
            args.append(story_id)
        if outlet is not None:
            where.append("outlet=?")
            args.append(outlet)
        rows = self.db.execute(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE {' AND '.join(where)} "
            "ORDER BY published IS NULL, published, outlet, id LIMIT ? OFFSET ?",
            (*args, -1 if limit is None else limit, offset),
        )
        return [self._article_row(r) for r in rows]

    def article_rows(self, build: int) -> Iterator[ArticleRow]:
        cur = self.db.execute(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE build=? "
            "ORDER BY published IS NULL, published, outlet, id",
            (build,),
        )
        for row in cur:
            yield self._article_row(row)

    def titles_of(self, ids: Sequence[str]) -> dict[str, str]:
        out = dict.fromkeys(ids, "")
        for aid, title in self._select_in("SELECT id, title FROM articles WHERE id IN", ids):
            out[str(aid)] = title or ""
        return out

    def clean_inputs(self, ids: Sequence[str]) -> dict[str, CleanInput]:
        out: dict[str, CleanInput] = {}
        for aid, decoded, meta, strip in self._select_in(
            "SELECT id, decoded, meta, strip FROM articles WHERE id IN", ids
        ):
            out[str(aid)] = CleanInput(
                str(aid), str(decoded), meta_from_json(meta), tuple(json.loads(strip))
            )
        return out

    def clean_texts_of(self, ids: Sequence[str]) -> dict[str, str]:
        out = dict.fromkeys(ids, "")
        for aid, text in self._select_in("SELECT id, clean_text FROM articles WHERE id IN", ids):
            out[str(aid)] = text or ""
        return out

    def layers_of(self, ids: Sequence[str], name: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = list(ids[start : start + _IN_CHUNK])
            for aid, data in self.db.execute(
                f"SELECT article_id, data FROM layers WHERE layer=? AND article_id IN "
                f"({','.join('?' * len(chunk))})",
                (name, *chunk),
            ):
                out[str(aid)] = json.loads(data)
        return out

    def link_inputs(self, ids: Sequence[str]) -> dict[str, LinkInput]:
        out: dict[str, LinkInput] = {}
        for aid, norm, near, content in self._select_in(
            "SELECT id, norm_hash, sig_near, sig_content FROM articles WHERE id IN", ids
        ):
            out[str(aid)] = LinkInput(
                str(aid),
                str(norm),
                np.frombuffer(near, np.uint64),
                np.frombuffer(content, np.uint64),
            )
        return out

    def removals_of(self, ids: Sequence[str]) -> dict[str, tuple[Removal, ...]]:
        """What cleaning removed from each article, in one query (typed :meth:`removed_of`)."""
        out: dict[str, tuple[Removal, ...]] = dict.fromkeys(ids, ())
        for aid, removed in self._select_in("SELECT id, removed FROM articles WHERE id IN", ids):
            out[str(aid)] = tuple(Removal(**r) for r in json.loads(removed or "[]"))
        return out

    def corrections(self) -> list[Correction]:
        """A reader's entity corrections (made in the web application, kept in its table),
        oldest first: assembly applies them so a rebuild keeps them."""
        from storyline.store.app import Correction

        has = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='app_corrections'"
        ).fetchone()
        if not has:
            return []
        return [
            Correction(int(i), k, e, o, v, w, float(c), n)
            for i, k, e, o, v, w, c, n in self.db.execute(
                "SELECT id, kind, entity_id, other_id, value, who, created, note "
                "FROM app_corrections WHERE deleted IS NULL ORDER BY created, id"
            )
        ]

    # duplicate groups -----------------------------------------------------------------------
    def put_duplicate_groups(self, build: int, groups: Sequence[DuplicateGroup]) -> None:
        with self.savepoint():
            for table in ("duplicate_groups", "duplicate_group_members", "duplicate_group_builds"):
                self.db.execute(f"DELETE FROM {table} WHERE build=?", (build,))
            self.db.execute("INSERT INTO duplicate_group_builds VALUES(?)", (build,))
            self.db.executemany(
                "INSERT INTO duplicate_groups VALUES(?, ?, ?, ?, ?)",
                [(build, n, g.kind, g.similarity, g.canonical) for n, g in enumerate(groups)],
            )
            self.db.executemany(
                "INSERT INTO duplicate_group_members VALUES(?, ?, ?, ?)",
                [
                    (build, n, m, a)
                    for n, g in enumerate(groups)
                    for m, a in enumerate(g.article_ids)
                ],
            )

    def duplicate_groups(self, build: int) -> list[DuplicateGroup] | None:
        if not self.db.execute(
            "SELECT 1 FROM duplicate_group_builds WHERE build=?", (build,)
        ).fetchone():
            return None
        members: dict[int, list[str]] = {}
        for n, aid in self.db.execute(
            "SELECT position, article_id FROM duplicate_group_members WHERE build=? "
            "ORDER BY position, member",
            (build,),
        ):
            members.setdefault(int(n), []).append(str(aid))
        return [
            DuplicateGroup(tuple(members.get(int(n), ())), kind, _real(sim), str(canonical))
            for n, kind, sim, canonical in self.db.execute(
                "SELECT position, kind, similarity, canonical FROM duplicate_groups "
                "WHERE build=? ORDER BY position",
                (build,),
            )
        ]

    # corpus results -------------------------------------------------------------------------
    _CORPUS_TABLES = (
        "entities",
        "entity_aliases",
        "entity_roles",
        "entity_articles",
        "mentions",
        "quotes",
        "quote_groups",
        "quote_group_members",
        "quote_group_articles",
        "quote_group_outlets",
        "timeline",
        "timeline_evidence",
        "timeline_entities",
        "story_summaries",
        "story_summary_lists",
        "corpus_builds",
    )

    def put_corpus(self, build: int, corpus: Corpus) -> None:
        """Replace ``build``'s corpus results, in one transaction (a savepoint inside an open
        one). The results of builds before the last finished one are dropped: a server reads
        the current build, and a build killed before it finishes leaves the previous one's."""
        last = self.last_build()
        t = valid_text
        with self.savepoint():
            for table in self._CORPUS_TABLES:
                self.db.execute(
                    f"DELETE FROM {table} WHERE build=? OR build<?",
                    (build, min(build, last if last is not None else build)),
                )
            self.db.execute(
                "INSERT INTO corpus_builds VALUES(?, ?, ?)",
                (build, time.time(), int(corpus.stories is not None)),
            )
            stories = corpus.stories or ()
            self.db.executemany(
                "INSERT INTO story_summaries VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        build,
                        x.id,
                        n,
                        t(x.title),
                        x.first_date,
                        x.last_date,
                        x.size,
                        x.confidence,
                        x.method,
                    )
                    for n, x in enumerate(stories)
                ],
            )
            self.db.executemany(
                "INSERT INTO story_summary_lists VALUES(?, ?, ?, ?, ?)",
                [
                    (build, x.id, name, n, t(v))
                    for x in stories
                    for name in _STORY_LISTS
                    for n, v in enumerate(getattr(x, name))
                ],
            )
            ents = corpus.entities
            self.db.executemany(
                "INSERT INTO entities VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (build, e.id, n, t(e.name), e.type, e.mentions, int(e.media), e.quotes)
                    for n, e in enumerate(ents)
                ],
            )
            self.db.executemany(
                "INSERT INTO entity_aliases VALUES(?, ?, ?, ?)",
                [(build, e.id, n, t(a)) for e in ents for n, a in enumerate(e.aliases)],
            )
            self.db.executemany(
                "INSERT INTO entity_roles VALUES(?, ?, ?, ?, ?, ?)",
                [
                    (build, e.id, n, t(r.title), r.date, r.article_id)
                    for e in ents
                    for n, r in enumerate(e.roles)
                ],
            )
            self.db.executemany(
                "INSERT INTO entity_articles VALUES(?, ?, ?, ?)",
                [(build, e.id, n, a) for e in ents for n, a in enumerate(e.article_ids)],
            )
            self.db.executemany(
                "INSERT INTO mentions VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        build,
                        m.article_id,
                        m.start,
                        m.end,
                        t(m.text),
                        m.label,
                        m.kind,
                        m.confidence,
                        m.method,
                        m.entity_id,
                    )
                    for m in corpus.mentions
                ],
            )
            self.db.executemany(
                "INSERT INTO quotes VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        build,
                        q.id,
                        n,
                        q.article_id,
                        t(q.text),
                        q.start,
                        q.end,
                        None if q.speaker is None else t(q.speaker),
                        q.speaker_entity_id,
                        *_span_columns(q.speaker_span),
                        *_span_columns(q.cue),
                        q.kind,
                        q.confidence,
                        q.method,
                        q.group_id,
                    )
                    for n, q in enumerate(corpus.quotes)
                ],
            )
            groups = corpus.quote_groups
            self.db.executemany(
                "INSERT INTO quote_groups VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        build,
                        g.id,
                        n,
                        t(g.text),
                        None if g.speaker is None else t(g.speaker),
                        g.first_reported,
                        g.independent_articles,
                        int(g.has_story),
                        g.story_id if g.has_story else None,
                    )
                    for n, g in enumerate(groups)
                ],
            )
            for table, attr in (
                ("quote_group_members", "quote_ids"),
                ("quote_group_articles", "article_ids"),
                ("quote_group_outlets", "outlets"),
            ):
                self.db.executemany(
                    f"INSERT INTO {table} VALUES(?, ?, ?, ?)",
                    [
                        (build, g.id, n, t(v))
                        for g in groups
                        for n, v in enumerate(getattr(g, attr))
                    ],
                )
            entries = corpus.timeline
            self.db.executemany(
                "INSERT INTO timeline VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        build,
                        e.id,
                        n,
                        e.date,
                        e.precision,
                        t(e.summary),
                        e.relation,
                        e.score,
                        int(e.has_story),
                        e.story_id if e.has_story else None,
                    )
                    for n, e in enumerate(entries)
                ],
            )
            self.db.executemany(
                "INSERT INTO timeline_evidence VALUES(?, ?, ?, ?, ?, ?, ?)",
                [
                    (build, e.id, n, v.article_id, v.start, v.end, t(v.text))
                    for e in entries
                    for n, v in enumerate(e.evidence)
                ],
            )
            self.db.executemany(
                "INSERT INTO timeline_entities VALUES(?, ?, ?, ?)",
                [(build, e.id, n, x) for e in entries for n, x in enumerate(e.entity_ids)],
            )

    def corpus(self, build: int) -> Corpus:
        row = self.db.execute(
            "SELECT has_stories FROM corpus_builds WHERE build=?", (build,)
        ).fetchone()
        if row is None:
            return Corpus()
        return Corpus(
            entities=tuple(self._entities(build)),
            quotes=tuple(self._quotes(build)),
            quote_groups=tuple(self.quote_groups(build)),
            timeline=tuple(self.timeline(build)),
            stories=tuple(self.story_summaries(build)) if row[0] else None,
            mentions=tuple(self._mentions(build)),
        )

    def story_summaries(self, build: int) -> list[StorySummary]:
        """The stories section of ``build``'s stored corpus results."""
        lists: dict[tuple[str, str], list[str]] = {}
        for sid, name, value in self.db.execute(
            "SELECT story_id, list, value FROM story_summary_lists WHERE build=? "
            "ORDER BY story_id, list, position",
            (build,),
        ):
            lists.setdefault((str(sid), str(name)), []).append(str(value))
        return [
            StorySummary(
                id=sid,
                title=title,
                first_date=first,
                last_date=last,
                size=int(size),
                confidence=_real(confidence),
                method=method,
                **{name: tuple(lists.get((sid, name), ())) for name in _STORY_LISTS},
            )
            for sid, title, first, last, size, confidence, method in self.db.execute(
                "SELECT id, title, first_date, last_date, size, confidence, method "
                "FROM story_summaries WHERE build=? ORDER BY position",
                (build,),
            )
        ]

    def _lists(
        self, table: str, key: str, value: str, build: int, keys: Sequence[str] | None = None
    ) -> dict[str, list[Any]]:
        """``table``'s ``value`` per ``key`` (entity id, group id, entry id), in position order;
        of every key of the build, or of ``keys`` only."""
        out: dict[str, list[Any]] = {}
        select = f"SELECT {key}, {value} FROM {table} WHERE build=?"
        if keys is None:
            rows: Iterable[Any] = self.db.execute(f"{select} ORDER BY {key}, position", (build,))
        else:
            rows = (
                r
                for start in range(0, len(keys), _IN_CHUNK)
                for r in self.db.execute(
                    f"{select} AND {key} IN ({','.join('?' * len(keys[start : start + _IN_CHUNK]))}) "
                    f"ORDER BY {key}, position",
                    (build, *keys[start : start + _IN_CHUNK]),
                )
            )
        for k, *v in rows:
            out.setdefault(str(k), []).append(v[0] if len(v) == 1 else tuple(v))
        return out

    def _quotes(self, build: int, where: str = "", args: Sequence[Any] = ()) -> list[Quote]:
        rows = self.db.execute(
            'SELECT id, article_id, text, start, "end", speaker, speaker_entity_id, '
            "speaker_start, speaker_end, speaker_text, cue_start, cue_end, cue_text, kind, "
            f"confidence, method, group_id FROM quotes WHERE build=? {where} ORDER BY position",
            (build, *args),
        )
        return [
            Quote(
                id=r[0],
                article_id=r[1],
                text=r[2],
                start=int(r[3]),
                end=int(r[4]),
                speaker=r[5],
                speaker_entity_id=r[6],
                speaker_span=_span_of(r[7], r[8], r[9]),
                cue=_span_of(r[10], r[11], r[12]),
                kind=r[13],
                confidence=_real(r[14]),
                method=r[15],
                group_id=r[16],
            )
            for r in rows
        ]

    def _mentions(self, build: int, where: str = "", args: Sequence[Any] = ()) -> list[Mention]:
        rows = self.db.execute(
            'SELECT article_id, start, "end", text, label, kind, confidence, method, entity_id '
            f"FROM mentions WHERE build=? {where} ORDER BY rowid",
            (build, *args),
        )
        return [
            Mention(aid, start, end, text, label, kind, _real(confidence), method, entity_id)
            for aid, start, end, text, label, kind, confidence, method, entity_id in rows
        ]

    def entity(self, entity_id: str, build: int | None = None) -> Entity | None:
        found = self._entities(self._build_or_last(build), "AND id=?", (entity_id,))
        return found[0] if found else None

    def quotes_of_entity(self, entity_id: str, build: int | None = None) -> list[Quote]:
        return self._quotes(self._build_or_last(build), "AND speaker_entity_id=?", (entity_id,))

    def entities_of_article(self, article_id: str, build: int | None = None) -> list[Entity]:
        b = self._build_or_last(build)
        return self._entities(
            b,
            "AND id IN (SELECT entity_id FROM entity_articles WHERE build=? AND article_id=?)",
            (b, article_id),
        )

    def mentions_of_article(self, article_id: str, build: int | None = None) -> list[Mention]:
        return self._mentions(self._build_or_last(build), "AND article_id=?", (article_id,))

    def co_mentioned(
        self, entity_id: str, limit: int = 10, build: int | None = None
    ) -> list[tuple[Entity, int]]:
        b = self._build_or_last(build)
        # The entity's articles first, then who else is in them, looked up by article: left
        # to itself SQLite walked the whole build's rows in entity order to skip a sort.
        rows = self.db.execute(
            "SELECT entity_id, COUNT(*) AS shared FROM entity_articles "
            "INDEXED BY entity_articles_article WHERE build=? AND entity_id != ? AND article_id IN "
            "(SELECT article_id FROM entity_articles WHERE build=? AND entity_id=?) "
            "GROUP BY entity_id ORDER BY shared DESC, entity_id LIMIT ?",
            (b, entity_id, b, entity_id, limit),
        ).fetchall()
        if not rows:
            return []
        found = {
            e.id: e
            for e in self._entities(
                b, f"AND id IN ({','.join('?' * len(rows))})", [str(r[0]) for r in rows]
            )
        }
        return [(found[str(eid)], int(n)) for eid, n in rows if str(eid) in found]

    def timeline(self, build: int, story_id: str | None = None) -> list[TimelineEntry]:
        where, args = ("AND story_id=?", (story_id,)) if story_id is not None else ("", ())
        rows = self.db.execute(
            "SELECT id, date, summary, relation, score, has_story, story_id FROM timeline "
            f"WHERE build=? {where} ORDER BY position",
            (build, *args),
        ).fetchall()
        keys = None if story_id is None else [str(r[0]) for r in rows]
        evidence = self._lists(
            "timeline_evidence", "entry_id", 'article_id, start, "end", text', build, keys
        )
        entity_ids = self._lists("timeline_entities", "entry_id", "entity_id", build, keys)
        return [
            TimelineEntry(
                id=eid,
                date=date,
                summary=summary,
                entity_ids=tuple(entity_ids.get(eid, ())),
                evidence=tuple(Evidence(*v) for v in evidence.get(eid, ())),
                relation=relation,
                score=_real(score),
                **({"story_id": sid} if has_story else {}),
            )
            for eid, date, summary, relation, score, has_story, sid in rows
        ]

    def quote_groups(self, build: int, story_id: str | None = None) -> list[QuoteGroup]:
        where, args = ("AND story_id=?", (story_id,)) if story_id is not None else ("", ())
        rows = self.db.execute(
            "SELECT id, text, speaker, first_reported, independent_articles, has_story, "
            f"story_id FROM quote_groups WHERE build=? {where} ORDER BY position",
            (build, *args),
        ).fetchall()
        keys = None if story_id is None else [str(r[0]) for r in rows]
        quote_ids = self._lists("quote_group_members", "group_id", "quote_id", build, keys)
        article_ids = self._lists("quote_group_articles", "group_id", "article_id", build, keys)
        outlets = self._lists("quote_group_outlets", "group_id", "outlet", build, keys)
        return [
            QuoteGroup(
                id=gid,
                text=text,
                speaker=speaker,
                quote_ids=tuple(quote_ids.get(gid, ())),
                article_ids=tuple(article_ids.get(gid, ())),
                outlets=tuple(outlets.get(gid, ())),
                first_reported=first,
                independent_articles=int(independent),
                **({"story_id": sid} if has_story else {}),
            )
            for gid, text, speaker, first, independent, has_story, sid in rows
        ]


_STORY_LISTS = (
    "article_ids",
    "entity_ids",
    "outlets",
    "timeline_ids",
    "quote_group_ids",
    "related_story_ids",
)
"""The list fields of a :class:`StorySummary`, kept in ``story_summary_lists``."""


def _real(value: float | None) -> float:
    """A stored score: SQLite keeps a NaN as NULL (the dossier writes either as null)."""
    return math.nan if value is None else float(value)


def _span_columns(span: Span | None) -> tuple[int | None, int | None, str | None]:
    return (None, None, None) if span is None else (span.start, span.end, valid_text(span.text))


def _span_of(start: int | None, end: int | None, text: str | None) -> Span | None:
    return None if start is None or end is None or text is None else Span(start, end, text)
