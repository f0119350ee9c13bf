"""The stages that do not parse (ingest, clean, duplicates, store), on SQLite and on PostgreSQL:
articles/s, peak memory and store size at each corpus size.

    python -m bench.store_scale [--sizes 10000 30000 100000] [--backends sqlite postgresql]
                                [--pg-url postgresql://user:pw@host/db] [--json OUT]
    python -m bench.store_scale --writers 1 2 [--per-writer 2000]


Each build runs in its own child process (its peak RSS is its own: ``ru_maxrss`` of the build
and of its worker processes), into a new, empty store: a SQLite file in a temporary folder, or a
new database on the server. Without ``--pg-url`` a throwaway PostgreSQL 15 server is started
with its default (durable) settings and removed at the end; the SQLite store runs as a build
does (WAL, ``synchronous=NORMAL``). The server's own memory is not in the child's RSS: its
size on disk is reported instead (``pg_database_size``).

``--writers K``: K processes write articles (``put_article``, 4 KB of text and 40 line keys
each, a commit every 256) into one store at once, as distributed workers would: the store's
write throughput with one writer and with several. SQLite lets one writer in at a time; the
PostgreSQL server takes them all.

The corpus is bench/synthetic.py's (10,000 articles in ten shards of 1,000, planted duplicates);
a larger size is made of copies of it, each copy's words re-spelt (every word of four letters or
more gets a suffix of its own) so that copies are not duplicates of each other while keeping the
synthetic corpus's structure, outlets' furniture and planted duplicates.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.synthetic import SHARD_SIZE, SHARDS, ensure_corpus, shard_paths

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "_corpus"
SCALED = CORPUS / "copies"
"""Copies live inside the corpus folder: ignored by git, and gone when the corpus is rebuilt."""
BASE = SHARD_SIZE * SHARDS
_WORD = re.compile(r"[A-Za-z]{4,}")
_TAG = re.compile(r"(<[^>]*>)")


def _suffix(copy: int) -> str:
    letters = ""
    while True:
        copy, rest = divmod(copy, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[rest]
        if copy == 0:
            return "q" + letters


def _respell(text: str, suffix: str) -> str:
    return _WORD.sub(lambda m: m.group(0) + suffix, text)


def _copy_file(src: Path, dst: Path, copy: int) -> None:
    suffix = _suffix(copy)
    text = src.read_text("utf-8")
    if src.suffix == ".jsonl":
        out = []
        for line in text.splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            for key in ("text", "title", "html"):
                if isinstance(record.get(key), str):
                    record[key] = _respell(record[key], suffix)
            if isinstance(record.get("id"), str):
                record["id"] = f"{record['id']}-{suffix}"
            out.append(json.dumps(record, ensure_ascii=False))
        text = "\n".join(out) + "\n"
    elif src.suffix in (".html", ".htm"):
        text = "".join(
            part if part.startswith("<") else _respell(part, suffix) for part in _TAG.split(text)
        )
    else:
        head, sep, rest = text.partition("\n")
        text = (
            (head + sep + _respell(rest, suffix))
            if head.startswith(" date ")
            else _respell(text, suffix)
        )
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(text, "utf-8")


def corpus_inputs(articles: int) -> list[Path]:
    """Input folders holding ``articles`` synthetic articles (copies made once, then reused)."""
    ensure_corpus(CORPUS)
    if articles <= BASE:
        return shard_paths(CORPUS, articles)
    copies = -(-articles // BASE)
    inputs = list(shard_paths(CORPUS, BASE))
    for copy in range(1, copies):
        target = SCALED / f"copy-{copy:03d}"
        stamp = target / "DONE"
        if not stamp.exists():
            shutil.rmtree(target, ignore_errors=True)
            for shard in shard_paths(CORPUS, BASE):
                for src in sorted(shard.rglob("*")):
                    if src.is_file():
                        _copy_file(src, target / shard.name / src.relative_to(shard), copy)
            stamp.write_text("done")
        inputs += [target / shard.name for shard in shard_paths(CORPUS, BASE)]
    return inputs


class _Stages(logging.Handler):
    """When each stage of the build started, from the pipeline's ``build N: stage`` lines."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.marks: list[tuple[str, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        m = re.match(r"build \d+: (\w+)$", record.getMessage())
        if m:
            self.marks.append((m.group(1), time.perf_counter()))


