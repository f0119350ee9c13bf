"""`storyline build`: the stages in the order they run, over one store.

ingest → clean → link (duplicates) → dates → analyse → stories → corpus → outputs. Each stage is an
object in :mod:`storyline.stages` that reads its inputs from the store, writes its outputs there
and re-does only what its cache keys say changed; the CPU work goes through one
:class:`~storyline.runners.Runner` (this process, forked workers, or a Dask cluster). Memory stays
flat as the corpus grows, and a re-run re-does only what changed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from storyline.errors import StoreError
from storyline.ingest.discover import display_name
from storyline.model import BuildReport
from storyline.runners import make_runner
from storyline.settings import DEFAULT, Settings
from storyline.stages import (
    AnalyseStage,
    BuildContext,
    CleanStage,
    CorpusStage,
    DatesStage,
    IngestStage,
    LinkStage,
    OutputStage,
    Stage,
    StoriesStage,
    check_out_dir,
)
from storyline.stages.progress import ProgressListener, progress_bar
from storyline.store import open_store, store_path
from storyline.store.sqlite import store_fault

__all__ = ["build", "stages"]

log = logging.getLogger("storyline")


def stages(
    inputs: Sequence[str | os.PathLike[str]],
    out: Path | None,
    *,
    analyse: bool,
    write_outputs: bool,
    timeline_dates: int | None = None,
    timeline_sentences: int | None = None,
) -> list[Stage]:
    """The stages of one build, in the order they run."""
    order: list[Stage] = [IngestStage(tuple(inputs)), CleanStage(), LinkStage()]
    if analyse:
        # Dating undated articles serves the time layers; store-only builds skip it.
        order += [
            DatesStage(),
            AnalyseStage(),
            StoriesStage(),
            CorpusStage(timeline_dates, timeline_sentences),
        ]
    if write_outputs and out is not None:
        order.append(OutputStage(out, tuple(inputs)))
    return order


def build(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] | None,
    *,
    db: str | os.PathLike[str] | None = None,
    settings: Settings = DEFAULT,
    progress: bool = False,
    write_outputs: bool = True,
    analyse: bool | None = None,
    timeline_dates: int | None = None,
    timeline_sentences: int | None = None,
    engine: str = "process",
    scheduler: str | None = None,
    on_progress: ProgressListener | None = None,
) -> BuildReport:
    """Build (or update) a store from ``inputs`` and write ``dossier.json`` and ``report.html``
    into ``out_dir``.

    ``analyse`` (the spaCy parse and the layers on it) defaults to ``write_outputs``: the
    layers feed the outputs, and a store-only build (ingest, clean, duplicates) is the fast path
    benchmarks and bulk loads use. ``engine`` picks the runner (``process``, ``local``,
    ``dask`` with an optional ``scheduler`` address); ``on_progress(stage, done, total)`` hears
    how far each stage is.
    """
    if analyse is None:
        analyse = write_outputs
    t0 = time.perf_counter()
    out = Path(out_dir) if out_dir is not None else None
    if db is None:
        db = os.environ.get("STORYLINE_DB") or None
    if db is None:
        if out is None:
            raise ValueError("either out_dir or db is needed")
        db = out / "storyline.sqlite"
    if out is not None:
        check_out_dir(out)
    order = stages(
        inputs,
        out,
        analyse=analyse,
        write_outputs=write_outputs,
        timeline_dates=timeline_dates,
        timeline_sentences=timeline_sentences,
    )
    with (
        _store_errors(db),
        open_store(db) as store,
        store.writer_lock(settings.lock_timeout_s),
        progress_bar(progress, on_progress) as bar,
        make_runner(settings, engine, scheduler) as runner,
    ):
        build_id = store.begin_build([display_name(i) for i in inputs])
        ctx = BuildContext(store, build_id, settings, runner, bar)
        analysis = next((s for s in order if isinstance(s, AnalyseStage)), None)
        for stage in order:
            log.info("build %d: %s", build_id, stage.name)
            began = time.perf_counter()
            bar.begin(stage.name)
            ctx.results[stage.name] = stage.run(ctx)
            bar.end(stage.name)
            log.info("build %d: %s took %.2f s", build_id, stage.name, time.perf_counter() - began)
            if isinstance(stage, CleanStage) and analysis is not None:
                # The last stage to use the workers before the analysis: they load its
                # models while this process links duplicates and infers dates.
                analysis.prepare(ctx)
        n = store.count_current(build_id)
        errors = store.errors(build_id)
        store.finish_build(build_id)
    processed, skipped = ctx.results["ingest"]
    paths = ctx.results.get("outputs")
    return BuildReport(
        articles=n,
        processed=processed,
        skipped_unchanged=skipped,
        errors=tuple(errors),
        duplicates=tuple(ctx.results["link"]),
        dossier_path=str(paths[0]) if paths else None,
        report_path=str(paths[1]) if paths else None,
        seconds=time.perf_counter() - t0,
    )


@contextlib.contextmanager
def _store_errors(location: str | os.PathLike[str]) -> Iterator[None]:
    """A fault of the store's file (disk full, read-only, removed) as one clear error; SQLite's
    transactions leave the store as the last commit had it."""
    try:
        yield
    except sqlite3.Error as exc:
        path = store_path(location)
        raise StoreError(f"{display_name(path)}: {store_fault(path, exc)}") from exc
