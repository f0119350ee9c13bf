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


# --- issue 9: annotate reads inputs as the build does ----------------------------------------


def _lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_issue_9_annotate_jsonl_lines_starting_with_a_bom(tmp_path: Path) -> None:
    feed = tmp_path / "cat.jsonl"
    feed.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": "Mr Lammy spoke."}).encode() + b"\n"
        b"\xef\xbb\xbf" + json.dumps({"id": "b", "text": "Ms Reeves spoke."}).encode() + b"\n"
    )
    out = io.StringIO()
    assert run([str(feed)], None, out) == 0
    assert [line["id"] for line in _lines(out)] == ["a", "b"]


def test_issue_9_annotate_output_is_valid_utf8_for_odd_names_and_surrogates(
    tmp_path: Path,
) -> None:
    import os
    import subprocess
    import sys

    raw = os.fsencode(tmp_path) + b"/caf\xe9.jsonl"
    with open(raw, "wb") as fh:
        fh.write(b'{"text": "He said \\ud800 it on Monday."}\n{"text": 5}\n')
    txt = os.fsencode(tmp_path) + b"/n\xff.txt"
    with open(txt, "wb") as fh:
        fh.write(b"The mayor spoke on Friday.\n")
    proc = subprocess.run(
        [sys.executable, "-m", "storyline", "annotate", raw, txt],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["caf\\xe9-1", "n\\xff"]
    assert lines[0]["text"] == "He said \ufffd it on Monday."
    err = proc.stderr.decode("utf-8")
    assert f"{tmp_path}/caf\\xe9.jsonl:2: record has no" in err
    assert "Traceback" not in err


def test_issue_9_annotate_bad_inputs_are_named_and_the_rest_go_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"text": ' + "[" * 100_000 + "\n" + json.dumps({"text": "Ms Reeves spoke."}))
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><p>The council met on Tuesday and the mayor said the harbour "
        "bridge would reopen next spring after repairs to two of its supports.</p>"
        "</article></body></html>"
    )
    out = io.StringIO()
    assert run([str(empty), str(deep), str(tmp_path / "gone.txt"), str(page)], None, out) == 0
    assert [line["id"] for line in _lines(out)] == ["deep-2", "page"]
    err = capsys.readouterr().err
    assert f"{empty}: empty file" in err
    assert f"{deep}:1: JSON nested too deeply" in err
    assert f"{tmp_path / 'gone.txt'}: no such file or folder" in err


def test_annotate_same_file_named_twice_is_annotated_once(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("The mayor spoke on Friday.\n")
    out = io.StringIO()
    assert (
        run([str(a), str(tmp_path), str(tmp_path / ".." / tmp_path.name / "a.txt")], None, out) == 0
    )
    assert [line["id"] for line in _lines(out)] == ["a"]


def test_annotate_long_text_is_parsed_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.analyse.lang import nlp as nlp_module
    from storyline.annotate import annotate_text

    monkeypatch.setattr(nlp_module, "PIECE_CHARS", 300)
    monkeypatch.setattr(nlp_module, "WHOLE_CHARS", 300)

    def refuse(text: str) -> None:
        raise AssertionError("a text over WHOLE_CHARS must go through parse_text")

    text = " ".join(["“We will rebuild it,” the mayor said on Friday."] * 20)
    layers = annotate_text(text, "2024-10-25", refuse)
    assert len(layers["quotes"]) == 20
    for q in layers["quotes"]:
        assert text[q["start"] : q["end"]] == q["text"]


def test_annotate_nominal_mentions_validate(tmp_path: Path) -> None:
    import jsonschema

    (tmp_path / "b.txt").write_text(
        "Shell, the oil company, raised its dividend on Thursday. The company said profits rose "
        "sharply in the quarter.\n",
        "utf-8",
    )
    out = io.StringIO()
    assert run([str(tmp_path / "b.txt")], "2024-09-27", out) == 0
    (line,) = (json.loads(x) for x in out.getvalue().splitlines())
    jsonschema.validate(line, annotate_schema())
    kinds = {m["text"]: m["kind"] for m in line["mentions"]}
    assert "nominal" in kinds.values(), kinds
