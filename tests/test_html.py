"""storyline.ingest.html on small hand-written news pages (tests/fixtures/html/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.ingest.html import HtmlExtraction, extract_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def _page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def news() -> HtmlExtraction:
    return extract_html(_page("news_article.html"))


@pytest.fixture(scope="module")
def standfirst() -> HtmlExtraction:
    return extract_html(
        _page("standfirst_article.html"), url="https://valleypost.example/transport/rail-strike-off"
    )


def test_html_keeps_every_article_paragraph(news: HtmlExtraction) -> None:
    for start in (
        "The Harbour District council voted 7-2 on Tuesday",
        "The barrier, a pair of steel gates",
        '"This is the most important decision',
        "The two councillors who voted against",
        "Half of the cost will come from a national resilience fund",
        "Fishing crews, who had opposed an earlier design",
        "Construction is due to start next spring",
    ):
        assert start in news.text


def test_html_keeps_subheadings(news: HtmlExtraction) -> None:
    assert "Funding still to be found" in news.text.split("\n\n")


def test_html_drops_page_furniture(news: HtmlExtraction) -> None:
    for junk in (
        "cookies",  # cookie banner
        "Politics",  # navigation
        "Subscribe from",  # paywall prompt in the header
        "Share on Facebook",  # share widget
        "Sign up for our newsletter",  # newsletter box inside the article body
        "Related stories",
        "Sea wall repairs delayed again",  # related-stories list
        "My basement has flooded",  # reader comment
        "harbourwatcher",
        "All rights reserved",  # footer
        "Privacy policy",
        "Tags:",
    ):
        assert junk not in news.text, junk


def test_html_text_has_no_title(news: HtmlExtraction) -> None:
    assert "Harbour council approves flood barrier" not in news.text


def test_html_paragraphs_are_blank_line_separated_single_lines(news: HtmlExtraction) -> None:
    paragraphs = news.text.split("\n\n")
    assert len(paragraphs) == 8
    assert all(p and "\n" not in p and p == p.strip() for p in paragraphs)


def test_html_metadata_fields(news: HtmlExtraction) -> None:
    assert news.title == "Harbour council approves flood barrier after decade of delays"
    assert news.byline == "Maria Okonkwo"
    assert news.outlet == "The Coastal Ledger"
    assert news.url == (
        "https://www.coastalledger.example/news/2024/03/12/harbour-flood-barrier-approved"
    )
    assert news.method.startswith("trafilatura.extract")


def test_html_published_is_original_not_modified_date(news: HtmlExtraction) -> None:
    # The page was modified on 2024-03-14; the story is from 2024-03-12.
    assert news.published == "2024-03-12"


def test_html_published_ignores_modified_only_markup(standfirst: HtmlExtraction) -> None:
    # Only a modification date in the markup; the visible dateline has the publication date.
    assert standfirst.published == "2024-06-01"


def test_html_url_falls_back_to_the_given_url(standfirst: HtmlExtraction) -> None:
    assert standfirst.url == "https://valleypost.example/transport/rail-strike-off"


def test_html_outlet_none_when_page_names_none(standfirst: HtmlExtraction) -> None:
    assert standfirst.outlet is None
    assert standfirst.byline is None


def test_html_line_break_starts_a_new_line(standfirst: HtmlExtraction) -> None:
    paragraphs = standfirst.text.split("\n\n")
    assert "Services will run to the normal timetable on Monday." in paragraphs
    assert any(p.endswith("over the next two weeks.") for p in paragraphs)


def test_html_table_rows_become_lines(standfirst: HtmlExtraction) -> None:
    assert "Northern coast | 4" in standfirst.text.split("\n\n")


def test_html_no_navigation_or_footer_in_second_page(standfirst: HtmlExtraction) -> None:
    assert "Jobs" not in standfirst.text
    assert "Valley Post Media" not in standfirst.text
    assert "Rail strike called off hours before start" not in standfirst.text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "<html></html>",
        "<html><head><title>Only a title</title></head><body></body></html>",
        "<div><p>unclosed <b>tags <i>everywhere",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
        "plain text, no markup at all",
        "<html><body><script>var a = 1;</script><style>p {}</style></body></html>",
        "\x00\ufeff<html><body>\udcff</body></html>",
    ],
)
def test_html_odd_input_never_raises(html: str) -> None:
    result = extract_html(html, url="https://example.org/a")
    assert isinstance(result.text, str)
    assert result.url is not None


def test_html_empty_page_gives_empty_text() -> None:
    result = extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert result.text == ""


def test_html_short_article_without_markup_hints_is_found() -> None:
    body = " ".join(
        f"Sentence number {i} of a short report about the water supply in the town."
        for i in range(12)
    )
    html = f"<html><body><div><p>{body}</p><p>{body}</p></div></body></html>"
    result = extract_html(html)
    assert "Sentence number 3 of a short report" in result.text


def test_html_no_dedup_cache_between_pages() -> None:
    # trafilatura's deduplicate option remembers text across calls: a second page carrying the
    # same wire copy must still come back whole.
    first = extract_html(_page("news_article.html"))
    second = extract_html(_page("news_article.html"))
    assert first.text == second.text


# --- issue 9: hostile markup stays linear -----------------------------------------------------

_SENTENCE = "The council voted on Tuesday to reopen the harbour bridge, the mayor said."


def _timed(html: str) -> tuple[HtmlExtraction, float]:
    import time

    t0 = time.perf_counter()
    ex = extract_html(html)
    return ex, time.perf_counter() - t0


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("100k unclosed p", "<p>word said " * 100_000),
        (
            "100k siblings",
            f"<article><p>{_SENTENCE}</p>" + "<span></span>" * 100_000 + "</article>",
        ),
        ("50k list items", "<ul>" + "<li>item said " * 50_000 + "</ul>"),
        ("4 MB of text", f"<article><p>{(_SENTENCE + ' ') * 50_000}</p></article>"),
    ],
)
def test_issue_9_html_huge_pages_are_read_by_the_linear_block_reader(name: str, body: str) -> None:
    # trafilatura took 42 s for 100,000 sibling paragraphs and 11 s for 5 MB of text.
    ex, took = _timed(f"<html><head><title>Big</title></head><body>{body}</body></html>")
    assert took < 5.0, name
    assert "html-large-page" in ex.notes and ex.title == "Big"
    assert ex.text.strip()


def test_html_large_page_reader_skips_scripts_and_furniture() -> None:
    filler = "<div><span>x</span></div>" * 12_000
    ex = extract_html(
        "<html><head><title>T</title><script>var a = 1;</script></head><body>"
        f"<nav><li>Home</li></nav><article><p>{_SENTENCE}</p><ul><li><p>Inner</p></li></ul>"
        f"<script>document.write('no')</script>{filler}</article><footer><p>©</p></footer>"
        "</body></html>"
    )
    assert "html-large-page" in ex.notes
    assert ex.text == f"{_SENTENCE}\n\nInner"


def test_html_ordinary_page_is_not_read_as_a_large_one(news: HtmlExtraction) -> None:
    assert news.notes == () and news.method.startswith("trafilatura")


def test_html_xhtml_page_with_an_xml_declaration_is_read() -> None:
    ex = extract_html(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>X</title></head><body><article><p>{_SENTENCE} {_SENTENCE}</p>"
        f"<p>{_SENTENCE}</p></article></body></html>"
    )
    assert ex.text.startswith(_SENTENCE) and ex.title == "X"


def test_issue_9_html_article_inside_100000_unclosed_inline_tags_keeps_its_paragraphs() -> None:
    from storyline.ingest.html import extract_html

    body = "".join(
        f"<p>Paragraph {n} says the council met on Tuesday to vote on the harbour plan.</p>"
        for n in range(3)
    )
    page = f"<html><body><article><h1>Vote</h1>{'<b>' * 100_000}{body}</article></body></html>"
    found = extract_html(page)
    assert "html-flattened" in found.notes
    assert [f"Paragraph {n}" in found.text for n in range(3)] == [True, True, True]
