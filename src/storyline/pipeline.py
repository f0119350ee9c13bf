"""`storyline build`: ingest → clean → link → store → outputs, incremental and streaming.

Stages read from and write to the store one article at a time, so memory stays flat as the
corpus grows, and a re-run re-does only what changed: an unchanged file is not re-read, an
article whose text and corpus furniture are unchanged is not re-cleaned or re-indexed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing as mp
import os
import sys
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from storyline.clean import clean_text, furniture_keys, line_keys
from storyline.clean.boilerplate import caption_texts
from storyline.ingest.discover import discover, format_of
from storyline.ingest.metadata import Strip, detect_metadata, iter_lines
from storyline.ingest.readers import read_file
from storyline.link.duplicates import fingerprint, group_edges, link_articles
from storyline.model import BuildReport, InputFailure, MetaValue, RawDocument
from storyline.settings import DEFAULT, Settings
from storyline.store.sqlite import CleanRow, Store, clean_row, meta_from_json

__all__ = ["CLEANER_VERSION", "build", "clean_all", "ingest", "link_all"]

log = logging.getLogger("storyline")

CLEANER_VERSION = "clean-3"
"""Bump when cleaning changes, so that stored articles are cleaned again."""

_COMMIT_EVERY = 500
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
        if out is None:
            raise ValueError("either out_dir or db is needed")
        db = out / "storyline.sqlite"
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    with Store(os.fspath(db)) as store, _progress(progress) as bar:
        build_id = store.begin_build([os.fspath(i) for i in inputs])
        processed, skipped = ingest(store, build_id, inputs, settings, bar)
        clean_all(store, build_id, settings, bar)
        groups = link_all(store, build_id, settings, bar)
        if analyse:
            # Dating undated articles serves the time layers; store-only builds skip it.
            infer_dates(store, build_id, settings)
            analyse_all(store, build_id, settings, bar)
        errors = store.errors(build_id)
        n = store.count_current(build_id)
        dossier_path = report_path = None
        if write_outputs and out is not None:
            from storyline.link.corpus import assemble
            from storyline.output.dossier import make_dossier, write_dossier

            extra = (
                assemble(
                    store, build_id, max_dates=timeline_dates, max_sentences=timeline_sentences
                )
                if analyse
                else {}
            )
            dossier = make_dossier(store.articles_for_output(build_id), groups, errors, **extra)
            dossier_path = out / "dossier.json"
            write_dossier(dossier, dossier_path)
            report_path = out / "report.html"
            _write_report(dossier, report_path, _story_title(inputs))
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


def _write_report(dossier: dict[str, Any], path: Path, title: str | None) -> None:
    from storyline.output.report import write_report

    write_report(dossier, path, title=title)


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


def _report_failure(
    store: Store, build_id: int, failure: InputFailure, file_path: str | None = None
) -> None:
    log.error("%s: %s", failure.source, failure.error)
    store.record_error(build_id, failure, file_path)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """One article read and looked at, ready for the store (made in a worker process)."""

    doc: RawDocument
    meta: dict[str, MetaValue]
    strip: list[dict[str, Any]]
    keys: list[str]


def _prepare(doc: RawDocument) -> _Prepared:
    spans = iter_lines(doc.text)
    found = detect_metadata(doc.text, doc.meta, spans)
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


def _read_small_file(
    path: str, settings: Settings
) -> tuple[str, str | None, list[_Prepared | InputFailure]]:
    """Read, hash, parse and prepare one .txt/.html file (or small .jsonl file): the part of
    ingest worth a worker."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return path, None, [InputFailure(path, f"cannot read: {exc.strerror or exc}")]
    sha = hashlib.sha256(data).hexdigest()
    items: list[_Prepared | InputFailure] = [
        doc if isinstance(doc, InputFailure) else _prepare(doc)
        for doc in read_file(Path(path), settings, data)
    ]
    return path, sha, items


