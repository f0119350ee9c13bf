"""The store: migrations from older schemas, the one-writer lock, stories kept between builds."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from storyline import StoreError
from storyline.model import Story
from storyline.store import SCHEMA_VERSION, Store
from storyline.store.sqlite import _SCHEMA


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
