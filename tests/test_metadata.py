from __future__ import annotations

import pytest

from storyline.ingest.dates import normalise_date, parse_written_date
from storyline.ingest.metadata import detect_metadata
from storyline.model import MetaValue


def _meta(text: str, given: dict[str, MetaValue] | None = None) -> dict[str, str]:
    found = detect_metadata(text, given or {})
    return {k: f"{v.value}|{v.source}" for k, v in found.meta.items()}


def test_metadata_dateline_with_weekday_time_and_zone() -> None:
    text = (
        "Headline here\n\nJane Smith\nThursday 24 October 2024 22:00 BST\n\nBody text follows here."
    )
    meta = _meta(text)
    assert meta["published"] == "2024-10-24|dateline"
    assert meta["byline"] == "Jane Smith|byline-line"


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("October 24, 2024", "2024-10-24"),
        ("Published: 3 March 2025", "2025-03-03"),
        ("Updated Mon 3 Mar 2025 10.15 GMT", "2025-03-03"),
        ("2024-11-06", "2024-11-06"),
    ],
)
def test_metadata_dateline_forms(line: str, iso: str) -> None:
    assert _meta(f"Title\n\n{line}\n\nBody of the article.")["published"] == f"{iso}|dateline"


def test_metadata_sentence_with_a_date_is_not_a_dateline() -> None:
    text = "Title\n\nThe talks began on 24 October 2024 in London and ended a week later.\n\nMore."
    assert "published" not in _meta(text)


def test_metadata_header_wins_over_dateline() -> None:
    given = {"published": MetaValue("2024-07-02", "header", "ingest.txt-header", 1.0, 0, 17)}
    text = " date 2024-07-02 Caption - PA\n\nMonday 1 July 2024\n\nBody."
    assert _meta(text, given)["published"] == "2024-07-02|header"


def test_metadata_by_line() -> None:
    assert _meta("Title\n\nBy Ana María López and Tom Hale, Political Correspondents\n\nBody.")[
        "byline"
    ] == ("Ana María López and Tom Hale|byline-line")


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("London24NEWS\n\nHeadline\n\nBody text.", "London24NEWS|brand-line"),
        ("The Courier\n\nHeadline\n\nBody text.", "The Courier|brand-line"),
        (
            "Staff met daily, The Telegraph understands.\n\nMore text.",
            "The Telegraph|self-reference",
        ),
        (
            "Stay up to date with notifications from The Independent\n\nBody.",
            "The Independent|self-reference",
        ),
    ],
)
def test_metadata_outlet(text: str, outlet: str) -> None:
    assert _meta(text)["outlet"] == outlet


def test_metadata_weak_reference_alone_is_not_an_outlet() -> None:
    # "told the BBC" is as likely to be another outlet's interview as a self-reference
    assert "outlet" not in _meta("The minister told The Guardian he would resign.\n\nMore.")


def test_metadata_url_domain_is_the_last_resort() -> None:
    given = {"url": MetaValue("https://www.example-news.co.uk/a/1", "jsonl", "x", 1.0)}
    assert _meta("Body text only.", given)["outlet"] == "example-news.co.uk|url"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-10-24T22:00:00+01:00", "2024-10-24"),
        ("2024-10-24", "2024-10-24"),
        ("20241024", "2024-10-24"),
        ("24 October 2024", "2024-10-24"),
        (1729800000, "2024-10-24"),
        ("not a date", None),
        ("2024-13-45", None),
    ],
)
def test_metadata_normalise_date(value: object, iso: str | None) -> None:
    assert normalise_date(value) == iso


def test_metadata_written_date_in_text() -> None:
    assert parse_written_date("Posted on Sept. 3, 2024 at 9am") == "2024-09-03"


@pytest.mark.parametrize(
    "text",
    [
        "A" * 2_000_000,  # one 2 MB word: the brand-line check was quadratic (20,000 chars: 15 s)
        "London24NEWS" * 200_000,
        "Abc " * 500_000,
        "told The Abc Def " * 100_000,
        "By Abc Def, x\n" * 100_000,
    ],
)
def test_issue_9_metadata_is_linear_on_long_lines(text: str) -> None:
    import time

    t0 = time.perf_counter()
    detect_metadata(text, {})
    assert time.perf_counter() - t0 < 3.0
