"""parse_texts / parse_text: any text parses, in pieces when long, into one Doc over the whole text."""

from __future__ import annotations

import time
from typing import Any

import pytest

from storyline.analyse.lang import nlp as nlp_module
from storyline.analyse.lang.nlp import (
    MAX_SENTENCE_TOKENS,
    MAX_TOKENS_WITHOUT_END,
    PIECE_CHARS,
    load_nlp,
    parse_text,
    parse_texts,
)


def _check_offsets(doc: Any, text: str) -> None:
    assert doc.text == text
    for tok in doc:
        assert text[tok.idx : tok.idx + len(tok.text)] == tok.text
    for span in [*doc.sents, *doc.ents]:
        assert text[span.start_char : span.end_char] == span.text


def test_nlp_parse_text_short_text_is_the_plain_parse() -> None:
    text = "David Lammy met Donald Trump in New York. He said “the talks went well.”"
    doc, plain = parse_text(text), load_nlp()(text)
    assert [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in doc] == [
        (t.text, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in plain
    ]
    assert [s.start for s in doc.sents] == [s.start for s in plain.sents]


def test_nlp_parse_texts_one_doc_per_text_in_order() -> None:
    texts = ["", "a", "Keir Starmer spoke.", "   ", "\n\n"]
    docs = list(parse_texts(texts))
    assert [d.text for d in docs] == texts


def test_nlp_pieces_keep_offsets_sentences_and_entities(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp_module, "PIECE_CHARS", 300)
    monkeypatch.setattr(nlp_module, "WHOLE_CHARS", 300)
    paragraph = "David Lammy met Donald Trump in New York on Monday. He said “it went well.”\n\n"
    text = paragraph * 12 + "x" * 700 + " tail words " + "y " * 200
    (doc,) = parse_texts([text])
    _check_offsets(doc, text)
    assert sum(1 for e in doc.ents if e.text == "David Lammy") == 12
    starts = {s.start_char for s in doc.sents}
    assert all(i * len(paragraph) in starts for i in range(12))
    assert doc.has_annotation("DEP") and doc.has_annotation("TAG")


def test_nlp_pieces_are_bounded_and_cover_the_text() -> None:
    text = ("word " * 30_000 + "\n") * 3 + "z" * 250_000 + "End. " * 40_000
    pieces = nlp_module._pieces(text)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= PIECE_CHARS for p in pieces)


def test_issue_9_text_over_spacy_limit_parses() -> None:
    # Mostly whitespace, so the parse is cheap, but longer than spaCy's one-million limit.
    text = "Keir Starmer spoke. " + " " * 1_100_000 + "\n\nDonald Trump replied."
    assert len(text) > load_nlp().max_length
    doc = parse_text(text)
    _check_offsets(doc, text)
    assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["Keir Starmer", "Donald Trump"]


def test_issue_9_run_of_quotation_marks_tokenizes_in_linear_time() -> None:
    # Was 11 s for 10,000 marks and 45 s for 20,000 (spaCy's prefix loop); now milliseconds.
    tokenizer = load_nlp().tokenizer
    for mark in '“"(😀':
        started = time.perf_counter()
        doc = tokenizer(mark * 20_000)
        assert time.perf_counter() - started < 1.0
        assert doc.text == mark * 20_000


def test_issue_9_sentence_without_end_is_capped() -> None:
    text = "the quick brown fox jumps over the lazy dog " * 200
    doc = parse_text(text)
    _check_offsets(doc, text)
    assert max(len(s) for s in doc.sents) <= MAX_TOKENS_WITHOUT_END + 1


