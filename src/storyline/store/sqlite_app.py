"""What the web application keeps in the store beside the build's results: search indexes,
entity corrections, saved searches and build progress (SQLite backend of
:class:`storyline.store.app.AppStore`).

Its schema changes are migrations like the build's: :data:`MIGRATIONS` is merged into the
store's own table of migrations (this module owns version 5 and later odd-numbered ones).
Statements are split on ";", so none holds one inside.

Search uses FTS5 (bm25 ranking, ``snippet()`` highlights). The indexes are derived data: they
are refilled from the current build's articles and quotes when the build (or the corrections,
which rename speakers) changed since they were filled, so a build never has to know about them.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storyline.errors import StoreError
from storyline.model import InputFailure
from storyline.store.app import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    ArticleFilter,
    ArticleHit,
    ArticleSearch,
    BuildInfo,
    Corpus,
    Correction,
    Facet,
    Job,
    QuoteFilter,
    QuoteHit,
    QuoteSearch,
    SavedHit,
    SavedSearch,
    SearchKind,
)

__all__ = ["MIGRATIONS", "CorpusCache", "SqliteAppStore", "fts_query"]

MIGRATIONS: dict[int, str] = {
    5: """
CREATE TABLE IF NOT EXISTS app_corrections(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, entity_id TEXT NOT NULL, other_id TEXT,
  value TEXT, who TEXT NOT NULL, created REAL NOT NULL, note TEXT NOT NULL DEFAULT '',
  deleted REAL);
