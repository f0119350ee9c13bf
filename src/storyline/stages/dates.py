"""Dates: an undated article takes the date of the dated articles it shares news sentences with."""

from __future__ import annotations

from dataclasses import dataclass

from storyline.faults import failure
from storyline.model import InputFailure
from storyline.settings import Settings
from storyline.stages.base import (
    BuildContext,
    article_failures,
)
from storyline.store.base import Store


@dataclass(frozen=True, slots=True)
class DatesStage:
    """Date the undated articles whose text changed. Returns how many got a date."""

    name: str = "dates"

    def run(self, ctx: BuildContext) -> int:
        return infer_dates(ctx.store, ctx.build_id, ctx.settings)


_KEPT_TEXTS = 4_096
"""Texts (and their sentence tokens) kept between undated articles: the dated articles most of
them are compared with (`Settings.infer_date_max_scan` of them, or the neighbours)."""


def infer_dates(store: Store, build_id: int, settings: Settings) -> int:
    """Give each undated article the date of the dated article it shares news sentences with,
    marked ``inferred``. Candidates come from the duplicate index (articles sharing names,
    figures or quotes), so the work stays proportional to the undated articles."""
    undated = store.undated(build_id, only_changed=True)
    if not undated:
        return 0
    found = 0
    # Each article's text and sentence tokens, read once for all the undated it is compared with.
    texts: dict[str, str] = {}
    tokens: dict[str, list[list[str]]] = {}

    def text_of(aid: str) -> str:
        if aid not in texts:
            if len(texts) >= _KEPT_TEXTS:  # memory bounded by the setting, not the corpus
                texts.clear()
                tokens.clear()
            texts[aid] = store.clean_text_of(aid)
        return texts[aid]

    with store.transaction():
        everyone: list[tuple[str, str]] | None = None
        for n, aid in enumerate(undated, start=1):
            candidates = store.dated_neighbours(aid, build_id, settings.infer_date_candidates)
            if not candidates:
                # A small corpus can afford to compare with every dated article.
                if everyone is None:
                    everyone = store.dated_articles(build_id, settings.infer_date_max_scan)
                candidates = everyone
            rows: list[tuple[str, str | None, str]] = [(aid, None, text_of(aid))]
            rows += [(c, pub, text_of(c)) for c, pub in candidates]
            guess, problems = _infer_one(aid, rows, tokens) if candidates else (None, [])
            article_failures(store, [aid], "dates", problems)
            found += store.set_inferred_date(aid, guess)
            if n % settings.commit_every == 0:
                store.checkpoint()
    return found


def _infer_one(
    aid: str, rows: list[tuple[str, str | None, str]], tokens: dict[str, list[list[str]]]
) -> tuple[str | None, list[InputFailure]]:
    from storyline.link.timeline import infer_published

    try:
        return infer_published(rows, tokens).get(aid), []
    except Exception as exc:  # fault isolation: the article stays undated
        return None, [failure(exc, source=aid, stage="dates", component="infer", article_id=aid)]
