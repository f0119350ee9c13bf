"""Shared test set-up. Every dossier.json a test writes under its tmp_path is validated against
the shipped JSON Schema when the test ends, so no test can build an off-contract dossier."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, settings

from storyline.output.dossier import dossier_schema

# Property tests run a few dozen examples in `make test` (fast, deterministic: derandomised) and
# thousands in `make fuzz` (HYPOTHESIS_PROFILE=fuzz, random seeds, no deadline).
settings.register_profile(
    "test",
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "fuzz",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "test"))

FIXTURES = Path(__file__).parent / "fixtures"


def validate_dossier(dossier: dict[str, Any]) -> None:
    jsonschema.validate(dossier, dossier_schema())
    ids = [a["id"] for a in dossier["articles"]]
    assert len(ids) == len(set(ids)), "article ids must be unique"
    known = set(ids)
    for a in dossier["articles"]:
        assert a["duplicate_of"] in known | {None}
    for g in dossier["duplicates"]:
        assert set(g["article_ids"]) <= known


@pytest.fixture(autouse=True)
def _dossiers_follow_the_schema(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    tmp = request.node.funcargs.get("tmp_path")
    if isinstance(tmp, Path):
        for path in tmp.rglob("dossier.json"):
            validate_dossier(json.loads(path.read_text("utf-8")))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="module")
def quotes() -> Any:
    """``quotes(text)``: the quotes the build's pipeline finds in ``text`` (a module's own
    ``quotes`` fixture overrides this one)."""
    from storyline.analyse.lang.nlp import load_nlp
    from storyline.analyse.quotes.attribute import Quote, extract_quotes

    nlp = load_nlp()  # the pipeline the build and `annotate` run

    def run(text: str) -> list[Quote]:
        return extract_quotes(nlp(text))

    return run
