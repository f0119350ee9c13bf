"""The dossier's ``stories`` section: the stored stories with what belongs to each of them —
its people and organisations, outlets, timeline entries and quote groups — and the ``story_id``
of every timeline entry and quote group. Entities stay corpus-wide (one person across
stories); a story lists those its articles mention."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from storyline.model import Story

__all__ = ["keep_story_ids", "story_of_articles", "story_section"]


def keep_story_ids(found: Sequence[Story], previous: Sequence[Story]) -> list[Story]:
    """``found`` as rows to store, each story keeping the id of the earlier story it shares
    most articles with (so a story keeps its id when an earlier article joins it); a story with
    no earlier counterpart keeps the id the clustering gave it."""
    before = {a: r.id for r in previous for a in r.article_ids}
    taken: set[str] = set()
    out: list[Story] = []
    # Bigger stories choose first: a split keeps the id on its larger part.
    for story in sorted(found, key=lambda s: (-len(s.article_ids), s.id)):
        overlap = Counter(before[a] for a in story.article_ids if a in before)
        choice = next(
            (
                sid
                for sid, _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0]))
                if sid not in taken
            ),
            None,
        )
        sid = choice or story.id
        while sid in taken:
            sid += "'"
        taken.add(sid)
        out.append(replace(story, id=sid))
    return out


def story_of_articles(stories: Iterable[Story]) -> dict[str, str]:
    return {a: s.id for s in stories for a in s.article_ids}


def _majority(article_ids: Iterable[str], story_of: Mapping[str, str]) -> str | None:
    votes = Counter(story_of[a] for a in article_ids if a in story_of)
    if not votes:
        return None
    return min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def story_section(
    stories: Sequence[Story],
    articles: Sequence[Mapping[str, Any]],
    layers: Mapping[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The ``stories`` records; sets ``story_id`` on the timeline entries and quote groups of
    ``layers`` in place."""
    story_of = story_of_articles(stories)
    for entry in layers.get("timeline", []):
        entry["story_id"] = _majority(
            (e.get("article_id") for e in entry.get("evidence", [])), story_of
        )
    for group in layers.get("quote_groups", []):
        group["story_id"] = _majority(group.get("article_ids", []), story_of)
    outlet_of = {a["id"]: a.get("outlet") for a in articles}
    out = []
    for story in stories:
        members = set(story.article_ids)
        ranked = []
        for entity in layers.get("entities", []):
            shared = len(members.intersection(entity.get("article_ids", [])))
            if shared:
                ranked.append((-shared, -int(entity.get("mentions") or 0), entity["id"]))
        out.append(
            {
                "id": story.id,
                "title": story.label,
                "article_ids": list(story.article_ids),
                "first_date": story.first_date,
                "last_date": story.last_date,
                "size": len(story.article_ids),
                "entity_ids": [eid for *_, eid in sorted(ranked)],
                "outlets": sorted({o for a in story.article_ids if (o := outlet_of.get(a))}),
                "timeline_ids": [
                    t["id"] for t in layers.get("timeline", []) if t.get("story_id") == story.id
                ],
                "quote_group_ids": [
                    g["id"] for g in layers.get("quote_groups", []) if g.get("story_id") == story.id
                ],
                "related_story_ids": [],
                "confidence": story.confidence,
                "method": story.method,
            }
        )
    return out
