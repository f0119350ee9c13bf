"""Running the CLI as a black box and checking what it leaves behind.

Every subprocess runs in its own session (its own process group), is timed out, and on timeout
the whole group is killed, so that a hung build never outlives its case. After a build the
group is checked for leftovers: a worker process still running after its build is a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from bench.hostile.corpus import GOOD_A, GOOD_B, MARKERS

__all__ = ["REPO", "STORYLINE", "CaseFailed", "Ctx", "Run", "Skip"]

REPO = Path(__file__).resolve().parents[2]
STORYLINE = REPO / ".venv" / "bin" / "storyline"

DEFAULT_LIMIT = 60.0
"""CPU seconds a build of two small articles and one odd input may use (a plain two-article
build uses about 4 s)."""

MEMORY_LIMIT_MB = 3000
"""Peak RSS a build of a few MB of hostile input may reach (a plain two-article build peaks
near 400 MB; the machine has 24 GB shared by several engineers)."""

WALL_FACTOR = 3.0
"""Wall-clock seconds a run may take per CPU second of its limit before it is killed (the
machine is shared: wall time can be 3x CPU time under load; a hang uses no CPU at all)."""

LEFTOVER_GRACE = 10.0
"""Seconds a killed build's workers get to notice their parent is gone and exit."""

_JS_URL = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcdoc", "background"}
_BAD_TAGS = {
    "iframe",
    "object",
    "embed",
    "x-pwn",
    "img",
    "base",
    "form",
    "meta",
    "template",
    "noscript",
}
"""Tags the report's template never uses in its body and every payload brings in (``meta`` is
allowed in ``<head>``: see ``_ReportScan``)."""


class CaseFailed(Exception):
    """Raised by a case that cannot go on (its first check already failed)."""


class Skip(Exception):
    """Raised by a case that cannot run here (no root, no mount): reported, never a failure."""


@dataclass
class Run:
    argv: list[str | bytes]
    rc: int | None
    stdout: bytes
    stderr: bytes
    seconds: float
    timed_out: bool
    leftovers: list[int] = field(default_factory=list)
    cpu_seconds: float = 0.0
    """User + system time of the CLI and the workers it waited for: the time limits apply to
    this, so that a machine loaded by other work does not fail a case."""
    limit: float = 0.0
    peak_mb: float = 0.0
    """Peak resident memory of the CLI process (``wait4``'s ``ru_maxrss``, which on Linux also
    covers the workers it waited for)."""

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    def head(self, n: int = 6) -> str:
        """The first lines of the traceback (or of stderr), for the table and the report."""
        lines = self.err.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                tail = [x for x in lines[i:] if x and not x.startswith(" ")]
                return " | ".join(tail[-2:])[:300]
        return " | ".join(lines[:n])[:300]


