"""The readers on hostile input (issue 9): every reader yields documents and failures, one bad
record costs only itself, every text, id and source handed on is valid Unicode, and the
pathological cases (gzip bomb, deep nesting, huge numbers) stay bounded.

Everything is built in ``tmp_path`` and read with :func:`read_file` directly (no build)."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import threading
import time
import zlib
from pathlib import Path

import pytest

from storyline.ingest.decode import decode_bytes
from storyline.ingest.discover import InputFile, discover_inputs
from storyline.ingest.readers import read_file
from storyline.model import InputFailure, RawDocument
from storyline.settings import Settings

Item = RawDocument | InputFailure

BODY = (
    "The council voted on Tuesday to reopen the harbour bridge, the mayor said after the meeting. "
    "Engineers had closed it in March after finding cracks in two of its supports."
)


def page(n: int, words: str = BODY) -> str:
    return (
        f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
        + "".join(f"<p>Paragraph {n}.{i}: {words}</p>" for i in range(4))
        + "</article></body></html>"
    )


def warc_bytes(pages: list[tuple[str, str]], *, gz: bool = True, info: bool = True) -> bytes:
    """A WARC of a warcinfo record and one HTML response record per (url, html) page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    if info:
        writer.write_record(writer.create_warcinfo_record("t.warc", {"software": "tests"}))
    for url, html in pages:
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=http
        )
        writer.write_record(record)
    return buf.getvalue()


def items(path: Path, settings: Settings | None = None, **kw: str) -> list[Item]:
    return list(read_file(path, settings or Settings(), **kw))  # type: ignore[arg-type]


def docs(found: list[Item]) -> list[RawDocument]:
    return [i for i in found if isinstance(i, RawDocument)]


def failures(found: list[Item]) -> dict[str, str]:
    return {i.source: i.error for i in found if isinstance(i, InputFailure)}


def assert_valid(found: list[Item]) -> None:
    """Every string a reader hands on encodes to UTF-8."""
    for item in found:
        strings = [item.source]
        if isinstance(item, RawDocument):
            strings += [item.id, item.text, *item.notes]
            strings += [str(m.value) for m in item.meta.values()]
        else:
            strings.append(item.error)
        for s in strings:
            s.encode("utf-8")


def jsonl(path: Path, lines: list[str | bytes], end: bytes = b"\n") -> Path:
    path.write_bytes(end.join(x.encode() if isinstance(x, str) else x for x in lines) + end)
    return path


def rec(rid: object, text: object = BODY, **more: object) -> str:
    return json.dumps({"id": rid, "text": text, **more})


# --- JSONL: one bad record costs only itself --------------------------------------------------


def test_issue_9_jsonl_lone_surrogate_is_replaced_and_noted(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "s.jsonl",
        [
            '{"id": "s\\ud800", "text": "He said \\udc00 it.", "title": "T\\udfff"}',
            rec("ok"),
        ],
    )
    found = items(path)
    assert_valid(found)
    first, second = docs(found)
    assert first.text == "He said \ufffd it." and "surrogates-replaced" in first.notes
    assert first.id == "s\ufffd" and first.meta["title"].value == "T\ufffd"
    assert second.id == "ok"


def test_issue_9_jsonl_deeply_nested_record_costs_only_that_record(tmp_path: Path) -> None:
    deep = '{"id": "deep", "text": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    objs = '{"id": "objs", "text": "x", "e": ' + '{"a":' * 50_000 + "1" + "}" * 50_000 + "}"
    path = jsonl(tmp_path / "d.jsonl", [rec("a"), deep, objs, rec("b")])
    t0 = time.perf_counter()
    found = items(path)
    took = time.perf_counter() - t0
    assert [d.id for d in docs(found)] == ["a", "b"]
    errs = failures(found)
    assert errs == {
        f"{path}:2": "JSON nested too deeply (over 200 levels)",
        f"{path}:3": "JSON nested too deeply (over 200 levels)",
    }
    assert took < 2.0


def test_jsonl_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    text = "[" * 5000 + " see the " + "{" * 300
    path = jsonl(tmp_path / "b.jsonl", [rec("a", text)])
    (doc,) = docs(items(path))
    assert doc.text == text


def test_issue_9_jsonl_huge_numbers_keep_the_record(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "n.jsonl",
        [
            '{"id": "big", "text": "' + BODY + '", "views": ' + "9" * 10_000 + "}",
            '{"id": ' + "7" * 10_000 + ', "text": "' + BODY + '"}',
            '{"id": "inf", "text": "' + BODY + '", "published": 1e999}',
            '{"id": "nan", "text": "' + BODY + '", "published": NaN, "n": -Infinity}',
        ],
    )
    found = items(path)
    assert_valid(found)
    got = docs(found)
    assert [d.id for d in got] == ["big", "n-2", "inf", "nan"]
    assert "id-ignored: a number" in got[1].notes
    assert any("unreadable published date inf" in n for n in got[2].notes)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 12),
        ("id", {"a": 1}),
        ("id", ["x"]),
        ("id", None),
        ("id", True),
        ("title", 1984),
        ("title", {"t": 1}),
        ("title", None),
        ("published", {"d": 1}),
        ("published", ["2024-01-01"]),
        ("published", None),
        ("published", True),
        ("published", "x" * 10_000),
        ("url", 5),
        ("url", "http://[::1"),
    ],
)
def test_issue_9_jsonl_fields_of_the_wrong_type_keep_the_article(
    tmp_path: Path, field: str, value: object
) -> None:
    path = jsonl(tmp_path / "f.jsonl", [json.dumps({"id": "r", "text": BODY, field: value})])
    found = items(path)
    assert_valid(found)
    (doc,) = docs(found)
    assert doc.text == BODY
    assert doc.id == ("12" if value == 12 else "r" if field != "id" else "f-1")
    for note in doc.notes:
        assert len(note) < 200


