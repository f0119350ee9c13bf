"""Per-article entity mentions in dossier.json and on the web app's article page."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from storyline.model import Mention
from storyline.output.dossier import article_mentions, dossier_schema

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "labour-trump-2024"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    from storyline.pipeline import build

    base = tmp_path_factory.mktemp("mentions")
    shutil.copytree(EXAMPLE, base / "in")
    build([str(base / "in")], base / "out", db=base / "store.sqlite")
    return base, json.loads((base / "out" / "dossier.json").read_text("utf-8"))


def test_mentions_dossier_offsets_are_the_clean_text_slice(
    built: tuple[Path, dict[str, Any]],
) -> None:
    _, dossier = built
    jsonschema.validate(dossier, dossier_schema())
    entity_ids = {e["id"] for e in dossier["entities"]}
    kinds: set[str] = set()
    for art in dossier["articles"]:
        assert "mentions" in art
        for m in art["mentions"]:
            assert art["text"][m["start"] : m["end"]] == m["text"]
            assert m["entity_id"] in entity_ids
            kinds.add(m["kind"])
        starts = [m["start"] for m in art["mentions"]]
        assert starts == sorted(starts)
    assert kinds == {"name", "nominal", "pronoun"}


def test_mentions_dossier_traces_speakers_and_timeline_people(
    built: tuple[Path, dict[str, Any]],
) -> None:
    _, dossier = built
    mentioned = {(a["id"], m["entity_id"]) for a in dossier["articles"] for m in a["mentions"]}
    speakers = [q for q in dossier["quotes"] if q["speaker_entity_id"]]
    assert speakers
    for q in speakers:
        assert (q["article_id"], q["speaker_entity_id"]) in mentioned
    for t in dossier["timeline"]:
        arts = {ev["article_id"] for ev in t["evidence"]}
        for eid in t["entity_ids"]:
            assert any((a, eid) in mentioned for a in arts)


def test_mentions_article_mentions_drop_stale_offsets_and_unknown_entities() -> None:
    text = "Shell said the company would grow."
    ms = [
        Mention("a", 16, 23, "company", "ORG", "nominal", 0.7, "nominal-family", "e-shell"),
        Mention("a", 0, 5, "Shell", "ORG", "name", 0.9, "ner", "e-shell"),
        Mention("a", 11, 22, "the company", "ORG", "nominal", 0.7, "nominal-family", "e-shell"),
        Mention("a", 0, 5, "Shell", "ORG", "name", 0.9, "ner", None),
        Mention("a", 0, 5, "Shell", "ORG", "name", 0.9, "ner", "e-gone"),
        Mention("a", 0, 40, "Shell", "ORG", "name", 0.9, "ner", "e-shell"),
    ]
    out = article_mentions(text, ms, {"e-shell"})
    assert [(m["start"], m["text"], m["kind"]) for m in out] == [
        (0, "Shell", "name"),
        (11, "the company", "nominal"),
    ]


def test_mentions_article_page_marks_mentions_with_entity_links(
    built: tuple[Path, dict[str, Any]],
) -> None:
    from fastapi.testclient import TestClient

    from storyline.serve.app import create_app
    from storyline.serve.settings import ServeSettings

    base, dossier = built
    art = next(a for a in dossier["articles"] if any(m["kind"] == "nominal" for m in a["mentions"]))
    nominal = next(m for m in art["mentions"] if m["kind"] == "nominal")
    c = TestClient(create_app(ServeSettings(store=base / "store.sqlite", run_jobs=False)))
    page = c.get(f"/articles/{art['id']}").text
    marks = re.findall(
        r'<mark class="ent"><a href="/entities/([^"]+)"[^>]*>([^<]*)</a></mark>', page
    )
    assert marks, "mentions are server-rendered <mark> elements linking to the entity"
    assert (nominal["entity_id"], nominal["text"]) in marks
