"""report.html: sections, escaping, anchors, offline-ness and speed, on small dossiers made here."""

from __future__ import annotations

import dataclasses
import html
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest

from storyline.output.report import (
    SpanLinker,
    anchor_id,
    paragraph_spans,
    render_report,
    report_view,
    span_fragment,
    templates,
    write_report,
)

TEXT_A = (
    "Labour is talking to Donald Trump's team on a daily basis.\n\n"
    "Sir Keir Starmer said: “We will work with whoever wins.”\n\n"
    "Mr Lammy declined to comment."
)
TEXT_B = "Starmer has not spoken to Trump.\nHe said “No, he’s in the middle of a campaign.”"


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _article(aid: str, text: str, **extra: Any) -> dict[str, Any]:
    art: dict[str, Any] = {
        "id": aid,
        "source": f"corpus/{aid}.txt",
        "outlet": None,
        "title": None,
        "byline": None,
        "published": None,
        "published_source": None,
        "text": text,
        "removed": [],
        "duplicate_of": None,
    }
    art.update(extra)
    return art


def _minimal() -> dict[str, Any]:
    return {
        "schema": "storyline.dossier/1",
        "articles": [
            _article("a1", TEXT_A, outlet="The Telegraph", published="2024-07-02"),
        ],
        "entities": [],
        "quotes": [],
        "timeline": [],
        "duplicates": [],
        "errors": [],
    }


def _full() -> dict[str, Any]:
    q1s, q1e = _span(TEXT_A, "We will work with whoever wins.")
    q2s, q2e = _span(TEXT_B, "No, he’s in the middle of a campaign.")
    ev_s, ev_e = _span(TEXT_A, "Labour is talking to Donald Trump's team on a daily basis.")
    return {
        "schema": "storyline.dossier/1",
        "articles": [
            _article(
                "a1",
                TEXT_A,
                outlet="The Telegraph",
                title="Labour talks to Trump team",
                byline="Ben Riley-Smith",
                published="2024-07-02",
                published_source="header",
                url="https://www.telegraph.co.uk/politics/labour-trump/",
                meta={
                    "outlet": {
                        "value": "The Telegraph",
                        "source": "self-reference",
                        "method": "regex",
                        "confidence": 0.8,
                    }
                },
                removed=[
                    {"text": "Sign up to our newsletter", "reason": "newsletter prompt"},
                    {"text": "Read more: Trump latest", "reason": "related links"},
                    {
                        "text": "Sign up for alerts",
                        "reason": "newsletter prompt",
                        "start": 0,
                        "end": 18,
                        "method": "boilerplate-rules",
                        "confidence": 0.9,
                    },
                ],
            ),
            _article(
                "b2",
                TEXT_B,
                outlet="The Independent",
                published="2024-10-24",
                published_source="inferred",
            ),
            _article(
                "c3",
                TEXT_B,
                outlet="London24NEWS",
                published="2024-10-25",
                duplicate_of="b2",
            ),
        ],
        "entities": [
            {
                "id": "e1",
                "name": "Keir Starmer",
                "type": "PERSON",
                "aliases": ["Sir Keir", "the Prime Minister"],
                "roles": [
                    {"title": "Labour leader", "date": "2024-07-02", "article_id": "a1"},
                    {"title": "Prime Minister", "date": "2024-10-24", "article_id": "b2"},
                ],
                "mentions": 7,
            },
            {
                "id": "e2",
                "name": "Donald Trump",
                "type": "PERSON",
                "aliases": [],
                "roles": [],
                "mentions": 9,
            },
        ],
        "quotes": [
            {
                "id": "q1",
                "article_id": "a1",
                "text": "We will work with whoever wins.",
                "start": q1s,
                "end": q1e,
                "speaker": "Keir Starmer",
                "speaker_entity_id": "e1",
                "speaker_span": {"start": 0, "end": 16, "text": "Sir Keir Starmer"},
                "cue": {"start": 17, "end": 21, "text": "said"},
                "kind": "direct",
                "confidence": 0.9,
            },
            {
                "id": "q2",
                "article_id": "b2",
                "text": "No, he’s in the middle of a campaign.",
                "start": q2s,
                "end": q2e,
                "speaker": None,
                "speaker_entity_id": None,
                "speaker_span": None,
                "cue": None,
                "kind": "direct",
                "confidence": 0.3,
            },
        ],
        "timeline": [
            {
                "id": "t1",
                "date": "2024-07-02",
                "summary": "Labour talks to Trump's team daily.",
                "entity_ids": ["e1", "e2"],
                "evidence": [
                    {
                        "article_id": "a1",
                        "start": ev_s,
                        "end": ev_e,
                        "text": TEXT_A[ev_s:ev_e],
                    }
                ],
            },
            {
                "id": "t2",
                "date": "2024-10",
                "summary": "The Trump campaign files a complaint.",
                "entity_ids": ["e2"],
                "evidence": [],
            },
        ],
        "duplicates": [{"article_ids": ["b2", "c3"], "kind": "near", "similarity": 0.93}],
        "errors": [{"source": "corpus/broken.warc.gz", "error": "not a gzip file"}],
        "builder_note": "unknown fields are tolerated",
    }


