"""Fault isolation: a failure costs the smallest unit it can (one component's layer on one
article, one article's cleaning, one file, one corpus section), is named in ``errors`` with the
article, stage and component, and the build completes (issue 9)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from storyline import StoreError
from storyline.analyse import layers
from storyline.cli import main
from storyline.faults import TimeBudgetExceeded, describe, time_budget
from storyline.pipeline import build
from storyline.settings import DEFAULT, Settings
from storyline.store import Store, store_path

VICTIM = "planet_budget"
"""The fixture article the planted faults hit; its text is the only one with this phrase."""
VICTIM_PHRASE = "Chancellor faces revolt"


def _dossier(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "dossier.json").read_text("utf-8"))
    return data


def _plant(monkeypatch: pytest.MonkeyPatch, name: str, fn: Any) -> None:
    """Replace component ``name``'s annotation with ``fn(original, doc, ctx)``."""
    planted = tuple(
        replace(c, annotate=lambda doc, ctx, c=c: fn(c.annotate, doc, ctx)) if c.name == name else c
        for c in layers.COMPONENTS
    )
    monkeypatch.setattr(layers, "COMPONENTS", planted)


def _raise_on_victim(original: Any, doc: Any, ctx: Any) -> Any:
    if VICTIM_PHRASE in doc.text:
        raise RuntimeError("planted fault")
    return original(doc, ctx)


