from __future__ import annotations

from pathlib import Path

import pytest

from storyline.clean import clean_text, find_repeats, score_line
from storyline.ingest.metadata import detect_metadata
from storyline.ingest.readers import read_file
from storyline.model import RawDocument


def _read(path: Path) -> RawDocument:
    (doc,) = list(read_file(path))
    assert isinstance(doc, RawDocument)
    return doc


def _clean(path: Path) -> tuple[str, list[tuple[str, str]], str]:
    doc = _read(path)
    found = detect_metadata(doc.text, doc.meta)
    outlet = found.meta["outlet"].value if "outlet" in found.meta else None
    result = clean_text(doc.text, outlet=outlet, strip=found.strip)
    for r in result.removed:
        assert doc.text[r.start : r.end] == r.text, "removal offsets point into the decoded text"
    return result.text, [(r.text, r.reason) for r in result.removed], doc.text


def test_clean_removes_appeals_prompts_widgets_and_captions(fixtures: Path) -> None:
    text, removed, _ = _clean(fixtures / "articles" / "planet_budget.txt")
    gone = [
        "Sign up to our free Morning Briefing newsletter",
        "Share this article",
        "Support the Daily Planet",
        "Your contribution keeps our reporters on the ground",
        "Readers like you make our reporting possible",
        "Make a contribution today",
        "Rows of cars queue for fuel",
        "By Martha Okafor",
        "Tuesday 4 March 2025",
    ]
    for piece in gone:
        assert piece not in text, piece
        assert any(piece in r for r, _ in removed), piece


def test_clean_keeps_news_including_hard_negatives(fixtures: Path) -> None:
    text, _, _ = _clean(fixtures / "articles" / "planet_budget.txt")
    kept = [
        "Chancellor faces revolt over fuel duty plan",
        "The Chancellor is facing a rebellion",
        "At least 30 MPs have written to the Treasury",
        # second person inside a multi-paragraph quote is speech, not an appeal
        "“If you live in the countryside, you have no choice but to drive,” said one MP.",
        "“We will vote against it if we have to.”",
        # 'subscribers', 'register to vote' and 'Reuters' in reporting are news
        "The streaming giant lost 200,000 subscribers last quarter",
        "The council urged residents to register to vote before Friday, Reuters reported.",
        "Treasury officials said the plan was still under review.",
    ]
    for piece in kept:
        assert piece in text, piece


def test_clean_removal_reasons_name_the_kind(fixtures: Path) -> None:
    _, removed, _ = _clean(fixtures / "articles" / "planet_budget.txt")
    reasons = dict(removed)
    assert "newsletter" in reasons[next(r for r, _ in removed if r.startswith("Sign up"))]
    assert "share" in reasons["Share this article"]
    assert reasons["Make a contribution today"].startswith("donation")
    assert any("caption" in why for r, why in removed if r.startswith("Rows of cars"))


def test_clean_donation_block_takes_weak_neighbours() -> None:
    text = (
        "Ministers met on Monday to discuss the plan.\n\n"
        "Your support helps us tell the story\n\n"
        "The Clarion is on the ground when news breaks, and we believe facts matter.\n\n"
        "Your donation keeps us independent.\n\n"
        "The plan will be published next week."
    )
    result = clean_text(text, outlet="The Clarion")
    assert (
        result.text
        == "Ministers met on Monday to discuss the plan.\n\nThe plan will be published next week."
    )


def test_clean_self_named_news_line_is_kept() -> None:
    text = (
        "Photo of the minister - PA\n\n"
        "Labour is talking to the campaign every day, The Clarion understands.\n\n"
        "Officials in both the US and UK declined to comment."
    )
    result = clean_text(text, outlet="The Clarion")
    assert "The Clarion understands" in result.text
    assert "both the US and UK" in result.text
    assert "Photo of the minister" not in result.text


@pytest.mark.parametrize(
    "line",
    [
        "Donald Trump speaks at a rally in Ohio (PA)",
        "Donald Trump speaks at a rally in Ohio (PA) (PA Archive)",
        "The minister in Downing Street - HUM Images/Universal Images Group via Getty Images",
        "Keir Starmer via Associated Press",
        "Voters queue outside a polling station. Photograph: Jane Doe/AP",
        "Firefighters at the scene – Reuters",
    ],
)
def test_clean_caption_credits_are_captions(line: str) -> None:
    verdict = score_line(line)
    assert verdict is not None and verdict.score >= 1.0 and "caption" in verdict.reason