class _Checker(HTMLParser):
    """Collects ids and checks that non-void elements nest and close properly."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
        | {"track", "wbr"}
    )
    # SVG shapes written self-closing are fine in HTML5 foreign content.
    SELF_CLOSING_OK = frozenset({"line", "circle", "path", "rect"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        for k, v in attrs:
            if k == "id" and v is not None:
                self.ids.append(v)
        if tag == "script":
            self._in_script = True
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID and tag not in self.SELF_CLOSING_OK:
            self.problems.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text.append(data)


def _parse(doc: str) -> _Checker:
    checker = _Checker()
    checker.feed(doc)
    checker.close()
    return checker


def test_report_is_wellformed_html5_with_unique_ids() -> None:
    doc = render_report(_full())
    assert doc.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in doc and '<meta charset="utf-8">' in doc
    checker = _parse(doc)
    assert checker.problems == []
    assert checker.stack == []
    assert len(checker.ids) == len(set(checker.ids)), "duplicate element ids"


def test_report_sections_present_when_data() -> None:
    doc = render_report(_full())
    for sid in ("articles", "duplicates", "who-said-what", "people", "timeline"):
        assert f'id="{sid}"' in doc, sid
    assert "Who said what" in doc and "People and organisations" in doc


def test_report_later_sections_absent_when_empty() -> None:
    doc = render_report(_minimal())
    for sid in ("who-said-what", "people", "timeline"):
        assert f'id="{sid}"' not in doc, sid
    assert 'id="articles"' in doc
    assert "No duplicates found." in doc
    assert "Not computed for this dossier" in doc
    assert "<svg" not in doc


def test_report_tolerates_missing_optional_and_unknown_fields() -> None:
    doc = render_report({"articles": [{"id": "x", "text": "Just text.", "new_field": [1, 2]}]})
    assert "Just text." in doc
    assert render_report({}).startswith("<!DOCTYPE html>")
    # Wrongly typed values degrade to "unknown" rather than crash the build.
    odd = {"articles": [{"id": 5, "text": None, "removed": "nope", "published": "someday"}]}
    assert "someday" in render_report(odd)


def test_report_escapes_untrusted_article_text() -> None:
    evil = "<script>alert('x')</script> & <img src=x onerror=alert(1)>"
    dossier = _minimal()
    dossier["articles"][0].update(
        text=evil,
        title="<b>bold</b>",
        outlet='"><script>alert(2)</script>',
        url="javascript:alert(3)",
        removed=[{"text": "<iframe src=//evil>", "reason": "<em>reason</em>"}],
    )
    doc = render_report(dossier, title="<title>")
    checker = _parse(doc)
    assert [t for t, _ in checker.tags].count("script") == 1  # only our own
    assert "alert" not in "".join(checker.script_text)
    assert not any(t in {"img", "iframe", "b", "em"} for t, _ in checker.tags)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in doc  # markupsafe spells ' &#39;
    assert "javascript:" not in doc.split("<script>")[0]
    assert "<title>&lt;title&gt;</title>" in doc


def test_report_has_no_remote_resources() -> None:
    dossier = _full()
    doc = render_report(dossier)
    checker = _parse(doc)
    allowed = {a["url"] for a in dossier["articles"] if a.get("url")}
    for tag, attrs in checker.tags:
        assert "src" not in attrs, f"<{tag} src=…> would load something"
        href = attrs.get("href") or ""
        if tag == "link":
            raise AssertionError("external stylesheet or icon")
        if re.match(r"(?i)\s*(https?:)?//", href):
            assert href in allowed, href
    assert "@import" not in doc and "url(" not in doc
    outside_data = doc
    for url in allowed:
        outside_data = outside_data.replace(url, "")
    assert "http://" not in outside_data and "https://" not in outside_data


def test_report_paragraph_anchors_carry_offsets() -> None:
    doc = render_report(_full())
    for n, (start, end) in enumerate(paragraph_spans(TEXT_A)):
        assert f'<p id="a-a1-p{n}" data-start="{start}" data-end="{end}">' in doc
    assert paragraph_spans("  one \n\n\n two\n") == [(2, 5), (10, 13)]


def test_report_quote_evidence_links_to_sentence_anchor() -> None:
    dossier = _full()
    doc = render_report(dossier)
    q = dossier["quotes"][0]
    fragment = f"a-a1-{q['start']}-{q['end']}"
    assert fragment == span_fragment("a1", q["start"], q["end"])
    # The sentence sits in the second paragraph; the link names it for script-less readers.
    assert f'href="#{fragment}" data-para="a-a1-p1"' in doc
    linker = SpanLinker({"a1": TEXT_A})
    assert linker.paragraph_anchor("a1", q["start"], q["end"]) == "a-a1-p1"
    assert linker.paragraph_anchor("nope", 0, 1) is None
    ev = dossier["timeline"][0]["evidence"][0]
    assert f'href="#a-a1-{ev["start"]}-{ev["end"]}" data-para="a-a1-p0"' in doc
    # The script that turns such a fragment into a <mark> is inlined.
    assert 'createElement("mark")' in doc


def test_report_anchor_ids_are_safe_and_distinct() -> None:
    assert anchor_id("f2b2c7b81f376622") == "f2b2c7b81f376622"
    odd = anchor_id('x y"<>/~')
    assert re.fullmatch(r"[A-Za-z0-9_.~\-]+", odd)
    assert anchor_id("a b") != anchor_id("a_b") != anchor_id("a~20~b")


def test_report_quotes_grouped_by_speaker_with_unattributed() -> None:
    doc = render_report(_full())
    section = doc.split('id="who-said-what"')[1].split("</section>")[0]
    assert 'id="s-Keir_Starmer"' not in section  # space is hex-escaped, not folded
    assert f'id="s-{anchor_id("Keir Starmer")}"' in section
    assert 'id="s--unattributed"' in section and "Unattributed" in section
    assert section.index("Keir Starmer") < section.index('id="s--unattributed"')
    assert "said" in section and "The Telegraph" in section
    assert "uncertain" in section  # confidence 0.3


def test_report_duplicate_badge_links_to_original() -> None:
    doc = render_report(_full())
    card = doc.split('id="a-c3"')[1].split("</article>")[0]
    assert 'class="badge dup" href="#a-b2"' in card
    assert "duplicate of The Independent" in card


def test_report_duplicate_groups_list_kind_similarity_and_articles() -> None:
    doc = render_report(_full())
    section = doc.split('id="duplicates"')[1].split("</section>")[0]
    assert "near" in section and "0.93" in section
    assert 'href="#a-b2"' in section and 'href="#a-c3"' in section
    assert "London24NEWS" in section


def test_report_removed_items_grouped_by_reason() -> None:
    doc = render_report(_full())
    card = doc.split('id="a-a1"')[1].split("</article>")[0]
    removed = card.split('class="removed"')[1]
    assert "What was removed and why" in card
    groups = re.findall(r'data-reason="([^"]+)"', removed)
    assert groups == ["newsletter prompt", "related links"]  # biggest group first
    newsletter = removed.split('data-reason="newsletter prompt"')[1].split("</div>")[0]
    assert "Sign up to our newsletter" in newsletter and "Sign up for alerts" in newsletter
    assert "boilerplate-rules" in newsletter and "0.90" in newsletter


def test_report_articles_sorted_by_date_then_outlet() -> None:
    dossier = _minimal()
    dossier["articles"] = [
        _article("late", "c", outlet="A", published="2024-11-06"),
        _article("undated", "d", outlet="A"),
        _article("early-z", "b", outlet="Zed", published="2024-07-02"),
        _article("early-a", "a", outlet="Alpha", published="2024-07-02"),
    ]
    doc = render_report(dossier)
    order = re.findall(r'<article class="art js-item" id="a-([^"]+)"', doc)
    assert order == [anchor_id(a) for a in ("early-a", "early-z", "late", "undated")]


def test_report_inferred_date_marked_and_sourced() -> None:
    doc = render_report(_full())
    card = doc.split('id="a-b2"')[1].split("</article>")[0]
    assert 'class="inferred"' in card and "Date source: inferred" in card
    header_card = doc.split('id="a-a1"')[1].split("</article>")[0]
    assert 'class="inferred"' not in header_card and "Date source: header" in header_card
    assert 'title="Outlet from self-reference, by regex, confidence 0.80"' in header_card


def test_report_article_text_collapsed_and_title_fallback() -> None:
    doc = render_report(_full())
    card = doc.split('id="a-b2"')[1].split("</article>")[0]
    assert '<details class="text">' in card  # closed by default
    assert 'class="art-title derived"' in card and "Starmer has not spoken" in card
    assert "Ben Riley-Smith" in doc


def test_report_header_counts_and_errors() -> None:
    doc = render_report(_full())
    header = doc.split("</header>")[0]
    assert "<dt>Articles</dt><dd>3</dd>" in header
    assert "<dt>Outlets</dt><dd>3</dd>" in header
    assert "<dt>Quotes</dt><dd>2</dd>" in header
    assert "<dt>People</dt><dd>2</dd>" in header
    assert "2 Jul – 25 Oct 2024" in header
    assert '<details class="errors">' in header
    assert "corpus/broken.warc.gz" in header and "not a gzip file" in header
    assert "<details" not in render_report(_minimal()).split("</header>")[0]


def test_report_title_derived_from_entities_or_default() -> None:
    assert "<h1>Donald Trump and Keir Starmer</h1>" in render_report(_full())
    assert "<h1>Story dossier</h1>" in render_report(_minimal())
    assert "<h1>My story</h1>" in render_report(_full(), title="My story")


def test_report_entities_show_roles_aliases_and_quotes() -> None:
    doc = render_report(_full())
    card = doc.split('id="e-e1"')[1].split('class="ent-card"')[0]
    assert "Sir Keir" in card and "the Prime Minister" in card
    assert "Labour leader" in card and "Prime Minister" in card and "7 mentions" in card
    assert 'href="#q-q1"' in card


def test_report_timeline_svg_present_with_clickable_markers() -> None:
    doc = render_report(_full())
    section = doc.split('id="timeline"')[1].split("</section>")[0]
    svg = section.split("<svg")[1].split("</svg>")[0]
    assert svg.count("<circle") == 2
    assert 'href="#t-t1"' in svg and 'href="#t-t2"' in svg
    assert 'id="t-t1"' in section and 'id="t-t2"' in section
    assert "xmlns" not in svg  # inline SVG in HTML5 needs no namespace URL
    assert section.index('id="t-t1"') < section.index('id="t-t2"')  # by date
    assert 'href="#e-e1"' in section


def test_report_outlet_chips_and_filter_box() -> None:
    doc = render_report(_full())
    assert 'id="flt"' in doc
    chips = re.findall(r'class="chip" data-outlet="([^"]*)"', doc)
    assert sorted(chips) == ["London24NEWS", "The Independent", "The Telegraph"]
    assert re.search(
        r'class="quote js-item[^"]*" id="q-q1" data-outlet="The Telegraph" '
        r'data-search="Keir Starmer"',
        doc,
    )


def test_report_url_links_only_for_web_urls() -> None:
    doc = render_report(_full())
    assert 'href="https://www.telegraph.co.uk/politics/labour-trump/"' in doc


def test_report_write_report_writes_utf8_file(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "report.html"
    write_report(_full(), out, title="Ünïcode “story”")
    text = out.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Ünïcode “story”" in text
    assert not [p for p in out.parent.iterdir() if p.name != "report.html"]


def test_report_large_dossier_renders_fast() -> None:
    paragraph = "Sir Keir Starmer said the relationship would survive the row. " * 6
    articles = [
        _article(
            f"{i:016x}",
            "\n\n".join([paragraph] * 8),
            outlet=f"Outlet {i % 40}",
            published=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            published_source="header",
            duplicate_of=f"{i - 1:016x}" if i % 10 == 1 else None,
            removed=[{"text": "Sign up", "reason": "newsletter"}],
        )
        for i in range(2000)
    ]
    quotes = [
        {
            "id": f"q{i}",
            "article_id": f"{i:016x}",
            "text": "the relationship would survive the row",
            "start": 24,
            "end": 62,
            "speaker": f"Speaker {i % 50}",
            "speaker_entity_id": None,
            "kind": "indirect",
            "confidence": 0.8,
        }
        for i in range(2000)
    ]
    timeline = [
        {
            "id": f"t{i}",
            "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "summary": "Something happened.",
            "entity_ids": [],
            "evidence": [{"article_id": f"{i:016x}", "start": 0, "end": 20, "text": "x"}],
        }
        for i in range(300)
    ]
    dossier = {"articles": articles, "quotes": quotes, "timeline": timeline, "duplicates": []}
    # CPU time: what the renderer costs, not what the neighbours on a loaded machine cost.
    started = time.process_time()
    doc = render_report(dossier)
    elapsed = time.process_time() - started
    assert elapsed < 2.0, f"{elapsed:.2f}s"
    assert doc.count('<article class="art') == 2000
    assert doc.count('<details class="text">') == 2000


def test_report_paragraph_text_matches_offsets_with_markup_and_whitespace() -> None:
    text = "  <b>Tom & Jerry</b>  \n\n\t“quoted” <i>\n   \n last & least"
    dossier = _minimal()
    dossier["articles"][0]["text"] = text
    doc = render_report(dossier)
    found = re.findall(r'<p id="a-a1-p\d+" data-start="(\d+)" data-end="(\d+)">([^<]*)</p>', doc)
    assert len(found) == 3
    for start, end, shown in found:
        assert html.unescape(shown) == text[int(start) : int(end)]


def test_report_timeline_svg_aggregates_many_entries() -> None:
    dossier = _minimal()
    dossier["timeline"] = [
        {"id": f"t{i}", "date": f"2024-{1 + i % 12:02d}-01", "summary": "s", "evidence": []}
        for i in range(400)
    ]
    doc = render_report(dossier)
    svg = doc.split("<svg")[1].split("</svg>")[0]
    assert 0 < svg.count("<circle") <= 12  # one per month, not 400 stacked
    assert "34 entries" in svg
    assert doc.count('class="tl-entry"') == 400


def test_report_many_outlets_fold_chips() -> None:
    dossier = _minimal()
    dossier["articles"] = [_article(f"x{i}", "t", outlet=f"Outlet {i}") for i in range(30)]
    doc = render_report(dossier)
    assert '<details class="chips-box">' in doc and doc.count('class="chip"') == 30
    assert '<details class="chips-box">' not in render_report(_full())


def test_report_quote_carried_by_several_outlets_is_shown_once() -> None:
    from storyline.output.report import render_report

    arts = [
        {
            "id": "a",
            "source": "a.txt",
            "outlet": "One",
            "published": "2024-01-01",
            "text": "x said “we will win”.",
        },
        {
            "id": "b",
            "source": "b.txt",
            "outlet": "Two",
            "published": "2024-01-02",
            "text": "x said “we will win”.",
        },
    ]
    quote = {
        "text": "we will win",
        "start": 8,
        "end": 19,
        "speaker": "X",
        "kind": "direct",
        "group_id": "g1",
    }
    dossier = {
        "articles": arts,
        "quotes": [
            {**quote, "id": "a-q1", "article_id": "a"},
            {**quote, "id": "b-q1", "article_id": "b"},
        ],
        "quote_groups": [
            {
                "id": "g1",
                "quote_ids": ["a-q1", "b-q1"],
                "article_ids": ["a", "b"],
                "outlets": ["One", "Two"],
            }
        ],
    }
    html = render_report(dossier)
    assert html.count("<blockquote") == 1
    assert "said once, reported by 2 outlets" in html


def test_report_role_history_one_line_per_title() -> None:
    dossier = _minimal()
    dossier["entities"] = [
        {
            "id": "e-keir-starmer",
            "name": "Keir Starmer",
            "type": "PERSON",
            "aliases": ["Sir Keir"],
            "mentions": 3,
            "roles": [
                {"title": "Labour leader", "date": "2024-07-02", "article_id": "a"},
                {"title": "Prime Minister", "date": "2024-10-24", "article_id": "a"},
                {"title": "the PM", "date": "2024-11-06", "article_id": "b"},
                {"title": "Prime Minister", "date": "2024-10-25", "article_id": "b"},
            ],
        }
    ]
    doc = render_report(dossier)
    roles = doc[
        doc.index('<ul class="roles">') : doc.index("</ul>", doc.index('<ul class="roles">'))
    ]
    assert roles.count("<li>") == 2
    assert roles.index("Labour leader") < roles.index("Prime Minister")
    assert "24 Oct 2024 – 6 Nov 2024" in roles
    assert "the PM" not in roles


def test_report_sections_render_alone_from_their_view() -> None:
    # A web app renders the same partials: each section template needs only its own view.
    view = report_view(_full())
    env = templates()
    for name, part in (
        ("_header.html", {"header": view.header}),
        ("_toolbar.html", {"toolbar": view.toolbar}),
        ("_timeline.html", {"timeline": view.timeline}),
        ("_quotes.html", {"quotes": view.quotes}),
        ("_entities.html", {"entities": view.entities}),
        ("_duplicates.html", {"duplicates": view.duplicates}),
        ("_articles.html", {"articles": view.articles}),
    ):
        html_part = env.get_template(name).render(**part)
        assert html_part.startswith("<") and "\n" not in html_part, name
        checker = _parse(html_part)
        assert checker.problems == [] and checker.stack == [], name
    assert view.timeline is not None and view.timeline.entries[0].element_id == "t-t1"
    assert view.articles.cards[0].paragraphs[0].text == TEXT_A.split("\n")[0]


def test_report_templates_escape_everything_and_fail_on_unknown_fields() -> None:
    env = templates()
    assert env.autoescape is True
    source_dir = Path(__file__).parents[1] / "src" / "storyline" / "output" / "templates"
    for path in source_dir.glob("*.html"):
        text = path.read_text("utf-8")
        assert "|safe" not in text.replace(" ", "") and "Markup" not in text, path.name
        assert "autoescape false" not in text, path.name
    view = report_view(_full())
    bad = dataclasses.replace(view.header, title="<b>x</b>")
    assert "<h1>&lt;b&gt;x&lt;/b&gt;</h1>" in env.get_template("_header.html").render(header=bad)
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("_header.html").render()
