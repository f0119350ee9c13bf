"""Environment faults, concurrent builds, kills and re-runs."""

from __future__ import annotations

import functools
import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.hostile.cases import mark_extended, register
from bench.hostile.corpus import GOOD_C, GOOD_D, kill_corpus
from bench.hostile.harness import (
    LEFTOVER_GRACE,
    Ctx,
    Run,
    Skip,
    _killpg,
    first_difference,
    integrity,
    normalise_dossier,
    poll_json,
)

__all__: list[str] = []


def _one_line_error(ctx: Ctx, run: Run, path_hint: str | None = None) -> None:
    """Environment faults: exit non-zero, a short message (at most 3 lines), naming the path."""
    ctx.check_run(run, "fail")
    lines = [x for x in run.err.splitlines() if x.strip()]
    ctx.check(len(lines) <= 3, f"message is {len(lines)} lines, not one: {run.head(2)!r}")
    if path_hint:
        ctx.check(path_hint in run.err, f"message does not name {path_hint!r}: {run.head(2)!r}")


def _mount(ctx: Ctx, where: Path, opts: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)], capture_output=True, timeout=20
    )
    if r.returncode != 0:
        raise Skip(f"cannot mount a tmpfs here ({r.stderr.decode(errors='replace').strip()[:60]})")

    def umount() -> None:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=20)

    ctx.cleanups.append(umount)


def _good_then(ctx: Ctx) -> str:
    """A first, good build into out/: the 'previous store' that must stay valid."""
    goods = ctx.goods()
    run = ctx.build(goods)
    ctx.check_run(run, "ok", "first build")
    return integrity(ctx.dir / "out" / "storyline.sqlite")


def _previous_still_valid(ctx: Ctx, before: bytes | None) -> None:
    ctx.check(integrity(ctx.dir / "out" / "storyline.sqlite") == "ok", "previous store damaged")
    if before is not None:
        now = (
            (ctx.dir / "out" / "dossier.json").read_bytes()
            if (ctx.dir / "out" / "dossier.json").exists()
            else b""
        )
        ctx.check(now == before, "previous dossier.json changed or lost")


def _dossier_bytes(ctx: Ctx) -> bytes | None:
    p = ctx.dir / "out" / "dossier.json"
    return p.read_bytes() if p.exists() else None


def _db_scheme(url: str, ctx: Ctx) -> None:
    _good_then(ctx)
    before = _dossier_bytes(ctx)
    url = url.replace("{dir}", str(ctx.dir).lstrip("/"))
    run = ctx.cli(["build", "--out", "out", "--db", url, "-q", "--", *ctx.goods()])
    scheme = url.split(":", 1)[0]
    stray = [
        p.name
        for p in ctx.dir.iterdir()
        if p.name.startswith(scheme + ":") or p.name == scheme + ":"
    ]
    stray += [p.name for p in (ctx.dir / "out").iterdir() if p.name.startswith(scheme)]
    ctx.check(not stray, f"--db {url!r} created {stray}")
    if scheme in ("postgresql", "foo", "mysql"):
        _one_line_error(ctx, run)
    else:
        ctx.check_run(run, "any")
    _previous_still_valid(ctx, before)


for _url in (
    "postgresql://user:pw@localhost:5432/news",
    "foo://x",
    "mysql://root@db/x",
    "sqlite:///{dir}/url.sqlite",
    "file:odd.db?mode=ro",
):
    register(f"env-db-{_url.split(':')[0]}-scheme", "env", functools.partial(_db_scheme, _url))


def _env_case(name: str) -> Callable[[Callable[[Ctx], None]], Callable[[Ctx], None]]:
    def deco(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        register(name, "env", fn)
        return fn

    return deco


@_env_case("env-out-read-only-mount")
def _ro_out(ctx: Ctx) -> None:
    mnt = ctx.dir / "ro"
    _mount(ctx, mnt, "size=4m,ro")
    run = ctx.build(ctx.goods(), out="ro/out")
    _one_line_error(ctx, run, "ro")


@_env_case("env-out-read-only-existing-store")
def _ro_store(ctx: Ctx) -> None:
    mnt = ctx.dir / "mnt"
    _mount(ctx, mnt, "size=8m")
    run = ctx.build(ctx.goods(), out="mnt/out")
    ctx.check_run(run, "ok", "first build")
    subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True, timeout=20)
    run = ctx.build(ctx.goods(), out="mnt/out")
    ctx.check_run(run, "any", "build on a read-only store")
    if run.rc != 0:
        _one_line_error(ctx, run)
    ctx.check(integrity(mnt / "out" / "storyline.sqlite") == "ok", "store damaged")


