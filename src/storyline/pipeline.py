"""`storyline build`: ingest → clean → link → store → outputs, incremental and streaming.

Stages read from and write to the store one article at a time, so memory stays flat as the
corpus grows, and a re-run re-does only what changed: an unchanged file is not re-read, an
article whose text and corpus furniture are unchanged is not re-cleaned or re-indexed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing as mp
import os
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

from storyline.clean import clean_text, furniture_keys, line_keys
from storyline.clean.boilerplate import caption_texts
from storyline.errors import (
    InputError,
    OutputError,
    StoreError,
    TimeBudgetExceeded,
)
from storyline.faults import die_with_parent, failure, isolated, log_failure, time_budget
from storyline.ingest.discover import InputFile, discover_inputs, display_name, format_of
from storyline.ingest.metadata import Strip, detect_metadata, iter_lines
from storyline.ingest.readers import read_file, read_small
from storyline.link.duplicates import fingerprint, group_edges, link_articles
from storyline.model import BuildReport, CleanText, InputFailure, MetaValue, RawDocument
from storyline.settings import DEFAULT, Settings
from storyline.store import open_store, store_path
from storyline.store.sqlite import (
    CleanRow,
    Store,
    clean_row,
    meta_from_json,
    store_fault,
    valid_text,
)

__all__ = ["CLEANER_VERSION", "build", "clean_all", "cluster_all", "ingest", "link_all"]

log = logging.getLogger("storyline")

CLEANER_VERSION = "clean-3"
"""Bump when cleaning changes, so that stored articles are cleaned again."""

_BATCH = 256
"""Files (or articles) handed to the workers at a time: big enough to keep both cores busy,
small enough that memory stays flat."""
_BATCH_BYTES = 32 * 2**20
"""A batch of files is handed over early once it holds this many bytes."""
_SMALL_CONTAINER_BYTES = 4 * 2**20
"""JSONL files up to this size are read whole in a worker; bigger ones stream from the build
process (their records still go to the workers to be looked at)."""
_AHEAD = 2
"""Batches in the workers while this process stores the results of an earlier one, so that the
workers never wait for the store (and memory holds at most this many batches more)."""
Progress = Callable[[str, int], None]


def build(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] | None,
    *,
    db: str | os.PathLike[str] | None = None,
    settings: Settings = DEFAULT,
    progress: bool = False,
    write_outputs: bool = True,
    analyse: bool | None = None,
    timeline_dates: int | None = None,
    timeline_sentences: int | None = None,
) -> BuildReport:
    """Build (or update) a store from ``inputs`` and write ``dossier.json`` and ``report.html``
    into ``out_dir``.

    ``analyse`` (the spaCy parse and the layers on it) defaults to ``write_outputs``: the
    layers feed the outputs, and a store-only build (ingest, clean, duplicates) is the fast path
    benchmarks and bulk loads use.
    """
    if analyse is None:
        analyse = write_outputs
    t0 = time.perf_counter()
    out = Path(out_dir) if out_dir is not None else None
    if db is None:
        db = os.environ.get("STORYLINE_DB") or None
    if db is None:
        if out is None:
            raise ValueError("either out_dir or db is needed")
        db = out / "storyline.sqlite"
    if out is not None:
        _check_out_dir(out)
    with (
        _store_errors(db),
        open_store(db) as store,
        store.writer_lock(settings.lock_timeout_s),
        _progress(progress) as bar,
    ):
        build_id = store.begin_build([display_name(i) for i in inputs])
        log.info("build %d: ingest", build_id)
        processed, skipped = ingest(store, build_id, inputs, settings, bar)
        log.info("build %d: clean", build_id)
        clean_all(store, build_id, settings, bar)
        log.info("build %d: link", build_id)
        groups = link_all(store, build_id, settings, bar)
        if analyse:
            # Dating undated articles serves the time layers; store-only builds skip it.
            log.info("build %d: dates", build_id)
            infer_dates(store, build_id, settings)
            log.info("build %d: analyse", build_id)
            analyse_all(store, build_id, settings, bar)
            log.info("build %d: stories", build_id)
            cluster_all(store, build_id, settings)
        n = store.count_current(build_id)
        dossier_path = report_path = None
        if write_outputs and out is not None:
            log.info("build %d: outputs", build_id)
            dossier_path, report_path = _write_outputs(
                store, build_id, out, groups, analyse, inputs, timeline_dates, timeline_sentences
            )
        errors = store.errors(build_id)
        store.finish_build(build_id)
    return BuildReport(
        articles=n,
        processed=processed,
        skipped_unchanged=skipped,
        errors=tuple(errors),
        duplicates=tuple(groups),
        dossier_path=str(dossier_path) if dossier_path else None,
        report_path=str(report_path) if report_path else None,
        seconds=time.perf_counter() - t0,
    )


@contextlib.contextmanager
def _store_errors(location: str | os.PathLike[str]) -> Iterator[None]:
    """A fault of the store's file (disk full, read-only, removed) as one clear error; SQLite's
    transactions leave the store as the last commit had it."""
    try:
        yield
    except sqlite3.Error as exc:
        path = store_path(location)
        raise StoreError(f"{display_name(path)}: {store_fault(path, exc)}") from exc


def _check_out_dir(out: Path) -> None:
    """Fail before any work when the outputs could not be written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".storyline-", suffix=".probe"):
            pass
    except OSError as exc:
        raise OutputError(
            f"{display_name(out)}: cannot write the outputs here: {exc.strerror or exc}"
        ) from exc


