"""Outputs: the corpus results, `dossier.json` and `report.html`, each written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from storyline.errors import (
    OutputError,
)
from storyline.faults import failure, isolated
from storyline.ingest.discover import display_name
from storyline.model import DuplicateGroup
from storyline.stages.base import (
    BuildContext,
    report_failure,
)
from storyline.store.base import Store


def check_out_dir(out: Path) -> None:
    """Fail before any work when the outputs could not be written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".storyline-", suffix=".probe"):
            pass
    except OSError as exc:
        raise OutputError(
            f"{display_name(out)}: cannot write the outputs here: {exc.strerror or exc}"
        ) from exc


@dataclass(frozen=True, slots=True)
class OutputStage:
    """``dossier.json`` and ``report.html`` in ``out``. Returns their paths."""

    out: Path
    inputs: tuple[str | os.PathLike[str], ...]
    name: str = "outputs"

    def run(self, ctx: BuildContext) -> tuple[Path, Path]:
        return _write_outputs(
            ctx.store, ctx.build_id, self.out, ctx.results.get("link", []), self.inputs
        )


def _write_outputs(
    store: Store,
    build_id: int,
    out: Path,
    groups: list[DuplicateGroup],
    inputs: Sequence[str | os.PathLike[str]],
) -> tuple[Path, Path]:
    """``dossier.json`` and ``report.html`` from what the store holds, each written whole or
    not at all (a temporary file renamed over the old one), so a build killed while writing
    leaves the previous outputs."""
    from storyline.output.dossier import dossier_from_store, dossier_json, error_record
    from storyline.output.report import render_report

    dossier = dossier_from_store(store, build_id, groups)

    def report_failed(exc: BaseException) -> None:
        item = failure(
            exc, source=os.fspath(out / "report.html"), stage="output", component="report"
        )
        report_failure(store, build_id, item)
        dossier["errors"].append(error_record(item))

    title = _story_title(inputs)
    html = isolated(lambda: render_report(dossier, title=title), report_failed, None)
    if html is None:
        html = _FALLBACK_REPORT.format(error=escape(dossier["errors"][-1]["error"]))
    dossier_path, report_path = out / "dossier.json", out / "report.html"
    _remove_stale_temporaries(out)
    _write_atomic(dossier_path, dossier_json(dossier))
    _write_atomic(report_path, html)
    return dossier_path, report_path


_FALLBACK_REPORT = (
    "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>storyline report</title>"
    "<p>The report could not be drawn: {error}. The dossier (dossier.json) is complete.</p></html>\n"
)


def _remove_stale_temporaries(out: Path) -> None:
    """Temporary outputs a killed build left behind (this build holds the store's lock)."""
    for pattern in (".dossier.json.*.tmp", ".report.html.*.tmp", ".storyline-*.probe"):
        for path in out.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, flushed to disk
    and renamed over ``path``: readers see the old file or the new one, never half of one."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{display_name(path)}: cannot write: {exc.strerror or exc}") from exc
    try:
        os.fchmod(fd, 0o644)  # mkstemp's file is private; outputs are documents to share
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{display_name(path)}: cannot write: {exc.strerror or exc}") from exc


def _story_title(inputs: Sequence[str | os.PathLike[str]]) -> str | None:
    """A one-folder build is named after its folder ("labour-trump-2024" → "Labour trump 2024")."""
    if len(inputs) != 1 or not Path(inputs[0]).is_dir():
        return None
    name = Path(inputs[0]).resolve().name.replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else None
