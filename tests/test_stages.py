"""The stages' cache keys: a build re-does only what changed. Changing how a build runs (the
worker count, the engine) re-does nothing; changing one analysis component's code re-runs only
that component and keeps every other layer as stored."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from storyline.pipeline import build
from storyline.runners import LocalRunner, ProcessRunner
from storyline.settings import DEFAULT
from storyline.stages import (
    AnalyseStage,
    BuildContext,
    CleanStage,
    DatesStage,
    IngestStage,
    LinkStage,
)
from storyline.stages import analyse as analyse_stage
from storyline.store import open_store


def _layers(db: Path) -> dict[tuple[str, str], str]:
    with open_store(db) as store:
        rows = store.db.execute("SELECT article_id, layer, data FROM layers").fetchall()
    return {(a, name): data for a, name, data in rows}


@pytest.fixture()
def built(tmp_path: Path, fixtures: Path) -> Path:
    build([fixtures / "articles"], tmp_path / "out", settings=replace(DEFAULT, workers=1))
    return tmp_path / "out" / "storyline.sqlite"


def test_stages_changing_the_worker_count_redoes_nothing(built: Path, fixtures: Path) -> None:
    settings = replace(DEFAULT, workers=2, parallel_min_batch=1, commit_every=1)
    before = _layers(built)
    with open_store(built) as store, ProcessRunner(2) as runner:
        build_id = store.begin_build(["again"])
        ctx = BuildContext(store, build_id, settings, runner)
        processed, skipped = IngestStage((fixtures / "articles",)).run(ctx)
        assert (processed, skipped) == (0, 5)
        assert CleanStage().run(ctx) == 0
        LinkStage().run(ctx)
        assert store.needing_link(build_id) == []
        assert DatesStage().run(ctx) == 0
        assert AnalyseStage().run(ctx) == 0
    assert _layers(built) == before


def test_stages_changing_one_component_reruns_only_that_component(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.analyse import layers

    before = _layers(built)
    keys = analyse_stage.component_keys()
    assert {"quotes", "timexes"} <= set(keys)
    changed = dict(keys, timexes=keys["timexes"] + "-edited")
    monkeypatch.setattr(analyse_stage, "component_keys", lambda: changed)
    ran: list[str] = []
    real = layers.enabled_components()

    def counted(component: Any) -> Any:
        def annotate(doc: Any, ctx: Any) -> Any:
            ran.append(component.name)
            return component.annotate(doc, ctx)

        return replace(component, annotate=annotate)

    monkeypatch.setattr(layers, "enabled_components", lambda: tuple(counted(c) for c in real))
    with open_store(built) as store:
        build_id = store.last_build()
        assert build_id is not None
        ctx = BuildContext(store, build_id, replace(DEFAULT, workers=1), LocalRunner())
        assert AnalyseStage().run(ctx) == 5
        assert AnalyseStage().run(ctx) == 0  # and now its key holds again
        stored = store.db.execute("SELECT analysis_key FROM articles").fetchall()
    needed = {c.name for c in analyse_stage._needed(real, ("timexes",))}
    assert set(ran) == needed and "timexes" in needed and "quotes" not in needed
    after = _layers(built)
    assert after == before  # the same code re-ran: the same layer, every other kept as stored
    assert all(json.loads(k)["timexes"] for (k,) in stored)


def test_stages_clean_key_covers_only_the_cleaning_settings(built: Path, fixtures: Path) -> None:
    with open_store(built) as store:
        build_id = store.begin_build(["again"])
        others = replace(DEFAULT, workers=1, rewrite_max_candidates=3, infer_date_candidates=2)
        ctx = BuildContext(store, build_id, others, LocalRunner())
        IngestStage((fixtures / "articles",)).run(ctx)
        assert CleanStage().run(ctx) == 0
        stricter = BuildContext(
            store, build_id, replace(others, boilerplate_threshold=2.0), LocalRunner()
        )
        assert CleanStage().run(stricter) == 5


def test_stages_clean_key_covers_the_code_cleaning_imports() -> None:
    import ast
    import importlib

    from storyline.stages import clean as clean_stage

    covered = clean_stage.CODE
    reached: set[str] = set()
    todo = ["storyline.clean", "storyline.link.minhash", "storyline.link.duplicates"]
    while todo:
        name = todo.pop()
        module = importlib.import_module(name)
        path = Path(module.__file__ or "")
        files = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
        for file in files:
            for node in ast.walk(ast.parse(file.read_text("utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("storyline"):
                    target = node.module or ""
                    if target not in reached and not target.startswith(
                        (
                            "storyline.store",
                            "storyline.model",
                            "storyline.settings",
                            "storyline.errors",
                        )
                    ):
                        reached.add(target)
                        todo.append(target)
    missing = {m for m in reached if not any(m == c or m.startswith(c + ".") for c in covered)}
    assert not missing, f"the clean key does not cover {sorted(missing)}"


def test_stages_every_stage_is_heard_in_order(tmp_path: Path, fixtures: Path) -> None:
    heard: list[tuple[str, int, int | None]] = []
    build(
        [fixtures / "articles"],
        tmp_path / "out",
        engine="local",
        on_progress=lambda stage, done, total: heard.append((stage, done, total)),
    )
    order = [s for i, (s, _, _) in enumerate(heard) if i == 0 or heard[i - 1][0] != s]
    assert order == ["ingest", "clean", "link", "dates", "analyse", "stories", "corpus", "outputs"]
    for stage in order:
        events = [(done, total) for s, done, total in heard if s == stage]
        assert events[0] == (0, None)  # heard as it starts, before it knows its size
        done, total = events[-1]
        assert total is not None and done == total, stage


def test_stages_an_exact_copy_is_parsed_once_and_gets_the_same_layers(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    text = (fixtures / "articles" / "planet_rail.txt").read_text("utf-8")
    (src / "rail.txt").write_text(text, "utf-8")
    (src / "rail_copy.txt").write_text(text, "utf-8")  # a wire copy, byte for byte
    (src / "other.txt").write_text(
        (fixtures / "articles" / "planet_budget.txt").read_text("utf-8"), "utf-8"
    )
    parsed: list[str] = []
    real = analyse_stage._parse_all

    def counting(texts: list[str], names: list[str], *args: Any) -> list[Any]:
        parsed.extend(n for n, t in zip(names, texts, strict=True) if t)
        return real(texts, names, *args)

    monkeypatch.setattr(analyse_stage, "_parse_all", counting)
    build([src], tmp_path / "out", engine="local")
    # (_parse_all parses a shard's texts, then their captions: the names say whose.)
    assert len(set(parsed) & {"rail", "rail_copy"}) == 1 and "other" in parsed
    layers = _layers(tmp_path / "out" / "storyline.sqlite")
    names = {name for _, name in layers}
    assert {"quotes", "entities", "timexes"} <= names
    for name in names:
        assert layers[("rail", name)] == layers[("rail_copy", name)], name


def test_stages_dates_reuse_sentence_tokens_without_changing_a_date() -> None:
    from storyline.link.timeline import infer_published

    news = "Labour has filed an official complaint with federal election authorities today."
    other = "The council approved the new budget for the coming year after a long debate."
    dated = [("d1", "2024-10-24", f"{news} More."), ("d2", "2024-09-01", f"{other} Again.")]
    undated = [("u1", None, f"{news} Later."), ("u2", None, f"{other} Then.")]
    cache: dict[str, list[list[str]]] = {}
    for u in undated:
        assert infer_published([u, *dated], cache) == infer_published([u, *dated])
    assert infer_published([undated[0], *dated], cache) == {"u1": "2024-10-24"}
    assert infer_published([undated[1], *dated], cache) == {"u2": "2024-09-01"}
    assert set(cache) == {"d1", "d2", "u1", "u2"}  # each article's sentences split once


def test_stages_dates_of_articles_without_a_news_sentence() -> None:
    from storyline.link.timeline import infer_published

    news = "Labour has filed an official complaint with federal election authorities today."
    rows = [
        ("d1", "2024-10-24", news),
        ("d2", "2024-09-01", "Short."),
        ("u1", None, "Too short."),
        ("u2", None, news),
    ]
    assert infer_published(rows, {}) == infer_published(rows) == {"u2": "2024-10-24"}


def test_stages_articles_of_one_date_are_not_copies(tmp_path: Path) -> None:
    # The analysis keys name the cleaning, the date and the code, not the text: two different
    # articles of one date (here both undated) must each be parsed.
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Jane Doe said the council would fight the plan in court.\n")
    (src / "b.txt").write_text("John Smith opened the new bridge over the river in Leeds.\n")
    build([src], tmp_path / "out", engine="local")
    with open_store(tmp_path / "out" / "storyline.sqlite") as store:
        build_id = store.last_build()
        assert build_id is not None
        assert {r.published for r in store.analysis_inputs(build_id)} == {None}
    layers = _layers(tmp_path / "out" / "storyline.sqlite")
    assert layers[("a", "sentences")] != layers[("b", "sentences")]
    assert "Jane Doe" in layers[("a", "entities")] and "John Smith" in layers[("b", "entities")]
