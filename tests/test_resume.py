"""Kill -9 a real build at several points, then resume: no process is left behind, the store
passes SQLite's integrity check, and the resumed build's dossier equals an uninterrupted one's
(issue 9)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

_NAMES = ["Ada Mensah", "Tom Reilly", "Priya Shah", "Jonas Berg", "Lucia Ortiz", "Omar Haddad"]
_PLACES = ["LONDON", "MANCHESTER", "LEEDS", "BRISTOL", "GLASGOW"]
_WORDS = [
    "council",
    "budget",
    "plan",
    "vote",
    "housing",
    "rail",
    "strike",
    "fuel",
    "duty",
    "school",
    "hospital",
    "river",
    "bridge",
    "contract",
    "report",
    "inquiry",
    "minister",
    "policy",
    "tax",
    "workers",
    "union",
    "talks",
    "deal",
    "offer",
    "court",
    "ruling",
    "appeal",
    "city",
    "region",
    "growth",
    "cost",
    "rise",
    "fall",
    "week",
    "month",
    "year",
    "police",
    "station",
    "market",
]


def _article(rng: random.Random, n: int) -> str:
    who, other = rng.sample(_NAMES, 2)
    day = 1 + n % 27
    paragraphs = [
        f" date 2024-03-{day:02d}",
        f"Report {n}: {rng.choice(_WORDS).title()} {rng.choice(_WORDS)} row deepens",
        f"{rng.choice(_PLACES)} — {who} said on Tuesday that the {rng.choice(_WORDS)} "
        f"would go ahead next week despite objections from {other}.",
    ]
    for _ in range(6):
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(25, 45)))
        paragraphs.append(f"The {words}.")
    paragraphs.append(
        f"“We will not back down on the {rng.choice(_WORDS)},” {other} told reporters."
    )
    return "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("resume") / "corpus"
    root.mkdir()
    rng = random.Random(9)
    for n in range(24):
        (root / f"article-{n:02d}.txt").write_text(_article(rng, n), "utf-8")
    return root


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Small batches, and workers even for a small corpus, so every stage commits several times
    # and a kill finds worker processes to leave behind.
    env.update(STORYLINE_COMMIT_EVERY="3", STORYLINE_PARALLEL_MIN_BATCH="4", STORYLINE_WORKERS="2")
    return env


def _command(corpus: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "storyline", "build", str(corpus), "--out", str(out), "-v"]


def _run(corpus: Path, out: Path) -> None:
    done = subprocess.run(_command(corpus, out), env=_env(), capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in done.stderr


def _kill_at(corpus: Path, out: Path, marker: str, delay: float) -> None:
    """Start a build, SIGKILL it ``delay`` seconds after it logs ``marker``."""
    proc = subprocess.Popen(
        _command(corpus, out), env=_env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    for raw in proc.stderr:
        if marker in raw.decode(errors="replace"):
            break
        assert time.monotonic() < deadline, f"{marker!r} never logged"
    else:
        pytest.fail(f"the build ended before {marker!r}")
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()


def _leftovers(out: Path) -> list[int]:
    """Processes still running with this build's output folder on their command line."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if os.fsencode(out) in cmdline and "State:\tZ" not in status:
            found.append(int(entry.name))
    return found


def _comparable(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "dossier.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("reference") / "out"
    _run(corpus, out)
    return _comparable(out)


@pytest.mark.parametrize(
    ("marker", "delay"),
    [
        ("ingest: committed", 0.0),
        ("build 1: analyse", 1.5),
        ("analyse: committed", 0.0),
        ("build 1: outputs", 0.05),
    ],
    ids=["ingest", "parse", "analyse", "outputs"],
)
def test_issue_9_kill_then_resume_equals_an_uninterrupted_build(
    corpus: Path, reference: dict[str, Any], tmp_path: Path, marker: str, delay: float
) -> None:
    out = tmp_path / "out"
    _kill_at(corpus, out, marker, delay)
    deadline = time.monotonic() + 5
    while _leftovers(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _leftovers(out) == [], "worker processes outlived the killed build"
    db = sqlite3.connect(out / "storyline.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    _run(corpus, out)
    assert _comparable(out) == reference
    assert not list(out.glob(".*.tmp")), "no temporary output is left behind"