@_env_case("env-out-is-a-file")
def _out_file(ctx: Ctx) -> None:
    (ctx.dir / "outfile").write_text("x")
    _one_line_error(ctx, ctx.build(ctx.goods(), out="outfile"), "outfile")


@_env_case("env-out-under-a-file")
def _out_under(ctx: Ctx) -> None:
    (ctx.dir / "afile").write_text("x")
    _one_line_error(ctx, ctx.build(ctx.goods(), out="afile/out"), "afile")


@_env_case("env-db-is-a-folder")
def _db_dir(ctx: Ctx) -> None:
    (ctx.dir / "dbdir").mkdir()
    run = ctx.build(ctx.goods(), extra=["--db", "dbdir"])
    _one_line_error(ctx, run, "dbdir")


@_env_case("env-db-in-proc")
def _db_proc(ctx: Ctx) -> None:
    run = ctx.build(ctx.goods(), extra=["--db", "/proc/storyline-hostile.sqlite"])
    _one_line_error(ctx, run, "/proc/storyline-hostile.sqlite")


@_env_case("env-db-not-sqlite")
def _db_garbage(ctx: Ctx) -> None:
    junk = b"this is not a database\n" * 100
    (ctx.dir / "junk.sqlite").write_bytes(junk)
    run = ctx.build(ctx.goods(), extra=["--db", "junk.sqlite"])
    _one_line_error(ctx, run, "junk.sqlite")
    ctx.check(
        (ctx.dir / "junk.sqlite").read_bytes() == junk, "a file that is not a store was overwritten"
    )


@_env_case("env-db-corrupt-store")
def _db_corrupt(ctx: Ctx) -> None:
    _good_then(ctx)
    db = ctx.dir / "out" / "storyline.sqlite"
    data = bytearray(db.read_bytes())
    for i in range(4096, min(len(data), 4096 * 6)):
        data[i] ^= 0xA5
    db.write_bytes(bytes(data))
    run = ctx.build(ctx.goods())
    ctx.check_run(run, "any")
    if run.rc != 0:
        _one_line_error(ctx, run)


@_env_case("env-disk-full-tmpfs")
def _disk_full(ctx: Ctx) -> None:
    mnt = ctx.dir / "small"
    _mount(ctx, mnt, "size=160k")
    run = ctx.build(ctx.goods(), out="small/out")
    ctx.check_run(run, "fail")
    _one_line_error(ctx, run)
    db = mnt / "out" / "storyline.sqlite"
    if db.exists():
        ctx.check(integrity(db) in ("ok", "missing"), f"store after a full disk: {integrity(db)}")


@_env_case("env-disk-fills-on-rebuild")
def _disk_fills(ctx: Ctx) -> None:
    mnt = ctx.dir / "disk"
    _mount(ctx, mnt, "size=2m")
    goods = ctx.goods()
    run = ctx.build(goods, out="disk/out")
    ctx.check_run(run, "ok", "first build")
    before = (
        (mnt / "out" / "dossier.json").read_bytes()
        if (mnt / "out" / "dossier.json").exists()
        else None
    )
    # Leave a few KB free, then rebuild with more articles.
    st = os.statvfs(mnt)
    free = st.f_bavail * st.f_frsize
    with open(mnt / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - 8192))
    more = [ctx.write(n, t) for n, t in kill_corpus(12)]
    run = ctx.build([*goods, *more], out="disk/out")
    ctx.check_run(run, "any")
    if run.rc != 0:
        _one_line_error(ctx, run)
        now = mnt / "out" / "dossier.json"
        if before is not None:
            ctx.check(now.exists() and now.read_bytes() == before, "previous dossier lost")
    full = integrity(mnt / "out" / "storyline.sqlite")
    # The store must be whole once there is room again (while the disk is full a reader may
    # not even be able to create SQLite's -shm file).
    (mnt / "filler").unlink()
    state = integrity(mnt / "out" / "storyline.sqlite")
    ctx.check(state == "ok", f"previous store damaged by a full disk: {state} (while full: {full})")
    run = ctx.build(goods, out="disk/out")
    ctx.check_run(run, "ok", "build once there is room again")


