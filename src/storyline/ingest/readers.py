"""One reader per container format. Each yields :class:`RawDocument` objects, and an
:class:`InputFailure` for every record it had to skip, so that one bad record never loses the
rest of a file and one bad file never loses the rest of a batch."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from storyline.errors import DecodeError, InputError, ParseError
from storyline.ingest.dates import normalise_date
from storyline.ingest.decode import decode_bytes, normalise_text
from storyline.ingest.discover import format_of
from storyline.model import InputFailure, MetaValue, RawDocument
from storyline.settings import DEFAULT, Settings

__all__ = ["read_file", "read_html_document"]

Item = RawDocument | InputFailure

_HEADER = re.compile(r"^[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]*")


def read_file(
    path: Path, settings: Settings = DEFAULT, data: bytes | None = None
) -> Iterator[Item]:
    """Read one input file. ``data`` may carry bytes already read (the build reads them once to
    fingerprint the file)."""
    source = str(path)
    fmt = format_of(path)
    try:
        if fmt == "jsonl":
            yield from _read_jsonl(path, settings)
        elif fmt == "warc":
            yield from _read_warc(path, settings)
        elif fmt in ("txt", "html"):
            if data is None:
                data = _read_small(path, settings)
            if fmt == "txt":
                yield _read_txt(path, data, settings)
            else:
                yield from _read_html(path, data, settings)
        else:
            yield InputFailure(source, "unsupported file type")
    except InputError as exc:
        yield InputFailure(exc.source, exc.message)
    except OSError as exc:
        yield InputFailure(source, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:
        yield InputFailure(source, f"could not be read ({type(exc).__name__}: {exc})")


def _read_small(path: Path, settings: Settings) -> bytes:
    size = path.stat().st_size
    if size > settings.max_file_bytes:
        raise InputError(
            str(path),
            f"file too large for one article "
            f"({_mib(size)} > {_mib(settings.max_file_bytes)} limit)",
        )
    return path.read_bytes()


def _mib(n: int) -> str:
    # Binary units, so that a 100 MiB file reads "100.0 MiB" and not "104.9 MB".
    return f"{n / (1 << 20):.1f} MiB"


def _doc_id(path: Path, suffix: str | None = None) -> str:
    name = path.name
    fmt_suffix = next(
        (s for s in (".warc.gz", ".jsonl", ".ndjson") if name.lower().endswith(s)), None
    )
    stem = name[: -len(fmt_suffix)] if fmt_suffix else path.stem
    return f"{stem}-{suffix}" if suffix is not None else stem


def _read_txt(path: Path, data: bytes, settings: Settings) -> RawDocument:
    decoded = decode_bytes(data, str(path), settings)
    text = decoded.text
    meta: dict[str, MetaValue] = {}
    m = _HEADER.match(text)
    if m:
        iso = normalise_date(m.group(1))
        if iso:
            meta["published"] = MetaValue(
                iso, "header", "ingest.txt-header", 1.0, m.start(), m.end()
            )
    notes = decoded.notes + ((f"warning: {decoded.warning}",) if decoded.warning else ())
    return RawDocument(_doc_id(path), str(path), "txt", text, data, meta, notes)


def _read_html(path: Path, data: bytes, settings: Settings) -> Iterator[Item]:
    decoded = decode_bytes(data, str(path), settings)
    doc = read_html_document(decoded.text, str(path), _doc_id(path), data, None, "html")
    if isinstance(doc, InputFailure):
        yield doc
    else:
        yield RawDocument(
            doc.id, doc.source, doc.format, doc.text, doc.raw, doc.meta, decoded.notes
        )
    if decoded.warning:
        yield InputFailure(str(path), decoded.warning)


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

    try:
        ex = extract_html(html, url=url)
    except Exception as exc:
        return InputFailure(source, f"HTML could not be parsed: {type(exc).__name__}: {exc}")
    if not ex.text.strip():
        return InputFailure(source, "HTML page has no article text")
    text, _ = normalise_text(ex.text)
    meta: dict[str, MetaValue] = {}
    method = f"ingest.html:{ex.method}"
    if ex.title:
        meta["title"] = MetaValue(ex.title.strip(), "html", method, 0.9)
    if ex.byline:
        meta["byline"] = MetaValue(ex.byline.strip(), "html", method, 0.8)
    if ex.published:
        meta["published"] = MetaValue(ex.published, "html", method, 0.9)
    if ex.outlet:
        meta["outlet"] = MetaValue(ex.outlet.strip(), "html", method, 0.9)
    page_url = ex.url or url
    if page_url:
        meta["url"] = MetaValue(page_url, origin, method, 1.0)
    return RawDocument(doc_id, source, "html", text, raw, meta, ())


def _read_jsonl(path: Path, settings: Settings) -> Iterator[Item]:
    source = str(path)
    opener = gzip.open if source.lower().endswith(".gz") else open
    seen = 0
    with opener(path, "rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            where = f"{source}:{lineno}"
            if not line.strip():
                continue
            seen += 1
            if len(line) > settings.max_file_bytes:
                yield InputFailure(where, f"record too large ({len(line) / 1e6:.1f} MB)")
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield InputFailure(where, f"invalid JSON: {exc}")
                continue
            if not isinstance(record, dict):
                yield InputFailure(where, f"expected a JSON object, got {type(record).__name__}")
                continue
            yield _jsonl_record(path, lineno, record, line, settings)
    if seen == 0:
        raise DecodeError(source, "empty file (no JSON lines)")


def _str_field(record: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return ", ".join(value)
    return None


def _jsonl_record(
    path: Path, lineno: int, record: dict[str, Any], line: bytes, settings: Settings
) -> Item:
    where = f"{path}:{lineno}"
    rid = record.get("id")
    doc_id = (
        str(rid) if isinstance(rid, (str, int)) and str(rid).strip() else _doc_id(path, str(lineno))
    )
    url = _str_field(record, "url", "link")
    text = record.get("text")
    html = record.get("html")
    if isinstance(text, str) and text.strip():
        body, notes = normalise_text(text)
        doc = RawDocument(doc_id, where, "jsonl", body, line, {}, tuple(notes))
    elif isinstance(html, str) and html.strip():
        made = read_html_document(html, where, doc_id, line, url, "jsonl")
        if isinstance(made, InputFailure):
            return made
        doc = RawDocument(made.id, where, "jsonl", made.text, line, made.meta, ())
    else:
        return InputFailure(where, 'record has no "text" or "html" field with content')
    if len(doc.text) > settings.max_record_chars:
        return InputFailure(where, f"article text too long ({len(doc.text)} characters)")
    meta = dict(doc.meta)
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
    published = normalise_date(published_raw)
    doc_notes = doc.notes
    if published:
        meta["published"] = MetaValue(published, "jsonl", "ingest.jsonl-field", 1.0)
    elif published_raw is not None:
        # The article itself is sound: keep it undated and report the field, rather than lose
        # the text over a bad date.
        doc_notes += (
            f"warning: unreadable published date {published_raw!r}; article kept undated",
        )
    if url:
        meta["url"] = MetaValue(url, "jsonl", "ingest.jsonl-field", 1.0)
    return RawDocument(doc.id, doc.source, doc.format, doc.text, doc.raw, meta, doc_notes)


def _read_warc(path: Path, settings: Settings) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    source = str(path)
    n = 0
    kept = 0
    try:
        with open(path, "rb") as fh:
            for index, record in enumerate(ArchiveIterator(fh), start=1):
                if record.format != "warc":
                    # warcio falls back to reading any text as an ARC file: junk would pass.
                    raise ParseError(
                        source,
                        f"not a WARC file (record {index} has no WARC/1.x header); "
                        f"kept the {kept} article(s) before it",
                    )
                url = record.rec_headers.get_header("WARC-Target-URI")
                made: Item | None = None
                if record.rec_type in ("response", "resource") and _is_html(record):
                    n += 1
                    made = _warc_article(path, record, n, url, settings)
                # warcio hands back whatever bytes a cut-off file still holds: a record shorter
                # than its Content-Length is half an article, so it is dropped, not kept.
                if _cut_short(record):
                    what = f"record {index}" + (f" ({url})" if url else "")
                    yield InputFailure(
                        source,
                        f"truncated WARC: {what} is cut short; "
                        f"kept the {kept} article(s) before it",
                    )
                    return
                if made is not None:
                    kept += isinstance(made, RawDocument)
                    yield made
    except (ArchiveLoadFailed, EOFError, zlib.error, gzip.BadGzipFile, ValueError) as exc:
        raise ParseError(
            source, f"truncated or corrupt WARC after {kept} article(s): {exc}"
        ) from exc
    except (AttributeError, TypeError, KeyError, IndexError) as exc:
        # warcio trips over record headers cut in the middle instead of reporting them.
        raise ParseError(
            source,
            f"truncated or corrupt WARC after {kept} article(s): record headers unreadable "
            f"({type(exc).__name__}: {exc})",
        ) from exc
    if source.lower().endswith(".gz") and not _gzip_complete(path):
        # warcio stops quietly at a gzip member cut short, so the cut is found here.
        yield InputFailure(
            source,
            f"truncated gzip: the file ends mid-stream; kept the {kept} article(s) before it",
        )
        return
    if n == 0:
        raise ParseError(source, "no HTML response records in WARC")


def _gzip_complete(path: Path) -> bool:
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except (EOFError, zlib.error, gzip.BadGzipFile):
        return False
    return True


def _is_html(record: Any) -> bool:
    ctype = (
        (record.http_headers.get_header("Content-Type") if record.http_headers else None)
        or record.rec_headers.get_header("Content-Type")
        or ""
    )
    return "html" in ctype.lower()


def _cut_short(record: Any) -> bool:
    from warcio.limitreader import LimitReader

    if record.rec_headers.get_header("Content-Length") is None:
        return True
    stream = record.raw_stream
    if not isinstance(stream, LimitReader):
        return False
    while stream.limit > 0 and stream.read(1 << 16):
        pass
    return bool(stream.limit > 0)


def _warc_article(path: Path, record: Any, n: int, url: str | None, settings: Settings) -> Item:
    where = f"{path}#{url or n}"
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
        host = urlsplit(url).hostname
        if host:
            meta["outlet"] = MetaValue(host.removeprefix("www."), "url", "ingest.url-domain", 0.6)
    return RawDocument(made.id, where, "warc", made.text, payload, meta, decoded.notes)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