def test_issue_9_jsonl_text_of_the_wrong_type(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "t.jsonl",
        [
            json.dumps({"id": "paras", "text": ["First paragraph.", "Second one."]}),
            json.dumps({"id": "num", "text": 42}),
            json.dumps({"id": "obj", "text": {"body": "x"}}),
            json.dumps({"id": "nums", "text": [1, 2]}),
            json.dumps({"id": "null", "text": None}),
        ],
    )
    found = items(path)
    (doc,) = docs(found)
    assert doc.text == "First paragraph.\n\nSecond one."
    errs = failures(found)
    assert (
        errs[f"{path}:2"]
        == 'record has no "text" or "html" field with content ("text" is a number)'
    )
    assert '"text" is an object' in errs[f"{path}:3"]
    assert '"text" is a list' in errs[f"{path}:4"]
    assert errs[f"{path}:5"] == 'record has no "text" or "html" field with content'


def test_issue_9_jsonl_odd_ids_are_safe_names(tmp_path: Path) -> None:
    odd = ["", "   ", "../../etc/passwd", "a/b", "nul\x00byte", "<script>x</script>", "é" * 10_000]
    path = jsonl(tmp_path / "ids.jsonl", [rec(i) for i in odd])
    found = items(path)
    assert_valid(found)
    got = [d.id for d in docs(found)]
    assert got[:6] == [
        "ids-1",
        "ids-2",
        "../../etc/passwd",
        "a/b",
        "nul byte",
        "<script>x</script>",
    ]
    assert len(got[6]) == 200 and got[6].startswith("é" * 100)
    for i in got:
        assert not any(ord(c) < 32 for c in i)


def test_jsonl_duplicate_ids_are_all_read(tmp_path: Path) -> None:
    # The build gives the second one its own id; the reader must not drop either.
    path = jsonl(tmp_path / "dup.jsonl", [rec("same", BODY), rec("same", BODY + " More.")])
    assert [d.id for d in docs(items(path))] == ["same", "same"]


def test_issue_9_jsonl_record_with_text_and_html_keeps_the_text(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "th.jsonl", [rec("r", BODY, html=page(1))])
    (doc,) = docs(items(path))
    assert doc.text == BODY and "html-ignored" in doc.notes


@pytest.mark.parametrize("end", [b"\r", b"\r\n", b"\n", b"\n\r"])
def test_issue_9_jsonl_any_line_ends(tmp_path: Path, end: bytes) -> None:
    path = jsonl(tmp_path / "cr.jsonl", [rec("a"), rec("b"), rec("c")], end=end)
    found = items(path)
    assert [d.id for d in docs(found)] == ["a", "b", "c"]
    assert failures(found) == {}


