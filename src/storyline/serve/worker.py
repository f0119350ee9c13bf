"""One background build, run in its own process by the server's job runner:
``python -m storyline.serve.worker --db STORE INPUT...``.

It runs :func:`storyline.pipeline.build` (incremental, analysis on, no dossier/report files:
the web application is the view) and prints one JSON object a line on stdout for the runner:
``{"event": "stage", "stage", "total"}``, ``{"event": "advance", "stage", "n"}``,
``{"event": "log", "line"}`` and finally ``{"event": "done", "build", "articles", "errors"}``
(or ``{"event": "error", "message"}`` and exit status 1)."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["main"]


def _emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class _Bar:
    """Stands in for the pipeline's terminal progress bar: the same calls, sent as events."""

    def __init__(self, enabled: bool = True) -> None:
        del enabled

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def stage(self, name: str, total: int | None) -> None:
        _emit(event="stage", stage=name, total=total)

    def advance(self, name: str, n: int = 1) -> None:
        _emit(event="advance", stage=name, n=n)


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

        # The pipeline's progress bar is how it tells per-article progress; when the pipeline
        # offers a progress callback this becomes that argument (see the serve report).
        if hasattr(pipeline, "_progress"):
            pipeline._progress = lambda enabled: _Bar(enabled)
        report = pipeline.build(
            args.inputs,
            None,
            db=args.db,
            settings=DEFAULT.with_env(),
            progress=True,
            write_outputs=False,
            analyse=True,
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
