"""One story's dossier and report: only its articles, its own sections, corpus-wide entity ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyline.cli import main
from storyline.link.story_dossier import UnknownStoryError, _story_groups, write_story_outputs
from storyline.model import DuplicateGroup
from storyline.pipeline import build


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@pytest.fixture
def built(tmp_path: Path, fixtures: Path) -> Path:
    build([fixtures / "articles"], tmp_path / "out")
    return tmp_path / "out"


def test_stories_dossier_holds_only_the_storys_articles_and_sections(
    built: Path, tmp_path: Path
) -> None:
    whole = _load(built / "dossier.json")
    fuel = next(s for s in whole["stories"] if "planet_budget" in s["article_ids"])
    dossier_path, report_path = write_story_outputs(
        built / "storyline.sqlite", fuel["id"], tmp_path / "fuel"
    )
    one = _load(dossier_path)
    members = set(fuel["article_ids"])
    assert {a["id"] for a in one["articles"]} == members
    assert [s["id"] for s in one["stories"]] == [fuel["id"]]
    # Entities keep the build's ids; only those the story's articles mention, counted there.
    whole_ids = {e["id"] for e in whole["entities"]}
    assert one["entities"] and {e["id"] for e in one["entities"]} <= whole_ids
    for e in one["entities"]:
        assert set(e["article_ids"]) <= members
    assert all(q["article_id"] in members for q in one["quotes"])
    for entry in one["timeline"]:
        assert all(ev["article_id"] in members for ev in entry["evidence"])
        assert entry["story_id"] == fuel["id"]
    assert one["stories"][0]["timeline_ids"] == [t["id"] for t in one["timeline"]]
    html = report_path.read_text("utf-8")
    assert fuel["title"].split()[0] in html and "planet_rail" not in html


def test_stories_dossier_unknown_id_says_how_to_list_them(built: Path, tmp_path: Path) -> None:
    with pytest.raises(UnknownStoryError, match=r"storyline stories .*storyline\.sqlite"):
        write_story_outputs(built / "storyline.sqlite", "story-nope", tmp_path / "x")
    assert not (tmp_path / "x" / "dossier.json").exists()


def test_cli_story_and_build_story_write_one_storys_outputs(
    built: Path, tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rail = next(
        s for s in _load(built / "dossier.json")["stories"] if s["article_ids"] == ["planet_rail"]
    )
    assert (
        main(["story", str(built / "storyline.sqlite"), rail["id"], "--out", str(tmp_path / "r")])
        == 0
    )
    assert [a["id"] for a in _load(tmp_path / "r" / "dossier.json")["articles"]] == ["planet_rail"]
    assert (
        main(
            ["build", str(fixtures / "articles"), "--out", str(built), "-q", "--story", rail["id"]]
        )
        == 0
    )
    assert [a["id"] for a in _load(built / "dossier.json")["articles"]] == ["planet_rail"]
    capsys.readouterr()
    assert (
        main(["story", str(built / "storyline.sqlite"), "story-nope", "--out", str(tmp_path / "n")])
        == 1
    )
    assert "storyline stories" in capsys.readouterr().err


def test_stories_dossier_duplicate_groups_keep_the_part_inside_the_story() -> None:
    groups = [
        DuplicateGroup(("a", "b", "c"), "near", 0.9, "c"),
        DuplicateGroup(("d", "e"), "exact", 1.0, "d"),
        DuplicateGroup(("a", "x"), "near", 0.8, "x"),
    ]
    assert _story_groups(groups, {"a", "b", "d"}) == [DuplicateGroup(("a", "b"), "near", 0.9, "a")]


def test_stories_dossier_of_the_only_story_is_the_builds_dossier(
    tmp_path: Path, fixtures: Path
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("planet_budget.txt", "courier_fuel.txt"):
        (src / name).write_bytes((fixtures / "articles" / name).read_bytes())
    build([src], tmp_path / "out")
    whole = _load(tmp_path / "out" / "dossier.json")
    assert len(whole["stories"]) == 1
    dossier_path, _ = write_story_outputs(
        tmp_path / "out" / "storyline.sqlite", whole["stories"][0]["id"], tmp_path / "one"
    )
    one = _load(dossier_path)
    for key in ("articles", "entities", "quotes", "quote_groups", "timeline", "duplicates"):
        assert one[key] == whole[key], key
    assert one["stories"] == whole["stories"]