CREATE TABLE IF NOT EXISTS app_saved_searches(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, params TEXT NOT NULL,
  who TEXT NOT NULL, created REAL NOT NULL, last_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS app_saved_hits(
  search_id INTEGER NOT NULL, hit_id TEXT NOT NULL, first_seen REAL NOT NULL,
  PRIMARY KEY(search_id, hit_id));
CREATE TABLE IF NOT EXISTS app_jobs(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, created REAL NOT NULL,
  started REAL, finished REAL, stage TEXT, done INTEGER NOT NULL DEFAULT 0, total INTEGER,
  inputs TEXT NOT NULL, message TEXT NOT NULL DEFAULT '', build_id INTEGER, who TEXT NOT NULL,
  log TEXT NOT NULL DEFAULT '[]');
CREATE VIRTUAL TABLE IF NOT EXISTS app_article_fts USING fts5(
  article_id UNINDEXED, title, text, tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS app_quote_fts USING fts5(
  quote_id UNINDEXED, text, speaker, tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS app_index_state(kind TEXT PRIMARY KEY, key TEXT NOT NULL);
""",
}

_JOB_FIELDS = ("state", "started", "finished", "stage", "done", "total", "message", "build_id")
_LOG_KEEP = 200
"""Log lines a job keeps (the last ones)."""
_SNIPPET_TOKENS = 28
_WORD = re.compile(r'"([^"]*)"|(\S+)')
_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """A user's search words as an FTS5 query that can never be a syntax error: words and
    "quoted phrases" must all match; ``OR`` between two terms means either; a leading ``-``
    excludes a word; a trailing ``*`` matches a prefix. None when nothing searchable is left."""
    positive: list[str] = []
    negative: list[str] = []
    pending_or = False
    for m in _WORD.finditer(text[:1000]):
        phrase, word = m.group(1), m.group(2)
        if word == "OR" and positive:
            pending_or = True
            continue
        neg = bool(word and word.startswith("-") and len(word) > 1)
        raw = phrase if phrase is not None else (word[1:] if neg else word) or ""
        prefix = raw.endswith("*")
        tokens = _FTS_TOKEN.findall(raw)
        if not tokens:
            continue
        term = '"' + " ".join(tokens) + '"' + ("*" if prefix and phrase is None else "")
        if neg:
            negative.append(term)
        elif pending_or and positive:
            positive[-1] = f"({positive[-1]} OR {term})"
            pending_or = False
        else:
            positive.append(term)
    if not positive:
        return None
    query = " AND ".join(positive)
    for term in negative:
        query = f"({query}) NOT {term}"
    return query


def _unapplied(
    sections: Mapping[str, list[dict[str, Any]]], fixes: Iterable[Correction]
) -> list[Correction]:
    """Corrections whose result is not in ``sections`` (after applying): the entity they keep
    is not there."""
    from storyline.link.corrections import split_entity_id

    ids = {str(e.get("id")) for e in sections.get("entities", [])}
    out = []
    for c in fixes:
        keep = split_entity_id(c.entity_id, c.value or "") if c.kind == "split" else c.entity_id
        if keep not in ids:
            out.append(c)
    return out


class CorpusCache:
    """Corpora of recent builds in memory, shared by every request of one server: assembling
    a corpus reads every article's layers, so it is done once per build and corrections state.
    Bounded (``size`` corpora) and thread-safe."""

    def __init__(self, size: int = 2) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, int, str], Corpus] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[str, int, str], threading.Lock] = {}

    def get(self, key: tuple[str, int, str], make: Any) -> Corpus:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
            gate = self._building.setdefault(key, threading.Lock())
        # One request assembles; the others wait for it instead of assembling too.
        with gate:
            with self._lock:
                hit = self._items.get(key)
            if hit is not None:
                return hit
            corpus: Corpus = make()
            with self._lock:
                self._items[key] = corpus
                self._items.move_to_end(key)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
                self._building.pop(key, None)
            return corpus

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _month(date: str | None) -> str | None:
    return date[:7] if date and len(date) >= 7 else date


def _in_range(date: str | None, lo: str | None, hi: str | None) -> bool:
    if not lo and not hi:
        return True
    if not date:
        return False
    # Dates are ISO prefixes ("2024", "2024-10", "2024-10-24"): compared as strings, a partial
    # date is inside the range when its span overlaps it.
    if lo and date + "~" < lo:
        return False
    return not (hi and date[: len(hi)] > hi)


def _facet(
    counter: Counter[str], labels: Mapping[str, str] | None = None, top: int = 15
) -> tuple[Facet, ...]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return tuple(Facet(k, (labels or {}).get(k, k), n) for k, n in items)


class SqliteAppStore:
    """:class:`storyline.store.app.AppStore` on the SQLite store at ``path``. One object per
    thread (it holds a connection); the :class:`CorpusCache` is shared."""

    def __init__(self, path: str | Path, cache: CorpusCache | None = None) -> None:
        from storyline.store.sqlite import Store

        self.path = Path(path)
        if not self.path.is_file():
            raise StoreError(f"{self.path}: no store here (build one with storyline build)")
        self.store = Store(self.path)
        # A web request may open the store in one thread and use it in another (FastAPI runs a
        # dependency and its endpoint in different pool threads): one request uses it at a time,
        # so the connection is reopened without SQLite's same-thread check.
        self.store.db.close()
        self.store.db = sqlite3.connect(
            self.path, isolation_level=None, timeout=30.0, check_same_thread=False
        )
        self.store.db.execute("PRAGMA journal_mode=WAL")
        self.store.db.execute("PRAGMA synchronous=NORMAL")
        self.db = self.store.db
        self.cache = cache or CorpusCache()

    def close(self) -> None:
        self.store.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """A write transaction that takes the write lock at once (BEGIN IMMEDIATE, waiting up
        to the connection's timeout): a deferred one that read first could not take it when
        another connection wrote in between, and would fail instead of waiting."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def __enter__(self) -> SqliteAppStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # corpus ------------------------------------------------------------------------------
    def last_build(self) -> int | None:
        return self.store.last_build()

    def _corrections_key(self) -> str:
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(MAX(deleted), 0) FROM app_corrections"
        ).fetchone()
        return f"{row[0]}:{row[1]}:{row[2]}"

    def corpus(self, build: int) -> Corpus:
        key = (str(self.path.resolve()), build, self._corrections_key())
        return self.cache.get(key, lambda: self._assemble(build))

    def _assemble(self, build: int) -> Corpus:
        from storyline.link.corpus import assemble
        from storyline.link.corrections import apply_corrections, stale_corrections
        from storyline.link.duplicates import group_edges
        from storyline.link.story_sections import story_section
        from storyline.output.dossier import article_record
        from storyline.store.sqlite import meta_from_json

        fixes = self.corrections()
        sections = self._stored_sections(build)
        if sections is not None:
            # The build applied the corrections it knew; the later ones go on top (each is
            # idempotent). What found nothing is told from the result.
            apply_corrections(sections, fixes)
            stale = tuple(_unapplied(sections, fixes))
        else:
            errors: list[InputFailure] = []
            sections = dict(assemble(self.store, build, errors=errors))
            stale = tuple(stale_corrections(sections, fixes))
            apply_corrections(sections, fixes)
        if "stories" not in sections:
            brief = self.store.current_articles_brief(build)
            try:
                sections["stories"] = story_section(self.store.stories(build), brief, sections)
            except Exception:  # a failed section stays empty, as in a build's dossier
                sections["stories"] = []
        edges = self.store.current_edges(build)
        ids = {i for e in edges for i in (e.a, e.b)}
        groups = group_edges(edges, self.store.published_of(ids))
        duplicates = [
            {
                "article_ids": list(g.article_ids),
                "kind": g.kind,
                "similarity": g.similarity,
                "canonical": g.canonical,
            }
            for g in groups
        ]
        articles = []
        for aid, source, meta, dup, notes, length in self.db.execute(
            "SELECT id, source, meta, duplicate_of, notes, LENGTH(clean_text) FROM articles "
            "WHERE build=? ORDER BY published IS NULL, published, outlet, id",
            (build,),
        ):
            record = article_record(
                {
                    "id": aid,
                    "source": source,
                    "meta": meta_from_json(meta),
                    "text": "",
                    "removed": [],
                    "duplicate_of": dup,
                    "notes": json.loads(notes),
                }
            )
            del record["text"], record["removed"]
            record["length"] = int(length or 0)
            articles.append(record)
        story_of = {a: s["id"] for s in sections["stories"] for a in s.get("article_ids", [])}
        for record in articles:
            record["story_id"] = story_of.get(record["id"])
        by_article: dict[str, list[dict[str, Any]]] = {}
        by_speaker: dict[str, list[dict[str, Any]]] = {}
        by_group: dict[str, list[dict[str, Any]]] = {}
        for q in sections.get("quotes", []):
            by_article.setdefault(str(q.get("article_id")), []).append(q)
            if q.get("speaker_entity_id"):
                by_speaker.setdefault(str(q["speaker_entity_id"]), []).append(q)
            if q.get("group_id"):
                by_group.setdefault(str(q["group_id"]), []).append(q)
        return Corpus(
            build=build,
            articles=articles,
            entities=sections.get("entities", []),
            quotes=sections.get("quotes", []),
            quote_groups=sections.get("quote_groups", []),
            timeline=sections.get("timeline", []),
            stories=sections["stories"],
            duplicates=duplicates,
            stale_corrections=stale,
            by_article={a["id"]: a for a in articles},
            by_entity={str(e["id"]): e for e in sections.get("entities", [])},
            by_story={str(s["id"]): s for s in sections["stories"]},
            quotes_by_id={str(q["id"]): q for q in sections.get("quotes", [])},
            quotes_by_article=by_article,
            quotes_by_speaker=by_speaker,
            quotes_by_group=by_group,
        )

    def _stored_sections(self, build: int) -> dict[str, list[dict[str, Any]]] | None:
        """The corpus results the build stored, in dossier shape; None when it stored none,
        or when a correction was withdrawn since (the stored results have it applied, and only
        assembling again from the layers undoes it)."""
        has = getattr(self.store, "has_corpus", None)
        if has is None or not has(build):
            return None
        finished = self.db.execute("SELECT finished FROM builds WHERE id=?", (build,)).fetchone()
        withdrawn = self.db.execute(
            "SELECT COUNT(*) FROM app_corrections WHERE deleted IS NOT NULL AND deleted >= ?",
            (float(finished[0]) if finished and finished[0] else 0.0,),
        ).fetchone()[0]
        if withdrawn:
            return None
        sections: dict[str, list[dict[str, Any]]] = self.store.corpus(build).to_sections()
        return sections

    def article(self, article_id: str) -> dict[str, Any] | None:
        from storyline.output.dossier import article_record
        from storyline.store.sqlite import meta_from_json

        row = self.db.execute(
            "SELECT id, source, meta, clean_text, removed, duplicate_of, notes, build "
            "FROM articles WHERE id=?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        aid, source, meta, text, removed, dup, notes, build = row
        record = article_record(
            {
                "id": aid,
                "source": source,
                "meta": meta_from_json(meta),
                "text": text or "",
                "removed": json.loads(removed or "[]"),
                "duplicate_of": dup,
                "notes": json.loads(notes),
            }
        )
        layers = {}
        for name, data in self.db.execute(
            "SELECT layer, data FROM layers WHERE article_id=?", (article_id,)
        ):
            layers[str(name)] = json.loads(data)
        record["layers"] = layers
        record["current"] = build == self.last_build()
        # The corpus entity of each mention, when the build stored them (else the page maps
        # the layer's clusters by name).
        mentions_of = getattr(self.store, "mentions_of_article", None)
        if mentions_of is not None and record["current"]:
            with contextlib.suppress(Exception):  # an older store without the table
                record["mentions"] = [m.to_record() for m in mentions_of(article_id)]
        return record

    def layer(self, article_id: str, name: str) -> Any:
        return self.store.layer(article_id, name)

    # search ------------------------------------------------------------------------------
    def _fresh_index(self, kind: str, key: str, fill: Any) -> None:
        row = self.db.execute("SELECT key FROM app_index_state WHERE kind=?", (kind,)).fetchone()
        if row is not None and row[0] == key:
            return
        with self._write():
            row = self.db.execute(
                "SELECT key FROM app_index_state WHERE kind=?", (kind,)
            ).fetchone()
            if row is not None and row[0] == key:
                return
            fill()
            self.db.execute("INSERT OR REPLACE INTO app_index_state VALUES(?, ?)", (kind, key))

    def ensure_indexes(self, build: int) -> None:
        """Fill the search indexes for ``build`` if they are not already (the server calls it
        after each build so the first search does not pay for it). Not while a build writes
        the store: the indexes of the last build serve until then."""
        corpus = self.corpus(build)
        if self.writer_busy():
            return

        def fill_articles() -> None:
            self.db.execute("DELETE FROM app_article_fts")
            rows = self.db.execute(
                "SELECT id, clean_text FROM articles WHERE build=?", (build,)
            ).fetchall()
            self.db.executemany(
                "INSERT INTO app_article_fts(article_id, title, text) VALUES(?, ?, ?)",
                (
                    (aid, (corpus.by_article.get(aid) or {}).get("title") or "", text or "")
                    for aid, text in rows
                ),
            )

        def fill_quotes() -> None:
            self.db.execute("DELETE FROM app_quote_fts")
            self.db.executemany(
                "INSERT INTO app_quote_fts(quote_id, text, speaker) VALUES(?, ?, ?)",
                ((q["id"], q.get("text") or "", q.get("speaker") or "") for q in corpus.quotes),
            )

        self._fresh_index("articles", f"build:{build}", fill_articles)
        self._fresh_index("quotes", f"build:{build}:{self._corrections_key()}", fill_quotes)

    def _matches(self, table: str, id_col: str, query: str) -> list[tuple[str, float]]:
        try:
            return [
                (str(i), float(r))
                for i, r in self.db.execute(
                    f"SELECT {id_col}, bm25({table}) FROM {table} WHERE {table} MATCH ? "
                    "ORDER BY rank",
                    (query,),
                )
            ]
        except sqlite3.OperationalError as exc:  # fts_query makes none; this is a safety net
            raise StoreError(f"the search {query!r} cannot be run: {exc}") from exc

    def _snippets(
        self, table: str, id_col: str, column: int, query: str, ids: Sequence[str]
    ) -> dict[str, str]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT {id_col}, snippet({table}, {column}, ?, ?, '…', {_SNIPPET_TOKENS}) "
            f"FROM {table} WHERE {table} MATCH ? AND {id_col} IN ({marks})",
            (HIGHLIGHT_START, HIGHLIGHT_END, query, *ids),
        )
        return {str(i): str(s) for i, s in rows}

    def search_articles(
        self, build: int, flt: ArticleFilter, limit: int, offset: int
    ) -> ArticleSearch:
        corpus = self.corpus(build)
        self.ensure_indexes(build)
        query = fts_query(flt.q)
        if query is None:
            ranked = [(a["id"], 0.0) for a in reversed(corpus.articles)]  # newest first
        else:
            ranked = self._matches("app_article_fts", "article_id", query)
        person_articles: set[str] | None = None
        if flt.person:
            entity = corpus.by_entity.get(flt.person)
            person_articles = set(entity.get("article_ids", [])) if entity else set()
        kept: list[tuple[str, float]] = []
        outlets: Counter[str] = Counter()
        months: Counter[str] = Counter()
        for aid, score in ranked:
            a = corpus.by_article.get(aid)
            if a is None:
                continue
            if flt.outlet and a.get("outlet") != flt.outlet:
                continue
            if flt.story and a.get("story_id") != flt.story:
                continue
            if person_articles is not None and aid not in person_articles:
                continue
            if not _in_range(a.get("published"), flt.date_from, flt.date_to):
                continue
            kept.append((aid, score))
            outlets[a.get("outlet") or "(unknown)"] += 1
            months[_month(a.get("published")) or "(undated)"] += 1
        kept_ids = {aid for aid, _ in kept}
        people: Counter[str] = Counter()
        names: dict[str, str] = {}
        for e in corpus.entities:
            if e.get("type") != "PERSON":
                continue
            n = len(kept_ids.intersection(e.get("article_ids", [])))
            if n:
                people[str(e["id"])] = n
                names[str(e["id"])] = str(e.get("name"))
        page = kept[offset : offset + limit]
        snippets = (
            self._snippets("app_article_fts", "article_id", 2, query, [a for a, _ in page])
            if query
            else {}
        )
        hits = []
        for aid, score in page:
            a = corpus.by_article[aid]
            snippet = snippets.get(aid)
            if snippet is None:
                snippet = (
                    self.db.execute(
                        "SELECT SUBSTR(clean_text, 1, 240) FROM articles WHERE id=?", (aid,)
                    ).fetchone()[0]
                    or ""
                )
            hits.append(
                ArticleHit(
                    aid,
                    a.get("title"),
                    a.get("outlet"),
                    a.get("published"),
                    snippet,
                    -score,
                    a.get("story_id"),
                )
            )
        month_facets = tuple(
            Facet(k, k, n) for k, n in sorted(months.items(), key=lambda kv: kv[0])
        )
        return ArticleSearch(
            total=len(kept),
            hits=tuple(hits),
            facets={
                "outlet": _facet(outlets),
                "person": _facet(people, names),
                "month": month_facets,
            },
        )

    def search_quotes(self, build: int, flt: QuoteFilter, limit: int, offset: int) -> QuoteSearch:
        corpus = self.corpus(build)
        self.ensure_indexes(build)
        query = fts_query(flt.q)
        by_id = corpus.quotes_by_id
        speaker_quotes = corpus.quotes_by_speaker.get((flt.speaker or "").strip())
        if query is None:
            # A speaker's id picks their quotes straight away; otherwise every quote is looked at.
            pool = speaker_quotes if speaker_quotes is not None else corpus.quotes
            ranked = [(q["id"], 0.0) for q in pool]
        else:
            ranked = self._matches("app_quote_fts", "quote_id", query)
        speaker = (flt.speaker or "").strip()
        speaker_folded = speaker.casefold()
        kept: list[tuple[dict[str, Any], float]] = []
        speakers: Counter[str] = Counter()
        speaker_names: dict[str, str] = {}
        outlets: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        for qid, score in ranked:
            q = by_id.get(qid)
            if q is None:
                continue
            a = corpus.by_article.get(q.get("article_id") or "") or {}
            if (
                speaker
                and q.get("speaker_entity_id") != speaker
                and (str(q.get("speaker") or "").casefold() != speaker_folded)
            ):
                continue
            if flt.outlet and a.get("outlet") != flt.outlet:
                continue
            if flt.kind and q.get("kind") != flt.kind:
                continue
            if flt.story and a.get("story_id") != flt.story:
                continue
            if not _in_range(a.get("published"), flt.date_from, flt.date_to):
                continue
            kept.append((q, score))
            sid = str(q.get("speaker_entity_id") or q.get("speaker") or "(unknown)")
            speakers[sid] += 1
            speaker_names[sid] = str(q.get("speaker") or "(unknown)")
            outlets[a.get("outlet") or "(unknown)"] += 1
            kinds[str(q.get("kind"))] += 1
        if query is None:
            # No words to rank by: newest first, then article order.
            kept.sort(
                key=lambda item: (
                    (corpus.by_article.get(item[0].get("article_id") or "") or {}).get("published")
                    or "",
                ),
                reverse=True,
            )
        page = kept[offset : offset + limit]
        snippets = (
            self._snippets("app_quote_fts", "quote_id", 1, query, [q["id"] for q, _ in page])
            if query
            else {}
        )
        groups = {g["id"]: g for g in corpus.quote_groups}
        hits = []
        for q, score in page:
            aid = str(q.get("article_id"))
            a = corpus.by_article.get(aid) or {}
            group = groups.get(q.get("group_id"))
            first_article = aid
            if group is not None:
                dated = sorted(
                    ((corpus.by_article.get(x) or {}).get("published") or "9999", x)
                    for x in group.get("article_ids", [])
                )
                first_article = dated[0][1] if dated else aid
            context, cs, ce = self._sentence(aid, int(q.get("start") or 0), int(q.get("end") or 0))
            hits.append(
                QuoteHit(
                    quote=q,
                    outlet=a.get("outlet"),
                    published=a.get("published"),
                    story_id=a.get("story_id"),
                    first_reported=(group or {}).get("first_reported") or a.get("published"),
                    first_article_id=first_article,
                    reported_by=len((group or {}).get("article_ids", [])) or 1,
                    context=context,
                    context_start=cs,
                    context_end=ce,
                    snippet=snippets.get(q["id"], str(q.get("text") or "")),
                    score=-score,
                )
            )
        return QuoteSearch(
            total=len(kept),
            hits=tuple(hits),
            facets={
                "speaker": _facet(speakers, speaker_names),
                "outlet": _facet(outlets),
                "kind": _facet(kinds),
            },
        )

    def _sentence(self, article_id: str, start: int, end: int) -> tuple[str, int, int]:
        """The sentence(s) of the article holding ``start..end`` (the quote alone when the
        article has no sentence layer)."""
        lo, hi = start, end
        sentences = self.store.layer(article_id, "sentences") or []
        for s, e in sentences:
            if s <= start < e:
                lo = min(lo, int(s))
            if s < end <= e:
                hi = max(hi, int(e))
        hi = min(hi, lo + 1200)
        row = self.db.execute(
            "SELECT SUBSTR(clean_text, ?, ?) FROM articles WHERE id=?",
            (lo + 1, hi - lo, article_id),
        ).fetchone()
        return (str(row[0] or "") if row else ""), lo, hi

    # builds ------------------------------------------------------------------------------
    def builds(self, limit: int) -> list[BuildInfo]:
        out = []
        for bid, started, finished, inputs in self.db.execute(
            "SELECT id, started, finished, inputs FROM builds ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall():
            n = self.store.count_current(int(bid))
            errors = self.db.execute(
                "SELECT COUNT(*) FROM errors WHERE build=?", (bid,)
            ).fetchone()[0]
            if n:
                errors += self.db.execute(
                    "SELECT COUNT(*) FROM article_errors e JOIN articles a ON a.id=e.article_id "
                    "WHERE a.build=?",
                    (bid,),
                ).fetchone()[0]
            out.append(
                BuildInfo(
                    int(bid), float(started), finished, tuple(json.loads(inputs)), n, int(errors)
                )
            )
        return out

    def build_errors(self, build: int) -> list[InputFailure]:
        return self.store.errors(build)

    def build_inputs(self, build: int) -> list[str]:
        row = self.db.execute("SELECT inputs FROM builds WHERE id=?", (build,)).fetchone()
        return list(json.loads(row[0])) if row else []

    def reset_failed(self, build: int) -> list[str]:
        failures = self.store.errors(build)
        sources: list[str] = []
        stage_key = {"clean": "clean_key", "analyse": "analysis_key", "dates": "analysis_key"}
        with self._write():
            for f in failures:
                if f.article_id is not None and f.stage in stage_key:
                    self.db.execute(
                        f"UPDATE articles SET {stage_key[f.stage]}=NULL WHERE id=?",
                        (f.article_id,),
                    )
                elif f.article_id is not None and f.stage == "link":
                    self.db.execute("UPDATE articles SET needs_link=1 WHERE id=?", (f.article_id,))
                elif f.stage in (None, "ingest"):
                    for (path,) in self.db.execute(
                        "SELECT DISTINCT file_path FROM errors WHERE build=? AND source=? "
                        "AND file_path IS NOT NULL",
                        (build, f.source),
                    ).fetchall():
                        self.store.forget_file(str(path))
                else:
                    continue
                sources.append(f.source)
        return list(dict.fromkeys(sources))

    # corrections -------------------------------------------------------------------------
    def corrections(self) -> list[Correction]:
        return [
            Correction(int(i), k, e, o, v, w, float(c), n)
            for i, k, e, o, v, w, c, n in self.db.execute(
                "SELECT id, kind, entity_id, other_id, value, who, created, note "
                "FROM app_corrections WHERE deleted IS NULL ORDER BY created, id"
            )
        ]

    def add_correction(self, item: Correction) -> Correction:
        cur = self.db.execute(
            "INSERT INTO app_corrections(kind, entity_id, other_id, value, who, created, note) "
            "VALUES(?, ?, ?, ?, ?, ?, ?)",
            (
                item.kind,
                item.entity_id,
                item.other_id,
                item.value,
                item.who,
                item.created,
                item.note,
            ),
        )
        return Correction(
            int(cur.lastrowid or 0),
            item.kind,
            item.entity_id,
            item.other_id,
            item.value,
            item.who,
            item.created,
            item.note,
        )

    def delete_correction(self, correction_id: int) -> bool:
        # Kept as a record (deleted, not removed): who corrected what stays on file.
        cur = self.db.execute(
            "UPDATE app_corrections SET deleted=? WHERE id=? AND deleted IS NULL",
            (time.time(), correction_id),
        )
        return cur.rowcount > 0

    # saved searches ----------------------------------------------------------------------
    def _saved(self, row: Sequence[Any]) -> SavedSearch:
        i, name, kind, params, who, created, last_seen = row
        return SavedSearch(
            int(i), str(name), kind, json.loads(params), str(who), float(created), float(last_seen)
        )

    def saved_searches(self) -> list[SavedSearch]:
        return [
            self._saved(r)
            for r in self.db.execute(
                "SELECT id, name, kind, params, who, created, last_seen FROM app_saved_searches "
                "ORDER BY id"
            )
        ]

    def saved_search(self, search_id: int) -> SavedSearch | None:
        row = self.db.execute(
            "SELECT id, name, kind, params, who, created, last_seen FROM app_saved_searches "
            "WHERE id=?",
            (search_id,),
        ).fetchone()
        return self._saved(row) if row else None

    def add_saved_search(
        self, name: str, kind: SearchKind, params: Mapping[str, str], who: str
    ) -> SavedSearch:
        now = time.time()
        cur = self.db.execute(
            "INSERT INTO app_saved_searches(name, kind, params, who, created, last_seen) "
            "VALUES(?, ?, ?, ?, ?, ?)",
            (name, kind, json.dumps(dict(params), sort_keys=True), who, now, now),
        )
        found = self.saved_search(int(cur.lastrowid or 0))
        assert found is not None
        return found

    def delete_saved_search(self, search_id: int) -> bool:
        with self._write():
            self.db.execute("DELETE FROM app_saved_hits WHERE search_id=?", (search_id,))
            cur = self.db.execute("DELETE FROM app_saved_searches WHERE id=?", (search_id,))
        return cur.rowcount > 0

    def record_hits(self, search_id: int, hit_ids: Sequence[str]) -> list[SavedHit]:
        now = time.time()
        if self.writer_busy():  # hits seen now count as new at the next look
            seen = dict(
                self.db.execute(
                    "SELECT hit_id, first_seen FROM app_saved_hits WHERE search_id=?", (search_id,)
                ).fetchall()
            )
            return [SavedHit(h, float(seen.get(h, now))) for h in hit_ids]
        with self._write():
            self.db.executemany(
                "INSERT OR IGNORE INTO app_saved_hits VALUES(?, ?, ?)",
                [(search_id, h, now) for h in hit_ids],
            )
        seen = dict(
            self.db.execute(
                "SELECT hit_id, first_seen FROM app_saved_hits WHERE search_id=?", (search_id,)
            ).fetchall()
        )
        return [SavedHit(h, float(seen.get(h, now))) for h in hit_ids]

    def mark_seen(self, search_id: int, when: float) -> None:
        if self.writer_busy():
            return
        self.db.execute("UPDATE app_saved_searches SET last_seen=? WHERE id=?", (when, search_id))

    # jobs --------------------------------------------------------------------------------
    def _job(self, row: Sequence[Any]) -> Job:
        (
            i,
            kind,
            state,
            created,
            started,
            finished,
            stage,
            done,
            total,
            inputs,
            message,
            build_id,
            who,
            log,
        ) = row
        return Job(
            int(i),
            str(kind),
            state,
            float(created),
            started,
            finished,
            stage,
            int(done),
            total,
            tuple(json.loads(inputs)),
            str(message),
            build_id,
            str(who),
            tuple(json.loads(log)),
        )

    _JOB_SELECT = (
        "SELECT id, kind, state, created, started, finished, stage, done, total, inputs, "
        "message, build_id, who, log FROM app_jobs"
    )

    def add_job(self, kind: str, inputs: Sequence[str], who: str, message: str = "") -> Job:
        cur = self.db.execute(
            "INSERT INTO app_jobs(kind, state, created, inputs, message, who) "
            "VALUES(?, 'queued', ?, ?, ?, ?)",
            (kind, time.time(), json.dumps(list(inputs)), message, who),
        )
        job = self.job(int(cur.lastrowid or 0))
        assert job is not None
        return job

    def update_job(self, job_id: int, **changes: Any) -> None:
        log_lines: Iterable[str] = changes.pop("log_lines", ())
        unknown = set(changes) - set(_JOB_FIELDS)
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        with self._write():
            if changes:
                cols = ", ".join(f"{k}=?" for k in changes)
                self.db.execute(
                    f"UPDATE app_jobs SET {cols} WHERE id=?", (*changes.values(), job_id)
                )
            lines = list(log_lines)
            if lines:
                row = self.db.execute("SELECT log FROM app_jobs WHERE id=?", (job_id,)).fetchone()
                if row is not None:
                    kept = (json.loads(row[0]) + lines)[-_LOG_KEEP:]
                    self.db.execute(
                        "UPDATE app_jobs SET log=? WHERE id=?", (json.dumps(kept), job_id)
                    )

    def job(self, job_id: int) -> Job | None:
        row = self.db.execute(f"{self._JOB_SELECT} WHERE id=?", (job_id,)).fetchone()
        return self._job(row) if row else None

    def jobs(self, limit: int) -> list[Job]:
        return [
            self._job(r)
            for r in self.db.execute(f"{self._JOB_SELECT} ORDER BY id DESC LIMIT ?", (limit,))
        ]

    def writer_busy(self) -> bool:
        """Whether a build holds the store's writer lock now. The web application then leaves
        the store alone: a write between a build's reads and its own writes would cost the
        build its transaction (SQLite has one writer)."""
        import fcntl
        import os

        from storyline.store.sqlite import LOCK_SUFFIX

        lock = self.path.with_name(self.path.name + LOCK_SUFFIX)
        try:
            fd = os.open(lock, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    def interrupted_jobs(self) -> int:
        """Mark jobs a previous server left queued or running as failed (its process is gone);
        returns how many."""
        cur = self.db.execute(
            "UPDATE app_jobs SET state='failed', finished=?, message='the server stopped before "
            "this build finished; add the files again or re-run' "
            "WHERE state IN ('queued', 'running')",
            (time.time(),),
        )
        return cur.rowcount
