"""The report's list of stories: with more than one story in a dossier, its front page lists them
(size, dates, outlets, top people, a coverage sparkline), each linking to its own timeline
entries, quotes and articles further down the page. One story: no list, the page as before."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["SPARK_BINS", "StoryCard", "StoryListView", "story_list_view"]

SPARK_BINS = 24
"""Bars of a sparkline, over the whole dossier's span (so two stories' lines compare)."""
SPARK_WIDTH, SPARK_HEIGHT = 96, 18
TOP_PEOPLE = 3
OUTLETS_SHOWN = 3


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class StoryCard:
    element_id: str
    title: str
    size: str
    dates: str
    outlets: str
    people: tuple[Link, ...]
    sections: tuple[Link, ...]
    """Where the story's own entries are on the page: its first timeline entry, first
    article."""
    bars: tuple[Bar, ...]
    spark_label: str


@dataclass(frozen=True, slots=True)
class StoryListView:
    heading: str
    cards: tuple[StoryCard, ...]
    spark_width: int = SPARK_WIDTH
    spark_height: int = SPARK_HEIGHT


def _day(value: Any) -> int | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _bars(days: Sequence[int], lo: int, hi: int) -> tuple[Bar, ...]:
    if not days:
        return ()
    span = max(hi - lo, 1)
    counts = Counter(min(SPARK_BINS - 1, (d - lo) * SPARK_BINS // span) for d in days)
    top = max(counts.values())
    width = SPARK_WIDTH / SPARK_BINS
    out = []
    for b in sorted(counts):
        h = max(1.0, SPARK_HEIGHT * counts[b] / top)
        out.append(
            Bar(round(b * width, 2), round(SPARK_HEIGHT - h, 2), round(width - 1, 2), round(h, 2))
        )
    return tuple(out)


def story_list_view(dossier: Mapping[str, Any]) -> StoryListView | None:
    """The list, or None when the dossier has fewer than two stories."""
    from storyline.output.report import anchor_id

    stories = [s for s in dossier.get("stories") or [] if isinstance(s, Mapping)]
    if len(stories) < 2:
        return None
    published = {
        a.get("id"): _day(a.get("published"))
        for a in dossier.get("articles") or []
        if isinstance(a, Mapping)
    }
    known = [d for d in published.values() if d is not None]
    lo, hi = (min(known), max(known)) if known else (0, 0)
    people = {
        e.get("id"): e.get("name")
        for e in dossier.get("entities") or []
        if isinstance(e, Mapping) and e.get("type") == "PERSON" and e.get("name")
    }
    cards = []
    for s in stories:
        sid = str(s.get("id") or "")
        ids = [str(a) for a in s.get("article_ids") or []]
        first, last = s.get("first_date"), s.get("last_date")
        dates = "undated" if not first else first if first == last else f"{first} – {last}"
        outlets = [str(o) for o in s.get("outlets") or []]
        shown = ", ".join(outlets[:OUTLETS_SHOWN])
        more = len(outlets) - OUTLETS_SHOWN
        top = [eid for eid in s.get("entity_ids") or [] if eid in people][:TOP_PEOPLE]
        sections = []
        timeline = s.get("timeline_ids") or []
        if timeline:
            n = len(timeline)
            label = f"{n} timeline {'entry' if n == 1 else 'entries'}"
            sections.append(Link(label, f"#t-{anchor_id(str(timeline[0]))}"))
        if ids:
            sections.append(Link(_plural(len(ids), "article"), f"#a-{anchor_id(ids[0])}"))
        days = [d for a in ids if (d := published.get(a)) is not None]
        cards.append(
            StoryCard(
                element_id=f"st-{anchor_id(sid)}",
                title=str(s.get("title") or sid),
                size=_plural(len(ids), "article"),
                dates=dates,
                outlets=shown + (f" +{more}" if more > 0 else ""),
                people=tuple(Link(str(people[e]), f"#e-{anchor_id(str(e))}") for e in top),
                sections=tuple(sections),
                bars=_bars(days, lo, hi),
                spark_label=f"coverage: {_plural(len(days), 'dated article')}",
            )
        )
    return StoryListView(heading=f"{len(cards)} stories", cards=tuple(cards))
