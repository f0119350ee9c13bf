"""Property tests for the readers and ``decode_bytes`` (issue 9): for any bytes, and for random
mutations of valid files, a reader yields only documents and failures (never an exception, never
the last-resort "could not be read" failure that stands for one), every string it hands on is
valid Unicode, and a damaged record costs only itself."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.errors import DecodeError
from storyline.ingest.decode import decode_bytes
from storyline.ingest.readers import read_file
from storyline.model import InputFailure, RawDocument
from storyline.settings import Settings
from test_readers import BODY, members, page, warc_bytes

pytestmark = pytest.mark.fuzz

Item = RawDocument | InputFailure

# Small limits keep every example fast; the code paths are the same.
SETTINGS = Settings(max_file_bytes=256 * 1024, max_record_chars=100_000)
SUFFIXES = [".txt", ".html", ".jsonl", ".warc", ".warc.gz", ".html.gz", ".jsonl.gz"]

# Pieces that hostile inputs are made of.
NASTY = [
    b"[" * 5000,
    b"{" * 3000,
    b"<div>" * 3000,
    b"9" * 6000,
    b"1e999",
    b'"\\ud800"',
    b"\\udc00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00",
    b"\r",
    b"\r\n",
    b"\x1f\x8b\x08",
    b"WARC/1.0\r\n",
    b"Content-Length: 99999999\r\n",
    b"\xed\xa0\x80",
    b"</script><script>alert(1)</script>",
]


def read(data: bytes, suffix: str) -> list[Item]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        found = list(read_file(path, SETTINGS))
    check(found)
    return found


def check(found: list[Item]) -> None:
    for item in found:
        assert isinstance(item, (RawDocument, InputFailure))
        strings = [item.source]
        if isinstance(item, RawDocument):
            assert item.text.strip()
            strings += [
                item.id,
                item.text,
                *item.notes,
                *(str(m.value) for m in item.meta.values()),
            ]
            assert "\x00" not in item.id
        else:
            # The reader's last resort: reaching it means an exception got through.
            assert not item.error.startswith("could not be read ("), item.error
            strings.append(item.error)
        for s in strings:
            s.encode("utf-8")


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` truncated, with bytes flipped, or with hostile pieces put in."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if kind == "flip" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            piece = draw(st.sampled_from(NASTY) | st.binary(max_size=32))
            out[at:at] = piece
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        else:
            del out[at:]
    return bytes(out)


def _jsonl_file() -> bytes:
    lines = [
        json.dumps({"id": f"r{i}", "text": f"Record {i}: {BODY}", "title": f"T{i}"})
        for i in range(4)
    ]
    lines.append(json.dumps({"id": "h", "html": page(9)}))
    return ("\n".join(lines) + "\n").encode()


VALID = {
    ".txt": f" date 2024-10-24\nThe headline\n\n{BODY}\n".encode(),
    ".html": page(1).encode(),
    ".jsonl": _jsonl_file(),
    ".warc": warc_bytes([(f"https://x.org/{i}", page(i)) for i in range(3)], gz=False),
    ".warc.gz": warc_bytes([(f"https://x.org/{i}", page(i)) for i in range(3)]),
    ".html.gz": gzip.compress(page(2).encode()),
    ".jsonl.gz": gzip.compress(_jsonl_file()),
}


@given(st.binary(max_size=4096))
def test_decode_bytes_any_bytes_gives_valid_text_or_decode_error(data: bytes) -> None:
    try:
        decoded = decode_bytes(data, "x.txt", SETTINGS)
    except DecodeError as exc:
        assert exc.source == "x.txt"
        return
    decoded.text.encode("utf-8")
    assert "\r" not in decoded.text and decoded.text.strip()


@given(st.sampled_from(SUFFIXES), st.binary(max_size=4096))
def test_readers_any_bytes_give_documents_or_failures(suffix: str, data: bytes) -> None:
    read(data, suffix)


@given(st.sampled_from(SUFFIXES), st.data())
def test_readers_mutated_valid_files_give_documents_or_failures(
    suffix: str, data: st.DataObject
) -> None:
    read(data.draw(mutated(VALID[suffix])), suffix)


@given(st.integers(0, 3), st.sampled_from(NASTY) | st.binary(max_size=200))
def test_readers_jsonl_one_damaged_line_costs_only_that_line(line: int, junk: bytes) -> None:
    lines = _jsonl_file().split(b"\n")
    lines[line] = junk.replace(b"\r", b" ").replace(b"\n", b" ")
    found = read(b"\n".join(lines), ".jsonl")
    ids = {d.id for d in found if isinstance(d, RawDocument)}
    assert {f"r{i}" for i in range(4) if i != line} | {"h"} <= ids


@given(st.integers(1, 3), st.data())
def test_readers_warc_gz_one_damaged_member_costs_only_that_record(
    member: int, data: st.DataObject
) -> None:
    whole = VALID[".warc.gz"]
    starts = members(whole)
    a, b = starts[member], [*starts, len(whole)][member + 1]
    damaged = data.draw(mutated(whole[a:b]))
    found = read(whole[:a] + damaged + whole[b:], ".warc.gz")
    kept = {d.source.rsplit("#", 1)[1] for d in found if isinstance(d, RawDocument)}
    assert {f"https://x.org/{i}" for i in range(3) if i != member - 1} <= kept


@given(st.integers(1, 3), st.data())
def test_readers_warc_one_damaged_record_costs_only_that_record(
    record: int, data: st.DataObject
) -> None:
    whole = VALID[".warc"]
    starts = [i for i in range(len(whole)) if whole.startswith(b"WARC/1.", i)]
    a, b = starts[record], [*starts, len(whole)][record + 1]
    damaged = data.draw(mutated(whole[a:b]))
    if b"WARC/1." in damaged.replace(b"WARC/1.", b"", 1) or not damaged.startswith(b"W"):
        # A mutation that forges a record header, or that glues the damage onto the record
        # before it, is a different case.
        damaged = b"WARC/1.0\r\n" + damaged.replace(b"WARC/1.", b"")
    found = read(whole[:a] + damaged + whole[b:], ".warc")
    kept = {d.source.rsplit("#", 1)[1] for d in found if isinstance(d, RawDocument)}
    assert {f"https://x.org/{i}" for i in range(3) if i != record - 1} <= kept


# Text made of the pieces the metadata patterns look for, so that examples reach them.
TEXTY = st.lists(
    st.sampled_from(["A", "b", "By ", "The ", "told ", "\n", "\t", " ", ".", ",", ":", "|", "’"])
    | st.sampled_from(["Monday ", "24 October 2024", "2024-10-24", "London24NEWS", "understands "])
    | st.text(max_size=5),
    max_size=120,
).map("".join)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(TEXTY)
def test_metadata_any_text_gives_spans_inside_it(text: str) -> None:
    from storyline.ingest.metadata import detect_metadata

    found = detect_metadata(text, {})
    for strip in found.strip:
        assert 0 <= strip.start <= strip.end <= len(text)
    for value in found.meta.values():
        if value.start is not None and value.end is not None:
            assert 0 <= value.start <= value.end <= len(text)


@given(JSONISH)
def test_normalise_date_any_value_is_a_date_or_none(value: object) -> None:
    from datetime import date

    from storyline.ingest.dates import normalise_date

    iso = normalise_date(value)
    assert iso is None or date.fromisoformat(iso).isoformat() == iso
