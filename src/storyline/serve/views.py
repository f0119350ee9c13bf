"""What the pages show, computed from the corpus: an article's text cut into segments with its
layers (quotes by speaker, mentions linked to entity pages, time expressions with their values),
the SVG timeline and sparklines, role histories, co-mentions. Plain values only: the templates
escape everything (autoescape), and nothing here builds markup from data.

Every fact links to its sentence as ``/articles/{id}?hl={start}-{end}#c{start}-{end}``: the page
marks exactly that span (``<mark id="c{start}-{end}">``), so the link lands on it without
JavaScript.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from storyline.output.report import safe_text, safe_url
from storyline.store.app import HIGHLIGHT_END, HIGHLIGHT_START, Corpus

__all__ = [
    "Segment",
    "article_paragraphs",
    "entity_link",
    "fact_link",
    "highlight_parts",
    "parse_span",
    "sparkline",
    "timeline_svg",
]

SPEAKER_COLOURS = 8
"""Quote colours (classes sp0..sp7): speakers of one article take them in order."""
_SPAN = re.compile(r"^(\d{1,9})-(\d{1,9})$")


def article_url(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def entity_link(entity_id: str) -> str:
    return "/entities/" + quote(entity_id, safe="")


def story_link(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


def fact_link(article_id: str, start: Any, end: Any) -> str:
    """The link to a span of an article: the page marks it and scrolls to it."""
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError):
        return article_url(article_id)
    return f"{article_url(article_id)}?hl={s}-{e}#c{s}-{e}"


def parse_span(value: str | None) -> tuple[int, int] | None:
    m = _SPAN.match(value or "")
    if not m:
        return None
    s, e = int(m.group(1)), int(m.group(2))
    return (s, e) if e > s else None


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return urlencode(merged)


def highlight_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, highlighted) parts: the markers the store put around matches
    become a flag, and the text stays text."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(re.split(f"[{HIGHLIGHT_START}{HIGHLIGHT_END}]", safe_text(snippet))):
        if chunk:
            parts.append((chunk, i % 2 == 1))
    return parts


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    classes: str
    href: str | None = None
    title: str | None = None
    anchors: tuple[str, ...] = ()
    """Element ids starting here (``c{start}-{end}`` of the highlighted span, ``q{n}`` of a
    quote)."""


def _entity_lookup(corpus: Corpus, article_id: str, layer: Mapping[str, Any]) -> dict[int, str]:
    """The article's entity-layer clusters mapped to corpus entity ids, by name and alias among
    the entities this article belongs to."""
    names: dict[str, str] = {}
    for e in corpus.entities:
        if article_id in e.get("article_ids", []):
            for n in (e.get("name"), *e.get("aliases", [])):
                if n:
                    names.setdefault(str(n).casefold(), str(e["id"]))
    out: dict[int, str] = {}
    for c in layer.get("clusters", []):
        for n in (c.get("name"), *c.get("aliases", [])):
            found = names.get(str(n or "").casefold())
            if found:
                out[int(c["id"])] = found
                break
    return out


def article_paragraphs(
    corpus: Corpus,
    record: Mapping[str, Any],
    highlight: tuple[int, int] | None,
) -> tuple[list[list[Segment]], list[tuple[str, str | None, int]]]:
    """The article's text as paragraphs of segments, and its speakers' legend
    ``(name, entity id, colour)``."""
    text = safe_text(str(record.get("text") or ""))
    layers = record.get("layers") or {}
    aid = str(record["id"])
    n = len(text)
    spans: list[tuple[int, int, str, dict[str, Any]]] = []
    # The corpus quotes (speakers resolved across articles) of this article; the layer's when the
    # article is not in the current build.
    quotes = list(corpus.quotes_by_article.get(aid, [])) or [
        q for q in layers.get("quotes", []) if q.get("method") not in ("quotes.scare",)
    ]
    speakers: list[tuple[str, str | None]] = []
    for q in quotes:
        key = (str(q.get("speaker") or "unknown speaker"), q.get("speaker_entity_id"))
        if key not in speakers:
            speakers.append(key)
    for i, q in enumerate(quotes):
        key = (str(q.get("speaker") or "unknown speaker"), q.get("speaker_entity_id"))
        colour = speakers.index(key) % SPEAKER_COLOURS
        title = f"{key[0]}" + (f" — {q['cue']['text']}" if isinstance(q.get("cue"), dict) else "")
        spans.append(
            (
                int(q.get("start") or 0),
                int(q.get("end") or 0),
                "quote",
                {"cls": f"q sp{colour}", "title": title, "anchor": f"q{i}"},
            )
        )
    ent_layer = layers.get("entities") or {}
    resolved = record.get("mentions")
    lookup = _entity_lookup(corpus, aid, ent_layer) if ent_layer and resolved is None else {}
    for m in resolved if resolved is not None else ent_layer.get("mentions", []):
        cluster = m.get("cluster")
        if resolved is not None:
            eid = m.get("entity_id")
        else:
            eid = lookup.get(int(cluster)) if isinstance(cluster, int) else None
        # A merge may have removed the entity a stored mention names.
        if eid is None or eid not in corpus.by_entity or m.get("kind") == "pronoun":
            continue
        spans.append(
            (
                int(m["start"]),
                int(m["end"]),
                "mention",
                {
                    "cls": "m",
                    "href": entity_link(eid),
                    "title": (corpus.by_entity.get(eid) or {}).get("name"),
                },
            )
        )
    for t in layers.get("timexes", []):
        spans.append(
            (
                int(t["start"]),
                int(t["end"]),
                "timex",
                {"cls": "tx", "title": f"{t.get('type')}: {t.get('value')}"},
            )
        )
    if highlight is not None:
        s, e = highlight
        spans.append((max(0, s), min(n, e), "hl", {"cls": "hl", "anchor": f"c{s}-{e}"}))
    spans = [(s, e, k, d) for s, e, k, d in spans if 0 <= s < e <= n]
    cuts = {0, n}
    for s, e, _, _ in spans:
        cuts.update((s, e))
    for i, ch in enumerate(text):
        if ch == "\n":
            cuts.update((i, i + 1))
    points = sorted(cuts)
    starts: dict[int, list[tuple[int, int, str, dict[str, Any]]]] = defaultdict(list)
    for sp in spans:
        starts[sp[0]].append(sp)
    active: list[tuple[int, int, str, dict[str, Any]]] = []
    paragraphs: list[list[Segment]] = [[]]
    for a, b in itertools.pairwise(points):
        active = [sp for sp in active if sp[1] > a] + starts.get(a, [])
        piece = text[a:b]
        if piece == "\n":
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        classes = " ".join(sorted({str(sp[3]["cls"]) for sp in active}))
        href = next((sp[3].get("href") for sp in active if sp[2] == "mention"), None)
        titles = [str(sp[3]["title"]) for sp in active if sp[3].get("title")]
        anchors = tuple(str(sp[3]["anchor"]) for sp in starts.get(a, []) if sp[3].get("anchor"))
        paragraphs[-1].append(Segment(piece, classes, href, " · ".join(titles) or None, anchors))
    legend = [(name, eid, i % SPEAKER_COLOURS) for i, (name, eid) in enumerate(speakers)]
    return [p for p in paragraphs if p], legend


def _ordinal(date: str | None) -> int | None:
    if not date:
        return None
    parts = date.split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 7
        d = int(parts[2]) if len(parts) > 2 else (15 if len(parts) > 1 else 1)
        return _dt.date(y, m, d).toordinal()
    except (ValueError, IndexError):
        return None


@dataclass(frozen=True, slots=True)
class SvgMark:
    x: float
    y: float
    href: str
    title: str


@dataclass(frozen=True, slots=True)
class SvgTick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Svg:
    width: int
    height: int
    marks: tuple[SvgMark, ...]
    ticks: tuple[SvgTick, ...]
    points: str = ""


def timeline_svg(entries: Sequence[Mapping[str, Any]], width: int = 900) -> Svg | None:
    """Dots on a date axis, one per timeline entry, each linking to its first evidence; entries
    on one date stack."""
    dated = [(o, e) for e in entries if (o := _ordinal(e.get("date"))) is not None]
    if not dated:
        return None
    lo = min(o for o, _ in dated)
    hi = max(o for o, _ in dated)
    span = max(hi - lo, 1)
    pad = 20
    stack: Counter[int] = Counter()
    marks = []
    for o, e in sorted(dated, key=lambda x: x[0]):
        x = pad + (o - lo) / span * (width - 2 * pad)
        bucket = round(x / 6)
        level = stack[bucket]
        stack[bucket] += 1
        ev = (e.get("evidence") or [{}])[0]
        href = (
            fact_link(str(ev["article_id"]), ev.get("start"), ev.get("end"))
            if ev.get("article_id")
            else "#t-" + str(e.get("id"))
        )
        marks.append(
            SvgMark(
                round(x, 1),
                70 - min(level, 8) * 7,
                href,
                f"{e.get('date')}: {e.get('summary')}"[:300],
            )
        )
    ticks = []
    first = _dt.date.fromordinal(lo)
    last = _dt.date.fromordinal(hi)
    months = (last.year - first.year) * 12 + last.month - first.month
    step = max(1, months // 8 + (1 if months % 8 else 0)) if months else 1
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        o = _dt.date(y, m, 1).toordinal()
        if o >= lo:
            ticks.append(
                SvgTick(round(pad + (o - lo) / span * (width - 2 * pad), 1), f"{y}-{m:02d}")
            )
        m += step
        while m > 12:
            m -= 12
            y += 1
    if not ticks:
        ticks.append(SvgTick(pad, first.isoformat()))
    return Svg(width, 100, tuple(marks), tuple(ticks))


def sparkline(dates: Iterable[str | None], width: int = 160, height: int = 28) -> Svg | None:
    """Articles per week as a polyline."""
    ords = sorted(o for d in dates if (o := _ordinal(d)) is not None)
    if not ords:
        return None
    lo, hi = ords[0], ords[-1]
    weeks = max((hi - lo) // 7 + 1, 1)
    counts = [0] * weeks
    for o in ords:
        counts[(o - lo) // 7] += 1
    top = max(counts)
    step = width / max(weeks - 1, 1)
    pts = " ".join(
        f"{round(i * step, 1)},{round(height - 2 - c / top * (height - 4), 1)}"
        for i, c in enumerate(counts)
    )
    if weeks == 1:
        pts = f"0,{height / 2} {width},{height / 2}"
    return Svg(width, height, (), (), pts)


@dataclass(frozen=True, slots=True)
class RoleRow:
    title: str
    first: str | None
    last: str | None
    sources: tuple[tuple[str, str], ...]
    """(label, link) per article stating it."""


def role_history(
    corpus: Corpus, entity: Mapping[str, Any], spans: Mapping[tuple[str, str], tuple[int, int]]
) -> list[RoleRow]:
    """The entity's roles, one row per title (first and last date it was stated), each with
    links to the sentences stating it (``spans``: (article id, title) → offsets)."""
    by_title: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in entity.get("roles", []):
        by_title[str(r.get("title") or "").strip()].append(r)
    rows = []
    for title, items in by_title.items():
        dates = sorted(d for r in items if (d := r.get("date")))
        sources = []
        for r in items:
            aid = str(r.get("article_id"))
            art = corpus.by_article.get(aid) or {}
            label = (
                f"{art.get('outlet') or aid}{', ' + str(r.get('date')) if r.get('date') else ''}"
            )
            sp = spans.get((aid, title.casefold()))
            sources.append((label, fact_link(aid, *sp) if sp else article_url(aid)))
        rows.append(
            RoleRow(
                title,
                dates[0] if dates else None,
                dates[-1] if dates else None,
                tuple(dict.fromkeys(sources)),
            )
        )
    rows.sort(key=lambda r: (r.first or "9999", r.title))
    return rows


def co_mentioned(
    corpus: Corpus, entity: Mapping[str, Any], limit: int = 15
) -> list[tuple[dict[str, Any], int]]:
    mine = set(entity.get("article_ids", []))
    scored = []
    for other in corpus.entities:
        if other is entity or other.get("id") == entity.get("id"):
            continue
        n = len(mine.intersection(other.get("article_ids", [])))
        if n:
            scored.append((other, n))
    scored.sort(key=lambda x: (-x[1], -int(x[0].get("mentions") or 0), str(x[0].get("name"))))
    return scored[:limit]


def link_url(value: Any) -> str | None:
    """An http(s) URL that may become a link; anything else (``javascript:``...) stays text."""
    url = safe_url(value)
    return url if url and not url.lower().startswith("mailto:") else None
