"""Render a dossier as ``report.html``: the one file a journalist opens.

The report is a single self-contained HTML5 document (inline CSS and a little vanilla JS, no
network access) so that it can be mailed, archived and opened offline years later. Every string
that comes from the dossier is untrusted (article text is scraped from the web): it is data in
every output, never markup.

How: ``report_view()`` turns the dossier into a typed view model (frozen dataclasses of plain,
unescaped values, one per section) and Jinja2 templates in ``templates/`` render it with
autoescape on, one template per section (``_header.html``, ``_timeline.html``, ``_quotes.html``,
...), so a web app can render the same partials. No value reaches the page any other way: element
ids come from ``anchor_id`` (a safe encoding) and are never repeated, class names never come from
data, only http/https/mailto URLs become links, and the finished page has no lone surrogate or
NUL.

Sentences are linked as ``#a-<anchor>-<start>-<end>``: the inline script opens the article,
finds the paragraph holding those offsets and wraps the span in ``<mark>``. Paragraphs carry
``id="a-<anchor>-p<n>"`` and ``data-start``/``data-end`` so that links still land close by
when the script cannot run.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as _dt
import functools
import hashlib
import math
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from storyline.analyse.lang.words import MONTH_ABBREVIATIONS
from storyline.output.story_list import StoryListView, story_list_view

__all__ = [
    "ReportView",
    "SpanLinker",
    "anchor_id",
    "paragraph_spans",
    "render_report",
    "report_view",
    "safe_text",
    "safe_url",
    "span_fragment",
    "templates",
    "write_report",
]

_MONTHS = MONTH_ABBREVIATIONS
_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")
# Characters kept verbatim in element ids; everything else is hex-escaped with "~" (which is
# itself escaped), so distinct article ids can never collide on one anchor. "-" is escaped too:
# it separates an anchor from its suffix ("a-<id>-p3", "a-<id>-<start>-<end>"), and an article
# named "x-p3" must not take the id of article "x"'s third paragraph.
_ID_SAFE_RE = re.compile(r"[^A-Za-z0-9_.]")
# An escaped id longer than this is replaced by a digest ("~h" never occurs in an escaped id, so
# the two forms cannot collide): a 10 kB id would otherwise be repeated, six times its size, in
# every link to it.
_ANCHOR_MAX = 120
# What a document can hold but a UTF-8 file or an HTML parser cannot keep: lone surrogates (a
# file name with undecodable bytes, a broken JSON escape) do not encode, and the parser drops NUL.
# Each becomes U+FFFD, one code point for one, so the character offsets of the text still hold.
_UNSAFE_CHARS_RE = re.compile("[\x00\ud800-\udfff]")
# Offsets and counts beyond this are not data about a text: they are treated as absent.
_INT_MAX = 2**63
# Values that may appear in a class name (CSS and the script select on classes, so a class
# must never come from data): anything else is shown as text under a neutral class.
_QUOTE_KINDS = frozenset({"direct", "partial", "indirect"})
_DUP_KINDS = frozenset({"exact", "near", "rewrite"})
_TITLE_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "EVENT"})
_TYPE_LABELS = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "GPE": "Place",
    "NORP": "Group",
    "EVENT": "Event",
    "OTHER": "Other",
}
# Quotes per speaker shown before the rest fold away: a prolific speaker in a big corpus can
# have thousands, and the reader wants the other speakers to stay within reach.
_QUOTES_SHOWN = 4
_ENTITY_QUOTES_SHOWN = 3
_SNIPPET_WORDS = 14
# Past this many dated entries the timeline chart aggregates markers instead of stacking them.
_TL_MARKS_MAX = 150
# Past this many outlets the chips fold into a disclosure so the sticky bar stays one line.
_CHIPS_OPEN_MAX = 12


def anchor_id(article_id: str) -> str:
    """The id-safe form of an article id (identity for ordinary ids like hashes).

    The result holds only ``[A-Za-z0-9_.~]``, is never empty, and distinct ids give distinct
    results (a digest stands in for very long ids).
    """
    safe = _ID_SAFE_RE.sub(lambda m: f"~{ord(m.group()):x}~", article_id)
    if len(safe) > _ANCHOR_MAX:
        digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()
        return f"~h{digest[:40]}"
    return safe or "~"


def safe_text(text: str) -> str:
    """``text`` with the characters no HTML or UTF-8 output can carry replaced by U+FFFD."""
    return _UNSAFE_CHARS_RE.sub("\ufffd", text)


def safe_url(value: Any) -> str | None:
    """The URL if it may become a link (http, https, mailto), else None.

    Scraped data can hold ``javascript:`` or ``data:`` URLs; only these schemes are inert.
    Browsers drop leading controls and spaces and inner tabs and newlines before reading the
    scheme, so the check is made on the URL as a browser would see it.
    """
    url = _s(value)
    if url is None:
        return None
    seen = re.sub(r"[\t\n\r]", "", url.lstrip("".join(map(chr, range(33))))).lower()
    if not seen.startswith(("http://", "https://", "mailto:")):
        return None
    return url.strip()


def span_fragment(article_id: str, start: int, end: int) -> str:
    """The fragment (without ``#``) that highlights ``text[start:end]`` of an article."""
    return f"a-{anchor_id(article_id)}-{int(start)}-{int(end)}"


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Split clean text into paragraphs (one per non-blank line) as ``(start, end)`` offsets.

    Offsets exclude the line's surrounding whitespace, so ``text[start:end]`` is exactly what
    the paragraph element shows and the inline script can count characters inside it.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + len(line) - len(line.lstrip())
            spans.append((start, start + len(stripped)))
        pos += len(line) + 1
    return spans


class SpanLinker:
    """Maps ``(article_id, start, end)`` spans to paragraph anchors and highlight links.

    Paragraph splits are computed on first use and kept, so a report linking into a few
    articles of a large corpus splits only those, and none twice.
    """

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = texts
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self._starts: dict[str, list[int]] = {}

    def paragraphs(self, article_id: str) -> list[tuple[int, int]]:
        spans = self._spans.get(article_id)
        if spans is None:
            spans = paragraph_spans(self._texts.get(article_id, ""))
            self._spans[article_id] = spans
        return spans

    def paragraph_index(self, article_id: str, start: int) -> int | None:
        if article_id not in self._texts:
            return None
        starts = self._starts.get(article_id)
        if starts is None:
            starts = [s for s, _ in self.paragraphs(article_id)]
            self._starts[article_id] = starts
        if not starts:
            return None
        return max(bisect.bisect_right(starts, start) - 1, 0)

    def paragraph_anchor(self, article_id: str, start: int, end: int) -> str | None:
        """The id of the paragraph where the span begins, or None for an unknown article."""
        del end  # a span crossing paragraphs is still best entered at its first one
        n = self.paragraph_index(article_id, start)
        if n is None:
            return None
        return f"a-{anchor_id(article_id)}-p{n}"

    def link(self, article_id: str, start: int, end: int, label: str, cls: str = "ev") -> Ref:
        """A link that opens the article at the span and highlights it."""
        para = self.paragraph_anchor(article_id, start, end)
        return Ref(label, f"#{span_fragment(article_id, start, end)}", cls, para)


# --- small, forgiving accessors: the builder may add, omit or mistype fields ----------------


def _s(value: Any) -> str | None:
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool) or value is None:
        return None
    elif isinstance(value, int):
        # str() of an int past 4,300 digits raises; such a number names nothing anyway.
        if abs(value) >= _INT_MAX:
            return None
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
    else:
        return None  # a list or an object where a string belongs: shown as absent
    return text if text.strip() else None


