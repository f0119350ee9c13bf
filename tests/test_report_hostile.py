"""Hostile text is data (issue 9): markup, script, odd ids and odd characters in every field of
every input end up as text in report.html and dossier.json, never as elements, attributes, links
or element ids. Checked with an HTML parser here; test_report_browser.py checks it in Chromium."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import validate_dossier
from storyline.output.dossier import dossier_json
from storyline.output.report import anchor_id, render_report, safe_text, safe_url

# Each payload would run script, add an element or an attribute, or load something if it were
# written unescaped into a text, attribute, URL, id, inline script or comment context.
PAYLOADS = (
    "<script>window.__pwned = 1</script>",
    '"><img src=x onerror="window.__pwned = 2">',
    "'><svg onload='window.__pwned = 3'>",
    "</script><script>window.__pwned = 4</script>",
    "javascript:window.__pwned = 5",
    "<!-- <b>open comment",
    "--> </textarea></title></style><i>closed</i>",
    "\u2028line\u2029separators",
    "&amp; &lt;b&gt; &#x3C;script&#x3E;",
    '<a href="javascript:window.__pwned = 6">link</a>',
    '<iframe srcdoc="<script>parent.__pwned = 7</script>"></iframe>',
    '<base href="http://evil.example/"><meta http-equiv="refresh" content="0;url=/x">',
    "<style>body { display: none }</style>",
    "x onmouseover=window.__pwned=8 y",
    "{{ 7*7 }} {% if %} ${alert(9)}",
)
ODD_IDS = (
    "x",
    "x-p0",  # the id of article "x"'s first paragraph before '-' was escaped
    "x-0-1",  # looked like a highlight link into "x"
    "\"<'&> spaced id",
    "日本語 🎉",
    "id~20~",
    "L" * 10_000,
    "unattributed",
    "",
)
HOSTILE = " | ".join(PAYLOADS)
PWNED_HREFS = ("javascript:", "data:", "vbscript:")


def _article(aid: str, n: int) -> dict[str, Any]:
    text = f"Paragraph one of {n}: {HOSTILE}\n\n“{PAYLOADS[0]},” said Evil <b>Speaker</b>.\n"
    return {
        "id": aid,
        "source": f"in/{PAYLOADS[1]}{n}.txt",
        "outlet": PAYLOADS[n % len(PAYLOADS)],
        "title": HOSTILE,
        "byline": PAYLOADS[2],
        "published": "2024-07-02" if n % 2 else PAYLOADS[3],
        "published_source": PAYLOADS[4],
        "url": ("javascript:window.__pwned=10", " JaVaScRiPt:x", "\x01javascript:x")[n % 3],
        "text": text,
        "removed": [
            {"text": p, "reason": PAYLOADS[-k - 1], "method": p, "confidence": 0.5}
            for k, p in enumerate(PAYLOADS[:4])
        ],
        "duplicate_of": ODD_IDS[0] if n else None,
        "meta": {
            key: {"value": HOSTILE, "source": PAYLOADS[5], "method": PAYLOADS[6], "confidence": 1}
            for key in ("outlet", "title", "byline", "published")
        },
    }


def hostile_dossier() -> dict[str, Any]:
    """A dossier, made by hand, with a hostile value in every field the report shows."""
    articles = [_article(aid, n) for n, aid in enumerate(ODD_IDS)]
    articles.append(_article(ODD_IDS[0], 99))  # a repeated id
    q_text = PAYLOADS[0]
    start = articles[0]["text"].index(q_text)
    quotes = [
        {
            "id": qid,
            "text": q_text + PAYLOADS[k % len(PAYLOADS)],
            "speaker": speaker,
            "speaker_entity_id": ODD_IDS[k % len(ODD_IDS)],
            "kind": ("direct", "partial", PAYLOADS[1], "is-hidden js-group")[k % 4],
            "cue": {"text": PAYLOADS[2]},
            "speaker_span": {"text": PAYLOADS[3]},
            "article_id": aid,
            "start": start,
            "end": start + len(q_text),
            "confidence": 0.3,
            "group_id": PAYLOADS[4] if k < 2 else None,
        }
        for k, (qid, speaker, aid) in enumerate(
            zip(ODD_IDS, (*PAYLOADS[:6], "unattributed", None, ""), ODD_IDS, strict=False)
        )
    ]
    entities = [
        {
            "id": eid,
            "name": PAYLOADS[k % len(PAYLOADS)],
            "type": ("PERSON", "ORG", PAYLOADS[1], "x js-item")[k % 4],
            "mentions": k + 1,
            "aliases": list(PAYLOADS[:3]),
            "roles": [
                {"title": p, "date": PAYLOADS[5], "article_id": ODD_IDS[j]}
                for j, p in enumerate(PAYLOADS[:3])
            ],
        }
        for k, eid in enumerate(ODD_IDS)
    ]
    timeline = [
        {
            "id": tid,
            "date": ("0001-01-01", "9999-12-31", "2024-07-02", PAYLOADS[0])[k % 4],
            "summary": HOSTILE,
            "entity_ids": list(ODD_IDS[:4]),
            "evidence": [
                {"article_id": aid, "text": PAYLOADS[k % len(PAYLOADS)], "start": 0, "end": 5}
                for aid in ODD_IDS[:3]
            ],
        }
        for k, tid in enumerate((*ODD_IDS, None))
    ]
    return {
        "schema": "storyline.dossier/1",
        "articles": articles,
        "entities": entities,
        "quotes": quotes,
        "quote_groups": [
            {"id": PAYLOADS[4], "article_ids": list(ODD_IDS[:3]), "outlets": list(PAYLOADS[:2])}
        ],
        "timeline": timeline,
        "duplicates": [
            {"article_ids": list(ODD_IDS), "kind": PAYLOADS[1], "similarity": 0.9},
            {"article_ids": ["nope", ODD_IDS[1]], "kind": "near", "similarity": 1.0},
        ],
        "errors": [
            {"source": PAYLOADS[k], "error": PAYLOADS[-k - 1], "article_id": aid}
            | ({"stage": PAYLOADS[2], "component": PAYLOADS[3]} if k % 2 else {})
            for k, aid in enumerate((None, *ODD_IDS[:4]))
        ],
    }


# --- what the report itself may contain --------------------------------------------------------

_OWN_TAGS = frozenset(
    [
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "dl",
        "dt",
        "dd",
        "div",
        "a",
        "small",
        "details",
        "summary",
        "ul",
        "ol",
        "li",
        "code",
        "span",
        "nav",
        "label",
        "input",
        "button",
        "main",
        "section",
        "figure",
        "svg",
        "line",
        "text",
        "circle",
        "article",
        "time",
        "blockquote",
        "i",
        "b",
        "mark",
        "footer",
        "script",
    ]
)
_OWN_ATTRS = frozenset(
    [
        "lang",
        "charset",
        "name",
        "content",
        "class",
        "id",
        "href",
        "title",
        "datetime",
        "data-outlet",
        "data-para",
        "data-start",
        "data-end",
        "data-article",
        "data-reason",
        "data-search",
        "role",
        "aria-label",
        "aria-pressed",
        "aria-live",
        "for",
        "type",
        "placeholder",
        "autocomplete",
        "spellcheck",
        "viewbox",
        "preserveaspectratio",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "text-anchor",
        "rel",
    ]
)
_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.~\-]*")
_CLASS_RE = re.compile(r"[a-z][a-zA-Z0-9\-]*")
_EVIL_CLASSES = frozenset({"is-hidden", "js-item", "js-group", "chip"})


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.comments: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def assert_no_markup_from_data(doc: str) -> _Tags:
    """Every element, attribute, link, id and class in ``doc`` is the report's own."""
    parsed = _Tags()
    parsed.feed(doc)
    parsed.close()
    names = [t for t, _ in parsed.tags]
    assert set(names) <= _OWN_TAGS, set(names) - _OWN_TAGS
    assert names.count("script") == 1 and names.count("style") == 1
    assert names.count("meta") == 3 and names.count("title") == 1 + names.count("circle")
    assert parsed.comments == []
    assert "pwned" not in "".join(parsed.scripts)
    ids: list[str] = []
    for tag, attrs in parsed.tags:
        assert set(attrs) <= _OWN_ATTRS, (tag, set(attrs) - _OWN_ATTRS)
        assert not any(k.startswith("on") for k in attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or safe_url(href) == href, href
            assert not href.strip().lower().startswith(PWNED_HREFS)
            if href.startswith("#"):
                assert _ID_RE.fullmatch(href[1:]), href[:80]
        if "id" in attrs:
            assert _ID_RE.fullmatch(attrs["id"]) and len(attrs["id"]) < 200, attrs["id"][:80]
            ids.append(attrs["id"])
        for cls in attrs.get("class", "").split():
            assert _CLASS_RE.fullmatch(cls), cls
            if tag not in ("button", "article", "li", "div"):
                assert cls not in _EVIL_CLASSES, (tag, cls)
    assert len(ids) == len(set(ids)), "duplicate element ids"
    hrefs = {a["href"][1:] for _, a in parsed.tags if a.get("href", "").startswith("#")}
    assert not {h for h in hrefs if not re.search(r"-\d+-\d+$", h)} - set(ids) - {"top"}
    return parsed


def test_issue_9_report_hostile_values_in_every_field_stay_text() -> None:
    doc = render_report(hostile_dossier(), title=HOSTILE)
    parsed = assert_no_markup_from_data(doc)
    text = "".join(parsed.text)
    for payload in PAYLOADS:
        assert payload in text, payload
    assert text.count("window.__pwned = 1") > 20  # in every section, as text
    assert "{{ 7*7 }}" in text  # no template evaluated data either
    doc.encode("utf-8")


def test_issue_9_report_classes_never_come_from_data() -> None:
    doc = render_report(hostile_dossier())
    parsed = assert_no_markup_from_data(doc)
    classes = [(t, a.get("class", "").split()) for t, a in parsed.tags]
    assert not any("is-hidden" in c for _, c in classes)
    assert all(t == "div" and "speaker" in c for t, c in classes if "js-group" in c)
    assert 'class="quote js-item kind-other"' in doc
    assert 'class="type type-OTHER"' in doc and 'class="kind kind-other"' in doc


def test_issue_9_report_odd_ids_get_distinct_safe_anchors() -> None:
    anchors = [anchor_id(i) for i in ODD_IDS]
    assert len(set(anchors)) == len(anchors)
    for a in anchors:
        assert re.fullmatch(r"[A-Za-z0-9_.~]+", a) and len(a) <= 120
    assert anchor_id("x-p0") != "x-p0" and anchor_id("f2b2c7b81f376622") == "f2b2c7b81f376622"
    assert anchor_id("L" * 10_000) != anchor_id("L" * 10_001)
    assert anchor_id("\udc80") != anchor_id("\udc81")  # lone surrogates name ids too
    doc = render_report(hostile_dossier())
    # Article "x-p0" is not the first paragraph of article "x", and both exist.
    assert f'id="a-{anchor_id("x")}-p0"' in doc and f'id="a-{anchor_id("x-p0")}"' in doc
    # The repeated article keeps its own card under a suffixed id.
    assert f'id="a-{anchor_id("x")}--2"' in doc
    # A speaker named "unattributed" and the unattributed group are two groups.
    assert 'id="s--unattributed"' in doc and 'id="s-unattributed"' in doc


def test_issue_9_report_unsafe_characters_become_replacement_characters() -> None:
    dossier = {
        "articles": [
            {
                "id": "a\udcff",
                "source": "in/caf\udce9.txt",
                "title": "nul\x00here",
                "text": "bad \udc80 byte\x00 and \ud83d half a pair",
            }
        ],
        "errors": [{"source": "in/\udcff.txt", "error": "x\udcffy"}],
    }
    doc = render_report(dossier)
    doc.encode("utf-8")  # raised UnicodeEncodeError before
    assert "\x00" not in doc
    assert "bad \ufffd byte\ufffd and \ufffd half a pair" in doc  # one for one: offsets hold
    assert safe_text("a\ud800\udc00b\x00") == "a\ufffd\ufffdb\ufffd"


def test_issue_9_report_links_only_for_inert_schemes() -> None:
    assert safe_url("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert safe_url("mailto:desk@example.com") == "mailto:desk@example.com"
    for evil in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "\x01\x02javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/x",
        "file:///etc/passwd",
        "",
        None,
        7,
    ):
        assert safe_url(evil) is None, evil
    # "ht\ttp:" is read by a browser as "http:": a link, but an inert one.
    assert safe_url("ht\ttp://example.com") == "ht\ttp://example.com"


@pytest.mark.parametrize(
    "dates",
    [
        ["0001-01-01"],
        ["9999-12-31"],
        ["0001-01-01", "9999-12-31"],
        ["0001-01-01", "0001-01-02"],
        ["9999-12-30", "9999-12-31"],
        ["0001", "9999", "9999-12", "0001-01"],
        ["0000", "0000-01-01", "2024-02-30", "2024-13", "\u0662\u0660\u0662\u0664"],
        [None, "someday"],
    ],
)
def test_issue_9_report_timeline_axis_at_the_ends_of_the_calendar(dates: list[Any]) -> None:
    timeline = [{"id": f"t{n}", "date": d, "summary": "s"} for n, d in enumerate(dates)]
    doc = render_report({"articles": [], "timeline": timeline})
    assert_no_markup_from_data(doc)
    section = doc.split('id="timeline"')[1].split("</section>")[0]
    assert section.count('class="tl-entry"') == len(dates)
    dated = [d for d in dates if d and re.fullmatch(r"[0-9]{4}(-[0-9]{2}){0,2}", d)]
    if any(d[:4] != "0000" and d not in ("2024-02-30", "2024-13") for d in dated):
        assert "<svg" in section


def test_issue_9_report_huge_timeline_at_both_ends() -> None:
    timeline = [
        {"id": f"t{n}", "date": f"{1 + n * 9998 // 4999:04d}-01-01", "summary": PAYLOADS[0]}
        for n in range(5000)
    ]
    doc = render_report({"articles": [], "timeline": timeline})
    assert "tl-mark dense" in doc
    assert_no_markup_from_data(doc)


def test_issue_9_report_numbers_out_of_range_are_absent() -> None:
    dossier = hostile_dossier()
    q = dossier["quotes"][0]
    q.update(start=float("inf"), end=float("nan"), confidence=float("nan"))
    dossier["entities"][0]["mentions"] = 10**5000
    dossier["articles"][0]["removed"][0].update(start=-(10**400), end=2**70, confidence=1e400)
    dossier["duplicates"][0]["similarity"] = float("-inf")
    dossier["articles"][1]["id"] = 10**5000
    assert_no_markup_from_data(render_report(dossier))


def test_issue_9_dossier_json_is_strict_utf8_and_script_safe() -> None:
    dossier = hostile_dossier()
    dossier["articles"][0]["text"] = "bad \udc80 byte \u2028 sep"
    dossier["duplicates"][0]["similarity"] = float("nan")
    dossier["entities"][0]["mentions"] = 10**5000
    text = dossier_json(dossier)
    raw = text.encode("utf-8")
    assert b"\xe2\x80\xa8" not in raw and b"NaN" not in raw
    back = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard {c}"))
    assert back["articles"][0]["text"] == "bad \ufffd byte \u2028 sep"
    assert back["duplicates"][0]["similarity"] is None
    assert back["entities"][0]["mentions"] is None
    assert back["articles"][1]["title"] == HOSTILE  # data kept as it was


# --- through a real build: every input format ----------------------------------------------------


def _warc(path: Path, url: str, html: str) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(html.encode()), http_headers=headers
        )
        writer.write_record(record)