def test_issue_9_long_sentence_closes_at_its_last_full_stop() -> None:
    # Full stops every 101 tokens but no line break: what the parser does not close is closed
    # at a full stop once the sentence reaches MAX_SENTENCE_TOKENS, never mid-sentence.
    nlp = load_nlp()
    text = ("word " * 100 + ". ") * 40
    doc = nlp_module.paragraph_breaks(nlp.make_doc(text))
    starts = [t.i for t in doc if t.i > 0 and t.is_sent_start]
    assert starts and all(doc[i - 1].text == "." for i in starts)
    assert max(b - a for a, b in zip([0, *starts], [*starts, len(doc)], strict=False)) <= (
        MAX_SENTENCE_TOKENS
    )


def _annotation(doc: Any) -> list[tuple[str, str, str, str, str]]:
    return [(t.text, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_attributes_equal_the_stock_ruler_and_lemmatizer() -> None:
    from pathlib import Path

    root = Path(__file__).parent
    texts = [p.read_text("utf-8") for p in sorted((root / "fixtures" / "articles").glob("*.txt"))]
    texts += [p.read_text("utf-8") for p in sorted((root.parent / "examples").rglob("*.txt"))]
    # The ruler's multi-token rules ("gon na", "there 's", "y' all", "let 's") and tokens seen
    # twice with different morphology (the lemmatizer's cache is keyed by it).
    texts.append("We ai n't gon na stop. Y' all know there 's a plan, let 's go. Blocs vote.")
    fast, stock = load_nlp(), load_nlp(fast_attributes=False)
    assert "storyline_attributes" in fast.pipe_names
    assert "attribute_ruler" in stock.pipe_names and "lemmatizer" in stock.pipe_names
    assert len(texts) > 5
    for text in texts:
        assert _annotation(fast(text)) == _annotation(stock(text))


def test_attributes_shipped_memo_is_for_this_model() -> None:
    # A new model or spaCy silently voids the shipped memo (builds get slower, not wrong):
    # re-learn it with ``python -m eval.train_attributes_memo``.
    from storyline.analyse.lang.attributes import MEMO_FILE, Attributes

    fast = load_nlp()
    fresh = Attributes(fast.get_pipe("attribute_ruler"), fast.get_pipe("lemmatizer"), "x")
    assert not fresh.absorb_file(MEMO_FILE)  # another model's name: another signature
    attributes = fast.get_pipe("storyline_attributes")
    probe = Attributes(fast.get_pipe("attribute_ruler"), fast.get_pipe("lemmatizer"), "x")
    probe.signature = attributes.signature
    assert probe.absorb_file(MEMO_FILE)
    assert len(probe.export_memo()["rules"]) > 10_000


def test_attributes_memo_moves_between_processes_unchanged() -> None:
    from storyline.analyse.lang.attributes import ATTRIBUTES_PIPE

    text = "The ministers were told there 's a plan. She had been running; they ai n't gon na wait."
    nlp = load_nlp()
    attributes = nlp.get_pipe(ATTRIBUTES_PIPE)
    expected = _annotation(nlp(text))
    saved = attributes.export_memo()
    try:
        attributes.clear_memo()
        assert attributes.export_memo()["rules"] == []
        assert attributes.absorb_memo(saved)
        # Served from the memo alone: learning anything now would fail.
        learn = attributes._learn
        attributes._learn = None
        try:
            assert _annotation(nlp(text)) == expected
        finally:
            attributes._learn = learn
        assert not attributes.absorb_memo({**saved, "signature": "another model"})
    finally:
        attributes.absorb_memo(saved)


def test_attributes_refuse_a_rule_they_cannot_apply() -> None:
    from storyline.analyse.lang.attributes import _token_test

    with pytest.raises(ValueError, match="SHAPE"):
        _token_test({"SHAPE": "Xxxx"})
    with pytest.raises(ValueError, match="FUZZY"):
        _token_test({"LOWER": {"FUZZY": "said"}})
    tag, lower, test = _token_test({"TAG": "VBZ", "LOWER": {"IN": ["is", "'s"]}})
    assert (tag, lower) == ("VBZ", None)
    assert test(("VBZ", "is", "ROOT", False)) and not test(("VBZ", "was", "ROOT", False))
