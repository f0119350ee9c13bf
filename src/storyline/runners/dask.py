"""A Dask cluster: a ``LocalCluster`` on this machine, or an existing cluster at a scheduler's
address. It is a runner like the others; the stages do not know which one they have.

Following what spaCy's maintainers advise for large jobs:

- Tasks are coarse: a task is a shard of many articles (``map`` groups its items into chunks,
  ``map_isolated`` takes the stage's shards as they are), so the scheduler's per-task cost (a few
  milliseconds) is small against the task's work.
- The model is loaded once per worker, by a worker plugin running the stage's ``warm`` callable
  when the worker starts (also on a worker that replaces a dead one), never pickled: only plain
  data crosses the wire (texts in, stored layers out), never a ``Language`` or a ``Doc``.
- Results come back in order with a bounded number of shards in flight, so memory in the build
  process and in the workers stays flat whatever the corpus size.
- A worker that dies loses only its running shard: the scheduler runs that shard again on
  another worker (``distributed.scheduler.allowed-failures`` times). A shard that keeps killing
  workers is split and run one item per task; the item that still kills its worker gets
  ``lost(item, reason)`` and the build goes on.

Not yet on Dask: the components' time budgets (:func:`storyline.faults.time_budget`). A Dask
worker runs its tasks in a thread, and the budget's SIGALRM reaches only a main thread, so a
component that runs away is not stopped here (a worker that dies still is handled).

Local workers are single-threaded processes on the loopback interface (the CPU work holds the
GIL, so threads would not add throughput), and they die with the build however it ends.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from distributed import WorkerPlugin

from storyline.errors import StorylineError
from storyline.runners.base import ItemTask, LostItem, ShardTask
from storyline.settings import Settings

__all__ = ["AHEAD", "ALLOWED_FAILURES", "CONNECT_TIMEOUT_S", "DaskRunner"]

log = logging.getLogger("storyline")

T = TypeVar("T")
R = TypeVar("R")

AHEAD = 2
"""Batches of ``map_ahead`` in the cluster while the caller stores an earlier one (as in the
process runner)."""
IN_FLIGHT_PER_WORKER = 2
"""Shards of ``map_isolated`` submitted per worker at a time: one running, one waiting, so no
worker idles while the caller stores a result, and memory holds a bounded number of shards."""
ALLOWED_FAILURES = 1
"""How often a local cluster re-runs a task whose worker died before it gives up on the task
(Dask's own default is 3; one retry tells a shard that happened to be on a dying worker from a
shard that kills workers, and each retry costs a worker restart and a model load)."""
CONNECT_TIMEOUT_S = 30.0
"""How long to wait for an existing cluster's scheduler to answer."""
STUCK_S = 10.0
"""How long a result may take to arrive from a worker that holds it before its task is run
again (see :func:`_result`)."""
CHUNKS_PER_WORKER = 4
"""``map`` splits its items into this many chunks per worker: coarse tasks, but enough of them
that both workers stay busy to the end."""


