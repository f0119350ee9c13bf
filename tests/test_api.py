from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import storyline
from storyline import errors


def test_api_all_names_exist() -> None:
    for name in storyline.__all__:
        assert hasattr(storyline, name), name


@pytest.mark.parametrize(
    "cls",
    [
        errors.InputError,
        errors.DecodeError,
        errors.ParseError,
        errors.UnsupportedFormatError,
        errors.StoreError,
        errors.OutputError,
        errors.TimeBudgetExceeded,
    ],
)
def test_api_errors_share_one_base(cls: type[Exception]) -> None:
    assert issubclass(cls, storyline.StorylineError)


def test_api_input_errors_name_their_source() -> None:
    exc = storyline.DecodeError("a/b.txt", "empty file")
    assert exc.source == "a/b.txt" and str(exc) == "a/b.txt: empty file"


def test_api_results_are_frozen() -> None:
    r = storyline.Removal("x", "why", 0, 1, "m", 0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.text = "y"  # type: ignore[misc]


def test_api_dossier_schema_ships_with_the_package() -> None:
    from storyline.output.dossier import SCHEMA_ID, dossier_schema

    schema = dossier_schema()
    assert schema["properties"]["schema"]["const"] == SCHEMA_ID


def test_api_cli_build_help() -> None:
    from storyline.cli import main

    with pytest.raises(SystemExit) as info:
        main(["build", "--help"])
    assert info.value.code == 0


def test_api_every_error_class_is_exported() -> None:
    assert set(errors.__all__) <= set(storyline.__all__)


def test_api_build_and_read_the_store_through_the_public_names(
    tmp_path: pytest.TempPathFactory, fixtures: Any
) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "out"
    report = storyline.build(
        [fixtures / "articles"], out, settings=dataclasses.replace(storyline.DEFAULT, workers=1)
    )
    assert isinstance(report, storyline.BuildReport)
    assert report.articles == 5 and report.dossier_path == str(out / "dossier.json")
    with storyline.open_store(out / "storyline.sqlite") as store:
        build_id = store.last_build()
        assert build_id is not None
        corpus = store.corpus(build_id)
    assert isinstance(corpus, storyline.Corpus)
    assert corpus.entities and all(isinstance(e, storyline.Entity) for e in corpus.entities)
    assert all(isinstance(q, storyline.Quote) for q in corpus.quotes)


def test_api_make_runner_is_a_runner() -> None:
    with storyline.make_runner(dataclasses.replace(storyline.DEFAULT, workers=1)) as runner:
        assert isinstance(runner, storyline.Runner)
        assert runner.name == "local"