def _hostile_html(n: int) -> str:
    return (
        "<!DOCTYPE html><html><head>"
        f"<title>{PAYLOADS[0]} headline {n}</title>"
        '<meta property="og:site_name" content="&quot;&gt;&lt;script&gt;window.__pwned=20'
        '&lt;/script&gt;">'
        '<meta name="author" content="&lt;img src=x onerror=window.__pwned=21&gt;">'
        '<meta property="article:published_time" content="2024-07-03T10:00:00Z">'
        '<meta property="og:url" content="javascript:window.__pwned=22">'
        "</head><body><article>"
        f"<h1>&lt;script&gt;window.__pwned=23&lt;/script&gt; Headline {n}</h1>"
        "<p>Escaped markup in the text: &lt;iframe srcdoc=x&gt; &lt;!-- and &lt;/script&gt;.</p>"
        "<p>A real script is page furniture: <script>window.__pwned=24</script> gone.</p>"
        "<p>“&lt;b&gt;We will not&lt;/b&gt; be moved,” said Jane Doe, the minister, "
        "on Tuesday in London. " + "It was a long day in the town hall. " * 8 + "</p>"
        "<p>John Smith of the &lt;Council&gt; said the plan was “a disaster” for everyone.</p>"
        "</article></body></html>"
    )