class _Pool:
    """Worker processes for the CPU-bound stages, started only for batches big enough to pay
    for them (small builds and tests stay in one process)."""

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
            self.executor = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))
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
            self.executor.shutdown()
            self.executor = None

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ingest(
    store: Store,
    build_id: int,
    inputs: Iterable[str | os.PathLike[str]],
    settings: Settings = DEFAULT,
    bar: _Bar | None = None,
) -> tuple[int, int]:
    """Read new and changed files into the store. Returns (articles read, articles unchanged)."""
    counts = {"processed": 0, "skipped": 0, "pending": 0}
    bar = bar or _Bar(False)
    bar.stage("ingest", None)
    pool = _Pool(settings)
    batch: list[str] = []
    inflight: deque[Iterator[tuple[str, str | None, list[_Prepared | InputFailure]]]] = deque()
    stats: dict[str, tuple[int, int, tuple[int, int, str] | None]] = {}
    sizes = {"batch": 0}

    def store_file(path: str, sha: str | None, items: Iterable[_Prepared | InputFailure]) -> None:
        size, mtime, known = stats.pop(path)
        if sha is None:  # unreadable: items hold the failure
            for item in items:
                if isinstance(item, InputFailure):
                    _report_failure(store, build_id, item)
            return
        if known and known[2] == sha:
            counts["skipped"] += _touch(store, build_id, path, size, mtime)
            return
        if known is not None:
            store.forget_file(path)
        taken: set[str] = set()
        for ordinal, item in enumerate(items):
            if isinstance(item, InputFailure):
                _report_failure(store, build_id, item, path)
                continue
            _put(store, build_id, path, ordinal, item, taken)
            counts["processed"] += 1
            counts["pending"] += 1
        store.put_file(path, size, mtime, sha, build_id)
        if counts["pending"] >= _COMMIT_EVERY:
            store.checkpoint()
            counts["pending"] = 0

    def flush(drain: bool = False) -> None:
        # The workers read the next batches while this process stores an earlier one.
        if batch:
            inflight.append(pool.map(_read_small_file, list(batch)))
            batch.clear()
            sizes["batch"] = 0
        while inflight and (drain or len(inflight) > _AHEAD):
            for path, sha, items in inflight.popleft():
                store_file(path, sha, items)

    with pool, store.transaction():
        for item in discover(os.fspath(i) for i in inputs):
            bar.advance("ingest")
            if isinstance(item, InputFailure):
                _report_failure(store, build_id, item)
                continue
            path = str(item)
            try:
                st = item.stat()
            except OSError as exc:
                _report_failure(
                    store, build_id, InputFailure(path, f"cannot read: {exc.strerror or exc}")
                )
                continue
            known = store.file_state(path)
            if known and known[0] == st.st_size and known[1] == st.st_mtime_ns:
                counts["skipped"] += _touch(store, build_id, path)
                continue
            fmt = format_of(path)
            small = fmt in ("txt", "html")
            if small and st.st_size > settings.max_file_bytes:
                # Refused on its size alone: reading 100 MB to say so would defeat the limit.
                _report_failure(
                    store,
                    build_id,
                    InputFailure(
                        path,
                        f"file too large for one article ({st.st_size / 2**20:.1f} MiB > "
                        f"{settings.max_file_bytes / 2**20:.1f} MiB limit)",
                    ),
                )
                continue
            stats[path] = (st.st_size, st.st_mtime_ns, known)
            if small or (
                fmt == "jsonl"
                and path.lower().endswith(".jsonl")
                and st.st_size <= _SMALL_CONTAINER_BYTES
            ):
                # A small uncompressed JSONL file is read whole in a worker, like an article.
                batch.append(path)
                sizes["batch"] += st.st_size
                if len(batch) >= _BATCH or sizes["batch"] >= _BATCH_BYTES:
                    flush()
                continue
            # Containers of many articles (and refused big files) stream from this process, in
            # input order: earlier batches go first so that ids are assigned deterministically.
            flush(drain=True)
            try:
                sha = _sha256_file(item)
            except OSError as exc:
                stats.pop(path)
                _report_failure(
                    store, build_id, InputFailure(path, f"cannot read: {exc.strerror or exc}")
                )
                continue
            # Its records are read here, one at a time, and looked at in the workers.
            docs = _chunks(read_file(item, settings), _BATCH)
            store_file(path, sha, pool.map_ahead(_prepare_item, docs))
        flush(drain=True)
    return counts["processed"], counts["skipped"]


