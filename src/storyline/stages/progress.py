"""The progress bar a build shows on a terminal (nothing when quiet or piped)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["Bar", "ProgressListener", "progress_bar"]

ProgressListener = Callable[[str, int, "int | None"], None]
"""Told ``(stage, done, total)`` as a build goes (``total`` None while unknown): the web app's
status page listens here."""


class Bar:
    """A rich progress bar, or nothing when quiet or not on a terminal."""

    def __init__(self, enabled: bool, listener: ProgressListener | None = None) -> None:
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}
        self.listener = listener
        self.counts: dict[str, list[Any]] = {}
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=False,
                console=Console(stderr=True),
            )

    def __enter__(self) -> Bar:
        if self.progress is not None:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)

    def stage(self, name: str, total: int | None) -> None:
        if self.progress is not None:
            self.tasks[name] = self.progress.add_task(name, total=total)
        self.counts[name] = [0, total]
        if self.listener is not None:
            self.listener(name, 0, total)

    def begin(self, name: str) -> None:
        """A stage starts (before it knows its size, if it ever says): every stage is heard,
        those that never count their items too, so a listener can time each."""
        if self.listener is not None:
            self.listener(name, 0, None)

    def end(self, name: str) -> None:
        """A stage is done: heard with its final count as its total (one item done of one for a
        stage that never counted)."""
        count = self.counts.get(name)
        if count is None:
            self.counts[name] = count = [1, 1]
        elif count[1] is not None and count[0] == count[1]:
            return  # its last advance was heard as done
        else:
            count[1] = count[0]
        if self.listener is not None:
            self.listener(name, count[0], count[1])

    def advance(self, name: str, n: int = 1) -> None:
        if self.progress is not None and name in self.tasks:
            self.progress.advance(self.tasks[name], n)
        if self.listener is not None and name in self.counts:
            count = self.counts[name]
            count[0] += n
            self.listener(name, count[0], count[1])


def progress_bar(enabled: bool, listener: ProgressListener | None = None) -> Bar:
    return Bar(enabled and sys.stderr.isatty(), listener)
