"""The store: migrations from older schemas, the one-writer lock, stories kept between builds,
the typed reads beside the older ones."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from storyline import StoreError
from storyline.model import CleanText, DuplicateGroup, MetaValue, Removal, Story
from storyline.store import SCHEMA_VERSION, Store
from storyline.store.rows import CleanCandidate, CleanedArticle, FileState, meta_from_json
from storyline.store.sqlite import _SCHEMA, clean_row


def _v1_store(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA)
    db.execute("INSERT INTO meta VALUES('schema_version', '1')")
    db.execute("INSERT INTO errors VALUES(1, 'a.txt', 'empty file', 'a.txt')")
    db.commit()
    db.close()


def test_store_migrates_an_older_store_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _v1_store(path)
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        [old] = store.file_errors("a.txt")
        assert (old.source, old.error, old.stage) == ("a.txt", "empty file", None)
        assert store.integrity_check() == "ok"
    with Store(path) as again:  # opening a current store changes nothing
        assert again.schema_version == SCHEMA_VERSION


def test_store_refuses_a_newer_store(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with Store(path) as store:
        store.db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(StoreError, match="newer than this storyline"):
        Store(path)


def test_store_two_processes_create_one_store(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite"
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Store(path).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION


def test_store_writer_lock_is_released_on_exit(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        with store.writer_lock(timeout=0.1):
            pass
        with store.writer_lock(timeout=0.1):  # a second holder after the first let go
            pass


def test_store_keeps_stories_of_current_articles(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        build = store.begin_build([])
        for aid in ("a", "b", "c"):
            store.put_article(
                article_id=aid,
                file_path="f",
                ordinal=0,
                source="f",
                fmt="txt",
                raw=b"",
                decoded="x",
                notes=[],
                meta={},
                strip=[],
                line_keys=[],
                build=build,
            )
        store.put_stories(
            build,
            [
                Story("s2", ("c",), None, None, "C", 1.0, "online"),
                Story("s1", ("a", "b"), "2024-01-01", "2024-01-02", "A", 0.9, "online"),
            ],
        )
        rows = store.stories(build)
        assert [(r.id, r.article_ids) for r in rows] == [("s1", ("a", "b")), ("s2", ("c",))]
        store.delete_articles(["b"])
        assert [r.article_ids for r in store.stories(build)] == [("a",), ("c",)]


def _v3_store_with_an_article(path: Path) -> None:
    from storyline.store.sqlite import _MIGRATIONS

    db = sqlite3.connect(path)
    db.executescript(_SCHEMA + _MIGRATIONS[2] + _MIGRATIONS[3])
    db.execute("INSERT INTO meta VALUES('schema_version', '3')")
    meta = {
        "outlet": {"value": "The Times", "source": "brand-line", "method": "m", "confidence": 1.0},
        "title": {"value": "A title", "source": "html", "method": "m", "confidence": 1.0},
        "url": {"value": "https://x.invalid/a", "source": "jsonl", "method": "m", "confidence": 1},
        "published": {
            "value": "2024-03-02",
            "source": "inferred",
            "method": "link.shared-sentences",
            "confidence": 0.5,
        },
    }
    db.execute(
        "INSERT INTO articles(id, file_path, ordinal, source, format, raw, decoded, notes, meta, "
        "strip, outlet, published, clean_text, removed, build) "
        "VALUES('a', 'f', 0, 'f', 'txt', x'', 'x', '[]', ?, '[]', 'The Times', '2024-03-02', "
        "'x', '[]', 1)",
        (json.dumps(meta),),
    )
    db.execute("INSERT INTO builds VALUES(1, 0, 1, '[]')")
    db.commit()
    db.close()


def test_store_migration_4_fills_the_metadata_columns_from_the_json(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite"
    _v3_store_with_an_article(path)
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        row = store.article("a")
        assert row is not None
        assert (row.outlet, row.title, row.byline, row.url) == (
            "The Times",
            "A title",
            None,
            "https://x.invalid/a",
        )
        assert row.published is not None
        assert (row.published.precision, row.published.source, row.published.inferred) == (
            "day",
            "inferred",
            True,
        )
        # The columns answer what the JSON was parsed for: a link-inferred date is looked at
        # again, and is no stated date for a neighbour.
        assert store.undated(1) == ["a"]
        assert store.dated_articles(1, 10) == []
        [brief] = store.briefs(1)
        assert brief.published_inferred and brief.outlet == "The Times"
        assert store.integrity_check() == "ok"


def _article(store: Store, aid: str, build: int, meta: dict[str, MetaValue]) -> None:
    store.put_article(
        article_id=aid,
        file_path=f"{aid}.txt",
        ordinal=0,
        source=f"{aid}.txt",
        fmt="txt",
        raw=b"raw",
        decoded=f"decoded {aid}",
        notes=["crlf"],
        meta=meta,
        strip=[{"start": 0, "end": 1}],
        line_keys=["k1", "k2"],
        build=build,
    )


def test_store_typed_reads_agree_with_the_older_ones(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        build = store.begin_build(["x"])
        _article(store, "a", build, {"outlet": MetaValue("O", "brand-line", "m")})
        _article(
            store,
            "b",
            build,
            {
                "published": MetaValue("2024-01-02", "header", "m"),
                "byline": MetaValue("Z", "x", "m"),
            },
        )
        assert store.clean_candidates(build) == [
            CleanCandidate(*r) for r in store.for_cleaning(build)
        ]
        old_inputs = store.cleaning_inputs(["a", "b"])
        for aid, typed in store.clean_inputs(["a", "b"]).items():
            decoded, meta, strip = old_inputs[aid]
            assert (typed.decoded, typed.meta, list(typed.strip)) == (
                decoded,
                meta_from_json(meta),
                json.loads(strip),
            )
        # The older positional rows and the typed ones store the same article.
        cleaned = CleanText("clean b", (Removal("x", "why", 0, 1, "m", 0.5),), ((0, 0, 7),))
        found = {
            "published": MetaValue("2024-01-02", "header", "m"),
            "title": MetaValue("T", "first-line", "m"),
        }
        sig = np.arange(4, dtype=np.uint64)
        store.put_clean_rows([clean_row("a", "k", cleaned, found, "h", sig, sig[:0])])
        store.put_cleaned([CleanedArticle.of("b", "k", cleaned, found, "h", sig, sig[:0])])
        a, b = store.article("a"), store.article("b")
        assert a is not None and b is not None
        assert (a.text, a.removed, a.title, a.published) == (
            b.text,
            b.removed,
            b.title,
            b.published,
        )
        assert a.title == "T" and a.removed == cleaned.removed
        assert store.clean_texts_of(["a", "b", "zz"]) == {"a": "clean b", "b": "clean b", "zz": ""}
        assert store.removals_of(["a"]) == {"a": cleaned.removed}
        assert [r["reason"] for r in store.removed_of("a")] == ["why"]
        assert store.titles_of(["a"]) == {"a": "T"}
        assert [b.to_record() for b in store.briefs(build)] == store.current_articles_brief(build)
        old = store.for_analysis(build)
        typed_inputs = store.analysis_inputs(build)
        assert [(i.id, i.clean_key, i.analysis_key) for i in typed_inputs] == [
            (r[0], r[1], r[3]) for r in old
        ]
        assert [i.published for i in typed_inputs] == ["2024-01-02", "2024-01-02"]
        norm, near, content = store.link_input("a")
        linked = store.link_inputs(["a"])["a"]
        assert (linked.norm_hash, linked.sig_near.tobytes(), linked.sig_content.tobytes()) == (
            norm,
            near,
            content,
        )
        store.put_layers("a", "key", {"quotes": [1], "events": []})
        assert store.layers_of(["a", "b"], "quotes") == {"a": [1]}
        assert store.layer("a", "events") == store.layers_of(["a"], "events")["a"] == []
        [row] = [r for r in store.articles(build) if r.id == "a"]
        assert row == store.article("a") and row.notes == ("crlf",)


def test_store_keeps_the_duplicate_groups_of_a_build(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        build = store.begin_build([])
        assert store.duplicate_groups(build) is None  # never stored: the caller makes them
        groups = [
            DuplicateGroup(("b", "a", "c"), "near", 0.9, "b"),
            DuplicateGroup(("d", "e"), "exact", 1.0, "d"),
        ]
        store.put_duplicate_groups(build, groups)
        assert store.duplicate_groups(build) == groups
        store.put_duplicate_groups(build, [])
        assert store.duplicate_groups(build) == []


def test_store_build_rows_are_typed(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        build = store.begin_build(["a/", "b.txt"])
        row = store.build_row(build)
        assert row is not None and row.inputs == ("a/", "b.txt") and row.finished is None
        store.finish_build(build)
        finished = store.build_row(build)
        assert finished is not None and finished.finished is not None
        assert store.build_row(build + 1) is None
        store.put_file("f", 3, 4, "sha", build)
        assert store.file_row("f") == FileState(3, 4, "sha")