@pytest.mark.parametrize(
    "line",
    [
        "The talks were first reported by Reuters.",
        "He said he would subscribe to the view that the deal was fair.",
        "Investors who subscribe for shares will pay 20p each.",
        "Labour has backed British aid for Ukraine since the war began.",
        "“You cannot sign up to that,” she told the BBC.",
    ],
)
def test_clean_news_lines_score_below_removal(line: str) -> None:
    verdict = score_line(line)
    assert verdict is None or verdict.score < 1.0


def test_clean_repeated_caption_keeps_the_paragraph_copy() -> None:
    lines = [
        "Headline about the summit",
        "In talks at the summit overnight, Sir Keir tried to calm fears about the row.",
        "In talks at the summit overnight, Keir Starmer tried to calm fears about the row",
        "In talks at the summit overnight, Keir Starmer tried to calm fears about the row",
        "A caption about a minister arriving in Washington",
        "A caption about a minister arriving in Washington",
        "Closing paragraph of the story.",
    ]
    repeats = {r.index: r for r in find_repeats(lines)}
    assert set(repeats) == {2, 3, 4, 5}
    assert repeats[2].kept == 1
    assert repeats[4].kept is None  # printed back to back with no paragraph copy: both go


def test_clean_repeated_paragraph_keeps_first() -> None:
    lines = [
        "A full paragraph that appears twice in the page.",
        "Other text here.",
        "A full paragraph that appears twice in the page.",
    ]
    (rep,) = find_repeats(lines)
    assert rep.index == 2 and rep.kept == 0


def test_clean_furniture_removed_only_for_its_outlet() -> None:
    furniture = {"this article was amended on 5 march 2025 to correct a figure": 4}
    text = "The rail strike was called off.\n\nThis article was amended on 5 March 2025 to correct a figure."
    result = clean_text(text, outlet="Daily Planet", furniture=furniture)
    assert result.text == "The rail strike was called off."
    assert "furniture" in result.removed[0].reason
    assert clean_text(text, outlet="The Courier").text == text


def test_clean_offsets_map_clean_text_back_to_decoded() -> None:
    text = "Share this article\n\nFirst real paragraph.\n\nSign up to our newsletter for alerts\n\nSecond one."
    result = clean_text(text)
    assert result.text == "First real paragraph.\n\nSecond one."
    for clean_start, raw_start, length in result.offsets:
        assert (
            result.text[clean_start : clean_start + length] == text[raw_start : raw_start + length]
        )


@pytest.mark.parametrize(
    "line",
    [
        "More Must-Reads From TIME",
        "You may also like",
        "See more photos:",
        "(END)",
        "Loading weather data ...",
        "reporter@example.co.kr",
        "Sign in to comment",
        "Already a subscriber? Log in",
        "Follow us on Twitter",
        "Facebook Twitter WhatsApp Email",
    ],
)
def test_clean_furniture_lines_of_unseen_outlets(line: str) -> None:
    verdict = score_line(line)
    assert verdict is not None and verdict.score >= 1.0, line


def test_issue_9_many_paragraphs_with_the_same_opening_in_linear_time() -> None:
    # 3,000 paragraphs opening alike made 4.5 million near-copy comparisons.
    import time

    text = "\n\n".join(
        f"The Prime Minister said on Tuesday that plan number {i} of {i * 7} was fine."
        for i in range(6000)
    )
    started = time.perf_counter()
    cleaned = clean_text(text)
    assert time.perf_counter() - started < 6.0
    for r in cleaned.removed:
        assert text[r.start : r.end] == r.text


@pytest.mark.parametrize(
    "text",
    [
        "x" * 2_000_000,  # a 2 MB line with no space
        ("word " * 200_000).strip(),  # one 1 MB line
        "\x00\x01\x1b" * 100_000,
        "“" * 100_000,
        ".,;:!?" * 50_000,
    ],
)
def test_issue_9_hostile_text_cleans_in_linear_time(text: str) -> None:
    import time

    started = time.perf_counter()
    cleaned = clean_text(text)
    assert time.perf_counter() - started < 5.0
    for r in cleaned.removed:
        assert text[r.start : r.end] == r.text


def test_clean_key_is_the_hash_of_code_settings_and_furniture() -> None:
    """The clean key made from parts computed once a build is the key made whole."""
    import hashlib
    import json

    from storyline.settings import DEFAULT
    from storyline.stages.base import code_key, settings_key
    from storyline.stages.clean import CODE, SETTINGS, clean_key

    for furniture in ({}, {"b line": 1, "a line": 2}, {'quoted "line"': 3}):
        whole = [code_key(*CODE), settings_key(DEFAULT, SETTINGS), sorted(furniture)]
        assert clean_key(DEFAULT, furniture) == hashlib.sha1(json.dumps(whole).encode()).hexdigest()
    assert clean_key(DEFAULT, {"a": 1}) != clean_key(DEFAULT, {})
