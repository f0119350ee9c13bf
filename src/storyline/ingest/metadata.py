"""Article metadata read from the text itself: brand lines, datelines, bylines and an outlet's
references to itself. Each value says where it came from; lines that are only metadata are
handed to the cleaner to strip (with their reason), so the body holds news alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from storyline.ingest.dates import DATELINE, parse_written_date
from storyline.model import MetaValue

__all__ = [
    "Strip",
    "TextMetadata",
    "detect_metadata",
    "headline_title",
    "iter_lines",
    "url_host",
]

# General vocabulary of news brands, not a list of outlets: it lets a short first line such as
# "Evening Herald" or "London24NEWS" be recognised as a masthead.
_MEDIA_WORDS = (
    "news|times|post|telegraph|guardian|herald|mail|journal|gazette|tribune|independent|express|"
    "mirror|standard|chronicle|observer|daily|today|online|media|press|reporter|review|star|sun|"
    "record|courier|echo|insider|wire|bulletin|register|examiner|inquirer|monitor|dispatch|"
    "sentinel|globe|week|weekly|tv|radio|network|magazine|channel|politico|axios|report"
)
_MEDIA_WORD = re.compile(rf"(?:{_MEDIA_WORDS})$", re.IGNORECASE)
_BRANDISH = re.compile(
    r"[A-Za-z]+\d+[A-Za-z]*|[a-z][A-Z]{2,}|\b[\w-]+\.(?:com|co\.uk|org|net|news|ie|au)\b"
)
_NAME = r"[A-Z][\w’'.-]*"
_OUTLET = rf"(?P<o>[Tt]he[ \t]+(?:{_NAME}[ \t]+){{0,2}}{_NAME}|{_NAME}(?:[ \t]+{_NAME}){{0,2}})"
_SELF_REFERENCES: tuple[tuple[re.Pattern[str], float, str], ...] = (
    (
        re.compile(rf"\b(?:notifications|alerts|newsletters?|emails?|updates)\s+from\s+{_OUTLET}"),
        1.0,
        "notifications-from",
    ),
    (
        re.compile(rf"\b(?:support|subscribe to|sign up to|donate to)\s+{_OUTLET}"),
        0.8,
        "support-outlet",
    ),
    (
        re.compile(
            rf"{_OUTLET}\s+(?:understands|has learned|has learnt|can reveal|can disclose|has seen|has been told|has obtained)\b"
        ),
        1.0,
        "outlet-understands",
    ),
    (
        re.compile(rf"{_OUTLET}\s+is\s+(?:on the ground|trusted by|independent|funded by)\b"),
        0.8,
        "outlet-is",
    ),
    (re.compile(rf"\b(?:told|speaking to|in an interview with)\s+{_OUTLET}"), 0.3, "told-outlet"),
)
_NOT_OUTLET = {
    "The Prime Minister",
    "The President",
    "The Government",
    "The Labour Party",
    "The Party",
}
_BYLINE = re.compile(
    rf"^\s*(?:By|Written by|Words by)\s+(?P<name>{_NAME}(?:\s+(?:{_NAME}|and|&|de|van|von|der|al)){{0,6}})"
    r"\s*(?:[,|].{0,80})?$"
)
_BARE_NAME = re.compile(rf"^\s*{_NAME}(?:\s+{_NAME}){{1,3}}\s*$")
_HEAD_LINES = 15
# A masthead is a few short words ("London24NEWS", "The Evening Herald").
_MAX_BRAND_CHARS = 80


@dataclass(frozen=True, slots=True)
class Strip:
    """A span of the text that is metadata, not news: the cleaner removes it with ``reason``."""

    start: int
    end: int
    reason: str
    method: str


@dataclass(slots=True)
class TextMetadata:
    meta: dict[str, MetaValue] = field(default_factory=dict)
    strip: list[Strip] = field(default_factory=list)


def iter_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, without surrounding whitespace."""
    spans = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return spans