def _pgroup_alive(pgid: int) -> list[int]:
    """Pids still in process group ``pgid`` (zombies excluded)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # comm may hold spaces and parentheses: fields start after the last ')'.
        rest = stat[stat.rfind(")") + 2 :].split()
        if len(rest) > 3 and rest[0] != "Z" and int(rest[2]) == pgid:
            alive.append(int(entry))
    return alive


def _killpg(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


class Proc:
    """A started CLI process in its own process group, output captured to files (so that a
    5 MB stderr never fills a pipe)."""

    def __init__(
        self,
        argv: Sequence[str | bytes],
        cwd: Path,
        env: dict[str, str] | None,
        tag: str,
        stdin: int | None = subprocess.DEVNULL,
        preexec: Callable[[], None] | None = None,
        stdout_to: Any = None,
    ) -> None:
        self.argv = list(argv)
        self.out_path = cwd / f".{tag}.stdout"
        self.err_path = cwd / f".{tag}.stderr"
        # Closed in _finish: they outlive this constructor, as the process does.
        self._out = open(self.out_path, "wb") if stdout_to is None else None  # noqa: SIM115
        self._err = open(self.err_path, "wb")  # noqa: SIM115
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=env,
            stdin=stdin,
            stdout=self._out if stdout_to is None else stdout_to,
            stderr=self._err,
            start_new_session=True,
            preexec_fn=preexec,
        )
        self.pgid = self.p.pid
        self.peak_mb = 0.0
        self.cpu_seconds = 0.0
        self.limit = 0.0

    def stderr_text(self) -> str:
        self._err.flush()
        try:
            return self.err_path.read_text("utf-8", "replace")
        except OSError:
            return ""

    def wait(self, limit: float, check_leftovers: bool = True) -> Run:
        """``limit``: CPU seconds allowed (checked by the caller); the process is killed after
        ``limit * WALL_FACTOR`` seconds of wall time."""
        timed_out = False
        self.limit = limit
        deadline = self.t0 + limit * WALL_FACTOR
        while True:
            pid, status, usage = os.wait4(self.p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                timed_out = True
                _killpg(self.pgid)
                pid, status, usage = os.wait4(self.p.pid, 0)
                break
            time.sleep(0.05)
        self.p.returncode = os.waitstatus_to_exitcode(status)
        self.peak_mb = usage.ru_maxrss / 1024
        self.cpu_seconds = usage.ru_utime + usage.ru_stime
        seconds = time.monotonic() - self.t0
        leftovers: list[int] = []
        if check_leftovers and not timed_out:
            leftovers = self.leftovers(grace=2.0)
        _killpg(self.pgid)
        return self._finish(seconds, timed_out, leftovers)

    def leftovers(self, grace: float) -> list[int]:
        deadline = time.monotonic() + grace
        while True:
            alive = _pgroup_alive(self.pgid)
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.2)

    def _finish(self, seconds: float, timed_out: bool, leftovers: list[int]) -> Run:
        for fh in (self._out, self._err):
            if fh is not None:
                fh.close()
        out = self.out_path.read_bytes() if self._out is not None else b""
        err = self.err_path.read_bytes()
        return Run(
            self.argv,
            self.p.returncode,
            out,
            err,
            seconds,
            timed_out,
            leftovers,
            self.cpu_seconds,
            self.limit,
            self.peak_mb,
        )


class _ReportScan(HTMLParser):
    """Everything in a report that could run: scripts, ``on*`` attributes, script URLs and
    tags the template never writes."""

    def __init__(self, own_scripts: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.own = own_scripts
        self.problems: list[str] = []
        self._in_script: list[str] | None = None
        self._script_attrs: dict[str, str | None] = {}
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self._in_head = True
        if tag == "body":
            self._in_head = False
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event attribute")
            if name in _URL_ATTRS and value and _JS_URL.match(value.replace("\x00", "")):
                self.problems.append(f"<{tag} {name}={value[:40]!r}> script URL")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc> attribute")
        if tag in _BAD_TAGS and not (tag == "meta" and self._in_head):
            self.problems.append(f"<{tag}> element from the data")
        if tag == "script":
            self._in_script = []
            self._script_attrs = dict(attrs)

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._in_script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if tag == "script" and self._in_script is not None:
            body = "".join(self._in_script).strip()
            kind = (self._script_attrs.get("type") or "").lower()
            if "src" in self._script_attrs:
                self.problems.append("<script src> in the report")
            elif kind in ("application/json", "application/ld+json"):
                pass  # data, not code; a payload ending it early shows up as a stray tag
            elif _norm_js(body) not in self.own:
                self.problems.append(f"<script> not the report's own: {body[:60]!r}")
            self._in_script = None


def _norm_js(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def own_scripts() -> set[str]:
    """The script bodies the report template may contain: report.js as shipped."""
    out = set()
    for p in (REPO / "src" / "storyline" / "output" / "templates").glob("*.js"):
        out.add(_norm_js(p.read_text("utf-8")))
    return out


_OWN = own_scripts()


def scan_report(html: str) -> list[str]:
    scan = _ReportScan(_OWN)
    scan.feed(html)
    scan.close()
    return scan.problems


def _bad_strings(obj: Any, path: str = "$") -> Iterable[str]:
    """Strings that are not valid Unicode (lone surrogates survive json.loads of ``\\ud800``)."""
    if isinstance(obj, str):
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            yield path
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _bad_strings(k, path)
            yield from _bad_strings(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _bad_strings(v, f"{path}[{i}]")


_SCHEMAS: dict[str, Any] = {}


def schema(name: str) -> Any:
    if name not in _SCHEMAS:
        if name == "dossier":
            from storyline.output.dossier import dossier_schema

            _SCHEMAS[name] = dossier_schema()
        else:
            p = REPO / "src" / "storyline" / "output" / "annotate.schema.json"
            _SCHEMAS[name] = json.loads(p.read_text("utf-8"))
    return _SCHEMAS[name]


def _schema_errors(doc: Any, name: str) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(name))
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:120]}" for e in errs[:3]]


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` of a store, read-only; 'missing' when there is none."""
    if not db.exists():
        return "missing"
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        return f"unreadable: {exc}"
    return ",".join(str(r[0]) for r in rows)


