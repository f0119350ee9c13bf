"""Run the hostile suite: ``python -m bench.hostile [--only PATTERN] [--jobs N] [--keep DIR]``.

Prints one line per case (case, category, result, seconds, why) and a summary per category;
exits 1 if any case fails. PASS* is a pass with a note (e.g. a valid article needed the
build's fault isolation); SKIP is a case this machine cannot run (no mount), never a failure.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import bench.hostile.cases_env  # noqa: F401  (registers the environment, kill and concurrency cases)
from bench.hostile import harness
from bench.hostile.browser import Browser
from bench.hostile.cases import CASES, Case
from bench.hostile.harness import STORYLINE, Ctx, Skip


@dataclass
class Result:
    case: Case
    status: str
    seconds: float
    why: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pending: list[Path] = field(default_factory=list)
    peak_mb: float = 0.0
    cpu: float = 0.0


def _run_case(c: Case, root: Path, env: dict[str, str]) -> Result:
    ctx = Ctx(c.name, root / c.name, env)
    t0 = time.monotonic()
    status = "PASS"
    try:
        c.fn(ctx)
    except Skip as exc:
        status = "SKIP"
        ctx.notes.append(str(exc))
    except Exception as exc:
        ctx.failures.append(
            f"harness error {type(exc).__name__}: {exc} "
            f"({traceback.extract_tb(exc.__traceback__)[-1].lineno})"
        )
    finally:
        for undo in reversed(ctx.cleanups):
            try:
                undo()
            except Exception as exc:  # cleanup must never hide the case's own result
                ctx.notes.append(f"cleanup failed: {exc}")
    if ctx.failures:
        status = "FAIL"
    elif status == "PASS" and ctx.notes:
        status = "PASS*"
    peak = max((r.peak_mb for r in ctx.runs), default=0.0)
    cpu = sum(r.cpu_seconds for r in ctx.runs)
    return Result(
        c, status, time.monotonic() - t0, ctx.failures, ctx.notes, ctx.pending_reports, peak, cpu
    )


def _browser_check(browser: Browser | None, res: Result) -> None:
    if browser is None or not browser.available:
        return
    for report in res.pending:
        verdict = browser.check(report)
        if verdict:
            res.why.append(f"payload ran in Chromium: {verdict}")
            res.status = "FAIL"


def _line(res: Result, width: int) -> str:
    why = "; ".join(res.why) if res.why else "; ".join(res.notes)
    return (
        f"{res.case.name:<{width}}  {res.case.category:<12} {res.status:<5} "
        f"{res.seconds:6.1f} {res.cpu:6.1f} {res.peak_mb:6.0f}  {why[:400]}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__)
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="run cases whose name or category matches (glob or substring); repeatable",
    )
    ap.add_argument("--jobs", type=int, default=1, help="cases run at once (default 1)")
    ap.add_argument("--keep", metavar="DIR", help="keep every case's folder under DIR")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument(
        "--all", action="store_true", help="also the extended variations (about twice as long)"
    )
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument(
        "--wall-factor",
        type=float,
        default=harness.WALL_FACTOR,
        help="kill a run after this many wall seconds per CPU second of its limit "
        f"(default {harness.WALL_FACTOR:g}; raise it on a loaded machine)",
    )
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium check")
    args = ap.parse_args(argv)
    harness.WALL_FACTOR = args.wall_factor

    cases = [c for c in CASES if _selected(c, args.only, args.all)]
    if args.list:
        for c in cases:
            print(f"{c.name:<48} {c.category:<12} {'extended' if c.extended else ''}")
        print(f"{len(cases)} cases")
        return 0
    if not STORYLINE.exists():
        print(f"hostile: no CLI at {STORYLINE} (run make setup)", file=sys.stderr)
        return 2
    if args.keep:
        root = Path(args.keep).resolve()
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
    else:
        root = Path(tempfile.mkdtemp(prefix="storyline-hostile-"))
    env = dict(os.environ)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    browser = None if args.no_browser else Browser()
    if browser is not None and not browser.available:
        print(f"hostile: Chromium check skipped: {browser.why_not}", file=sys.stderr)
        browser = None

    width = max((len(c.name) for c in cases), default=10)
    print(
        f"{'case':<{width}}  {'category':<12} {'result':<5} {'wall':>6} {'cpu':>6} {'MB':>6}  why",
        flush=True,
    )
    results: list[Result] = []
    t0 = time.monotonic()
    try:
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            futures: list[Future[Result]] = [pool.submit(_run_case, c, root, env) for c in cases]
            for fut in futures:
                res = fut.result()
                _browser_check(browser, res)
                results.append(res)
                print(_line(res, width), flush=True)
                if not args.keep and res.status != "FAIL":
                    shutil.rmtree(root / res.case.name, ignore_errors=True)
    finally:
        if browser is not None:
            browser.close()
    total = time.monotonic() - t0
    _summary(results, total)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {
                        "case": r.case.name,
                        "category": r.case.category,
                        "status": r.status,
                        "seconds": round(r.seconds, 2),
                        "cpu_seconds": round(r.cpu, 2),
                        "peak_mb": round(r.peak_mb),
                        "why": r.why,
                        "notes": r.notes,
                    }
                    for r in results
                ],
                indent=1,
            )
        )
    failed = [r for r in results if r.status == "FAIL"]
    if failed and not args.keep:
        print(f"failed cases' folders kept under {root}")
    elif not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


def _selected(c: Case, patterns: list[str], everything: bool) -> bool:
    """A category or a substring selects core cases; extended ones need ``--all`` or their
    own name (glob or exact)."""
    if not patterns:
        return everything or not c.extended
    for p in patterns:
        if fnmatch.fnmatch(c.name, p) or c.name == p:
            return True
        if (p in c.name or p == c.category) and (everything or not c.extended):
            return True
    return False


def _summary(results: list[Result], total: float) -> None:
    by: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        by[r.case.category][r.status] += 1
    print()
    print(f"{'category':<14} {'cases':>5} {'pass':>5} {'fail':>5} {'skip':>5}")
    for cat, cnt in by.items():
        n = sum(cnt.values())
        print(f"{cat:<14} {n:>5} {cnt['PASS'] + cnt['PASS*']:>5} {cnt['FAIL']:>5} {cnt['SKIP']:>5}")
    allc: Counter[str] = Counter(r.status for r in results)
    print(
        f"{'total':<14} {len(results):>5} {allc['PASS'] + allc['PASS*']:>5} {allc['FAIL']:>5} "
        f"{allc['SKIP']:>5}   in {total:.0f}s"
    )


if __name__ == "__main__":
    sys.exit(main())
