"""One story's dossier: its articles, its own timeline, quote groups, people and roles, outlets
and duplicate groups, computed from the story's articles only (``storyline story STORE ID`` and
``storyline build ... --story ID``).

Entities are resolved over the whole build (a person is one entity across stories, so a story's
dossier names people by the same ids as the build's), then kept to those the story's articles
mention, with the story's own mention counts, roles and article lists.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import Any

from storyline.errors import StorylineError
from storyline.model import DuplicateGroup, InputFailure
from storyline.store.base import Store

__all__ = ["UnknownStoryError", "story_dossier", "write_story_outputs"]


class UnknownStoryError(StorylineError):
    """The store's last build has no story with the id asked for."""


def _story_of(store: Store, build: int, story_id: str, where: str) -> Any:
    stories = store.stories(build)
    for story in stories:
        if story.id == story_id:
            return story
    sample = ", ".join(s.id for s in stories[:3])
    known = f" (it has {len(stories)}: {sample}{', ...' if len(stories) > 3 else ''})"
    raise UnknownStoryError(
        f"{where}: no story {story_id!r} in the last build{known if stories else ''}; "
        f"list the story ids with: storyline stories {where}"
    )


def _story_groups(groups: list[DuplicateGroup], members: Collection[str]) -> list[DuplicateGroup]:
    """The duplicate groups within the story (a rewrite always joins its original's story, so
    a group is whole in one story; a group cut by a story's edge keeps the part inside)."""
    out = []
    for g in groups:
        inside = tuple(a for a in g.article_ids if a in members)
        if len(inside) < 2:
            continue
        canonical = g.canonical if g.canonical in inside else inside[0]
        out.append(DuplicateGroup(inside, g.kind, g.similarity, canonical))
    return out


def story_dossier(
    store: Store,
    build: int,
    story_id: str,
    *,
    where: str = "the store",
    max_dates: int | None = None,
    max_sentences: int | None = None,
) -> dict[str, Any]:
    """The dossier (``dossier.json`` contract) of one stored story of ``build``. An unknown id
    is an :class:`UnknownStoryError` saying how to list the ids (``where`` names the store)."""
    from storyline.link.corpus import assemble_corpus
    from storyline.output.dossier import make_dossier

    story = _story_of(store, build, story_id, where)
    members = set(story.article_ids)
    problems: list[InputFailure] = []
    corpus = assemble_corpus(
        store,
        build,
        max_dates=max_dates,
        max_sentences=max_sentences,
        errors=problems,
        article_ids=members,
    )
    sections = corpus.to_sections()
    counts = Counter(m.entity_id for m in corpus.mentions if m.entity_id)
    entities = []
    for e in sections["entities"]:
        arts = [a for a in e["article_ids"] if a in members]
        if not arts:
            continue
        if len(arts) < len(e["article_ids"]):
            # Named outside the story too: the story's own count (of the text's mentions; a
            # caption's are not among the resolved mentions, so one named only there keeps 1).
            e["mentions"] = counts.get(e["id"], 0) or min(int(e["mentions"]), 1)
        e["article_ids"] = arts
        e["roles"] = [r for r in e["roles"] if r["article_id"] in members]
        entities.append(e)
    entities.sort(key=lambda e: (-e["mentions"], e["name"], e["id"]))
    sections["entities"] = entities
    record = next((s for s in sections.get("stories", []) if s["id"] == story_id), None)
    if record is not None:
        known = {e["id"] for e in entities}
        record["entity_ids"] = [eid for eid in record["entity_ids"] if eid in known]
        record["related_story_ids"] = _related_of(store, build, story_id)
    sections["stories"] = [record] if record is not None else []
    groups = store.duplicate_groups(build)
    if groups is None:
        from storyline.link.duplicates import group_edges

        edges = [e for e in store.current_edges(build) if e.a in members and e.b in members]
        groups = group_edges(edges, store.published_of({i for e in edges for i in (e.a, e.b)}))
    errors = [e for e in store.errors(build) if e.article_id in members] + problems
    rows = [r for r in store.article_rows(build) if r.id in members]
    groups_in = _story_groups(groups, members)
    return make_dossier(rows, groups_in, errors, corpus.mentions, **sections)


def _related_of(store: Store, build: int, story_id: str) -> list[str]:
    """The related stories the build stored for this story (none before the corpus is)."""
    if not store.has_corpus(build):
        return []
    for s in store.story_summaries(build):
        if s.id == story_id:
            return list(s.related_story_ids)
    return []


def write_story_outputs(
    location: str | os.PathLike[str],
    story_id: str,
    out: str | os.PathLike[str],
    *,
    max_dates: int | None = None,
    max_sentences: int | None = None,
) -> tuple[Path, Path]:
    """Write ``dossier.json`` and ``report.html`` of one story of the store's last build into
    ``out``; returns their paths."""
    from storyline.output.dossier import write_dossier
    from storyline.output.report import write_report
    from storyline.store import open_store

    where = os.fspath(location)
    with open_store(location) as store:
        build = store.last_build()
        if build is None:
            raise UnknownStoryError(f"{where}: the store has no build yet (run storyline build)")
        dossier = story_dossier(
            store,
            build,
            story_id,
            where=where,
            max_dates=max_dates,
            max_sentences=max_sentences,
        )
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    title = dossier["stories"][0]["title"] if dossier["stories"] else None
    write_dossier(dossier, target / "dossier.json")
    write_report(dossier, target / "report.html", title=title)
    return target / "dossier.json", target / "report.html"