def _fsize_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (96 * 1024, 96 * 1024))


@_env_case("env-file-size-limit")
def _fsize(ctx: Ctx) -> None:
    run = ctx.start(["build", "--out", "out", "-q", "--", *ctx.goods()], preexec=_fsize_limit).wait(
        60
    )
    ctx.runs.append(run)
    ctx.check_run(run, "fail")
    _one_line_error(ctx, run)


@_env_case("env-lc-all-c-unicode-names")
def _lc_c(ctx: Ctx) -> None:
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    goods = ctx.goods()
    odd = ctx.write("odd-ünïcødé-\xe9.txt".encode() + b"\xff.txt", GOOD_C)
    run = ctx.build([*goods, odd], env=env)
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(present=["Tarnhelm"])
    ctx.annotate([*goods, odd], ids=["Tarnhelm"], env=env)


@_env_case("env-pythonioencoding-ascii")
def _ascii(ctx: Ctx) -> None:
    env = {"PYTHONIOENCODING": "ascii"}
    odd = ctx.write("odd-新闻.txt", GOOD_C)
    ctx.annotate([*ctx.goods(), odd], ids=["Tarnhelm"], env=env)


@_env_case("env-tmpdir-missing-home-unset")
def _tmpdir(ctx: Ctx) -> None:
    r = ctx.build(ctx.goods(), env={"HOME": None, "TMPDIR": "/nonexistent/tmp"})
    ctx.check_run(r, "ok")
    if r.rc == 0:
        ctx.dossier()


@_env_case("env-annotate-broken-pipe")
def _pipe(ctx: Ctx) -> None:
    files = [ctx.write(f"a{i}.txt", GOOD_C if i % 2 else GOOD_D) for i in range(6)]
    r, w = os.pipe()
    proc = ctx.start(["annotate", "--", *files], stdout_to=w)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        fh.read(200)
    run = proc.wait(60)
    ctx.runs.append(run)
    ctx.check(not run.timed_out, "annotate hung on a closed pipe")
    ctx.check("Traceback" not in run.err, f"annotate traceback on a closed pipe: {run.head()}")


@_env_case("env-few-file-descriptors")
def _nofile(ctx: Ctx) -> None:
    def lim() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))

    goods = ctx.goods()
    more = [ctx.write(f"c{i}.txt", GOOD_C.replace("Monday", f"Monday {i}")) for i in range(30)]
    run = ctx.start(["build", "--out", "out", "-q", "--", *goods, *more], preexec=lim).wait(120)
    ctx.runs.append(run)
    ctx.check_run(run, "any")


# ------------------------------------------------------------------------------------------
# Concurrent builds on one store
# ------------------------------------------------------------------------------------------


def _concurrent(n: int, shared_db: bool, ctx: Ctx) -> None:
    goods = ctx.goods()
    ctx.write("good-c.txt", " date 2024-04-01 Battery\n\n" + GOOD_C, sub="in2")
    ctx.write("good-d.txt", " date 2024-04-03 Mayor\n\n" + GOOD_D, sub="in2")
    outs = ["out"] * n if not shared_db else [f"out{i}" for i in range(n)]
    extra = ["--db", "shared.sqlite"] if shared_db else []
    inputs = [goods if i % 2 == 0 or not shared_db else ["in2"] for i in range(n)]
    stop = threading.Event()
    torn: list[str] = []
    pollers = [
        threading.Thread(target=poll_json, args=(ctx.dir / o / "dossier.json", stop, torn))
        for o in sorted(set(outs))
    ]
    for t in pollers:
        t.start()
    procs = [
        ctx.start(["build", *extra, "--out", outs[i], "-q", "--", *inputs[i]]) for i in range(n)
    ]
    runs = [p.wait(120) for p in procs]
    stop.set()
    for t in pollers:
        t.join()
    ctx.runs += runs
    for i, run in enumerate(runs):
        ctx.check_run(run, "any", f"build {i + 1}")
    ok = [i for i, r in enumerate(runs) if r.rc == 0]
    ctx.check(bool(ok), "no build of the concurrent ones succeeded")
    ctx.check(not torn, f"half-written output seen: {torn[:1]}")
    db = ctx.dir / ("shared.sqlite" if shared_db else "out/storyline.sqlite")
    ctx.check(integrity(db) == "ok", f"store after concurrent builds: {integrity(db)}")
    for i in ok:
        goods_keys = ("A", "B") if inputs[i] is goods else ("C", "D")
        ctx.dossier(out=outs[i], goods=goods_keys)
    # The store serves a later build normally.
    run = ctx.build(goods, out="after", extra=extra)
    ctx.check_run(run, "ok", "build after the concurrent ones")


