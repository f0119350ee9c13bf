"""A real build's dossier, made again from the store alone, is the same dossier."""

from __future__ import annotations

import json
from pathlib import Path

from storyline.link.corpus import assemble_corpus
from storyline.model import InputFailure
from storyline.output.dossier import dossier_from_store, dossier_json
from storyline.pipeline import build
from storyline.store import Store


def test_corpus_dossier_from_the_store_equals_the_built_dossier(
    tmp_path: Path, fixtures: Path
) -> None:
    report = build([fixtures / "articles"], tmp_path / "out", db=tmp_path / "s.sqlite")
    assert report.dossier_path is not None
    built = json.loads(Path(report.dossier_path).read_text("utf-8"))
    with Store(tmp_path / "s.sqlite") as store:
        last = store.last_build()
        assert last is not None
        errors: list[InputFailure] = []
        corpus = assemble_corpus(store, last, errors=errors)
        assert errors == []
        store.put_corpus(last, corpus)
        assert store.corpus(last) == corpus
        again = json.loads(dossier_json(dossier_from_store(store, last)))
    assert built["entities"] and built["quotes"]  # something to compare
    assert again == built
