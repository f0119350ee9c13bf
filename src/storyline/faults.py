"""Fault isolation: what the build does when one article, one component or one stage fails.

A failure is caught at the smallest unit that can be given up on its own (one component on one
article, one article in a stage, one corpus-level section), described once, logged once and
recorded as an :class:`~storyline.model.InputFailure`; everything else goes on. A runaway
component is stopped by a time budget, and worker processes never outlive the build.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from storyline.errors import TimeBudgetExceeded
from storyline.model import InputFailure

__all__ = [
    "TimeBudgetExceeded",
    "describe",
    "die_with_parent",
    "failure",
    "isolated",
    "log_failure",
    "time_budget",
]

log = logging.getLogger("storyline")

T = TypeVar("T")

_MAX_MESSAGE = 500
"""An exception message is cut to this many characters: some carry the whole input."""


def describe(exc: BaseException) -> str:
    """``Type: message`` on one line, short enough for a log line and a dossier."""
    if isinstance(exc, TimeBudgetExceeded):
        return str(exc)
    text = " ".join(str(exc).split())
    if len(text) > _MAX_MESSAGE:
        text = text[:_MAX_MESSAGE] + "…"
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def failure(
    exc: BaseException,
    *,
    source: str,
    stage: str,
    article_id: str | None = None,
    component: str | None = None,
) -> InputFailure:
    where = f"{stage}/{component}" if component else stage
    return InputFailure(source, f"{where} failed: {describe(exc)}", article_id, stage, component)


def log_failure(item: InputFailure) -> None:
    if item.article_id is not None and item.article_id not in item.source:
        log.error("%s [%s]: %s", item.source, item.article_id, item.error)
    else:
        log.error("%s: %s", item.source, item.error)


def isolated(
    fn: Callable[[], T],
    on_failure: Callable[[BaseException], None],
    default: T,
) -> T:
    """``fn()``, or ``default`` after ``on_failure(exc)`` when it raises. ``KeyboardInterrupt``
    and ``SystemExit`` are not faults of the input: they stop the build."""
    try:
        return fn()
    except Exception as exc:  # the point of fault isolation: any fault of one unit
        on_failure(exc)
        return default


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_budget(seconds: float | None, what: str) -> Iterator[None]:
    """Raise :class:`TimeBudgetExceeded` inside the block once ``seconds`` have passed.

    In the main thread of a POSIX process (the build and its forked workers) a timer signal
    interrupts the block; budgets do not nest there: an inner one replaces the outer one for its
    duration and the outer one is restored after it. In any other thread (a Dask worker runs its
    tasks in one) a watchdog timer raises the exception in the block's thread instead, between
    two bytecodes, as the signal handler would.
    """
    if not seconds or seconds <= 0:
        yield
        return
    if not _can_alarm():
        with _thread_budget(seconds, what):
            yield
        return

    def _expired(signum: int, frame: Any) -> None:
        raise TimeBudgetExceeded(f"{what} stopped: over its time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


@contextlib.contextmanager
def _thread_budget(seconds: float, what: str) -> Iterator[None]:
    import ctypes

    message = f"{what} stopped: over its time budget of {seconds:g} s"

    class Expired(TimeBudgetExceeded):
        def __init__(self) -> None:
            super().__init__(message)

    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if state["done"]:
                return
            state["fired"] = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(target), ctypes.py_object(Expired)
            )

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            fired = state["fired"]
        if fired:
            # Fired but not yet raised (the block ended in between): take it back and raise it
            # here, so that it never surfaces later in code that has no budget.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
            raise Expired()


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, poll_seconds: float = 1.0) -> None:
    """In a worker process: exit as soon as the process that started it is gone.

    A build killed with SIGKILL (or by the OOM killer) cannot tell its workers to stop, and they
    would otherwise wait on their task queue forever. Linux delivers SIGKILL to the worker when its
    parent dies (``PR_SET_PDEATHSIG``); elsewhere, and as a second guard, a daemon thread watches
    the parent id. ``parent`` is the pid of the process that started the pool, read before the
    fork, so a parent that died in between is noticed too.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the guard was set
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(poll_seconds)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="storyline-parent-watch", daemon=True).start()
