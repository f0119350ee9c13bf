"""Hostile text is data on every page of the web application too (issue 12): the hostile
corpus of the report tests (markup, script, odd ids and characters in every field of every
input format), built into a store and served; every page is checked to hold only the
application's own elements, attributes, links and classes. test_serve_browser.py checks in
Chromium that nothing runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from serve_helpers import assert_own_markup, client
from storyline.serve.views import article_url, entity_link, story_link
from test_report_hostile import PAYLOADS, hostile_inputs


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storyline.pipeline import build

    base = tmp_path_factory.mktemp("serve-hostile")
    build(
        [hostile_inputs(base / "in")],
        None,
        db=base / "store.sqlite",
        write_outputs=False,
        analyse=True,
    )
    return base / "store.sqlite"


def hostile_urls(c) -> list[str]:  # type: ignore[no-untyped-def]
    urls = ["/", "/quotes", "/search", "/builds", "/corrections", "/saved", "/add"]
    for payload in PAYLOADS[:6]:
        urls += ["/quotes?q=" + payload[:40], "/search?q=" + payload[:40]]
    stories = c.get("/api/stories").json()
    urls += [story_link(s["id"]) for s in stories]
    urls += [entity_link(e["id"]) for e in c.get("/api/entities", params={"limit": 60}).json()]
    arts = c.get("/api/articles", params={"limit": 200}).json()["hits"]
    for a in arts:
        urls += [article_url(a["id"]), article_url(a["id"]) + "?hl=0-40"]
    return urls


def test_serve_hostile_every_page_is_only_our_markup(hostile_store: Path) -> None:
    c = client(hostile_store)
    urls = hostile_urls(c)
    assert len([u for u in urls if u.startswith("/articles/")]) >= 16
    seen_payload = False
    for url in urls:
        r = c.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        page = assert_own_markup(r.text)
        seen_payload |= PAYLOADS[0] in "".join(page.text)
    assert seen_payload, "the payloads are on the pages, as text"


def test_serve_hostile_csv_and_json_keep_the_data(hostile_store: Path) -> None:
    c = client(hostile_store)
    ids = {a["id"] for a in c.get("/api/articles", params={"limit": 200}).json()["hits"]}
    assert {'"><script>window.__pwned=31</script>', "x-p0"} <= ids
    for aid in ids:
        assert c.get("/api" + article_url(aid)).json()["id"] == aid
    assert c.get("/search.csv").status_code == 200 and c.get("/quotes.csv").status_code == 200
