"""Entity layer on general news (issue 14, third round): names the tagger left untyped, titles,
nominals of people and forces. Short hand-written texts only."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.analyse.entities.resolve import (
    UNTAGGED_METHOD,
    ArticleEntities,
    Cluster,
    Mention,
    article_entities,
)
from storyline.link.entities import resolve_corpus


@pytest.fixture(scope="module")
def nlp() -> Any:
    from storyline.analyse.lang.nlp import load_nlp

    return load_nlp()


def _cluster_of(ae: ArticleEntities, text: str) -> int:
    return next(m.cluster for m in ae.mentions if m.text == text)


def _article(*names: tuple[str, str, str]) -> ArticleEntities:
    """One cluster per (name, type, method), one name mention each."""
    clusters = tuple(Cluster(i, n, t, (n,), False) for i, (n, t, _) in enumerate(names))
    mentions = tuple(
        Mention(i * 10, i * 10 + len(n), n, t, i, "name", 0.9, how)
        for i, (n, t, how) in enumerate(names)
    )
    return ArticleEntities(clusters, mentions, ())


def test_entities_news_untyped_run_with_a_person_word_is_that_person(nlp: Any) -> None:
    # The small tagger types neither "Mikel Arteta" nor "Arteta" in the body here; the
    # headline names him alone, so the body's full name is his.
    ae = article_entities(
        nlp(
            "Arteta Hails Saka After Derby Win\n"
            "Mikel Arteta praised Saka after the 3-1 win over Chelsea."
        )
    )
    full = next(m for m in ae.mentions if m.text == "Mikel Arteta")
    assert full.kind == "name" and full.label == "PERSON"
    assert ae.clusters[full.cluster].name == "Mikel Arteta"


def test_entities_news_untyped_names_are_kept_as_untyped(nlp: Any) -> None:
    ae = article_entities(
        nlp("Mikel Arteta praised Saka.\nArsenal, known to fans as the Gunners, won again.")
    )
    arsenal = next(m for m in ae.mentions if m.text == "Arsenal")
    assert arsenal.method == UNTAGGED_METHOD and arsenal.label == "OTHER"
    # Weekdays, months and places are never names of their own.
    ae = article_entities(nlp("The Gunners play on Monday in London.\nThey lost in May."))
    untyped = {m.text for m in ae.mentions if m.method == UNTAGGED_METHOD}
    assert not untyped & {"Monday", "May", "London"}


def test_entities_news_untyped_name_joins_the_corpus_entity_of_its_name() -> None:
    a = _article(("Arsenal", "ORG", "ner"), ("Bukayo Saka", "PERSON", "ner"))
    b = _article(
        ("Arsenal", "OTHER", UNTAGGED_METHOD),
        ("Saka", "OTHER", UNTAGGED_METHOD),
        ("Cobham", "OTHER", UNTAGGED_METHOD),
    )
    ents, where = resolve_corpus([("a", "2026-05-01", a), ("b", "2026-05-02", b)])
    assert where[("b", 0)] == where[("a", 0)]
    assert where[("b", 1)] == where[("a", 1)]
    # A name no article types is no entity: the dossier gets no "OTHER" guesses from it.
    assert ("b", 2) not in where
    assert {e.name for e in ents} == {"Arsenal", "Bukayo Saka"}
    assert {e.type for e in ents if e.name == "Arsenal"} == {"ORG"}
