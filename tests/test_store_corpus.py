"""Corpus results in the store: the typed corpus model, put_corpus/corpus, the reads a server
needs, and the dossier made from the store alone (equal to the one assembled in memory)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import validate_dossier
from storyline.link.corpus import assemble, assemble_corpus
from storyline.link.story_sections import story_section
from storyline.model import (
    CleanText,
    Corpus,
    Entity,
    Evidence,
    Mention,
    MetaValue,
    Quote,
    QuoteGroup,
    Role,
    Span,
    Story,
    TimelineEntry,
)
from storyline.output.dossier import dossier_from_store, dossier_json, make_dossier
from storyline.store import Store, base
from storyline.store.rows import CleanedArticle

# Three articles: two carry the same quote (a quote group), each names people, one dates an
# event. Offsets are found in the texts, so the layers point where a parser would.
_TEXTS = {
    "a1": "Keir Starmer said: \u201cWe will win this election next week.\u201d "
    "On 3 May 2024 Keir Starmer met Donald Trump in Washington.",
    "a2": "Labour leader Keir Starmer told ITV: \u201cWe will win this election next week.\u201d "
    "Donald Trump was not asked.",
    "a3": "Donald Trump said: \u201cNothing at all.\u201d He spoke in Ohio.",
}
_META = {
    "a1": ("The Telegraph", "2024-05-04", "Starmer meets Trump"),
    "a2": ("ITV News", "2024-05-05", None),
    "a3": ("The Telegraph", None, None),
}


def _span(text: str, part: str, after: int = 0) -> dict[str, Any]:
    start = text.index(part, after)
    return {"start": start, "end": start + len(part), "text": part}


def _entities_layer(text: str, names: list[tuple[str, str]]) -> dict[str, Any]:
    clusters: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    for cid, (name, typ) in enumerate(names):
        clusters.append({"id": cid, "name": name, "type": typ, "aliases": [name], "media": False})
        at = 0
        while (hit := text.find(name, at)) >= 0:
            mentions.append(
                {
                    "start": hit,
                    "end": hit + len(name),
                    "text": name,
                    "label": typ,
                    "cluster": cid,
                    "kind": "name",
                    "confidence": 0.9,
                    "method": "entities.test",
                }
            )
            at = hit + len(name)
    mentions.sort(key=lambda m: m["start"])
    return {"clusters": clusters, "mentions": mentions, "roles": []}


def _quote_layer(text: str, quote: str, speaker: str, cue: str) -> list[dict[str, Any]]:
    q = _span(text, quote)
    return [
        {
            **q,
            "speaker": speaker,
            "speaker_span": _span(text, speaker),
            "cue": _span(text, cue),
            "kind": "direct",
            "confidence": 0.9,
            "method": "quotes.test",
        }
    ]


def _events_layer(text: str) -> list[dict[str, Any]]:
    sentence = _span(text, "On 3 May 2024 Keir Starmer met Donald Trump in Washington.")
    return [
        {
            "start": sentence["start"],
            "end": sentence["end"],
            "text": sentence["text"],
            "date": "2024-05-03",
            "relation": "on",
            "timex": [sentence["start"] + 3, sentence["start"] + 13],
            "summary": "Keir Starmer met Donald Trump in Washington",
            "participants": [
                [sentence["start"] + 14, sentence["start"] + 26],
                [sentence["start"] + 31, sentence["start"] + 43],
            ],
            "confidence": 0.8,
            "method": "events.test",
        }
    ]


def _tiny_store(path: Path) -> tuple[Store, int]:
    store = Store(path)
    build = store.begin_build(["tiny"])
    for n, (aid, text) in enumerate(_TEXTS.items()):
        outlet, published, title = _META[aid]
        meta = {"outlet": MetaValue(outlet, "brand-line", "test")}
        if published:
            meta["published"] = MetaValue(published, "header", "test")
        if title:
            meta["title"] = MetaValue(title, "html", "test")
        store.put_article(
            article_id=aid,
            file_path=f"{aid}.txt",
            ordinal=n,
            source=f"{aid}.txt",
            fmt="txt",
            raw=text.encode(),
            decoded=text,
            notes=[],
            meta=meta,
            strip=[],
            line_keys=[],
            build=build,
        )
        empty = np.zeros(0, dtype=np.uint64)
        store.put_cleaned(
            [CleanedArticle.of(aid, "c", CleanText(text, ()), meta, aid, empty, empty)]
        )
    quote = "We will win this election next week."
    layers = {
        "a1": {
            "entities": _entities_layer(
                _TEXTS["a1"], [("Keir Starmer", "PERSON"), ("Donald Trump", "PERSON")]
            ),
            "quotes": _quote_layer(_TEXTS["a1"], quote, "Keir Starmer", "said"),
            "events": _events_layer(_TEXTS["a1"]),
        },
        "a2": {
            "entities": _entities_layer(
                _TEXTS["a2"],
                [("Keir Starmer", "PERSON"), ("Donald Trump", "PERSON"), ("ITV", "ORG")],
            ),
            "quotes": _quote_layer(_TEXTS["a2"], quote, "Keir Starmer", "told ITV"),
            "events": [],
        },
        "a3": {
            "entities": _entities_layer(
                _TEXTS["a3"], [("Donald Trump", "PERSON"), ("Ohio", "GPE")]
            ),
            "quotes": _quote_layer(_TEXTS["a3"], "Nothing at all.", "Donald Trump", "said"),
            "events": [],
        },
    }
    for aid, data in layers.items():
        store.put_layers(aid, "k", data)
    store.put_stories(
        build,
        [
            Story("s1", ("a1", "a2"), "2024-05-04", "2024-05-05", "Starmer", 0.9, "online"),
            Story("s2", ("a3",), None, None, "Trump", 1.0, "online"),
        ],
    )
    store.finish_build(build)
    return store, build


def _normal(value: Any) -> Any:
    """As ``dossier.json`` holds it (tuples are lists)."""
    return json.loads(dossier_json(value))


def test_store_sqlite_store_implements_every_protocol(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        typed: base.Store = store  # mypy checks the signatures; isinstance the names
        for protocol in (
            base.Articles,
            base.Layers,
            base.BandIndex,
            base.Builds,
            base.StoriesRepo,
            base.CorpusResults,
            base.Store,
        ):
            assert isinstance(typed, protocol), protocol.__name__


def test_store_corpus_round_trip_keeps_every_field(tmp_path: Path) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    with store:
        errors: list[Any] = []
        corpus = assemble_corpus(store, build, errors=errors)
        assert errors == []
        assert corpus.quote_groups and corpus.timeline and corpus.mentions
        assert corpus.stories is not None and len(corpus.stories) == 2
        store.put_corpus(build, corpus)
        assert store.corpus(build) == corpus


def test_store_dossier_from_store_equals_the_assembled_dossier(tmp_path: Path) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    with store:
        # The dossier as the pipeline makes it today: sections in memory, stories attached.
        sections = assemble(store, build, errors=[])
        sections["stories"] = story_section(
            store.stories(build), store.current_articles_brief(build), sections
        )
        corpus = assemble_corpus(store, build, errors=[])
        expected = make_dossier(
            store.articles_for_output(build), [], [], corpus.mentions, **sections
        )
        store.put_corpus(build, corpus)
        got = dossier_from_store(store, build)
    assert _normal(got) == _normal(expected)
    validate_dossier(_normal(got))
    assert got["quote_groups"][0]["story_id"] == "s1"
    assert [q.get("group_id") for q in got["quotes"]].count(got["quote_groups"][0]["id"]) == 2


def test_store_dossier_from_store_of_an_unanalysed_build_has_empty_sections(
    tmp_path: Path,
) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    with store:
        assert not store.has_corpus(build)
        assert store.corpus(build) == Corpus()
        dossier = dossier_from_store(store, build)
    assert [len(dossier[k]) for k in ("entities", "quotes", "timeline", "stories")] == [0] * 4
    assert len(dossier["articles"]) == 3


def test_store_dossier_from_store_makes_the_stories_of_a_corpus_stored_without(
    tmp_path: Path,
) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    with store:
        store.put_corpus(build, Corpus.from_sections(assemble(store, build)))
        assert store.corpus(build).stories is None
        stories = dossier_from_store(store, build)["stories"]
    assert [s["article_ids"] for s in stories] == [["a1", "a2"], ["a3"]]


def test_store_put_corpus_replaces_the_builds_results(tmp_path: Path) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    with store:
        store.put_corpus(build, assemble_corpus(store, build))
        smaller = Corpus(entities=(Entity("e-x", "X", "PERSON", (), (), 1, ("a1",), False),))
        store.put_corpus(build, smaller)
        assert store.corpus(build) == smaller
        assert store.quotes_of_entity("e-keir-starmer", build) == []
        assert store.mentions_of_article("a1", build) == []


def test_store_put_corpus_is_undone_whole_when_it_fails(tmp_path: Path) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    with store:
        good = assemble_corpus(store, build)
        store.put_corpus(build, good)
        twice = Entity("e-x", "X", "PERSON", (), (), 1, (), False)
        with pytest.raises(Exception, match="UNIQUE"):
            store.put_corpus(build, Corpus(entities=(twice, twice)))
        assert store.corpus(build) == good


def test_store_server_reads_over_the_corpus(tmp_path: Path) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    with store:
        store.put_corpus(build, assemble_corpus(store, build))
        starmer = store.entity("e-keir-starmer")  # the last finished build by default
        assert starmer is not None and starmer.article_ids == ("a1", "a2")
        assert starmer.quotes == 2 and starmer.type == "PERSON"
        assert store.entity("e-nobody") is None
        said = store.quotes_of_entity("e-keir-starmer")
        assert [q.article_id for q in said] == ["a1", "a2"]
        assert said[0].cue == Span(13, 17, "said")
        assert {e.id for e in store.entities_of_article("a3")} == {"e-donald-trump", "e-ohio"}
        mentions = store.mentions_of_article("a1")
        assert [m.text for m in mentions] == ["Keir Starmer", "Keir Starmer", "Donald Trump"]
        assert {m.entity_id for m in mentions} == {"e-keir-starmer", "e-donald-trump"}
        co = store.co_mentioned("e-donald-trump", limit=2)
        assert [(e.id, n) for e, n in co] == [("e-keir-starmer", 2), ("e-itv", 1)]
        [entry] = store.timeline(build)
        assert entry.date == "2024-05-03" and entry.story_id == "s1"
        assert entry.evidence[0].article_id == "a1" and entry.precision == "day"
        assert store.timeline(build, story_id="s2") == []
        [group] = store.quote_groups(build, story_id="s1")
        assert (
            group.outlets == ("ITV News", "The Telegraph") and group.first_reported == "2024-05-04"
        )
        assert store.quote_groups(build, story_id="s2") == []


def test_store_article_reads_give_typed_rows_with_metadata_columns(tmp_path: Path) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    with store:
        row = store.article("a1")
        assert row is not None
        assert (row.outlet, row.title, row.build) == ("The Telegraph", "Starmer meets Trump", build)
        assert row.published is not None
        assert (row.published.value, row.published.precision, row.published.source) == (
            "2024-05-04",
            "day",
            "header",
        )
        assert not row.published.inferred
        assert store.article("nope") is None
        assert [a.id for a in store.articles(build)] == ["a1", "a2", "a3"]  # by date, undated last
        assert [a.id for a in store.articles(build, outlet="The Telegraph")] == ["a1", "a3"]
        assert [a.id for a in store.articles(build, story_id="s1")] == ["a1", "a2"]
        assert [a.id for a in store.articles(build, limit=1, offset=1)] == ["a2"]
        assert store.titles_of(["a1", "a2"]) == {"a1": "Starmer meets Trump", "a2": ""}


def test_corpus_model_records_round_trip() -> None:
    quote = Quote(
        "a-q1", "a", "words", 1, 6, None, None, None, Span(0, 1, "x"), "partial", 0.5, "m"
    )
    assert "group_id" not in quote.to_record()
    assert Quote.from_record(quote.to_record()) == quote
    grouped = Quote.from_record({**quote.to_record(), "group_id": "g-a-q1"})
    assert grouped.to_record()["group_id"] == "g-a-q1"
    entry = TimelineEntry("t1", "2024-05", "s", ("e",), (Evidence("a", 0, 1, "x"),), "on", 0.5)
    assert "story_id" not in entry.to_record() and not entry.has_story
    placed = TimelineEntry.from_record({**entry.to_record(), "story_id": None})
    assert placed.has_story and placed.to_record()["story_id"] is None
    assert entry.precision == "month"
    group = QuoteGroup("g", "w", None, ("q",), ("a", "b"), ("O",), None, 2, "s1")
    assert QuoteGroup.from_record(group.to_record()) == group
    entity = Entity("e", "E", "ORG", ("E",), (Role("t", None, "a"),), 3, ("a",), True, 1)
    assert Entity.from_record(entity.to_record()) == entity
    mention = Mention("a", 0, 1, "E", "ORG", "name", 0.9, "m", None)
    assert Mention.from_record(mention.to_record()) == mention


def _correct(path: Path, *fixes: tuple[str, str, str | None, str | None]) -> None:
    """Corrections made as the web application makes them (kind, entity, other, value)."""
    from storyline.link.corrections import correction
    from storyline.store.sqlite_app import SqliteAppStore

    with SqliteAppStore(path) as app:
        for kind, entity_id, other, value in fixes:
            app.add_correction(correction(kind, entity_id, other_id=other, value=value, who="t"))


def test_store_corpus_keeps_a_readers_entity_corrections(tmp_path: Path) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    store.close()
    _correct(
        tmp_path / "s.sqlite",
        ("rename", "e-donald-trump", None, "Donald J. Trump"),
        ("not_person", "e-keir-starmer", None, "ORG"),
    )
    with Store(tmp_path / "s.sqlite") as store:
        assert [c.kind for c in store.corrections()] == ["rename", "not_person"]
        corpus = assemble_corpus(store, build)
        by_id = {e.id: e for e in corpus.entities}
        assert by_id["e-donald-trump"].name == "Donald J. Trump"
        assert by_id["e-keir-starmer"].type == "ORG"
        assert {q.speaker for q in corpus.quotes} == {"Keir Starmer", "Donald J. Trump"}
        # The dict form leaves corrections to its caller (the web app applies its own).
        plain = {e["id"]: e for e in assemble(store, build)["entities"]}
        assert plain["e-donald-trump"]["name"] == "Donald Trump"
        store.put_corpus(build, corpus)
        assert dossier_from_store(store, build)["entities"] == [
            e.to_record() for e in corpus.entities
        ]


def test_store_corpus_mentions_follow_a_merged_entity(tmp_path: Path) -> None:
    store, build = _tiny_store(tmp_path / "s.sqlite")
    store.close()
    _correct(tmp_path / "s.sqlite", ("merge", "e-keir-starmer", "e-itv", None))
    with Store(tmp_path / "s.sqlite") as store:
        corpus = assemble_corpus(store, build)
    assert "e-itv" not in {e.id for e in corpus.entities}
    assert {m.entity_id for m in corpus.mentions if m.text == "ITV"} == {"e-keir-starmer"}


def test_store_put_corpus_keeps_the_last_finished_builds_results(tmp_path: Path) -> None:
    store, first = _tiny_store(tmp_path / "s.sqlite")
    with store:
        corpus = assemble_corpus(store, first)
        store.put_corpus(first, corpus)
        second = store.begin_build(["again"])
        store.put_corpus(second, corpus)
        # The running build's results beside the last finished one's (a server still reads it).
        assert store.has_corpus(first) and store.has_corpus(second)
        store.finish_build(second)
        third = store.begin_build(["more"])
        store.put_corpus(third, Corpus())
        assert not store.has_corpus(first)
        assert store.corpus(second) == corpus and store.has_corpus(third)


def test_store_dossier_from_store_names_a_failed_stories_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.link.story_sections as story_sections

    def broken(*_: object) -> list[dict[str, Any]]:
        raise RuntimeError("no stories today")

    store, build = _tiny_store(tmp_path / "s.sqlite")
    with store:
        store.put_corpus(build, Corpus.from_sections(assemble(store, build)))
        monkeypatch.setattr(story_sections, "story_section", broken)
        with pytest.raises(RuntimeError):
            dossier_from_store(store, build)
        errors: list[Any] = []
        dossier = dossier_from_store(store, build, errors=errors)
    assert dossier["stories"] == [] and dossier["entities"]
    [failure] = errors
    assert (failure.stage, failure.component) == ("corpus", "stories")
    assert dossier["errors"][-1]["component"] == "stories"


def test_store_corpus_keeps_a_score_that_is_no_number(tmp_path: Path) -> None:
    nan = float("nan")
    corpus = Corpus(
        quotes=(Quote("a-q1", "a", "w", 0, 1, None, None, None, None, "direct", nan, "m"),),
        timeline=(TimelineEntry("t", "2024", "s", (), (), "on", float("inf")),),
        mentions=(Mention("a", 0, 1, "A", "PERSON", "name", nan, "m", None),),
    )
    with Store(tmp_path / "s.sqlite") as store:
        build = store.begin_build([])
        store.put_corpus(build, corpus)
        back = store.corpus(build)
    # As the dossier writes them: a NaN is null, an infinity too.
    assert _normal(back.to_sections()) == _normal(corpus.to_sections())
    assert back.quotes[0].confidence != back.quotes[0].confidence  # NaN again
    assert back.mentions[0].text == "A"
