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
        f"</head><body><article>{f'<h1>{title}</h1>' if title else ''}{body}</article></body></html>"
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


_POOL_WORDS = [
    "the",
    "council",
    "said",
    "Mr",
    "Okafor",
    "Sir",
    "Keir",
    "Starmer",
    "he",
    "she",
    "told",
    "BBC",
    "on",
    "Monday",
    "last",
    "next",
    "week",
    "year",
    "ago",
    "from",
    "now",
    "in",
    "since",
    "years",
    "centuries",
    "decades",
    "millennia",
    "days",
    "hours",
    "BC",
    "AD",
    "Q4",
    "W53",
    "January",
    "Dec.",
    "31st",
    "the 99th century",
    "yesterday",
    "tomorrow",
    "tonight",
    "noon",
    "(Reuters)",
    "—",
    "-",
    "...",
    "…",
    ";",
    ":",
    "?",
    "!",
    ".",
    ",",
    "\n",
    "\n\n",
]
_POOL_MARKS = ["“", "”", '"', "'", "‘", "’", "«", "»", "„", "‹", "›", "「", "」", "″"]
_POOL_ODD = [
    "\u200b",
    "\u200d",
    "\u202e",
    "\u0301",
    "\ufeff",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\x0b",
    "\x1b[2J",
    "🇬🇧",
    "👩‍👩‍👧",
    "Ω",
    "ß",
    "İ",
    "ﬁ",
    "٣",
    "７",
    "Ⅻ",
    "𝟗",
    "\ufffd",
    "<script>window.__pwned=20</script>",
    "<b onmouseover=alert(1)>",
    "&amp;",
    "&#0;",
    "</p>",
]


def random_number(r: random.Random) -> str:
    kind = r.randrange(6)
    if kind == 0:
        return str(r.randrange(10))
    if kind == 1:
        return f"{r.randrange(1, 10**6):,}"
    if kind == 2:
        return str(r.randrange(10 ** r.randrange(4, 40)))
    if kind == 3:
        return f"{r.random() * 10 ** r.randrange(0, 30):.3g}"
    if kind == 4:
        return f"{r.randrange(-9999, 20000):04d}-{r.randrange(0, 14):02d}-{r.randrange(0, 33):02d}"
    return r.choice(["0", "00", "000", "0001", "9999", "10000", "1e309", "-1", "½", "٣٠"])


def random_text(seed: int, n_tokens: int = 4000) -> str:
    """A seeded soup of the things that break text layers: quote marks of every kind, numbers
    of every size and shape next to time units, odd Unicode and markup, in sentence-ish runs."""
    r = rng(f"text-{seed}")
    out = []
    for _ in range(n_tokens):
        x = r.random()
        if x < 0.55:
            out.append(r.choice(_POOL_WORDS))
        elif x < 0.72:
            out.append(random_number(r))
        elif x < 0.87:
            out.append(r.choice(_POOL_MARKS))
        else:
            out.append(r.choice(_POOL_ODD))
    return " ".join(out)


def mutate(data: bytes, seed: int) -> bytes:
    """A seeded corruption of a good file: flipped bytes, a cut, a duplicated or dropped run."""
    r = rng(f"mutate-{seed}")
    buf = bytearray(data)
    for _ in range(max(1, len(buf) // 200)):
        buf[r.randrange(len(buf))] = r.randrange(256)
    a = r.randrange(len(buf))
    b = min(len(buf), a + r.randrange(1, 400))
    op = r.randrange(3)
    if op == 0:
        buf[a:a] = buf[a:b]
    elif op == 1:
        del buf[a:b]
    else:
        del buf[r.randrange(len(buf) // 2, len(buf)) :]
    return bytes(buf)


def _vocabulary(r: random.Random, n: int) -> list[str]:
    on, vo, co = "bcdfghjklmnprstvwz", "aeiou", ["", "n", "r", "s", "t", "l", "nd", "st"]
    return [
        "".join(r.choice(on) + r.choice(vo) + r.choice(co) for _ in range(r.randrange(1, 4)))
        for _ in range(n)
    ]


def prose(tag: str, n_chars: int, marker: str = "Corvale") -> str:
    """``n_chars`` of varied paragraphs (no two share an opening or most of their words, so
    that cleaning keeps them all), three sentences each, the marker in the first."""
    r = rng(f"prose-{tag}")
    vocab = _vocabulary(r, 3000)
    paras: list[str] = []
    size = 0
    while size < n_chars:
        sentences = []
        for _ in range(3):
            ws = [r.choice(vocab) for _ in range(r.randrange(10, 22))]
            sentences.append(ws[0].capitalize() + " " + " ".join(ws[1:]) + ".")
        if not paras:
            sentences[0] = f"The {marker} inquiry opened on 3 March 2023. " + sentences[0]
        p = " ".join(sentences)
        paras.append(p)
        size += len(p) + 2
    return "\n\n".join(paras)


def random_bytes(tag: str, n: int) -> bytes:
    return rng(f"bytes-{tag}").randbytes(n)