def test_issue_9_component_that_raises_costs_one_layer_of_one_article(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plant(monkeypatch, "quotes", _raise_on_victim)
    report = build([fixtures / "articles"], tmp_path / "out")
    assert report.articles == 5
    dossier = _dossier(tmp_path / "out")
    [error] = dossier["errors"]
    assert error["article_id"] == VICTIM
    assert error["source"] == str(fixtures / "articles" / f"{VICTIM}.txt"), "names its file"
    assert (error["stage"], error["component"]) == ("analyse", "quotes")
    assert "RuntimeError: planted fault" in error["error"]
    quoted = {q["article_id"] for q in dossier["quotes"]}
    assert VICTIM not in quoted and quoted, "the other articles keep their quotes"
    # The victim keeps every other layer: it is still among the entities' articles.
    assert any(VICTIM in e["article_ids"] for e in dossier["entities"])
    assert (tmp_path / "out" / "report.html").stat().st_size > 0


def test_faults_stage_errors_stand_while_the_article_is_unchanged(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plant(monkeypatch, "quotes", _raise_on_victim)
    build([fixtures / "articles"], tmp_path / "out")
    first = _dossier(tmp_path / "out")
    again = build([fixtures / "articles"], tmp_path / "out")
    assert again.skipped_unchanged == 5
    assert _dossier(tmp_path / "out") == first, "the unchanged re-run reports the error once"


def test_faults_component_over_its_time_budget_is_stopped(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def runaway(original: Any, doc: Any, ctx: Any) -> Any:
        while VICTIM_PHRASE in doc.text:
            time.sleep(0.01)
        return original(doc, ctx)

    _plant(monkeypatch, "entities", runaway)
    settings = replace(DEFAULT, component_budget_s=0.5, component_budget_s_per_mchar=0.0)
    started = time.monotonic()
    report = build([fixtures / "articles"], tmp_path / "out", settings=settings)
    assert time.monotonic() - started < 30
    assert report.articles == 5
    [error] = _dossier(tmp_path / "out")["errors"]
    assert (error["article_id"], error["component"]) == (VICTIM, "entities")
    assert "time budget" in error["error"]


def test_faults_corpus_section_that_fails_is_empty_and_named(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.link import corpus

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("year -4989 is out of range")

    monkeypatch.setattr(corpus, "_timeline", broken)
    report = build([fixtures / "articles"], tmp_path / "out")
    assert report.articles == 5
    dossier = _dossier(tmp_path / "out")
    assert dossier["timeline"] == []
    assert dossier["entities"] and dossier["quotes"], "the other sections still come out"
    [error] = dossier["errors"]
    assert (error["stage"], error["component"], error["article_id"]) == (
        "corpus",
        "timeline",
        None,
    )
    assert "year -4989" in error["error"]


def test_faults_cleaner_failure_keeps_the_article_uncleaned(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.stages import clean as stages_clean

    original = stages_clean.clean_text

    def clean(text: str, **kwargs: Any) -> Any:
        if VICTIM_PHRASE in text:
            raise RecursionError("maximum recursion depth exceeded")
        return original(text, **kwargs)

    monkeypatch.setattr(stages_clean, "clean_text", clean)
    report = build([fixtures / "articles"], tmp_path / "out")
    assert report.articles == 5
    dossier = _dossier(tmp_path / "out")
    [error] = dossier["errors"]
    assert (error["article_id"], error["stage"], error["component"]) == (
        VICTIM,
        "clean",
        "cleaner",
    )
    victim = next(a for a in dossier["articles"] if a["id"] == VICTIM)
    assert VICTIM_PHRASE in victim["text"] and victim["removed"] == []


def test_faults_reader_that_crashes_costs_only_its_file(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.stages import ingest as stages_ingest

    original = stages_ingest.read_file

    def read(path: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        if Path(path.path).stem == VICTIM:
            raise MemoryError()
        yield from original(path, *args, **kwargs)

    monkeypatch.setattr(stages_ingest, "read_file", read)
    report = build([fixtures / "articles"], tmp_path / "out")
    assert report.articles == 4
    [error] = _dossier(tmp_path / "out")["errors"]
    assert error["source"].endswith(f"{VICTIM}.txt") and error["stage"] == "ingest"
    assert "MemoryError" in error["error"]


def test_faults_report_that_cannot_be_drawn_leaves_a_complete_dossier(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.output import report as report_module

    def broken(*args: Any, **kwargs: Any) -> str:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(report_module, "render_report", broken)
    result = build([fixtures / "articles"], tmp_path / "out")
    assert result.articles == 5
    dossier = _dossier(tmp_path / "out")
    assert len(dossier["articles"]) == 5 and dossier["quotes"]
    assert [(e["stage"], e["component"]) for e in dossier["errors"]] == [("output", "report")]
    assert "could not be drawn" in (tmp_path / "out" / "report.html").read_text("utf-8")


def test_faults_describe_is_one_bounded_line() -> None:
    text = describe(ValueError("a\nb " + "x" * 5000))
    assert "\n" not in text and text.startswith("ValueError: a b") and len(text) < 600
    assert describe(KeyError()) == "KeyError"


def test_faults_time_budget_interrupts_and_restores() -> None:
    with pytest.raises(TimeBudgetExceeded), time_budget(0.2, "loop"):
        while True:
            time.sleep(0.01)
    with time_budget(5, "outer"), time_budget(0.1, "inner"):
        pass  # an inner budget that ends in time leaves the outer one running


def test_issue_9_second_writer_waits_then_stops_clearly(tmp_path: Path, fixtures: Path) -> None:
    db = tmp_path / "out" / "storyline.sqlite"
    settings = replace(DEFAULT, lock_timeout_s=0.3)
    busy = r"another build \(pid \d+\) is writing this store"
    with Store(db) as holder, holder.writer_lock(), pytest.raises(StoreError, match=busy):
        build([fixtures / "articles"], tmp_path / "out", settings=settings)
    assert not (tmp_path / "out" / "dossier.json").exists()


def test_faults_second_writer_goes_on_when_the_first_finishes(
    tmp_path: Path, fixtures: Path
) -> None:
    db = tmp_path / "out" / "storyline.sqlite"
    held = threading.Event()

    def first() -> None:
        with Store(db) as holder, holder.writer_lock():
            held.set()
            time.sleep(0.5)

    thread = threading.Thread(target=first)
    thread.start()
    held.wait()
    report = build([fixtures / "articles"], tmp_path / "out", settings=DEFAULT)
    thread.join()
    assert report.articles == 5


@pytest.mark.parametrize(
    ("location", "needle"),
    [("postgresql://user@localhost/news", "PostgreSQL"), ("foo://x", "unknown store scheme")],
)
def test_issue_9_unknown_db_scheme_is_a_clear_error(
    tmp_path: Path,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    location: str,
    needle: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["build", str(fixtures / "articles"), "--out", "out", "--db", location, "-q"])
    err = capsys.readouterr().err
    assert code == 1 and needle in err and location in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no folder named after it"


def test_store_path_reads_sqlite_urls() -> None:
    assert store_path("sqlite:///tmp/x.sqlite") == Path("/tmp/x.sqlite")
    assert store_path("plain/file.sqlite") == Path("plain/file.sqlite")
    with pytest.raises(StoreError):
        store_path("sqlite://")


def test_settings_with_env_reads_typed_values() -> None:
    env = {"STORYLINE_WORKERS": "1", "STORYLINE_LOCK_TIMEOUT_S": "2.5", "OTHER": "x"}
    settings = Settings().with_env(env)
    assert (settings.workers, settings.lock_timeout_s) == (1, 2.5)
    with pytest.raises(Exception, match="STORYLINE_WORKERS='two': not a valid int"):
        Settings().with_env({"STORYLINE_WORKERS": "two"})


def test_faults_worker_count_is_not_part_of_the_clean_key(tmp_path: Path, fixtures: Path) -> None:
    build([fixtures / "articles"], tmp_path / "out", settings=replace(DEFAULT, workers=2))
    with Store(tmp_path / "out" / "storyline.sqlite") as store:
        before = store.db.execute("SELECT id, clean_key, analysis_key FROM articles").fetchall()
    build([fixtures / "articles"], tmp_path / "out", settings=replace(DEFAULT, workers=1))
    with Store(tmp_path / "out" / "storyline.sqlite") as store:
        after = store.db.execute("SELECT id, clean_key, analysis_key FROM articles").fetchall()
    assert before == after


# Environment faults on real file systems: a read-only mount and a full one (root only) ----------


@contextlib.contextmanager
def _mount(target: Path, options: str) -> Iterator[None]:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a file system needs root")


@needs_root
def test_issue_9_read_only_out_is_a_one_line_error(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ro = tmp_path / "ro"
    with _mount(ro, "ro,size=1m"):
        code = main(["build", str(fixtures / "articles"), "--out", str(ro / "out"), "-q"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith(f"storyline: error: {ro / 'out'}")
    assert err.rstrip().endswith("Read-only file system")
    assert len(err.strip().splitlines()) == 1


@needs_root
def test_issue_9_full_disk_is_a_clear_error_and_the_store_stays_valid(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    disk = tmp_path / "disk"
    first = tmp_path / "first"
    first.mkdir()
    for name in ("planet_budget", "planet_rail"):
        (first / f"{name}.txt").write_bytes((fixtures / "articles" / f"{name}.txt").read_bytes())
    with _mount(disk, "size=2m"):
        db = disk / "storyline.sqlite"
        assert (
            main(["build", str(first), "--out", str(tmp_path / "out"), "--db", str(db), "-q"]) == 0
        )
        # Fill the disk, then build more into the same store.
        with open(disk / "filler", "wb") as fh, contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        capsys.readouterr()
        code = main(
            [
                "build",
                str(fixtures / "articles"),
                "--out",
                str(tmp_path / "out"),
                "--db",
                str(db),
                "-q",
            ]
        )
        err = capsys.readouterr().err
        assert code == 1 and err.startswith(f"storyline: error: {db}: no space left on the device")
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        (disk / "filler").unlink()
        with Store(db) as store:
            assert store.integrity_check() == "ok"
            ids = {r[0] for r in store.db.execute("SELECT id FROM articles")}
        assert {"planet_budget", "planet_rail"} <= ids


def test_faults_worker_that_dies_costs_only_its_article(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in (fixtures / "articles").iterdir():
        (corpus / path.name).write_bytes(path.read_bytes())
    for n in range(8):  # enough articles for the analysis to go to the worker processes
        (corpus / f"extra-{n}.txt").write_text(
            f"Extra story {n}\n\nMayor Ann Reyes said on Monday that bridge {n} would reopen.\n",
            "utf-8",
        )
    build_process = os.getpid()

    def crash(original: Any, doc: Any, ctx: Any) -> Any:
        if VICTIM_PHRASE in doc.text and os.getpid() != build_process:
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        return original(doc, ctx)

    _plant(monkeypatch, "entities", crash)
    report = build([corpus], tmp_path / "out", settings=replace(DEFAULT, workers=2))
    assert report.articles == 13
    dossier = _dossier(tmp_path / "out")
    [error] = dossier["errors"]
    assert (error["article_id"], error["component"]) == (VICTIM, "worker")
    with Store(tmp_path / "out" / "storyline.sqlite") as store:
        analysed = dict(
            store.db.execute("SELECT article_id, COUNT(*) FROM layers GROUP BY article_id")
        )
    assert VICTIM not in analysed
    assert len(analysed) == 12 and set(analysed.values()) == {len(layers.enabled_components())}


@needs_root
def test_issue_9_unwritable_store_is_a_one_line_error(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ro = tmp_path / "ro"
    with _mount(ro, "ro,size=1m"):
        for db in (ro / "x.sqlite", ro / "sub" / "x.sqlite"):
            out = str(tmp_path / "out")
            code = main(["build", str(fixtures / "articles"), "--out", out, "--db", str(db), "-q"])
            err = capsys.readouterr().err
            assert code == 1 and err.startswith(f"storyline: error: {db}: cannot create")
            assert len(err.strip().splitlines()) == 1


def test_issue_9_store_that_is_no_database_is_a_one_line_error(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "garbage.sqlite"
    db.write_bytes(b"not a database at all" * 100)
    code = main(
        ["build", str(fixtures / "articles"), "--out", str(tmp_path / "o"), "--db", str(db)]
    )
    err = capsys.readouterr().err
    assert code == 1 and err.startswith(f"storyline: error: {db}: not a usable storyline store")
    assert db.read_bytes() == b"not a database at all" * 100, "the file is left as it was"


def test_issue_9_article_over_the_analysis_bound_is_kept_whole_and_noted(
    tmp_path: Path, fixtures: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    import random

    rng = random.Random(4)
    vocabulary = [f"{a}{b}" for a in ("ka", "mo", "ri", "su", "te", "lo") for b in "nrstvl"]
    text = "Long report\n\n" + "\n\n".join(
        " ".join(rng.choice(vocabulary) for _ in range(200)) + "." for _ in range(60)
    )
    (corpus / "long.txt").write_text(text, "utf-8")
    (corpus / "short.txt").write_bytes((fixtures / "articles" / "planet_rail.txt").read_bytes())
    settings = replace(DEFAULT, max_analysis_chars=20_000)
    report = build([corpus], tmp_path / "out", settings=settings)
    assert report.articles == 2
    dossier = _dossier(tmp_path / "out")
    long = next(a for a in dossier["articles"] if a["id"] == "long")
    assert len(long["text"]) > 40_000, "the article stays whole"
    [note] = dossier["errors"]
    assert (note["article_id"], note["stage"], note["component"]) == ("long", "analyse", "parse")
    assert "analysed only the first" in note["error"]
    cut = int(note["error"].split("first ")[1].split(" of")[0].replace(",", ""))
    assert 10_000 <= cut <= 20_000
    assert all(q["end"] <= cut for q in dossier["quotes"] if q["article_id"] == "long")


def test_issue_9_annotate_writes_utf8_json_under_the_c_locale(tmp_path: Path) -> None:
    import sys

    text = tmp_path / "pound.txt"
    text.write_text("Costs rose to £5, said Ana Lima.\n", "utf-8")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    done = subprocess.run(
        [sys.executable, "-m", "storyline", "annotate", str(text)],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.decode("utf-8"))
    assert record["text"].startswith("Costs rose to £5")


def test_faults_time_budget_stops_a_block_outside_the_main_thread() -> None:
    # Dask runs its tasks in worker threads, where no signal can be delivered.
    import threading

    seen: dict[str, Any] = {}

    def task() -> None:
        started = time.monotonic()
        try:
            with time_budget(0.2, "loop"):
                while time.monotonic() - started < 10:
                    pass
        except TimeBudgetExceeded as exc:
            seen["error"] = exc
        seen["seconds"] = time.monotonic() - started
        with time_budget(5, "quick"):
            pass
        time.sleep(0.3)  # a cancelled budget never fires later
        seen["after"] = True

    worker = threading.Thread(target=task)
    worker.start()
    worker.join(15)
    assert isinstance(seen.get("error"), TimeBudgetExceeded)
    assert "loop stopped" in str(seen["error"]) and seen["seconds"] < 5
    assert seen.get("after") is True
