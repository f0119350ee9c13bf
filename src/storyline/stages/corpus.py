"""Corpus: the results across articles — entities resolved across the corpus, quotes with
their speakers and groups, the timeline, the stories section — assembled from the stored layers
and stored as tables, so the dossier, the report and the web app all read them from the store."""

from __future__ import annotations

from dataclasses import dataclass

from storyline.link.corpus import assemble_corpus
from storyline.model import InputFailure
from storyline.stages.base import BuildContext, report_failure
from storyline.stages.stories import RELATED_RESULT, with_related

__all__ = ["CorpusStage"]


@dataclass(frozen=True, slots=True)
class CorpusStage:
    """Assemble and store the corpus results of the build. A section that fails is stored
    empty and named in ``errors``; the others still come out. Returns how many entities."""

    timeline_dates: int | None = None
    timeline_sentences: int | None = None
    name: str = "corpus"

    def run(self, ctx: BuildContext) -> int:
        problems: list[InputFailure] = []
        corpus = assemble_corpus(
            ctx.store,
            ctx.build_id,
            max_dates=self.timeline_dates,
            max_sentences=self.timeline_sentences,
            errors=problems,
        )
        for item in problems:
            report_failure(ctx.store, ctx.build_id, item)
        # The stories stage's near misses: stories close to each other but not merged.
        corpus = with_related(corpus, ctx.results.get(RELATED_RESULT))
        with ctx.store.transaction():
            ctx.store.put_corpus(ctx.build_id, corpus)
        return len(corpus.entities)
