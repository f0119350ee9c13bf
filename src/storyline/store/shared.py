"""What every store backend does the same way: reads and writes whose SQL both dialects speak
(each backend's connection takes ``?`` placeholders), written once and inherited by
:class:`storyline.store.sqlite.Store` and :class:`storyline.store.postgres.PostgresStore`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from storyline.model import (
    Entity,
    MetaValue,
    PublishedDate,
    Removal,
    Role,
    Story,
    date_precision,
)
from storyline.store.rows import (
    AnalysisInput,
    ArticleBrief,
    ArticleRow,
    BuildRow,
    CleanCandidate,
    CleanedArticle,
    CleanRow,
    FileState,
    NewArticle,
    meta_from_json,
)

__all__ = ["SharedStore"]


class SharedStore:
    """The backend-neutral part of a store; a backend supplies ``db`` (a connection whose
    ``execute`` takes ``?`` placeholders) and the dialect-specific methods these call."""

    if TYPE_CHECKING:
        # What each backend provides (in its own dialect) and the shared methods call.
        db: Any

        def _version(self) -> int | None: ...

        def file_state(self, path: str) -> tuple[int, int, str] | None: ...

        def put_cleaned(self, rows: Sequence[CleanedArticle]) -> None: ...

        def put_articles(self, rows: Sequence[NewArticle]) -> None: ...

        def briefs(self, build: int) -> list[ArticleBrief]: ...

        def _lists(
            self, table: str, key: str, value: str, build: int, keys: Sequence[str] | None = None
        ) -> dict[str, list[Any]]: ...

    # One article: a batch of one (each backend writes batches its own way).
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
        self.put_articles(
            [
                NewArticle(
                    article_id, file_path, ordinal, source, fmt, raw, decoded, tuple(notes),
                    meta, strip, tuple(line_keys), build,
                )
            ]
        )  # fmt: skip

    _ARTICLE_COLUMNS = (
        "id, source, file_path, format, build, outlet, title, byline, url, published, "
        "published_source, published_method, clean_text, removed, duplicate_of, notes, meta"
    )

    @property
    def schema_version(self) -> int:
        return self._version() or 0

    def close(self) -> None:
        self.db.close()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def last_build(self) -> int | None:
        """The latest build that finished (its articles are the store's current ones)."""
        row = self.db.execute("SELECT MAX(id) FROM builds WHERE finished IS NOT NULL").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def finish_build(self, build: int) -> None:
        self.db.execute("UPDATE builds SET finished=? WHERE id=?", (time.time(), build))

    def current_ids(self, build: int) -> list[str]:
        return [
            r[0]
            for r in self.db.execute("SELECT id FROM articles WHERE build=? ORDER BY id", (build,))
        ]

    def for_cleaning(self, build: int) -> list[tuple[str, str | None, str | None]]:
        """(id, outlet, clean_key) of every current article; texts are read one at a time."""
        rows = self.db.execute(
            "SELECT id, outlet, clean_key FROM articles WHERE build=? ORDER BY id", (build,)
        )
        return [(str(a), o, k) for a, o, k in rows]

    def put_clean_rows(self, rows: Sequence[CleanRow]) -> None:
        """Store cleaned articles, as made by :func:`clean_row` (in a worker process). Older
        form of :meth:`put_cleaned`."""
        self.put_cleaned([CleanedArticle(r[10], *r[:8]) for r in rows])

    def needing_link(self, build: int) -> list[str]:
        rows = self.db.execute(
            "SELECT id FROM articles WHERE build=? AND needs_link=1 ORDER BY id", (build,)
        )
        return [r[0] for r in rows]

    def has_current_bands(self, build: int) -> bool:
        """Whether any current article is in the band index."""
        row = self.db.execute(
            "SELECT 1 FROM bands b JOIN articles a ON a.id = b.article_id WHERE a.build=? LIMIT 1",
            (build,),
        ).fetchone()
        return row is not None

    def undated(self, build: int, only_changed: bool = False) -> list[str]:
        """Current articles with no stated date. With ``only_changed``, those not yet looked at
        since their text last changed (an inference already made is kept)."""
        # A date this stage inferred itself (method "link.*") is looked at again; any other
        # date, even one a reader marked inferred, is stated.
        changed = (
            " AND (date_inferred_for IS NULL OR clean_key IS NULL "
            "OR date_inferred_for != clean_key)"
            if only_changed
            else ""
        )
        rows = self.db.execute(
            "SELECT id FROM articles WHERE build=? AND (published IS NULL OR "
            "(published_source='inferred' AND substr(published_method, 1, 5)='link.'))"
            f"{changed} ORDER BY id",
            (build,),
        )
        return [str(r[0]) for r in rows]

    def for_analysis(self, build: int) -> list[tuple[str, str | None, str | None, str | None]]:
        """(id, clean_key, meta json, analysis_key) of every current article."""
        rows = self.db.execute(
            "SELECT id, clean_key, meta, analysis_key FROM articles WHERE build=? ORDER BY id",
            (build,),
        )
        return [(str(a), k, m, ak) for a, k, m, ak in rows]

    def current_articles_brief(self, build: int) -> list[dict[str, Any]]:
        """Id, date, outlet and duplicate link of every current article, by date. Older form
        of :meth:`briefs`."""
        return [b.to_record() for b in self.briefs(build)]

    def stories(self, build: int) -> list[Story]:
        """The stories of ``build``'s current articles, largest first, then by first date."""
        members: dict[str, list[str]] = {}
        for story_id, article_id in self.db.execute(
            "SELECT s.story_id, s.article_id FROM story_articles s "
            "JOIN articles a ON a.id = s.article_id WHERE a.build=? ORDER BY s.story_id, s.position",
            (build,),
        ):
            members.setdefault(str(story_id), []).append(str(article_id))
        rows = []
        for sid, label, first, last, confidence, method in self.db.execute(
            "SELECT id, label, first_date, last_date, confidence, method FROM stories"
        ):
            if sid in members:
                rows.append(
                    Story(
                        str(sid),
                        tuple(members[sid]),
                        first,
                        last,
                        str(label),
                        float(confidence),
                        str(method),
                    )
                )
        rows.sort(key=lambda r: (-len(r.article_ids), r.first_date or "9999", r.id))
        return rows

    def file_row(self, path: str) -> FileState | None:
        state = self.file_state(path)
        return None if state is None else FileState(*state)

    def build_row(self, build: int) -> BuildRow | None:
        row = self.db.execute(
            "SELECT id, started, finished, inputs FROM builds WHERE id=?", (build,)
        ).fetchone()
        if row is None:
            return None
        return BuildRow(int(row[0]), float(row[1]), row[2], tuple(json.loads(row[3])))

    @staticmethod
    def _article_row(row: Sequence[Any]) -> ArticleRow:
        (aid, source, path, fmt, build, outlet, title, byline, url, pub, src, method) = row[:12]
        text, removed, dup, notes, meta = row[12:]
        return ArticleRow(
            id=str(aid),
            source=str(source),
            file_path=str(path),
            format=str(fmt),
            build=int(build),
            outlet=outlet,
            title=title,
            byline=byline,
            url=url,
            published=None
            if pub is None
            else PublishedDate(pub, date_precision(pub), src, src == "inferred", method),
            text=text or "",
            removed=tuple(Removal(**r) for r in json.loads(removed or "[]")),
            duplicate_of=dup,
            notes=tuple(json.loads(notes)),
            meta=meta_from_json(meta),
        )

    def clean_candidates(self, build: int) -> list[CleanCandidate]:
        return [CleanCandidate(*r) for r in self.for_cleaning(build)]

    def analysis_inputs(self, build: int) -> list[AnalysisInput]:
        rows = self.db.execute(
            "SELECT id, clean_key, published, published_source, analysis_key FROM articles "
            "WHERE build=? ORDER BY id",
            (build,),
        )
        return [
            AnalysisInput(str(a), k, pub, pub is not None and src == "inferred", ak)
            for a, k, pub, src, ak in rows
        ]

    def has_corpus(self, build: int) -> bool:
        return (
            self.db.execute("SELECT 1 FROM corpus_builds WHERE build=?", (build,)).fetchone()
            is not None
        )

    def _build_or_last(self, build: int | None) -> int:
        if build is not None:
            return build
        last = self.last_build()
        return -1 if last is None else last

    def _entities(self, build: int, where: str = "", args: Sequence[Any] = ()) -> list[Entity]:
        rows = self.db.execute(
            "SELECT id, name, type, mentions, media, quotes FROM entities "
            f"WHERE build=? {where} ORDER BY position",
            (build, *args),
        ).fetchall()
        # A few entities (a server's page): their own lists; the whole build: one read each.
        keys = None if not where else [str(r[0]) for r in rows]
        if not rows:
            return []
        aliases = self._lists("entity_aliases", "entity_id", "alias", build, keys)
        roles = self._lists("entity_roles", "entity_id", "title, date, article_id", build, keys)
        articles = self._lists("entity_articles", "entity_id", "article_id", build, keys)
        return [
            Entity(
                id=str(eid),
                name=str(name),
                type=str(typ),
                aliases=tuple(aliases.get(eid, ())),
                roles=tuple(Role(*r) for r in roles.get(eid, ())),
                mentions=int(mentions),
                article_ids=tuple(articles.get(eid, ())),
                media=bool(media),
                quotes=int(quotes),
            )
            for eid, name, typ, mentions, media, quotes in rows
        ]