def hostile_inputs(folder: Path) -> Path:
    """One folder holding a hostile article in every input format, hostile file names too."""
    folder.mkdir(parents=True, exist_ok=True)
    body = (
        f"{PAYLOADS[0]} A headline with markup\n\n"
        f"By {PAYLOADS[1]}\n\n"
        f"LONDON — “{PAYLOADS[3]} We will work with whoever wins,” said Keir Starmer on "
        "Tuesday, 2 July 2024. "
        + " ".join(PAYLOADS)
        + "\n\nThe Prime Minister met David Lammy in London on 3 July 2024.\n"
    )
    (folder / f"{PAYLOADS[1].replace('/', '_')}.txt").write_text(body, "utf-8")
    (folder / "page <b>1<_b> onload=x.html").write_text(_hostile_html(1), "utf-8")
    records = [
        {
            "id": rid,
            "title": PAYLOADS[k % len(PAYLOADS)],
            "outlet": PAYLOADS[(k + 1) % len(PAYLOADS)],
            "byline": PAYLOADS[(k + 2) % len(PAYLOADS)],
            "url": ("javascript:window.__pwned=30", 'https://example.com/"><x>')[k % 2],
            "published": ("2024-07-04", PAYLOADS[0])[k % 2],
            "text": f"Record {k}. {body}",
        }
        for k, rid in enumerate(
            ['"><script>window.__pwned=31</script>', "x-p0", "\u2028id\u2029", "L" * 10_000]
        )
    ]
    (folder / "feed'\"&.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records) + "\n", "utf-8"
    )
    # A file name that is not UTF-8, and lone surrogates (as JSON escapes) in a record.
    (folder / os.fsdecode(b"bad\xff\xfe<script>window.__pwned=40<!--.txt")).write_bytes(
        body.encode()
    )
    (folder / "surrogates.jsonl").write_text(
        json.dumps({"id": "s\udc80id", "title": "t\ud800", "text": f"lone \udc80. {body}"}) + "\n",
        "utf-8",
    )
    _warc(folder / "crawl.warc.gz", 'https://example.com/"><script>x</script>', _hostile_html(2))
    (folder / "broken <script>.warc.gz").write_bytes(gzip.compress(b"<script>not warc"))
    return folder


