"""The measuring stick of issue 9 (``bench.hostile``) must itself be able to fail: its checks
flag every payload, its comparisons ignore only timings, its subprocesses never outlive it."""

from __future__ import annotations

import html
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.hostile import gen
from bench.hostile.cases import CASES
from bench.hostile.corpus import PAYLOAD
from bench.hostile.harness import (
    _OWN,
    Proc,
    _pgroup_alive,
    first_difference,
    normalise_dossier,
    scan_report,
)

_PAGE = "<!doctype html><html><head><meta charset='utf-8'></head><body><p>{}</p>{}</body></html>"


def _page(body: str) -> str:
    own = "".join(f"<script>{js}</script>" for js in sorted(_OWN))
    return _PAGE.format(body, own)


@pytest.mark.parametrize(
    "piece",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        "<svg onload=alert(1)></svg>",
        '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
        "<x-pwn></x-pwn>",
        '<script src="https://evil.example/x.js"></script>',
    ],
)
def test_hostile_scan_report_flags_each_payload(piece: str) -> None:
    assert scan_report(_page(piece))


def test_hostile_scan_report_passes_escaped_payload_and_own_script() -> None:
    assert scan_report(_page(html.escape(PAYLOAD))) == []


def test_hostile_first_difference_ignores_only_timings() -> None:
    a = {"articles": [{"id": "x", "text": "t"}], "seconds": 1.0}
    b = {"articles": [{"id": "x", "text": "t"}], "seconds": 9.0}
    assert first_difference(normalise_dossier(a), normalise_dossier(b)) is None
    c = {"articles": [{"id": "x", "text": "u"}], "seconds": 1.0}
    assert first_difference(normalise_dossier(a), normalise_dossier(c)) is not None


def test_hostile_registry_has_100_core_cases_with_unique_names() -> None:
    import bench.hostile.cases_env  # noqa: F401  (registers its cases)

    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert sum(not c.extended for c in CASES) >= 100


def test_hostile_proc_timeout_kills_the_whole_group(tmp_path: Path) -> None:
    proc = Proc(["sh", "-c", "sleep 60 & sleep 60"], tmp_path, None, "t")
    run = proc.wait(0.5)
    assert run.timed_out
    # SIGKILL is delivered at once but the orphaned sleep dies a moment later.
    assert proc.leftovers(grace=2.0) == []
    assert _pgroup_alive(proc.pgid) == []


def test_hostile_gzip_bomb_is_small_and_inflates() -> None:
    bomb = gen.gzip_bomb(8 << 20)
    assert len(bomb) < 64 << 10
    assert len(zlib.decompress(bomb, 31)) >= 8 << 20
