"""Everything in this process: small builds, tests, and debugging with a plain traceback."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from storyline.runners.base import ItemTask, LostItem, ShardTask
from storyline.settings import Settings

__all__ = ["LocalRunner"]

T = TypeVar("T")
R = TypeVar("R")


class LocalRunner:
    """Runs every task in the calling process, in order. Nothing can die separately here, so
    :meth:`map_isolated` never calls ``lost``: a task's own exceptions are its own to catch."""

    name = "local"
    workers = 1

    def map(
        self,
        fn: ItemTask[T, R],
        items: Sequence[T],
        settings: Settings,
        *,
        min_batch: int | None = None,
    ) -> Iterator[R]:
        return (fn(item, settings) for item in items)

    def map_ahead(
        self, fn: ItemTask[T, R], batches: Iterable[Sequence[T]], settings: Settings
    ) -> Iterator[R]:
        for batch in batches:
            for item in batch:
                yield fn(item, settings)

    def map_isolated(
        self,
        fn: ShardTask[T, R],
        shards: Sequence[list[T]],
        settings: Settings,
        lost: LostItem[T, R],
        *,
        warm: Callable[[Settings], None] | None = None,
    ) -> Iterator[list[R]]:
        return (fn(shard, settings) for shard in shards)

    def prepare(self, warm: Callable[[Settings], None], settings: Settings) -> None:
        """Nothing: there is no other process to warm, and this one would block on it."""

    def close(self) -> None:
        pass

    def __enter__(self) -> LocalRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
