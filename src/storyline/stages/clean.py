"""Clean: boilerplate out (reversibly), furniture per outlet, fingerprints for the duplicate index."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from storyline.clean import clean_text, furniture_keys
from storyline.faults import failure, isolated, time_budget
from storyline.ingest.metadata import Strip, headline_title
from storyline.link.duplicates import fingerprint
from storyline.model import CleanText, InputFailure
from storyline.runners import Runner
from storyline.settings import Settings
from storyline.stages.base import (
    BuildContext,
    article_failures,
    budget,
    code_key,
    log,
    settings_key,
)
from storyline.stages.progress import Bar
from storyline.store.base import Store
from storyline.store.rows import CleanedArticle, CleanInput

CODE = (
    "storyline.clean",
    "storyline.ingest.metadata",
    "storyline.ingest.dates",
    "storyline.analyse.lang.words",
    "storyline.unionfind",
    "storyline.link.minhash",
    "storyline.link.duplicates",
    "storyline.link.rewrite",
    __name__,
)
"""The code a clean key covers: the cleaner and what it imports (line splitting, dates, the
word pattern, union-find), the fingerprints made with it (their module, with the rewrite test
it imports), and this stage. `tests/test_stages.py` checks that nothing it imports is missing."""


SETTINGS = (
    "boilerplate_threshold",
    "context_threshold",
    "caption_max_words",
    "furniture_min_articles",
    "furniture_min_share",
    "furniture_max_words",
    "repeat_min_chars",
    "num_perm",
    "shingle_size",
)
"""The settings a clean key covers: those of the cleaner and of the fingerprints made with it
(an analysis or linking setting changed must not re-clean the corpus)."""


@dataclass(frozen=True, slots=True)
class CleanStage:
    """Clean every current article whose text, outlet furniture, cleaning settings or cleaning
    code changed (its clean key). Returns how many were cleaned."""

    name: str = "clean"

    def run(self, ctx: BuildContext) -> int:
        return clean_all(ctx.store, ctx.build_id, ctx.settings, ctx.bar, ctx.runner)


def clean_key(settings: Settings, furniture: Iterable[str]) -> str:
    """The key of one article's cleaning: the code, the settings that decide it (never the
    run-only ones) and the furniture lines of its outlet found in it."""
    head, tail = _key_parts(settings)
    return hashlib.sha1((head + json.dumps(sorted(furniture)) + tail).encode()).hexdigest()


@lru_cache(maxsize=8)
def _key_parts(settings: Settings) -> tuple[str, str]:
    """The JSON of a clean key around its furniture list (``[code, settings, `` and ``]``):
    the same for every article of a build, made once instead of once an article."""
    whole = json.dumps([code_key(*CODE), settings_key(settings, SETTINGS), []])
    return whole[:-3], whole[-1:]


@dataclass(frozen=True, slots=True)
class _CleanJob:
    """One article to clean, with all it needs (sent to a worker)."""

    key: str
    outlet: str | None
    furniture: dict[str, int]
    input: CleanInput


def clean_all(store: Store, build_id: int, settings: Settings, bar: Bar, pool: Runner) -> int:
    sizes = store.outlet_sizes(build_id)
    per_outlet: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, key, n in store.outlet_furniture_counts(build_id, settings.furniture_min_articles):
        per_outlet[name].append((key, n))
    furniture = {
        o: furniture_keys(rows, sizes.get(o, 0), settings) for o, rows in per_outlet.items()
    }
    rows = store.clean_candidates(build_id)
    bar.stage("clean", len(rows))
    done = 0
    size = settings.batch_items

    def jobs() -> Iterator[list[_CleanJob]]:
        nonlocal done
        todo: list[tuple[str, str, str | None, dict[str, int]]] = []
        for start in range(0, len(rows), size):
            page = rows[start : start + size]
            keys = store.line_keys_of([r.id for r in page if r.outlet in furniture])
            for row in page:
                bar.advance("clean")
                mine: dict[str, int] = {}
                if row.outlet in furniture:
                    table = furniture[row.outlet]
                    mine = {k: table[k] for k in keys[row.id] if k in table}
                # The furniture lines themselves, not how many articles repeat them, decide the
                # cleaning: one more article from an outlet must not re-clean all of its others.
                key = clean_key(settings, mine)
                if key != row.clean_key:
                    todo.append((row.id, key, row.outlet, mine))
            if len(todo) >= size or (todo and start + size >= len(rows)):
                inputs = store.clean_inputs([t[0] for t in todo])
                done += len(todo)
                yield [_CleanJob(key, outlet, mine, inputs[aid]) for aid, key, outlet, mine in todo]
                todo = []

    with store.transaction():
        cleaned: list[CleanedArticle] = []
        problems: list[InputFailure] = []

        def commit() -> None:
            store.put_cleaned(cleaned)
            article_failures(store, [r.article_id for r in cleaned], "clean", problems)
            store.checkpoint()
            log.debug("clean: committed %d articles", len(cleaned))
            cleaned.clear()
            problems.clear()

        for row, failures in pool.map_ahead(_clean_one, jobs(), settings):
            cleaned.append(row)
            problems.extend(failures)
            if len(cleaned) >= settings.commit_every:
                commit()
        commit()
    return done


def _clean_one(job: _CleanJob, settings: Settings) -> tuple[CleanedArticle, list[InputFailure]]:
    """Clean and fingerprint one article, ready to store: the part of cleaning worth a worker.
    If cleaning fails the article goes on uncleaned (its text as decoded), with the failure."""
    aid, decoded = job.input.id, job.input.decoded
    failures: list[InputFailure] = []

    def failed(component: str) -> Callable[[BaseException], None]:
        def note(exc: BaseException) -> None:
            failures.append(
                failure(exc, source=aid, stage="clean", component=component, article_id=aid)
            )

        return note

    def clean() -> CleanText:
        strip = [Strip(**s) for s in job.input.strip]
        with time_budget(budget(settings, decoded), "cleaning"):
            return clean_text(
                decoded,
                outlet=job.outlet,
                strip=strip,
                furniture=job.furniture,
                settings=settings,
            )

    uncleaned = CleanText(decoded, (), ((0, 0, len(decoded)),))
    result = isolated(clean, failed("cleaner"), uncleaned)
    meta = dict(job.input.meta)
    meta = isolated(lambda: headline_title(meta, result.text), failed("title"), meta)
    prints = isolated(lambda: fingerprint(result.text, settings), failed("fingerprint"), None)
    if prints is None:
        prints = fingerprint("", settings)
    norm, sig_near, sig_content = prints
    return CleanedArticle.of(aid, job.key, result, meta, norm, sig_near, sig_content), failures
