"""Link: index re-cleaned articles for duplicates and rewrites, then group all current links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storyline.faults import failure, isolated
from storyline.link.duplicates import LinkRun, group_edges, link_articles
from storyline.model import DuplicateGroup, InputFailure
from storyline.settings import Settings
from storyline.stages.base import (
    BuildContext,
    article_failures,
    log,
    report_failure,
    store_faults,
)
from storyline.stages.progress import Bar
from storyline.store.base import Store


@dataclass(frozen=True, slots=True)
class LinkStage:
    """Index re-cleaned articles for duplicates, then group all current duplicate links.
    Returns the duplicate groups."""

    name: str = "link"

    def run(self, ctx: BuildContext) -> list[DuplicateGroup]:
        return link_all(ctx.store, ctx.build_id, ctx.settings, ctx.bar)


def link_all(store: Store, build_id: int, settings: Settings, bar: Bar) -> list[DuplicateGroup]:
    dirty = store.needing_link(build_id)
    bar.stage("link", len(dirty))
    run = LinkRun()
    with store.transaction():
        for start in range(0, len(dirty), settings.link_batch):
            batch = dirty[start : start + settings.link_batch]
            _link_batch(store, batch, build_id, settings, run)
            bar.advance("link", len(batch))
            store.checkpoint()
            log.debug("link: committed %d articles", start + len(batch))
        edges = store.current_edges(build_id)
        ids = {i for e in edges for i in (e.a, e.b)}

        def grouping_failed(exc: BaseException) -> None:
            report_failure(
                store, build_id, failure(exc, source="duplicates", stage="link", component="groups")
            )

        groups: list[DuplicateGroup] = isolated(
            lambda: group_edges(edges, store.published_of(ids)), grouping_failed, []
        )
        store.set_duplicate_of(
            build_id, {m: g.canonical for g in groups for m in g.article_ids if m != g.canonical}
        )
        store.put_duplicate_groups(build_id, groups)
    return groups


def _link_batch(
    store: Store, batch: Sequence[str], build_id: int, settings: Settings, run: LinkRun
) -> None:
    """Link ``batch``; if that fails, each article alone, so one bad article is only left out
    of the duplicate index (and named in ``errors``). A fault of the store itself stops."""
    try:
        with store.savepoint():
            link_articles(store, batch, build_id, settings, run)
        store.set_article_errors(batch, "link", [])
        return
    except store_faults(store):
        raise
    except Exception:
        pass
    # The failed batch's articles are half in the in-memory index and rolled back in the
    # store: from here on what earlier batches indexed is looked up in the store.
    run.reset()
    for aid in batch:
        try:
            with store.savepoint():
                link_articles(store, [aid], build_id, settings)
            problems: list[InputFailure] = []
        except store_faults(store):
            raise
        except Exception as exc:
            problems = [
                failure(exc, source=aid, stage="link", component="duplicates", article_id=aid)
            ]
            store.mark_linked_many([aid])
        article_failures(store, [aid], "link", problems)
