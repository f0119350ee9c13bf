"""The runners: results in order, work in worker processes, and a worker that dies costing only
the item that killed it."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from storyline.errors import StorylineError
from storyline.runners import LocalRunner, ProcessRunner, Runner, make_runner
from storyline.settings import DEFAULT, Settings

SETTINGS = replace(DEFAULT, parallel_min_batch=1, workers=2)


def _square(item: int, settings: Settings) -> tuple[int, int]:
    return item * item, os.getpid()


def _shard(items: list[int], settings: Settings) -> list[str]:
    if 13 in items:
        os._exit(3)  # a crash in native code, as the parent sees it
    return [f"done {i}" for i in items]


def _lost(item: int, reason: str) -> str:
    return f"lost {item}: {reason}"


@pytest.mark.parametrize("runner", [LocalRunner(), ProcessRunner(2)], ids=["local", "process"])
def test_runners_map_keeps_the_order(runner: Runner) -> None:
    with runner:
        results = list(runner.map(_square, list(range(50)), SETTINGS))
        ahead = list(runner.map_ahead(_square, [[1, 2], [3], [4, 5, 6]], SETTINGS))
    assert [r for r, _ in results] == [i * i for i in range(50)]
    assert [r for r, _ in ahead] == [1, 4, 9, 16, 25, 36]


def test_runners_process_runner_works_in_other_processes() -> None:
    with ProcessRunner(2) as runner:
        pids = {pid for _, pid in runner.map(_square, list(range(64)), SETTINGS)}
    assert os.getpid() not in pids


def test_runners_process_runner_small_work_stays_in_this_process() -> None:
    with ProcessRunner(2) as runner:
        pids = {
            pid for _, pid in runner.map(_square, [1, 2], replace(SETTINGS, parallel_min_batch=64))
        }
    assert pids == {os.getpid()}


def _warm_here(settings: Settings) -> None:
    import time

    os.environ["STORYLINE_TEST_WARMED"] = str(os.getpid())
    time.sleep(0.3)  # a model load: long enough that each idle worker takes one warm-up


def _warmed_pid(item: int, settings: Settings) -> tuple[str | None, int]:
    return os.environ.get("STORYLINE_TEST_WARMED"), os.getpid()


def test_runners_prepare_warms_the_workers_ahead() -> None:
    with ProcessRunner(2) as runner:
        runner.prepare(_warm_here, SETTINGS)
        got = list(runner.map(_warmed_pid, list(range(40)), SETTINGS))
    assert [flag for flag, _ in got]  # work ran
    # The warm-up ran in the workers, each in its own process, before the work that followed
    # it there. Which worker takes which warm-up is the pool's affair: on a loaded machine one
    # worker may take both while the other starts (the shards warm up again if so).
    warmed = {flag for flag, _ in got if flag is not None}
    assert warmed and warmed <= {str(pid) for _, pid in got}
    assert "STORYLINE_TEST_WARMED" not in os.environ


def test_runners_local_prepare_does_nothing() -> None:
    with LocalRunner() as runner:
        runner.prepare(_warm_here, SETTINGS)
    assert "STORYLINE_TEST_WARMED" not in os.environ


def test_runners_dead_worker_costs_only_its_item() -> None:
    shards = [[1, 2], [3, 13, 4], [5], [6, 7]]
    with ProcessRunner(2) as runner:
        results = [
            r for shard in runner.map_isolated(_shard, shards, SETTINGS, _lost) for r in shard
        ]
    assert [r.split(":")[0] for r in results] == [
        "done 1",
        "done 2",
        "done 3",
        "lost 13",
        "done 4",
        "done 5",
        "done 6",
        "done 7",
    ]
    assert "died (exit 3)" in results[3]


def test_runners_are_runners() -> None:
    assert isinstance(LocalRunner(), Runner)
    assert isinstance(ProcessRunner(2), Runner)


def test_runners_make_runner_picks_by_engine_and_workers() -> None:
    assert isinstance(make_runner(replace(DEFAULT, workers=1)), LocalRunner)
    assert isinstance(make_runner(replace(DEFAULT, workers=2)), ProcessRunner)
    assert isinstance(make_runner(replace(DEFAULT, workers=2), "local"), LocalRunner)
    with pytest.raises(StorylineError, match="unknown engine 'spark'"):
        make_runner(DEFAULT, "spark")
    with pytest.raises(StorylineError, match="only the dask engine takes a scheduler"):
        make_runner(DEFAULT, "process", "tcp://127.0.0.1:8786")
