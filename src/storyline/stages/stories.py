"""Stories: group the current articles into stories, in stream order."""

from __future__ import annotations

from dataclasses import dataclass

from storyline.faults import failure, isolated
from storyline.settings import Settings
from storyline.stages.base import (
    BuildContext,
    report_failure,
)
from storyline.store.base import Store


@dataclass(frozen=True, slots=True)
class StoriesStage:
    """Group the current articles into stories. Returns how many stories."""

    name: str = "stories"

    def run(self, ctx: BuildContext) -> int:
        return cluster_all(ctx.store, ctx.build_id, ctx.settings)


def cluster_all(store: Store, build_id: int, settings: Settings) -> int:
    """Group the current articles into stories (one online pass in stream order over their
    stored layers) and store them, each story keeping its earlier id while it survives. A
    failure leaves the build without stories (named in ``errors``), never without a dossier."""
    from storyline.link.stories import cluster_stories, inputs_from_store
    from storyline.link.story_sections import keep_story_ids

    def failed(exc: BaseException) -> None:
        report_failure(
            store, build_id, failure(exc, source="stories", stage="corpus", component="stories")
        )

    found = isolated(lambda: cluster_stories(inputs_from_store(store, build_id)), failed, None)
    if found is None:
        return 0
    with store.transaction():
        store.put_stories(build_id, keep_story_ids(found, store.stories(build_id)))
    return len(found)
