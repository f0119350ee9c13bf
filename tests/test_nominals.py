"""Nominal mentions ("the company", "the 45-year-old") on short hand-written texts."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.analyse.entities.nominals import head_family
from storyline.analyse.entities.resolve import ArticleEntities, article_entities
from storyline.link.corpus import _named_only
from storyline.link.entities import resolve_corpus


@pytest.fixture(scope="module")
def nlp() -> Any:
    from storyline.analyse.lang.nlp import load_nlp

    return load_nlp()


def _cluster_of(ae: ArticleEntities, text: str) -> int:
    return next(m.cluster for m in ae.mentions if m.text == text)


def _kind_of(ae: ArticleEntities, text: str) -> str:
    return next(m.kind for m in ae.mentions if m.text == text)


def test_nominals_apposition_and_later_description_link_to_the_name(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "KLM, the Dutch airline, said on Monday it would cut 500 jobs. "
            "The carrier blamed higher fuel costs."
        )
    )
    klm = _cluster_of(ae, "KLM")
    assert _cluster_of(ae, "the Dutch airline") == klm
    assert _cluster_of(ae, "The carrier") == klm  # a sibling of "airline", taught by the first
    assert _kind_of(ae, "The carrier") == "nominal"
    assert ae.clusters[klm].name == "KLM"


def test_nominals_regulator_and_bank_each_find_their_own_kind(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "The Financial Conduct Authority fined Barclays Bank £20m on Tuesday. "
            "The regulator said the bank had misled customers. The lender said it would appeal."
        )
    )
    fca = _cluster_of(ae, "Financial Conduct Authority")
    bank = _cluster_of(ae, "Barclays Bank")
    assert _cluster_of(ae, "The regulator") == fca
    assert _cluster_of(ae, "the bank") == bank
    assert _cluster_of(ae, "The lender") == bank


def test_nominals_age_picks_the_person_of_that_age(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "John Smith, 45, and Peter Brown, 52, were arrested on Friday. "
            "The 45-year-old denied the charges."
        )
    )
    assert _cluster_of(ae, "The 45-year-old") == _cluster_of(ae, "John Smith")


def test_nominals_without_a_fitting_antecedent_stay_unlinked_and_out_of_the_corpus(
    nlp: Any,
) -> None:
    # No union and no regulator is named: each stays a mention of its own ("unresolved"), not
    # Ryanair's, and the corpus makes no entity of either.
    ae = article_entities(
        nlp(
            "Ryanair cancelled 400 flights on Monday. The union said the regulator must act. "
            "The union wants talks."
        )
    )
    by_text = {m.text: m for m in ae.mentions}
    ryanair = by_text["Ryanair"].cluster
    for text in ("The union", "the regulator"):
        assert by_text[text].kind == "nominal" and by_text[text].method == "unresolved"
        assert by_text[text].cluster != ryanair
    unions = [m.cluster for m in ae.mentions if m.text == "The union"]
    assert len(unions) == 2 and len(set(unions)) == 1  # one union, said twice
    entities, cluster_map = resolve_corpus([("a", "2024-01-01", _named_only(ae))])
    assert [e.name for e in entities] == ["Ryanair"]
    assert set(cluster_map.values()) == {entities[0].id}


def test_nominals_name_inside_a_description_stays_a_name(nlp: Any) -> None:
    ae = article_entities(nlp("Senator James Risch, a Trump ally, spoke first. Trump said no."))
    assert _kind_of(ae, "Trump") == "name"
    assert not any(m.text == "a Trump ally" for m in ae.mentions)


def test_nominals_head_family_reads_the_one_word_list() -> None:
    assert "business" in head_family("airline")
    assert "public" in head_family("regulator")
    assert head_family("weather") == frozenset()


def test_nominals_apposition_uncovers_a_name_the_tagger_missed(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Ofgem, the energy regulator, has raised the price cap by 10%. The watchdog said "
            "wholesale gas prices had pushed up costs. Ofgem also fined Octopus."
        )
    )
    ofgem = [m for m in ae.mentions if m.text == "Ofgem"]
    assert len(ofgem) == 2 and {m.kind for m in ofgem} == {"name"}
    assert len({m.cluster for m in ofgem}) == 1
    assert _cluster_of(ae, "the energy regulator") == ofgem[0].cluster
    assert _cluster_of(ae, "The watchdog") == ofgem[0].cluster
    assert ae.clusters[ofgem[0].cluster].type == "ORG"


def test_nominals_possessive_apposition_is_the_named_person(nlp: Any) -> None:
    ae = article_entities(
        nlp("HSBC posted record profits. Noel Quinn, its outgoing chief executive, was pleased.")
    )
    assert _cluster_of(ae, "its outgoing chief executive") == _cluster_of(ae, "Noel Quinn")
