"""The runner interface: how a stage's work reaches the CPUs.

A stage hands a runner a task function (a picklable module-level function taking one item and the
settings) and its items; the runner gives the results back in order. Runners differ only in
where the work runs: in this process (:class:`~storyline.runners.local.LocalRunner`), in forked
worker processes (:class:`~storyline.runners.process.ProcessRunner`) or on a Dask cluster. Fault
isolation lives here, so every stage gets it: :meth:`Runner.map_isolated` survives a worker that
dies outright (a crash in native code, the OOM killer) and loses only the item that killed it.

Items and results cross process and machine boundaries: they are plain data (texts in, layers
out), never a spaCy ``Language`` or ``Doc``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, TypeVar, runtime_checkable

from storyline.settings import Settings

__all__ = ["ItemTask", "LostItem", "Runner", "ShardTask"]

T = TypeVar("T")
R = TypeVar("R")

ItemTask = Callable[[T, Settings], R]
"""Work on one item: ``fn(item, settings) -> result``."""
ShardTask = Callable[[list[T], Settings], list[R]]
"""Work on a shard of items, one result per item in order: ``fn(items, settings) -> results``
(shards let a task share a cost, e.g. spaCy's batched parse)."""
LostItem = Callable[[T, str], R]
"""The result that stands in for an item whose worker died twice: ``lost(item, reason)``."""


@runtime_checkable
class Runner(Protocol):
    """Where a stage's work runs. Use as a context manager (workers stop on exit)."""

    name: str
    """``"local"``, ``"process"`` or ``"dask"``: shown in logs and benchmarks."""
    workers: int
    """How many items run at once."""

    def map(
        self,
        fn: ItemTask[T, R],
        items: Sequence[T],
        settings: Settings,
        *,
        min_batch: int | None = None,
    ) -> Iterator[R]:
        """``fn`` over ``items``, results in order. Fewer than ``min_batch`` items (default
        ``settings.parallel_min_batch``) run in this process: workers cost more to start than
        they save."""
        ...

    def map_ahead(
        self, fn: ItemTask[T, R], batches: Iterable[Sequence[T]], settings: Settings
    ) -> Iterator[R]:
        """``fn`` over every item of every batch, in order, with a few batches in the workers
        while the caller stores the results of an earlier one (memory stays bounded by them)."""
        ...

    def map_isolated(
        self,
        fn: ShardTask[T, R],
        shards: Sequence[list[T]],
        settings: Settings,
        lost: LostItem[T, R],
        *,
        warm: Callable[[Settings], None] | None = None,
    ) -> Iterator[list[R]]:
        """``fn`` over each shard, results per shard in order. A worker that dies costs only
        the item that killed it: the shards not yet done run again one item at a time, each
        alone, and an item whose worker dies then gets ``lost(item, reason)``. ``warm`` readies this
        process first (loads a model once, to be shared by the forks)."""
        ...

    def prepare(self, warm: Callable[[Settings], None], settings: Settings) -> None:
        """Start ``warm(settings)`` on every worker without waiting for it (load a model while
        this process does serial work), so that the first shard of a later ``map_isolated`` with
        the same ``warm`` finds it done. A runner that cannot do it early does nothing: ``warm``
        must be idempotent, and whatever needs it still calls it."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Runner: ...

    def __exit__(self, *exc: object) -> None: ...
