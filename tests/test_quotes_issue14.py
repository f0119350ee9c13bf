"""Quotes on unseen news (issue 14): names and titles in quote marks are nobody's words, speech
verbs outside the hand lexicon still attribute, and speakers in relative clauses, appositions
and pull quotes are found."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from quote_helpers import Extract, one_quote
from storyline.analyse.lang.cues import CUE_LEMMAS, HAND_CUE_LEMMAS
from storyline.analyse.lang.nlp import load_nlp
from storyline.analyse.quotes.attribute import CONF_PARTIAL, Quote, extract_quotes

FRESH = Path(__file__).resolve().parent.parent / "eval" / "data" / "quotes_fresh"


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp: Language = load_nlp()
    return nlp


def _nobodys(q: Quote) -> bool:
    return q.speaker is None and q.confidence < CONF_PARTIAL


def test_quotes_title_in_a_running_sentence_is_not_a_direct_quote(quotes: Extract) -> None:
    text = (
        "The novelist Mara Okafor will read from her new book, “The Salt Orchard,” at the "
        "library on Thursday.\n\n"
        "Protesters held placards reading “Hands Off Our Services” and “Cut Salaries, Not "
        "Libraries”.\n"
    )
    found = quotes(text)
    for frag in ("Salt Orchard", "Hands Off", "Cut Salaries"):
        assert _nobodys(one_quote(found, frag)), frag


def test_quotes_title_before_its_own_cue_stays_a_quote(quotes: Extract) -> None:
    q = one_quote(quotes("Ms Okafor smiled.\n\n“Go Home Now,” she told the crowd.\n"), "Go Home")
    assert q.kind == "direct" and q.speaker == "Okafor"


def test_quotes_named_things_in_reported_speech_are_nobodys(quotes: Extract) -> None:
    text = (
        "Supermarkets are shrinking packs, a practice known as “shrinkflation,” according to "
        "the consumer group Which?.\n\n"
        "The cuts follow what analysts have dubbed the “year of efficiency” across the "
        "industry.\n\n"
        "Dr Alan Moss said the trust was opening a new “discharge lounge” to free up beds.\n\n"
        "The company, which calls its customers “Pennies,” has 1.2 million users.\n"
    )
    found = quotes(text)
    for frag in ("shrinkflation", "year of efficiency", "discharge lounge", "Pennies"):
        assert _nobodys(one_quote(found, frag)), frag


def test_quotes_naming_verb_with_an_agent_or_a_plain_phrase_is_speech(quotes: Extract) -> None:
    text = (
        "The book has been called “a quiet masterpiece” by one reviewer.\n\n"
        "Opposition leader Tom Birch called the budget “a tax on hard-working families” on "
        "Tuesday.\n"
    )
    found = quotes(text)
    masterpiece = one_quote(found, "quiet masterpiece")
    assert masterpiece.speaker_span is not None and "reviewer" in masterpiece.speaker_span.text
    assert one_quote(found, "hard-working").speaker == "Tom Birch"


def test_quotes_speech_verbs_outside_the_lexicon_attribute(quotes: Extract) -> None:
    assert {"sigh", "beam", "enthuse"}.isdisjoint(CUE_LEMMAS)
    text = (
        "Farmers say a wet spring has left fields unplanted.\n\n"
        "“You cannot put a tractor on that,” sighed Bill Harding, pointing at a field of "
        "standing water.\n\n"
        "“I just tried to enjoy it,” the 17-year-old beamed afterwards.\n\n"
        "“We have never seen anything like it,” enthused general manager Tom Akers.\n"
    )
    found = quotes(text)
    assert one_quote(found, "tractor").speaker == "Bill Harding"
    beamed = one_quote(found, "enjoy it")
    assert beamed.speaker_span is not None and "17-year-old" in beamed.speaker_span.text
    assert one_quote(found, "anything like it").speaker == "Tom Akers"


def test_quotes_relative_pronoun_through_and_names_the_antecedent(quotes: Extract) -> None:
    text = (
        "The warning came from Karen Holt, who has run the shelter for a decade and who said "
        "the building had become “unsafe and unaffordable.”\n"
    )
    q = one_quote(quotes(text), "unaffordable")
    assert q.speaker_span is not None and q.speaker_span.text == "Karen Holt"


def test_quotes_name_set_off_after_a_description_is_the_speaker(quotes: Extract) -> None:
    text = (
        "The National Farmers’ Union warned that prices could rise.\n\n"
        "Its vice-president, Rachel Carr, said the season was shaping up to be “one of the "
        "worst in living memory.”\n"
    )
    assert one_quote(quotes(text), "living memory").speaker == "Rachel Carr"


def test_quotes_pull_quote_takes_the_speaker_of_the_body_quote(quotes: Extract) -> None:
    text = (
        "‘We were never told the river could rise that fast’\n\n"
        "Residents of Millbrook say warnings came too late.\n\n"
        "“We were never told the river could rise that fast,” said Carla Mendes, 52.\n"
    )
    found = [q for q in quotes(text) if "never told" in q.text]
    assert [q.speaker for q in found] == ["Carla Mendes", "Carla Mendes"]


def test_quotes_harvested_cues_add_verbs_but_no_belief_or_light_verbs() -> None:
    assert {"bemoan", "chide", "deride"} <= CUE_LEMMAS - HAND_CUE_LEMMAS
    assert {"think", "believe", "want", "issue", "point", "accord"}.isdisjoint(
        CUE_LEMMAS - HAND_CUE_LEMMAS
    )


def test_quotes_no_speaker_span_is_only_punctuation(nlp: Language) -> None:
    texts = sorted(FRESH.glob("*.txt"))
    assert len(texts) >= 40
    for path in texts:
        for q in extract_quotes(nlp(path.read_text(encoding="utf-8"))):
            if q.speaker_span is not None:
                assert any(c.isalnum() for c in q.speaker_span.text), (path.name, q)


def test_quotes_age_description_is_the_person_just_named(quotes: Extract) -> None:
    text = (
        "Everton’s Jordan Pike, whose late header earned a point, was delighted. “Nobody gave "
        "us a chance,” the 23-year-old said.\n"
    )
    q = one_quote(quotes(text), "Nobody gave")
    assert q.speaker_span is not None and q.speaker_span.text == "the 23-year-old"
    assert q.speaker == "Jordan Pike"


def test_quotes_lone_capitalised_word_echoes_no_quote(quotes: Extract) -> None:
    text = (
        "The new “Carmen” opened on Friday.\n\n"
        "“Carmen is not a victim. She chooses everything,” Iris Aldo said afterwards.\n"
    )
    found = quotes(text)
    assert _nobodys(one_quote([q for q in found if q.text == "Carmen"], "Carmen"))
    assert one_quote(found, "not a victim").speaker == "Iris Aldo"


def test_quotes_inverted_order_names_the_speaker_whatever_the_verb(quotes: Extract) -> None:
    text = (
        "Rovers won 2-1.\n\n"
        "“Lucky? Rubbish,” scoffed Dean Walsh, the Rovers manager.\n\n"
        "“It is over,” admitted the minister, Clara Holt, 58.\n"
    )
    found = quotes(text)
    assert one_quote(found, "Rubbish").speaker == "Dean Walsh"
    assert one_quote(found, "It is over").speaker == "Clara Holt"


def test_quotes_subject_the_parser_hung_elsewhere_is_the_noun_before_the_cue(
    quotes: Extract,
) -> None:
    text = (
        "Speaking to reporters in Leeds, the prime minister, Keir Starmer, said: “We will fix "
        "this.”\n"
    )
    assert one_quote(quotes(text), "fix this").speaker == "Keir Starmer"


def test_quotes_fresh_gold_is_built_from_its_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The committed gold and texts are what --build-fresh makes of the hand-written source,
    and every annotation line matches a quoted span (the builder raises otherwise)."""
    import importlib

    monkeypatch.syspath_prepend(str(FRESH.parent.parent.parent))
    module = importlib.import_module("eval.quotes_news")
    for name in ("quotes_fresh", "quotes_fresh2", "quotes_fresh3", "quotes_fresh4"):
        data = FRESH.parent
        out = tmp_path / f"{name}.jsonl"
        module._build_set(data / f"{name}_src.txt", tmp_path / name, out)
        assert out.read_text("utf-8") == (data / f"{name}_gold.jsonl").read_text("utf-8")
        for text in (tmp_path / name).glob("*.txt"):
            assert text.read_text("utf-8") == (data / name / text.name).read_text("utf-8")


def test_quotes_description_borrows_no_person_the_article_titled_otherwise(
    quotes: Extract,
) -> None:
    text = (
        "Mayor Lisa Grant spoke on Sunday.\n\n"
        "The governor, whose approval rating has slumped, insisted: “We are on the right "
        "track.”\n\n"
        "“We will rebuild,” the mayor told CNN’s Jake Tapper.\n"
    )
    found = quotes(text)
    assert one_quote(found, "right track").speaker is None
    rebuild = one_quote(found, "rebuild")
    assert rebuild.speaker == "Lisa Grant"
    assert rebuild.speaker_span is not None and rebuild.speaker_span.text == "the mayor"
