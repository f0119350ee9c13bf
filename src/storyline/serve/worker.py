"""One background build, run in its own process by the server's job runner:
``python -m storyline.serve.worker --db STORE INPUT...``.

It runs :func:`storyline.pipeline.build` (incremental, analysis on, no dossier/report files:
the web application is the view) and prints one JSON object a line on stdout for the runner:
``{"event": "stage", "stage", "total"}``, ``{"event": "progress", "stage", "done", "total"}``,
``{"event": "log", "line"}`` and finally ``{"event": "done", "build", "articles", "errors"}``
(or ``{"event": "error", "message"}`` and exit status 1)."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import time
from collections.abc import Sequence
from typing import Any

__all__ = ["main"]


def _emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class _Listener:
    """The pipeline's ``on_progress(stage, done, total)``, sent on as events: a new stage at once,
    progress within a stage at most every 0.3 s (a build advances once per article)."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if stage != self.stage:
            self.stage = stage
            self.last = now
            _emit(event="stage", stage=stage, total=total)
            return
        if now - self.last >= 0.3 or (total is not None and done >= total):
            self.last = now
            _emit(event="progress", stage=stage, done=done, total=total)


class _Lines(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        # A log line must never cost the build.
        with contextlib.suppress(Exception):
            _emit(event="log", line=f"{record.levelname.lower()}: {record.getMessage()}"[:2000])


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="storyline.serve.worker")
    p.add_argument("--db", required=True)
    p.add_argument("inputs", nargs="+")
    args = p.parse_args(argv)
    handler = _Lines()
    root = logging.getLogger("storyline")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        from storyline import pipeline
        from storyline.settings import DEFAULT

        listener = _Listener()
        report = pipeline.build(
            args.inputs,
            None,
            db=args.db,
            settings=DEFAULT.with_env(),
            progress=False,
            write_outputs=False,
            analyse=True,
            on_progress=listener,
        )
    except Exception as exc:
        from storyline.faults import describe

        _emit(event="error", message=describe(exc))
        return 1
    _emit(
        event="done",
        articles=report.articles,
        processed=report.processed,
        unchanged=report.skipped_unchanged,
        errors=len(report.errors),
        seconds=round(report.seconds, 2),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
