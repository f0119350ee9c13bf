"""Entity layer on short hand-written texts (never the shared data or examples)."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.analyse.entities import ArticleEntities, article_entities
from storyline.link.entities import resolve_corpus


@pytest.fixture(scope="module")
def nlp() -> Any:
    from storyline.analyse.nlp import load_nlp

    return load_nlp()


def _cluster_of(ae: ArticleEntities, text: str) -> int:
    return next(m.cluster for m in ae.mentions if m.text == text)


def test_entities_surname_and_honorific_merge(nlp: Any) -> None:
    ae = article_entities(
        nlp("David Lammy met officials. Later Mr Lammy said the talks went well.")
    )
    assert _cluster_of(ae, "David Lammy") == _cluster_of(ae, "Mr Lammy")
    assert ae.clusters[_cluster_of(ae, "David Lammy")].name == "David Lammy"


def test_entities_knight_first_name(nlp: Any) -> None:
    ae = article_entities(nlp("Sir Keir Starmer spoke on Monday. Sir Keir said he was confident."))
    assert _cluster_of(ae, "Sir Keir Starmer") == _cluster_of(ae, "Sir Keir")
    assert _cluster_of(ae, "he") == _cluster_of(ae, "Sir Keir")


def test_entities_shared_first_name_stays_apart(nlp: Any) -> None:
    ae = article_entities(nlp("Chris Philp spoke first. Chris LaCivita replied an hour later."))
    assert _cluster_of(ae, "Chris Philp") != _cluster_of(ae, "Chris LaCivita")


def test_entities_roles_from_apposition_and_premodifier(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Staff working for David Lammy, the shadow foreign secretary, met Labour MP Ruth "
            "Cadbury and Former shadow chancellor Ed Balls."
        )
    )
    titles = {(ae.clusters[r.cluster].name, r.title) for r in ae.roles}
    assert ("David Lammy", "shadow foreign secretary") in titles
    assert ("Ruth Cadbury", "Labour MP") in titles
    assert ("Ed Balls", "Former shadow chancellor") in titles


def test_entities_pronoun_gender(nlp: Any) -> None:
    ae = article_entities(nlp("Lucy Powell met Chris Philp. She said the debate was useful."))
    assert _cluster_of(ae, "She") == _cluster_of(ae, "Lucy Powell")


def test_entities_media_marked(nlp: Any) -> None:
    ae = article_entities(nlp("Sir Keir Starmer told Sky News that he would work with anyone."))
    media = [c for c in ae.clusters if c.media]
    assert [c.name for c in media] == ["Sky News"]


def test_entities_json_round_trip_and_cluster_at(nlp: Any) -> None:
    doc = nlp("Donald Trump spoke. Mr Trump said he would win.")
    ae = article_entities(doc)
    assert ArticleEntities.from_json(ae.to_json()) == ae
    start = doc.text.index("Mr Trump")
    assert ae.cluster_at(start, start + 8) == _cluster_of(ae, "Donald Trump")


def test_entities_corpus_role_noun_from_role_history(nlp: Any) -> None:
    a = article_entities(nlp("Prime Minister Keir Starmer visited Paris on Monday."))
    b = article_entities(nlp("The Prime Minister was criticised by the opposition."))
    ents, where = resolve_corpus([("a", "2024-10-01", a), ("b", "2024-10-02", b)])
    starmer = next(e for e in ents if e.name == "Keir Starmer")
    pm = next(m.cluster for m in b.mentions if m.text == "The Prime Minister")
    assert where[("b", pm)] == starmer.id == "e-keir-starmer"
    assert any(r.title == "Prime Minister" and r.date == "2024-10-01" for r in starmer.roles)
