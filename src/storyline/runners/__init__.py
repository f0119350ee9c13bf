"""Runners: where a build's work runs (this process, forked workers, a Dask cluster), behind one
interface (:class:`Runner`). Stages never start processes themselves."""

from __future__ import annotations

from storyline.runners.base import ItemTask, LostItem, Runner, ShardTask
from storyline.runners.local import LocalRunner
from storyline.runners.process import ProcessRunner
from storyline.settings import Settings

__all__ = [
    "ENGINES",
    "ItemTask",
    "LocalRunner",
    "LostItem",
    "ProcessRunner",
    "Runner",
    "ShardTask",
    "make_runner",
]

ENGINES = ("process", "local", "dask")
"""What ``storyline build --engine`` accepts; ``process`` is the default."""


def make_runner(
    settings: Settings, engine: str = "process", scheduler: str | None = None
) -> Runner:
    """The runner a build uses: ``process`` (forked workers, ``settings.workers`` of them; one
    runs in this process), ``local`` (this process) or ``dask`` (a ``LocalCluster`` of
    ``settings.workers`` workers, or the cluster at ``scheduler``)."""
    from storyline.errors import StorylineError

    if engine == "local" or (engine == "process" and settings.workers <= 1):
        if scheduler is not None:
            raise StorylineError(f"--scheduler {scheduler}: only the dask engine takes a scheduler")
        return LocalRunner()
    if engine == "process":
        if scheduler is not None:
            raise StorylineError(f"--scheduler {scheduler}: only the dask engine takes a scheduler")
        return ProcessRunner(settings.workers)
    if engine == "dask":
        try:
            from storyline.runners.dask import DaskRunner  # type: ignore[import-not-found,unused-ignore]
        except ImportError as exc:
            raise StorylineError(f"the dask engine is not available: {exc}") from exc
        runner: Runner = DaskRunner(settings, scheduler)
        return runner
    raise StorylineError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
