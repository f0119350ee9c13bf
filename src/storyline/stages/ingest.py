"""Ingest: read new and changed files into the store (metadata and line keys made in the workers)."""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from storyline.clean import line_keys
from storyline.errors import (
    InputError,
    TimeBudgetExceeded,
)
from storyline.faults import failure, isolated, log_failure, time_budget
from storyline.ingest.discover import InputFile, discover_inputs, format_of
from storyline.ingest.metadata import Strip, detect_metadata, iter_lines
from storyline.ingest.readers import read_file, read_small
from storyline.model import InputFailure, MetaValue, RawDocument
from storyline.runners import Runner
from storyline.settings import Settings
from storyline.stages.base import (
    BuildContext,
    budget,
    chunks,
    log,
    report_failure,
)
from storyline.stages.progress import Bar
from storyline.store.base import Store
from storyline.store.rows import FileState, NewArticle
from storyline.store.sqlite import (
    valid_text,
)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """One article read and looked at, ready for the store (made in a worker process)."""

    doc: RawDocument
    meta: dict[str, MetaValue]
    strip: list[dict[str, Any]]
    keys: list[str]
    failures: tuple[InputFailure, ...] = ()


def _prepare(doc: RawDocument) -> _Prepared:
    """Metadata and line keys of one article. When metadata detection fails the article is
    kept with what its container said (and the failure), never lost."""
    spans = iter_lines(doc.text)
    failures: list[InputFailure] = []

    def failed(exc: BaseException) -> None:
        failures.append(
            failure(exc, source=doc.source, stage="ingest", component="metadata", article_id=doc.id)
        )

    found = isolated(lambda: detect_metadata(doc.text, doc.meta, spans), failed, None)
    if found is None:
        return _Prepared(
            doc,
            dict(doc.meta),
            [],
            list(line_keys(doc.text[s:e] for s, e in spans)),
            tuple(failures),
        )
    lines = [doc.text[s:e] for s, e in _unstripped_lines(doc.text, found.strip, spans)]
    return _Prepared(doc, found.meta, [asdict(s) for s in found.strip], list(line_keys(lines)))


def _prepare_item(item: RawDocument | InputFailure, settings: Settings) -> _Prepared | InputFailure:
    return item if isinstance(item, InputFailure) else _prepare(item)


def _records(item: InputFile, settings: Settings, data: bytes | None = None) -> Iterator[Any]:
    """``read_file``'s articles and failures; a reader that breaks off costs the rest of that
    file (named in ``errors``), never the build."""
    try:
        yield from read_file(item, settings, data)
    except InputError as exc:
        yield InputFailure(exc.source, exc.message, stage="ingest")
    except Exception as exc:  # a reader bug: the file's remaining records are lost, not the build
        yield failure(exc, source=item.source, stage="ingest", component="reader")


def _read_small_file(
    job: tuple[str, str], settings: Settings
) -> tuple[str, str | None, list[_Prepared | InputFailure]]:
    """Read, hash, parse and prepare one .txt/.html file (or small .jsonl file): the part of
    ingest worth a worker. ``job`` is (the path to open, its source as shown)."""
    path, source = job
    try:
        data = read_small(Path(path), source, settings)
    except InputError as exc:
        return path, None, [InputFailure(exc.source, exc.message, stage="ingest")]
    except OSError as exc:
        return (
            path,
            None,
            [InputFailure(source, f"cannot read: {exc.strerror or exc}", stage="ingest")],
        )
    sha = hashlib.sha256(data).hexdigest()
    items: list[_Prepared | InputFailure] = []
    try:
        with time_budget(budget(settings, data), "reading"):
            for doc in _records(InputFile(Path(path), source, source), settings, data):
                items.append(doc if isinstance(doc, InputFailure) else _prepare(doc))
    except TimeBudgetExceeded as exc:
        # What was read stays; the rest of the file is named as lost.
        items.append(failure(exc, source=source, stage="ingest", component="reader"))
    return path, sha, items


def _input_items(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, str, Any]]:
    """(store key, source as shown, the input file) for each input file once, or failures.

    A file named twice, or by two spellings of one path (relative and absolute, through a
    symlink), is one input: its identity is its real path (:class:`InputFile` ``key``)."""
    for item in discover_inputs(inputs):
        if isinstance(item, InputFailure):
            yield "", "", item
        else:
            yield item.key, item.source, item


