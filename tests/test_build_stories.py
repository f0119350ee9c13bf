"""Stories in the build: every current article in one story, stored between builds, in the
dossier's ``stories`` section with what belongs to each, and a failure costs only the section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyline.cli import main
from storyline.link.story_sections import keep_story_ids
from storyline.model import Story
from storyline.pipeline import build


def _dossier(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "dossier.json").read_text("utf-8"))
    return data


def test_build_stories_cover_every_article_once(tmp_path: Path, fixtures: Path) -> None:
    build([fixtures / "articles"], tmp_path / "out")
    dossier = _dossier(tmp_path / "out")
    stories = dossier["stories"]
    members = [a for s in stories for a in s["article_ids"]]
    assert sorted(members) == sorted(a["id"] for a in dossier["articles"])
    by_id = {s["id"]: s for s in stories}
    # The fuel-duty rewrite is in its original's story; the rail strike is a story of its own.
    fuel = next(s for s in stories if "planet_budget" in s["article_ids"])
    assert "courier_fuel" in fuel["article_ids"]
    assert any(s["article_ids"] == ["planet_rail"] for s in stories)
    for entry in dossier["timeline"]:
        story = by_id[entry["story_id"]]
        assert any(e["article_id"] in story["article_ids"] for e in entry["evidence"])
        assert entry["id"] in story["timeline_ids"]
    for group in dossier["quote_groups"]:
        assert group["id"] in by_id[group["story_id"]]["quote_group_ids"]
    people = {e["id"]: e for e in dossier["entities"]}
    for story in stories:
        for eid in story["entity_ids"]:
            assert set(people[eid]["article_ids"]) & set(story["article_ids"])


def test_build_stories_keep_their_ids_between_builds(tmp_path: Path, fixtures: Path) -> None:
    build([fixtures / "articles"], tmp_path / "out")
    first = {s["id"]: s["article_ids"] for s in _dossier(tmp_path / "out")["stories"]}
    build([fixtures / "articles"], tmp_path / "out")
    assert {s["id"]: s["article_ids"] for s in _dossier(tmp_path / "out")["stories"]} == first


def test_build_stories_failure_leaves_the_rest_of_the_dossier(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.link import stories

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(stories, "cluster_with_related", broken)
    report = build([fixtures / "articles"], tmp_path / "out")
    assert report.articles == 5
    dossier = _dossier(tmp_path / "out")
    assert dossier["stories"] == [] and dossier["timeline"] and dossier["entities"]
    assert [(e["stage"], e["component"]) for e in dossier["errors"]] == [("corpus", "stories")]


def _story(sid: str, *ids: str) -> Story:
    return Story(sid, ids, None, None, sid, 1.0, "online")


def _row(sid: str, *ids: str) -> Story:
    return Story(sid, ids, None, None, sid, 1.0, "online")


def test_stories_keep_ids_when_an_earlier_article_joins() -> None:
    rows = keep_story_ids(
        [_story("story-a0", "a0", "a1", "a2"), _story("story-b1", "b1")],
        [_row("story-a1", "a1", "a2"), _row("story-b1", "b1")],
    )
    assert [(r.id, r.article_ids) for r in rows] == [
        ("story-a1", ("a0", "a1", "a2")),
        ("story-b1", ("b1",)),
    ]


def test_stories_split_keeps_the_id_on_the_larger_part() -> None:
    rows = keep_story_ids(
        [_story("story-x", "x"), _story("story-y", "y", "z")],
        [_row("story-x", "x", "y", "z")],
    )
    assert {r.id: r.article_ids for r in rows} == {"story-x": ("y", "z"), "story-x'": ("x",)}


def test_cli_stories_lists_the_stories_of_a_store(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build([fixtures / "articles"], tmp_path / "out")
    capsys.readouterr()
    assert main(["stories", str(tmp_path / "out" / "storyline.sqlite"), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sum(r["size"] for r in lines) == 5 and all(r["title"] for r in lines)
    assert all(r["related_story_ids"] == [] for r in lines)


def test_build_stories_related_ids_reach_the_stored_corpus(tmp_path: Path, fixtures: Path) -> None:
    from dataclasses import replace

    from storyline.runners import LocalRunner
    from storyline.settings import DEFAULT
    from storyline.stages import BuildContext, CorpusStage
    from storyline.stages.stories import RELATED_RESULT
    from storyline.store import open_store

    build([fixtures / "articles"], tmp_path / "out")
    with open_store(tmp_path / "out" / "storyline.sqlite") as store:
        build_id = store.last_build()
        assert build_id is not None
        a, b = (s.id for s in store.stories(build_id)[:2])
        ctx = BuildContext(store, build_id, replace(DEFAULT, workers=1), LocalRunner())
        ctx.results[RELATED_RESULT] = {a: [b], b: [a]}
        CorpusStage().run(ctx)
        stories = {s["id"]: s for s in store.corpus(build_id).to_sections()["stories"]}
    assert stories[a]["related_story_ids"] == [b] and stories[b]["related_story_ids"] == [a]