def test_jsonl_line_ends_split_across_read_chunks(tmp_path: Path) -> None:
    # A CR that ends one 1 MiB read and the LF that begins the next are one line end.
    first = rec("a", "x" * ((1 << 20) - 30))
    pad = (1 << 20) - 1 - len(first)
    line = first[:-2] + " " * pad + first[-2:]
    path = jsonl(tmp_path / "chunk.jsonl", [line, rec("b")], end=b"\r\n")
    assert (path.read_bytes()[(1 << 20) - 1 : (1 << 20) + 1]) == b"\r\n"
    found = items(path)
    assert [d.id for d in docs(found)] == ["a", "b"]
    assert [d.source for d in docs(found)] == [f"{path}:1", f"{path}:2"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_issue_9_jsonl_utf16_and_bom_files(tmp_path: Path, codec: str) -> None:
    text = "\n".join([rec("a", "Zoë said “yes”."), rec("b")]) + "\n"
    path = tmp_path / "wide.jsonl"
    path.write_bytes(text.encode(codec))
    found = items(path)
    assert [d.id for d in docs(found)] == ["a", "b"]
    assert docs(found)[0].text == "Zoë said “yes”."


def test_issue_9_jsonl_bom_at_the_start_of_any_line(tmp_path: Path) -> None:
    bom = codecs.BOM_UTF8
    path = jsonl(tmp_path / "cat.jsonl", [bom + rec("a").encode(), bom + rec("b").encode()])
    assert [d.id for d in docs(items(path))] == ["a", "b"]


def test_issue_9_jsonl_invalid_utf8_in_a_line_keeps_the_record(tmp_path: Path) -> None:
    bad = rec("a", "caf__ ok").encode().replace(b"__", b"\xff\xed\xa0\x80")
    path = jsonl(tmp_path / "u.jsonl", [bad, rec("b")])
    found = items(path)
    assert_valid(found)
    first, _ = docs(found)
    assert first.text.startswith("caf\ufffd") and "ok" in first.text
    assert any(n.startswith("warning: invalid UTF-8") for n in first.notes)


def test_issue_9_jsonl_overlong_line_is_refused_without_being_held(tmp_path: Path) -> None:
    settings = Settings(max_file_bytes=1000)
    path = jsonl(tmp_path / "long.jsonl", [rec("a", "x" * 5000), rec("b"), "z" * 3000])
    found = items(path, settings)
    assert [d.id for d in docs(found)] == ["b"]
    assert set(failures(found)) == {f"{path}:1", f"{path}:3"}
    assert "record too large" in failures(found)[f"{path}:1"]


def test_issue_9_jsonl_gz_cut_short_keeps_the_records_before(tmp_path: Path) -> None:
    data = gzip.compress(("\n".join(rec(f"r{i}", BODY * 20) for i in range(50)) + "\n").encode())
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    found = items(path)
    got = docs(found)
    assert 0 < len(got) < 50 and got[0].id == "r0"
    assert "truncated or corrupt gzip" in failures(found)[str(path)]


# --- WARC: one bad record costs only itself ---------------------------------------------------


def members(data: bytes) -> list[int]:
    """Start offsets of the gzip members of a .warc.gz."""
    starts, pos = [], 0
    while pos < len(data):
        starts.append(pos)
        d = zlib.decompressobj(wbits=31)
        d.decompress(data[pos:])
        pos = len(data) - len(d.unused_data)
    return starts


def test_issue_9_warc_gz_corrupt_member_in_the_middle_costs_that_record(tmp_path: Path) -> None:
    urls = [f"https://news.example.org/{i}" for i in range(4)]
    data = bytearray(warc_bytes([(u, page(i)) for i, u in enumerate(urls)]))
    starts = members(bytes(data))
    assert len(starts) == 5  # warcinfo + 4 responses
    mid = starts[2] + (starts[3] - starts[2]) // 2
    data[mid : mid + 40] = b"\x00" * 40
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(bytes(data))
    found = items(path)
    assert [d.source for d in docs(found)] == [f"{path}#{u}" for u in (urls[0], urls[2], urls[3])]
    (err,) = failures(found).items()
    assert err[0] == f"{path}#offset={starts[2]}" and "corrupt" in err[1]


def test_issue_9_warc_gz_garbage_betweenmembers(tmp_path: Path) -> None:
    urls = [f"https://news.example.org/{i}" for i in range(3)]
    data = warc_bytes([(u, page(i)) for i, u in enumerate(urls)])
    starts = members(data)
    junk = data[: starts[2]] + b"JUNK" * 100 + data[starts[2] :]
    path = tmp_path / "j.warc.gz"
    path.write_bytes(junk)
    found = items(path)
    assert [d.source for d in docs(found)] == [f"{path}#{u}" for u in urls]
    assert len(failures(found)) == 1


@pytest.mark.parametrize("delta", [-40, -1, 1, 300, 10**6])
def test_issue_9_warc_bad_content_length_costs_that_record(tmp_path: Path, delta: int) -> None:
    urls = [f"https://news.example.org/{i}" for i in range(3)]
    data = warc_bytes([(u, page(i)) for i, u in enumerate(urls)], gz=False)
    # The second response record's Content-Length, made wrong.
    at = data.index(b"WARC-Target-URI: " + urls[1].encode())
    cl = data.index(b"Content-Length: ", at)
    eol = data.index(b"\r\n", cl)
    length = int(data[cl + 16 : eol])
    bad = data[:cl] + b"Content-Length: %d" % (length + delta) + data[eol:]
    path = tmp_path / "cl.warc"
    path.write_bytes(bad)
    found = items(path)
    assert [d.source for d in docs(found)] == [f"{path}#{urls[0]}", f"{path}#{urls[2]}"]
    errs = failures(found)
    assert (
        list(errs) == [f"{path}#{urls[1]}"]
        and "content-length" in errs[f"{path}#{urls[1]}"].lower()
    )


def test_issue_9_warc_without_html_records_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "info.warc.gz"
    path.write_bytes(warc_bytes([]))
    assert failures(items(path)) == {str(path): "no HTML response records in WARC"}


def test_issue_9_warc_gz_member_that_inflates_without_end(tmp_path: Path) -> None:
    urls = [f"https://news.example.org/{i}" for i in range(2)]
    data = warc_bytes([(u, page(i)) for i, u in enumerate(urls)])
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = co.compress(b"WARC/1.0\r\nWARC-Type: response\r\n") + co.compress(b" " * 50_000_000)
    bomb += co.flush()
    starts = members(data)
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(data[: starts[2]] + bomb + data[starts[2] :])
    t0 = time.perf_counter()
    found = items(path, Settings(max_file_bytes=1 << 20))
    assert time.perf_counter() - t0 < 3.0
    assert [d.source for d in docs(found)] == [f"{path}#{u}" for u in urls]
    assert "inflates beyond" in next(iter(failures(found).values()))


@pytest.mark.parametrize("name", ["e.warc", "e.warc.gz", "e.jsonl", "e.txt", "e.html"])
def test_issue_9_zero_byte_file_is_one_failure(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    found = items(path)
    assert len(found) == 1 and isinstance(found[0], InputFailure)
    assert found[0].source == str(path)


# --- txt and HTML ---------------------------------------------------------------------------


def _gzip_bomb(prefix: bytes, inflated: int) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [co.compress(prefix)]
    block = b" " * (1 << 20)
    for _ in range(inflated >> 20):
        parts.append(co.compress(block))
    return b"".join(parts) + co.flush()


@pytest.mark.parametrize("name", ["bomb.html", "bomb.html.gz", "bomb.txt.gz"])
def test_issue_9_gzip_bomb_is_refused_at_the_size_limit(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_gzip_bomb(page(1).encode(), 1 << 30))  # 1 GiB inflated, 1 MB on disk
    t0 = time.perf_counter()
    found = items(path)
    took = time.perf_counter() - t0
    assert failures(found) == {
        str(path): "gzip-compressed file inflates beyond the 50.0 MiB limit; refused"
    }
    assert took < 2.0


def test_gzip_compressed_page_within_the_limit_is_read(tmp_path: Path) -> None:
    for name in ("p.html.gz", "p.html"):
        path = tmp_path / name
        path.write_bytes(gzip.compress(page(3).encode()))
        (doc,) = docs(items(path))
        assert doc.id == "p" and "Paragraph 3.0" in doc.text and "gzip" in doc.notes
        assert doc.raw == path.read_bytes()


def test_issue_9_100000_nested_html_elements_are_read(tmp_path: Path) -> None:
    for tag in ("div", "span", "b"):
        path = tmp_path / f"nested-{tag}.html"
        inner = f"<{tag}>" * 100_000 + f"<p>{BODY}</p>" + f"</{tag}>" * 100_000
        path.write_text(f"<html><body><article>{inner}<p>After: {BODY}</p></article></body></html>")
        t0 = time.perf_counter()
        (doc,) = docs(items(path))
        assert time.perf_counter() - t0 < 5.0
        assert "html-flattened" in doc.notes
        assert doc.text.count("The council voted") == 2, doc.text


def test_html_nesting_within_the_parser_limit_is_not_flattened(tmp_path: Path) -> None:
    path = tmp_path / "ok.html"
    path.write_text("<html><body>" + "<div>" * 100 + f"<p>{BODY}</p>" + "</div>" * 100)
    (doc,) = docs(items(path))
    assert "html-flattened" not in doc.notes and BODY in doc.text


# --- file names, special files ----------------------------------------------------------------


def test_issue_9_undecodable_file_name_gives_valid_sources_and_ids(tmp_path: Path) -> None:
    base = os.fsencode(tmp_path)
    for suffix in (b".txt", b".jsonl", b".warc.gz"):
        raw = base + b"/n\xff\xfe" + suffix
        with open(raw, "wb") as fh:
            if suffix == b".txt":
                fh.write(BODY.encode())
            elif suffix == b".jsonl":
                fh.write(rec(None).encode() + b"\n")
            else:
                fh.write(warc_bytes([("https://x.org/1", page(1))]))
    inputs = [i for i in discover_inputs([tmp_path]) if isinstance(i, InputFile)]
    assert len(inputs) == 3
    for item in inputs:
        found = list(read_file(item))
        assert_valid(found)
        (doc,) = docs(found)
        assert doc.source.startswith(f"{tmp_path}/n\\xff\\xfe")
        assert doc.id.startswith("n\\xff\\xfe")
    # Without an InputFile, the path itself is made valid.
    raw_txt = Path(os.fsdecode(base + b"/n\xff\xfe.txt"))
    (doc,) = docs(items(raw_txt))
    assert doc.source == f"{tmp_path}/n\\xff\\xfe.txt"
    (named,) = docs(items(raw_txt, source="given name"))
    assert named.source == "given name"


def test_issue_9_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result: list[list[Item]] = []
    reader = threading.Thread(target=lambda: result.append(items(fifo)), daemon=True)
    reader.start()
    reader.join(5)
    if not result:  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert failures(result[0]) == {str(fifo): "not a regular file"}


def test_issue_9_unreadable_file_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, for whom chmod 000 changes nothing: the refusal is simulated.
    paths = [tmp_path / n for n in ("a.txt", "a.jsonl", "a.warc")]
    for p in paths:
        p.write_text("x")
    real_open = os.open

    def deny(path: object, *args: object, **kwargs: object) -> int:
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    for p in paths:
        assert failures(items(p)) == {str(p): "cannot read: Permission denied"}


# --- decode ---------------------------------------------------------------------------------


def test_issue_9_utf16_text_with_a_lone_surrogate_is_kept_with_a_warning() -> None:
    data = codecs.BOM_UTF16_LE + "Zoë said yes. ".encode("utf-16-le") * 20
    data += b"\x00\xd8" + " The end.".encode("utf-16-le")
    decoded = decode_bytes(data, "x.txt")
    assert decoded.text.endswith("\ufffd The end.")
    assert decoded.warning is not None and "1 character(s) replaced" in decoded.warning
    decoded.text.encode("utf-8")


@pytest.mark.parametrize("name", ["m.jsonl", "m.jsonl.gz"])
def test_jsonl_first_line_starting_with_gzip_magic_costs_only_that_line(
    tmp_path: Path, name: str
) -> None:
    path = jsonl(tmp_path / name, [b"\x1f\x8b\x08" + rec("a").encode(), rec("b"), rec("c")])
    found = items(path)
    assert [d.id for d in docs(found)] == ["b", "c"]
    assert list(failures(found)) == [f"{path}:1"]


def test_plain_files_named_gz_are_read_as_they_are(tmp_path: Path) -> None:
    feed = jsonl(tmp_path / "plain.jsonl.gz", [rec("a")])
    assert [d.id for d in docs(items(feed))] == ["a"]
    crawl = tmp_path / "plain.warc.gz"
    crawl.write_bytes(warc_bytes([("https://x.org/1", page(1))], gz=False))
    assert [d.source for d in docs(items(crawl))] == [f"{crawl}#https://x.org/1"]


def test_issue_9_mojibake_repair_is_bounded() -> None:
    from storyline.ingest.decode import normalise_text

    few = "Clean line said the mayor on Monday.\n" * 100_000 + "The cafÃ© owners\n"
    t0 = time.perf_counter()
    text, notes = normalise_text(few)
    assert time.perf_counter() - t0 < 3.0
    assert notes == ["mojibake"] and text.endswith("The café owners\n")
    everywhere = "The cafÃ© said the mayor on Monday. " * 100_000  # 3.6 MB: ~15 s of ftfy
    t0 = time.perf_counter()
    text, notes = normalise_text(everywhere)
    assert time.perf_counter() - t0 < 3.0
    assert notes == ["mojibake-unrepaired"] and text == everywhere


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_bom_is_decoded(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(f"Zoë said yes. {BODY}\n".encode(codec))
    (doc,) = docs(items(path))
    assert doc.text == f"Zoë said yes. {BODY}\n" and f"encoding={codec}" in doc.notes


def test_binary_with_nul_bytes_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "bin.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    assert "binary" in next(iter(failures(items(path)).values()))
