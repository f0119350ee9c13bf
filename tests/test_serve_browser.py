"""storyline serve in a real browser (issue 12): Debian's Chromium driven by Playwright clicks
through the application served by uvicorn on loopback — home → story → quote → article
highlight → person → article; quote and article search; log in, upload a file and see it after
the background build; merge two entities — and checks on the hostile corpus that no script
from the data runs. Screenshots go to ``out/screenshots/serve/`` (STORYLINE_SCREENSHOTS moves
them).

Skipped only when /usr/bin/chromium or the playwright package is missing (`make test` installs
both). Playwright never downloads a browser here: it drives the system one.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from serve_helpers import TOKEN, copy_store, example_store
from storyline.serve.app import create_app
from storyline.serve.settings import ServeSettings

CHROMIUM = "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is not installed"),
]
_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SHOTS = Path(os.environ.get("STORYLINE_SCREENSHOTS", "out/screenshots/serve"))


class _Server:
    """uvicorn serving the app on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, settings: ServeSettings) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Server]:
    base = tmp_path_factory.mktemp("serve-browser")
    store = copy_store(example_store(base / "base"), base / "w")
    with _Server(ServeSettings(store=store, token=TOKEN)) as server:
        yield server


class _Tab:
    """A browser page that records script errors, dialogs and requests off this server."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on(
            "request",
            lambda r: None if r.url.startswith(base) else self.foreign.append(r.url),
        )

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)

    def clean(self) -> None:
        assert self.page.evaluate("typeof window.__pwned") == "undefined"
        assert self.errors == [], self.errors
        assert self.foreign == [], self.foreign


@pytest.fixture
def tab(browser: Any, served: _Server) -> Iterator[_Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield _Tab(context.new_page(), served.url)
    finally:
        context.close()


def _login(tab: _Tab, name: str = "Ada Reporter") -> None:
    tab.page.goto(tab.base + "/login")
    tab.page.fill("input[name=name]", name)
    tab.page.fill("input[name=token]", TOKEN)
    tab.page.click("form.login button")
    tab.page.wait_for_url(tab.base + "/")


def test_serve_browser_story_quote_article_person(tab: _Tab) -> None:
    p = tab.page
    p.goto(tab.base + "/")
    tab.shot("01-home")
    p.click("ol.stories h2 a")
    assert "/stories/" in p.url
    p.wait_for_selector("svg.timeline circle")
    tab.shot("02-story")
    # A quote of the story opens its article with the quoted words marked.
    quote = p.locator("#quotes blockquote a.qtext").first
    words = quote.inner_text().strip("“”")
    quote.click()
    p.wait_for_url(re.compile(r".*/articles/.*#c\d+-\d+$"))
    fragment = p.url.rsplit("#", 1)[1]
    assert p.locator(f"[id='{fragment}']").count() == 1
    marked = p.locator(".text .hl").all_inner_texts()
    assert words[:20] in "".join(marked)
    tab.shot("03-article-highlight")
    # The speaker legend leads to the person; a quote there leads back to the sentence.
    p.locator(".legend a").first.click()
    p.wait_for_url(re.compile(r".*/entities/.*"))
    assert p.locator("#said blockquote").count() >= 1
    tab.shot("04-person")
    p.locator("#said blockquote a.qtext").first.click()
    p.wait_for_url(re.compile(r".*/articles/.*"))
    assert p.locator(".text .hl").count() >= 1
    tab.clean()


def test_serve_browser_every_quote_of_keir_starmer(tab: _Tab) -> None:
    # The task a new user is given: every quote of Keir Starmer with its sources.
    p = tab.page
    p.goto(tab.base + "/")
    p.fill(".big-search input[name=q]", "Starmer")
    p.press(".big-search input[name=q]", "Enter")
    p.wait_for_url(re.compile(r".*/quotes\?q=Starmer"))
    p.locator(".facets a", has_text="Keir Starmer").first.click()
    p.wait_for_selector("#result-count")
    count = int(p.inner_text("#result-count").split()[0])
    assert count >= 10
    assert p.locator("li.hit .speaker", has_text="Keir Starmer").count() == min(count, 25)
    tab.shot("05-quotes-of-starmer")
    p.goto(tab.base + "/search?q=volunteers")
    assert p.locator("li.hit mark").count() >= 1
    tab.shot("06-article-search")
    tab.clean()


def test_serve_browser_upload_then_see_it_after_the_build(tab: _Tab, tmp_path: Path) -> None:
    p = tab.page
    _login(tab)
    new = tmp_path / "starmer-summit.txt"
    new.write_text(
        " date 2024-11-09\nStarmer heads to summit\n\n"
        'Keir Starmer said on Saturday: "Britain will stand shoulder to shoulder with our allies at the summit." '
        "The Prime Minister spoke to reporters in Brussels.\n",
        encoding="utf-8",
    )
    p.goto(tab.base + "/add")
    p.set_input_files("input[type=file]", str(new))
    p.click("form[action='/add/upload'] button")
    p.wait_for_load_state()
    tab.shot("07-uploaded")
    p.wait_for_selector("#outcome", timeout=10_000)
    assert "follow it on Builds" in p.inner_text("#outcome")
    tab.shot("07-uploaded")
    p.click("#outcome a")
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        state = p.locator("#jobs tbody tr[data-job] .state").first.inner_text()
        if state in ("done", "failed"):
            break
        time.sleep(1)
        p.reload()
    tab.shot("08-build-status")
    assert state == "done", p.inner_text("#jobs")
    p.goto(tab.base + '/quotes?q="shoulder to shoulder with our allies"')
    assert p.locator("li.hit").count() == 1
    assert "Keir Starmer" in p.inner_text("li.hit .speaker")
    tab.shot("09-new-quote")
    tab.clean()


def test_serve_browser_merge_two_entities(tab: _Tab) -> None:
    p = tab.page
    _login(tab, "Fact Checker")
    p.goto(tab.base + "/entities/e-ed-balls")
    before = int(re.search(r"(\d+) quotes", p.inner_text("p.meta")).group(1))  # type: ignore[union-attr]
    p.select_option("form.correct select[name=other_id]", "e-lucy-powell")
    p.click("form.correct:has(select[name=other_id]) button")
    p.wait_for_url(re.compile(r".*/entities/e-ed-balls.*"))
    after = int(re.search(r"(\d+) quotes", p.inner_text("p.meta")).group(1))  # type: ignore[union-attr]
    assert after > before
    assert "merge e-lucy-powell" in p.inner_text("#corrections")
    assert "Fact Checker" in p.inner_text("#corrections")
    tab.shot("10-merged")
    p.goto(tab.base + "/entities/e-lucy-powell")
    assert p.url.endswith("/entities/e-ed-balls")
    tab.clean()


def test_serve_browser_hostile_corpus_runs_no_script(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from storyline.pipeline import build
    from test_report_hostile import hostile_inputs
    from test_serve_hostile import hostile_urls

    base = tmp_path_factory.mktemp("serve-browser-hostile")
    build(
        [hostile_inputs(base / "in")],
        None,
        db=base / "store.sqlite",
        write_outputs=False,
        analyse=True,
    )
    from serve_helpers import client

    urls = hostile_urls(client(base / "store.sqlite"))
    with _Server(ServeSettings(store=base / "store.sqlite", run_jobs=False)) as server:
        context = browser.new_context()
        try:
            t = _Tab(context.new_page(), server.url)
            for n, url in enumerate(urls):
                t.page.goto(server.url + url)
                # Hover and focus everything a payload could have hung a handler on.
                t.page.mouse.move(200, 300)
                if n in (0, len(urls) - 1):
                    t.shot(f"11-hostile-{n}")
            t.clean()
        finally:
            context.close()
