"""storyline serve (issue 12): every page and API route on the example store, through
FastAPI's TestClient — status codes, content, links to sentences, bad input, auth, CSRF."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from serve_helpers import TOKEN, assert_own_markup, client, copy_store, example_store, login

STARMER = "e-keir-starmer"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_store(tmp_path_factory.mktemp("serve-example"))


@pytest.fixture(scope="module")
def ro(store: Path):  # type: ignore[no-untyped-def]
    return client(store)


@pytest.fixture
def rw(store: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    return client(copy_store(store, tmp_path), TOKEN)


def _story_id(ro) -> str:  # type: ignore[no-untyped-def]
    return str(ro.get("/api/stories").json()[0]["id"])


def test_serve_home_lists_stories_with_size_dates_people(ro) -> None:  # type: ignore[no-untyped-def]
    r = ro.get("/")
    assert r.status_code == 200
    assert "5 articles" in r.text and "2024-07-02" in r.text and "2024-11-06" in r.text
    assert 'href="/entities/e-keir-starmer"' in r.text
    assert '<svg class="spark"' in r.text
    assert_own_markup(r.text)


def test_serve_story_page_has_timeline_quotes_people_outlets_articles(ro) -> None:  # type: ignore[no-untyped-def]
    sid = _story_id(ro)
    r = ro.get(f"/stories/{sid}")
    assert r.status_code == 200
    for section in ("timeline", "quotes", "people", "outlets", "duplicates", "articles"):
        assert f'id="{section}"' in r.text
    assert '<svg class="timeline"' in r.text and "<circle" in r.text
    # Every timeline mark and quote links to its sentence.
    assert re.search(r'href="/articles/[^"?]+\?hl=\d+-\d+#c\d+-\d+"', r.text)
    assert "Keir Starmer" in r.text and "The Telegraph" in r.text
    assert_own_markup(r.text)
    assert ro.get("/stories/no-such-story").status_code == 404


def test_serve_person_page_roles_quotes_comentions_articles(ro) -> None:  # type: ignore[no-untyped-def]
    r = ro.get(f"/entities/{STARMER}")
    assert r.status_code == 200
    page = assert_own_markup(r.text)
    text = " ".join(page.text)
    assert "Role history" in text and "Prime Minister" in text
    assert "Co-mentioned" in text and "Donald Trump" in text
    api = ro.get(f"/api/entities/{STARMER}").json()
    assert api["quotes"], "Starmer is quoted in the example"
    for q in api["quotes"]:
        link = f"/articles/{q['article_id']}?hl={q['start']}-{q['end']}#c{q['start']}-{q['end']}"
        assert link in r.text
    # A role's source links to the sentence stating it.
    assert re.search(r'<td><a href="/articles/[^"]+\?hl=\d+-\d+#c', r.text)
    assert ro.get("/entities/e-nobody").status_code == 404


def test_serve_quote_search_filters_by_speaker_kind_outlet_date(ro) -> None:  # type: ignore[no-untyped-def]
    every = ro.get("/api/quotes").json()["total"]
    by_speaker = ro.get("/api/quotes", params={"speaker": STARMER}).json()
    assert 0 < by_speaker["total"] < every
    assert {h["quote"]["speaker_entity_id"] for h in by_speaker["hits"]} == {STARMER}
    by_name = ro.get("/api/quotes", params={"speaker": "keir starmer"}).json()
    assert by_name["total"] == by_speaker["total"]
    direct = ro.get("/api/quotes", params={"kind": "direct"}).json()
    assert direct["hits"] and {h["quote"]["kind"] for h in direct["hits"]} == {"direct"}
    july = ro.get("/api/quotes", params={"from": "2024-07-01", "to": "2024-07-31"}).json()
    assert july["total"] and {h["published"][:7] for h in july["hits"]} == {"2024-07"}
    words = ro.get("/api/quotes", params={"q": "sociopath"}).json()
    assert words["total"] >= 1
    hit = words["hits"][0]
    assert "\ue000" in hit["quote"]["text"] or "sociopath" in hit["context"]
    assert (
        hit["first_reported"] and hit["reported_by"] >= 1 and hit["link"].startswith("/articles/")
    )
    page = ro.get("/quotes", params={"q": "sociopath"})
    assert page.status_code == 200 and "<mark>sociopath</mark>" in page.text
    assert_own_markup(page.text)
    paged = ro.get("/api/quotes", params={"limit": 2, "offset": 2}).json()
    assert len(paged["hits"]) == 2 and paged["offset"] == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "last week"}, "not a date"),
        ({"kind": "shouted"}, "kind"),
        ({"limit": "0"}, "limit"),
        ({"limit": "x"}, "whole number"),
        ({"q": "x" * 1001}, "1000"),
    ],
)
def test_serve_quote_search_bad_input_is_a_clear_400(ro, params, message) -> None:  # type: ignore[no-untyped-def]
    r = ro.get("/api/quotes", params=params)
    assert r.status_code == 400, r.text
    assert message in r.json()["error"]
    page = ro.get("/quotes", params=params)
    assert page.status_code == 400 and 'id="error-message"' in page.text


def test_serve_quote_search_odd_syntax_never_fails(ro) -> None:  # type: ignore[no-untyped-def]
    for q in ('"unclosed', "AND OR NOT", "NEAR(a b)", "col:val", "*", "-", "a OR", "(((", "x*"):
        assert ro.get("/api/quotes", params={"q": q}).status_code == 200, q
        assert ro.get("/api/articles", params={"q": q}).status_code == 200, q


def test_serve_article_search_ranks_highlights_and_facets(ro) -> None:  # type: ignore[no-untyped-def]
    r = ro.get("/api/articles", params={"q": "Labour Trump"}).json()
    assert r["total"] == 5
    assert all("\ue000" in h["snippet"] for h in r["hits"])
    scores = [h["score"] for h in r["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert {"outlet", "person", "month"} <= set(r["facets"])
    assert any(f["value"] == STARMER for f in r["facets"]["person"])
    person = ro.get("/api/articles", params={"q": "Labour", "person": "e-david-lammy"}).json()
    outlet = ro.get("/api/articles", params={"outlet": "The Telegraph"}).json()
    assert outlet["total"] == 1
    assert 0 < person["total"] < r["total"]
    none = ro.get("/api/articles", params={"q": "volunteers -volunteers"}).json()
    assert none["total"] == 0
    page = ro.get("/search", params={"q": "volunteers"})
    assert page.status_code == 200 and "<mark>" in page.text
    assert_own_markup(page.text)


def test_serve_article_page_draws_layers_and_marks_the_linked_span(ro) -> None:  # type: ignore[no-untyped-def]
    q = ro.get("/api/quotes", params={"speaker": STARMER}).json()["hits"][0]["quote"]
    aid, s, e = q["article_id"], q["start"], q["end"]
    r = ro.get(f"/articles/{aid}", params={"hl": f"{s}-{e}"})
    assert r.status_code == 200
    assert f'id="c{s}-{e}"' in r.text
    assert 'class="hl' in r.text or " hl" in r.text
    assert re.search(r'class="[^"]*\bq sp\d', r.text), "quotes coloured by speaker"
    assert re.search(r'<a href="/entities/[^"]+" class="m"', r.text), "mentions link to entities"
    assert re.search(r'class="tx" title="DATE: \d{4}', r.text), "time expressions show values"
    assert "<details>" in r.text and "Removed by cleaning" in r.text
    assert_own_markup(r.text)
    assert ro.get("/articles/nope").status_code == 404
    assert ro.get(f"/articles/{aid}", params={"hl": "junk"}).status_code == 200
    api = ro.get(f"/api/articles/{aid}").json()
    assert api["text"] and {"quotes", "entities", "timexes"} <= set(api["layers"])


def test_serve_csv_exports_quotes_and_articles(ro) -> None:  # type: ignore[no-untyped-def]
    r = ro.get("/quotes.csv", params={"speaker": STARMER})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:3] == ["quote", "speaker", "speaker_id"]
    assert len(rows) - 1 == ro.get("/api/quotes", params={"speaker": STARMER}).json()["total"]
    assert all(row[2] == STARMER and "/articles/" in row[-1] for row in rows[1:])
    a = ro.get("/search.csv", params={"q": "Trump"})
    arows = list(csv.reader(io.StringIO(a.text)))
    assert arows[0][0] == "id" and len(arows) > 1


def test_serve_csv_cells_never_start_a_formula() -> None:
    from storyline.serve.common import csv_text

    out = list(csv.reader(io.StringIO(csv_text(["a"], [["=HYPERLINK(1)"], ["@x"], ["ok"]]))))
    assert [r[0] for r in out[1:]] == ["'=HYPERLINK(1)", "'@x", "ok"]


def test_serve_other_pages_and_api_lists(ro) -> None:  # type: ignore[no-untyped-def]
    for path in ("/builds", "/add", "/corrections", "/saved", "/login", "/docs"):
        r = ro.get(path)
        assert r.status_code == 200, path
        assert_own_markup(r.text)
    for path in (
        "/api/stories",
        "/api/entities",
        "/api/timeline",
        "/api/duplicates",
        "/api/builds",
        "/api/jobs",
        "/api/corrections",
        "/api/saved-searches",
    ):
        assert ro.get(path).status_code == 200, path
    assert ro.get("/openapi.json").json()["paths"]["/api/quotes"]
    assert ro.get("/api/builds").json()[0]["articles"] == 5
    assert ro.get("/api/entities", params={"q": "starmer"}).json()[0]["id"] == STARMER


def test_serve_security_headers_and_no_traces(ro) -> None:  # type: ignore[no-untyped-def]
    r = ro.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    missing = ro.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json() == {
        "error": "nothing at /api/nothing-here"
    }


def test_serve_a_crash_is_a_500_without_a_stack_trace(store: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from storyline.store.sqlite_app import SqliteAppStore

    def boom(self, build):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(SqliteAppStore, "corpus", boom)
    c = client(store)
    for path in ("/", "/api/stories"):
        r = c.get(path)
        assert r.status_code == 500
        assert "secret" not in r.text and "Traceback" not in r.text


def test_serve_read_only_server_refuses_every_write(ro) -> None:  # type: ignore[no-untyped-def]
    for path, kw in (
        ("/api/corrections", {"json": {"kind": "rename", "entity_id": STARMER, "value": "X"}}),
        ("/api/saved-searches", {"json": {"params": {"q": "x"}}}),
        ("/api/uploads", {"files": [("files", ("a.txt", b"hello", "text/plain"))]}),
        ("/api/fetch", {"json": {"url": "http://127.0.0.1:9/"}}),
        ("/api/builds/retry", {}),
    ):
        r = ro.post(path, headers={"Authorization": f"Bearer {TOKEN}"}, **kw)
        assert r.status_code == 403 and "read-only" in r.json()["error"], path
    r = ro.post("/login", data={"token": TOKEN, "name": "x"})
    assert r.status_code == 403


def test_serve_writes_need_the_token(rw) -> None:  # type: ignore[no-untyped-def]
    body = {"kind": "rename", "entity_id": STARMER, "value": "Sir Keir Starmer"}
    assert rw.post("/api/corrections", json=body).status_code == 401
    bad = rw.post(
        "/api/corrections", json=body, headers={"Authorization": "Bearer wrong-token-xxxxxxxx"}
    )
    assert bad.status_code == 401
    r = rw.post("/login", data={"token": "wrong", "name": "x"})
    assert r.status_code == 401 and "not the server's token" in r.text
    assert "storyline_session" not in r.headers.get("set-cookie", "")
    ok = rw.post("/api/corrections", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 201 and ok.json()["who"] == "token"


def test_serve_forms_need_the_csrf_token_and_this_origin(rw) -> None:  # type: ignore[no-untyped-def]
    csrf = login(rw)
    form = {"kind": "rename", "value": "Keir R. Starmer"}
    url = f"/entities/{STARMER}/corrections"
    assert rw.post(url, data=form).status_code == 403  # no CSRF token
    assert rw.post(url, data={**form, "csrf": "0" * 40}).status_code == 403
    other = rw.post(url, data={**form, "csrf": csrf}, headers={"Origin": "http://evil.example"})
    assert other.status_code == 403 and "another site" in other.text
    r = rw.post(url, data={**form, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert rw.get("/api/corrections").json()[0]["who"] == "Ada Reporter"


def test_serve_login_next_never_leaves_the_site(rw) -> None:  # type: ignore[no-untyped-def]
    for target in ("//evil.example/", "https://evil.example/", "/\\evil"):
        r = rw.post(
            "/login", data={"token": TOKEN, "name": "a", "next": target}, follow_redirects=False
        )
        assert r.headers["location"] == "/", target


def test_serve_corrections_merge_rename_split_not_person_change_the_pages(rw) -> None:  # type: ignore[no-untyped-def]
    h = {"Authorization": f"Bearer {TOKEN}"}
    balls = rw.get("/api/quotes", params={"speaker": "e-ed-balls"}).json()["total"]
    powell = rw.get("/api/quotes", params={"speaker": "e-lucy-powell"}).json()["total"]
    assert balls and powell
    # merge: one person's quotes, aliases and articles become the other's.
    r = rw.post(
        "/api/corrections",
        headers=h,
        json={"kind": "merge", "entity_id": "e-ed-balls", "other_id": "e-lucy-powell"},
    )
    assert r.status_code == 201, r.text
    after = rw.get("/api/quotes", params={"speaker": "e-ed-balls"}).json()["total"]
    assert after == balls + powell
    assert "Lucy Powell" in rw.get("/api/entities/e-ed-balls").json()["entity"]["aliases"]
    gone = rw.get("/entities/e-lucy-powell", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/entities/e-ed-balls"
    # rename
    rw.post(
        "/api/corrections",
        headers=h,
        json={"kind": "rename", "entity_id": STARMER, "value": "Sir Keir Starmer"},
    )
    assert rw.get(f"/api/entities/{STARMER}").json()["entity"]["name"] == "Sir Keir Starmer"
    assert {
        x["quote"]["speaker"]
        for x in rw.get("/api/quotes", params={"speaker": STARMER}).json()["hits"]
    } == {"Sir Keir Starmer"}
    # not a person
    rw.post(
        "/api/corrections",
        headers=h,
        json={"kind": "not_person", "entity_id": "e-david-lammy", "value": "ORG"},
    )
    assert rw.get("/api/entities/e-david-lammy").json()["entity"]["type"] == "ORG"
    # split an alias off
    alias = "the Prime Minister"
    r = rw.post(
        "/api/corrections", headers=h, json={"kind": "split", "entity_id": STARMER, "value": alias}
    )
    assert r.status_code == 201
    new = rw.get(f"/api/entities/{STARMER}~the-prime-minister").json()["entity"]
    assert (
        new["name"] == alias
        and alias not in rw.get(f"/api/entities/{STARMER}").json()["entity"]["aliases"]
    )
    listed = rw.get("/corrections")
    assert listed.status_code == 200 and listed.text.count("<td>token</td>") == 4
    # withdrawing one undoes it
    cid = next(c["id"] for c in rw.get("/api/corrections").json() if c["kind"] == "not_person")
    assert rw.delete(f"/api/corrections/{cid}", headers=h).status_code == 204
    assert rw.get("/api/entities/e-david-lammy").json()["entity"]["type"] == "PERSON"
    assert rw.delete(f"/api/corrections/{cid}", headers=h).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": "explode", "entity_id": STARMER}, "unknown correction kind"),
        ({"kind": "merge", "entity_id": STARMER}, "other_id"),
        ({"kind": "merge", "entity_id": STARMER, "other_id": STARMER}, "two different"),
        ({"kind": "rename", "entity_id": STARMER}, "new name"),
        ({"kind": "rename", "entity_id": "e-nobody", "value": "x"}, "no entity"),
        ({"kind": "not_person", "entity_id": STARMER, "value": "PERSON"}, "not_person takes"),
        ({"kind": "rename", "entity_id": STARMER, "value": "x" * 400}, "at most"),
    ],
)
def test_serve_bad_corrections_are_a_clear_400(rw, body, message) -> None:  # type: ignore[no-untyped-def]
    r = rw.post("/api/corrections", headers={"Authorization": f"Bearer {TOKEN}"}, json=body)
    assert r.status_code == 400 and message in r.json()["error"], r.text


def test_serve_saved_search_new_since_last_looked_and_atom(rw, store: Path) -> None:  # type: ignore[no-untyped-def]
    h = {"Authorization": f"Bearer {TOKEN}"}
    r = rw.post(
        "/api/saved-searches",
        headers=h,
        json={"name": "Starmer said", "kind": "quotes", "params": {"speaker": STARMER}},
    )
    assert r.status_code == 201
    sid = r.json()["id"]
    first = rw.get(f"/api/saved-searches/{sid}/new").json()
    assert first["all"] and first["new"] == []  # what it found when saved is the baseline
    # Something new appears (here: a correction moves quotes to Starmer).
    rw.post(
        "/api/corrections",
        headers=h,
        json={"kind": "merge", "entity_id": STARMER, "other_id": "e-ed-balls"},
    )
    page = rw.get(f"/saved/{sid}")
    assert page.status_code == 200 and re.search(r"<strong>[1-9]\d* new</strong>", page.text)
    assert_own_markup(page.text)
    feed = rw.get(f"/saved/{sid}/feed.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith(
        "application/atom+xml"
    )
    import xml.etree.ElementTree as ET

    root = ET.fromstring(feed.text)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert (
        len(entries)
        == len(rw.get(f"/api/saved-searches/{sid}/new").json()["all"])
        > len(first["all"])
    )
    assert rw.get("/saved/999/feed.atom").status_code == 404
    bad = rw.post(
        "/api/saved-searches", headers=h, json={"kind": "quotes", "params": {"from": "soon"}}
    )
    assert bad.status_code == 400


def test_serve_page_forms_save_search_and_delete(rw) -> None:  # type: ignore[no-untyped-def]
    csrf = login(rw)
    r = rw.post(
        "/saved",
        data={"csrf": csrf, "kind": "articles", "q": "Trump", "name": "trump"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/saved/")
    sid = r.headers["location"].rsplit("/", 1)[1]
    assert "trump" in rw.get("/saved").text
    d = rw.post(f"/saved/{sid}/delete", data={"csrf": csrf}, follow_redirects=False)
    assert d.status_code == 303 and rw.get(f"/saved/{sid}").status_code == 404


def test_serve_upload_queues_a_job_and_reports_bad_files(rw) -> None:  # type: ignore[no-untyped-def]
    h = {"Authorization": f"Bearer {TOKEN}"}
    r = rw.post(
        "/api/uploads",
        headers=h,
        files=[
            ("files", ("new.txt", b" date 2024-11-08\nA new article.\n", "text/plain")),
            ("files", ("virus.exe", b"MZ", "application/octet-stream")),
        ],
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["job_id"] and [a["name"] for a in body["accepted"]] == ["new.txt"]
    assert "unsupported file type" in body["rejected"][0]["reason"]
    job = rw.get(f"/api/jobs/{body['job_id']}").json()
    assert job["state"] == "queued" and job["kind"] == "upload"
    only_bad = rw.post(
        "/api/uploads", headers=h, files=[("files", ("x.pdf", b"%PDF", "application/pdf"))]
    )
    assert only_bad.status_code == 400 and only_bad.json()["rejected"]
    csrf = login(rw)
    page = rw.post(
        "/add/upload", data={"csrf": csrf}, files=[("files", ("b.html", b"<p>hi</p>", "text/html"))]
    )
    assert page.status_code == 200 and "follow it on Builds" in page.text
    builds = rw.get("/builds")
    assert builds.status_code == 200 and 'http-equiv="refresh"' in builds.text


def test_serve_retry_resets_what_failed(rw, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    h = {"Authorization": f"Bearer {TOKEN}"}
    r = rw.post("/api/builds/retry", headers=h)
    assert r.status_code == 200 and r.json()["job_id"]
    assert rw.get(f"/api/jobs/{r.json()['job_id']}").json()["kind"] == "retry"


def test_serve_writes_wait_while_a_build_holds_the_store(rw, store: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from storyline.store.sqlite import Store

    h = {"Authorization": f"Bearer {TOKEN}"}
    path = Path(rw.app.state.services.settings.store)
    with Store(path) as s, s.writer_lock():
        r = rw.post(
            "/api/corrections",
            headers=h,
            json={"kind": "rename", "entity_id": STARMER, "value": "K"},
        )
        assert r.status_code == 409 and "a build is writing the store" in r.json()["error"]
        up = rw.post(
            "/api/uploads", headers=h, files=[("files", ("x.txt", b"Text here.", "text/plain"))]
        )
        assert up.status_code == 200 and up.json()["job_id"] is None  # waits for that build
        assert rw.get("/api/quotes").status_code == 200  # reading goes on
    r = rw.post(
        "/api/corrections", headers=h, json={"kind": "rename", "entity_id": STARMER, "value": "K"}
    )
    assert r.status_code == 201


def test_serve_cli_refuses_a_missing_store_and_a_weak_token(
    tmp_path: Path, store: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from storyline.cli import main

    assert main(["serve", str(tmp_path / "none.sqlite")]) == 1
    assert "no store here" in capsys.readouterr().err
    weak = tmp_path / "token"
    weak.write_text("short\n")
    assert main(["serve", str(store), "--token-file", str(weak)]) == 1
    assert "at least 16 characters" in capsys.readouterr().err
    assert main(["serve", str(store), "--token-file", str(tmp_path / "missing")]) == 1
    assert "token file not found" in capsys.readouterr().err
    assert main(["serve", str(store), "--port", "0"]) == 1
    assert "--port 0" in capsys.readouterr().err


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "merge", "entity_id": STARMER, "other_id": {"a": 1}},
        {"kind": ["x"], "entity_id": 1},
        {"kind": "rename", "entity_id": STARMER, "value": 123},
        [1, 2],
        "text",
    ],
)
def test_serve_api_wrong_json_types_are_400_not_500(rw, body) -> None:  # type: ignore[no-untyped-def]
    r = rw.post("/api/corrections", headers={"Authorization": f"Bearer {TOKEN}"}, json=body)
    assert r.status_code == 400, r.text


@pytest.mark.parametrize(
    "path",
    [
        "/quotes?q=%ED%A0%80",
        "/articles/%ED%A0%80",
        "/search?q=%00",
        "/saved/abc",
        "/api/jobs/x",
        "/quotes?page=0",
        "/api/quotes?offset=-1",
        "/static/../pyproject.toml",
        "/stories/%2F..%2F",
    ],
)
def test_serve_odd_urls_are_never_a_500(ro, path) -> None:  # type: ignore[no-untyped-def]
    assert ro.get(path).status_code < 500


def test_serve_quote_search_for_a_name_offers_that_speakers_quotes(ro) -> None:  # type: ignore[no-untyped-def]
    r = ro.get("/quotes", params={"q": "starmer"})
    assert 'id="people-hint"' in r.text
    assert f'href="/quotes?speaker={STARMER}"' in r.text
    assert 'id="people-hint"' not in ro.get("/quotes", params={"q": "sociopath"}).text
