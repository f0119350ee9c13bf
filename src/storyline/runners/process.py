"""Forked worker processes on this machine: the default runner of a build.

Workers are forked, so the spaCy model a parent loaded before the pool started is shared
copy-on-write, and they exit when the build does, however it ends
(:func:`storyline.faults.die_with_parent`). The pool starts only for work big enough to pay for
it; smaller work runs in the calling process.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from storyline.faults import die_with_parent
from storyline.runners.base import ItemTask, LostItem, ShardTask
from storyline.settings import Settings

__all__ = ["ProcessRunner"]

log = logging.getLogger("storyline")

T = TypeVar("T")
R = TypeVar("R")


class ProcessRunner:
    """``workers`` forked processes (one runs everything in the calling process)."""

    name = "process"

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=mp.get_context("fork"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
        return self._executor

    def map(
        self,
        fn: ItemTask[T, R],
        items: Sequence[T],
        settings: Settings,
        *,
        min_batch: int | None = None,
    ) -> Iterator[R]:
        floor = settings.parallel_min_batch if min_batch is None else min_batch
        if self.workers <= 1 or len(items) < floor:
            return (fn(item, settings) for item in items)
        chunk = max(1, len(items) // (self.workers * 4))
        return self._pool().map(fn, items, [settings] * len(items), chunksize=chunk)

    def map_ahead(
        self, fn: ItemTask[T, R], batches: Iterable[Sequence[T]], settings: Settings
    ) -> Iterator[R]:
        inflight: deque[Iterator[R]] = deque()
        for batch in batches:
            inflight.append(self.map(fn, batch, settings))
            while len(inflight) > settings.batches_ahead:
                yield from inflight.popleft()
        while inflight:
            yield from inflight.popleft()

    def map_isolated(
        self,
        fn: ShardTask[T, R],
        shards: Sequence[list[T]],
        settings: Settings,
        lost: LostItem[T, R],
        *,
        warm: Callable[[Settings], None] | None = None,
    ) -> Iterator[list[R]]:
        done = 0
        try:
            for results in self.map(fn, shards, settings, min_batch=2):
                yield results
                done += 1
        except BrokenProcessPool:
            self.close()
            if warm is not None:
                warm(settings)
            rest = [item for shard in shards[done:] for item in shard]
            log.error("a worker process died; doing the %d remaining items one by one", len(rest))
            yield from ([r] for r in self._solo(fn, rest, settings, lost))

    def _solo(
        self, fn: ShardTask[T, R], items: list[T], settings: Settings, lost: LostItem[T, R]
    ) -> Iterator[R]:
        """Each item in its own forked process, ``workers`` at a time, in order."""
        ctx = mp.get_context("fork")
        running: deque[tuple[T, Any, Any]] = deque()

        def start(item: T) -> None:
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_solo_worker, args=(fn, item, settings, send, os.getpid()))
            proc.start()
            send.close()
            running.append((item, proc, receive))

        def finish() -> R:
            item, proc, receive = running.popleft()
            try:
                result: list[R] | None = receive.recv()
            except (EOFError, OSError):
                result = None
            receive.close()
            proc.join()
            if result is None:
                return lost(item, f"the process working on it died (exit {proc.exitcode})")
            return result[0]

        for item in items:
            if len(running) >= self.workers:
                yield finish()
            start(item)
        while running:
            yield finish()

    def prepare(self, warm: Callable[[Settings], None], settings: Settings) -> None:
        """``warm`` queued once per worker; an idle pool hands one to each (a warm-up takes
        about a second). A warm-up that fails is logged: the shards warm up again."""
        if self.workers <= 1:
            return
        pool = self._pool()
        for _ in range(self.workers):
            pool.submit(warm, settings).add_done_callback(_log_failed_warm)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def __enter__(self) -> ProcessRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _log_failed_warm(future: Any) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("a worker's warm-up failed: %s", future.exception())


def _solo_worker(
    fn: ShardTask[Any, Any], item: Any, settings: Settings, send: Any, parent: int
) -> None:
    die_with_parent(parent)
    send.send(fn([item], settings))
    send.close()