def _write_outputs(
    store: Store,
    build_id: int,
    out: Path,
    groups: list[Any],
    analysed: bool,
    inputs: Sequence[str | os.PathLike[str]],
    timeline_dates: int | None,
    timeline_sentences: int | None,
) -> tuple[Path, Path]:
    """``dossier.json`` and ``report.html``, each written whole or not at all (a temporary file
    renamed over the old one), so a build killed while writing leaves the previous outputs."""
    from storyline.link.corpus import assemble
    from storyline.output.dossier import dossier_json, error_record, make_dossier
    from storyline.output.report import render_report

    corpus_errors: list[InputFailure] = []
    extra = (
        assemble(
            store,
            build_id,
            max_dates=timeline_dates,
            max_sentences=timeline_sentences,
            errors=corpus_errors,
        )
        if analysed
        else {}
    )
    if analysed:
        from storyline.link.story_sections import story_section

        brief = store.current_articles_brief(build_id)

        def stories_failed(exc: BaseException) -> None:
            corpus_errors.append(
                failure(exc, source="stories", stage="corpus", component="stories")
            )

        extra["stories"] = isolated(
            lambda: story_section(store.stories(build_id), brief, extra), stories_failed, []
        )
    for item in corpus_errors:
        _report_failure(store, build_id, item)
    dossier = make_dossier(
        store.articles_for_output(build_id), groups, store.errors(build_id), **extra
    )

    def report_failed(exc: BaseException) -> None:
        item = failure(
            exc, source=os.fspath(out / "report.html"), stage="output", component="report"
        )
        _report_failure(store, build_id, item)
        dossier["errors"].append(error_record(item))

    title = _story_title(inputs)
    html = isolated(lambda: render_report(dossier, title=title), report_failed, None)
    if html is None:
        html = _FALLBACK_REPORT.format(error=escape(dossier["errors"][-1]["error"]))
    dossier_path, report_path = out / "dossier.json", out / "report.html"
    _remove_stale_temporaries(out)
    _write_atomic(dossier_path, dossier_json(dossier))
    _write_atomic(report_path, html)
    return dossier_path, report_path


_FALLBACK_REPORT = (
    "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>storyline report</title>"
    "<p>The report could not be drawn: {error}. The dossier (dossier.json) is complete.</p></html>\n"
)


def _remove_stale_temporaries(out: Path) -> None:
    """Temporary outputs a killed build left behind (this build holds the store's lock)."""
    for pattern in (".dossier.json.*.tmp", ".report.html.*.tmp", ".storyline-*.probe"):
        for path in out.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, flushed to disk
    and renamed over ``path``: readers see the old file or the new one, never half of one."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{display_name(path)}: cannot write: {exc.strerror or exc}") from exc
    try:
        os.fchmod(fd, 0o644)  # mkstemp's file is private; outputs are documents to share
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{display_name(path)}: cannot write: {exc.strerror or exc}") from exc


def _story_title(inputs: Sequence[str | os.PathLike[str]]) -> str | None:
    """A one-folder build is named after its folder ("labour-trump-2024" → "Labour trump 2024")."""
    if len(inputs) != 1 or not Path(inputs[0]).is_dir():
        return None
    name = Path(inputs[0]).resolve().name.replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else None


