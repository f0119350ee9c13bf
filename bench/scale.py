"""Scale measurements (issue 13): what the capacity plan in ``docs/capacity.md`` is built on.

``parse`` — whole-build throughput (every stage: ingest, clean, link, dates, the spaCy parse and
every analysis component, stories, outputs) at 1 and 2 workers, on the process runner and on
Dask, against the raw spaCy parse of the same texts in the same run (1 and 2 processes, the
model loaded before the clock starts). Targets: the build at >= 0.85 x the raw parse at 2
workers, and 2 workers >= 1.8 x 1 worker.

``store`` — the stages that do not parse (ingest, clean, duplicates, the SQLite store) on the
synthetic corpus of ``bench.synthetic`` grown to 100,000 articles (100 shards of 1,000, each with
its own planted duplicates): articles/s and peak memory at 10k, 30k and 100k (target >= 500
articles/s, memory flat), then story clustering over the stored articles (without lead
embeddings, measured apart per lead) timed on its own.

Every measured run is its own child process, so its peak RSS is its own; workers' peaks are
read from RUSAGE_CHILDREN (the largest single child).

    python -m bench.scale [--part parse|store|all] [--articles 160] [--sizes 10000 30000 100000]
                          [--json FILE]

Takes some 10 minutes for ``parse`` and, once the 100k corpus is written (a few minutes, kept
under ``bench/_corpus_100k``), some 10 minutes for ``store``: too long for ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "_corpus"
BIG = ROOT / "_corpus_100k"
EXAMPLE = ROOT.parent / "examples" / "labour-trump-2024"
DATASETS = Path(os.environ.get("STORYLINE_DATASETS", ROOT.parent.parent / "shared" / "datasets"))
POLNEAR = DATASETS / "polnear" / "dev" / "text"
PARSE_RATIO_MIN = 0.85
SCALING_MIN = 1.8
STORE_MIN = 500.0


# -- the texts of the parse part --------------------------------------------------------------


def parse_corpus(folder: Path, n: int) -> list[str]:
    """``n`` articles as .txt files in ``folder`` (real news first: the example story and the
    PolNeAR dev texts when present, then synthetic articles); returns their texts."""
    folder.mkdir(parents=True, exist_ok=True)
    texts: list[tuple[str, str]] = []
    for path in sorted(EXAMPLE.glob("*.txt")):
        texts.append((path.name, path.read_text("utf-8")))
    if POLNEAR.is_dir():
        for path in sorted(POLNEAR.glob("*.txt")):
            texts.append((f"polnear-{path.name}", " date 2016-10-15\n" + path.read_text("utf-8")))
    if len(texts) < n:
        from bench.synthetic import ensure_corpus

        ensure_corpus(CORPUS)
        for path in sorted((CORPUS / "part-00").glob("*.txt")):
            texts.append((f"synthetic-{path.name}", path.read_text("utf-8")))
            if len(texts) >= n:
                break
    out = []
    for name, text in texts[:n]:
        (folder / name).write_text(text, "utf-8")
        # What spaCy reads: the text without the date header line.
        out.append(text.split("\n", 1)[1] if text.startswith(" date ") else text)
    return out


def _parse_child(texts: list[str], result: Any) -> None:
    # The stock pipeline as spaCy ships it, not the build's (whose attribute ruler and lemmatizer
    # are replaced by a faster equivalent): what the build is measured against is spaCy itself.
    import spacy

    from storyline.analyse.lang.nlp import MODEL

    t0 = time.perf_counter()
    nlp = spacy.load(MODEL)
    loaded = time.perf_counter()
    cpu = time.process_time()
    for _ in nlp.pipe(texts, batch_size=8):
        pass
    result.put((loaded - t0, time.perf_counter() - loaded, time.process_time() - cpu))


def raw_parse(texts: list[str], processes: int) -> dict[str, float]:
    """Seconds of the raw parse of ``texts`` split over ``processes`` processes that parse at
    once (each loads the model before its clock starts)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    parts = [texts[i::processes] for i in range(processes)]
    procs = [ctx.Process(target=_parse_child, args=(part, queue)) for part in parts]
    for p in procs:
        p.start()
    got = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    return {
        "load_s": max(g[0] for g in got),
        "parse_s": max(g[1] for g in got),
        "cpu_s": sum(g[2] for g in got),
    }


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (the build's workers)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _build_child(inputs: list[str], out: str, engine: str, workers: int, result: str) -> None:
    from storyline.pipeline import build
    from storyline.settings import DEFAULT

    stages: dict[str, float] = {}
    last: dict[str, Any] = {"stage": "", "t": time.perf_counter()}

    def heard(stage: str, done: int, total: int | None) -> None:
        now = time.perf_counter()
        if stage != last["stage"]:
            if last["stage"]:
                stages[last["stage"]] = stages.get(last["stage"], 0.0) + now - last["t"]
            last.update(stage=stage, t=now)

    t0 = time.perf_counter()
    report = build(
        inputs,
        out,
        settings=replace(DEFAULT.with_env(), workers=workers),
        engine=engine,
        on_progress=heard,
    )
    seconds = time.perf_counter() - t0
    if last["stage"]:
        stages[last["stage"]] = stages.get(last["stage"], 0.0) + time.perf_counter() - last["t"]
    Path(result).write_text(
        json.dumps(
            {
                "seconds": seconds,
                "articles": report.articles,
                "errors": len(report.errors),
                "stages": stages,
                "cpu_s": _cpu_seconds(),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def _run_child(args: list[str], timeout: float) -> dict[str, Any] | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        result = Path(fh.name)
    cmd = [sys.executable, "-m", "bench.scale", "--child", str(result), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0 or not result.stat().st_size:
        sys.stderr.write(proc.stderr[-3000:])
        return None
    data: dict[str, Any] = json.loads(result.read_text())
    result.unlink()
    return data


def parse_part(n: int, timeout: float) -> dict[str, Any]:
    out: dict[str, Any] = {"articles": n}
    with tempfile.TemporaryDirectory(prefix="storyline-scale-") as tmp:
        texts = parse_corpus(Path(tmp) / "in", n)
        words = sum(len(t.split()) for t in texts)
        out["words"] = words
        print(f"parse: {n} articles, {words:,} words", flush=True)
        for procs in (1, 2):
            r = raw_parse(texts, procs)
            out[f"raw_parse_{procs}"] = r
            print(f"  raw spaCy parse, {procs} process(es): {r['parse_s']:.1f}s "
                  f"({words / r['parse_s']:,.0f} words/s; model load {r['load_s']:.1f}s; "
                  f"CPU {r['cpu_s']:.1f}s)", flush=True)  # fmt: skip
        for engine in ("process", "dask"):
            for workers in (1, 2):
                dest = Path(tmp) / f"out-{engine}-{workers}"
                r = _run_child(["build", engine, str(workers), str(dest), str(Path(tmp) / "in")],
                               timeout)  # fmt: skip
                out[f"build_{engine}_{workers}"] = r
                if r is None:
                    print(f"  build {engine} x{workers}: failed or timed out", flush=True)
                    continue
                raw = out[f"raw_parse_{workers}"]["parse_s"]
                print(f"  build {engine} x{workers}: {r['seconds']:.1f}s "
                      f"({words / r['seconds']:,.0f} words/s) = {raw / r['seconds']:.2f} x the raw "
                      f"parse at {workers}; CPU {r['cpu_s']:.1f}s = raw parse CPU "
                      f"{out['raw_parse_1']['cpu_s'] / r['cpu_s']:.2f} x; stages "
                      + ", ".join(f"{k} {v:.1f}s" for k, v in r["stages"].items()),
                      flush=True)  # fmt: skip
        for engine in ("process", "dask"):
            one, two = out.get(f"build_{engine}_1"), out.get(f"build_{engine}_2")
            if one and two:
                ratio = out["raw_parse_2"]["parse_s"] / two["seconds"]
                scaling = one["seconds"] / two["seconds"]
                out[f"{engine}_ratio_2"] = ratio
                out[f"{engine}_scaling"] = scaling
                print(f"  {engine}: build/raw parse at 2 workers {ratio:.2f} "
                      f"(target >= {PARSE_RATIO_MIN}) {'ok' if ratio >= PARSE_RATIO_MIN else 'UNDER'}; "
                      f"2 workers / 1 worker {scaling:.2f} (target >= {SCALING_MIN}) "
                      f"{'ok' if scaling >= SCALING_MIN else 'UNDER'}", flush=True)  # fmt: skip
    return out


# -- the store part ---------------------------------------------------------------------------


def big_corpus() -> Any:
    """The synthetic corpus grown to 100 shards of 1,000 (its first ten are the 10k corpus)."""
    from bench import synthetic

    synthetic.SHARDS = 100
    synthetic.VERSION = synthetic.VERSION + "-100k"
    return synthetic.ensure_corpus(BIG)


def _store_child(size: int, db: str, result: str) -> None:
    from bench import synthetic
    from bench.synthetic import shard_paths
    from storyline.pipeline import build

    synthetic.SHARDS = 100
    shards = shard_paths(BIG, size)
    t0 = time.perf_counter()
    report = build(shards, None, db=db, write_outputs=False, analyse=False)
    seconds = time.perf_counter() - t0
    Path(result).write_text(
        json.dumps(
            {
                "seconds": seconds,
                "articles": report.articles,
                "groups": len(report.duplicates),
                "errors": len(report.errors),
                "cpu_s": _cpu_seconds(),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def _cluster_child(db: str, result: str) -> None:
    from storyline.analyse.lang import embeddings as emb
    from storyline.link.stories import cluster_stories, inputs_from_store
    from storyline.store import open_store

    with open_store(db) as store:
        build_id = store.last_build()
        assert build_id is not None
        t0 = time.perf_counter()
        inputs = list(inputs_from_store(store, build_id, embeddings=False))
        read = time.perf_counter() - t0
        t0 = time.perf_counter()
        stories = cluster_stories(inputs)
        clustered = time.perf_counter() - t0
        leads = (
            [emb.lead_text(i.title, store.clean_text_of(i.id)) for i in inputs[:500]]
            if emb.available()
            else []
        )
    t0 = time.perf_counter()
    if leads:
        emb.embed(leads)
    embed_s = time.perf_counter() - t0
    Path(result).write_text(
        json.dumps(
            {
                "articles": len(inputs),
                "stories": len(stories),
                "read_s": read,
                "cluster_s": clustered,
                "embed_500_s": embed_s if leads else None,
                "cpu_s": _cpu_seconds(),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def store_part(sizes: list[int], timeout: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    big_corpus()
    print(f"store: corpus {BIG} ready in {time.perf_counter() - t0:.0f}s", flush=True)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="storyline-scale-") as tmp:
        for size in sorted(sizes):
            db = Path(tmp) / f"s{size}.sqlite"
            r = _run_child(["store", str(size), str(db)], timeout)
            out[f"store_{size}"] = r
            if r is None:
                print(f"  {size}: failed or timed out", flush=True)
                continue
            rate = r["articles"] / r["seconds"]
            print(f"  {size:>7,} articles: {r['seconds']:.0f}s, {rate:,.0f} articles/s "
                  f"(target >= {STORE_MIN:.0f}) {'ok' if rate >= STORE_MIN else 'UNDER'}; "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB, worker {r['worker_rss_mb']:.0f} MB; "
                  f"{r['groups']} duplicate groups; store {db.stat().st_size / 2**20:.0f} MB",
                  flush=True)  # fmt: skip
            out[f"store_{size}"]["db_mb"] = db.stat().st_size / 2**20
            c = _run_child(["cluster", str(db)], timeout)
            out[f"cluster_{size}"] = c
            if c is not None:
                print(f"    stories: read {c['read_s']:.0f}s, clustering {c['cluster_s']:.0f}s "
                      f"({c['articles'] / max(c['cluster_s'], 1e-9):,.0f} articles/s), "
                      f"{c['stories']} stories, peak {c['peak_rss_mb']:.0f} MB; lead embeddings "
                      + (f"{500 / c['embed_500_s']:,.0f}/s" if c["embed_500_s"] else "n/a"),
                      flush=True)  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        result, kind, *rest = argv[1:]
        if kind == "build":
            engine, workers, dest, *inputs = rest
            _build_child(inputs, dest, engine, int(workers), result)
        elif kind == "store":
            _store_child(int(rest[0]), rest[1], result)
        else:
            _cluster_child(rest[0], result)
        return 0
    p = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    p.add_argument("--part", choices=("parse", "store", "all"), default="all")
    p.add_argument("--articles", type=int, default=160, help="articles of the parse part")
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    p.add_argument("--timeout", type=float, default=3600)
    p.add_argument("--json", type=Path, help="also write every number here")
    args = p.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
    found: dict[str, Any] = {}
    if args.part in ("parse", "all"):
        found["parse"] = parse_part(args.articles, args.timeout)
    if args.part in ("store", "all"):
        found["store"] = store_part(args.sizes, args.timeout)
    if args.json is not None:
        args.json.write_text(json.dumps(found, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
