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


def test_entities_news_force_and_bare_police_are_the_named_force(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "A man was stabbed in Reading, Thames Valley Police said. Police have appealed for "
            "witnesses. The force said officers would stay in the area."
        )
    )
    force = _cluster_of(ae, "Thames Valley Police")
    assert _cluster_of(ae, "Police") == force
    assert _cluster_of(ae, "The force") == force
    # "police custody" is a modifier, not the force.
    ae = article_entities(nlp("Greater Manchester Police said a man died in police custody."))
    assert "police" not in {m.text for m in ae.mentions}


def test_entities_news_undescribed_body_takes_a_description_only_alone(nlp: Any) -> None:
    ae = article_entities(
        nlp("Chelsea lost again on Saturday. The club said the coach would stay.")
    )
    assert _cluster_of(ae, "The club") == _cluster_of(ae, "Chelsea")
    # Two undescribed bodies named just before: nothing tells which one "the club" is.
    ae = article_entities(
        nlp("Chelsea lost to Arsenal on Saturday. The club said the coach would stay.")
    )
    club = next(m for m in ae.mentions if m.text == "The club")
    assert club.cluster not in {_cluster_of(ae, "Chelsea"), _cluster_of(ae, "Arsenal")}


def test_entities_news_name_head_word_only_describes_it(nlp: Any) -> None:
    # "Police" in "Independent Office for Police Conduct" is not what the office is.
    ae = article_entities(
        nlp(
            "The Independent Office for Police Conduct said on Saturday that it would "
            "investigate. The force said it would co-operate."
        )
    )
    force = next(m for m in ae.mentions if m.text == "The force")
    assert force.cluster != _cluster_of(ae, "Independent Office for Police Conduct")


def test_entities_news_rank_and_institution_forms_are_one_name() -> None:
    from storyline.analyse.entities.names import name_words, org_core, org_key

    assert name_words("Constable Stephen Watson") == ["Stephen", "Watson"]
    assert name_words("Det Insp Mark Hollis") == ["Mark", "Hollis"]
    assert org_key("the University of Edinburgh") == org_key("Edinburgh University")
    assert org_core("Imperial College London") == org_core("Imperial College")
    assert org_key("Bank of England") == "bank of england"  # only universities and colleges


def test_entities_news_lone_word_typed_a_place_is_the_corpus_person_of_that_surname() -> None:
    a = _article(("Kemi Badenoch", "PERSON", "ner"), ("Edinburgh University", "ORG", "ner"))
    b = _article(("Badenoch", "GPE", "ner"), ("Edinburgh", "ORG", "ner"), ("Leeds", "GPE", "ner"))
    ents, where = resolve_corpus([("a", None, a), ("b", None, b)])
    assert where[("b", 0)] == where[("a", 0)]
    assert where[("b", 1)] == where[("a", 1)]  # the organisation "Edinburgh" is the university
    assert {e.type for e in ents if e.id == where[("b", 2)]} == {"GPE"}
    # The city is not its university.
    c = _article(("Edinburgh", "GPE", "ner"))
    ents, where = resolve_corpus([("a", None, a), ("c", None, c)])
    assert where[("c", 0)] != where[("a", 1)]


def test_entities_news_nationality_noun_describes_a_person(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Enzo Maresca was charged by the FA on Friday. The Italian has until Tuesday to "
            "respond."
        )
    )
    assert _cluster_of(ae, "The Italian") == _cluster_of(ae, "Enzo Maresca")
    # The nationality is the description's head, no entity of its own.
    assert "Italian" not in {m.text for m in ae.mentions}
