"""What every stage shares: the build context it runs in, the stage interface, failure records,
time budgets and cache keys.

A stage is an object with a ``name`` and ``run(ctx)``; it reads its inputs from the store, writes
its outputs there, and decides per item whether its cache key still holds. Keys are made from the
inputs that matter and the code the stage runs (:func:`code_key`), never from how the build runs
(:data:`RUN_ONLY_SETTINGS`): changing the worker count or the engine re-does nothing.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from storyline.errors import StoreError
from storyline.faults import log_failure
from storyline.model import InputFailure
from storyline.runners import Runner
from storyline.settings import Settings
from storyline.stages.progress import Bar
from storyline.store.base import Store

__all__ = [
    "RUN_ONLY_SETTINGS",
    "BuildContext",
    "Stage",
    "article_failures",
    "budget",
    "chunks",
    "code_key",
    "report_failure",
    "settings_key",
    "store_faults",
]

log = logging.getLogger("storyline")

RUN_ONLY_SETTINGS = frozenset(
    {
        "workers",
        "parallel_min_batch",
        "batch_items",
        "batch_bytes",
        "small_container_bytes",
        "batches_ahead",
        "link_batch",
        "analysis_shard",
        "lock_timeout_s",
        "commit_every",
        "component_budget_s",
        "component_budget_s_per_mchar",
    }
)
"""Settings that change how a build runs, not what it computes: never part of a cache key."""


@dataclass
class BuildContext:
    """One build as its stages see it: the store, the build's id, the settings, the runner that
    does the CPU work, the progress bar, and what earlier stages handed on."""

    store: Store
    build_id: int
    settings: Settings
    runner: Runner
    bar: Bar = field(default_factory=lambda: Bar(False))
    results: dict[str, Any] = field(default_factory=dict)
    """Each stage's return value, by stage name (the link stage's duplicate groups, ...)."""


class Stage(Protocol):
    """One step of a build. ``run`` returns what later stages or the report may need."""

    @property
    def name(self) -> str: ...

    def run(self, ctx: BuildContext) -> Any: ...


def article_failures(
    store: Store, ids: Sequence[str], stage: str, failures: Sequence[InputFailure]
) -> None:
    """Record what ``stage`` could not do on ``ids`` (replacing its earlier record) and log
    each failure once, under the article's source."""
    for item in store.set_article_errors(ids, stage, failures):
        log_failure(item)


def report_failure(
    store: Store, build_id: int, item: InputFailure, file_path: str | None = None
) -> None:
    if item.stage is None:  # readers name the file and the problem; the stage is ours to say
        item = replace(item, stage="ingest")
    log_failure(item)
    store.record_error(build_id, item, file_path)


def store_faults(store: Store) -> tuple[type[BaseException], ...]:
    """The exceptions that are faults of the store itself (a full disk, a lost connection):
    they stop the build, never cost just one article. Each backend names its own."""
    return (StoreError, *getattr(store, "faults", (sqlite3.Error,)))


def budget(settings: Settings, text: str | bytes) -> float:
    """Seconds one component may spend on ``text``."""
    return settings.component_budget_s + settings.component_budget_s_per_mchar * len(text) / 1e6


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def settings_key(settings: Settings, names: Iterable[str] | None = None) -> str:
    """The settings that decide a stage's output, as a stable string: ``names`` only, or all
    of them but the run-only ones."""
    wanted = set(names) if names is not None else {f.name for f in fields(settings)}
    return json.dumps(
        {n: getattr(settings, n) for n in sorted(wanted - RUN_ONLY_SETTINGS)},
        sort_keys=True,
        default=str,
    )


@cache
def code_key(*packages: str) -> str:
    """A hash of the source of ``packages`` (modules or packages, recursively): part of a
    stage's cache key, so an upgrade (or a fix in development) re-does that stage's work and
    only that stage's."""
    h = hashlib.sha1()
    for name in packages:
        module = importlib.import_module(name)
        origin = Path(module.__file__ or "")
        paths = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
        for path in paths:
            h.update(f"{name}:{path.relative_to(origin.parent).as_posix()}".encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]
