"""The Dask runner on a real ``LocalCluster`` of two worker processes: results in order, work in
the workers, a worker that dies once costing nothing (its shard runs again), a shard that keeps
killing workers costing only the item that kills them, and a build on it that stores and writes
exactly what the local build does."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402  (distributed brings it)

from storyline.errors import StorylineError  # noqa: E402
from storyline.pipeline import build  # noqa: E402
from storyline.runners import Runner, make_runner  # noqa: E402
from storyline.runners.dask import DaskRunner  # noqa: E402
from storyline.settings import DEFAULT, Settings  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "labour-trump-2024"
SETTINGS = replace(DEFAULT, parallel_min_batch=1, workers=2)

# The workers are other processes that cannot import this test module: its task functions
# travel by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _square(item: int, settings: Settings) -> tuple[int, int]:
    return item * item, os.getpid()


def _shard(items: list[Any], settings: Settings) -> list[str]:
    """Kills its worker on a 13 every time, and on a path once (the path is left behind)."""
    for item in items:
        if item == 13:
            os._exit(3)  # a crash in native code, as the cluster sees it
        if isinstance(item, str) and not os.path.exists(item):
            Path(item).write_text("died here once")
            os._exit(3)
    return [f"done {i}" if isinstance(i, int) else "done once" for i in items]


def _lost(item: Any, reason: str) -> str:
    return f"lost {item}: {reason}"


def _warm(settings: Settings) -> None:
    os.environ["STORYLINE_TEST_WARMED"] = "yes"


def _warmed(item: int, settings: Settings) -> str | None:
    return os.environ.get("STORYLINE_TEST_WARMED")


@pytest.fixture(scope="module")
def runner() -> Iterator[DaskRunner]:
    with DaskRunner(SETTINGS) as dask_runner:
        yield dask_runner


def test_dask_runner_is_a_runner_and_made_by_engine() -> None:
    made = make_runner(SETTINGS, "dask")
    assert isinstance(made, DaskRunner) and isinstance(made, Runner)
    made.close()  # nothing started: the local cluster starts on the first big enough work


def test_dask_map_keeps_the_order_and_works_in_the_workers(runner: DaskRunner) -> None:
    results = list(runner.map(_square, list(range(50)), SETTINGS))
    ahead = list(runner.map_ahead(_square, [[1, 2], [3], [4, 5, 6]], SETTINGS))
    assert [r for r, _ in results] == [i * i for i in range(50)]
    assert [r for r, _ in ahead] == [1, 4, 9, 16, 25, 36]
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids and len(pids) == 2


def test_dask_small_work_stays_in_this_process(runner: DaskRunner) -> None:
    few = replace(SETTINGS, parallel_min_batch=64)
    assert {pid for _, pid in runner.map(_square, [1, 2], few)} == {os.getpid()}


def test_dask_warm_runs_in_every_worker_before_the_tasks(runner: DaskRunner) -> None:
    shards = [[i] for i in range(6)]
    flags = [
        r for s in runner.map_isolated(_warm_shard, shards, SETTINGS, _lost, warm=_warm) for r in s
    ]
    assert flags == ["yes"] * 6
    assert "STORYLINE_TEST_WARMED" not in os.environ  # warmed the workers, not this process


def test_dask_prepare_warms_the_workers_ahead() -> None:
    with DaskRunner(SETTINGS) as fresh:
        fresh.prepare(_warm, SETTINGS)  # starts the cluster in a thread
        shards = [[i] for i in range(4)]
        flags = [
            r
            for s in fresh.map_isolated(_warm_shard, shards, SETTINGS, _lost, warm=_warm)
            for r in s
        ]
        assert flags == ["yes"] * 4
        assert len(fresh._warm) == 1  # registered once, by prepare
    assert "STORYLINE_TEST_WARMED" not in os.environ


def _warm_shard(items: list[int], settings: Settings) -> list[str | None]:
    return [_warmed(i, settings) for i in items]


def test_dask_dead_worker_shard_is_retried(
    runner: DaskRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    marker = tmp_path / "died"
    shards: list[list[Any]] = [[1, 2], [3, str(marker), 4], [5], [6, 7]]
    results = [r for s in runner.map_isolated(_shard, shards, SETTINGS, _lost) for r in s]
    done = ["done 1", "done 2", "done 3", "done once", "done 4", "done 5", "done 6", "done 7"]
    assert results == done
    assert marker.exists()  # the first run of that shard did kill its worker
    assert "one by one" not in caplog.text  # the whole shard ran again, not item by item


@pytest.mark.slow  # four worker deaths, each a worker restart: ~30 s on a loaded machine
def test_dask_shard_that_keeps_killing_costs_only_its_killer(
    runner: DaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    shards = [[1, 2], [3, 13, 4], [5], [6, 7]]
    results = [r for s in runner.map_isolated(_shard, shards, SETTINGS, _lost) for r in s]
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
    assert "every Dask worker that ran it died" in results[3]
    assert "running them one by one" in caplog.text
    # The cluster replaced the workers it lost and goes on working.
    assert [r for r, _ in runner.map(_square, list(range(8)), SETTINGS)] == [
        i * i for i in range(8)
    ]


def test_dask_unreachable_scheduler_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storyline.runners.dask.CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(StorylineError, match=r"--scheduler tcp://127\.0\.0\.1:9: cannot reach"):
        DaskRunner(SETTINGS, "tcp://127.0.0.1:9")


def _corpus(folder: Path) -> list[Path]:
    """The example story, an exact copy of each article and a near copy without its last fifth:
    15 articles, two analysis shards, five duplicate groups."""
    folder.mkdir()
    for n, path in enumerate(sorted(EXAMPLES.glob("*.txt"))):
        text = path.read_text("utf-8")
        shutil.copy(path, folder / path.name)
        (folder / f"copy-{n}.txt").write_text(text, "utf-8")
        lines = text.rstrip().split("\n")
        (folder / f"near-{n}.txt").write_text("\n".join(lines[: len(lines) * 4 // 5]) + "\n")
    return [folder]


CLOCKS = frozenset({"started", "finished", "stored"})
"""Columns that hold when something happened: the only ones two equal builds differ in."""


def _tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table the build writes (not the web app's), its rows sorted, without clock
    times."""
    con = sqlite3.connect(db)
    try:
        names = [
            n
            for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not n.startswith(("app_", "sqlite_"))
        ]
        out = {}
        for n in names:
            columns = [c for (_, c, *_) in con.execute(f'PRAGMA table_info("{n}")')]
            kept = ", ".join(f'"{c}"' for c in columns if c not in CLOCKS)
            out[n] = sorted(con.execute(f'SELECT {kept} FROM "{n}"'), key=repr)
        return out
    finally:
        con.close()


@pytest.mark.slow
def test_dask_build_stores_and_writes_what_the_local_build_does(tmp_path: Path) -> None:
    inputs = _corpus(tmp_path / "in")
    local = build(inputs, tmp_path / "local", settings=SETTINGS, engine="local")
    dask = build(inputs, tmp_path / "dask", settings=SETTINGS, engine="dask")
    assert local.articles == dask.articles == 15
    assert not dask.errors
    assert dask.duplicates == local.duplicates and len(dask.duplicates) == 5
    mine, theirs = (
        _tables(tmp_path / "dask" / "storyline.sqlite"),
        _tables(tmp_path / "local" / "storyline.sqlite"),
    )
    assert len(mine["layers"]) > 15 * 3 and len(mine["articles"]) == 15
    for table, rows in theirs.items():
        assert mine[table] == rows, table
    dossier = json.loads((tmp_path / "dask" / "dossier.json").read_text("utf-8"))
    assert dossier == json.loads((tmp_path / "local" / "dossier.json").read_text("utf-8"))
    assert dossier["quotes"] and dossier["entities"] and dossier["timeline"]