class _Bar:
    """A rich progress bar, or nothing when quiet or not on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}
        if enabled:
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
                console=__import__("rich.console").console.Console(stderr=True),
            )

    def __enter__(self) -> _Bar:
        if self.progress is not None:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)

    def stage(self, name: str, total: int | None) -> None:
        if self.progress is not None:
            self.tasks[name] = self.progress.add_task(name, total=total)

    def advance(self, name: str, n: int = 1) -> None:
        if self.progress is not None and name in self.tasks:
            self.progress.advance(self.tasks[name], n)


def _progress(enabled: bool) -> _Bar:
    return _Bar(enabled and sys.stderr.isatty())


def _article_failures(
    store: Store, ids: Sequence[str], stage: str, failures: Sequence[InputFailure]
) -> None:
    """Record what ``stage`` could not do on ``ids`` (replacing its earlier record) and log
    each failure once, under the article's source."""
    for item in store.set_article_errors(ids, stage, failures):
        log_failure(item)


def _report_failure(
    store: Store, build_id: int, item: InputFailure, file_path: str | None = None
) -> None:
    if item.stage is None:  # readers name the file and the problem; the stage is ours to say
        item = replace(item, stage="ingest")
    log_failure(item)
    store.record_error(build_id, item, file_path)


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


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
        with time_budget(_budget(settings, data), "reading"):
            for doc in _records(InputFile(Path(path), source, source), settings, data):
                items.append(doc if isinstance(doc, InputFailure) else _prepare(doc))
    except TimeBudgetExceeded as exc:
        # What was read stays; the rest of the file is named as lost.
        items.append(failure(exc, source=source, stage="ingest", component="reader"))
    return path, sha, items


