"""The store's behaviour, the same on every backend: each test runs on SQLite (a file) and on
PostgreSQL (a real throwaway server, see tests/pg.py; skipped when its binaries are missing)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pg import pg_server, pg_url  # noqa: F401  (fixtures)
from storyline import StoreError
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
    Role,
    Span,
    Story,
    TimelineEntry,
)
from storyline.store import SCHEMA_VERSION, open_store
from storyline.store.base import Store
from storyline.store.rows import CleanedArticle
from storyline.store.sqlite import clean_row

Opener = Callable[[], Any]


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new, empty store lives: a file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "s.sqlite")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(location: str) -> Iterator[Any]:
    with open_store(location) as s:
        yield s


def _meta(**values: str) -> dict[str, MetaValue]:
    return {k: MetaValue(v, "header", f"test.{k}", 1.0) for k, v in values.items()}


def _put(store: Any, aid: str, build: int, *, path: str = "f.txt", **meta: str) -> None:
    store.put_article(
        article_id=aid,
        file_path=path,
        ordinal=0,
        source=f"{path}#{aid}",
        fmt="txt",
        raw=b"raw \x00 bytes",
        decoded=f"decoded {aid}",
        notes=["a note"],
        meta=_meta(**meta),
        strip=[{"start": 0, "end": 1}],
        line_keys=[f"k-{aid}", "shared"],
        build=build,
    )


def test_store_backends_new_store_is_current_and_reopens(location: str) -> None:
    with open_store(location) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.integrity_check() == "ok"
        assert store.last_build() is None
    with open_store(location) as again:
        assert again.schema_version == SCHEMA_VERSION


def test_store_backends_conform_to_the_protocol(store: Any) -> None:
    assert isinstance(store, Store)


def test_store_backends_refuse_a_newer_store(location: str) -> None:
    with open_store(location) as store:
        store.db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(StoreError, match="newer than this storyline"):
        open_store(location)


def test_store_backends_concurrent_openers_make_one_store(location: str) -> None:
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            open_store(location).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(location) as store:
        assert store.schema_version == SCHEMA_VERSION


def test_store_backends_writer_lock_waits_then_names_the_problem(location: str) -> None:
    with open_store(location) as first, open_store(location) as second:
        with (
            first.writer_lock(timeout=0.1),
            pytest.raises(StoreError, match=r"another build \(pid \d+.*\) is writing"),
            second.writer_lock(timeout=0.3),
        ):
            pass
        with second.writer_lock(timeout=0.1):  # free once the first let go
            pass


def test_store_backends_articles_round_trip(store: Any) -> None:
    build = store.begin_build(["in/"])
    _put(store, "a", build, outlet="Planet", title="A title", published="2024-03-01")
    _put(store, "b", build, published="2024-02-01")
    assert store.current_ids(build) == ["a", "b"]
    assert store.count_current(build) == 2
    assert store.id_owner("a") == "f.txt" and store.id_owner("zz") is None
    decoded, meta, strip = store.cleaning_input("a")
    assert decoded == "decoded a" and '"Planet"' in meta and '"start": 0' in strip
    assert set(store.cleaning_inputs(["a", "b"])) == {"a", "b"}
    inputs = store.clean_inputs(["a"])
    assert inputs["a"].meta["outlet"].value == "Planet" and inputs["a"].strip == (
        {"start": 0, "end": 1},
    )
    assert store.line_keys_of(["a", "b"]) == {"a": ["k-a", "shared"], "b": ["k-b", "shared"]}
    assert store.article_line_keys("b") == ["k-b", "shared"]
    assert store.outlet_sizes(build) == {"Planet": 1}
    assert store.sources_of(["a"]) == {"a": "f.txt#a"}
    assert store.titles_of(["a", "b"]) == {"a": "A title", "b": ""}
    row = store.article("a")
    assert row is not None and row.title == "A title" and row.outlet == "Planet"
    assert row.published is not None and row.published.precision == "day"
    assert store.article("missing") is None


def test_store_backends_put_articles_replaces_and_says_who_owns_ids(store: Any) -> None:
    from storyline.store.rows import NewArticle

    build = store.begin_build([])
    _put(store, "a", build, outlet="Planet")

    def row(aid: str, path: str, keys: tuple[str, ...]) -> NewArticle:
        meta = _meta(outlet="Orbit")
        return NewArticle(
            aid, path, 0, path, "txt", b"raw", f"text {aid}", (), meta, [], keys, build
        )

    # A batch: a new version of "a" (its old line keys go) and a new article.
    store.put_articles([row("a", "g.txt", ("new-a",)), row("b", "h.txt", ("k-b", "k-b2"))])
    store.put_articles([])
    assert store.line_keys_of(["a", "b"]) == {"a": ["new-a"], "b": ["k-b", "k-b2"]}
    assert store.id_owners(["a", "b", "zz"]) == {"a": "g.txt", "b": "h.txt"}
    assert store.id_owners([]) == {}
    assert store.outlet_sizes(build) == {"Orbit": 2}
    assert store.cleaning_input("b")[0] == "text b"


def test_store_backends_order_articles_by_date_then_outlet_with_nulls_first(store: Any) -> None:
    build = store.begin_build([])
    _put(store, "d", build)  # undated: last
    _put(store, "c", build, outlet="Zed", published="2024-01-01")
    _put(store, "b", build, published="2024-01-01")  # no outlet: before "Zed", as SQLite sorts
    _put(store, "a", build, outlet="Alpha", published="2024-01-02")
    expected = ["b", "c", "a", "d"]
    assert [b.id for b in store.briefs(build)] == expected
    assert [r["id"] for r in store.current_articles_brief(build)] == expected
    assert [r["id"] for r in store.articles_for_output(build)] == expected
    assert [r.id for r in store.article_rows(build)] == expected
    assert [r.id for r in store.articles(build, limit=2, offset=1)] == ["c", "a"]
    assert [r.id for r in store.articles(build, outlet="Zed")] == ["c"]


def test_store_backends_ids_sort_bytewise(store: Any) -> None:
    # SQLite compares UTF-8 bytes: a language collation would put "a" before "B".
    build = store.begin_build([])
    for aid in ("a", "B", "é", "Z"):
        _put(store, aid, build)
    assert store.current_ids(build) == ["B", "Z", "a", "é"]


def test_store_backends_clean_and_link_inputs_round_trip(store: Any) -> None:
    build = store.begin_build([])
    _put(store, "a", build)
    _put(store, "b", build)
    near = np.arange(8, dtype=np.uint64)
    content = np.arange(4, dtype=np.uint64) + np.uint64(2**63)
    result = CleanText("clean text", (Removal("Ad", "advert", 0, 2, "rule.x", 0.9),), ((0, 0, 4),))
    meta = _meta(outlet="Planet", title="Found headline")
    store.put_clean_rows([clean_row("a", "key-a", result, meta, "hash", near, content)])
    store.put_cleaned([CleanedArticle.of("b", "key-b", result, meta, "hash", near, content)])
    assert store.clean_text_of("a") == "clean text" and store.clean_texts_of(["b"]) == {
        "b": "clean text"
    }
    assert store.removed_of("a")[0]["reason"] == "advert"
    norm, _near, content_raw = store.link_input("a")
    assert norm == "hash" and np.frombuffer(content_raw, np.uint64).tolist() == content.tolist()
    got_near, got_content = store.signatures("b")
    assert got_near.tolist() == near.tolist() and got_content.tolist() == content.tolist()
    assert store.link_inputs(["a"])["a"].sig_near.tolist() == near.tolist()
    assert store.needing_link(build) == ["a", "b"]
    store.mark_linked_many(["a"])
    assert store.needing_link(build) == ["b"]
    assert store.titles_of(["a"]) == {"a": "Found headline"}  # columns follow the metadata
    assert [c.id for c in store.clean_candidates(build)] == ["a", "b"]
    assert store.same_norm_hash("a", "hash", build) == ["b"]
    # A page of hashes in one query: holders sorted, a hash nobody holds absent.
    assert store.norm_hash_holders(["hash", "nobody"], build) == {"hash": ["a", "b"]}
    assert store.norm_hash_holders(["hash"], build + 1) == {} == store.norm_hash_holders([], build)


def test_store_backends_bands_edges_and_groups(store: Any) -> None:
    build = store.begin_build([])
    for aid, day in (("a", "01"), ("b", "02"), ("c", "03")):
        _put(store, aid, build, published=f"2024-01-{day}")
    big = 2**62 + 5
    store.replace_bands("a", "near", [(0, 1), (1, big)])
    store.put_bands([("near", 1, big, "b"), ("near", 0, 7, "c"), ("content", 0, 1, "c")])
    assert store.has_current_bands(build)
    assert store.band_candidates("a", "near", [(0, 1), (1, big)], build) == {"b"}
    assert store.band_candidates("c", "near", [(0, 7)], build) == set()
    assert store.dated_neighbours("a", build, 5) == [("b", "2024-01-02")]
    store.put_edges([DuplicateEdge("b", "a", "near", 0.9, "minhash")])
    store.put_edge(DuplicateEdge("a", "b", "exact", 1.0, "hash"))  # replaces the pair
    store.put_edges([DuplicateEdge("c", "b", "rewrite", 0.123456789012345, "align")])
    edges = store.current_edges(build)
    assert sorted((e.a, e.b, e.kind) for e in edges) == [
        ("a", "b", "exact"),
        ("b", "c", "rewrite"),
    ]
    assert any(e.similarity == 0.123456789012345 for e in edges), "scores keep double precision"
    store.set_duplicate_of(build, {"b": "a"})
    assert [r["duplicate_of"] for r in store.current_articles_brief(build)] == [None, "a", None]
    assert store.published_of(["a", "zz"]) == {"a": "2024-01-01", "zz": None}
    assert store.duplicate_groups(build) is None
    groups = [DuplicateGroup(("a", "b"), "exact", 1.0, "a")]
    store.put_duplicate_groups(build, groups)
    assert store.duplicate_groups(build) == groups
    store.drop_links(["b"])
    assert store.band_candidates("a", "near", [(1, big)], build) == set()
    assert [(e.a, e.b) for e in store.current_edges(build)] == []


def test_store_backends_files_touch_and_forget(store: Any) -> None:
    build = store.begin_build([])
    store.put_file("f.txt", 10, 111, "sha1", build)
    store.put_file("f.txt", 12, 222, "sha2", build)  # a second write replaces the first
    assert store.file_state("f.txt") == (12, 222, "sha2")
    assert store.file_row("missing") is None
    _put(store, "a", build)
    _put(store, "b", build)
    later = store.begin_build([])
    assert store.touch_file("f.txt", later, 13, 333) == 2
    assert store.current_ids(later) == ["a", "b"] and store.file_state("f.txt") == (13, 333, "sha2")
    store.forget_file("f.txt")
    assert store.current_ids(later) == [] and store.file_state("f.txt") is None


def test_store_backends_errors_keep_their_order_and_are_replaced(store: Any) -> None:
    build = store.begin_build([])
    _put(store, "a", build)
    store.record_error(build, InputFailure("z.txt", "empty file"), "z.txt")
    store.record_error(build, InputFailure("b.txt", "binary"), "b.txt")
    store.record_error(build, InputFailure("corpus", "timeline failed", None, "timeline", "t"))
    stored = store.set_article_errors(
        ["a"], "clean", [InputFailure("x", "clean failed", "a", "clean", "rules")]
    )
    assert stored[0].source == "f.txt#a"
    store.set_article_errors(
        ["a"], "analyse", [InputFailure("x", "layer failed", "a", "analyse", "quotes")]
    )
    assert [e.error for e in store.errors(build)] == [
        "empty file",
        "binary",
        "clean failed",
        "layer failed",
        "timeline failed",
    ]
    store.set_article_errors(["a"], "clean", [])  # the stage ran again and did not fail
    assert [e.error for e in store.errors(build)][2:] == ["layer failed", "timeline failed"]
    assert [e.error for e in store.file_errors("z.txt")] == ["empty file"]
    store.finish_build(build)
    assert store.last_build() == build
    row = store.build_row(build)
    assert row is not None and row.inputs == () and row.finished is not None


def test_store_backends_savepoint_undoes_only_its_unit(store: Any) -> None:
    build = store.begin_build([])
    with store.transaction():
        _put(store, "kept", build)
        with pytest.raises(RuntimeError), store.savepoint():
            _put(store, "undone", build)
            raise RuntimeError("this unit fails")
        _put(store, "after", build)
        store.checkpoint()
        _put(store, "late", build)
    assert store.current_ids(build) == ["after", "kept", "late"]
    with pytest.raises(RuntimeError), store.transaction():
        _put(store, "rolled-back", build)
        raise RuntimeError("the whole transaction fails")
    assert "rolled-back" not in store.current_ids(build)


def test_store_backends_layers_keep_key_order_and_replace(store: Any) -> None:
    build = store.begin_build([])
    _put(store, "a", build)
    _put(store, "b", build)
    # The layers reach the dossier as stored: the order of an object's keys must survive.
    data = {"zeta": 1, "alpha": {"end": 3, "start": 1, "text": "x"}, "mid": [1, 2]}
    store.put_layers("a", "k1", {"quotes": data, "entities": {"n": 1}})
    got = store.layer("a", "quotes")
    assert (
        got == data
        and list(got) == ["zeta", "alpha", "mid"]
        and list(got["alpha"])
        == [
            "end",
            "start",
            "text",
        ]
    )
    store.put_layers("a", "k2", {"quotes": []})  # replaces every layer of the article
    assert store.layer("a", "entities") is None and store.layer("a", "quotes") == []
    store.put_layers("b", "k2", {"quotes": [1]})
    assert store.layers_of(["a", "b", "c"], "quotes") == {"a": [], "b": [1]}
    assert [i.analysis_key for i in store.analysis_inputs(build)] == ["k2", "k2"]
    assert [r[3] for r in store.for_analysis(build)] == ["k2", "k2"]


def test_store_backends_hold_text_no_utf8_store_can(store: Any) -> None:
    build = store.begin_build([])
    store.put_article(
        article_id="a",
        file_path="f",
        ordinal=0,
        source="f",
        fmt="txt",
        raw=b"\x00\xff",
        decoded="lone \ud800 surrogate",
        notes=[],
        meta=_meta(title="t\ud800"),
        strip=[],
        line_keys=[],
        build=build,
    )
    store.put_layers("a", "k", {"quotes": [{"text": "nul \x00 inside"}]})
    decoded, _, _ = store.cleaning_input("a")
    assert "\ud800" not in decoded and decoded.startswith("lone ")
    assert store.layer("a", "quotes")[0]["text"].startswith("nul ")


def test_store_backends_inferred_dates(store: Any) -> None:
    build = store.begin_build([])
    _put(store, "stated", build, published="2024-05-01")
    _put(store, "undated", build)
    sig = np.zeros(0, dtype=np.uint64)
    store.put_cleaned(
        [CleanedArticle.of("undated", "ck", CleanText("t", (), ()), {}, "h", sig, sig)]
    )
    assert store.undated(build) == ["undated"]
    assert store.dated_articles(build, 10) == [("stated", "2024-05-01")]
    assert store.dated_articles(build, 0) == []
    assert store.set_inferred_date("undated", "2024-05-02") == 1
    brief = {b.id: b for b in store.briefs(build)}
    assert brief["undated"].published == "2024-05-02" and brief["undated"].published_inferred
    # A date this stage inferred is looked at again, unless the text is unchanged since.
    assert store.undated(build) == ["undated"]
    assert store.undated(build, only_changed=True) == []
    assert store.dated_articles(build, 10) == [("stated", "2024-05-01")]


def test_store_backends_keep_stories_of_current_articles(store: Any) -> None:
    build = store.begin_build([])
    for aid in ("a", "b", "c"):
        _put(store, aid, build)
    store.put_stories(
        build,
        [
            Story("s2", ("c",), None, None, "C", 1.0, "online"),
            Story("s1", ("a", "b"), "2024-01-01", "2024-01-02", "A", 0.9, "online"),
        ],
    )
    assert [(r.id, r.article_ids) for r in store.stories(build)] == [
        ("s1", ("a", "b")),
        ("s2", ("c",)),
    ]
    store.delete_articles(["b"])
    assert [r.article_ids for r in store.stories(build)] == [("a",), ("c",)]
    assert [r.id for r in store.articles(build, story_id="s1")] == ["a"]


def _corpus() -> Corpus:
    keir = Entity(
        "keir-starmer",
        "Keir Starmer",
        "PERSON",
        ("Sir Keir", "Starmer"),
        (Role("Prime Minister", "2024-07-05", "a"),),
        3,
        ("a", "b"),
        False,
        1,
    )
    labour = Entity("labour", "Labour", "ORG", (), (), 2, ("a",), False, 0)
    quote = Quote(
        "q1",
        "a",
        "We will act",
        10,
        21,
        "Keir Starmer",
        "keir-starmer",
        Span(0, 8, "Sir Keir"),
        Span(23, 27, "said"),
        "direct",
        0.9,
        "rules",
        "g1",
    )
    group = QuoteGroup("g1", "We will act", "Keir Starmer", ("q1",), ("a", "b"), ("BBC",), None, 2)
    entry = TimelineEntry(
        "t1",
        "2024-07-05",
        "Starmer became Prime Minister.",
        ("keir-starmer",),
        (Evidence("a", 0, 30, "Starmer became Prime Minister."),),
        "on",
        0.75,
        "s1",
    )
    mention = Mention("a", 0, 8, "Sir Keir", "PERSON", "name", 0.9, "ner", "keir-starmer")
    return Corpus(
        entities=(keir, labour),
        quotes=(quote,),
        quote_groups=(group,),
        timeline=(entry,),
        mentions=(mention, Mention("b", 5, 11, "Labour", "ORG", "name", 0.8, "ner", "labour")),
    )


def test_store_backends_corpus_results_round_trip(store: Any) -> None:
    build = store.begin_build([])
    for aid in ("a", "b"):
        _put(store, aid, build)
    corpus = _corpus()
    store.put_corpus(build, corpus)
    store.finish_build(build)
    assert store.has_corpus(build)
    got = store.corpus(build)
    assert got.to_sections() == corpus.to_sections() and got.mentions == corpus.mentions
    assert store.entity("keir-starmer") == corpus.entities[0]
    assert [q.id for q in store.quotes_of_entity("keir-starmer")] == ["q1"]
    assert [e.id for e in store.entities_of_article("b")] == ["keir-starmer"]
    assert [m.text for m in store.mentions_of_article("a")] == ["Sir Keir"]
    assert [(e.id, n) for e, n in store.co_mentioned("keir-starmer")] == [("labour", 1)]
    assert [t.id for t in store.timeline(build, story_id="s1")] == ["t1"]
    assert store.timeline(build, story_id="other") == []
    assert [g.id for g in store.quote_groups(build)] == ["g1"]
    store.put_corpus(build, Corpus())  # replaces, does not add
    assert store.corpus(build).entities == ()
