"""The store-only build (ingest, clean, link) gives the same store however it is batched: the
throughput work (batched reads and writes, the band index kept across link batches) must not
change a row. The contents of a small synthetic corpus's store are pinned by digest."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from bench import synthetic

from storyline.link import duplicates
from storyline.link.stories import entity_saliences, inputs_from_store, story_input
from storyline.pipeline import build
from storyline.settings import DEFAULT, Settings
from storyline.store import open_store

PINNED = "b8e19d33cc2d9d18de56c55327a3c3a65c98c7b9"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 synthetic articles in one folder (90 of them planted exact, near and rewritten
    copies), made by bench/synthetic.py with a smaller shard."""
    root = tmp_path_factory.mktemp("bulk") / "corpus"
    mp = pytest.MonkeyPatch()
    mp.setattr(synthetic, "SHARD_SIZE", 200)
    mp.setattr(synthetic, "SHARDS", 1)
    try:
        synthetic.ensure_corpus(root)
    finally:
        mp.undo()
    return root / "part-00"


def _rows(db: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in db.execute(sql)]


def store_digest(location: str, root: Path) -> tuple[str, dict[str, int]]:
    """A digest of everything the store-only stages write (but the build number and the clean
    key, a hash of the cleaning code, and with the corpus folder's path written as ``<root>``),
    and how many rows of each table it covers."""
    tables = {
        "articles": "SELECT id, file_path, ordinal, source, format, raw, decoded, notes, meta, "
        "strip, outlet, title, byline, url, published, published_source, clean_text, "
        "removed, offsets, norm_hash, sig_near, sig_content, needs_link, duplicate_of "
        "FROM articles ORDER BY id",
        "article_lines": "SELECT article_id, outlet, key FROM article_lines "
        "ORDER BY article_id, key",
        "bands": "SELECT kind, band, key, article_id FROM bands ORDER BY kind, band, key, article_id",
        "edges": "SELECT a, b, kind, similarity, method FROM edges ORDER BY a, b",
        "errors": "SELECT source, error, stage, component FROM errors ORDER BY source, error",
    }
    h = hashlib.sha1()
    counts: dict[str, int] = {}
    with open_store(location) as store:
        db: Any = store.db  # type: ignore[attr-defined]
        for name, sql in tables.items():
            rows = _rows(db, sql)
            counts[name] = len(rows)
            for r in rows:
                h.update(repr(r).replace(str(root), "<root>").encode())
        build_id = store.last_build()
        assert build_id is not None
        groups = store.duplicate_groups(build_id) or []
        h.update(repr(groups).encode())
        counts["groups"] = len(groups)
    return h.hexdigest(), counts


def _build(corpus: Path, db: Path, settings: Settings = DEFAULT) -> None:
    report = build([corpus], None, db=db, write_outputs=False, analyse=False, engine="local",
                   settings=settings)  # fmt: skip
    assert report.articles == 200


def test_store_bulk_contents_are_pinned(corpus: Path, tmp_path: Path) -> None:
    """Measured before the batching work: a change of this digest is a change of what the
    store-only stages write (intended or not: say which in the commit)."""
    _build(corpus, tmp_path / "s.sqlite")
    digest, counts = store_digest(str(tmp_path / "s.sqlite"), corpus)
    print(json.dumps(counts))
    assert counts["groups"] > 20 and counts["edges"] > 40
    assert digest == PINNED, counts


def test_store_bulk_same_rows_however_batched(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small link batches, small commits and a band index dropped every 50 articles give the
    rows one big batch gives: candidates found in memory and in the store are the same ones."""
    _build(corpus, tmp_path / "a.sqlite")
    monkeypatch.setattr(duplicates, "_INDEX_MAX", 50)
    monkeypatch.setattr(duplicates, "_INPUT_PAGE", 7)
    small = replace(DEFAULT, link_batch=37, commit_every=16, batch_items=23)
    _build(corpus, tmp_path / "b.sqlite", small)
    assert store_digest(str(tmp_path / "a.sqlite"), corpus) == store_digest(
        str(tmp_path / "b.sqlite"), corpus
    )


def _one_by_one(store: Any, build_id: int) -> Iterator[Any]:
    """The story inputs read one article at a time (the reference for the batched reader)."""
    for a in store.current_articles_brief(build_id):
        text = store.clean_text_of(a["id"])
        ents = store.layer(a["id"], "entities") or {}
        yield story_input(
            a["id"],
            text,
            title=store.titles_of([a["id"]])[a["id"]],
            published=a["published"],
            outlet=a["outlet"],
            duplicate_of=a["duplicate_of"],
            entities=entity_saliences(ents, len(text)),
            quotes=[q["text"] for q in store.layer(a["id"], "quotes") or []],
            embedding=None,
        )


def test_store_bulk_story_inputs_equal_one_by_one(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    _build(corpus, db)
    with open_store(str(db)) as store:
        build_id = store.last_build()
        assert build_id is not None
        # Layers on a few articles, so that the batched layer reads have something to find.
        ids = store.current_ids(build_id)
        with store.transaction():
            for aid in ids[:5]:
                store.put_layers(
                    aid,
                    "k",
                    {
                        "entities": {"entities": [], "mentions": []},
                        "quotes": [{"text": f"a quote of {aid}"}],
                    },
                )
        got = list(inputs_from_store(store, build_id, embeddings=False, batch=17))
        want = list(_one_by_one(store, build_id))
    assert len(got) == 200
    assert got == want
