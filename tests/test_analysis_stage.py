from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from storyline.link.corpus import group_quotes
from storyline.pipeline import build

A = (
    " date 2024-10-24 Minister rejects claims\n\n"
    "The minister rejected the claims on Thursday.\n\n"
    "“We have done nothing wrong and we will say so in court,” Jane Doe told reporters.\n\n"
    "Critics called the plan a “power grab”."
)
B = (
    " date 2024-10-25 Doe defiant over claims\n\n"
    "Jane Doe insisted she would fight the case.\n\n"
    "She said: “We have done nothing wrong and we will say so in court.”"
)


def _dossier(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "dossier.json").read_text("utf-8"))
    return data


def test_analysis_stage_quotes_reach_the_dossier_with_offsets(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(A, "utf-8")
    (src / "b.txt").write_text(B, "utf-8")
    build([src], tmp_path / "out")
    d = _dossier(tmp_path / "out")
    texts = {a["id"]: a["text"] for a in d["articles"]}
    quotes = [q for q in d["quotes"] if q["kind"] == "direct"]
    assert {q["article_id"] for q in quotes} == {"a", "b"}
    for q in d["quotes"]:
        assert texts[q["article_id"]][q["start"] : q["end"]] == q["text"]
    assert all(q["speaker"] and "Jane Doe" in q["speaker"] for q in quotes)
    # the scare quote is nobody's quote and stays out of the dossier
    assert not any(q["text"] == "power grab" and q["speaker"] for q in d["quotes"])
    # one quote carried by two articles: said once, reported twice, first on the earlier date
    (group,) = d["quote_groups"]
    assert group["article_ids"] == ["a", "b"] and group["first_reported"] == "2024-10-24"
    assert {q["group_id"] for q in quotes} == {group["id"]}


def test_analysis_stage_is_incremental(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(A, "utf-8")
    out = tmp_path / "out"
    build([src], out)
    db = sqlite3.connect(out / "storyline.sqlite")
    db.execute("UPDATE layers SET data='[]' WHERE layer='quotes'")
    db.commit()
    db.close()
    (src / "b.txt").write_text(B, "utf-8")
    build([src], out)
    d = _dossier(out)
    # a was not parsed again (its tampered layer stands); b was
    assert {q["article_id"] for q in d["quotes"]} == {"b"}


def test_analysis_stage_group_quotes_needs_same_words_and_speaker() -> None:
    arts = {
        "x": {"published": "2024-01-02", "outlet": "X", "duplicate_of": None},
        "y": {"published": "2024-01-01", "outlet": "Y", "duplicate_of": None},
        "z": {"published": None, "outlet": None, "duplicate_of": "y"},
    }

    def q(i: str, art: str, text: str, who: str | None) -> dict[str, Any]:
        return {"id": i, "article_id": art, "text": text, "speaker": who, "speaker_entity_id": who}

    quotes = [
        q("1", "x", "we will work with whoever wins the election", "e1"),
        q("2", "y", "We will work with whoever wins the election,", "e1"),
        q("3", "z", "we will work with whoever wins the election", "e2"),
        q("4", "z", "an entirely different remark about the weather", "e1"),
    ]
    (group,) = group_quotes(quotes, arts)
    assert group["quote_ids"] == ["1", "2"] and group["first_reported"] == "2024-01-01"
    assert "group_id" not in quotes[2]


def test_analysis_stage_caption_people_are_entities_appeal_names_are_not(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(
        " date 2024-10-24 Minister rejects claims\n\n"
        "Jane Doe rejected the claims on Thursday, and her party backed her.\n\n"
        "Labour MP Mike Tapp at the conference in August - PA\n\n"
        "The party said it would publish the letters next week.\n\n"
        "Your support helps us to tell the story. Elon Musk will not stop us: donate today.",
        "utf-8",
    )
    build([src], tmp_path / "out")
    d = _dossier(tmp_path / "out")
    (art,) = d["articles"]
    assert "Mike Tapp" not in art["text"]  # the caption left the body ...
    people = {e["name"]: e for e in d["entities"] if e["type"] == "PERSON"}
    assert "Mike Tapp" in people  # ... but not the story
    assert [r["title"] for r in people["Mike Tapp"]["roles"]] == ["Labour MP"]
    assert "Elon Musk" not in people


def test_analysis_stage_timeline_summary_names_its_subject_pronoun(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(
        " date 2024-07-02 Lammy and Trump\n\n"
        "David Lammy has criticised Donald Trump for years. In 2018, he wrote an article "
        "attacking the Republican, and he has since softened his tone.",
        "utf-8",
    )
    build([src], tmp_path / "out")
    d = _dossier(tmp_path / "out")
    (entry,) = [t for t in d["timeline"] if t["date"] == "2018"]
    assert entry["summary"].startswith("In 2018, David Lammy wrote an article")
    (ev,) = entry["evidence"]
    assert ev["text"].startswith("In 2018, he wrote")  # the evidence stays verbatim


def test_analysis_stage_timeline_summary_keeps_a_doubtful_pronoun(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(
        " date 2024-07-02 Lammy and Trump\n\n"
        "David Lammy has been in talks with Donald Trump's campaign for weeks. In 2018, he "
        "called the former president a “sociopath”, and he has since softened his tone.",
        "utf-8",
    )
    build([src], tmp_path / "out")
    (entry,) = [t for t in _dossier(tmp_path / "out")["timeline"] if t["date"] == "2018"]
    assert entry["summary"].startswith("In 2018, he called")


def test_issue_9_quote_groups_of_thousands_of_quotes_in_linear_time() -> None:
    # 5,000 quotes of one article sharing four words were compared pairwise (12 million
    # pairs); quotes of one article are never grouped, so they are not compared at all now.
    import time

    from storyline.link.corpus import group_quotes

    def quote(n: int, aid: str) -> dict[str, object]:
        return {
            "id": f"{aid}-q{n}",
            "article_id": aid,
            "text": f"we will build the wall number {n}",
            "speaker_entity_id": None,
            "speaker": None,
        }

    quotes = [quote(n, "a") for n in range(5000)] + [quote(7, "b")]
    articles = {
        aid: {"published": "2024-01-01", "outlet": None, "duplicate_of": None} for aid in "ab"
    }
    started = time.perf_counter()
    groups = group_quotes(quotes, articles)
    assert time.perf_counter() - started < 3.0
    assert [g["quote_ids"] for g in groups if "b-q7" in g["quote_ids"]]


def test_analysis_stage_stores_the_lead_embedding_that_clustering_reads(
    tmp_path: Path, monkeypatch: Any
) -> None:
    import numpy as np
    import pytest

    from storyline.analyse.lang import embeddings
    from storyline.stages import stories

    if not embeddings.available():
        pytest.skip("the sentence-embedding model is not installed")
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(A, "utf-8")
    (src / "b.txt").write_text(B, "utf-8")
    out = tmp_path / "out"
    build([src], out)
    db = sqlite3.connect(out / "storyline.sqlite")
    stored = dict(db.execute("SELECT article_id, data FROM layers WHERE layer='embedding'"))
    db.close()
    assert set(stored) == {"a", "b"}
    vectors = {k: embeddings.decode(json.loads(v)) for k, v in stored.items()}
    for v in vectors.values():
        assert v.shape == (embeddings.DIM,) and abs(float(np.linalg.norm(v)) - 1.0) < 1e-2

    # The stories stage reads them: nobody embeds again.
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("embedded again")

    monkeypatch.setattr(embeddings, "embed", refuse)
    monkeypatch.setattr(stories, "embed_leads", refuse)
    from storyline.settings import DEFAULT
    from storyline.store import open_store

    store = open_store(out / "storyline.sqlite")
    try:
        build_id = store.last_build()
        assert build_id is not None
        inputs = stories.story_inputs(store, build_id, DEFAULT)
    finally:
        store.close()
    assert {a.id for a in inputs} == {"a", "b"}
    for a in inputs:
        assert a.embedding is not None
        assert np.allclose(a.embedding, vectors[a.id])
