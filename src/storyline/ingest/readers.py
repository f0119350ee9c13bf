"""One reader per container format. Each yields :class:`RawDocument` objects, and an
:class:`InputFailure` for every record it had to skip, so that one bad record never loses the
rest of a file and one bad file never loses the rest of a batch.

For any bytes a reader yields documents and failures, or raises only the :class:`InputError`
family; every text, id, source and metadata value it hands on is valid Unicode (lone surrogates
replaced, noted ``surrogates-replaced``), and time and memory stay linear in the input: JSONL lines
and WARC records are delimited by this module, each bounded by ``Settings.max_file_bytes``, and a
record that cannot be parsed costs only itself."""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from storyline.errors import DecodeError, InputError, ParseError
from storyline.ingest.dates import normalise_date
from storyline.ingest.decode import (
    GZIP_MAGIC,
    decode_bytes,
    inflate,
    normalise_text,
    valid_unicode,
)
from storyline.ingest.discover import InputFile, display_name, format_of
from storyline.ingest.metadata import url_host
from storyline.model import InputFailure, MetaValue, RawDocument
from storyline.settings import DEFAULT, Settings

__all__ = ["content_hash", "read_file", "read_html_document", "read_small"]

Item = RawDocument | InputFailure

_HEADER = re.compile(r"^[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]*")
_CHUNK = 1 << 20

# An id is a name, not a document: past this length it is cut and given a digest of the whole,
# so that two long ids differing at the end stay two ids.
_MAX_ID_CHARS = 200
# Metadata values (title, byline, outlet, url) longer than this are not metadata.
_MAX_META_CHARS = 2000
# No news record nests this deep; past it the record is refused before the parser recurses.
_MAX_JSON_DEPTH = 200
# Python 3.11 refuses int() of more digits than this; such a number is kept as a float (inf).
_MAX_INT_DIGITS = 4000
# A WARC record's header block, and the distance searched for the next record's start.
_MAX_WARC_HEADER = 64 * 1024
_ID_JUNK = re.compile(r"[\x00-\x1f\x7f\s]+")
_LINE_BREAK = re.compile(rb"[\r\n]")
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]')
# Where a record may start when resynchronising after damage: anywhere, not only at a line start,
# since the damage may run into the next record's first line; a false start inside a payload is
# caught by its own Content-Length check.
_WARC_START = re.compile(rb"WARC/1\.[01]\r?\n")
_GZIP_MEMBER = re.compile(rb"\x1f\x8b\x08")