VOLATILE = re.compile(r"(seconds|elapsed|duration|timing|generated|created|build_id)$", re.I)
"""Dossier keys allowed to differ between a resumed and an uninterrupted build (timings and
build stamps; the dossier has none today, so in practice everything is compared)."""


def normalise_dossier(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: normalise_dossier(v) for k, v in obj.items() if not VOLATILE.search(k)}
    if isinstance(obj, list):
        return [normalise_dossier(v) for v in obj]
    return obj


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'resumed' if k in a else 'reference'}"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {str(a)[:60]!r} != {str(b)[:60]!r}"


class Ctx:
    """One case's folder, its runs and its failures."""

    def __init__(self, name: str, root: Path, env: dict[str, str]) -> None:
        self.name = name
        self.dir = root
        self.dir.mkdir(parents=True, exist_ok=True)
        self.env = env
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.runs: list[Run] = []
        self.cleanups: list[Callable[[], None]] = []
        self.pending_reports: list[Path] = []
        self._n = 0

    # -- inputs ---------------------------------------------------------------------------

    def write(self, name: str | bytes, data: str | bytes, sub: str = "in") -> bytes:
        """Write one input under ``sub``; returns its path as bytes (names may be any bytes)."""
        folder = os.fsencode(self.dir / sub)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, os.fsencode(name))
        with open(path, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def goods(self, sub: str = "in") -> list[bytes]:
        return [self.write("good-a.txt", GOOD_A, sub), self.write("good-b.txt", GOOD_B, sub)]

    def fail(self, why: str) -> None:
        self.failures.append(why)

    def check(self, ok: bool, why: str) -> bool:
        if not ok:
            self.fail(why)
        return ok

    # -- running ----------------------------------------------------------------------------

    def start(
        self,
        args: Sequence[str | bytes],
        env: dict[str, str | None] | None = None,
        **kw: Any,
    ) -> Proc:
        """``env``: changes to the environment (None removes a variable)."""
        self._n += 1
        full_env = dict(self.env)
        for k, v in (env or {}).items():
            if v is None:
                full_env.pop(k, None)
            else:
                full_env[k] = v
        return Proc([str(STORYLINE), *args], self.dir, full_env, f"run{self._n}", **kw)

    def cli(self, args: Sequence[str | bytes], limit: float = DEFAULT_LIMIT, **kw: Any) -> Run:
        run = self.start(args, **kw).wait(limit)
        self.runs.append(run)
        return run

    def build(
        self,
        inputs: Sequence[str | bytes],
        out: str = "out",
        extra: Sequence[str | bytes] = (),
        limit: float = DEFAULT_LIMIT,
        **kw: Any,
    ) -> Run:
        return self.cli(["build", *extra, "--out", out, "-q", "--", *inputs], limit, **kw)

    # -- checks -----------------------------------------------------------------------------

    def check_run(self, run: Run, expect: str, what: str = "build") -> None:
        """``expect``: 'ok' (exit 0), 'fail' (non-zero) or 'any'."""
        if run.timed_out:
            self.fail(f"{what} timed out after {run.seconds:.0f}s wall time")
            return
        if run.limit and run.cpu_seconds > run.limit:
            self.fail(f"{what} used {run.cpu_seconds:.0f}s CPU (> {run.limit:.0f}s limit)")
        if run.rc is not None and run.rc < 0:
            self.fail(f"{what} died from signal {-run.rc}: {run.head()}")
        elif expect == "ok" and run.rc != 0:
            self.fail(f"{what} exit {run.rc}: {run.head()}")
        elif expect == "fail" and run.rc == 0:
            self.fail(f"{what} exit 0, expected an error")
        if "Traceback" in run.err or b"Traceback" in run.stdout:
            self.fail(f"{what} traceback: {run.head()}")
        if run.leftovers:
            self.fail(f"{what} left {len(run.leftovers)} process(es) running")
        if run.peak_mb > MEMORY_LIMIT_MB:
            self.fail(f"{what} peaked at {run.peak_mb:.0f} MB (> {MEMORY_LIMIT_MB} MB)")
        if expect == "fail":
            lines = [x for x in run.err.splitlines() if x.strip()]
            self.check(bool(lines), f"{what} failed without a message")

    def dossier(
        self,
        out: str = "out",
        goods: Iterable[str] = ("A", "B"),
        bad: Iterable[str] = (),
        once: Iterable[str] = (),
        whole: dict[str, int] | None = None,
        present: Iterable[str] = (),
        bad_or_present: Iterable[tuple[str, str]] = (),
    ) -> dict[str, Any] | None:
        """Check ``out/dossier.json`` and ``out/report.html``.

        goods: marker keys (corpus.MARKERS) that must be in some article's text.
        bad: tokens that must appear in some error's ``source``.
        once: marker keys that must be in exactly one (non-duplicate) article.
        whole: {word: min length}: an article containing ``word`` must be at least that long.
        present: extra words some article's text must contain.
        bad_or_present: (token, word): either an error names ``token`` or an article has ``word``.
        """
        path = self.dir / out / "dossier.json"
        if not self.check(path.exists(), "no dossier.json"):
            return None
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.fail(f"dossier.json is not valid UTF-8 ({exc})")
            text = raw.decode("utf-8", "replace")
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            self.fail(f"dossier.json is not JSON ({exc})")
            return None
        bad_str = list(_bad_strings(doc))
        self.check(not bad_str, f"dossier has lone surrogates at {bad_str[:2]}")
        errs = _schema_errors(doc, "dossier")
        self.check(not errs, f"dossier fails the schema: {errs}")
        if not isinstance(doc, dict):
            return None
        arts = [a for a in doc.get("articles", []) if isinstance(a, dict)]
        texts = [str(a.get("text", "")) for a in arts]
        ids = [a.get("id") for a in arts]
        self.check(len(ids) == len(set(map(str, ids))), "article ids are not unique")
        for key in goods:
            word = MARKERS.get(key, key)
            self.check(any(word in t for t in texts), f"good article {key} ({word}) missing")
        for word in present:
            self.check(any(word in t for t in texts), f"article with {word!r} missing")
        for key in once:
            word = MARKERS.get(key, key)
            n = sum(1 for a in arts if word in str(a.get("text", "")) and not a.get("duplicate_of"))
            self.check(n == 1, f"{word}: {n} articles, expected one input")
        for word, min_len in (whole or {}).items():
            lens = [len(t) for t in texts if word in t]
            self.check(
                bool(lens) and max(lens) >= min_len,
                f"article with {word!r} not whole ({max(lens, default=0)} < {min_len} chars)",
            )
        sources = [str(e.get("source", "")) for e in doc.get("errors", []) if isinstance(e, dict)]
        for token in bad:
            self.check(
                any(token in s for s in sources),
                f"bad input {token!r} not named in errors ({len(sources)} errors)",
            )
        for token, word in bad_or_present:
            self.check(
                any(token in s for s in sources) or any(word in t for t in texts),
                f"{token!r}: neither in errors nor an article with {word!r}",
            )
        self._spans(doc, {str(a.get("id")): str(a.get("text", "")) for a in arts})
        self.report(out)
        return doc

    def _spans(self, doc: dict[str, Any], texts: dict[str, str]) -> None:
        bad = 0
        for q in doc.get("quotes", []):
            t = texts.get(str(q.get("article_id")))
            if t is None or t[q.get("start", 0) : q.get("end", 0)] != q.get("text"):
                bad += 1
        for entry in doc.get("timeline", []):
            for ev in entry.get("evidence", []):
                t = texts.get(str(ev.get("article_id")))
                if t is None or t[ev.get("start", 0) : ev.get("end", 0)] != ev.get("text"):
                    bad += 1
        self.check(bad == 0, f"{bad} quote/evidence spans do not match their article text")

    def report(self, out: str = "out") -> None:
        path = self.dir / out / "report.html"
        if not self.check(path.exists(), "no report.html"):
            return
        raw = path.read_bytes()
        try:
            html = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.fail("report.html is not valid UTF-8")
            html = raw.decode("utf-8", "replace")
        problems = scan_report(html)
        self.check(not problems, f"report.html markup from data: {problems[:3]}")
        # Chromium runs in the runner's main thread (playwright's sync API is tied to its
        # thread): keep a copy, since a later run of this case may overwrite the report.
        copy = self.dir / f".report-{len(self.pending_reports)}.html"
        copy.write_bytes(raw)
        self.pending_reports.append(copy)

    def annotate(
        self,
        inputs: Sequence[str | bytes],
        expect: str = "ok",
        ids: Iterable[str] = (),
        extra: Sequence[str] = (),
        limit: float = DEFAULT_LIMIT,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        """Run ``annotate``: valid UTF-8 JSON lines, each valid against its schema, spans
        inside their text, no traceback."""
        run = self.cli(["annotate", *extra, "--", *inputs], limit, **kw)
        self.check_run(run, expect, "annotate")
        try:
            out = run.stdout.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.fail(f"annotate stdout is not valid UTF-8 ({exc})")
            out = run.stdout.decode("utf-8", "replace")
        records: list[dict[str, Any]] = []
        # Lines end at "\n" only: str.splitlines() would also cut at U+2028, U+0085, \x0b...,
        # which JSON strings may hold raw.
        for n, line in enumerate((x for x in out.split("\n") if x.strip()), start=1):
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                self.fail(f"annotate line {n} is not JSON: {line[:60]!r}")
                continue
            bad_str = list(_bad_strings(rec))
            self.check(not bad_str, f"annotate line {n} has lone surrogates at {bad_str[:2]}")
            errs = _schema_errors(rec, "annotate")
            self.check(not errs, f"annotate line {n} fails the schema: {errs}")
            if isinstance(rec, dict):
                records.append(rec)
                text = str(rec.get("text", ""))
                spans = [
                    s
                    for k in ("quotes", "mentions", "timexes")
                    for s in rec.get(k, [])
                    if isinstance(s, dict)
                ]
                wrong = [
                    s for s in spans if text[s.get("start", 0) : s.get("end", 0)] != s.get("text")
                ]
                self.check(not wrong, f"annotate line {n}: {len(wrong)} spans off their text")
        for word in ids:
            self.check(
                any(word in str(r.get("text", "")) for r in records), f"annotate lost {word!r}"
            )
        return records


def poll_json(path: Path, stop: threading.Event, torn: list[str]) -> None:
    """Read ``path`` over and over while builds run: every time it exists it must be a whole
    JSON document (outputs are written to a temporary file and renamed)."""
    while not stop.is_set():
        try:
            data = path.read_bytes()
        except OSError:
            data = None
        if data is not None:
            try:
                json.loads(data)
            except ValueError:
                torn.append(f"{path.name}: {len(data)} bytes, not whole JSON")
                return
        time.sleep(0.05)


def python() -> str:
    return sys.executable