class _Pool:
    """Worker processes for the CPU-bound stages, started only for batches big enough to pay
    for them (small builds and tests stay in one process). Workers exit when the build does,
    however it ends (see :func:`storyline.faults.die_with_parent`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.executor: ProcessPoolExecutor | None = None

    def map(
        self, fn: Callable[..., Any], items: Sequence[Any], min_batch: int | None = None
    ) -> Iterator[Any]:
        workers = self.settings.workers
        floor = self.settings.parallel_min_batch if min_batch is None else min_batch
        if workers <= 1 or len(items) < floor:
            return (fn(item, self.settings) for item in items)
        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                workers,
                mp_context=mp.get_context("fork"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
        chunk = max(1, len(items) // (workers * 4))
        return self.executor.map(fn, items, [self.settings] * len(items), chunksize=chunk)

    def map_ahead(self, fn: Callable[..., Any], batches: Iterable[Sequence[Any]]) -> Iterator[Any]:
        """``fn`` over every item of every batch, in order, with up to ``_AHEAD`` batches in
        the workers while the caller consumes an earlier one."""
        inflight: deque[Iterator[Any]] = deque()
        for batch in batches:
            inflight.append(self.map(fn, batch))
            while len(inflight) > _AHEAD:
                yield from inflight.popleft()
        while inflight:
            yield from inflight.popleft()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
            self.executor = None

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _input_items(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, str, Any]]:
    """(store key, source as shown, the input file) for each input file once, or failures.

    A file named twice, or by two spellings of one path (relative and absolute, through a
    symlink), is one input: its identity is its real path (:class:`InputFile` ``key``)."""
    for item in discover_inputs(inputs):
        if isinstance(item, InputFailure):
            yield "", "", item
        else:
            yield item.key, item.source, item


def ingest(
    store: Store,
    build_id: int,
    inputs: Iterable[str | os.PathLike[str]],
    settings: Settings = DEFAULT,
    bar: _Bar | None = None,
) -> tuple[int, int]:
    """Read new and changed files into the store. Returns (articles read, articles unchanged).

    Work is committed every ``settings.commit_every`` articles (also inside a big file: a file
    read again after a kill puts the same articles under the same ids)."""
    counts = {"processed": 0, "skipped": 0, "pending": 0}
    bar = bar or _Bar(False)
    bar.stage("ingest", None)
    pool = _Pool(settings)
    batch: list[tuple[str, str]] = []
    inflight: deque[Iterator[tuple[str, str | None, list[_Prepared | InputFailure]]]] = deque()
    stats: dict[str, tuple[str, int, int, tuple[int, int, str] | None]] = {}
    sizes = {"batch": 0}
    keys_of: dict[str, str] = {}

    def commit_now() -> None:
        if counts["pending"] >= settings.commit_every:
            store.checkpoint()
            log.debug("ingest: committed %d articles", counts["processed"])
            counts["pending"] = 0

    def store_file(opened: str, sha: str | None, items: Iterable[_Prepared | InputFailure]) -> None:
        key = keys_of.pop(opened)
        _, size, mtime, known = stats.pop(key)
        if sha is None:  # unreadable: items hold the failure
            for item in items:
                if isinstance(item, InputFailure):
                    _report_failure(store, build_id, item)
            return
        if known and known[2] == sha:
            counts["skipped"] += _touch(store, build_id, key, size, mtime)
            return
        if known is not None:
            store.forget_file(key)
        taken: set[str] = set()
        for ordinal, item in enumerate(items):
            if isinstance(item, InputFailure):
                _report_failure(store, build_id, item, key)
                continue
            for problem in item.failures:
                _report_failure(store, build_id, problem, key)
            _put(store, build_id, key, ordinal, item, taken)
            counts["processed"] += 1
            counts["pending"] += 1
            commit_now()
        store.put_file(key, size, mtime, sha, build_id)

    def flush(drain: bool = False) -> None:
        # The workers read the next batches while this process stores an earlier one.
        if batch:
            inflight.append(pool.map(_read_small_file, list(batch)))
            batch.clear()
            sizes["batch"] = 0
        while inflight and (drain or len(inflight) > _AHEAD):
            for opened, sha, items in inflight.popleft():
                store_file(opened, sha, items)

    with pool, store.transaction():
        for key, source, item in _input_items(inputs):
            bar.advance("ingest")
            if isinstance(item, InputFailure):
                _report_failure(store, build_id, item)
                continue
            opened = os.fspath(item.path)
            try:
                st = os.stat(opened)
            except OSError as exc:
                _report_failure(
                    store,
                    build_id,
                    InputFailure(source, f"cannot read: {exc.strerror or exc}", stage="ingest"),
                )
                continue
            known = store.file_state(key)
            if known and known[0] == st.st_size and known[1] == st.st_mtime_ns:
                counts["skipped"] += _touch(store, build_id, key)
                continue
            fmt = format_of(opened)
            small = fmt in ("txt", "html")
            if small and st.st_size > settings.max_file_bytes:
                # Refused on its size alone: reading 100 MB to say so would defeat the limit.
                _report_failure(
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
                and st.st_size <= _SMALL_CONTAINER_BYTES
            ):
                # A small uncompressed JSONL file is read whole in a worker, like an article.
                batch.append((opened, source))
                sizes["batch"] += st.st_size
                if len(batch) >= _BATCH or sizes["batch"] >= _BATCH_BYTES:
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
                _report_failure(
                    store,
                    build_id,
                    InputFailure(source, f"cannot read: {exc.strerror or exc}", stage="ingest"),
                )
                continue
            # Its records are read here, one at a time, and looked at in the workers.
            docs = _chunks(_records(item, settings), _BATCH)
            store_file(opened, sha, pool.map_ahead(_prepare_item, docs))
        flush(drain=True)
    return counts["processed"], counts["skipped"]


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
    store: Store, build_id: int, path: str, ordinal: int, item: _Prepared, taken: set[str]
) -> None:
    doc = item.doc
    base = valid_text(doc.id) or "article"
    article_id = base
    owner = store.id_owner(article_id)
    if article_id in taken or (owner is not None and owner != path):
        article_id = f"{base}-{hashlib.sha1(f'{path}#{ordinal}'.encode()).hexdigest()[:8]}"
    taken.add(article_id)
    for note in doc.notes:
        if note.startswith("warning: "):
            _report_failure(
                store,
                build_id,
                InputFailure(doc.source, note.removeprefix("warning: "), stage="ingest"),
                path,
            )
    store.put_article(
        article_id=article_id,
        file_path=path,
        ordinal=ordinal,
        source=doc.source,
        fmt=doc.format,
        raw=doc.raw,
        decoded=doc.text,
        notes=[n for n in doc.notes if not n.startswith("warning: ")],
        meta=item.meta,
        strip=item.strip,
        line_keys=item.keys,
        build=build_id,
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


def clean_all(
    store: Store, build_id: int, settings: Settings = DEFAULT, bar: _Bar | None = None
) -> int:
    """Clean every current article whose text or outlet furniture changed. Returns how many."""
    bar = bar or _Bar(False)
    sizes = store.outlet_sizes(build_id)
    per_outlet: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, key, n in store.outlet_furniture_counts(build_id, settings.furniture_min_articles):
        per_outlet[name].append((key, n))
    furniture = {
        o: furniture_keys(rows, sizes.get(o, 0), settings) for o, rows in per_outlet.items()
    }
    rows = store.for_cleaning(build_id)
    bar.stage("clean", len(rows))
    done = 0
    config = _settings_key(settings)

    def jobs() -> Iterator[list[_CleanJob]]:
        nonlocal done
        todo: list[tuple[str, str, str | None, dict[str, int]]] = []
        for start in range(0, len(rows), _BATCH):
            page = rows[start : start + _BATCH]
            keys = store.line_keys_of([aid for aid, outlet, _ in page if outlet in furniture])
            for aid, outlet, old_key in page:
                bar.advance("clean")
                mine: dict[str, int] = {}
                if outlet in furniture:
                    table = furniture[outlet]
                    mine = {k: table[k] for k in keys[aid] if k in table}
                # The furniture lines themselves, not how many articles repeat them, decide the
                # cleaning: one more article from an outlet must not re-clean all of its others.
                key = hashlib.sha1(
                    json.dumps([CLEANER_VERSION, config, sorted(mine)]).encode()
                ).hexdigest()
                if key != old_key:
                    todo.append((aid, key, outlet, mine))
            if len(todo) >= _BATCH or (todo and start + _BATCH >= len(rows)):
                inputs = store.cleaning_inputs([t[0] for t in todo])
                done += len(todo)
                yield [(*t, *inputs[t[0]]) for t in todo]
                todo = []

    with _Pool(settings) as pool, store.transaction():
        cleaned: list[CleanRow] = []
        problems: list[InputFailure] = []

        def commit() -> None:
            store.put_clean_rows(cleaned)
            _article_failures(store, [r[-1] for r in cleaned], "clean", problems)
            store.checkpoint()
            log.debug("clean: committed %d articles", len(cleaned))
            cleaned.clear()
            problems.clear()

        for row, failures in pool.map_ahead(_clean_one, jobs()):
            cleaned.append(row)
            problems.extend(failures)
            if len(cleaned) >= settings.commit_every:
                commit()
        commit()
    return done


_SETTINGS_NOT_IN_CACHE_KEYS = frozenset(
    {
        "workers",
        "parallel_min_batch",
        "lock_timeout_s",
        "commit_every",
        "component_budget_s",
        "component_budget_s_per_mchar",
    }
)
"""Settings that change how a build runs, not what it computes: never part of a cache key
(changing the worker count must not re-clean the corpus)."""


def _settings_key(settings: Settings) -> str:
    return json.dumps(
        {
            f: getattr(settings, f)
            for f in sorted(settings.__dataclass_fields__)
            if f not in _SETTINGS_NOT_IN_CACHE_KEYS
        },
        sort_keys=True,
        default=str,
    )


_CleanJob = tuple[str, str, str | None, dict[str, int], str, str, str]
"""(article id, clean key, outlet, furniture, decoded text, meta json, strip json)."""


def _clean_one(job: _CleanJob, settings: Settings) -> tuple[CleanRow, list[InputFailure]]:
    """Clean and fingerprint one article, ready to store: the part of cleaning worth a worker.
    If cleaning fails the article goes on uncleaned (its text as decoded), with the failure."""
    aid, key, outlet, furniture, decoded, meta_json, strip_json = job
    failures: list[InputFailure] = []

    def failed(component: str) -> Callable[[BaseException], None]:
        def note(exc: BaseException) -> None:
            failures.append(
                failure(exc, source=aid, stage="clean", component=component, article_id=aid)
            )

        return note

    def clean() -> CleanText:
        strip = [Strip(**s) for s in json.loads(strip_json)]
        with time_budget(_budget(settings, decoded), "cleaning"):
            return clean_text(
                decoded, outlet=outlet, strip=strip, furniture=furniture, settings=settings
            )

    uncleaned = CleanText(decoded, (), ((0, 0, len(decoded)),))
    result = isolated(clean, failed("cleaner"), uncleaned)
    meta = meta_from_json(meta_json)
    meta = isolated(lambda: _with_title(meta, result.text), failed("title"), meta)
    prints = isolated(lambda: fingerprint(result.text, settings), failed("fingerprint"), None)
    if prints is None:
        prints = fingerprint("", settings)
    norm, sig_near, sig_content = prints
    return clean_row(aid, key, result, meta, norm, sig_near, sig_content), failures


def infer_dates(store: Store, build_id: int, settings: Settings = DEFAULT) -> int:
    """Give each undated article the date of the dated article it shares news sentences with,
    marked ``inferred``. Candidates come from the duplicate index (articles sharing names,
    figures or quotes), so the work stays proportional to the undated articles."""
    undated = store.undated(build_id, only_changed=True)
    if not undated:
        return 0
    found = 0
    with store.transaction():
        everyone: list[tuple[str, str]] | None = None
        for n, aid in enumerate(undated, start=1):
            candidates = store.dated_neighbours(aid, build_id, settings.infer_date_candidates)
            if not candidates:
                # A small corpus can afford to compare with every dated article.
                if everyone is None:
                    everyone = store.dated_articles(build_id, settings.infer_date_max_scan)
                candidates = everyone
            rows: list[tuple[str, str | None, str]] = [(aid, None, store.clean_text_of(aid))]
            rows += [(c, pub, store.clean_text_of(c)) for c, pub in candidates]
            guess, problems = _infer_one(aid, rows) if candidates else (None, [])
            _article_failures(store, [aid], "dates", problems)
            found += store.set_inferred_date(aid, guess)
            if n % settings.commit_every == 0:
                store.checkpoint()
    return found


def _infer_one(
    aid: str, rows: list[tuple[str, str | None, str]]
) -> tuple[str | None, list[InputFailure]]:
    from storyline.link.timeline import infer_published

    try:
        return infer_published(rows).get(aid), []
    except Exception as exc:  # fault isolation: the article stays undated
        return None, [failure(exc, source=aid, stage="dates", component="infer", article_id=aid)]


_Job = tuple[str, str, str, str | None, bool, str]
"""(article id, analysis key, clean text, published, published inferred, caption text)."""

_ANALYSIS_CHUNK = 8
"""Articles parsed together: spaCy's own batching, and small enough that both workers get work
(with 256 a batch, one worker would parse a whole small corpus alone)."""


def analyse_all(
    store: Store, build_id: int, settings: Settings = DEFAULT, bar: _Bar | None = None
) -> int:
    """Parse and analyse every current article whose clean text or date changed."""
    from storyline.analyse.layers import component_versions

    bar = bar or _Bar(False)
    versions = component_versions()
    jobs: list[_Job] = []
    for aid, clean_key, meta_json, old in store.for_analysis(build_id):
        meta = meta_from_json(meta_json or "{}")
        pub = meta.get("published")
        published = pub.value if pub else None
        key = hashlib.sha1(f"{clean_key}|{published}|{versions}".encode()).hexdigest()
        if key != old:
            inferred = bool(pub and pub.source == "inferred")
            captions = "\n\n".join(
                caption_texts((r["text"], r["reason"]) for r in store.removed_of(aid))
            )
            jobs.append((aid, key, store.clean_text_of(aid), published, inferred, captions))
    bar.stage("analyse", len(jobs))
    if not jobs:
        return 0
    chunks = [jobs[i : i + _ANALYSIS_CHUNK] for i in range(0, len(jobs), _ANALYSIS_CHUNK)]
    pool = _Pool(settings)
    with pool, store.transaction():
        pending = 0
        for results in _analysis_results(pool, chunks, settings):
            for aid, key, layers, failures in results:
                store.put_layers(aid, key, layers)
                _article_failures(store, [aid], "analyse", failures)
                bar.advance("analyse")
                pending += 1
            if pending >= settings.commit_every:
                store.checkpoint()
                log.debug("analyse: committed %d articles", pending)
                pending = 0
    return len(jobs)


_AnalysisResult = tuple[str, str, dict[str, Any], list[InputFailure]]


def _analysis_results(
    pool: _Pool, chunks: list[list[_Job]], settings: Settings
) -> Iterator[list[_AnalysisResult]]:
    """Each chunk's results, in order. A worker that dies outright (a crash in native code, the
    OOM killer) breaks the pool; the chunks not yet done are then analysed one article per
    process, so the article that kills its process loses only its own layers."""
    done = 0
    try:
        for results in pool.map(_analyse_chunk, chunks, min_batch=2):
            yield results
            done += 1
    except BrokenProcessPool:
        pool.close()
        rest = [job for chunk in chunks[done:] for job in chunk]
        log.error(
            "a worker process died; analysing the %d remaining articles one by one", len(rest)
        )
        yield from ([r] for r in _analyse_solo(rest, settings))


def _analyse_solo(jobs: list[_Job], settings: Settings) -> Iterator[_AnalysisResult]:
    """Analyse each job in its own forked process, ``settings.workers`` at a time, in order."""
    from storyline.analyse.lang.nlp import load_nlp

    load_nlp(settings.spacy_model)  # loaded once here, shared by every fork
    ctx = mp.get_context("fork")
    running: deque[tuple[_Job, Any, Any]] = deque()

    def start(job: _Job) -> None:
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_solo_worker, args=(job, settings, send, os.getpid()))
        proc.start()
        send.close()
        running.append((job, proc, receive))

    def finish() -> _AnalysisResult:
        job, proc, receive = running.popleft()
        result: _AnalysisResult | None = None
        try:
            result = receive.recv()
        except (EOFError, OSError):
            result = None
        receive.close()
        proc.join()
        if result is None:
            aid = job[0]
            died = RuntimeError(f"the process analysing this article died (exit {proc.exitcode})")
            return (
                aid,
                job[1],
                {},
                [failure(died, source=aid, stage="analyse", component="worker", article_id=aid)],
            )
        return result

    for job in jobs:
        if len(running) >= max(1, settings.workers):
            yield finish()
        start(job)
    while running:
        yield finish()


def _solo_worker(job: _Job, settings: Settings, send: Any, parent: int) -> None:
    die_with_parent(parent)
    [result] = _analyse_chunk([job], settings)
    send.send(result)
    send.close()


def _analysis_prefix(text: str, limit: int) -> int:
    """Where the analysed part of ``text`` ends: all of it up to ``limit`` characters, else the
    last paragraph break, sentence end or space before ``limit``."""
    if len(text) <= limit:
        return len(text)
    floor = limit // 2
    for mark in ("\n\n", "\n", ". ", " "):
        at = text.rfind(mark, floor, limit)
        if at >= 0:
            return at + len(mark)
    return limit


def _budget(settings: Settings, text: str | bytes) -> float:
    return settings.component_budget_s + settings.component_budget_s_per_mchar * len(text) / 1e6


def _parse_all(
    texts: list[str], names: list[str], settings: Settings, failures: list[InputFailure]
) -> list[Any]:
    """Parse ``texts`` together (any length: long ones in pieces); if that fails, one by one,
    so one bad text costs only its own parse (``None`` in its place)."""
    from storyline.analyse.lang.nlp import load_nlp, parse_texts

    model = settings.spacy_model
    load_nlp(model)  # once per process, and not on any article's time budget

    def together() -> list[Any]:
        with time_budget(sum(_budget(settings, t) for t in texts), "parse"):
            return list(parse_texts(texts, model, batch_size=_ANALYSIS_CHUNK))

    docs = isolated(together, lambda exc: None, None)
    if docs is not None:
        return docs
    out: list[Any] = []
    for text, name in zip(texts, names, strict=True):
        try:
            with time_budget(_budget(settings, text), "parse"):
                out.append(next(iter(parse_texts([text], model, batch_size=1))))
        except Exception as exc:  # fault isolation: this article goes without layers
            failures.append(
                failure(exc, source=name, stage="analyse", component="parse", article_id=name)
            )
            out.append(None)
    return out


def _analyse_chunk(chunk: list[_Job], settings: Settings) -> list[_AnalysisResult]:
    """Parse and run every component on each article of ``chunk``. A component that raises, or
    runs past its time budget, costs that article only that component's layer."""
    from storyline.analyse.layers import AnalysisContext, enabled_components

    failures: list[InputFailure] = []
    ids = [job[0] for job in chunk]
    texts = []
    for aid, _, text, *_ in chunk:
        cut = _analysis_prefix(text, settings.max_analysis_chars)
        if cut < len(text):
            note = (
                f"analyse/parse: analysed only the first {cut:,} of {len(text):,} characters "
                "(the whole text is kept in the store and the dossier)"
            )
            failures.append(InputFailure(aid, note, aid, "analyse", "parse"))
        texts.append(text[:cut])
    docs = _parse_all(texts, ids, settings, failures)
    captioned = [job for job in chunk if job[5]]
    caption_docs = dict(
        zip(
            [job[0] for job in captioned],
            _parse_all(
                [job[5] for job in captioned],
                [job[0] for job in captioned],
                settings,
                failures,
            ),
            strict=True,
        )
    )
    out = []
    for (aid, key, text, published, inferred, _), doc in zip(chunk, docs, strict=True):
        mine = [f for f in failures if f.article_id == aid]
        layers: dict[str, Any] = {}
        if doc is not None:
            ctx = AnalysisContext(published, inferred, caption_docs.get(aid))
            budget = _budget(settings, text)
            for component in enabled_components():
                value, problem = _run_component(component, doc, ctx, budget, aid)
                if problem is None:
                    layers[component.name] = value
                else:
                    mine.append(problem)
        out.append((aid, key, layers, mine))
    return out