register("concurrent-2-builds-same-out", "concurrency", functools.partial(_concurrent, 2, False))
register("concurrent-3-builds-same-out", "concurrency", functools.partial(_concurrent, 3, False))
register("concurrent-2-builds-shared-db", "concurrency", functools.partial(_concurrent, 2, True))


def _lock_case(ctx: Ctx) -> None:
    _good_then(ctx)
    db = ctx.dir / "out" / "storyline.sqlite"
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        con = sqlite3.connect(db, timeout=5, isolation_level=None)
        con.execute("BEGIN EXCLUSIVE")
        held.set()
        release.wait(25)
        con.execute("ROLLBACK")
        con.close()

    t = threading.Thread(target=hold)
    t.start()
    held.wait(10)
    run = ctx.build(ctx.goods(), limit=90)
    release.set()
    t.join()
    ctx.check_run(run, "any")
    ctx.check(integrity(db) == "ok", "store damaged")
    if run.rc == 0:
        ctx.dossier()


register("concurrent-store-locked-by-another", "concurrency", _lock_case)


def _rerun(kind: str, ctx: Ctx) -> None:
    goods = ctx.goods()
    run = ctx.build(goods)
    ctx.check_run(run, "ok", "first build")
    first = _dossier_bytes(ctx)
    if kind == "edit":
        ctx.write("good-b.txt", GOOD_C.join(["", ""]) + "\n\nA late Quillbrook update.\n")
    run = ctx.build(goods)
    ctx.check_run(run, "ok", "second build")
    doc = ctx.dossier(
        goods=("A", "B"), present=["late Quillbrook update"] if kind == "edit" else ()
    )
    if kind == "same" and first is not None and doc is not None:
        d = first_difference(normalise_dossier(doc), normalise_dossier(json.loads(first)))
        ctx.check(d is None, f"rebuild of unchanged inputs differs: {d}")


register("rerun-unchanged-equal", "rerun", functools.partial(_rerun, "same"))
register("rerun-after-edit", "rerun", functools.partial(_rerun, "edit"))


# ------------------------------------------------------------------------------------------
# Kills: no process left, store intact, resumed dossier equal to an uninterrupted one
# ------------------------------------------------------------------------------------------

KILL_ARTICLES = 24
"""Enough articles that the analysis fans out to worker processes (8 a chunk, 2+ chunks)."""

_REF_LOCK = threading.Lock()
_REF: dict[str, Any] = {}


def _kill_inputs(ctx: Ctx) -> None:
    for name, text in kill_corpus(KILL_ARTICLES):
        ctx.write(name, text)


def _reference(ctx: Ctx) -> tuple[Any, float]:
    with _REF_LOCK:
        if "doc" not in _REF:
            ref = Ctx("kill-reference", ctx.dir.parent / "_kill-reference", ctx.env)
            _kill_inputs(ref)
            run = ref.build(["in"], limit=240)
            if run.rc != 0:
                raise RuntimeError(f"uninterrupted reference build failed: {run.head()}")
            _REF["doc"] = normalise_dossier(
                json.loads((ref.dir / "out" / "dossier.json").read_bytes())
            )
            _REF["seconds"] = run.seconds
        return _REF["doc"], _REF["seconds"]


def _wait_trigger(proc: Any, ctx: Ctx, at: float | str, ref_seconds: float) -> str:
    """Wait until the kill point: a fraction of the uninterrupted build's time (float);
    'outputs' (the first output file, temporary or not, appears in out/); or 'stage:NAME+S'
    (S seconds after ``-v`` logs ``build N: NAME``; falls back to a time if never logged)."""
    t0 = time.monotonic()
    deadline = t0 + (ref_seconds * at if isinstance(at, float) else ref_seconds * 3)
    out = ctx.dir / "out"
    stage = delay = None
    if isinstance(at, str) and at.startswith("stage:"):
        name, _, after = at[len("stage:") :].partition("+")
        stage, delay = re.compile(rf"build \d+: {re.escape(name)}\b"), float(after or 0)
    while time.monotonic() < deadline:
        if proc.p.poll() is not None:
            return "finished before the kill point"
        if at == "outputs" and out.exists():
            names = [p.name for p in out.iterdir() if not p.name.startswith("storyline.sqlite")]
            if names:
                return f"killed when {names[0]} appeared"
        if stage is not None and stage.search(proc.stderr_text()):
            seen = time.monotonic() - t0
            time.sleep(delay or 0)
            if proc.p.poll() is not None:
                return "finished before the kill point"
            return f"killed {delay:.1f}s after '{str(at)[6:].split('+')[0]}' at {seen:.1f}s"
        time.sleep(0.02)
    return f"killed at {time.monotonic() - t0:.1f}s" + (" (stage never logged)" if stage else "")


