"""bench/dossier_diff.py: the dossier comparison the contract allows (added fields and list
order are not differences; everything else is, with its path)."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not installed

from bench.dossier_diff import compare, main

_OLD: dict[str, Any] = {
    "schema": "storyline.dossier/1",
    "entities": [
        {"id": "e-a", "name": "A", "aliases": ["A", "Mr A"], "roles": [{"title": "MP"}]},
        {"id": "e-b", "name": "B", "aliases": [], "roles": []},
    ],
    "duplicates": [{"article_ids": ["x", "y"], "kind": "near", "similarity": 0.9}],
    "errors": [],
}


def test_dossier_diff_ignores_key_order_list_order_and_added_fields() -> None:
    new = copy.deepcopy(_OLD)
    new["entities"].reverse()
    new["entities"][1]["aliases"] = ["Mr A", "A"]  # e-a, now second
    new["entities"][0]["quotes"] = 3  # a field only NEW has
    new["duplicates"][0] = {"similarity": 0.9, "kind": "near", "article_ids": ["x", "y"]}
    new["stories"] = []
    result = compare(_OLD, new)
    assert result.same, result.differences
    assert "$.entities: order differs" in result.reordered
    assert "$.stories" in result.added and "$.entities[e-b].quotes" in result.added
    assert "$.entities[e-a].aliases: order differs" in result.reordered
    assert not compare(_OLD, new, order=True).same


def test_dossier_diff_names_each_difference_by_its_path() -> None:
    new = copy.deepcopy(_OLD)
    new["entities"][0]["roles"][0]["title"] = "Minister"
    del new["entities"][1]["aliases"]
    new["duplicates"][0]["similarity"] = 0.5
    new["errors"].append({"source": "z", "error": "bad"})
    diffs = compare(_OLD, new).differences
    assert '$.entities[e-a].roles[0].title: "MP" -> "Minister"' in diffs
    assert "$.entities[e-b].aliases: missing in NEW (was [])" in diffs
    assert "$.duplicates[0].similarity: 0.9 -> 0.5" in diffs
    assert any(d.startswith("$.errors[0]: only in NEW") for d in diffs)
    assert len(diffs) == 4


def test_dossier_diff_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, same, other = tmp_path / "old.json", tmp_path / "same.json", tmp_path / "other.json"
    old.write_text(json.dumps(_OLD))
    same.write_text(json.dumps(_OLD))
    changed = copy.deepcopy(_OLD)
    changed["entities"][0]["name"] = "Z"
    other.write_text(json.dumps(changed))
    assert main([str(old), str(same)]) == 0
    assert main([str(old), str(other)]) == 1
    assert '$.entities[e-a].name: "A" -> "Z"' in capsys.readouterr().out
    assert main([str(old), str(tmp_path / "missing.json")]) == 2
