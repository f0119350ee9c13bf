"""Background builds: one at a time (a build holds the store's writer lock), each in its own
process (``storyline.serve.worker``) so the pages stay responsive and a crash costs only the
build. The runner records every job's stage, progress and log in the store's job table, where
the build status page reads them.

A job builds the last build's inputs (those still on disk) plus the server's ``added/`` folder:
the pipeline makes only the articles of the inputs named in a build current, and it is
incremental, so the unchanged ones cost a file check each.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from storyline.serve.settings import ServeSettings
from storyline.store.app import AppStore, Job

__all__ = ["JobRunner", "build_inputs"]

log = logging.getLogger(__name__)
_LOG_LIVE = 200
"""Log lines of a running job shown live."""


def build_inputs(repo: AppStore, settings: ServeSettings) -> tuple[list[str], list[str]]:
    """(inputs of the next build, notes): the last build's inputs that still exist and the
    ``added/`` folder, each once."""
    out: list[str] = []
    notes: list[str] = []
    seen: set[Path] = set()
    last = repo.last_build()
    previous = repo.build_inputs(last) if last is not None else []
    added = settings.added_dir
    for item in [*previous, str(added)]:
        path = Path(item)
        if not path.exists():
            if path != added:
                notes.append(
                    f"input {item} of the last build is gone; its articles leave the store's current set"
                )
            continue
        key = path.resolve()
        if key in seen or any(key.is_relative_to(s) for s in seen if s.is_dir()):
            continue
        seen.add(key)
        out.append(str(path))
    return out, notes


class JobRunner:
    """Runs queued jobs one after the other in a daemon thread."""

    def __init__(
        self,
        settings: ServeSettings,
        open_repo: Callable[[], AppStore],
        after: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.open_repo = open_repo
        self.after = after
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._stopping = threading.Event()
        self.stage_started: dict[int, float] = {}
        self.live: dict[int, tuple[str, int, int | None, tuple[str, ...]]] = {}
        """(stage, done, total, log) of the running job, kept in memory until it ends."""
        self._lock = threading.Lock()
        self._active = 0
        """Jobs stored and not finished: while any is, new requests wait in ``pending``."""
        self.pending: list[tuple[str, list[str], str, str]] = []
        """Builds asked for while another runs; they become one job when it ends (every build
        reads all that was added, so one more build covers them all)."""
        """When each job's current stage began (its rate and ETA come from it)."""

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="storyline-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._queue.put(None)
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self._thread is not None:
            self._thread.join(15)

    @property
    def busy(self) -> bool:
        """Whether a background build is running (the store must then not be written)."""
        return self._proc is not None

    def overlay(self, job: Job) -> Job:
        """``job`` with the live progress of its running build, if it is running."""
        with self._lock:
            live = self.live.get(job.id)
        if live is None:
            return job
        stage, done, total, log = live
        return replace(job, stage=stage, done=done, total=total, log=(*job.log, *log))

    def submit(self, job_id: int) -> None:
        self._queue.put(job_id)

    def enqueue(self, kind: str, inputs: list[str], who: str, message: str) -> int | None:
        """Store a job and run it; while another build runs (or holds the store), the request
        waits in memory and None is returned."""
        with self._lock:
            if self._active > 0:
                self.pending.append((kind, inputs, who, message))
                return None
            self._active += 1
        repo = self.open_repo()
        try:
            if repo.writer_busy():
                with self._lock:
                    self._active -= 1
                    self.pending.append((kind, inputs, who, message))
                return None
            job = repo.add_job(kind, inputs, who, message)
        except BaseException:
            with self._lock:
                self._active -= 1
            raise
        finally:
            repo.close()
        if self.settings.run_jobs:
            self.submit(job.id)
        else:
            with self._lock:
                self._active -= 1
        return job.id

    def _flush_pending(self) -> None:
        with self._lock:
            if not self.pending or self._active > 0:
                return
            waiting, self.pending = self.pending, []
            self._active += 1
        repo = self.open_repo()
        try:
            if repo.writer_busy():
                with self._lock:
                    self.pending = waiting + self.pending
                    self._active -= 1
                return
            kinds = sorted({k for k, *_ in waiting})
            inputs = [i for _, ins, _, _ in waiting for i in ins]
            who = ", ".join(sorted({w for _, _, w, _ in waiting}))
            message = "; ".join(m for *_, m in waiting)[:1000]
            job = repo.add_job("+".join(kinds), inputs, who, message)
        finally:
            repo.close()
        self.submit(job.id)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                job_id = self._queue.get(timeout=2)
            except queue.Empty:
                self._flush_pending()
                continue
            if job_id is None:
                return
            try:
                self._run(job_id)
            except Exception as exc:  # the runner must outlive any one job
                log.exception("job %s failed", job_id)
                repo = self.open_repo()
                try:
                    repo.update_job(
                        job_id,
                        state="failed",
                        finished=time.time(),
                        message=f"internal error: {exc}",
                    )
                finally:
                    repo.close()
            finally:
                with self._lock:
                    self._active -= 1
            self._flush_pending()

    def _run(self, job_id: int) -> None:
        repo = self.open_repo()
        try:
            # Another build (storyline build on the command line) holds the store: wait for it
            # rather than write beside it.
            while repo.writer_busy() and not self._stopping.is_set():
                time.sleep(1)
            inputs, notes = build_inputs(repo, self.settings)
            if not inputs:
                repo.update_job(
                    job_id,
                    state="failed",
                    finished=time.time(),
                    message="nothing to build: no input of the last build is on disk and nothing was added",
                    log_lines=notes,
                )
                return
            repo.update_job(
                job_id,
                state="running",
                started=time.time(),
                stage="starting",
                log_lines=[*notes, f"inputs: {', '.join(inputs)}"],
            )
            before = repo.last_build()
        finally:
            repo.close()
        cmd = [
            self.settings.job_python or sys.executable,
            "-m",
            "storyline.serve.worker",
            "--db",
            str(self.settings.store),
            *inputs,
        ]
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self._proc = proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            encoding="utf-8",
            errors="replace",
        )
        stage, done, total = "starting", 0, None
        lines: list[str] = []
        result: dict[str, object] | None = None
        error: str | None = None
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                event = json.loads(raw)
            except json.JSONDecodeError:
                lines.append(raw.rstrip()[:500])
                continue
            kind = event.get("event")
            if kind == "stage":
                stage, done, total = str(event.get("stage")), 0, event.get("total")
                self.stage_started[job_id] = time.time()
                lines.append(f"stage {stage}" + (f" ({total} to do)" if total is not None else ""))
            elif kind == "progress":
                done = int(event.get("done") or 0)
                total = event.get("total", total)
            elif kind == "log":
                lines.append(str(event.get("line"))[:500])
            elif kind == "done":
                result = event
            elif kind == "error":
                error = str(event.get("message"))
            # Progress stays in memory while the build runs: a write to the store now could
            # break the build's own transactions (SQLite allows one writer).
            with self._lock:
                self.live[job_id] = (stage, done, total, tuple(lines[-_LOG_LIVE:]))
        stderr = proc.stderr.read() if proc.stderr is not None else ""
        code = proc.wait()
        self._proc = None
        with self._lock:
            self.live.pop(job_id, None)
        repo = self.open_repo()
        try:
            after = repo.last_build()
            tail = [ln for ln in stderr.strip().splitlines() if ln.strip()][-5:]
            if code == 0 and result is not None:
                message = (
                    f"{result.get('articles')} articles ({result.get('processed')} read, "
                    f"{result.get('unchanged')} unchanged), {result.get('errors')} errors, "
                    f"{result.get('seconds')} s"
                )
                repo.update_job(
                    job_id,
                    state="done",
                    finished=time.time(),
                    stage="done",
                    message=message,
                    build_id=after,
                    log_lines=lines,
                )
            else:
                state = "cancelled" if self._stopping.is_set() else "failed"
                message = error or (
                    tail[-1] if tail else f"the build process exited with status {code}"
                )
                repo.update_job(
                    job_id,
                    state=state,
                    finished=time.time(),
                    message=message[:1000],
                    build_id=after if after != before else None,
                    log_lines=[*lines, *tail],
                )
        finally:
            repo.close()
        if self.after is not None and code == 0:
            try:
                self.after()
            except Exception:  # warming caches is best effort
                log.exception("after-build hook failed")