@dataclass(frozen=True, slots=True)
class IngestStage:
    """Read new and changed files into the store. Returns (articles read, articles unchanged).

    Work is committed every ``settings.commit_every`` articles (also inside a big file: a file
    read again after a kill puts the same articles under the same ids). A file is unchanged
    when its size and modification time (or, failing those, its SHA-256) are: its articles
    join the build as they are."""

    inputs: tuple[str | os.PathLike[str], ...]
    name: str = "ingest"

    def run(self, ctx: BuildContext) -> tuple[int, int]:
        return ingest(ctx.store, ctx.build_id, self.inputs, ctx.settings, ctx.bar, ctx.runner)


def ingest(
    store: Store,
    build_id: int,
    inputs: Iterable[str | os.PathLike[str]],
    settings: Settings,
    bar: Bar,
    pool: Runner,
) -> tuple[int, int]:
    counts = {"processed": 0, "skipped": 0, "pending": 0}
    bar.stage("ingest", None)
    batch: list[tuple[str, str]] = []
    inflight: deque[Iterator[tuple[str, str | None, list[_Prepared | InputFailure]]]] = deque()
    stats: dict[str, tuple[str, int, int, FileState | None]] = {}
    sizes = {"batch": 0}
    keys_of: dict[str, str] = {}
    puts = _Puts(store)

    def commit_now() -> None:
        if counts["pending"] >= settings.commit_every:
            puts.flush()
            store.checkpoint()
            log.debug("ingest: committed %d articles", counts["processed"])
            counts["pending"] = 0

    def store_file(opened: str, sha: str | None, items: Iterable[_Prepared | InputFailure]) -> None:
        key = keys_of.pop(opened)
        _, size, mtime, known = stats.pop(key)
        if sha is None:  # unreadable: items hold the failure
            for item in items:
                if isinstance(item, InputFailure):
                    report_failure(store, build_id, item)
            return
        if known and known.sha256 == sha:
            counts["skipped"] += _touch(store, build_id, key, size, mtime)
            return
        if known is not None:
            puts.forget(key)
        taken: set[str] = set()
        for ordinal, item in enumerate(items):
            if isinstance(item, InputFailure):
                report_failure(store, build_id, item, key)
                continue
            for problem in item.failures:
                report_failure(store, build_id, problem, key)
            _put(store, puts, build_id, key, ordinal, item, taken)
            counts["processed"] += 1
            counts["pending"] += 1
            commit_now()
        store.put_file(key, size, mtime, sha, build_id)

    def flush(drain: bool = False) -> None:
        # The workers read the next batches while this process stores an earlier one.
        if batch:
            inflight.append(pool.map(_read_small_file, list(batch), settings))
            batch.clear()
            sizes["batch"] = 0
        while inflight and (drain or len(inflight) > settings.batches_ahead):
            done = list(inflight.popleft())
            # Who owns each id the batch's articles ask for: one query, not one an article.
            puts.know(
                [_base_id(i.doc) for _, _, items in done for i in items if isinstance(i, _Prepared)]
            )
            for opened, sha, items in done:
                store_file(opened, sha, items)

    with store.transaction():
        for key, source, item in _input_items(inputs):
            bar.advance("ingest")
            if isinstance(item, InputFailure):
                report_failure(store, build_id, item)
                continue
            opened = os.fspath(item.path)
            try:
                st = os.stat(opened)
            except OSError as exc:
                report_failure(
                    store,
                    build_id,
                    InputFailure(source, f"cannot read: {exc.strerror or exc}", stage="ingest"),
                )
                continue
            known = store.file_row(key)
            if known and known.size == st.st_size and known.mtime_ns == st.st_mtime_ns:
                counts["skipped"] += _touch(store, build_id, key)
                continue
            fmt = format_of(opened)
            small = fmt in ("txt", "html")
            if small and st.st_size > settings.max_file_bytes:
                # Refused on its size alone: reading 100 MB to say so would defeat the limit.
                report_failure(
                    store,
                    build_id,
                    InputFailure(
                        source,
                        f"file too large for one article ({st.st_size / 2**20:.1f} MiB > "
                        f"{settings.max_file_bytes / 2**20:.1f} MiB limit)",
                        stage="ingest",
                    ),
                )
                continue
            stats[key] = (source, st.st_size, st.st_mtime_ns, known)
            if opened in keys_of:  # two keys, one path to open: cannot happen, but never mix them
                continue
            keys_of[opened] = key
            if small or (
                fmt == "jsonl"
                and opened.lower().endswith(".jsonl")
                and st.st_size <= settings.small_container_bytes
            ):
                # A small uncompressed JSONL file is read whole in a worker, like an article.
                batch.append((opened, source))
                sizes["batch"] += st.st_size
                if len(batch) >= settings.batch_items or sizes["batch"] >= settings.batch_bytes:
                    flush()
                continue
            # Containers of many articles (and refused big files) stream from this process, in
            # input order: earlier batches go first so that ids are assigned deterministically.
            flush(drain=True)
            try:
                sha = _sha256_file(Path(opened))
            except OSError as exc:
                stats.pop(key)
                keys_of.pop(opened)
                report_failure(
                    store,
                    build_id,
                    InputFailure(source, f"cannot read: {exc.strerror or exc}", stage="ingest"),
                )
                continue
            # Its records are read here, one at a time, and looked at in the workers.
            docs = chunks(_records(item, settings), settings.batch_items)
            store_file(opened, sha, pool.map_ahead(_prepare_item, docs, settings))
        flush(drain=True)
        puts.flush()
    return counts["processed"], counts["skipped"]


