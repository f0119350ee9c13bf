"""`make bench`: ingest + clean + dedup + store throughput and memory on a synthetic corpus,
then the cost of each analysis layer over the spaCy parse (``bench.layers``).

Each measured build runs in its own child process, so that its peak RSS (``ru_maxrss``) is its
own and not the high-water mark of every build before it. No NLP layers and no outputs are
written: this measures `storyline.pipeline.build(..., write_outputs=False)`.

    python -m bench [--sizes 1000 3000 10000] [--timeout SECONDS] [--layers-only | --no-layers]
                    [--no-serve]

Then the page latency of ``storyline serve`` over the example story (``storyline.serve.latency``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path
from typing import Any

from bench.synthetic import ensure_corpus, extra_article, shard_paths

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "_corpus"
TARGET = 500.0
"""Articles per second the pipeline should reach on a 2-core machine."""


def _child(inputs: list[str], db: str, result: str) -> None:
    import inspect

    from storyline.pipeline import build

    # No NLP: the bench measures ingest + clean + dedup + store. Say so explicitly where the
    # build can be asked, rather than trust that a store-only build skips analysis.
    extra: dict[str, Any] = {}
    if "analyse" in inspect.signature(build).parameters:
        extra["analyse"] = False
    t0 = time.perf_counter()
    report = build(inputs, None, db=db, write_outputs=False, **extra)
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # The build may fan ingest and cleaning out to worker processes: their memory counts too.
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    Path(result).write_text(
        json.dumps(
            {
                "seconds": seconds,
                "articles": report.articles,
                "processed": report.processed,
                "skipped": report.skipped_unchanged,
                "errors": [[e.source, e.error] for e in report.errors],
                "groups": [[list(g.article_ids), g.kind] for g in report.duplicates],
                "peak_rss_mb": peak_kb / 1024,
                "worker_rss_mb": worker_kb / 1024,
            }
        )
    )


def _measure(inputs: list[Path], db: Path, timeout: float) -> dict[str, Any] | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        result = Path(fh.name)
    cmd = [sys.executable, "-m", "bench", "--child", str(db), str(result), *map(str, inputs)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        result.unlink(missing_ok=True)
        return None
    if proc.returncode != 0:
        # Keep going: the other runs still say something, and the table shows which failed.
        sys.stderr.write(proc.stderr[-3000:])
        result.unlink(missing_ok=True)
        return {"failed": proc.returncode}
    data: dict[str, Any] = json.loads(result.read_text())
    result.unlink()
    return data


def _quality(
    groups: list[list[Any]], truth: list[tuple[str, str, str]], present: set[str]
) -> dict[str, Any]:
    """Pairwise precision/recall of duplicate groups against the planted pairs."""
    planted = {frozenset((a, b)): kind for a, b, kind in truth if a in present and b in present}
    found: dict[frozenset[str], str] = {}
    for ids, kind in groups:
        for a, b in combinations(ids, 2):
            found[frozenset((a, b))] = kind
    hit = set(found) & set(planted)
    per_kind: dict[str, tuple[int, int]] = {}
    for kind in ("exact", "near", "rewrite"):
        want = [p for p, k in planted.items() if k == kind]
        per_kind[kind] = (sum(p in found for p in want), len(want))
    same_kind = sum(found[p] == planted[p] for p in hit)
    return {
        "precision": len(hit) / len(found) if found else 1.0,
        "recall": len(hit) / len(planted) if planted else 1.0,
        "predicted_pairs": len(found),
        "planted_pairs": len(planted),
        "per_kind": per_kind,
        "kind_agreement": same_kind / len(hit) if hit else 0.0,
    }


def _table(rows: list[list[str]], header: list[str]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table

        table = Table(*header)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
    except ImportError:
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for r in [header, *rows]:
            print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child(argv[3:], argv[1], argv[2])
        return 0
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    p.add_argument(
        "--timeout", type=float, default=1800, help="give up on one build after this many seconds"
    )
    p.add_argument(
        "--layers-only", action="store_true", help="only the analysis-layer costs (bench.layers)"
    )
    p.add_argument("--no-layers", action="store_true", help="skip the analysis-layer costs")
    p.add_argument(
        "--no-serve", action="store_true", help="skip the web application's page latency"
    )
    args = p.parse_args(argv)
    if args.layers_only:
        from bench import layers

        return layers.main([])

    t0 = time.perf_counter()
    corpus = ensure_corpus(CORPUS)
    print(
        f"corpus: {CORPUS} ({len(corpus.shard_of)} articles, ready in "
        f"{time.perf_counter() - t0:.1f}s)",
        flush=True,
    )

    rows: list[list[str]] = []
    quality: dict[str, Any] | None = None
    slow = False
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        largest = max(args.sizes)
        for size in sorted(args.sizes):
            shards = shard_paths(CORPUS, size)
            db = Path(tmp) / f"bench-{size}.sqlite"
            print(f"build {size} articles (fresh store) ...", flush=True)
            r = _measure(shards, db, args.timeout)
            if r is None:
                rows.append([f"{size} fresh", "-", f"> {args.timeout:.0f}", "-", "-", "-"])
                slow = True
                continue
            rows.append(_row(f"{size} fresh", r))
            if "failed" in r:
                slow = True
                continue
            slow |= r["articles"] / r["seconds"] < TARGET
            if size == largest:
                present = {i for i, s in corpus.shard_of.items() if s < len(shards)}
                quality = _quality(r["groups"], corpus.truth, present)
                print("re-run, unchanged ...", flush=True)
                again = _measure(shards, db, args.timeout)
                if again is not None:
                    rows.append(_row(f"{size} re-run (unchanged)", again))
                added = extra_article(Path(tmp))
                print("re-run, one file added ...", flush=True)
                more = _measure([*shards, added.parent], db, args.timeout)
                if more is not None:
                    rows.append(_row(f"{size} re-run (+1 file)", more))

    _table(rows, ["run", "articles", "seconds", "articles/s", "peak RSS MB", "worker peak MB"])
    print(
        f"target: >= {TARGET:.0f} articles/s for fresh builds "
        f"({os.cpu_count()} CPUs on this machine)"
    )
    if quality is not None:
        print(
            f"\nduplicates vs planted pairs: precision {quality['precision']:.3f}, "
            f"recall {quality['recall']:.3f} ({quality['predicted_pairs']} predicted pairs, "
            f"{quality['planted_pairs']} planted); kind agreement on hits "
            f"{quality['kind_agreement']:.2f}"
        )
        for kind, (hit, total) in quality["per_kind"].items():
            print(f"  {kind:8s} recall {hit}/{total}")
    if slow:
        print(f"\nBELOW TARGET: a fresh build ran under {TARGET:.0f} articles/s (or timed out)")
    if not args.no_layers:
        from bench import layers

        print()
        layers.main([])
    if not args.no_serve:
        print()
        _serve_latency()
    return 0


def _serve_latency() -> None:
    """p50/p95 of every page type of `storyline serve` over the example story's store."""
    from storyline.pipeline import build
    from storyline.serve import latency

    example = ROOT.parent / "examples" / "labour-trump-2024"
    with tempfile.TemporaryDirectory(prefix="storyline-bench-serve-") as tmp:
        print(f"serve: page latency over the example store ({example.name}) ...", flush=True)
        build([example], Path(tmp) / "out", progress=False)
        latency.main([str(Path(tmp) / "out" / "storyline.sqlite"), "--requests", "40"])


def _row(name: str, r: dict[str, Any]) -> list[str]:
    if "failed" in r:
        return [name, f"build failed (exit {r['failed']})", "-", "-", "-", "-"]
    rate = r["articles"] / r["seconds"] if r["seconds"] else float("inf")
    return [
        name,
        f"{r['articles']} ({r['processed']} read)",
        f"{r['seconds']:.1f}",
        f"{rate:.0f}",
        f"{r['peak_rss_mb']:.0f}",
        f"{r['worker_rss_mb']:.0f}" if r["worker_rss_mb"] else "-",
    ]


if __name__ == "__main__":
    raise SystemExit(main())
