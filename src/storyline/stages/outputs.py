"""Outputs: the corpus results, `dossier.json` and `report.html`, each written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from storyline.errors import (
    OutputError,
)
from storyline.faults import failure, isolated
from storyline.ingest.discover import display_name
from storyline.model import InputFailure
from storyline.stages.base import (
    BuildContext,
    report_failure,
)
from storyline.store.sqlite import (
    Store,
)


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
    analysed: bool
    timeline_dates: int | None = None
    timeline_sentences: int | None = None
    name: str = "outputs"

    def run(self, ctx: BuildContext) -> tuple[Path, Path]:
        return _write_outputs(
            ctx.store,
            ctx.build_id,
            self.out,
            ctx.results.get("link", []),
            self.analysed,
            self.inputs,
            self.timeline_dates,
            self.timeline_sentences,
        )


def _write_outputs(
    store: Store,
    build_id: int,
    out: Path,
    groups: list[Any],
    analysed: bool,
    inputs: Sequence[str | os.PathLike[str]],
    timeline_dates: int | None,
    timeline_sentences: int | None,
) -> tuple[Path, Path]:
    """``dossier.json`` and ``report.html``, each written whole or not at all (a temporary file
    renamed over the old one), so a build killed while writing leaves the previous outputs."""
    from storyline.link.corpus import assemble
    from storyline.output.dossier import dossier_json, error_record, make_dossier
    from storyline.output.report import render_report

    corpus_errors: list[InputFailure] = []
    extra = (
        assemble(
            store,
            build_id,
            max_dates=timeline_dates,
            max_sentences=timeline_sentences,
            errors=corpus_errors,
        )
        if analysed
        else {}
    )
    if analysed:
        from storyline.link.story_sections import story_section

        brief = store.current_articles_brief(build_id)

        def stories_failed(exc: BaseException) -> None:
            corpus_errors.append(
                failure(exc, source="stories", stage="corpus", component="stories")
            )

        extra["stories"] = isolated(
            lambda: story_section(store.stories(build_id), brief, extra), stories_failed, []
        )
    for item in corpus_errors:
        report_failure(store, build_id, item)
    dossier = make_dossier(
        store.articles_for_output(build_id), groups, store.errors(build_id), **extra
    )

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