class _Puts:
    """Articles on their way into the store, written a batch at a time (one
    :meth:`Store.put_articles`), and the owners of article ids known so far: those of the ids a
    batch asks for (read in one query) and of the articles put since."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: list[NewArticle] = []
        self.owners: dict[str, str | None] = {}

    def know(self, ids: Iterable[str]) -> None:
        wanted = sorted({i for i in ids if i not in self.owners})
        found = self.store.id_owners(wanted)
        for i in wanted:
            self.owners[i] = found.get(i)
        if len(self.owners) > 100_000:  # a bound on memory: what is forgotten is asked again
            self.owners = {}

    def owner(self, article_id: str) -> str | None:
        if article_id not in self.owners:
            self.owners[article_id] = self.store.id_owner(article_id)
        return self.owners[article_id]

    def put(self, row: NewArticle) -> None:
        self.rows.append(row)
        self.owners[row.article_id] = row.file_path

    def forget(self, path: str) -> None:
        """The store forgets ``path`` (changed since it was read): its articles go."""
        self.flush()
        self.store.forget_file(path)
        self.owners = {i: p for i, p in self.owners.items() if p != path}

    def flush(self) -> None:
        if self.rows:
            self.store.put_articles(self.rows)
            self.rows = []


def _base_id(doc: RawDocument) -> str:
    return valid_text(doc.id) or "article"


def _touch(
    store: Store, build_id: int, path: str, size: int | None = None, mtime: int | None = None
) -> int:
    """An unchanged file joins this build, and its errors from when it was read are reported
    again: a bad record does not become good by being left alone."""
    for item in store.file_errors(path):
        log_failure(item)
        store.record_error(build_id, item, path)
    return store.touch_file(path, build_id, size, mtime)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _put(
    store: Store,
    puts: _Puts,
    build_id: int,
    path: str,
    ordinal: int,
    item: _Prepared,
    taken: set[str],
) -> None:
    doc = item.doc
    base = _base_id(doc)
    article_id = base
    owner = puts.owner(article_id)
    if article_id in taken or (owner is not None and owner != path):
        article_id = f"{base}-{hashlib.sha1(f'{path}#{ordinal}'.encode()).hexdigest()[:8]}"
    taken.add(article_id)
    for note in doc.notes:
        if note.startswith("warning: "):
            report_failure(
                store,
                build_id,
                InputFailure(doc.source, note.removeprefix("warning: "), stage="ingest"),
                path,
            )
    puts.put(
        NewArticle(
            article_id=article_id,
            file_path=path,
            ordinal=ordinal,
            source=doc.source,
            fmt=doc.format,
            raw=doc.raw,
            decoded=doc.text,
            notes=tuple(n for n in doc.notes if not n.startswith("warning: ")),
            meta=item.meta,
            strip=item.strip,
            line_keys=tuple(item.keys),
            build=build_id,
        )
    )


def _unstripped_lines(
    text: str, strip: Sequence[Strip], lines: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    if lines is None:
        lines = iter_lines(text)
    spans = [(s.start, s.end) for s in strip]
    if not spans:
        return lines
    return [(s, e) for s, e in lines if not any(a <= s and e <= b for a, b in spans)]