def _run_component(
    component: Any, doc: Any, ctx: Any, budget: float, article_id: str
) -> tuple[Any, InputFailure | None]:
    try:
        with time_budget(budget, component.name):
            return component.fn(doc, ctx), None
    except Exception as exc:  # fault isolation: the article loses this layer only
        item = failure(
            exc, source=article_id, stage="analyse", component=component.name, article_id=article_id
        )
        return None, item


def cluster_all(store: Store, build_id: int, settings: Settings = DEFAULT) -> int:
    """Group the current articles into stories (one online pass in stream order over their
    stored layers) and store them, each story keeping its earlier id while it survives. A
    failure leaves the build without stories (named in ``errors``), never without a dossier."""
    from storyline.link.stories import cluster_stories, inputs_from_store
    from storyline.link.story_sections import keep_story_ids

    def failed(exc: BaseException) -> None:
        _report_failure(
            store, build_id, failure(exc, source="stories", stage="corpus", component="stories")
        )

    found = isolated(lambda: cluster_stories(inputs_from_store(store, build_id)), failed, None)
    if found is None:
        return 0
    with store.transaction():
        store.put_stories(build_id, keep_story_ids(found, store.stories(build_id)))
    return len(found)


def _with_title(meta: dict[str, MetaValue], text: str) -> dict[str, MetaValue]:
    """A headline-like first paragraph becomes the title when the container gave none."""
    if "title" in meta:
        return meta
    first, _, rest = text.partition("\n\n")
    words = first.split()
    if rest and 3 <= len(words) <= 25 and first.rstrip()[-1:] not in ".:;,\"”’'":
        meta = dict(meta)
        meta["title"] = MetaValue(first.strip(), "first-line", "clean.headline", 0.7, 0, len(first))
    return meta