def read_file(
    path: InputFile | Path | str,
    settings: Settings = DEFAULT,
    data: bytes | None = None,
    *,
    source: str | None = None,
) -> Iterator[Item]:
    """Read one input file. ``data`` may carry bytes already read (the build reads them once to
    fingerprint the file). Every document and failure is named after ``source`` (by default
    the :class:`InputFile`'s, else the path's), made valid Unicode."""
    if isinstance(path, InputFile):
        file_path = path.path
        name = path.source if source is None else source
    else:
        file_path = path if isinstance(path, Path) else Path(path)
        name = str(file_path) if source is None else source
    src = display_name(name)
    fmt = format_of(file_path)
    try:
        if fmt == "jsonl":
            yield from _read_jsonl(file_path, src, settings)
        elif fmt == "warc":
            yield from _read_warc(file_path, src, settings)
        elif fmt in ("txt", "html"):
            if data is None:
                data = read_small(file_path, src, settings)
            notes: tuple[str, ...] = ()
            body = data
            if data.startswith(GZIP_MAGIC):
                body = inflate(data, src, settings.max_file_bytes)
                notes = ("gzip",)
            if fmt == "txt":
                yield _read_txt(file_path, src, data, body, notes, settings)
            else:
                yield from _read_html(file_path, src, data, body, notes, settings)
        else:
            yield InputFailure(src, "unsupported file type")
    except InputError as exc:
        yield InputFailure(display_name(exc.source), exc.message)
    except OSError as exc:
        yield InputFailure(src, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # a last resort: a reader bug must not lose the batch
        yield InputFailure(src, f"could not be read ({type(exc).__name__}: {exc})")


def _open_regular(path: Path, source: str) -> IO[bytes]:
    """Open a file for reading, refusing anything but a regular file without blocking on it
    (a FIFO put where a file was would otherwise hang the build)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(source, "not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_small(path: Path, source: str, settings: Settings) -> bytes:
    """The bytes of one article file (a regular file, opened without blocking), refused past
    ``settings.max_file_bytes`` with an :class:`InputError` naming ``source``."""
    with _open_regular(path, source) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > settings.max_file_bytes:
            raise InputError(
                source,
                f"file too large for one article "
                f"({_mib(size)} > {_mib(settings.max_file_bytes)} limit)",
            )
        data = fh.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:  # it grew while being read
        raise InputError(
            source, f"file too large for one article (over {_mib(settings.max_file_bytes)} limit)"
        )
    return data


def _is_gzip(fh: IO[bytes]) -> bool:
    """Whether the file is gzip data, whatever its name: it starts with a gzip member that
    begins to inflate. A file that only starts with the magic bytes is read as it is, so that
    its first line or record is the only one lost to them. Leaves the file at its start."""
    head = fh.read(64 * 1024)
    fh.seek(0)
    if not head.startswith(GZIP_MAGIC):
        return False
    d = zlib.decompressobj(wbits=31)
    try:
        # Real gzip inflates to something within its first 64 KiB; junk with the magic in front
        # fails, or (a header flag asking for a name) swallows it all and gives nothing.
        return bool(d.decompress(head, 1)) or d.eof
    except zlib.error:
        return False


def _mib(n: int) -> str:
    # Binary units, so that a 100 MiB file reads "100.0 MiB" and not "104.9 MB".
    return f"{n / (1 << 20):.1f} MiB"


def _doc_id(path: Path, suffix: str | None = None) -> str:
    name = display_name(path.name)
    fmt_suffix = next(
        (
            s
            for s in (".warc.gz", ".jsonl.gz", ".ndjson.gz", ".jsonl", ".ndjson", ".gz")
            if name.lower().endswith(s)
        ),
        None,
    )
    stem = name[: -len(fmt_suffix)] if fmt_suffix else name
    if not fmt_suffix or fmt_suffix == ".gz":
        stem = os.path.splitext(stem)[0] or stem  # Path.stem, without building a Path
    return f"{stem}-{suffix}" if suffix is not None else stem


def _read_txt(
    path: Path, source: str, raw: bytes, data: bytes, notes: tuple[str, ...], settings: Settings
) -> RawDocument:
    decoded = decode_bytes(data, source, settings)
    text = decoded.text
    meta: dict[str, MetaValue] = {}
    m = _HEADER.match(text)
    if m:
        iso = normalise_date(m.group(1))
        if iso:
            meta["published"] = MetaValue(
                iso, "header", "ingest.txt-header", 1.0, m.start(), m.end()
            )
    notes = notes + decoded.notes
    notes += (f"warning: {decoded.warning}",) if decoded.warning else ()
    return RawDocument(_doc_id(path), source, "txt", text, raw, meta, notes)


def _read_html(
    path: Path, source: str, raw: bytes, data: bytes, notes: tuple[str, ...], settings: Settings
) -> Iterator[Item]:
    decoded = decode_bytes(data, source, settings)
    doc = read_html_document(decoded.text, source, _doc_id(path), raw, None, "html")
    if isinstance(doc, InputFailure):
        yield doc
    else:
        yield RawDocument(
            doc.id,
            doc.source,
            doc.format,
            doc.text,
            doc.raw,
            doc.meta,
            notes + decoded.notes + doc.notes,
        )
    if decoded.warning:
        yield InputFailure(source, decoded.warning)


def read_html_document(
    html: str,
    source: str,
    doc_id: str,
    raw: bytes,
    url: str | None,
    origin: str,
) -> RawDocument | InputFailure:
    """Extract the article from one HTML page (a file, a JSONL ``html`` field, a WARC record)."""
    from storyline.ingest.html import extract_html

    html, _ = valid_unicode(html)
    try:
        ex = extract_html(html, url=url)
    except Exception as exc:  # lxml and trafilatura on hostile markup: the page, not the batch
        return InputFailure(source, f"HTML could not be parsed: {type(exc).__name__}: {exc}")
    if not ex.text.strip():
        return InputFailure(source, "HTML page has no article text")
    text, notes = normalise_text(ex.text)
    notes = [*ex.notes, *notes]
    meta: dict[str, MetaValue] = {}
    method = f"ingest.html:{ex.method}"
    for key, value, confidence in (
        ("title", ex.title, 0.9),
        ("byline", ex.byline, 0.8),
        ("published", ex.published, 0.9),
        ("outlet", ex.outlet, 0.9),
    ):
        cleaned = _meta_text(value)
        if cleaned:
            meta[key] = MetaValue(cleaned, "html", method, confidence)
    page_url = _meta_text(ex.url) or _meta_text(url)
    if page_url:
        meta["url"] = MetaValue(page_url, origin, method, 1.0)
    return RawDocument(doc_id, source, "html", text, raw, meta, tuple(notes))


def _meta_text(value: object) -> str | None:
    """A metadata value as one line of valid Unicode, or None when it is empty or too long."""
    if not isinstance(value, str):
        return None
    text, _ = valid_unicode(" ".join(value.split()))
    text = _ID_JUNK.sub(" ", text).strip()
    if not text or len(text) > _MAX_META_CHARS:
        return None
    return text


# --- JSONL ---------------------------------------------------------------------------------


def _read_jsonl(path: Path, source: str, settings: Settings) -> Iterator[Item]:
    seen = 0
    with _open_regular(path, source) as fh:
        compressed = _is_gzip(fh)
        raw = _gunzip(fh) if compressed else iter(lambda: fh.read(_CHUNK), b"")
        lineno = 0
        try:
            for lineno, line, size in _lines(_utf8_chunks(raw), settings.max_file_bytes):
                where = f"{source}:{lineno}"
                if line is None:
                    seen += 1
                    yield InputFailure(where, f"record too large ({_mib(size)})")
                    continue
                if not line.strip():
                    continue
                seen += 1
                yield _jsonl_line(path, where, lineno, line, settings)
        except (EOFError, zlib.error) as exc:
            # A cut or corrupt .jsonl.gz ends there; the lines before it stand.
            yield InputFailure(
                source,
                f"truncated or corrupt gzip after line {lineno} ({exc}); "
                f"kept the records before it",
            )
            return
    if seen == 0:
        raise DecodeError(source, "empty file (no JSON lines)")


def _gunzip(fh: IO[bytes]) -> Iterator[bytes]:
    """The inflated bytes of a gzip stream of any number of members, in pieces of at most
    :data:`_CHUNK` bytes, as they come: a file cut short gives everything before the cut, then
    :class:`EOFError`."""
    d = zlib.decompressobj(wbits=31)
    between = True  # no member begun: the stream may end here
    while True:
        buf = fh.read(_CHUNK)
        if not buf:
            if between:
                return
            raise EOFError("the file ends mid-stream")
        while buf:
            between = False
            out = d.decompress(buf, _CHUNK)
            if out:
                yield out
            buf = d.unconsumed_tail
            if d.eof:
                buf = d.unused_data
                d = zlib.decompressobj(wbits=31)
                between = True
                if not buf.strip(b"\x00"):
                    buf = b""  # padding to a block size


def _utf8_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks' bytes, as UTF-8: a UTF-16 or UTF-32 file (with a BOM, or without one but
    with the NUL bytes of one around its ASCII braces) is decoded and encoded again."""
    first = next(chunks, b"")
    encoding = _wide_encoding(first)
    if encoding is None:
        yield first
        yield from chunks
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    yield decoder.decode(first).encode("utf-8")
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def _wide_encoding(head: bytes) -> str | None:
    """The UTF-16 or UTF-32 codec a JSONL file's first bytes are in, if any: taken only when the
    file then reads as JSON (a first line of junk that happens to start with FF FE is junk)."""
    for encoding in _wide_guesses(head):
        text = head[:256].decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
        if text[:1] in ("{", "["):
            return encoding
    return None


def _wide_guesses(head: bytes) -> list[str]:
    guesses = []
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        guesses.append("utf-32")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        guesses.append("utf-16")
    if len(head) >= 4 and head[1:4] == b"\x00\x00\x00" and head[0]:
        guesses.append("utf-32-le")
    if len(head) >= 4 and head[:3] == b"\x00\x00\x00" and head[3]:
        guesses.append("utf-32-be")
    if len(head) >= 2 and head[1] == 0 and 0 < head[0] < 0x80:
        guesses.append("utf-16-le")
    if len(head) >= 2 and head[0] == 0 and 0 < head[1] < 0x80:
        guesses.append("utf-16-be")
    return guesses


def _lines(chunks: Iterable[bytes], limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line, length) of every line, CRLF, LF and CR alike ending one (JSON
    strings cannot hold a raw CR or LF, so no record is split); a line longer than ``limit`` is
    given as None and never held in memory."""
    lineno = 0
    buf = bytearray()
    size = 0
    over = False
    after_cr = False
    for chunk in chunks:
        start = 0
        if after_cr and chunk[:1] == b"\n":
            start = 1
        after_cr = False
        while start < len(chunk):
            m = _LINE_BREAK.search(chunk, start)
            end = m.start() if m else len(chunk)
            size += end - start
            if not over:
                if size > limit:
                    over = True
                    buf.clear()
                else:
                    buf += chunk[start:end]
            if m is None:
                break
            lineno += 1
            yield lineno, None if over else bytes(buf), size
            buf.clear()
            size = 0
            over = False
            start = end + 1
            if chunk[end] == 0x0D:
                if start < len(chunk):
                    start += chunk[start] == 0x0A
                else:
                    after_cr = True
    if size:
        yield lineno + 1, None if over else bytes(buf), size


def _jsonl_line(path: Path, where: str, lineno: int, line: bytes, settings: Settings) -> Item:
    notes: list[str] = []
    line = line.strip()
    if line.startswith(codecs.BOM_UTF8):
        # A BOM on a line of its own: files concatenated with `cat` carry one per file.
        line = line[len(codecs.BOM_UTF8) :].lstrip()
        notes.append("bom")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = line.decode("utf-8", errors="replace")
        notes.append(
            f"warning: invalid UTF-8 in the line (first bad byte at offset {exc.start}); "
            f"{text.count(chr(0xFFFD))} character(s) replaced"
        )
    depth = _json_depth(line)
    if depth > _MAX_JSON_DEPTH:
        return InputFailure(where, f"JSON nested too deeply (over {_MAX_JSON_DEPTH} levels)")
    try:
        record = json.loads(text, parse_int=_parse_int)
    except RecursionError:
        return InputFailure(where, "JSON nested too deeply")
    except ValueError as exc:
        return InputFailure(where, f"invalid JSON: {exc}")
    if not isinstance(record, dict):
        return InputFailure(where, f"expected a JSON object, got {_json_type(record)}")
    return _jsonl_record(path, where, lineno, record, line, tuple(notes), settings)


def _json_depth(line: bytes) -> int:
    """How deep the line's arrays and objects nest (brackets inside strings do not count);
    cheap unless the line has many brackets at all."""
    if line.count(b"[") + line.count(b"{") <= _MAX_JSON_DEPTH:
        return 0
    depth = deepest = 0
    for m in _JSON_TOKEN.finditer(line):
        token = m.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > _MAX_JSON_DEPTH:
                    break
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _parse_int(digits: str) -> int | float:
    if len(digits) > _MAX_INT_DIGITS:
        return float(digits)  # inf: a number this long is no id or date anyone wrote
    return int(digits)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _str_field(record: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = ", ".join(value)
        text = _meta_text(value)
        if text:
            return text
    return None


def _record_id(record: dict[str, Any], fallback: str, notes: list[str]) -> str:
    """The record's own id, made a safe one-line name (an id is data, never a path); the line's
    id when it has none that is usable."""
    rid = record.get("id")
    if rid is None:
        return fallback
    if isinstance(rid, int) and not isinstance(rid, bool):
        rid = str(rid)
    if not isinstance(rid, str):
        notes.append(f"id-ignored: {_json_type(rid)}")
        return fallback
    text, _ = valid_unicode(rid)
    text = _ID_JUNK.sub(" ", text).strip()
    if not text:
        notes.append("id-ignored: empty")
        return fallback
    if len(text) > _MAX_ID_CHARS:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
        text = f"{text[: _MAX_ID_CHARS - 13]}-{digest}"
        notes.append("id-shortened")
    if text != rid:
        notes.append("id-cleaned")
    return text


def _body_field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = "\n\n".join(value)  # a list of paragraphs
    return value if isinstance(value, str) and value.strip() else None


def _jsonl_record(
    path: Path,
    where: str,
    lineno: int,
    record: dict[str, Any],
    line: bytes,
    line_notes: tuple[str, ...],
    settings: Settings,
) -> Item:
    notes = list(line_notes)
    doc_id = _record_id(record, _doc_id(path, str(lineno)), notes)
    url = _str_field(record, "url", "link")
    text = _body_field(record, "text")
    html = _body_field(record, "html")
    if text is not None:
        body, more = normalise_text(text)
        notes.extend(more)
        if html is not None:
            notes.append("html-ignored")  # the record's own text is what it says it holds
        meta: dict[str, MetaValue] = {}
    elif html is not None:
        made = read_html_document(html, where, doc_id, line, url, "jsonl")
        if isinstance(made, InputFailure):
            return made
        body, meta = made.text, dict(made.meta)
        notes.extend(made.notes)
    else:
        wrong = [
            f'"{k}" is {_json_type(record[k])}'
            for k in ("text", "html")
            if record.get(k) is not None and not isinstance(record[k], str)
        ]
        return InputFailure(
            where,
            'record has no "text" or "html" field with content'
            + (f" ({', '.join(wrong)})" if wrong else ""),
        )
    if not body.strip():
        return InputFailure(where, 'record has no "text" or "html" field with content')
    if len(body) > settings.max_record_chars:
        return InputFailure(where, f"article text too long ({len(body)} characters)")
    for key, names in (
        ("title", ("title", "headline")),
        ("outlet", ("outlet", "source_name", "publisher", "sitename")),
        ("byline", ("byline", "author", "authors")),
    ):
        value = _str_field(record, *names)
        if value:
            meta[key] = MetaValue(value, "jsonl", "ingest.jsonl-field", 1.0)
    published_raw = next(
        (record[k] for k in ("published", "date", "time", "published_at") if record.get(k)), None
    )
    published = normalise_date(published_raw) if _date_like(published_raw) else None
    if published:
        meta["published"] = MetaValue(published, "jsonl", "ingest.jsonl-field", 1.0)
    elif published_raw is not None:
        # The article itself is sound: keep it undated and report the field, rather than lose
        # the text over a bad date.
        notes.append(
            f"warning: unreadable published date {_preview(published_raw)}; article kept undated"
        )
    if url:
        meta["url"] = MetaValue(url, "jsonl", "ingest.jsonl-field", 1.0)
    return RawDocument(doc_id, where, "jsonl", body, line, meta, tuple(notes))


def _date_like(value: object) -> bool:
    if isinstance(value, str):
        return len(value) <= 100
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _preview(value: object) -> str:
    if isinstance(value, str):
        text, _ = valid_unicode(value if len(value) <= 60 else value[:60] + "…")
        return repr(text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = repr(value)
        return digits if len(digits) <= 30 else f"a {len(digits)}-digit number"
    return f"({_json_type(value)})"


# --- WARC ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Record:
    """One WARC record as delimited in its file: ``data`` holds header block, payload and the
    closing blank lines, ready for warcio; ``headers`` the WARC headers (lower-case names)."""

    offset: int
    headers: dict[str, str]
    data: bytes | None
    """None when the record is larger than the limit and was skipped unread."""


@dataclass(frozen=True, slots=True)
class _Bad:
    offset: int
    problem: str
    url: str | None = None
    cut: bool = False
    """The file ends inside this record: nothing follows it."""
    not_warc: bool = False
    """No WARC record header anywhere: the file is no WARC at all."""


def _read_warc(path: Path, source: str, settings: Settings) -> Iterator[Item]:
    with _open_regular(path, source) as fh:
        compressed = _is_gzip(fh)
        units = _gzip_records(fh, settings) if compressed else _warc_records(fh, 0, settings)
        yield from _warc_items(path, source, units, settings)


def _warc_items(
    path: Path, source: str, units: Iterable[_Record | _Bad], settings: Settings
) -> Iterator[Item]:
    n = kept = index = failed = 0
    for unit in units:
        index += 1
        if isinstance(unit, _Bad):
            if unit.not_warc and index == 1:
                raise ParseError(source, "not a WARC file (no WARC/1.x record header)")
            failed += 1
            if unit.cut:
                what = f"record {index}" + (f" ({unit.url})" if unit.url else "")
                yield InputFailure(
                    source,
                    f"truncated WARC: {what} is cut short ({unit.problem}); "
                    f"kept the {kept} article(s) before it",
                )
                return
            where = f"{source}#{unit.url}" if unit.url else f"{source}#offset={unit.offset}"
            yield InputFailure(where, f"corrupt WARC record skipped: {unit.problem}")
            continue
        headers = unit.headers
        url = _meta_text(headers.get("warc-target-uri"))
        if headers.get("warc-type") not in ("response", "resource"):
            continue
        where = f"{source}#{url or n + 1}"
        if unit.data is None:
            if _maybe_html(headers):
                n += 1
                failed += 1
                yield InputFailure(
                    where, f"record too large (over {_mib(settings.max_file_bytes)})"
                )
            continue
        try:
            made = _warc_article(path, source, unit.data, n + 1, url, settings)
        except InputError as exc:
            made = InputFailure(where, exc.message)
        except Exception as exc:  # warcio on a hostile record: that record, not the file
            made = InputFailure(where, f"corrupt WARC record skipped ({type(exc).__name__}: {exc})")
        if made is None:
            continue
        n += 1
        kept += isinstance(made, RawDocument)
        yield made
    if n == 0 and failed == 0:
        raise ParseError(source, "no HTML response records in WARC")


def _maybe_html(headers: dict[str, str]) -> bool:
    ctype = headers.get("content-type", "").lower()
    return "html" in ctype or "application/http" in ctype


def _warc_records(fh: IO[bytes], base: int, settings: Settings) -> Iterator[_Record | _Bad]:
    """Delimit the records of an uncompressed WARC stream (``base`` is its offset in the file).

    A record is trusted only when its Content-Length lands on the blank lines that end it and the
    next record (or the end) follows; otherwise the next ``WARC/1.x`` line starts the next record,
    so a bad length or a damaged header costs one record."""
    size = fh.seek(0, io.SEEK_END)
    pos = 0
    while pos < size:
        fh.seek(pos)
        block = fh.read(_MAX_WARC_HEADER)
        skip = len(block) - len(block.lstrip())
        if skip == len(block):
            pos += skip
            if not block:
                return
            continue
        pos += skip
        block = block[skip:]
        end = block.find(b"\r\n\r\n")
        sep = 4
        if end < 0:
            end, sep = block.find(b"\n\n"), 2
        headers = _warc_headers(block[: max(end, 0)])
        url = _meta_text(headers.get("warc-target-uri"))
        if not block.startswith(b"WARC/1."):
            nxt = _find(fh, pos + 1, size, _WARC_START)
            yield _Bad(
                base + pos,
                "no WARC/1.x header where a record should start",
                not_warc=pos == 0 and nxt is None,
            )
            if nxt is None:
                return
            pos = nxt
            continue
        length = _content_length(headers)
        merged = _WARC_START.search(block, 1, max(end, 0)) is not None
        if end < 0 or length is None or merged:
            # (A header block holding a second WARC/1.x line is one cut short and run into the
            # next record's: the next record starts at that line.)
            nxt = _find(fh, pos + 1, size, _WARC_START)
            cut = nxt is None and (end < 0 or len(block) < _MAX_WARC_HEADER)
            problem = "record headers cut short" if end < 0 or merged else "no valid Content-Length"
            yield _Bad(base + pos, problem, url, cut=cut and end < 0)
            if nxt is None:
                return
            pos = nxt
            continue
        body = pos + end + sep
        stop = body + length
        fh.seek(stop)
        tail = fh.read(64)
        if stop + 4 > size and not tail.strip():
            nxt = _find(fh, pos + 1, size, _WARC_START)
            if nxt is None:
                missing = max(0, stop - size)
                yield _Bad(base + pos, f"{missing} byte(s) missing", url, cut=True)
                return
            yield _Bad(base + pos, "Content-Length runs past the next record", url)
            pos = nxt
            continue
        ends = _record_ends(tail)
        if ends == "blank" and _find(fh, pos + 1, stop, _WARC_START) is not None:
            ends = None  # the payload would swallow a record: the length is wrong
        if ends is None:
            nxt = _find(fh, pos + 1, size, _WARC_START)
            yield _Bad(base + pos, "Content-Length does not end the record", url)
            if nxt is None:
                return
            pos = nxt
            continue
        if length > settings.max_file_bytes:
            yield _Record(base + pos, headers, None)
        else:
            fh.seek(pos)
            yield _Record(base + pos, headers, fh.read(stop - pos) + b"\r\n\r\n")
        pos = stop + len(tail) - len(tail.lstrip())


def _record_ends(tail: bytes) -> str | None:
    """How the bytes after a payload close the record: ``"next"`` when the closing blank lines
    are followed by the next record or the end of the file, ``"blank"`` when only the blank lines
    are there (the next record is damaged, or the length is wrong), None when they are not."""
    for end in (b"\r\n\r\n", b"\n\n"):
        if tail.startswith(end):
            rest = tail[len(end) :].lstrip()
            return "next" if not rest or rest.startswith(b"WARC/") else "blank"
    return None


def _warc_headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw in block.split(b"\n")[1:]:
        name, colon, value = raw.decode("utf-8", errors="replace").partition(":")
        if colon:
            headers.setdefault(name.strip().lower(), value.strip())
    return headers


def _content_length(headers: dict[str, str]) -> int | None:
    value = headers.get("content-length", "")
    if not value.isascii() or not value.isdigit() or len(value) > 15:
        return None
    return int(value)


def _find(fh: IO[bytes], start: int, size: int, pattern: re.Pattern[bytes]) -> int | None:
    """Offset of the first match of ``pattern`` starting in ``[start, size)``, read in chunks."""
    overlap = 16
    pos = start
    while pos < size:
        fh.seek(max(start, pos - overlap))
        at = fh.tell()
        chunk = fh.read(_CHUNK + overlap)
        if not chunk:
            return None
        m = pattern.search(chunk, start - at)
        if m is not None:
            return at + m.start() if at + m.start() < size else None
        pos = at + len(chunk)
    return None


def _gzip_records(fh: IO[bytes], settings: Settings) -> Iterator[_Record | _Bad]:
    """The records of a .warc.gz, member by member (a well-made one holds one record a member).
    A member that will not inflate, or inflates past the limit, costs itself: reading resumes
    at the next gzip member header, found in the compressed bytes without inflating."""
    size = fh.seek(0, io.SEEK_END)
    pos = 0
    resyncing = False
    limit = settings.max_file_bytes + _MAX_WARC_HEADER
    while pos < size:
        fh.seek(pos)
        head = fh.read(3)
        if not head.strip(b"\x00\r\n\t "):
            fh.seek(pos)
            if not fh.read().strip(b"\x00\r\n\t "):
                return  # padding at the end
        if head[:2] != GZIP_MAGIC:
            nxt = _find(fh, pos + 1, size, _GZIP_MEMBER)
            if not resyncing:
                yield _Bad(pos, "bytes between gzip members that are not gzip")
            if nxt is None:
                return
            pos, resyncing = nxt, True
            continue
        member = _inflate_member(fh, pos, size, limit)
        if isinstance(member, str):
            nxt = _find(fh, pos + 1, size, _GZIP_MEMBER)
            if not (resyncing and member.startswith("corrupt")):
                # After a resync, a false start (gzip magic inside compressed data) is no news.
                yield _Bad(pos, member, cut=member.startswith("truncated") and nxt is None)
            if nxt is None:
                return
            pos, resyncing = nxt, True
            continue
        data, end = member
        resyncing = False
        for unit in _warc_records(io.BytesIO(data), pos, settings):
            if isinstance(unit, _Bad) and unit.not_warc and (pos > 0 or end < size):
                # Junk in one member of a file that has others: that member's loss only.
                unit = _Bad(unit.offset, unit.problem)
            if isinstance(unit, _Bad) and unit.cut:
                # Cut short inside a member that inflated whole: damage, not the end of the file.
                yield _Bad(unit.offset, unit.problem, unit.url, cut=end >= size)
                if end >= size:
                    return
                continue
            yield unit
        pos = end


def _inflate_member(fh: IO[bytes], pos: int, size: int, limit: int) -> tuple[bytes, int] | str:
    """The inflated bytes of the gzip member at ``pos`` and the offset where it ends, or what is
    wrong with it."""
    d = zlib.decompressobj(wbits=31)
    out = bytearray()
    fh.seek(pos)
    read_to = pos
    while not d.eof:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return "truncated gzip: the file ends mid-stream"
        read_to += len(chunk)
        buf = chunk
        try:
            while buf and not d.eof:
                out += d.decompress(buf, limit + 1 - len(out))
                if len(out) > limit:
                    return f"gzip member inflates beyond the {_mib(limit)} limit"
                buf = d.unconsumed_tail
        except zlib.error as exc:
            return f"corrupt gzip member: {exc}"
    return bytes(out), read_to - len(d.unused_data)


def _warc_article(
    path: Path, source: str, data: bytes, n: int, url: str | None, settings: Settings
) -> Item | None:
    from warcio.archiveiterator import ArchiveIterator

    record = next(iter(ArchiveIterator(io.BytesIO(data), no_record_parse=False)), None)
    if record is None or not _is_html(record):
        return None
    where = f"{source}#{url or n}"
    payload = record.content_stream().read(settings.max_file_bytes + 1)
    if len(payload) > settings.max_file_bytes:
        return InputFailure(where, f"record too large (over {_mib(settings.max_file_bytes)})")
    try:
        decoded = decode_bytes(payload, where, settings)
    except DecodeError as exc:
        return InputFailure(where, exc.message)
    made = read_html_document(decoded.text, where, _doc_id(path, f"{n:05d}"), payload, url, "warc")
    if isinstance(made, InputFailure):
        return made
    meta = dict(made.meta)
    if "published" not in meta:
        crawled = normalise_date(record.rec_headers.get_header("WARC-Date"))
        if crawled:
            # A page cannot be older than its capture: the crawl date bounds it.
            meta["published"] = MetaValue(crawled, "inferred", "ingest.warc-date", 0.4)
    if "outlet" not in meta and url:
        host = url_host(url)
        if host:
            meta["outlet"] = MetaValue(host, "url", "ingest.url-domain", 0.6)
    notes = decoded.notes + made.notes
    return RawDocument(made.id, where, "warc", made.text, payload, meta, notes)


def _is_html(record: Any) -> bool:
    ctype = (
        (record.http_headers.get_header("Content-Type") if record.http_headers else None)
        or record.rec_headers.get_header("Content-Type")
        or ""
    )
    return "html" in ctype.lower()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
