"""Main text and metadata of one news web page, by trafilatura and htmldate.

The article body comes from two trafilatura passes over the page:

* a precision pass (``favor_precision=True``), which on real news pages drops most of the
  furniture that the balanced mode keeps (reader comments the page does not mark as such,
  "more stories" lists, shop widgets) and is what the text is built from;
* a balanced pass, used when the precision pass finds nothing, and to put back the lead
  paragraph: precision mode often drops a standfirst set apart from the body, and the standfirst
  is almost always the page's meta description, so a balanced-pass paragraph just before the
  precision text that repeats the description is kept.

trafilatura's own ``deduplicate`` is never set: its cache lives for the whole process, so in a
batch it deletes paragraphs that an earlier page (a syndicated copy, a wire story) already had.
Repeated lines are the cleaner's business.

Paragraphs are taken from trafilatura's XML output rather than its plain text, because the plain
text breaks lines wherever the page source did, while the XML keeps one element per block.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from typing import Any

import htmldate
import trafilatura
from lxml import etree  # type: ignore[import-untyped]

__all__ = ["HtmlExtraction", "extract_html"]

METHOD = "trafilatura.extract"

# Options shared by both passes. Links and images add no words; comments are not the article;
# tables stay because news pages put results, polls and budgets in them.
_COMMON: dict[str, Any] = {
    "output_format": "xml",
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
    "with_metadata": False,
}

_WORD = re.compile(r"\w+")
_BLOCK_TAGS = frozenset({"p", "head", "quote", "code", "item", "cell"})
# A description shorter than this is a slogan or keyword list, not a standfirst.
_MIN_LEAD_WORDS = 8
_MODIFIED_KEY = re.compile(r"modif|updated|last-?mod|revised", re.IGNORECASE)
# How many balanced-pass paragraphs before the precision text may hold the lead.
_LEAD_WINDOW = 3
# libxml2 (without XML_PARSE_HUGE) parses no deeper than this; markup nested deeper is kept to
# _MAX_DEPTH levels, which trafilatura's recursive passes also stay well inside.
_PARSER_MAX_DEPTH = 256
_MAX_DEPTH = 180
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]{0,200}\?>")
# trafilatura takes about 0.4 ms an element (100,000 sibling paragraphs: 42 s) and 2-3 s a
# million characters of text; news pages have a few thousand elements and under 100,000
# characters. Past either limit a page is read by the linear block reader (_large_page).
_MAX_EXTRACT_ELEMENTS = 20_000
_MAX_EXTRACT_CHARS = 1_000_000
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})
_LARGE_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd"}
    | {"dt", "figcaption", "caption"}
)
_FURNITURE: tuple[str, ...] = ("script", "style", "noscript", "nav", "footer", "header", "aside")
_FURNITURE += ("form", "template", "svg", "iframe", "button", "select")
_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)(?:\s[^<>]*?)?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)


@dataclass(frozen=True, slots=True)
class HtmlExtraction:
    """What one HTML page yields. ``text`` holds the article body without its title, paragraphs
    separated by a blank line, each paragraph on one line; it is "" when nothing was found."""

    text: str
    title: str | None
    byline: str | None
    published: str | None
    outlet: str | None
    url: str | None
    method: str
    notes: tuple[str, ...] = ()
    """What was repaired: ``html-flattened`` when the page nested too deep to parse."""


def extract_html(html: str, url: str | None = None) -> HtmlExtraction:
    """Extract article text and metadata from one page. Never raises for odd but valid HTML."""
    # lxml refuses a str that declares its encoding (XHTML's <?xml ... encoding="utf-8"?>) and
    # trafilatura then keeps only a fragment of the page: the text is decoded already.
    html = _XML_DECLARATION.sub("", html, count=1)
    tree = trafilatura.load_html(html) if html and html.strip() else None
    if tree is None:
        return HtmlExtraction("", None, None, None, None, url, METHOD)
    notes: tuple[str, ...] = ()
    depth, elements, chars = _shape(tree)
    if depth >= _PARSER_MAX_DEPTH - 1:
        # libxml2 stops at 256 levels and drops the rest of the page, article included: the
        # markup is flattened below that and parsed again (text kept, deep tags dropped).
        tree = trafilatura.load_html(_flatten(html))
        notes = ("html-flattened",)
        if tree is None:
            return HtmlExtraction("", None, None, None, None, url, METHOD, notes)
        depth, elements, chars = _shape(tree)
    if elements > _MAX_EXTRACT_ELEMENTS or chars > _MAX_EXTRACT_CHARS:
        return _large_page(tree, url, (*notes, "html-large-page"))

    meta = _metadata(tree, url)
    title = _clean(meta.get("title"))
    description = _clean(meta.get("description"))

    precise = _drop_title(_paragraphs(_run(tree, url, favor_precision=True)), title)
    if not precise:
        paragraphs = _drop_title(_paragraphs(_run(tree, url)), title)
        method = METHOD
    elif _lead_missing(precise, description):
        # The second pass costs as much as the first: only pay for it when the lead may be lost.
        balanced = _drop_title(_paragraphs(_run(tree, url)), title)
        paragraphs = _with_lead(precise, balanced, description)
        method = f"{METHOD}(favor_precision)"
    else:
        paragraphs = precise
        method = f"{METHOD}(favor_precision)"

    return HtmlExtraction(
        text="\n\n".join(paragraphs),
        title=title,
        byline=_clean(meta.get("author")),
        published=_published(tree, meta),
        outlet=_outlet(meta),
        url=_clean(meta.get("url")) or url,
        method=method,
        notes=notes,
    )


def _shape(tree: Any) -> tuple[int, int, int]:
    """How deep the parsed tree nests, how many elements it has and how many characters of
    text outside scripts and styles, without recursion."""
    depth = deepest = elements = chars = 0
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            elements += 1
            deepest = max(deepest, depth)
            if el.text and el.tag not in _NOT_TEXT:
                chars += len(el.text)
        else:
            depth -= 1
            if el.tail:
                chars += len(el.tail)
    return deepest, elements, chars


def _large_page(tree: Any, url: str | None, notes: tuple[str, ...]) -> HtmlExtraction:
    """A page too big for trafilatura in reasonable time: the text of its top-level blocks
    (paragraphs, headings, list items, cells...) in document order, from its ``<article>`` or
    ``<main>`` if it has one, without scripts, styles and page furniture; metadata from its
    ``<head>`` alone. One pass, linear in the page."""
    head = tree.find("head")
    small = tree.makeelement("html")  # the page's element class, as trafilatura expects
    if head is not None:
        small.append(copy.deepcopy(head))
    small.append(tree.makeelement("body"))
    meta = _metadata(small, url)
    title = _clean(meta.get("title"))
    root = next(iter(tree.iter("article")), None)
    if root is None:
        root = next(iter(tree.iter("main")), None)
    if root is None:
        root = tree.find("body")
    if root is None:
        root = tree
    root = copy.deepcopy(root)
    etree.strip_elements(root, *_FURNITURE, with_tail=False)
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)
    paragraphs: list[str] = []
    inside = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str) or el.tag not in _LARGE_BLOCKS:
            continue
        if event == "start":
            if inside == 0:
                text = _clean("".join(el.itertext()))
                if text:
                    paragraphs.append(text)
            inside += 1
        else:
            inside -= 1
    return HtmlExtraction(
        text="\n\n".join(_drop_title(paragraphs, title)),
        title=title,
        byline=_clean(meta.get("author")),
        published=_published(small, meta),
        outlet=_outlet(meta),
        url=_clean(meta.get("url")) or url,
        method="lxml.blocks(large page)",
        notes=notes,
    )


def _flatten(html: str) -> str:
    """``html`` without the tags that open below :data:`_MAX_DEPTH` levels of kept nesting
    (and their closing tags), in one pass. Text-block tags (paragraphs, headings, list items)
    are kept a little deeper, so that an article written inside thousands of unclosed inline
    tags (``<b><b><b>…<p>…``) keeps its paragraphs. Depth is counted as written (void and
    self-closed tags do not nest), close enough for markup only a machine or an attacker nests
    so deep."""
    opened: list[bool] = []  # for each tag still open as written: was it kept?
    kept = 0

    def keep(m: re.Match[str]) -> str:
        nonlocal kept
        if m.group(1):  # a closing tag: it goes with the innermost open tag
            if not opened:
                return m.group()
            if opened.pop():
                kept -= 1
                return m.group()
            return ""
        if m.group(3) or m.group(2).lower() in _VOID:
            return m.group()
        ok = kept < _MAX_DEPTH or (
            m.group(2).lower() in _LARGE_BLOCKS and kept < _MAX_DEPTH + _BLOCK_MARGIN
        )
        opened.append(ok)
        if ok:
            kept += 1
            return m.group()
        return ""

    return _TAG.sub(keep, html)


_BLOCK_MARGIN = 32
"""Levels past :data:`_MAX_DEPTH` a text block may still open at (well under libxml2's 256)."""


def _run(tree: Any, url: str | None, **options: Any) -> str | None:
    # extract() prunes the tree it is given, so each pass gets its own copy.
    try:
        result: str | None = trafilatura.extract(copy.deepcopy(tree), url=url, **_COMMON, **options)
    except Exception:  # an extractor bug on one page must not lose the batch
        return None
    return result


def _paragraphs(xml: str | None) -> list[str]:
    if not xml:
        return []
    try:
        root = ET.fromstring(xml)
    except (ET.ParseError, ValueError):
        return [line for line in (_clean(x) for x in xml.splitlines()) if line]
    main = root.find("main")
    if main is None:
        return []
    out: list[str] = []
    for block in _blocks(main):
        for line in _text_with_breaks(block).split("\n"):
            cleaned = _clean(line)
            if cleaned:
                out.append(cleaned)
    return out


def _blocks(parent: ET.Element) -> list[ET.Element]:
    """Leaf text blocks in document order: paragraphs, headings, list items, table cells..."""
    found: list[ET.Element] = []
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "row" or (
            child.tag in _BLOCK_TAGS
            and not any(
                isinstance(d.tag, str) and d.tag in ("list", "table", "p")
                for d in child.iter()
                if d is not child
            )
        ):
            found.append(child)
        elif child.tag == "graphic":
            continue
        elif len(child):
            found.extend(_blocks(child))
            if child.text and child.text.strip():
                found.append(child)
        else:
            found.append(child)
    return found


def _text_with_breaks(block: ET.Element) -> str:
    # <lb/> is a <br>: a new line of the same block (dateline, verse, "— Name, Place").
    if block.tag == "row":
        return " | ".join(_text_with_breaks(cell).replace("\n", " ") for cell in block)
    parts: list[str] = [block.text or ""]
    for child in block:
        if isinstance(child.tag, str) and child.tag == "lb":
            parts.append("\n")
        elif isinstance(child.tag, str) and child.tag in ("list", "table", "row"):
            parts.append("\n" + _text_with_breaks(child) + "\n")
        elif isinstance(child.tag, str):
            parts.append(_text_with_breaks(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _lead_missing(precise: list[str], description: str | None) -> bool:
    if not description or len(_WORD.findall(description)) < _MIN_LEAD_WORDS:
        return False
    return not any(_same_words(p, description) for p in precise[:_LEAD_WINDOW])


def _same_words(a: str, b: str) -> bool:
    """Whether two texts are the same standfirst, one perhaps cut short of the other."""
    wa, wb = _words(a), _words(b)
    if min(len(wa), len(wb)) < _MIN_LEAD_WORDS:
        return False
    return len(wa & wb) >= 0.8 * min(len(wa), len(wb))


def _with_lead(precise: list[str], balanced: list[str], description: str | None) -> list[str]:
    if not description:
        return precise
    try:
        start = balanced.index(precise[0])
    except ValueError:
        return precise
    for candidate in balanced[max(0, start - _LEAD_WINDOW) : start]:
        if candidate not in precise and _same_words(candidate, description):
            return [candidate, *precise]
    return precise


def _drop_title(paragraphs: list[str], title: str | None) -> list[str]:
    # Some pages repeat the headline inside the article container; the text must not carry it.
    if not title or not paragraphs:
        return paragraphs
    key = _key(title)
    head = 0
    while head < min(2, len(paragraphs)) and _key(paragraphs[head]) == key:
        head += 1
    return paragraphs[head:] if head < len(paragraphs) else paragraphs


def _metadata(tree: Any, url: str | None) -> dict[str, Any]:
    try:
        doc = trafilatura.extract_metadata(
            _without_modified_dates(tree),
            default_url=url,
            date_config={
                "original_date": True,
                "extensive_search": False,
                "max_date": date.today().isoformat(),
            },
        )
        result: dict[str, Any] = doc.as_dict()
    except Exception:  # metadata is optional, the text is not
        return {}
    return result


def _without_modified_dates(tree: Any) -> Any:
    """A copy of the page without its "last modified" meta tags. htmldate, even asked for the
    original date, settles for a modification date when the markup has nothing else, and a
    story's date must be when it was first published."""
    pruned = copy.deepcopy(tree)
    for meta in pruned.iter("meta"):
        key = " ".join(meta.get(a, "") for a in ("name", "property", "itemprop", "http-equiv"))
        if _MODIFIED_KEY.search(key):
            parent = meta.getparent()
            if parent is not None:
                parent.remove(meta)
    return pruned


def _published(tree: Any, meta: dict[str, Any]) -> str | None:
    found = _iso_date(meta.get("date"))
    if found:
        return found
    # Nothing in the markup: let htmldate read the URL and the visible text too.
    try:
        guess = htmldate.find_date(
            _without_modified_dates(tree),
            url=meta.get("url"),
            original_date=True,
            extensive_search=True,
            outputformat="%Y-%m-%d",
            max_date=date.today().isoformat(),
        )
    except Exception:  # a date guess is never worth losing the page
        return None
    return _iso_date(guess)


def _outlet(meta: dict[str, Any]) -> str | None:
    name = _clean(meta.get("sitename"))
    if not name:
        return None
    # trafilatura falls back to the URL's domain; that is a guess, not a stated outlet name.
    hostname = _clean(meta.get("hostname"))
    if hostname and name.lower() in (hostname.lower(), hostname.lower().removeprefix("www.")):
        return None
    return name


def _iso_date(value: object) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]):
        return value[:10]
    return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))
