"""Shared set-up of the serve tests: one example store per test run (copied per test that
writes), app clients, and an HTML checker that every element and attribute on a page is the
application's own."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from storyline.serve.app import create_app
from storyline.serve.settings import ServeSettings

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "labour-trump-2024"
TOKEN = "test-token-0123456789abcdef"
_BUILT: dict[str, Path] = {}


def example_store(base: Path) -> Path:
    """The example built once per test run (store only: the web app is the view)."""
    if "example" not in _BUILT:
        from storyline.pipeline import build

        inputs = base / "in"
        shutil.copytree(EXAMPLE, inputs)
        build([str(inputs)], None, db=base / "store.sqlite", write_outputs=False, analyse=True)
        _BUILT["example"] = base / "store.sqlite"
    return _BUILT["example"]


def copy_store(store: Path, where: Path) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    target = where / "store.sqlite"
    shutil.copy(store, target)
    return target


def client(store: Path, token: str | None = None, **settings: Any) -> TestClient:
    settings.setdefault("run_jobs", False)
    app = create_app(ServeSettings(store=store, token=token, **settings))
    return TestClient(app, raise_server_exceptions=False)


def login(c: TestClient, name: str = "Ada Reporter") -> str:
    """Log in through the form; returns the CSRF token the pages then carry."""
    r = c.post("/login", data={"token": TOKEN, "name": name, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = c.get("/add").text
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert m, "a logged-in page carries the CSRF token"
    return m.group(1)


_OWN_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "link",
    "script",
    "body",
    "header",
    "nav",
    "a",
    "form",
    "input",
    "span",
    "button",
    "main",
    "footer",
    "h1",
    "h2",
    "h3",
    "p",
    "ol",
    "ul",
    "li",
    "div",
    "svg",
    "polyline",
    "line",
    "text",
    "circle",
    "section",
    "details",
    "summary",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "label",
    "select",
    "option",
    "aside",
    "mark",
    "article",
    "code",
    "strong",
    "em",
    "pre",
    "progress",
    "datalist",
    "br",
}
_OWN_ATTRS = {
    "lang",
    "charset",
    "name",
    "content",
    "href",
    "rel",
    "src",
    "defer",
    "class",
    "action",
    "method",
    "type",
    "placeholder",
    "aria-label",
    "value",
    "id",
    "viewbox",
    "role",
    "width",
    "height",
    "points",
    "x1",
    "y1",
    "x2",
    "y2",
    "x",
    "y",
    "cx",
    "cy",
    "r",
    "open",
    "list",
    "size",
    "required",
    "maxlength",
    "enctype",
    "multiple",
    "accept",
    "selected",
    "disabled",
    "max",
    "colspan",
    "data-active",
    "data-job",
    "title",
    "http-equiv",
    "autofocus",
    "start",
    "autocomplete",
}
_CLASS = re.compile(r"^[a-z][a-z0-9-]*$")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def assert_own_markup(doc: str) -> _Page:
    """Every element, attribute, link and class on the page is the application's: nothing
    from the data became markup."""
    page = _Page()
    page.feed(doc)
    page.close()
    names = {t for t, _ in page.tags}
    assert names <= _OWN_TAGS, names - _OWN_TAGS
    assert "".join(page.scripts).strip() == "", "no inline script"
    ids = []
    for tag, attrs in page.tags:
        assert set(attrs) <= _OWN_ATTRS, (tag, set(attrs) - _OWN_ATTRS)
        if tag == "script":
            assert attrs.get("src") == "/static/app.js"
        if tag == "link":
            assert attrs.get("href", "").startswith("/")
        if tag == "meta" and "http-equiv" in attrs:
            assert attrs["http-equiv"] == "refresh" and attrs.get("content") == "3"
        href = attrs.get("href")
        if href is not None:
            assert re.match(r"^(/(?!/)|#|https?://|\?)", href), href[:100]
        if "id" in attrs:
            assert re.fullmatch(r"[A-Za-z0-9_.~:-]+", attrs["id"]), attrs["id"][:80]
            ids.append(attrs["id"])
        for cls in attrs.get("class", "").split():
            assert _CLASS.match(cls), cls
    assert len(ids) == len(set(ids)), "duplicate element ids"
    return page