_BUILT: dict[str, Path] = {}


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # test_report_browser.py imports this fixture, which makes it a second fixture: the cache
    # keeps it to one build per test run.
    if "out" not in _BUILT:
        from storyline.pipeline import build

        base = tmp_path_factory.mktemp("hostile")
        build([hostile_inputs(base / "in")], base / "out")
        _BUILT["out"] = base / "out"
    return _BUILT["out"]


def test_issue_9_build_hostile_inputs_report_has_no_markup_from_data(hostile_build: Path) -> None:
    doc = (hostile_build / "report.html").read_text("utf-8")
    parsed = assert_no_markup_from_data(doc)
    text = "".join(parsed.text)
    assert PAYLOADS[0] in text and "<script>window.__pwned=23</script> Headline" in text
    assert "broken <script>.warc.gz" in text  # the error names the file, as text
    assert "<script>window.__pwned=40<!--.txt" in text  # a non-UTF-8 file name, as text


def test_issue_9_build_hostile_inputs_dossier_keeps_the_data(hostile_build: Path) -> None:
    raw = (hostile_build / "dossier.json").read_bytes()
    raw.decode("utf-8")
    dossier = json.loads(raw)
    validate_dossier(dossier)  # the session-wide build is not under a test's tmp_path
    ids = {a["id"] for a in dossier["articles"]}
    assert {'"><script>window.__pwned=31</script>', "x-p0"} <= ids
    assert len(dossier["articles"]) >= 8
    sources = " ".join(a["source"] for a in dossier["articles"])
    assert "<script>window.__pwned=40<!--.txt" in sources  # named, whatever its bytes
    assert any("broken <script>.warc.gz" in e["source"] for e in dossier["errors"])
    assert b"\xe2\x80\xa8" not in raw  # U+2028 escaped
    # An id is never a path: nothing in the output folder is named after one.
    assert all("pwned" not in p.name and "x-p0" not in p.name for p in hostile_build.rglob("*"))