def _touch(
    store: Store, build_id: int, path: str, size: int | None = None, mtime: int | None = None
) -> int:
    """An unchanged file joins this build, and its errors from when it was read are reported
    again: a bad record does not become good by being left alone."""
    for failure in store.file_errors(path):
        log.error("%s: %s", failure.source, failure.error)
        store.record_error(build_id, failure, path)
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
    article_id = doc.id
    owner = store.id_owner(article_id)
    if article_id in taken or (owner is not None and owner != path):
        article_id = f"{doc.id}-{hashlib.sha1(f'{path}#{ordinal}'.encode()).hexdigest()[:8]}"
    taken.add(article_id)
    for note in doc.notes:
        if note.startswith("warning: "):
            _report_failure(
                store, build_id, InputFailure(doc.source, note.removeprefix("warning: ")), path
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
    config = settings.__repr__()

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
        for row in pool.map_ahead(_clean_one, jobs()):
            cleaned.append(row)
            if len(cleaned) >= _BATCH:
                store.put_clean_rows(cleaned)
                cleaned.clear()
        store.put_clean_rows(cleaned)
    return done


_CleanJob = tuple[str, str, str | None, dict[str, int], str, str, str]
"""(article id, clean key, outlet, furniture, decoded text, meta json, strip json)."""


def _clean_one(job: _CleanJob, settings: Settings) -> CleanRow:
    """Clean and fingerprint one article, ready to store: the part of cleaning worth a worker."""
    aid, key, outlet, furniture, decoded, meta_json, strip_json = job
    strip = [Strip(**s) for s in json.loads(strip_json)]
    result = clean_text(decoded, outlet=outlet, strip=strip, furniture=furniture, settings=settings)
    meta = _with_title(meta_from_json(meta_json), result.text)
    norm, sig_near, sig_content = fingerprint(result.text, settings)
    return clean_row(aid, key, result, meta, norm, sig_near, sig_content)


def infer_dates(store: Store, build_id: int, settings: Settings = DEFAULT) -> int:
    """Give each undated article the date of the dated article it shares news sentences with,
    marked ``inferred``. Candidates come from the duplicate index (articles sharing names,
    figures or quotes), so the work stays proportional to the undated articles."""
    from storyline.link.timeline import infer_published

    undated = store.undated(build_id, only_changed=True)
    if not undated:
        return 0
    found = 0
    with store.transaction():
        everyone: list[tuple[str, str]] | None = None
        for aid in undated:
            candidates = store.dated_neighbours(aid, build_id, settings.infer_date_candidates)
            if not candidates:
                # A small corpus can afford to compare with every dated article.
                if everyone is None:
                    everyone = store.dated_articles(build_id, settings.infer_date_max_scan)
                candidates = everyone
            rows: list[tuple[str, str | None, str]] = [(aid, None, store.clean_text_of(aid))]
            rows += [(c, pub, store.clean_text_of(c)) for c, pub in candidates]
            guess = infer_published(rows).get(aid) if candidates else None
            found += store.set_inferred_date(aid, guess)
    return found


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
        for results in pool.map(_analyse_chunk, chunks, min_batch=2):
            for aid, key, layers in results:
                store.put_layers(aid, key, layers)
                bar.advance("analyse")
    return len(jobs)


def _analyse_chunk(chunk: list[_Job], settings: Settings) -> list[tuple[str, str, dict[str, Any]]]:
    from storyline.analyse.layers import AnalysisContext, analyse_doc
    from storyline.analyse.nlp import load_nlp

    nlp = load_nlp(settings.spacy_model)
    docs = nlp.pipe([job[2] for job in chunk], batch_size=_ANALYSIS_CHUNK)
    with_captions = [job[5] for job in chunk if job[5]]
    caption_docs = iter(nlp.pipe(with_captions, batch_size=_ANALYSIS_CHUNK))
    out = []
    for (aid, key, _, published, inferred, captions), doc in zip(chunk, docs, strict=True):
        ctx = AnalysisContext(published, inferred, next(caption_docs) if captions else None)
        out.append((aid, key, analyse_doc(doc, ctx)))
    return out


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


def link_all(
    store: Store, build_id: int, settings: Settings = DEFAULT, bar: _Bar | None = None
) -> list[Any]:
    """Index re-cleaned articles for duplicates, then group all current duplicate links."""
    bar = bar or _Bar(False)
    dirty = store.needing_link(build_id)
    bar.stage("link", len(dirty))
    with store.transaction():
        link_articles(store, dirty, build_id, settings)
        bar.advance("link", len(dirty))
        edges = store.current_edges(build_id)
        ids = {i for e in edges for i in (e.a, e.b)}
        groups = group_edges(edges, store.published_of(ids))
        store.set_duplicate_of(
            build_id, {m: g.canonical for g in groups for m in g.article_ids if m != g.canonical}
        )
    return groups
