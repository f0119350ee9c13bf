"""Builders for hostile files: articles around an odd phrase, JSONL lines, WARC records,
gzip bombs. All deterministic."""

from __future__ import annotations

import gzip
import json
import random
import zlib
from typing import Any

from bench.hostile.corpus import GOOD_C, GOOD_D

__all__ = [
    "article",
    "gzip_bomb",
    "html_page",
    "jsonl",
    "warc_record",
]

SEED = 20260903


def rng(tag: str) -> random.Random:
    return random.Random(f"{SEED}-{tag}")


def article(
    phrase: str, published: str | None = "2024-03-20", word: str = "Corvale", title: str = ""
) -> str:
    """A plain, valid news article carrying ``phrase`` in a reader comment, as in the CNN
    article that first broke the build. ``word`` marks it in the dossier."""
    head = f" date {published} " if published is not None else ""
    return (
        f"{head}{title or 'Museum opens a new wing'}\n\n"
        f"The {word} Museum opened its new Bronze Age wing on Wednesday, after eight years of "
        f'work. "It is the finest collection in the north," said curator Maria Ekwueme.\n\n'
        f"The museum's director, Paul Hennessy, said last week that visitor numbers had "
        f"doubled since 2019.\n\n"
        f"One reader wrote under the article: {phrase}\n\n"
        f"The wing is open daily from 10am until 5pm.\n"
    )


def jsonl(*records: Any) -> bytes:
    """Lines of JSON; a ``bytes`` item is written as it is (a broken line)."""
    out = []
    for rec in records:
        if isinstance(rec, bytes):
            out.append(rec)
        else:
            out.append(json.dumps(rec, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return b"\n".join(out) + b"\n"


def good_records() -> tuple[dict[str, str], dict[str, str]]:
    return (
        {"id": "good-c", "text": GOOD_C, "published": "2024-04-01", "title": "Battery"},
        {"id": "good-d", "text": GOOD_D, "published": "2024-04-03", "title": "Mayor"},
    )


def html_page(
    body: str,
    title: str = "Mayor resigns",
    head: str = "",
    published: str | None = "2024-04-03T09:00:00Z",
) -> str:
    pub = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{pub}{head}"
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def good_html_body(text: str = GOOD_D) -> str:
    return "".join(f"<p>{p}</p>" for p in text.split(". "))


def warc_record(
    uri: str,
    html: bytes,
    rid: int,
    content_length: str | None = None,
    http_headers: str = "Content-Type: text/html; charset=utf-8\r\n",
) -> bytes:
    http = (
        b"HTTP/1.1 200 OK\r\n"
        + http_headers.encode()
        + f"Content-Length: {len(html)}\r\n\r\n".encode()
        + html
    )
    length = content_length if content_length is not None else str(len(http))
    head = (
        "WARC/1.0\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2024-04-03T10:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{rid:012d}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def good_warc_records() -> tuple[bytes, bytes]:
    c = html_page(good_html_body(GOOD_C), title="Battery breakthrough").encode()
    d = html_page(good_html_body(GOOD_D)).encode()
    return (
        warc_record("https://news.example.com/battery", c, 1),
        warc_record("https://news.example.com/mayor", d, 3),
    )


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def gzip_bomb(inflated: int, unit: bytes = b" ") -> bytes:
    """A gzip stream that inflates to ``inflated`` bytes of ``unit``, built in chunks so that
    the bomb never sits in memory inflated."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = unit * ((1 << 20) // len(unit))
    out = [comp.compress(b"<html><body><p>")]
    done = 0
    while done < inflated:
        out.append(comp.compress(chunk))
        done += len(chunk)
    out.append(comp.compress(b"</p></body></html>"))
    out.append(comp.flush())
    return b"".join(out)


def words(tag: str, n: int) -> list[str]:
    r = rng(tag)
    vocab = [
        "council",
        "harbour",
        "minister",
        "said",
        "plan",
        "budget",
        "river",
        "school",
        "the",
        "a",
        "of",
        "and",
        "report",
        "vote",
        "police",
        "rail",
        "strike",
        "court",
    ]
    return [r.choice(vocab) for _ in range(n)]