def test_issue_9_report_many_records_sharing_one_id_stay_linear() -> None:
    n = 3000
    dossier = {
        "articles": [{"id": "same", "text": "x"} for _ in range(n)],
        "quotes": [{"id": "q", "text": "t", "article_id": "same", "speaker": "S"}] * n,
        "timeline": [{"id": "t", "date": "2024-01-01", "summary": "s"}] * n,
        "entities": [{"id": "e", "name": f"n{i}"} for i in range(n)],
    }
    started = time.process_time()
    doc = render_report(dossier)
    elapsed = time.process_time() - started
    assert elapsed < 2.0, f"{elapsed:.2f}s"  # 10,000 of each took 52 s, quadratic, before
    for prefix in ("a-same", "q-q", "t-t", "e-e"):
        assert f'id="{prefix}--{n}"' in doc and f'id="{prefix}--{n + 1}"' not in doc


# --- any dossier at all --------------------------------------------------------------------------

_HOSTILE_CHARS = "<>&\"'=/-~ \n\tabjs:\x00\ud800\u2028"
_text = st.one_of(
    st.text(alphabet=_HOSTILE_CHARS, max_size=12),
    st.sampled_from(["<script>x()</script>", "javascript:x()", "x-p0", "--2", "<!--", ""]),
)
_value = st.one_of(
    _text,
    st.none(),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.sampled_from(["0001-01-01", "9999-12-31", "2024-02-29", "2024-13-01", "0000", "direct"]),
)