def _kill(at: float | str, sig: int, group: bool, rounds: int, ctx: Ctx) -> None:
    ref, ref_seconds = _reference(ctx)
    _kill_inputs(ctx)
    for k in range(rounds):
        point = at if rounds == 1 or not isinstance(at, float) else at * (k + 1) / rounds
        proc = ctx.start(["build", "--out", "out", "-v", "--", "in"])
        how = _wait_trigger(proc, ctx, point, ref_seconds)
        ctx.notes.append(how)
        if proc.p.poll() is None:
            if group:
                os.killpg(proc.pgid, sig)
            else:
                os.kill(proc.p.pid, sig)
        try:
            proc.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            ctx.fail(f"build did not stop within 30 s of signal {sig}")
            _killpg(proc.pgid)
            proc.p.wait()
        left = proc.leftovers(grace=LEFTOVER_GRACE)
        ctx.check(
            not left, f"{len(left)} process(es) still running {LEFTOVER_GRACE:.0f}s after the kill"
        )
        run = proc._finish(0.0, False, [])
        _killpg(proc.pgid)
        ctx.runs.append(run)
        if sig != signal.SIGKILL:
            ctx.check("Traceback" not in run.err, f"traceback on signal {sig}: {run.head()}")
        db = ctx.dir / "out" / "storyline.sqlite"
        state = integrity(db)
        ctx.check(state in ("ok", "missing"), f"integrity_check after kill: {state}")
        d = ctx.dir / "out" / "dossier.json"
        if d.exists():
            try:
                json.loads(d.read_bytes())
            except ValueError:
                ctx.fail("half-written dossier.json left by the kill")
    run = ctx.build(["in"], limit=240)
    ctx.check_run(run, "ok", "resumed build")
    if run.rc == 0:
        doc = ctx.dossier(goods=())
        if doc is not None:
            diff = first_difference(normalise_dossier(doc), ref)
            ctx.check(diff is None, f"resumed dossier differs from uninterrupted: {diff}")


for _label, _at in (
    ("10pct", 0.10),
    ("30pct", 0.30),
    ("50pct", 0.50),
    ("70pct", 0.70),
    ("90pct", 0.90),
    ("writing-outputs", "outputs"),
    ("ingest", "stage:ingest"),
    ("clean", "stage:clean"),
    ("link", "stage:link"),
    ("analyse-start", "stage:analyse"),
    ("analyse-mid", "stage:analyse+2.5"),
    ("outputs-stage", "stage:outputs"),
):
    register(f"kill-9-at-{_label}", "kill", functools.partial(_kill, _at, signal.SIGKILL, False, 1))
register(
    "kill-9-twice-then-resume", "kill", functools.partial(_kill, 0.8, signal.SIGKILL, False, 2)
)
register("kill-9-process-group", "kill", functools.partial(_kill, 0.5, signal.SIGKILL, True, 1))
register("kill-sigint-ctrl-c", "kill", functools.partial(_kill, 0.5, signal.SIGINT, True, 1))
register("kill-sigterm", "kill", functools.partial(_kill, 0.5, signal.SIGTERM, False, 1))


mark_extended(
    {
        "env-db-mysql-scheme",
        "env-db-file-scheme",
        "env-out-read-only-existing-store",
        "env-out-under-a-file",
        "env-db-in-proc",
        "env-db-corrupt-store",
        "env-file-size-limit",
        "env-pythonioencoding-ascii",
        "env-tmpdir-missing-home-unset",
        "env-few-file-descriptors",
        "kill-9-at-50pct",
        "kill-9-at-10pct",
        "kill-9-at-70pct",
        "kill-9-at-clean",
        "kill-9-at-analyse-start",
        "kill-9-at-outputs-stage",
        "kill-9-process-group",
        "kill-sigterm",
    }
)