_LINK_BATCH = 1024
"""Articles linked (and committed) at a time: those of earlier batches are found through the
store's band index, as in an incremental build."""


def link_all(
    store: Store, build_id: int, settings: Settings = DEFAULT, bar: _Bar | None = None
) -> list[Any]:
    """Index re-cleaned articles for duplicates, then group all current duplicate links."""
    bar = bar or _Bar(False)
    dirty = store.needing_link(build_id)
    bar.stage("link", len(dirty))
    with store.transaction():
        for start in range(0, len(dirty), _LINK_BATCH):
            batch = dirty[start : start + _LINK_BATCH]
            _link_batch(store, batch, build_id, settings)
            bar.advance("link", len(batch))
            store.checkpoint()
            log.debug("link: committed %d articles", start + len(batch))
        edges = store.current_edges(build_id)
        ids = {i for e in edges for i in (e.a, e.b)}

        def grouping_failed(exc: BaseException) -> None:
            _report_failure(
                store, build_id, failure(exc, source="duplicates", stage="link", component="groups")
            )

        groups: list[Any] = isolated(
            lambda: group_edges(edges, store.published_of(ids)), grouping_failed, []
        )
        store.set_duplicate_of(
            build_id, {m: g.canonical for g in groups for m in g.article_ids if m != g.canonical}
        )
    return groups


def _link_batch(store: Store, batch: Sequence[str], build_id: int, settings: Settings) -> None:
    """Link ``batch``; if that fails, each article alone, so one bad article is only left out
    of the duplicate index (and named in ``errors``). A fault of the store itself stops."""
    try:
        with store.savepoint():
            link_articles(store, batch, build_id, settings)
        store.set_article_errors(batch, "link", [])
        return
    except sqlite3.Error:
        raise
    except Exception:
        pass
    for aid in batch:
        try:
            with store.savepoint():
                link_articles(store, [aid], build_id, settings)
            problems: list[InputFailure] = []
        except sqlite3.Error:
            raise
        except Exception as exc:
            problems = [
                failure(exc, source=aid, stage="link", component="duplicates", article_id=aid)
            ]
            store.mark_linked_many([aid])
        _article_failures(store, [aid], "link", problems)
