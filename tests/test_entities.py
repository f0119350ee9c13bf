"""Entity layer on short hand-written texts (never the shared data or examples)."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.analyse.entities.resolve import ArticleEntities, article_entities
from storyline.link.entities import resolve_corpus


@pytest.fixture(scope="module")
def nlp() -> Any:
    from storyline.analyse.lang.nlp import load_nlp

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


def _names(ae: ArticleEntities, cluster: int) -> set[str]:
    return {m.text for m in ae.mentions if m.cluster == cluster and m.kind == "name"}


def test_entities_bare_surname_goes_to_first_introduced_relative(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Donald Trump held a rally in Ohio. His daughter Ivanka Trump spoke first, and "
            "Ivanka Trump later toured a factory. Trump told the crowd he would win."
        )
    )
    assert _cluster_of(ae, "Trump") == _cluster_of(ae, "Donald Trump")
    assert _cluster_of(ae, "Ivanka Trump") != _cluster_of(ae, "Donald Trump")


def test_entities_stated_gender_blocks_surname_merge(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Michelle Obama spoke in Philadelphia. Mr. Obama said on Friday that turnout "
            "mattered. Obama repeated the point later."
        )
    )
    assert _cluster_of(ae, "Mr. Obama") != _cluster_of(ae, "Michelle Obama")
    assert _cluster_of(ae, "Obama") == _cluster_of(ae, "Mr. Obama")


def test_entities_first_name_user_is_not_the_bare_surname(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Elian Gonzalez stayed in Miami. Juan Miguel Gonzalez flew to Washington. Elian "
            "played in the yard. Gonzalez told reporters he wanted his son back."
        )
    )
    assert _cluster_of(ae, "Gonzalez") == _cluster_of(ae, "Juan Miguel Gonzalez")


def test_entities_headline_verbs_trimmed_from_names(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Black Lawmakers Rip Donald Trump As A Fraud\n\n"
            "Donald Trump was criticised on Friday. Trump did not respond."
        )
    )
    head = next(m for m in ae.mentions if m.start < 50 and m.kind == "name" and "Trump" in m.text)
    assert head.text == "Donald Trump"
    assert head.cluster == _cluster_of(ae, "Trump")


def test_entities_missed_surname_repeats_propagate(nlp: Any) -> None:
    text = (
        "Interior Secretary Ken Salazar visited the Gulf coast on Monday. Salazar said the "
        "spill was a disaster, and Salazar promised a review."
    )
    ae = article_entities(nlp(text))
    cid = _cluster_of(ae, "Ken Salazar")
    salazars = [m for m in ae.mentions if m.text == "Salazar"]
    assert len(salazars) == 2
    assert all(m.cluster == cid for m in salazars)


def test_entities_nickname_first_name_merges(nlp: Any) -> None:
    ae = article_entities(
        nlp("Jacqui Fleming was treated in Glasgow. Jacqueline Fleming later went home.")
    )
    assert _cluster_of(ae, "Jacqui Fleming") == _cluster_of(ae, "Jacqueline Fleming")


def test_entities_roles_of_state_no10_and_running_mate(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Donald Trump won the election. Pictured with former secretary of state Mike "
            "Pompeo. Labour MP Mike Tapp and former No10 spin chief Alastair Campbell were "
            "there. David Lammy congratulated the president-elect and his running mate, JD Vance."
        )
    )
    titles = {(ae.clusters[r.cluster].name, r.title) for r in ae.roles}
    assert ("Mike Pompeo", "former secretary of state") in titles
    assert ("Alastair Campbell", "former No10 spin chief") in titles
    assert ("JD Vance", "running mate") in titles
    assert ("Donald Trump", "president-elect") in titles
    assert _cluster_of(ae, "his") == _cluster_of(ae, "Donald Trump")


def test_entities_capital_tagged_person_is_a_place(nlp: Any) -> None:
    ae = article_entities(nlp("Trump said US support for Kyiv had been too high."))
    kyiv = [c for c in ae.clusters if c.name == "Kyiv"]
    assert all(c.type != "PERSON" for c in kyiv)


def test_entities_paragraph_break_ends_a_sentence(nlp: Any) -> None:
    doc = nlp("“We will work with whoever wins.”\n\nDavid Lammy also congratulated Trump.")
    starts = [s.start_char for s in doc.sents]
    assert doc.text.index("David") in starts


def test_entities_caption_people_join_the_corpus() -> None:
    from storyline.clean.boilerplate import caption_texts

    texts = caption_texts(
        [
            ("Labour MP Mike Tapp at the DNC in August - PA", "photo caption/credit"),
            ("Labour MP Mike Tapp at the DNC in August - PA", "photo caption/credit"),
            ("Keir Starmer via Associated Press", "photo caption (printed 2 times)"),
            ("Elon Musk has said we should be the media now.", "donation/subscription appeal"),
        ]
    )
    assert texts == ["Labour MP Mike Tapp at the DNC in August", "Keir Starmer"]


def test_entities_org_tagged_surname_joins_the_corpus_person(nlp: Any) -> None:
    a = article_entities(nlp("Donald Trump spoke in Ohio on Monday."))
    b = article_entities(
        nlp("Trump's team filed a complaint with the Federal Election Commission.")
    )
    b_trump = [c for c in b.clusters if c.name == "Trump"]
    found, where = resolve_corpus([("a", "2024-10-24", a), ("b", "2024-10-24", b)])
    people = [e for e in found if e.name == "Donald Trump"]
    assert len(people) == 1
    assert [c.type for c in b_trump] == ["ORG"]  # the tagger's reading of the lone surname
    assert where[("b", b_trump[0].id)] == people[0].id
    assert not any(e.name == "Trump" for e in found)


def test_entities_pronoun_in_adjective_clause_keeps_main_subject(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Police shot Terence Crutcher in Tulsa. Donald Trump has also commented on his death. "
            "On Wednesday, he told a crowd in Cleveland that he was “troubled” by the situation."
        )
    )
    trump = _cluster_of(ae, "Donald Trump")
    assert [m.cluster for m in ae.mentions if m.text == "he"] == [trump, trump]


def test_entities_quote_speaker_excluded_across_quote_sentences(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            'Donald Trump met Ted Cruz on Friday. Trump said: "I am honored by the endorsement. '
            'We have fought the battle and he was a tough opponent."'
        )
    )
    assert _cluster_of(ae, "he") == _cluster_of(ae, "Ted Cruz")


def test_entities_quote_addressee_excluded(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Donald Trump criticised Anderson Cooper on Monday. Trump told Bill O'Reilly that "
            '"I think he treats me very unfairly."'
        )
    )
    assert _cluster_of(ae, "he") == _cluster_of(ae, "Anderson Cooper")


def test_entities_quote_subject_that_is_not_the_speaker_stays(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            'Donald Trump will use the debate to make news, Aaron Kall said: "I feel like he '
            'has a surprise."'
        )
    )
    assert _cluster_of(ae, "he") == _cluster_of(ae, "Donald Trump")


def test_entities_quote_speaker_pronoun_after_the_quote(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Jo-Renee Formicola, a professor, described Trump's approach. \"If he is asked "
            'questions, he would deflect them," she said.'
        )
    )
    assert {m.cluster for m in ae.mentions if m.text == "he"} == {_cluster_of(ae, "Trump")}
    assert _cluster_of(ae, "she") == _cluster_of(ae, "Jo-Renee Formicola")


def test_entities_his_own_takes_its_clause_subject(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Chris Christie, who has campaigned heavily for Donald Trump since he suspended his "
            "own campaign, blasted Hillary Clinton on Wednesday."
        )
    )
    assert _cluster_of(ae, "his") == _cluster_of(ae, "Chris Christie")


def test_entities_reported_speech_subject_is_the_speaker(nlp: Any) -> None:
    ae = article_entities(nlp("Ted Cruz endorses Donald Trump, who says he is honored."))
    assert _cluster_of(ae, "he") == _cluster_of(ae, "Donald Trump")


def test_entities_organisation_it_in_its_own_report(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Paribas said on Monday that it intends to raise its stake in Navigation Mixte. "
            "Analysts said it is likely that the bid will succeed."
        )
    )
    its = [m for m in ae.mentions if m.text == "it"]
    assert len(its) == 1 and its[0].cluster == _cluster_of(ae, "Paribas")


def test_entities_words_after_a_lone_surname_are_not_the_name(nlp: Any) -> None:
    text = (
        "Mr. Obama spoke to the caucus on Saturday. Obama urged turnout.\n\n"
        "[Video: FULL SPEECH: President Obama Speech at Black Caucus Foundation]"
    )
    ae = article_entities(nlp(text))
    obama = _cluster_of(ae, "Mr. Obama")
    late = [m for m in ae.mentions if m.start > text.index("FULL") and "Obama" in m.text]
    assert late and all(m.cluster == obama and "Speech" not in m.text for m in late)


def test_entities_given_names_join_the_longer_name(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Juan Miguel Gonzalez arrived in Washington on Friday. Juan Miguel said he wanted "
            "to take his son home."
        )
    )
    assert _cluster_of(ae, "Juan Miguel") == _cluster_of(ae, "Juan Miguel Gonzalez")


def test_entities_shorter_organisation_name_joins_the_longer(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Cie. de Navigation Mixte said its board met on Monday. Navigation Mixte shares "
            "rose, and Navigation Mixte said the bid was hostile."
        )
    )
    longer = [m for m in ae.mentions if m.text.startswith("Cie.")]
    shorter = [m for m in ae.mentions if m.text == "Navigation Mixte"]
    assert longer and shorter
    assert {m.cluster for m in shorter} == {longer[0].cluster}


def test_entities_next_sentence_subject_prefers_main_subject(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Donald Trump is a disgusting fraud. He started this silliness years ago by saying "
            "Barack Obama is not an American citizen. He had no proof of it."
        )
    )
    trump = _cluster_of(ae, "Donald Trump")
    assert [m.cluster for m in ae.mentions if m.text == "He"] == [trump, trump]


def test_entities_locative_object_may_be_the_subject(nlp: Any) -> None:
    ae = article_entities(
        nlp("Terence Crutcher had his hands in the air. He did not have a weapon on him.")
    )
    assert _cluster_of(ae, "him") == _cluster_of(ae, "Terence Crutcher")


def test_entities_wire_quote_marks_exclude_the_speaker(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Juan Miguel Gonzalez met his son Elian on Monday. Gonzalez said: ''He cannot "
            "decide for himself.''"
        )
    )
    assert _cluster_of(ae, "He") == _cluster_of(ae, "Elian")
    ae = article_entities(
        nlp(
            "Donald Trump met Ted Cruz on Friday. Trump said: ``We have fought the battle and "
            "he was a tough opponent.''"
        )
    )
    assert _cluster_of(ae, "he") == _cluster_of(ae, "Ted Cruz")


def test_entities_headline_break_does_not_split_a_name(nlp: Any) -> None:
    doc = nlp("Lammy and Trump\n\nDavid Lammy has been in talks with the campaign for weeks.")
    assert ("David Lammy", "PERSON") in [(e.text, e.label_) for e in doc.ents]
    assert doc.text.index("David") in [s.start_char for s in doc.sents]


def test_issue_9_many_capitalised_names_cluster_in_linear_time(nlp: Any) -> None:
    # A given-name prefix of two longer names ("Alice Bob" of "Alice Bob Carol" and "Alice Bob
    # Carolson") used to raise StopIteration once one longer name had been rewritten; 50,000
    # names took minutes (every name compared with every earlier full name).
    import time

    from storyline.analyse.lang.nlp import parse_text

    first = ["Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy"]
    text = " ".join(
        f"{first[i % 10]} {first[i * 3 % 10]}{'son' if i % 2 else ''} {first[i * 7 % 10]}"
        for i in range(800)
    )
    doc = parse_text(text)
    started = time.perf_counter()
    ae = article_entities(doc)
    assert time.perf_counter() - started < 5.0
    assert all(text[m.start : m.end] == m.text for m in ae.mentions)


def test_issue_9_many_pronouns_in_linear_time(nlp: Any) -> None:
    import time

    from storyline.analyse.lang.nlp import parse_text

    words = ["He said.", "she", "they went", "him", "her", "it said."]
    doc = parse_text("Keir Starmer spoke. " + " ".join(words[i % 6] for i in range(2000)))
    started = time.perf_counter()
    article_entities(doc)
    assert time.perf_counter() - started < 5.0


def test_issue_9_corpus_linking_of_an_article_with_thousands_of_names() -> None:
    # Each cluster's mentions were found by scanning every mention of the article: 6,000
    # clusters of 18,000 mentions took about 30 s; now a lookup each.
    import time

    from storyline.analyse.entities.resolve import Cluster, Mention

    clusters, mentions = [], []
    for i in range(6000):
        name = f"Person{i} Surname{i % 500}" if i % 3 else f"Single{i % 700}"
        clusters.append(Cluster(i, name, "PERSON", (name,), False))
        for k in range(3):
            mentions.append(Mention(k, k + 1, name, "PERSON", i, "name", 0.9, "ner"))
    ae = ArticleEntities(tuple(clusters), tuple(mentions), ())
    started = time.perf_counter()
    ents, where = resolve_corpus([("a", "2024-01-01", ae)])
    assert time.perf_counter() - started < 5.0
    assert len(where) == 6000 and ents


def test_issue_9_repeated_sentence_pronouns_in_linear_time(nlp: Any) -> None:
    # Repeated sentences do not count as distance, so each pronoun walked back through every
    # copy of a sentence printed thousands of times.
    import time

    from storyline.analyse.lang.nlp import parse_text

    doc = parse_text("Keir Starmer spoke. " + "He said he was fine. " * 1500)
    started = time.perf_counter()
    ae = article_entities(doc)
    assert time.perf_counter() - started < 4.0
    assert any(m.kind == "pronoun" for m in ae.mentions)


def test_entities_legal_form_is_not_part_of_the_key() -> None:
    from storyline.analyse.entities.names import org_core, org_initials, org_key

    assert org_key("The Boeing Company") == org_key("Boeing Co.") == org_key("Boeing")
    assert org_key("Eli Lilly and Co") == "eli lilly"
    assert org_core("BT Group plc") == "bt"
    assert org_core("Deutsche Telekom AG") == "deutsche telekom"
    assert {"bt", "btp"} <= org_initials("British Telecommunications plc")
    assert org_initials("Boeing") == frozenset()


def test_entities_acronym_defined_after_its_first_use_joins_the_name(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "BT Plans More Job Cuts\nBT will cut a further 10,000 jobs, the group said. "
            "British Telecommunications plc (BT) said the cuts came on top of earlier ones."
        )
    )
    bts = {m.cluster for m in ae.mentions if m.text in ("BT", "British Telecommunications plc")}
    assert len(bts) == 1
    assert ae.clusters[bts.pop()].type == "ORG"


def test_entities_acronym_with_the_legal_form_joins_the_name(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Ofcom fined British Telecommunications plc on Thursday. The regulator said "
            "BTP had failed to route calls for eleven hours."
        )
    )
    assert _cluster_of(ae, "BTP") == _cluster_of(ae, "British Telecommunications plc")
    assert _cluster_of(ae, "Ofcom") != _cluster_of(ae, "BTP")


def test_entities_currency_codes_time_zones_and_model_names_are_not_entities(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Boeing said the 737 MAX line would reopen at 08:00 GMT. The shares closed at "
            "USD 171.20, and Airbus raised EUR 4bn from investors."
        )
    )
    texts = {m.text for m in ae.mentions}
    assert {"Boeing", "Airbus"} <= texts
    assert not any(w in t for t in texts for w in ("GMT", "USD", "EUR", "MAX"))


def test_entities_nationality_adjective_is_not_an_entity(nlp: Any) -> None:
    ae = article_entities(
        nlp("Libyan oil output fell after a neo-Nazi group blockaded the port, Eni said.")
    )
    assert {c.type for c in ae.clusters} <= {"ORG", "PERSON", "GPE", "OTHER"}
    assert not any(m.label == "NORP" for m in ae.mentions)


def test_entities_headline_fragment_is_dropped_name_kept(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Airbus Lifts Delivery Goal as Rival Struggles\nAirbus raised its delivery target "
            "on Thursday, citing strong demand for its jets."
        )
    )
    texts = [m.text for m in ae.mentions if m.kind == "name"]
    assert "Rival Struggles" not in texts
    assert texts.count("Airbus") == 2


def test_entities_company_word_beside_its_full_name_is_the_company(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Banco Santander SA agreed on Monday to buy TSB. Santander executive chair Ana "
            "Botin said the deal would close this year."
        )
    )
    assert _cluster_of(ae, "Santander") == _cluster_of(ae, "Banco Santander SA")
    assert ae.clusters[_cluster_of(ae, "Santander")].type == "ORG"
    assert _cluster_of(ae, "Ana Botin") != _cluster_of(ae, "Santander")


def test_entities_corpus_links_organisation_forms_across_articles(nlp: Any) -> None:
    a = article_entities(nlp("The Federal Aviation Administration widened its review of Boeing."))
    b = article_entities(nlp("Boeing Co will slow output while the FAA audit continues."))
    c = article_entities(nlp("TSB Bank plc has five million customers, The Boeing Company said."))
    d = article_entities(nlp("The bank TSB was sold on Monday, officials said."))
    _, where = resolve_corpus(
        [("a", "2026-01-12", a), ("b", "2026-01-13", b), ("c", "2026-01-14", c), ("d", None, d)]
    )

    def eid(ae: ArticleEntities, art: str, text: str) -> str:
        return where[(art, _cluster_of(ae, text))]

    assert eid(a, "a", "Federal Aviation Administration") == eid(b, "b", "FAA")
    assert eid(a, "a", "Boeing") == eid(b, "b", "Boeing Co") == eid(c, "c", "Boeing Company")
    assert eid(c, "c", "TSB Bank plc") == eid(d, "d", "TSB")
    assert eid(a, "a", "Boeing") != eid(a, "a", "Federal Aviation Administration")


def test_entities_corpus_keeps_two_people_of_one_surname_apart(nlp: Any) -> None:
    a = article_entities(nlp("Jerome Powell said the Fed was in no hurry. Powell spoke again."))
    b = article_entities(nlp("James Powell, an analyst at Jefferies, said Powell was wrong."))
    _, where = resolve_corpus([("a", "2026-02-04", a), ("b", "2026-02-05", b)])
    assert (
        where[("a", _cluster_of(a, "Jerome Powell"))]
        != where[("b", _cluster_of(b, "James Powell"))]
    )


def test_entities_full_name_behind_capitalised_office_words_is_recovered(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Chief Executive Guillaume Faury told reporters on Thursday. Faury said demand "
            "was strong."
        )
    )
    names = [m.text for m in ae.mentions if m.kind == "name" and m.label == "PERSON"]
    assert "Guillaume Faury" in names
    assert _cluster_of(ae, "Guillaume Faury") == _cluster_of(ae, "Faury")


def test_entities_name_before_the_acronym_it_defines_is_found(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "The Competition and Markets Authority (CMA) said on Tuesday it would review the "
            "deal. The CMA has 40 working days to decide."
        )
    )
    full = _cluster_of(ae, "Competition and Markets Authority")
    assert full == next(m.cluster for m in ae.mentions if m.text.endswith("CMA"))
    assert ae.clusters[full].type == "ORG"


def test_entities_place_tagged_company_before_a_company_noun_is_a_company(nlp: Any) -> None:
    ae = article_entities(
        nlp("Analysts at Jefferies cut their price target. London shares fell on Monday.")
    )
    types = {m.text: m.label for m in ae.mentions if m.kind == "name"}
    assert types.get("Jefferies") == "ORG"
    assert types.get("London", "GPE") == "GPE"


def test_entities_headline_nationality_and_product_models_are_not_entities(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Danish Jets Join Air Patrols Nato\nDenmark sent four F-16 jets to Lithuania on "
            "Monday to join Nato air patrols over the Baltic, the Danish defence ministry said."
        )
    )
    names = {c.name for c in ae.clusters}
    assert "Nato" in names
    assert not names & {"Danish", "Danish Jets Join", "F-16"}


def test_entities_name_conjoined_to_an_organisation_is_one(nlp: Any) -> None:
    ae = article_entities(
        nlp(
            "Harwell Logistics Group Ltd chairman Nigel Shaw said the company had hired Goldman "
            "Sachs and Barclays to run the listing."
        )
    )
    types = {m.text: m.label for m in ae.mentions if m.kind == "name"}
    assert types.get("Barclays") == "ORG"
    assert types.get("Nigel Shaw") == "PERSON"