@st.composite
def _any_dossier(draw: st.DrawFn) -> dict[str, Any]:
    """A small dossier whose every field holds a value from one drawn pool of odd values
    (strings of markup characters, None, huge numbers, NaN, edge dates), assigned in rotation:
    few draws, so many examples fit in the time of a test."""
    pool = draw(st.lists(_value, min_size=3, max_size=9))
    ids = draw(st.lists(_text, min_size=1, max_size=3))
    offsets = draw(st.lists(st.one_of(st.integers(-3, 40), st.floats()), min_size=2, max_size=6))
    n_quotes, n_entities, n_entries = draw(st.tuples(*[st.integers(0, 4)] * 3))
    counter = iter(range(10**6))

    def v() -> Any:
        return pool[next(counter) % len(pool)]

    def aid() -> Any:
        k = next(counter)
        return ids[k % len(ids)] if k % 4 else v()

    def off() -> Any:
        return offsets[next(counter) % len(offsets)]

    articles = [
        {
            "id": a,
            **{f: v() for f in ("text", "title", "outlet", "byline", "url", "source", "published")},
            "published_source": ("inferred", "header", None, v())[k % 4],
            "duplicate_of": aid(),
            "removed": [{"text": v(), "reason": v(), "start": off(), "end": off()}],
            "meta": {"title": {"value": v(), "source": v(), "confidence": off()}},
        }
        for k, a in enumerate(ids)
    ]
    for art in articles:
        art["text"] = art["text"] if isinstance(art["text"], str) else str(art["text"])
    return {
        "articles": articles,
        "quotes": [
            {
                **{f: v() for f in ("id", "text", "speaker", "kind", "group_id")},
                "article_id": aid(),
                "start": off(),
                "end": off(),
                "confidence": off(),
                "cue": {"text": v()},
            }
            for _ in range(n_quotes)
        ],
        "quote_groups": [{"id": v(), "article_ids": ids, "outlets": [v()]}],
        "entities": [
            {"id": v(), "name": v(), "type": v(), "mentions": off(), "aliases": [v()]}
            for _ in range(n_entities)
        ],
        "timeline": [
            {
                "id": v(),
                "date": v(),
                "summary": v(),
                "entity_ids": [v()],
                "evidence": [{"article_id": aid(), "start": off(), "end": off(), "text": v()}],
            }
            for _ in range(n_entries)
        ],
        "duplicates": [{"article_ids": ids, "kind": v(), "similarity": off()}],
        "errors": [{"source": v(), "error": v(), "article_id": aid(), "stage": v()}],
    }


@pytest.mark.fuzz
@given(_any_dossier())
def test_issue_9_report_any_dossier_renders_without_markup_from_data(
    dossier: dict[str, Any],
) -> None:
    doc = render_report(dossier, title="<t>")
    doc.encode("utf-8")
    assert_no_markup_from_data(doc)
    json.loads(dossier_json(dossier))