def detect_metadata(
    text: str, given: dict[str, MetaValue], lines: list[tuple[int, int]] | None = None
) -> TextMetadata:
    """Find metadata in ``text``; values in ``given`` (from the container: header line, HTML,
    JSONL) win over what the text suggests, but the text's metadata lines are stripped anyway.
    ``lines`` may carry ``iter_lines(text)`` when the caller has it already."""
    out = TextMetadata(meta=dict(given))
    if lines is None:
        lines = iter_lines(text)
    head = lines[:_HEAD_LINES]
    header = given.get("published")
    if header is not None and header.source == "header" and header.end is not None:
        out.strip.append(Strip(header.start or 0, header.end, "date header", "ingest.txt-header"))

    dateline_idx = set()
    for i, (s, e) in enumerate(head):
        line = text[s:e]
        if header is not None and header.source == "header" and s < (header.end or 0):
            line = text[header.end or 0 : e]
            s = header.end or 0
        if DATELINE.match(line):
            iso = parse_written_date(line)
            dateline_idx.add(i)
            out.strip.append(Strip(s, e, "dateline", "ingest.dateline"))
            if iso and "published" not in out.meta:
                out.meta["published"] = MetaValue(iso, "dateline", "ingest.dateline", 0.95, s, e)

    for i, (s, e) in enumerate(head):
        line = text[s:e]
        m = _BYLINE.match(line)
        near_dateline = (i - 1) in dateline_idx or (i + 1) in dateline_idx
        if m or (near_dateline and _BARE_NAME.match(line) and i not in dateline_idx):
            name = m.group("name") if m else line.strip()
            out.strip.append(Strip(s, e, "byline", "ingest.byline"))
            if "byline" not in out.meta:
                out.meta["byline"] = MetaValue(
                    name, "byline-line", "ingest.byline", 0.8 if m else 0.6, s, e
                )
            break

    if lines:
        s, e = lines[0]
        first = text[s:e]
        if _is_brand_line(first) and len(lines) > 1:
            out.strip.append(Strip(s, e, "brand line (outlet masthead)", "ingest.brand-line"))
            if "outlet" not in out.meta:
                out.meta["outlet"] = MetaValue(
                    first.strip(), "brand-line", "ingest.brand-line", 0.8, s, e
                )

    if "outlet" not in out.meta:
        outlet = _self_reference(text)
        if outlet is not None:
            out.meta["outlet"] = outlet
    if "outlet" not in out.meta and "url" in out.meta:
        host = url_host(out.meta["url"].value)
        if host:
            out.meta["outlet"] = MetaValue(host, "url", "ingest.url-domain", 0.6)
    return out


def url_host(url: str) -> str | None:
    """The host a URL names, without ``www.``; None for a URL without one or a malformed one
    ('http://[::1' makes urlsplit raise)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _is_brand_line(line: str) -> bool:
    if len(line) > _MAX_BRAND_CHARS:
        return False  # also keeps _BRANDISH, quadratic in one long word, off a 5 MB line
    words = line.split()
    if not 1 <= len(words) <= 4 or line.rstrip()[-1:] in ".!?:\"”’'":
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() for w in words):
        return False
    return bool(_BRANDISH.search(line)) or any(_MEDIA_WORD.match(w) for w in words)


# Substrings without which a self-reference pattern cannot match: patterns that begin with an
# outlet name would otherwise be tried at every capital letter of every article.
_SELF_TRIGGERS = {
    "notifications-from": (
        "notifications from",
        "alerts from",
        "newsletter",
        "emails from",
        "updates from",
    ),
    "support-outlet": ("support ", "subscribe to", "sign up to", "donate to"),
    "outlet-understands": (
        "understands",
        "has learned",
        "has learnt",
        "can reveal",
        "can disclose",
        "has seen",
        "has been told",
        "has obtained",
    ),
    "outlet-is": (" is on the ground", " is trusted by", " is independent", " is funded by"),
    "told-outlet": ("told ", "speaking to", "interview with"),
}


# The words a self-reference pattern begins with (after ``\b``), where it begins with words:
# its matches are looked for only where one of them stands, which spares the regex a try at
# every position of the article.
_SELF_STARTS = {
    "notifications-from": ("notifications", "alerts", "newsletter", "email", "updates"),
    "support-outlet": ("support", "subscribe to", "sign up to", "donate to"),
    "told-outlet": ("told", "speaking to", "in an interview with"),
}


def _finditer(pattern: re.Pattern[str], name: str, text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, tried only where the pattern can begin."""
    starts = _SELF_STARTS.get(name)
    if starts is None:
        yield from pattern.finditer(text)
        return
    positions: set[int] = set()
    for word in starts:
        i = text.find(word)
        while i >= 0:
            positions.add(i)
            i = text.find(word, i + 1)
    end = 0
    for pos in sorted(positions):
        if pos < end:
            continue
        m = pattern.match(text, pos)
        if m:
            yield m
            end = m.end()


def _self_reference(text: str) -> MetaValue | None:
    votes: dict[str, float] = {}
    where: dict[str, tuple[int, int, str]] = {}
    for pattern, weight, name in _SELF_REFERENCES:
        if not any(t in text for t in _SELF_TRIGGERS[name]):
            continue
        for m in _finditer(pattern, name, text):
            outlet = m.group("o").strip(" .,’'")
            if outlet in _NOT_OUTLET or len(outlet) < 3:
                continue
            votes[outlet] = votes.get(outlet, 0.0) + weight
            where.setdefault(outlet, (m.start("o"), m.end("o"), name))
    if not votes:
        return None
    outlet, score = max(votes.items(), key=lambda kv: kv[1])
    if score < 0.5:
        return None
    s, e, method = where[outlet]
    return MetaValue(
        outlet, "self-reference", f"ingest.self-reference:{method}", min(1.0, score / 2 + 0.4), s, e
    )


def headline_title(meta: dict[str, MetaValue], text: str) -> dict[str, MetaValue]:
    """``meta`` with a headline-like first paragraph of the clean ``text`` as its title, when the
    container gave none (run after cleaning: the raw text's first line is often a masthead)."""
    if "title" in meta:
        return meta
    first, _, rest = text.partition("\n\n")
    words = first.split()
    if rest and 3 <= len(words) <= 25 and first.rstrip()[-1:] not in ".:;,\"”’'":
        meta = dict(meta)
        meta["title"] = MetaValue(first.strip(), "first-line", "clean.headline", 0.7, 0, len(first))
    return meta
