"""Property tests: every analysis layer and the cleaner on any text (issue 9).

No exception, and every span lies inside the text with ``text[start:end]`` equal to the span's
text. Texts are built from the pieces hostile input is made of: quotation marks of every kind,
line breaks, digits, capitalised names, cue verbs, pronouns, emoji, controls, RTL, combining and
zero-width characters.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.analyse.lang.nlp import parse_text
from storyline.analyse.layers import AnalysisContext, quote_records
from storyline.clean import clean_text

PIECES = [
    *"“”‘’\"'«»„‚",
    "\n",
    "\n\n",
    " ",
    " ",
    "\t",
    "1",
    "2024",
    "3,000",
    ".",
    ",",
    ":",
    "?",
    "!",
    "…",
    "—",
    "(",
    ")",
    "Keir Starmer",
    "Donald Trump",
    "Mr",
    "Mr.",
    "Sir Keir",
    "WALLACE:",
    "Q:",
    "the Prime Minister",
    "said",
    "told",
    "says",
    "according to",
    "insisted that",
    "he",
    "she",
    "they",
    "It",
    "the plan",
    "people",
    "😀",
    "👩‍👩‍👧",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u0301",
    "שלום",
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\ufeff",
]

TEXTS = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=80).map("".join),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=40).map("".join),
)
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _inside(text: str, start: int, end: int, span_text: str) -> None:
    assert 0 <= start <= end <= len(text)
    assert text[start:end] == span_text


def _check_layers(text: str) -> None:
    from storyline.analyse.entities.resolve import article_entities
    from storyline.analyse.layers import COMPONENTS

    doc = parse_text(text)
    assert doc.text == text
    ctx = AnalysisContext(None, captions=doc)
    wanted = {"sentences", "mentions", "quotes", "entities", "caption_entities"}
    layers: dict[str, Any] = {c.name: c.fn(doc, ctx) for c in COMPONENTS if c.name in wanted}
    for start, end in layers["sentences"]:
        assert 0 <= start <= end <= len(text)
    for m in layers["mentions"]:
        _inside(text, m["start"], m["end"], m["text"])
    for q in quote_records(doc):
        _inside(text, q["start"], q["end"], q["text"])
        for key in ("speaker_span", "cue"):
            if q[key] is not None:
                _inside(text, q[key]["start"], q[key]["end"], q[key]["text"])
    for name in ("entities", "caption_entities"):
        for m in layers[name]["mentions"]:
            _inside(text, m["start"], m["end"], m["text"])
        for r in layers[name]["roles"]:
            assert 0 <= r["start"] <= r["end"] <= len(text)
    ents = article_entities(doc)
    cluster_ids = {c.id for c in ents.clusters}
    assert all(m.cluster in cluster_ids for m in ents.mentions)


@pytest.mark.fuzz
@FAST
@given(TEXTS)
def test_layers_fuzz_any_text_spans_inside_the_text(text: str) -> None:
    _check_layers(text)


@pytest.mark.fuzz
@FAST
@given(TEXTS)
def test_clean_fuzz_any_text_removals_and_offsets_point_into_it(text: str) -> None:
    cleaned = clean_text(text)
    for r in cleaned.removed:
        _inside(text, r.start, r.end, r.text)
    for clean_start, raw_start, length in cleaned.offsets:
        assert (
            cleaned.text[clean_start : clean_start + length]
            == (text[raw_start : raw_start + length])
        )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "“",
        "”“”“",
        "\x00\x00\n\x01",
        "“He said” “” ‘’ '' \"\" «»",
        "WALLACE: “Will she?”\n\nTRUMP: No.\n\nWALLACE: Why?",
        "\u202e\u0301😀\u200b\u200d👩‍👩‍👧 שלום",
        ".,;:!?“”" * 50,
    ],
)
def test_layers_edge_texts_spans_inside_the_text(text: str) -> None:
    _check_layers(text)