class DaskRunner:
    """Work on a Dask cluster: a ``LocalCluster`` of ``settings.workers`` single-threaded worker
    processes when ``scheduler`` is ``None``, else the cluster whose scheduler is at
    ``scheduler`` (its workers must have storyline and the spaCy model installed).

    The local cluster starts on the first work big enough for it (small work runs in this
    process, as with the process runner); an existing cluster is connected to at once, so a
    wrong address fails before the build does any work."""

    name = "dask"

    def __init__(self, settings: Settings, scheduler: str | None = None) -> None:
        self._scheduler = scheduler
        self._cluster: Any = None
        self._client: Any = None
        self._warm: set[str] = set()
        # `prepare` connects and warms in a thread while the caller goes on.
        self._lock = threading.RLock()
        self._preparing: threading.Thread | None = None
        self.workers = max(1, settings.workers)
        if scheduler is not None:
            self._connect()

    # -- the cluster -----------------------------------------------------------------------

    def _connect(self) -> Any:
        with self._lock:
            return self._connect_once()

    def _connect_once(self) -> Any:
        if self._client is not None:
            return self._client
        from distributed import Client

        if self._scheduler is not None:
            try:
                self._client = Client(  # type: ignore[no-untyped-call]
                    self._scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False
                )
            except (OSError, TimeoutError, ValueError) as exc:
                raise StorylineError(
                    f"--scheduler {self._scheduler}: cannot reach the Dask scheduler: {exc}"
                ) from exc
            threads = sum(self._client.nthreads().values())
            if threads < 1:
                self.close()
                raise StorylineError(f"--scheduler {self._scheduler}: the cluster has no workers")
            self.workers = threads
            return self._client
        import dask
        from distributed import LocalCluster

        # Read by the scheduler when it starts: set for this cluster only.
        with dask.config.set(
            {
                "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                # Tasks go to the workers as they are submitted. With the scheduler's queue
                # (a finite saturation) a task whose result was lost with a dead worker was
                # seen to stay queued for ever, and its reader with it.
                "distributed.scheduler.worker-saturation": "inf",
            }
        ):
            self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # The scheduler's HTTP endpoint (health, metrics) on a free port, not :8787.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            )
        # Its workers need no guard of ours to die with the build, even after a kill -9:
        # each holds a pipe from this process and exits when it closes (distributed's own
        # AsyncProcess). A PR_SET_PDEATHSIG guard would be wrong here: it fires when the
        # thread that started the worker ends, and the nanny's threads come and go.
        self._client = Client(self._cluster, set_as_default=False)  # type: ignore[no-untyped-call]
        return self._client

    def _warmed(self, client: Any, warm: Callable[[Settings], None], settings: Settings) -> None:
        """Every worker, and every worker that joins later, runs ``warm`` once."""
        name = f"storyline-warm-{warm.__module__}.{warm.__qualname__}"
        with self._lock:  # not held while the workers warm: the caller may connect meanwhile
            if name in self._warm:
                return
            self._warm.add(name)
        client.register_plugin(_Warm(warm, settings), name=name)

    # -- the Runner interface --------------------------------------------------------------

    def prepare(self, warm: Callable[[Settings], None], settings: Settings) -> None:
        """The cluster started (if local) and ``warm`` registered on its workers, in a thread:
        the caller's serial work goes on meanwhile. Work that follows waits for it."""
        if self._preparing is not None:
            return

        def run() -> None:
            try:
                self._warmed(self._connect(), warm, settings)
            except Exception as exc:  # the shards connect and warm up again, and say why
                log.warning("warming the Dask workers failed: %s", exc)

        self._preparing = threading.Thread(target=run, name="storyline-dask-warm", daemon=True)
        self._preparing.start()

    def map(
        self,
        fn: ItemTask[T, R],
        items: Sequence[T],
        settings: Settings,
        *,
        min_batch: int | None = None,
    ) -> Iterator[R]:
        floor = settings.parallel_min_batch if min_batch is None else min_batch
        if len(items) < floor:
            return (fn(item, settings) for item in items)
        client = self._connect()
        size = max(1, -(-len(items) // (self.workers * CHUNKS_PER_WORKER)))
        # Submitted now, not when the caller starts reading: the cluster works while the
        # caller stores the results of an earlier batch (map_ahead, the ingest stage).
        tasks: list[tuple[Any, Callable[[], Any]]] = []
        for i in range(0, len(items), size):
            again = functools.partial(
                client.submit, _chunk, fn, list(items[i : i + size]), settings, pure=False
            )
            tasks.append((again(), again))
        return _in_order(client, tasks)

    def map_ahead(
        self, fn: ItemTask[T, R], batches: Iterable[Sequence[T]], settings: Settings
    ) -> Iterator[R]:
        inflight: deque[Iterator[R]] = deque()
        for batch in batches:
            inflight.append(self.map(fn, batch, settings))
            while len(inflight) > AHEAD:
                yield from inflight.popleft()
        while inflight:
            yield from inflight.popleft()

    def map_isolated(
        self,
        fn: ShardTask[T, R],
        shards: Sequence[list[T]],
        settings: Settings,
        lost: LostItem[T, R],
        *,
        warm: Callable[[Settings], None] | None = None,
    ) -> Iterator[list[R]]:
        if len(shards) < 2 and self._client is None:
            # One shard would wait for a cluster to start and gain nothing from it.
            yield from (fn(shard, settings) for shard in shards)
            return
        if self._preparing is not None:
            self._preparing.join()
        client = self._connect()
        if warm is not None:
            self._warmed(client, warm, settings)
        limit = max(2, self.workers * IN_FLIGHT_PER_WORKER)
        done: dict[int, list[R]] = {}
        killed: list[int] = []
        running = _Running(client)
        submitted = 0
        for at in range(len(shards)):
            while at not in done:
                while not killed and submitted < len(shards) and len(running) < limit:
                    running.submit(submitted, fn, shards[submitted], settings, retries=1)
                    submitted += 1
                if not running:
                    # A shard that kept killing workers, and nothing else in the cluster that
                    # its items could take down with them: each item alone.
                    for i in killed:
                        log.error(
                            "a Dask worker died twice on a shard of %d items; running them "
                            "one by one",
                            len(shards[i]),
                        )
                        done[i] = self._solo(client, fn, shards[i], settings, lost)
                    killed.clear()
                    continue
                i, results = running.next()
                if results is None:
                    killed.append(i)
                else:
                    done[i] = results
            yield done.pop(at)

    def _solo(
        self,
        client: Any,
        fn: ShardTask[T, R],
        items: list[T],
        settings: Settings,
        lost: LostItem[T, R],
    ) -> list[R]:
        """Each item as its own task, one at a time; an item whose worker still dies is
        ``lost``. One at a time: an item that kills its worker takes no other result with it."""
        out: list[R] = []
        for item in items:
            running = _Running(client)
            running.submit(0, fn, [item], settings)
            _, results = running.next()
            out.append(
                lost(item, "every Dask worker that ran it died") if results is None else results[0]
            )
        return out

    def close(self) -> None:
        if self._preparing is not None:
            self._preparing.join()
            self._preparing = None
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            with contextlib.suppress(Exception):  # a cluster already gone is closed enough
                client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Running:
    """Tasks in the cluster, each read as soon as it is done (a result left in a worker would
    be lost, and computed again, if that worker died later)."""

    def __init__(self, client: Any) -> None:
        from distributed import as_completed

        self._client = client
        self._done = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]
        self._index: dict[str, tuple[int, Callable[[], Any]]] = {}

    def submit(self, index: int, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        def again() -> Any:
            return self._client.submit(fn, *args, pure=False, **kwargs)

        future = again()
        self._index[future.key] = (index, again)
        self._done.add(future)  # type: ignore[no-untyped-call]

    def next(self) -> tuple[int, Any]:
        """(index, result) of a task that is done; the result is ``None`` when the task's
        workers kept dying under it."""
        future = next(self._done)
        index, again = self._index.pop(future.key)
        try:
            result = _result(self._client, future, again)
        except Exception as exc:
            if not _killed(exc):
                raise
            result = None
        return index, result

    def __len__(self) -> int:
        return len(self._index)


def _result(client: Any, future: Any, again: Callable[[], Any]) -> Any:
    """The result of ``future``, released once read.

    When a worker dies while this process fetches a result from it, Dask computes the task
    again and the client should hear when it is done; on this machine it was seen not to hear
    it and to wait for ever. So a result not read within :data:`STUCK_S` while the scheduler
    knows it is held by a live worker is given up, and the task submitted again."""
    while True:
        try:
            result = future.result(timeout=STUCK_S)
        except TimeoutError:
            held = client.who_has(future).get(future.key)
            if held and future.status != "finished":
                log.warning("a Dask result was lost with its worker; running its task again")
                future.release()
                future = again()
            continue
        future.release()
        return result


def _chunk(fn: ItemTask[T, R], items: list[T], settings: Settings) -> list[R]:
    """One task of ``map``: ``fn`` over a chunk of items, in the worker."""
    return [fn(item, settings) for item in items]


def _in_order(client: Any, tasks: list[tuple[Any, Callable[[], Any]]]) -> Iterator[Any]:
    """The results of ``tasks`` (each a future and how to submit it again) in order, each
    future dropped once read (its result leaves the worker's memory)."""
    pending = deque(tasks)
    tasks.clear()
    while pending:
        future, again = pending.popleft()
        results = _result(client, future, again)
        del future
        yield from results


def _killed(exc: BaseException) -> bool:
    """Whether ``exc`` says the task's workers died (as opposed to the task raising)."""
    from distributed.scheduler import KilledWorker

    return isinstance(exc, KilledWorker)


class _Warm(WorkerPlugin):
    """A worker plugin: ``warm(settings)`` when a worker starts (loads the spaCy model once per
    worker process, before any task and outside every task's time budget)."""

    def __init__(self, warm: Callable[[Settings], None], settings: Settings) -> None:
        self.warm = warm
        self.settings = settings

    def setup(self, worker: Any) -> None:
        self.warm(self.settings)