def _child(db: str, result: str, inputs: list[str]) -> None:
    from storyline.pipeline import build

    stages = _Stages()
    logger = logging.getLogger("storyline")
    logger.addHandler(stages)
    logger.setLevel(logging.INFO)
    t0 = time.perf_counter()
    report = build(inputs, None, db=db, write_outputs=False, analyse=False)
    end = time.perf_counter()
    marks = [*stages.marks, ("end", end)]
    Path(result).write_text(
        json.dumps(
            {
                "seconds": end - t0,
                "articles": report.articles,
                "errors": len(report.errors),
                "duplicate_groups": len(report.duplicates),
                "stages": {a: b - t for (a, t), (_, b) in itertools.pairwise(marks)},
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def _run(db: str, inputs: list[Path], timeout: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        result = Path(fh.name)
    cmd = [sys.executable, "-m", "bench.store_scale", "--child", db, str(result), *map(str, inputs)]
    env = {**os.environ, "PYTHONPATH": str(ROOT.parent)}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"failed": f"timed out after {timeout:.0f} s"}
    finally:
        data = result.read_text() if result.exists() else ""
        result.unlink(missing_ok=True)
    if proc.returncode != 0 or not data:
        return {"failed": proc.stderr.strip().splitlines()[-1:] or proc.returncode}
    out: dict[str, Any] = json.loads(data)
    return out


_WRITER = """
import sys, time
from storyline.model import MetaValue
from storyline.store import open_store
db, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
text = " ".join(f"word{i % 997}" for i in range(700))
meta = {"outlet": MetaValue("Daily Planet", "header", "bench", 1.0)}
with open_store(db) as store:
    build = store.begin_build([])
    t0 = time.perf_counter()
    for start in range(0, n, 256):
        with store.transaction():
            for i in range(start, min(n, start + 256)):
                store.put_article(
                    article_id=f"{tag}-{i}", file_path=f"{tag}-{i // 100}", ordinal=i,
                    source=f"{tag}-{i}", fmt="txt", raw=text.encode(), decoded=text, notes=[],
                    meta=meta, strip=[], line_keys=[f"{tag}-k{i % 50}-{j}" for j in range(40)],
                    build=build,
                )
    print(time.perf_counter() - t0)
"""


def _writers(db: str, writers: int, per_writer: int) -> dict[str, Any]:
    """``writers`` processes writing ``per_writer`` articles each into ``db`` at once."""
    from storyline.store import open_store

    env = {**os.environ, "PYTHONPATH": str(ROOT.parent)}
    open_store(db).close()  # created before the writers race to: creation is not measured
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, db, str(per_writer), f"w{w}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(writers)
    ]
    outs = [p.communicate() for p in procs]
    wall = time.perf_counter() - t0
    failed = [
        err.strip().splitlines()[-1:]
        for p, (_, err) in zip(procs, outs, strict=True)
        if p.returncode
    ]
    total = writers * per_writer
    # Each writer times its own writing (not its interpreter's start): the slowest one bounds
    # the batch, as the last shard bounds a distributed build.
    loops = [float(out.strip() or "nan") for out, _ in outs]
    slowest = max(loops)
    return {
        "writers": writers,
        "articles": total,
        "wall_seconds": wall,
        "seconds": slowest,
        "articles_per_s": total / slowest,
        **({"failed": failed} if failed else {}),
    }


def _pg_sizes(url: str) -> dict[str, float]:
    import psycopg

    with psycopg.connect(url) as conn:
        total = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        tables = conn.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relkind='r' AND relnamespace='public'::regnamespace "
            "ORDER BY 2 DESC LIMIT 5"
        ).fetchall()
    out = {"database_mb": (total[0] if total else 0) / 2**20}
    out.update({f"{name}_mb": size / 2**20 for name, size in tables})
    return out


def _new_database(admin: str | None, prefix: str) -> str:
    import psycopg

    assert admin is not None
    name = f"{prefix}_{int(time.time() * 1000)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        _child(argv[1], argv[2], argv[3:])
        return 0
    p = argparse.ArgumentParser(prog="python -m bench.store_scale", description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    p.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    p.add_argument("--pg-url", help="a server database whose user may CREATE DATABASE")
    p.add_argument("--timeout", type=float, default=3600.0)
    p.add_argument("--json", type=Path, help="also write the results here")
    p.add_argument("--writers", type=int, nargs="+", help="concurrent writers to measure")
    p.add_argument("--per-writer", type=int, default=2000)
    args = p.parse_args(argv)

    server = None
    admin = args.pg_url
    if "postgresql" in args.backends and admin is None:
        from bench.pgserver import start

        server = start(durable=True)
        admin = server.url
    rows: list[dict[str, Any]] = []
    try:
        for k in args.writers or []:
            for backend in args.backends:
                with tempfile.TemporaryDirectory(prefix="store-writers-") as tmp:
                    db = (
                        str(Path(tmp) / "store.sqlite")
                        if backend == "sqlite"
                        else _new_database(admin, f"writers_{k}")
                    )
                    r = {"backend": backend, **_writers(db, k, args.per_writer)}
                    rows.append(r)
                    print(json.dumps(r), flush=True)
        if args.writers:
            return 0 if all("failed" not in r for r in rows) else 1
        for size in args.sizes:
            inputs = corpus_inputs(size)
            for backend in args.backends:
                with tempfile.TemporaryDirectory(prefix="store-scale-") as tmp:
                    if backend == "sqlite":
                        db = str(Path(tmp) / "store.sqlite")
                    else:
                        db = _new_database(admin, f"scale_{size}")
                    r = _run(db, inputs, args.timeout)
                    if "failed" not in r:
                        r["articles_per_s"] = r["articles"] / r["seconds"]
                        if backend == "sqlite":
                            r["store_mb"] = (
                                sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20
                            )
                        else:
                            r.update(_pg_sizes(db))
                    r.update(backend=backend, size=size)
                    rows.append(r)
                    print(json.dumps(r), flush=True)
    finally:
        if server is not None:
            server.stop()
    print()
    print(
        f"{'backend':<11} {'articles':>8} {'seconds':>8} {'art/s':>7} {'peak MB':>8} "
        f"{'workers MB':>10} {'store MB':>9}"
    )
    for r in rows:
        if "failed" in r:
            print(f"{r['backend']:<11} {r['size']:>8} failed: {r['failed']}")
            continue
        store_mb = r.get("store_mb", r.get("database_mb", 0.0))
        print(
            f"{r['backend']:<11} {r['articles']:>8} {r['seconds']:>8.1f} "
            f"{r['articles_per_s']:>7.0f} {r['peak_rss_mb']:>8.0f} {r['worker_rss_mb']:>10.0f} "
            f"{store_mb:>9.0f}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if all("failed" not in r for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
