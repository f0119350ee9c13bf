"""Find the inputs: files and folders, walked recursively in a stable order, streamed so that a
folder of 10,000 files never sits in memory twice."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.model import InputFailure

__all__ = ["FORMATS", "discover", "format_of"]

FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
}


def format_of(path: str | Path) -> str | None:
    name = str(path).lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS[suffix]
    return None


def discover(inputs: Iterable[str | Path]) -> Iterator[Path | InputFailure]:
    """Yield readable input files, and an :class:`InputFailure` for every input that cannot be
    used. Files of unknown type met while walking a folder are skipped silently (a corpus folder
    may hold a README); an unknown file named explicitly is an error."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            if format_of(path) is None:
                yield InputFailure(
                    str(path),
                    "unsupported file type (expected .txt, .html, .htm, .jsonl, .warc or .warc.gz)",
                )
            else:
                yield path
        elif path.exists():
            yield InputFailure(str(path), "not a regular file or folder")
        else:
            yield InputFailure(str(path), "no such file or folder")


def _walk(folder: Path) -> Iterator[Path | InputFailure]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield InputFailure(str(folder), f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path))
            elif entry.is_file() and format_of(entry.name) is not None:
                yield Path(entry.path)
        except OSError as exc:
            yield InputFailure(entry.path, f"cannot read: {exc.strerror or exc}")