def _i(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < _INT_MAX else None
    if isinstance(value, float) and math.isfinite(value) and abs(value) < _INT_MAX:
        return int(value)
    return None


def _f(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) >= _INT_MAX:
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def _items(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, list | tuple):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def _strs(value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return [s for s in (_s(v) for v in value) if s]


def _parse_date(value: str | None) -> tuple[int, int | None, int | None] | None:
    if not value:
        return None
    m = _DATE_RE.match(value.strip())
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if year < _dt.MINYEAR:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            _dt.date(year, month or 1, day)
        except ValueError:
            return None
    return year, month, day


def _role_key(title: str) -> str:
    words = title.lower().replace("’", "'").split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join("prime minister" if w == "pm" else w for w in words)


def _role_history(roles: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, str, list[str]]]:
    """One line per title however many articles state it ("Prime Minister", "the PM" and "prime
    minister" are one): (title as most often written, first date, last date, article ids)."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for role in roles:
        title = _s(role.get("title")) or "?"
        groups.setdefault(_role_key(title), []).append(role)
    rows = []
    for members in groups.values():
        forms = Counter(_s(r.get("title")) or "?" for r in members)
        # The form written most often, capitalised forms first on a tie ("Prime Minister").
        title = max(forms, key=lambda t: (forms[t], t[:1].isupper(), len(t)))
        dates = sorted(d for d in (_s(r.get("date")) for r in members) if d)
        aids = list(dict.fromkeys(a for a in (_s(r.get("article_id")) for r in members) if a))
        rows.append((title, dates[0] if dates else "", dates[-1] if dates else "", aids))
    rows.sort(key=lambda r: (_date_ordinal(r[1]) or 10**9, r[0]))
    return rows


def _fmt_date(value: str | None) -> str:
    parsed = _parse_date(value)
    if parsed is None:
        return value or "undated"
    year, month, day = parsed
    if month is None:
        return str(year)
    if day is None:
        return f"{_MONTHS[month - 1]} {year}"
    return f"{day} {_MONTHS[month - 1]} {year}"


def _date_ordinal(value: str | None) -> int | None:
    parsed = _parse_date(value)
    if parsed is None:
        return None
    year, month, day = parsed
    try:
        return _dt.date(year, month or 1, day or 1).toordinal()
    except ValueError:
        return None


def _snippet(text: str, words: int = _SNIPPET_WORDS) -> str:
    parts = text.split(None, words)
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + "…"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _provenance(meta: Any) -> str | None:
    """A hover text saying where a metadata value came from."""
    if not isinstance(meta, Mapping):
        return None
    bits = []
    source = _s(meta.get("source"))
    method = _s(meta.get("method"))
    conf = _f(meta.get("confidence"))
    if source:
        bits.append(f"from {source}")
    if method:
        bits.append(f"by {method}")
    if conf is not None:
        bits.append(f"confidence {conf:.2f}")
    return ", ".join(bits) or None


@functools.lru_cache(maxsize=4)
def _asset(name: str) -> str:
    return resources.files("storyline.output").joinpath("templates", name).read_text("utf-8")


# --- templates ---------------------------------------------------------------------------------


class _CompactLoader(jinja2.BaseLoader):
    """Loads the package's templates with each line stripped and the lines joined with nothing.

    The report is one long line of markup: whitespace between tags would be text in the page
    (gaps between inline elements, stray nodes the highlighter counts), so the templates may be
    indented for reading and a space that matters is written inside a line.
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        path = resources.files("storyline.output").joinpath("templates", template)
        if not template.endswith(".html") or not path.is_file():
            raise jinja2.TemplateNotFound(template)
        source = "".join(line.strip() for line in path.read_text("utf-8").splitlines())
        return source, None, lambda: True


@functools.lru_cache(maxsize=1)
def templates() -> jinja2.Environment:
    """The report's templates, one per section (``_header.html``, ``_timeline.html``, ...), each
    rendering one view-model object: a web app can render the same partials."""
    return jinja2.Environment(
        loader=_CompactLoader(),
        autoescape=True,  # every value is text unless it is Markup made here
        undefined=jinja2.StrictUndefined,  # a misspelt field fails a test, not the page
        auto_reload=False,
        keep_trailing_newline=False,
    )


def _render(template: str, **view: object) -> Markup:
    return Markup(templates().get_template(template).render(**view))


# --- the view model: what each section shows, as plain (unescaped) values -------------------------
# Coordinates are preformatted strings ("412.5"), so a template never formats a number.


@dataclass(frozen=True, slots=True)
class DateView:
    """A date as shown: ``iso`` for the machine-readable attribute (None: undated)."""

    iso: str | None
    label: str
    hover: str | None = None
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class Ref:
    """A link inside the report, or just ``text`` when its target is not in the dossier."""

    text: str
    href: str | None = None
    cls: str | None = None
    para: str | None = None  # the paragraph a highlight link lands in without script
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Outlet and date of the article something comes from; ``missing`` when it is unknown."""

    outlet: str = ""
    date: DateView | None = None
    missing: str = ""


@dataclass(frozen=True, slots=True)
class Stat:
    label: str
    value: str
    href: str = ""
    small: str = ""


@dataclass(frozen=True, slots=True)
class ErrorItem:
    source: str
    error: str
    article: Ref | None = None
    step: str = ""


@dataclass(frozen=True, slots=True)
class HeaderView:
    title: str
    stats: tuple[Stat, ...]
    missing: tuple[str, ...]
    errors_summary: str
    errors: tuple[ErrorItem, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    x: str
    label: str


@dataclass(frozen=True, slots=True)
class Mark:
    """A clickable marker on the timeline axis, optionally named by a date above it."""

    target: str
    cls: str
    cx: str
    cy: str
    r: str
    tip: str
    label: str = ""
    label_y: int = 0


@dataclass(frozen=True, slots=True)
class ChartView:
    height: int
    axis_y: int
    count_label: str
    ticks: tuple[Tick, ...]
    marks: tuple[Mark, ...]
    width: int = 1000
    pad: int = 40


@dataclass(frozen=True, slots=True)
class Evidence:
    link: Ref | None
    source: Source


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    element_id: str
    date_label: str
    summary: str
    entities: tuple[Ref, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class TimelineView:
    count_label: str
    chart: ChartView | None
    entries: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class QuoteGroupNote:
    """One quote said once and reported by several outlets: where else it appears."""

    outlets_label: str
    others: tuple[Ref, ...]


@dataclass(frozen=True, slots=True)
class QuoteView:
    element_id: str
    kind_cls: str
    outlet: str
    speaker: str  # for the filter: the name itself sits in the group heading
    text: str
    via: str
    cue: str
    kind_tag: str
    low_confidence: str
    source: Source
    context: Ref | None
    group: QuoteGroupNote | None


@dataclass(frozen=True, slots=True)
class SpeakerIndexItem:
    target: str
    name: str
    count: str


@dataclass(frozen=True, slots=True)
class SpeakerGroup:
    element_id: str
    name: str
    profile: str  # the speaker's entity card, or ""
    count_label: str
    shown: tuple[QuoteView, ...]
    rest: tuple[QuoteView, ...]
    rest_label: str


@dataclass(frozen=True, slots=True)
class QuotesView:
    count: str
    index: tuple[SpeakerIndexItem, ...]
    groups: tuple[SpeakerGroup, ...]


@dataclass(frozen=True, slots=True)
class RoleSource:
    target: str
    label: str


@dataclass(frozen=True, slots=True)
class RoleLine:
    title: str
    when: str
    sources: tuple[RoleSource, ...]


@dataclass(frozen=True, slots=True)
class EntityCard:
    element_id: str
    name: str
    type_cls: str
    type_label: str
    mentions_label: str
    aliases: tuple[str, ...]
    roles: tuple[RoleLine, ...]
    quotes_label: str
    quotes: tuple[Ref, ...]
    all_quotes: Ref | None


@dataclass(frozen=True, slots=True)
class EntitiesView:
    count: str
    cards: tuple[EntityCard, ...]


@dataclass(frozen=True, slots=True)
class RemovedItem:
    text: str
    how: str


@dataclass(frozen=True, slots=True)
class RemovedGroup:
    reason: str
    count: str
    items: tuple[RemovedItem, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of an article's text: ``text`` is ``article[start:end]``, exactly."""

    element_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ArticleCard:
    element_id: str
    article_id: str
    outlet: str  # "" when unknown: the filter's value
    outlet_label: str
    outlet_hover: str
    date: DateView
    byline: str
    byline_hover: str
    title: str
    title_hover: str
    snippet: str  # first words of the text, when there is no title
    duplicate_of: Ref | None
    url: str
    source: str
    words_label: str
    paragraphs: tuple[Paragraph, ...]
    removed_label: str
    removed: tuple[RemovedGroup, ...]


@dataclass(frozen=True, slots=True)
class ArticlesView:
    count: str
    cards: tuple[ArticleCard, ...]


@dataclass(frozen=True, slots=True)
class DuplicateMember:
    date: DateView | None
    outlet: str
    article: Ref | None  # None: not in this dossier
    missing: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateGroupView:
    kind: str
    kind_cls: str
    similarity: str
    count_label: str
    members: tuple[DuplicateMember, ...]


@dataclass(frozen=True, slots=True)
class DuplicatesView:
    note: str  # shown instead of the groups when there are none
    groups: tuple[DuplicateGroupView, ...]


@dataclass(frozen=True, slots=True)
class ReportView:
    """Everything the page shows; each section renders alone from its own part."""

    title: str
    header: HeaderView
    toolbar: ToolbarView
    timeline: TimelineView | None
    quotes: QuotesView | None
    entities: EntitiesView | None
    duplicates: DuplicatesView
    articles: ArticlesView
    articles_label: str
    stories: StoryListView | None = None
    """The list of stories (output/story_list.py), when there is more than one."""


@dataclass(frozen=True, slots=True)
class TocLink:
    target: str
    label: str


@dataclass(frozen=True, slots=True)
class Chip:
    outlet: str
    name: str
    count: str


@dataclass(frozen=True, slots=True)
class ToolbarView:
    links: tuple[TocLink, ...]
    chips: tuple[Chip, ...]
    fold: bool
    outlets_label: str


# --- the model the renderer works from --------------------------------------------------------


class _Article:
    __slots__ = (
        "date",
        "date_source",
        "duplicate_of",
        "element_id",
        "id",
        "meta",
        "ordinal",
        "outlet",
        "raw",
        "text",
        "title",
    )

    def __init__(self, raw: Mapping[str, Any], index: int) -> None:
        self.raw = raw
        self.id = _s(raw.get("id")) or f"article-{index}"
        text = raw.get("text")
        self.text: str = text if isinstance(text, str) else ""
        meta = raw.get("meta")
        self.meta: Mapping[str, Any] = meta if isinstance(meta, Mapping) else {}
        self.outlet = _s(raw.get("outlet"))
        self.title = _s(raw.get("title"))
        self.date = _s(raw.get("published"))
        self.date_source = _s(raw.get("published_source"))
        self.duplicate_of = _s(raw.get("duplicate_of"))
        self.ordinal = _date_ordinal(self.date)
        self.element_id = ""

    def label(self) -> str:
        """Short human name used wherever another section points at this article."""
        title = self.title or _snippet(self.text, 8) or self.id
        return f"{self.outlet or 'Unknown outlet'}, {_fmt_date(self.date)}: {title}"


# The report's own element ids: no derived id ("a-…", "e-…", "q-…", "s-…", "t-…") can be one.
_STATIC_IDS = frozenset(
    {"top", "timeline", "who-said-what", "people", "duplicates", "articles", "flt", "flt-count"}
)


class _Report:
    def __init__(self, dossier: Mapping[str, Any], title: str | None) -> None:
        self.articles = [_Article(a, i) for i, a in enumerate(_items(dossier.get("articles")))]
        self.by_id: dict[str, _Article] = {}
        for art in self.articles:
            self.by_id.setdefault(art.id, art)
        self.entities = _items(dossier.get("entities"))
        self.entity_by_id: dict[str, Mapping[str, Any]] = {}
        self.entity_by_name: dict[str, Mapping[str, Any]] = {}
        for ent in self.entities:
            eid, name = _s(ent.get("id")), _s(ent.get("name"))
            if eid:
                self.entity_by_id.setdefault(eid, ent)
            if name:
                self.entity_by_name.setdefault(name, ent)
        self.quote_groups = {
            gid: g for g in _items(dossier.get("quote_groups")) if (gid := _s(g.get("id")))
        }
        self.quotes = _first_of_each_group(_items(dossier.get("quotes")), self.quote_groups)
        self.timeline = _items(dossier.get("timeline"))
        self.duplicates = _items(dossier.get("duplicates"))
        self.errors = _items(dossier.get("errors"))
        self.has = {k: k in dossier for k in ("quotes", "entities", "timeline", "duplicates")}
        self.linker = SpanLinker({aid: a.text for aid, a in self.by_id.items()})
        self.title = _s(title) or self._derive_title()
        # Element ids are derived from data, so two records may ask for the same one (a repeated
        # article, quote or entity id): the first keeps it, later ones get "--2", "--3", ... which
        # no derived id contains, so an id is never duplicated and links still reach the first.
        self._ids = set(_STATIC_IDS)
        self._next_suffix: dict[str, int] = {}
        # Claimed in dossier order, as by_id resolves a repeated id: links and the paragraph
        # offsets they carry go to the first article, whatever order the cards are shown in.
        for art in self.articles:
            art.element_id = self.claim_id(f"a-{anchor_id(art.id)}")
        self.entity_ids = [
            self.claim_id(f"e-{anchor_id(_s(ent.get('id')) or '')}") for ent in self.entities
        ]

    def has_id(self, element_id: str) -> bool:
        return element_id in self._ids

    def claim_id(self, base: str) -> str:
        """A unique element id: ``base`` the first time, ``base--<n>`` after that."""
        if base not in self._ids:
            self._ids.add(base)
            return base
        # Counting on from the last suffix given keeps 10,000 records with one id linear.
        n = self._next_suffix.get(base, 2)
        while f"{base}--{n}" in self._ids:
            n += 1
        self._next_suffix[base] = n + 1
        self._ids.add(f"{base}--{n}")
        return f"{base}--{n}"

    def _derive_title(self) -> str:
        ranked = sorted(
            (e for e in self.entities if _s(e.get("name")) and e.get("type") in _TITLE_TYPES),
            key=lambda e: -(_i(e.get("mentions")) or 0),
        )
        names: list[str] = []
        for ent in ranked:
            name = _s(ent.get("name")) or ""
            if name not in names:
                names.append(name)
            if len(names) == 3:
                break
        if not names:
            return "Story dossier"
        if len(names) == 1:
            return names[0]
        return ", ".join(names[:-1]) + " and " + names[-1]

    # -- helpers ---------------------------------------------------------------------------

    def article_ref(self, article_id: str) -> Ref:
        art = self.by_id.get(article_id)
        if art is None:
            return Ref(article_id)  # not in this dossier: named, but no link to nowhere
        return Ref(art.label(), f"#a-{anchor_id(article_id)}")

    def source(self, article_id: str | None) -> Source:
        """Outlet and date of an article, as a quote's or evidence's byline."""
        art = self.by_id.get(article_id or "")
        if art is None:
            return Source(missing=article_id or "unknown article")
        return Source(
            art.outlet or "Unknown outlet",
            _date_view(art.date, art.date_source, art.meta.get("published")),
        )

    def evidence_ref(self, article_id: str | None, start: Any, end: Any, label: str) -> Ref | None:
        """A highlight link to a span, the article when the span is unusable, None without one."""
        s, e = _i(start), _i(end)
        if not article_id:
            return None
        if s is None or e is None or not 0 <= s <= e or article_id not in self.by_id:
            return self.article_ref(article_id)
        return self.linker.link(article_id, s, e, label)

    def entity_ref(self, entity_id: str | None) -> Ref:
        ent = self.entity_by_id.get(entity_id or "")
        if ent is None:
            return Ref(entity_id or "")
        name = _s(ent.get("name")) or entity_id or ""
        return Ref(name, f"#e-{anchor_id(entity_id or '')}", "ent")


def _date_view(date: str | None, source: str | None, meta: Any = None) -> DateView:
    hover = []
    if source:
        hover.append(f"Date source: {source}")
    prov = _provenance(meta)
    if prov:
        hover.append(f"({prov})")
    title = " ".join(hover) or None
    if not date:
        return DateView(None, "undated", title)
    return DateView(date, _fmt_date(date), title, source == "inferred")


# --- sections ----------------------------------------------------------------------------------


def _date_range(lo: int, hi: int) -> str:
    first, last = _dt.date.fromordinal(lo), _dt.date.fromordinal(hi)
    if first == last:
        return _fmt_date(first.isoformat())
    if first.year == last.year:
        # "2 Jul – 6 Nov 2024" fits a stat card where the full form wraps over three lines.
        return f"{first.day} {_MONTHS[first.month - 1]} – {_fmt_date(last.isoformat())}"
    return f"{_fmt_date(first.isoformat())} – {_fmt_date(last.isoformat())}"


def _header(r: _Report) -> HeaderView:
    outlets = Counter(a.outlet or "" for a in r.articles)
    ords = [a.ordinal for a in r.articles if a.ordinal is not None]
    span = _date_range(min(ords), max(ords)) if ords else "no dates"
    dup_articles = sum(1 for a in r.articles if a.duplicate_of)
    people = sum(1 for e in r.entities if e.get("type") == "PERSON")
    named_outlets = len([o for o in outlets if o])
    stats = (
        Stat("Articles", f"{len(r.articles):,}", "#articles"),
        Stat("Outlets", f"{named_outlets:,}", "#articles"),
        Stat("Dates", span, "#timeline" if r.timeline else "#articles"),
        Stat(
            "Duplicates",
            f"{len(r.duplicates):,}",
            "#duplicates",
            f"{_plural(len(r.duplicates), 'group')}, {_plural(dup_articles, 'copy', 'copies')}",
        ),
        Stat("Quotes", f"{len(r.quotes):,}", "#who-said-what" if r.quotes else ""),
        Stat("People", f"{people:,}", "#people" if r.entities else ""),
    )
    missing = tuple(
        name
        for key, name in (
            ("quotes", "quotes"),
            ("entities", "people and organisations"),
            ("timeline", "timeline"),
        )
        if not getattr(r, key)
    )
    summary, errors = _errors(r)
    return HeaderView(r.title, stats, missing, summary, errors)


def _errors(r: _Report) -> tuple[str, tuple[ErrorItem, ...]]:
    """What the build could not do: inputs it skipped, and stages that failed on an article
    (the article is kept with every layer that worked) or on the whole corpus."""
    skipped = sum(1 for e in r.errors if _s(e.get("stage")) in (None, "ingest"))
    failed = len(r.errors) - skipped
    parts = []
    if skipped:
        parts.append(
            f"{_plural(skipped, 'input')} could not be read and "
            f"{'was' if skipped == 1 else 'were'} skipped"
        )
    if failed:
        parts.append(f"{_plural(failed, 'step')} failed")
    items = []
    for err in r.errors:
        aid = _s(err.get("article_id"))
        step = " / ".join(x for x in (_s(err.get("stage")), _s(err.get("component"))) if x)
        items.append(
            ErrorItem(
                _s(err.get("source")) or "unknown input",
                _s(err.get("error")) or "unknown error",
                r.article_ref(aid) if aid else None,
                step if step != "ingest" else "",
            )
        )
    return "; ".join(parts), tuple(items)


def _toolbar(r: _Report) -> ToolbarView:
    links = []
    if r.timeline:
        links.append(TocLink("timeline", "Timeline"))
    if r.quotes:
        links.append(TocLink("who-said-what", "Who said what"))
    if r.entities:
        links.append(TocLink("people", "People & organisations"))
    links += [TocLink("duplicates", "Duplicates"), TocLink("articles", "Articles")]
    outlets = Counter(a.outlet or "" for a in r.articles)
    chips: tuple[Chip, ...] = ()
    if len(outlets) > 1 or (outlets and "" not in outlets):
        ranked = sorted(outlets.items(), key=lambda kv: (not kv[0], -kv[1], kv[0].lower()))
        chips = tuple(Chip(o, o or "Unknown outlet", f"{n:,}") for o, n in ranked)
    return ToolbarView(
        tuple(links), chips, len(outlets) > _CHIPS_OPEN_MAX, f"{len(outlets):,} outlets"
    )


def _sorted_articles(articles: Sequence[_Article]) -> list[_Article]:
    big = 10**9  # undated articles go last, where a reader expects leftovers
    return sorted(
        articles,
        key=lambda a: (a.ordinal if a.ordinal is not None else big, (a.outlet or "~").lower()),
    )


def _removed(removed: list[Mapping[str, Any]]) -> tuple[RemovedGroup, ...]:
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for item in removed:
        groups[_s(item.get("reason")) or "unspecified"].append(item)
    out = []
    for reason, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = []
        for item in items:
            bits = []
            method = _s(item.get("method"))
            conf = _f(item.get("confidence"))
            if method:
                bits.append(method)
            if conf is not None:
                bits.append(f"confidence {conf:.2f}")
            start, end = _i(item.get("start")), _i(item.get("end"))
            if start is not None and end is not None:
                bits.append(f"chars {start:,}–{end:,}")
            shown.append(RemovedItem(_s(item.get("text")) or "", " · ".join(bits)))
        out.append(RemovedGroup(reason, f"{len(items):,}", tuple(shown)))
    return tuple(out)


def _article(r: _Report, art: _Article) -> ArticleCard:
    raw = art.raw
    duplicate_of = None
    if art.duplicate_of:
        original = r.by_id.get(art.duplicate_of)
        if original is None:
            duplicate_of = Ref(f"duplicate of {_shorten(art.duplicate_of, 70)}")
        else:
            label = original.label()
            href = f"#a-{anchor_id(art.duplicate_of)}"
            duplicate_of = Ref(
                f"duplicate of {_shorten(label, 70)}", href, "badge dup", title=label
            )
    url = safe_url(raw.get("url")) or safe_url(raw.get("source")) or ""
    source = _s(raw.get("source")) or ""
    own = r.by_id.get(art.id) is art  # a repeated id gets its own split, not the first's
    spans = r.linker.paragraphs(art.id) if own else paragraph_spans(art.text)
    pid = f"{art.element_id}-p"
    removed = _items(raw.get("removed"))
    byline = _s(raw.get("byline")) or ""
    return ArticleCard(
        element_id=art.element_id,
        article_id=art.id,
        outlet=art.outlet or "",
        outlet_label=art.outlet or "Unknown outlet",
        outlet_hover=_provenance(art.meta.get("outlet")) or "",
        date=_date_view(art.date, art.date_source, art.meta.get("published")),
        byline=byline,
        byline_hover=(_provenance(art.meta.get("byline")) or "") if byline else "",
        title=art.title or "",
        title_hover=(_provenance(art.meta.get("title")) or "") if art.title else "",
        snippet="" if art.title else (_snippet(art.text) or "(no text)"),
        duplicate_of=duplicate_of,
        url=url,
        source=source if source != url else "",
        words_label=_plural(len(art.text.split()), "word"),
        paragraphs=tuple(
            Paragraph(f"{pid}{n}", a, b, art.text[a:b]) for n, (a, b) in enumerate(spans)
        ),
        removed_label=_plural(len(removed), "item"),
        removed=_removed(removed),
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _articles_section(r: _Report) -> ArticlesView:
    return ArticlesView(
        f"{len(r.articles):,}", tuple(_article(r, a) for a in _sorted_articles(r.articles))
    )


def _duplicates_section(r: _Report) -> DuplicatesView:
    note = "No duplicates found." if r.has["duplicates"] else "Not computed."
    groups = []
    for group in r.duplicates:
        kind = _s(group.get("kind")) or "unknown"
        sim = _f(group.get("similarity"))
        ids = _strs(group.get("article_ids"))
        members = []
        for aid in ids:
            art = r.by_id.get(aid)
            if art is None:
                members.append(DuplicateMember(None, "", None, aid))
                continue
            members.append(
                DuplicateMember(
                    _date_view(art.date, art.date_source),
                    art.outlet or "Unknown outlet",
                    Ref(art.title or _snippet(art.text, 10), f"#a-{anchor_id(aid)}"),
                )
            )
        groups.append(
            DuplicateGroupView(
                kind,
                kind if kind in _DUP_KINDS else "other",
                f"{sim:.2f}" if sim is not None else "",
                _plural(len(ids), "article"),
                tuple(members),
            )
        )
    return DuplicatesView(note, tuple(groups))


def _quote(r: _Report, q: Mapping[str, Any]) -> QuoteView:
    aid = _s(q.get("article_id"))
    art = r.by_id.get(aid or "")
    qid = _s(q.get("id"))
    kind = _s(q.get("kind")) or "direct"
    span, cue = q.get("speaker_span"), q.get("cue")
    conf = _f(q.get("confidence"))
    group = r.quote_groups.get(_s(q.get("group_id")) or "")
    note = None
    if group is not None:
        others = [a for a in _strs(group.get("article_ids")) if a != aid]
        n = len(_strs(group.get("outlets"))) or len(_strs(group.get("article_ids")))
        note = QuoteGroupNote(_plural(n, "outlet"), tuple(r.article_ref(a) for a in others))
    return QuoteView(
        element_id=r.claim_id(f"q-{anchor_id(qid)}") if qid else "",
        kind_cls=kind if kind in _QUOTE_KINDS else "other",
        outlet=(art.outlet or "") if art else "",
        speaker=_s(q.get("speaker")) or "Unattributed",
        text=_s(q.get("text")) or "",
        via=(_s(span.get("text")) or "") if isinstance(span, Mapping) else "",
        cue=(_s(cue.get("text")) or "") if isinstance(cue, Mapping) else "",
        kind_tag=kind if kind != "direct" else "",
        low_confidence=f"{conf:.2f}" if conf is not None and conf < 0.5 else "",
        source=r.source(aid),
        context=r.evidence_ref(aid, q.get("start"), q.get("end"), "in context →"),
        group=note,
    )


def _first_of_each_group(
    quotes: list[Mapping[str, Any]], groups: Mapping[str, Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """One quote said once and carried by several outlets is shown once, at its first telling
    (the dossier lists quotes by article date), with the other sources named beside it."""
    shown: set[str] = set()
    out = []
    for q in quotes:
        gid = _s(q.get("group_id"))
        if gid and gid in groups:
            if gid in shown:
                continue
            shown.add(gid)
        out.append(q)
    return out


# "s--…" is no speaker's anchor ("-" is escaped in anchors): a speaker named "unattributed" keeps
# its own group.
_UNATTRIBUTED_ID = "s--unattributed"


def _quotes_section(r: _Report) -> QuotesView:
    by_speaker: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    unattributed: list[Mapping[str, Any]] = []
    for q in r.quotes:
        speaker = _s(q.get("speaker"))
        if speaker:
            by_speaker[speaker].append(q)
        else:
            unattributed.append(q)
    ranked = sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0].lower()))
    index: list[SpeakerIndexItem] = []
    if ranked:
        index = [SpeakerIndexItem(f"s-{anchor_id(n)}", n, f"{len(qs):,}") for n, qs in ranked]
        if unattributed:
            index.append(
                SpeakerIndexItem(_UNATTRIBUTED_ID, "Unattributed", f"{len(unattributed):,}")
            )
    named: list[tuple[str, str, list[Mapping[str, Any]]]] = [
        (f"s-{anchor_id(name)}", name, quotes) for name, quotes in ranked
    ]
    if unattributed:
        named.append((_UNATTRIBUTED_ID, "Unattributed", unattributed))
    groups = []
    for sid, name, quotes in named:
        quotes = sorted(quotes, key=lambda q: _quote_sort_key(r, q))
        ent = None
        if sid != _UNATTRIBUTED_ID:
            eid = next(
                (_s(q.get("speaker_entity_id")) for q in quotes if q.get("speaker_entity_id")), None
            )
            ent = r.entity_by_id.get(eid or "") or r.entity_by_name.get(name)
        element_id = r.claim_id(sid)  # before its quotes', as the page reads
        groups.append(
            SpeakerGroup(
                element_id,
                name,
                f"e-{anchor_id(_s(ent.get('id')) or '')}" if ent is not None else "",
                _plural(len(quotes), "quote"),
                tuple(_quote(r, q) for q in quotes[:_QUOTES_SHOWN]),
                tuple(_quote(r, q) for q in quotes[_QUOTES_SHOWN:]),
                _plural(max(len(quotes) - _QUOTES_SHOWN, 0), "more quote"),
            )
        )
    return QuotesView(f"{len(r.quotes):,}", tuple(index), tuple(groups))


def _quote_sort_key(r: _Report, q: Mapping[str, Any]) -> tuple[int, str, int]:
    art = r.by_id.get(_s(q.get("article_id")) or "")
    ordinal = art.ordinal if art and art.ordinal is not None else 10**9
    return ordinal, (art.outlet or "~").lower() if art else "~", _i(q.get("start")) or 0


def _entities_section(r: _Report) -> EntitiesView:
    quotes_by_entity: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for q in r.quotes:
        key = _s(q.get("speaker_entity_id"))
        if key is None:
            ent = r.entity_by_name.get(_s(q.get("speaker")) or "")
            key = _s(ent.get("id")) if ent else None
        if key:
            quotes_by_entity[key].append(q)
    ranked = sorted(
        zip(r.entity_ids, r.entities, strict=True),
        key=lambda p: (-(_i(p[1].get("mentions")) or 0), (_s(p[1].get("name")) or "").lower()),
    )
    cards = []
    for element_id, ent in ranked:
        eid = _s(ent.get("id")) or ""
        name = _s(ent.get("name")) or eid or "unnamed"
        etype = _s(ent.get("type")) or "OTHER"
        mentions = _i(ent.get("mentions"))
        roles = []
        for title, first, last, aids in _role_history(_items(ent.get("roles"))):
            when = _fmt_date(first) if first == last else f"{_fmt_date(first)} – {_fmt_date(last)}"
            known = [a for a in aids if a in r.by_id]
            sources = tuple(
                RoleSource(f"a-{anchor_id(a)}", "source" if len(known) == 1 else str(k))
                for k, a in enumerate(known, start=1)
            )
            roles.append(RoleLine(title, when, sources))
        quotes = quotes_by_entity.get(eid, [])
        shown = []
        for q in quotes[:_ENTITY_QUOTES_SHOWN]:
            qid = _s(q.get("id"))
            text = f"“{_shorten(_s(q.get('text')) or '', 140)}”"
            shown.append(Ref(text, f"#q-{anchor_id(qid)}" if qid else None))
        all_quotes = None
        if len(quotes) > _ENTITY_QUOTES_SHOWN and r.has_id(f"s-{anchor_id(name)}"):
            all_quotes = Ref(f"all {len(quotes):,} quotes", f"#s-{anchor_id(name)}", "more")
        cards.append(
            EntityCard(
                element_id=element_id,
                name=name,
                type_cls=etype if etype in _TYPE_LABELS else "OTHER",
                type_label=_TYPE_LABELS.get(etype, etype),
                mentions_label=_plural(mentions, "mention") if mentions is not None else "",
                aliases=tuple(a for a in _strs(ent.get("aliases")) if a != name),
                roles=tuple(roles),
                quotes_label=_plural(len(quotes), "quote"),
                quotes=tuple(shown),
                all_quotes=all_quotes,
            )
        )
    return EntitiesView(f"{len(r.entities):,}", tuple(cards))


def _timeline_chart(entries: Sequence[tuple[int, Mapping[str, Any], str]]) -> ChartView:
    """A horizontal date axis with one clickable marker per entry; stacked when dates collide."""
    width, pad, step, r_dot = 1000, 40, 15, 6
    lo = min(o for o, _, _ in entries)
    hi = max(o for o, _, _ in entries)
    if hi - lo < 30:
        # Widen a short span to a month, inside the calendar: a story can reach 1 Jan of year 1
        # or 31 Dec 9999, and no date exists beyond either.
        lo, hi = max(lo - 15, _ORD_MIN), min(hi + 15, _ORD_MAX)
        lo, hi = max(min(lo, hi - 30), _ORD_MIN), min(max(hi, lo + 30), _ORD_MAX)
    span = hi - lo

    def x_of(ordinal: int) -> float:
        return pad + (ordinal - lo) * (width - 2 * pad) / span

    def ticks() -> tuple[Tick, ...]:
        return tuple(Tick(f"{x_of(tx):.1f}", label) for tx, label in _ticks(lo, hi))

    count = f"{len(entries):,}"
    if len(entries) > _TL_MARKS_MAX:
        return ChartView(50 + 36, 50, count, ticks(), _dense_marks(entries, x_of, 50))
    stack: Counter[int] = Counter()
    placed = []
    max_level = 0
    for ordinal, entry, tid in entries:
        x = x_of(ordinal)
        bucket = round(x / (r_dot * 2))
        level = stack[bucket]
        stack[bucket] += 1
        level = min(level, 12)  # past a dozen, markers overlap rather than grow the chart
        max_level = max(max_level, level)
        placed.append((x, level, entry, tid))
    axis_y = 36 + max_level * step + r_dot
    # A sparse chart names its dates; a crowded one leaves that to the hover text.
    labelled = len(placed) <= 20
    last_label_x = -1e9
    marks = []
    for x, level, entry, tid in placed:
        y = axis_y - r_dot - 4 - level * step
        date = _s(entry.get("date")) or ""
        label = ""
        if labelled and level == 0 and x - last_label_x >= 80:
            last_label_x = x
            label = _fmt_date(date)
        partial = "" if _parse_date(date) and len(date) == 10 else " partial"
        tip = f"{_fmt_date(date)} — {_shorten(_s(entry.get('summary')) or '', 160)}"
        marks.append(
            Mark(
                tid,
                f"tl-mark{partial}",
                f"{x:.1f}",
                str(y),
                str(r_dot),
                tip,
                label,
                y - r_dot - max_level * step - 6,
            )
        )
    return ChartView(axis_y + 36, axis_y, count, ticks(), tuple(marks))


def _dense_marks(
    entries: Sequence[tuple[int, Mapping[str, Any], str]],
    x_of: Callable[[int], float],
    axis_y: int,
) -> tuple[Mark, ...]:
    """One marker per stretch of the axis, sized by its number of entries.

    Hundreds of entries stacked one marker each become an unreadable wall; a marker whose area
    grows with the count still shows where the story was busy and links to the first entry.
    """
    buckets: dict[int, list[tuple[int, str]]] = {}
    for ordinal, _entry, tid in entries:
        buckets.setdefault(round(x_of(ordinal) / 8), []).append((ordinal, tid))
    biggest = max(len(v) for v in buckets.values())
    marks = []
    for items in buckets.values():
        first_ord, first_tid = items[0]
        last_ord = items[-1][0]
        radius = 3 + 11 * (len(items) / biggest) ** 0.5
        x = x_of((first_ord + last_ord) // 2)
        first = _fmt_date(_dt.date.fromordinal(first_ord).isoformat())
        last = _fmt_date(_dt.date.fromordinal(last_ord).isoformat())
        when = first if first == last else f"{first} – {last}"
        tip = f"{when}: {_plural(len(items), 'entry', 'entries')}"
        marks.append(
            Mark(first_tid, "tl-mark dense", f"{x:.1f}", str(axis_y - 16), f"{radius:.1f}", tip)
        )
    return tuple(marks)


_ORD_MIN = _dt.date.min.toordinal()
_ORD_MAX = _dt.date.max.toordinal()


def _ticks(lo: int, hi: int) -> list[tuple[int, str]]:
    first, last = _dt.date.fromordinal(lo), _dt.date.fromordinal(hi)
    months = (last.year - first.year) * 12 + last.month - first.month
    if months > 36:
        every = max(1, (last.year - first.year) // 10 + 1)
        return [
            (_dt.date(y, 1, 1).toordinal(), str(y))
            for y in range(first.year + 1, last.year + 1)
            if (y - first.year) % every == 0
        ]
    every = max(1, months // 10 + 1)
    ticks: list[tuple[int, str]] = []
    y, m = first.year, first.month
    last_year = y
    i = 0
    while True:
        m += 1
        if m == 13:
            y, m = y + 1, 1
        if y > _dt.MAXYEAR:
            break
        d = _dt.date(y, m, 1)
        if d > last:
            break
        if i % every == 0:
            # The year is named on the first tick of each year, which need not be January.
            label = _MONTHS[m - 1] if ticks and y == last_year else f"{_MONTHS[m - 1]} {y}"
            last_year = y
            ticks.append((d.toordinal(), label))
        i += 1
    if not ticks:
        ticks.append((lo, _fmt_date(first.isoformat())))
    return ticks


def _timeline_section(r: _Report) -> TimelineView:
    dated: list[tuple[int, Mapping[str, Any], str]] = []
    undated: list[tuple[Mapping[str, Any], str]] = []
    for n, entry in enumerate(r.timeline):
        entry_id = _s(entry.get("id"))
        # An entry without an id is named by its place ("t--3"), which no anchor can spell.
        tid = r.claim_id(f"t-{anchor_id(entry_id)}" if entry_id else f"t--{n}")
        ordinal = _date_ordinal(_s(entry.get("date")))
        if ordinal is None:
            undated.append((entry, tid))
        else:
            dated.append((ordinal, entry, tid))
    dated.sort(key=lambda t: (t[0], len(_s(t[1].get("date")) or "")))
    entries = []
    for entry, tid in [(e, tid) for _, e, tid in dated] + undated:
        evidence = []
        for ev in _items(entry.get("evidence")):
            aid = _s(ev.get("article_id"))
            text = _shorten(_s(ev.get("text")) or "source", 200)
            evidence.append(
                Evidence(r.evidence_ref(aid, ev.get("start"), ev.get("end"), text), r.source(aid))
            )
        entries.append(
            TimelineEntry(
                tid,
                _fmt_date(_s(entry.get("date"))),
                _s(entry.get("summary")) or "",
                tuple(r.entity_ref(eid) for eid in _strs(entry.get("entity_ids"))),
                tuple(evidence),
            )
        )
    return TimelineView(
        _plural(len(r.timeline), "entry", "entries"),
        _timeline_chart(dated) if dated else None,
        tuple(entries),
    )


# --- public API --------------------------------------------------------------------------------


def report_view(dossier: Mapping[str, Any], *, title: str | None = None) -> ReportView:
    """What the report shows, section by section, as plain values (escaping is the templates')."""
    r = _Report(dossier, title)
    # Built in page order: element ids are handed out first come, first served.
    header, toolbar = _header(r), _toolbar(r)
    timeline = _timeline_section(r) if r.timeline else None
    quotes = _quotes_section(r) if r.quotes else None
    entities = _entities_section(r) if r.entities else None
    return ReportView(
        title=r.title,
        header=header,
        toolbar=toolbar,
        timeline=timeline,
        quotes=quotes,
        entities=entities,
        duplicates=_duplicates_section(r),
        articles=_articles_section(r),
        articles_label=_plural(len(r.articles), "article"),
        stories=story_list_view(dossier),
    )


def render_report(dossier: Mapping[str, Any], *, title: str | None = None) -> str:
    """Render a dossier (as in the output contract) to one self-contained HTML5 document."""
    # "</" inside the inlined assets would end the element early; our own assets never contain
    # it, and this guard keeps it that way if someone edits them.
    css = Markup(_asset("report.css").replace("</", "<\\/"))
    js = Markup(_asset("report.js").replace("</", "<\\/"))
    page = _render("report.html", view=report_view(dossier, title=title), css=css, js=js)
    return safe_text(str(page))


def write_report(
    dossier: Mapping[str, Any], path: str | os.PathLike[str], *, title: str | None = None
) -> None:
    """Write the report to ``path`` atomically, so a reader never opens a half-written file."""
    target = os.fspath(path)
    content = render_report(dossier, title=title)
    directory = os.path.dirname(os.path.abspath(target))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
            fh.flush()
            # On disk before the rename, so a power cut leaves the old report or the new one.
            os.fsync(fh.fileno())
        # mkstemp makes the file private; a report is meant to be shared like any document.
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
