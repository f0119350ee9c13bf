"""Find the inputs: files and folders, walked recursively in a stable order, streamed so that a
folder of 10,000 files never sits in memory twice.

Paths are identities: :func:`discover_inputs` yields every file once, however many times and
under whatever spelling (relative, absolute, ``a/../a/x.txt``, a symbolic link) it is named, and
any byte sequence is a valid file name."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storyline.model import InputFailure

__all__ = ["FORMATS", "InputFile", "discover", "discover_inputs", "display_name", "format_of"]

FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".txt.gz": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".html.gz": "html",
    ".htm.gz": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
}

_UNSUPPORTED = "unsupported file type (expected .txt, .html, .htm, .jsonl, .warc or .warc.gz)"


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file. ``path`` is what to open (it may carry the surrogate escapes Python uses
    for file-name bytes that are not UTF-8); ``source`` is the name as given, always valid
    Unicode (such bytes shown as ``\\xNN``), the name every article and error of the file is
    reported under; ``key`` is the file's identity, its resolved real path made valid Unicode
    the same way, the same for every spelling of the path."""

    path: Path
    source: str
    key: str


def display_name(name: str | bytes | os.PathLike[str]) -> str:
    """A file name as valid Unicode that encodes to UTF-8: bytes that are not UTF-8 (which
    Python carries as lone surrogates) become ``\\xNN`` escapes, so the name can be stored,
    logged and written to JSON and HTML."""
    raw = os.fsencode(name) if not isinstance(name, str) else _name_bytes(name)
    return raw.decode("utf-8", errors="backslashreplace")


def _name_bytes(name: str) -> bytes:
    try:
        return name.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        # A lone surrogate that is no escaped byte (a caller's string, not a file name read from
        # the system): shown as its code point.
        return name.encode("utf-8", errors="backslashreplace")


# Longest first, so that ".warc.gz" wins over ".gz"-less ".warc" and friends.
_SUFFIXES = tuple(sorted(FORMATS, key=len, reverse=True))


def format_of(path: str | Path) -> str | None:
    name = str(path).lower()
    if name.endswith(_SUFFIXES):
        for suffix in _SUFFIXES:
            if name.endswith(suffix):
                return FORMATS[suffix]
    return None


def discover(inputs: Iterable[str | Path]) -> Iterator[Path | InputFailure]:
    """Yield readable input files, and an :class:`InputFailure` for every input that cannot be
    used. Files of unknown type met while walking a folder are skipped silently (a corpus folder
    may hold a README); an unknown file named explicitly is an error.

    The older interface: :func:`discover_inputs` also removes repeated spellings of one file."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            if format_of(path) is None:
                yield InputFailure(str(path), _UNSUPPORTED)
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


def discover_inputs(
    inputs: Iterable[str | bytes | os.PathLike[str]],
) -> Iterator[InputFile | InputFailure]:
    """Every input file once, in input order (folders walked depth first, entries sorted by
    name), the first spelling that names a file giving its ``source``; and an
    :class:`InputFailure` (once) for every input that cannot be used. Files of unknown type met
    in a folder are skipped silently (a corpus folder may hold a README), as are hidden entries,
    FIFOs, sockets and devices; an unknown or special file named explicitly is an error.
    Symbolic links to folders are followed, each folder walked once, so a link loop ends."""
    seen: set[str] = set()
    inodes: set[tuple[int, int]] = set()
    folders: set[tuple[int, int]] = set()
    for given in inputs:
        path = Path(os.fsdecode(given) if isinstance(given, bytes) else os.fspath(given))
        for item in _one_input(path, folders):
            if isinstance(item, InputFailure):
                if item.source not in seen:
                    seen.add(item.source)
                    yield item
                continue
            file, st = item
            if file.key in seen:
                continue
            seen.add(file.key)
            if st.st_ino:
                # A hard link is the same file under another real path.
                inode = (st.st_dev, st.st_ino)
                if inode in inodes:
                    continue
                inodes.add(inode)
            yield file


_Found = tuple[InputFile, os.stat_result] | InputFailure


def _one_input(path: Path, folders: set[tuple[int, int]]) -> Iterator[_Found]:
    # The name as given, in pathlib's spelling ('./a//x.txt' is 'a/x.txt'), as discover() has
    # always reported it.
    source = display_name(str(path))
    try:
        st = path.stat()
    except OSError as exc:
        if path.is_symlink():
            yield InputFailure(source, f"broken symbolic link: {exc.strerror or exc}")
        elif isinstance(exc, FileNotFoundError):
            yield InputFailure(source, "no such file or folder")
        else:
            yield InputFailure(source, f"cannot read: {exc.strerror or exc}")
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _walk_inputs(path, source, folders, st)
    elif not stat.S_ISREG(st.st_mode):
        yield InputFailure(source, "not a regular file or folder")
    elif format_of(path) is None:
        yield InputFailure(source, _UNSUPPORTED)
    else:
        yield InputFile(path, source, display_name(os.path.realpath(path))), st


def _walk_inputs(
    folder: Path, source: str, folders: set[tuple[int, int]], st: os.stat_result
) -> Iterator[_Found]:
    ident = (st.st_dev, st.st_ino)
    if ident in folders:
        return
    folders.add(ident)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield InputFailure(source, f"cannot list folder: {exc.strerror or exc}")
        return
    real = os.path.realpath(folder)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = Path(entry.path)
        child_source = display_name(entry.path)
        try:
            est = os.stat(entry.path)
            link = entry.is_symlink()
        except OSError as exc:
            if format_of(entry.name) is not None:
                # A broken link or looping link named like an article: worth a word.
                yield InputFailure(child_source, f"cannot read: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(est.st_mode):
            yield from _walk_inputs(child, child_source, folders, est)
        elif stat.S_ISREG(est.st_mode) and format_of(entry.name) is not None:
            # Only a link needs resolving: any other entry's real path is its folder's plus
            # its name.
            key = os.path.realpath(child) if link else os.path.join(real, entry.name)
            yield InputFile(child, child_source, display_name(key)), est
