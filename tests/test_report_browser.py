"""report.html in a real browser (Debian's Chromium driven by Playwright, issue 9): no script from
the data runs, our own script raises nothing while it highlights, filters and follows links
through odd ids, and the hostile strings are there to read as text.

Skipped only when /usr/bin/chromium or the playwright package is missing (`make test` installs
both). Playwright never downloads a browser here: it drives the system one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline.output.report import anchor_id, span_fragment, write_report
from test_report_hostile import (  # noqa: F401 (hostile_build is a fixture)
    HOSTILE,
    ODD_IDS,
    PAYLOADS,
    hostile_build,
    hostile_dossier,
)

CHROMIUM = "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is not installed"),
]

_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Run in the page: everything a payload could have done if it had become markup.
_PROBE = """() => {
  const all = Array.from(document.querySelectorAll("*"));
  const onAttrs = [];
  for (const el of all) for (const a of el.attributes)
    if (a.name.toLowerCase().startsWith("on")) onAttrs.push(el.tagName + " " + a.name);
  const badHrefs = Array.from(document.querySelectorAll("[href]"))
    .map((el) => el.getAttribute("href"))
    .filter((h) => !(h.startsWith("#") || /^(https?:|mailto:)/i.test(h.trim())));
  return {
    pwned: typeof window.__pwned !== "undefined",
    scripts: document.scripts.length,
    styles: document.querySelectorAll("style").length,
    foreign: document.querySelectorAll("img, iframe, base, object, embed, form, textarea, " +
      "meta[http-equiv], link, video, audio, source").length,
    onAttrs: onAttrs,
    badHrefs: badHrefs,
    text: document.body.textContent,
    title: document.title,
    h1: document.querySelector("h1").innerText,
  };
}"""


class _Page:
    """A page with everything that would show a script ran or ours failed, recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on(
            "console",
            lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        page.on("request", lambda req: self.requests.append(req.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def probe(self) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate(_PROBE)
        return result

    def assert_clean(self, probe: dict[str, Any]) -> None:
        assert not probe["pwned"], "a script from the data ran"
        assert self.dialogs == [], self.dialogs
        assert self.errors == [], self.errors
        assert probe["scripts"] == 1 and probe["styles"] == 1
        assert probe["foreign"] == 0 and probe["onAttrs"] == [] and probe["badHrefs"] == []
        assert all(u.startswith("file://") for u in self.requests), self.requests


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[_Page]:
    context = browser.new_context(java_script_enabled=True)
    try:
        yield _Page(context.new_page())
    finally:
        context.close()


def _open(page: _Page, path: Path, fragment: str = "") -> None:
    page.page.goto(path.resolve().as_uri() + fragment, wait_until="load")
    page.page.wait_for_timeout(50)


def test_issue_9_browser_hostile_report_runs_no_data_script(tmp_path: Path, page: _Page) -> None:
    path = tmp_path / "report.html"
    write_report(hostile_dossier(), path, title=HOSTILE)
    _open(page, path)
    probe = page.probe()
    page.assert_clean(probe)
    for payload in PAYLOADS:
        assert payload in probe["text"], payload
    assert probe["title"] == HOSTILE.replace("\u2028", " ").replace("\u2029", " ") or (
        PAYLOADS[0] in probe["title"]
    )
    assert PAYLOADS[0] in probe["h1"] and PAYLOADS[1] in probe["h1"]  # visible, as text


def test_issue_9_browser_our_script_works_through_odd_ids(tmp_path: Path, page: _Page) -> None:
    dossier = hostile_dossier()
    path = tmp_path / "report.html"
    write_report(dossier, path)
    q = dossier["quotes"][0]
    for aid in ODD_IDS[:7]:  # highlight links into articles with odd ids, by address
        _open(page, path, "#" + span_fragment(aid, q["start"], q["end"]))
        marked = page.page.evaluate(
            "() => Array.from(document.querySelectorAll('mark')).map((m) => m.textContent)"
        )
        assert marked == [q["text"][: q["end"] - q["start"]]] or marked == [PAYLOADS[0]], aid
    _open(page, path)
    links = page.page.locator("a.ev")
    for n in range(min(links.count(), 8)):  # and by clicking "in context →" links
        links.nth(n).click()
    assert page.page.locator("mark").count() >= 1
    flt = page.page.locator("#flt")
    for payload in (PAYLOADS[0], PAYLOADS[1], "\u2028", "nothing matches this"):
        flt.fill(payload)
        page.page.wait_for_timeout(120)
    chips = page.page.locator("button.chip")
    for n in range(min(chips.count(), 5)):
        chips.nth(n).click()
    page.page.evaluate(f"() => {{ location.hash = '#a-{anchor_id('L' * 10_000)}'; }}")
    page.page.wait_for_timeout(50)
    page.assert_clean(page.probe())


def test_issue_9_browser_built_report_from_hostile_inputs(
    hostile_build: Path,  # noqa: F811
    page: _Page,
) -> None:
    _open(page, hostile_build / "report.html")
    probe = page.probe()
    page.assert_clean(probe)
    assert PAYLOADS[0] in probe["text"] and "<script>window.__pwned=23</script>" in probe["text"]
    links = page.page.locator("a.ev")
    for n in range(min(links.count(), 6)):
        links.nth(n).click()
    page.page.locator("#flt").fill("<script>")
    page.page.wait_for_timeout(120)
    page.assert_clean(page.probe())


@pytest.mark.parametrize(
    "fragment",
    [
        "#%",
        "#%E0%A4%A",
        "#a-",
        "#a--1-2",
        "#a-~h-1-2",
        "#a-x-99999999999999999999-1",
        "#a-x-5-2",
        "#%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E",
        "#t--0",
        "#s--unattributed",
    ],
)
def test_issue_9_browser_odd_addresses_raise_nothing(
    tmp_path: Path, page: _Page, fragment: str
) -> None:
    path = tmp_path / "report.html"
    write_report(hostile_dossier(), path)
    _open(page, path, fragment)
    page.page.evaluate("() => { location.hash = '#a-x-0-3'; }")
    page.page.wait_for_timeout(30)
    page.assert_clean(page.probe())


def test_issue_9_browser_empty_report_raises_nothing(tmp_path: Path, page: _Page) -> None:
    path = tmp_path / "report.html"
    write_report({}, path)
    _open(page, path, "#a-x-1-2")
    page.page.locator("#flt").fill("x")
    page.page.wait_for_timeout(120)
    page.assert_clean(page.probe())
