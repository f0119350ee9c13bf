"""Stories: group the current articles into stories, in stream order.

A build assigns only the articles no earlier build put in a story (the stream is replayed in
time order with the stored stories kept, see ``StoryIndex.replay``); ``storyline restory``
clusters every article again in one fresh pass and merges stories whose centroids now join each
other. The lead embeddings are computed in the build's runner (workers), a shard of leads per
task.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from storyline.faults import failure, isolated
from storyline.settings import DEFAULT, Settings
from storyline.stages.base import (
    BuildContext,
    report_failure,
)
from storyline.store.base import Store

if TYPE_CHECKING:
    from storyline.link.stories import Clustering, StoryInput
    from storyline.model import Corpus, InputFailure, Story
    from storyline.runners.base import Runner

__all__ = [
    "EMBED_SHARD",
    "RELATED_RESULT",
    "Restory",
    "StoriesStage",
    "cluster_all",
    "restory",
    "story_inputs",
    "with_related",
]

RELATED_RESULT = "stories.related"
"""Where the stage leaves each story's related ids in the build's ``results``."""
EMBED_SHARD = 64
"""Leads embedded per task: the model batches 32 at a time, and a task must outweigh the cost
of shipping it to a worker."""


@dataclass(frozen=True, slots=True)
class StoriesStage:
    """Group the current articles into stories. Returns how many stories."""

    name: str = "stories"

    def run(self, ctx: BuildContext) -> int:
        related: dict[str, tuple[str, ...]] = {}
        n = cluster_all(ctx.store, ctx.build_id, ctx.settings, ctx.runner, related=related)
        # For the corpus stage: ``with_related(corpus, ctx.results[RELATED_RESULT])`` before
        # it stores the corpus (the stories table has no place for them).
        ctx.results[RELATED_RESULT] = related
        return n


def embed_leads(leads: list[str], settings: Settings) -> list[bytes]:
    """A runner task: the unit-length embeddings of a shard of leads, as little-endian float32
    bytes (plain data for any runner)."""
    from storyline.analyse.lang import embeddings as emb

    return [v.astype("<f4").tobytes() for v in emb.embed(leads)]


def story_inputs(
    store: Store, build_id: int, settings: Settings, runner: Runner | None = None
) -> list[StoryInput]:
    """The build's :class:`StoryInput` records, with lead embeddings computed by ``runner``
    (this process when None) for the articles no stored layer gives one."""
    from storyline.analyse.lang import embeddings as emb
    from storyline.link.stories import inputs_from_store

    inputs = list(inputs_from_store(store, build_id, embeddings=False))
    missing = [i for i, a in enumerate(inputs) if a.embedding is None]
    if not missing or not emb.available():
        return inputs
    texts = store.clean_texts_of([inputs[i].id for i in missing])
    leads = [emb.lead_text(inputs[i].title, texts.get(inputs[i].id, "")) for i in missing]
    shards = [leads[lo : lo + EMBED_SHARD] for lo in range(0, len(leads), EMBED_SHARD)]
    done: Iterator[list[bytes]]
    if runner is None:
        done = (embed_leads(s, settings) for s in shards)
    else:
        # Two shards are worth a worker: each is seconds of model time.
        done = runner.map(embed_leads, shards, settings, min_batch=2)
    vectors = (np.frombuffer(v, dtype="<f4") for shard in done for v in shard)
    for i, v in zip(missing, vectors, strict=True):
        inputs[i] = replace(inputs[i], embedding=v)
    return inputs


def _stored_related(clustering: Clustering, rows: Sequence[Story]) -> dict[str, tuple[str, ...]]:
    """The related ids of ``clustering`` renamed to the ids the stored rows kept."""
    renamed = {s.id: r.id for s, r in _pair_rows(clustering.stories, rows)}
    return {
        renamed[sid]: tuple(renamed[o] for o in others if o in renamed)
        for sid, others in clustering.related.items()
        if sid in renamed
    }


def _pair_rows(found: Sequence[Story], rows: Sequence[Story]) -> list[tuple[Story, Story]]:
    by_first = {r.article_ids[0]: r for r in rows}
    return [(s, by_first[s.article_ids[0]]) for s in found if s.article_ids[0] in by_first]


def _keep_unchanged(rows: Sequence[Story], previous: Sequence[Story]) -> list[Story]:
    """A story whose articles did not change is stored as it was (its label and confidence:
    put back undecided, it would read as certain)."""
    before = {(p.id, p.article_ids): p for p in previous}
    return [before.get((r.id, r.article_ids), r) for r in rows]


def cluster_all(
    store: Store,
    build_id: int,
    settings: Settings,
    runner: Runner | None = None,
    *,
    related: dict[str, tuple[str, ...]] | None = None,
) -> int:
    """Group the current articles into stories and store them: the articles of stored stories
    stay where they are, the others are assigned in stream order, each story keeping its
    earlier id while it survives. A failure leaves the build without stories (named in
    ``errors``), never without a dossier. ``related`` gets each story's related ids."""

    def failed(exc: BaseException) -> None:
        report_failure(
            store, build_id, failure(exc, source="stories", stage="corpus", component="stories")
        )

    got = isolated(lambda: _cluster(store, build_id, settings, runner), failed, None)
    if got is None:
        return 0
    if related is not None:
        related.update(got.related)
    return len(got.stories)


