"""Input identity: every file once whatever names it, and any byte sequence a valid name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storyline.ingest.discover import InputFile, discover, discover_inputs, display_name
from storyline.model import InputFailure


def _files(items: list[InputFile | InputFailure]) -> list[InputFile]:
    return [i for i in items if isinstance(i, InputFile)]


def _failures(items: list[InputFile | InputFailure]) -> list[InputFailure]:
    return [i for i in items if isinstance(i, InputFailure)]


def _valid(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_issue_9_discover_same_file_named_twice_is_one_input(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("x")
    got = list(discover_inputs([str(a), str(a)]))
    assert got == [InputFile(a, str(a), os.path.realpath(a))]


def test_issue_9_discover_relative_absolute_and_dotdot_spellings_are_one_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    spellings = ["a/x.txt", str(tmp_path / "a" / "x.txt"), "a/../a/x.txt", "./a//x.txt", "a"]
    got = list(discover_inputs(spellings))
    assert [(f.source, f.path) for f in _files(got)] == [("a/x.txt", Path("a/x.txt"))]
    (first,) = _files(list(discover_inputs(["./a//x.txt"])))
    assert first.source == "a/x.txt"  # pathlib's spelling, as discover() always gave
    assert got[0].key == str(tmp_path / "a" / "x.txt")  # type: ignore[union-attr]


def test_issue_9_discover_symlink_and_hard_link_are_the_file_they_name(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("x")
    (tmp_path / "link.txt").symlink_to(real)
    os.link(real, tmp_path / "hard.txt")
    got = _files(list(discover_inputs([tmp_path / "link.txt", tmp_path, tmp_path / "hard.txt"])))
    assert [f.source for f in got] == [str(tmp_path / "link.txt")]
    assert got[0].key == str(real)


def test_issue_9_discover_undecodable_file_name_is_valid_unicode(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9 \xff.txt"
    with open(raw, "wb") as fh:
        fh.write(b"text")
    (item,) = list(discover_inputs([raw]))
    assert isinstance(item, InputFile)
    assert item.source == f"{tmp_path}/caf\\xe9 \\xff.txt"
    assert _valid(item.source) and _valid(item.key)
    assert item.path.read_bytes() == b"text"  # the path still opens the file
    (walked,) = list(discover_inputs([tmp_path]))
    assert walked == item
    # The same name given as a str (as sys.argv carries it) is the same input.
    assert list(discover_inputs([os.fsdecode(raw), raw])) == [item]


def test_discover_display_name_escapes_only_what_is_not_utf8() -> None:
    assert display_name("plain/é.txt") == "plain/é.txt"
    assert display_name(b"a\xffb") == "a\\xffb"
    assert display_name("a\udcffb") == "a\\xffb"
    assert display_name("a\ud800b") == "a\\ud800b"  # not an escaped byte: shown as code point


def test_issue_9_discover_special_files_in_a_folder_are_skipped(tmp_path: Path) -> None:
    good = tmp_path / "b.txt"
    good.write_text("x")
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "dangling.html").symlink_to(tmp_path / "gone.html")
    got = list(discover_inputs([tmp_path]))
    assert [f.source for f in _files(got)] == [str(good)]
    errors = {f.source: f.error for f in _failures(got)}
    assert set(errors) == {str(tmp_path / "loop.txt"), str(tmp_path / "dangling.html")}
    assert "symbolic links" in errors[str(tmp_path / "loop.txt")].lower()


def test_issue_9_discover_special_files_named_explicitly_are_errors(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    got = list(discover_inputs([tmp_path / "fifo.txt", "/dev/null", tmp_path / "loop.txt"]))
    assert [(f.source, f.error) for f in _failures(got)] == [
        (str(tmp_path / "fifo.txt"), "not a regular file or folder"),
        ("/dev/null", "not a regular file or folder"),
        (str(tmp_path / "loop.txt"), "broken symbolic link: Too many levels of symbolic links"),
    ]


def test_issue_9_discover_folder_symlink_loops_end(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "a.txt").write_text("x")
    (corpus / "sub" / "up").symlink_to(corpus)
    (corpus / "self").symlink_to(corpus / "self")
    got = list(discover_inputs([corpus, corpus / "sub" / "up"]))
    assert [f.source for f in _files(got)] == [str(corpus / "sub" / "a.txt")]


def test_issue_9_discover_folder_named_like_a_file_is_walked(tmp_path: Path) -> None:
    odd = tmp_path / "x.txt"
    odd.mkdir()
    (odd / "y.txt").write_text("x")
    assert [f.source for f in _files(list(discover_inputs([odd])))] == [str(odd / "y.txt")]


def test_issue_9_discover_missing_input_named_twice_is_reported_once(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    assert list(discover_inputs([missing, missing])) == [
        InputFailure(str(missing), "no such file or folder")
    ]


def test_discover_order_is_input_order_then_names(tmp_path: Path) -> None:
    for name in ("b.txt", "a.jsonl", "c/z.html", "c/a.warc.gz", "README.md", ".hidden.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "late.txt").write_text("x")
    got = [f.source for f in _files(list(discover_inputs([tmp_path / "late.txt", tmp_path])))]
    expected = ["late.txt", "a.jsonl", "b.txt", "c/a.warc.gz", "c/z.html"]
    assert got == [str(tmp_path / n) for n in expected]


def test_discover_old_interface_still_yields_paths(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    assert list(discover([tmp_path])) == [tmp_path / "a.txt"]
