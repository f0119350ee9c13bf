from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from storyline.annotate import annotate_schema, run


def test_annotate_txt_and_jsonl_in_input_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        " date 2024-10-25 “No, he’s in the middle of a campaign,” Sir Keir Starmer told ITV on Friday.\n",
        "utf-8",
    )
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "x1", "text": "Mr Lammy spoke last week.", "published": "2024-07-02"})
        + "\n{broken\n",
        "utf-8",
    )
    out = io.StringIO()
    assert run([str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl")], None, out) == 0
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["id"] == "a" and first["published"] == "2024-10-25"
    text = first["text"]
    (quote,) = first["quotes"]
    assert (
        text[quote["start"] : quote["end"]]
        == quote["text"]
        == "No, he’s in the middle of a campaign,"
    )
    assert quote["speaker"] == "Keir Starmer"
    assert text[quote["speaker_span"]["start"] : quote["speaker_span"]["end"]] == "Sir Keir Starmer"
    assert quote["cue"]["text"] == "told ITV"
    assert any(
        m["text"] == "Sir Keir Starmer" and m["entity"] == "Keir Starmer" for m in first["mentions"]
    )
    for m in first["mentions"] + first["timexes"]:
        assert text[m["start"] : m["end"]] == m["text"]
    assert second["id"] == "x1"
    (week,) = second["timexes"]
    assert week["text"] == "last week" and week["value"] == "2024-W26"


def test_annotate_reports_bad_input_and_fails_when_nothing_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.txt"
    assert run([str(missing)], None, io.StringIO()) == 1
    assert f"{missing}: no such file or folder" in capsys.readouterr().err


def test_annotate_mentions_carry_the_entity_layer(tmp_path: Path) -> None:
    import jsonschema

    (tmp_path / "a.txt").write_text(
        "Sir Keir Starmer met Donald Trump in New York. Sir Keir said he was pleased, and the "
        "Prime Minister later told reporters that Mr Trump had been generous with his time.\n",
        "utf-8",
    )
    out = io.StringIO()
    assert run([str(tmp_path / "a.txt")], "2024-09-27", out) == 0
    (line,) = (json.loads(x) for x in out.getvalue().splitlines())
    jsonschema.validate(line, annotate_schema())
    by_text = {m["text"]: m for m in line["mentions"]}
    assert by_text["Sir Keir"]["entity"] == "Keir Starmer"
    assert by_text["he"]["entity"] == "Keir Starmer" and by_text["he"]["kind"] == "pronoun"
    assert by_text["Mr Trump"]["entity"] == "Donald Trump"
    assert by_text["his"]["entity"] == "Donald Trump"
    assert by_text["New York"]["label"] == "GPE"