def _cluster(
    store: Store, build_id: int, settings: Settings, runner: Runner | None, *, fresh: bool = False
) -> Clustering:
    from storyline.link import stories
    from storyline.link.story_sections import keep_story_ids

    inputs = story_inputs(store, build_id, settings, runner)
    previous = store.stories(build_id)
    current = {a.id for a in inputs}
    assigned: Mapping[str, str] = (
        {} if fresh else {a: s.id for s in previous for a in s.article_ids if a in current}
    )
    clustering = stories.cluster_with_related(inputs, assigned=assigned, merge=fresh)
    rows = _keep_unchanged(keep_story_ids(clustering.stories, previous), previous)
    with store.transaction():
        store.put_stories(build_id, rows)
    return stories.Clustering(tuple(rows), _stored_related(clustering, rows))


@dataclass(frozen=True, slots=True)
class Restory:
    """What ``restory`` changed."""

    before: int
    after: int
    kept: int
    """Stories whose articles did not change."""
    related: int
    """Related pairs stored."""

    def describe(self) -> str:
        return (
            f"{self.before} stories before, {self.after} after "
            f"({self.kept} unchanged); {self.related} related pairs"
        )


def restory(
    location: str | os.PathLike[str],
    settings: Settings = DEFAULT,
    *,
    out: str | os.PathLike[str] | None = None,
) -> Restory:
    """``storyline restory STORE``: cluster the last build's articles again in one fresh pass
    (what incremental builds decided is decided anew: a story may merge or split), merge the
    stories whose centroids now join each other, keep ids where a story survives, and store
    the stories and the corpus results with them (each story's related stories). With ``out``,
    ``dossier.json`` and ``report.html`` are written there again from the store."""
    from storyline.errors import StoreError
    from storyline.link.corpus import assemble_corpus
    from storyline.store import open_store

    with open_store(location) as store, store.writer_lock():
        build = store.last_build()
        if build is None:
            raise StoreError(f"{os.fspath(location)}: the store has no build yet")
        previous = store.stories(build)
        clustering = _cluster(store, build, settings, None, fresh=True)
        rows = clustering.stories
        if store.has_corpus(build):
            problems: list[InputFailure] = []
            corpus = assemble_corpus(store, build, errors=problems)
            corpus = with_related(corpus, clustering.related)
            for item in problems:
                report_failure(store, build, item)
            with store.transaction():
                store.put_corpus(build, corpus)
        if out is not None:
            _write_outputs(store, build, Path(out))
    kept = len({(s.id, s.article_ids) for s in rows} & {(s.id, s.article_ids) for s in previous})
    pairs = sum(len(v) for v in clustering.related.values()) // 2
    return Restory(len(previous), len(rows), kept, pairs)


def _write_outputs(store: Store, build: int, out: Path) -> None:
    from storyline.output.dossier import dossier_from_store, write_dossier
    from storyline.output.report import write_report

    dossier = dossier_from_store(store, build)
    out.mkdir(parents=True, exist_ok=True)
    write_dossier(dossier, out / "dossier.json")
    write_report(dossier, out / "report.html")


def with_related(corpus: Corpus, related: Mapping[str, Sequence[str]] | None) -> Corpus:
    """``corpus`` with each story's related ids (as :func:`cluster_all` found them)."""
    if not related or corpus.stories is None:
        return corpus
    stories = tuple(
        replace(s, related_story_ids=tuple(related.get(s.id, ()))) for s in corpus.stories
    )
    return replace(corpus, stories=stories)
