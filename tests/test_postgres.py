"""What only the PostgreSQL store has to show: its errors never carry the password, its
migrations match SQLite's, its lock dies with its holder, concurrent writers lose nothing, the
web app's search runs on tsvector, and a build gives the SQLite build's dossier, byte for byte.
Every test runs against a real throwaway server (tests/pg.py)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pg import PASSWORD, PgServer, pg_server, pg_url  # noqa: F401  (fixtures)
from storyline import StoreError
from storyline.settings import DEFAULT
from storyline.store import open_store, store_path
from storyline.store import postgres as pgstore
from storyline.store.app import HIGHLIGHT_END, HIGHLIGHT_START, ArticleFilter, QuoteFilter
from storyline.store.postgres import PostgresStore, safe_url
from storyline.store.postgres_app import PostgresAppStore
from storyline.store.sqlite import _MIGRATIONS as SQLITE_MIGRATIONS
from storyline.store.sqlite_app import SqliteAppStore

FIXTURES = Path(__file__).parent / "fixtures" / "articles"


def test_postgres_migrations_are_sqlites_versions() -> None:
    # A migration added to one backend and not the other fails here, not in production.
    assert sorted(pgstore.MIGRATIONS) == sorted(SQLITE_MIGRATIONS)
    assert max(pgstore.MIGRATIONS) == pgstore.SCHEMA_VERSION


def test_postgres_safe_url_drops_the_password() -> None:
    assert safe_url("postgresql://ann:s3cret@db:5432/news") == "postgresql://ann@db:5432/news"
    assert safe_url("postgres://db/news?password=s3cret&sslmode=require") == (
        "postgres://db/news?sslmode=require"
    )
    assert safe_url("postgresql://db/news") == "postgresql://db/news"


def test_postgres_store_path_is_not_a_file() -> None:
    with pytest.raises(StoreError, match=r"^postgresql://ann@db/news: a PostgreSQL store"):
        store_path("postgresql://ann:pw@db/news")


@pytest.mark.parametrize(
    ("make_url", "needle"),
    [
        (lambda s: s.url_for("postgres", "wrong-password"), "refused the login"),
        (lambda s: s.url_for("no_such_db"), "no such PostgreSQL database"),
        (lambda s: f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/x", "cannot reach"),
        (lambda s: f"postgresql://postgres:{PASSWORD}@127.0.0.1:port/x", "not a usable"),
    ],
)
def test_postgres_connection_errors_name_the_url_without_the_password(
    pg_server: PgServer,  # noqa: F811
    make_url: Any,
    needle: str,
) -> None:
    url = make_url(pg_server)
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert message.startswith(safe_url(url) + ": ") and needle in message
    assert PASSWORD not in message and "wrong-password" not in message
    assert "\n" not in message


def test_postgres_migrates_a_version_1_store_in_place(pg_url: str) -> None:  # noqa: F811
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in pgstore._SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO meta VALUES('schema_version', '1')")
        conn.execute("INSERT INTO errors(build, source, error, file_path) VALUES(1, 'a', 'x', 'a')")
    with PostgresStore(pg_url) as store:
        assert store.schema_version == pgstore.SCHEMA_VERSION
        assert store.integrity_check() == "ok"
        [old] = store.file_errors("a")
        assert (old.source, old.error, old.stage) == ("a", "x", None)


_HOLDER = """
import sys, time
from storyline.store.postgres import PostgresStore
store = PostgresStore(sys.argv[1])
with store.writer_lock(timeout=5):
    print("held", flush=True)
    time.sleep(60)
"""


def test_postgres_writer_lock_dies_with_a_killed_holder(pg_url: str) -> None:  # noqa: F811
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, pg_url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with PostgresStore(pg_url) as store:
            with (
                pytest.raises(StoreError, match=rf"another build \(pid {holder.pid}\)"),
                store.writer_lock(timeout=0.2),
            ):
                pass
            holder.kill()  # kill -9: no chance to unlock
            holder.wait()
            with store.writer_lock(timeout=10):  # the server dropped the dead session's lock
                pass
    finally:
        holder.kill()
        holder.wait()


def test_postgres_concurrent_writers_lose_nothing(pg_url: str) -> None:  # noqa: F811
    with PostgresStore(pg_url) as store:
        build = store.begin_build([])
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with PostgresStore(pg_url) as mine, mine.transaction():
                for i in range(30):
                    aid = f"w{n}-{i}"
                    mine.put_article(
                        article_id=aid,
                        file_path=f"w{n}.jsonl",
                        ordinal=i,
                        source=aid,
                        fmt="jsonl",
                        raw=b"x",
                        decoded="x",
                        notes=[],
                        meta={},
                        strip=[],
                        line_keys=["shared"],
                        build=build,
                    )
                    # Every worker writes the same file row and the same shared article.
                    mine.put_file("shared.txt", i, n, f"sha-{n}", build)
                    mine.put_layers("w0-0", f"k{n}", {"quotes": [n, i]})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with PostgresStore(pg_url) as store:
        assert store.count_current(build) == 120
        assert store.file_state("shared.txt") is not None
        assert len(store.layer("w0-0", "quotes")) == 2


def test_postgres_job_log_appends_are_not_lost(pg_url: str) -> None:  # noqa: F811
    # Two writers appending to one job's log (the build and the server) read-modify-write it:
    # without a row lock one of them overwrites the other's lines.
    with PostgresAppStore(pg_url) as app:
        job = app.add_job("upload", ["a.txt"], "tester")
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            with PostgresAppStore(pg_url) as mine:
                for i in range(20):
                    mine.update_job(job.id, log_lines=[f"{n}:{i}"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with PostgresAppStore(pg_url) as app:
        found = app.job(job.id)
        assert found is not None and len(found.log) == 80 and len(set(found.log)) == 80


def _build(location: str, out: Path) -> Any:
    from storyline.pipeline import build

    return build([FIXTURES], out, db=location, settings=DEFAULT)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, pg_server: PgServer) -> dict[str, Any]:  # noqa: F811
    """The fixture corpus built once on SQLite and once on PostgreSQL."""
    root = tmp_path_factory.mktemp("built")
    url = pg_server.create_database(f"built_{int(time.time() * 1000) % 10**8}")
    sqlite_report = _build(str(root / "s.sqlite"), root / "sqlite")
    pg_report = _build(url, root / "pg")
    return {"root": root, "url": url, "sqlite": sqlite_report, "pg": pg_report}


def test_postgres_build_gives_the_sqlite_dossier_byte_for_byte(built: dict[str, Any]) -> None:
    root = built["root"]
    sqlite_bytes = (root / "sqlite" / "dossier.json").read_bytes()
    pg_bytes = (root / "pg" / "dossier.json").read_bytes()
    dossier = json.loads(pg_bytes)
    assert len(dossier["articles"]) == 5 and dossier["quotes"], "a real dossier, not an empty one"
    assert pg_bytes == sqlite_bytes
    assert built["pg"].articles == built["sqlite"].articles == 5


def test_postgres_rebuild_reads_nothing_again_and_keeps_the_dossier(
    built: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # STORYLINE_DB selects the store when --db is not given.
    monkeypatch.setenv("STORYLINE_DB", built["url"])
    from storyline.pipeline import build

    again = build([FIXTURES], tmp_path / "again", settings=DEFAULT)
    assert again.processed == 0 and again.skipped_unchanged == 5
    assert (tmp_path / "again" / "dossier.json").read_bytes() == (
        built["root"] / "sqlite" / "dossier.json"
    ).read_bytes()


def test_postgres_search_finds_and_highlights_like_sqlite(built: dict[str, Any]) -> None:
    with (
        PostgresAppStore(built["url"]) as pg_app,
        SqliteAppStore(built["root"] / "s.sqlite") as sqlite_app,
    ):
        build = pg_app.last_build()
        assert build is not None
        for words in ("fuel", "homes", "strike", "storm"):
            flt = ArticleFilter(q=words)
            pg_hits = pg_app.search_articles(build, flt, 20, 0)
            lite = sqlite_app.search_articles(sqlite_app.last_build() or 0, flt, 20, 0)
            assert {h.id for h in lite.hits} <= {h.id for h in pg_hits.hits}, words
            assert pg_hits.hits, words
            assert all(
                HIGHLIGHT_START in h.snippet and HIGHLIGHT_END in h.snippet for h in pg_hits.hits
            )
        # websearch syntax: a phrase, and a word left out.
        everything = pg_app.search_articles(build, ArticleFilter(q="fuel"), 20, 0)
        without = pg_app.search_articles(build, ArticleFilter(q="fuel -duty"), 20, 0)
        assert without.total < everything.total
        quotes = pg_app.search_quotes(build, QuoteFilter(q="the"), 20, 0)
        assert quotes.total == 0, "a stop word alone matches nothing"
        some_quote = pg_app.corpus(build).quotes[0]
        word = max(str(some_quote["text"]).split(), key=len).strip(".,;:!?\"'")
        found = pg_app.search_quotes(build, QuoteFilter(q=word), 20, 0)
        assert some_quote["id"] in {h.quote["id"] for h in found.hits}


@pytest.fixture(params=["sqlite", "postgresql"])
def app_store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """The web app's store on an empty store of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "s.sqlite"
        open_store(path).close()
        app: Any = SqliteAppStore(path)
    else:
        app = PostgresAppStore(request.getfixturevalue("pg_url"))
    yield app
    app.close()


def test_postgres_app_store_writes_like_sqlites(app_store: Any) -> None:
    from storyline.store.app import Correction

    fix = app_store.add_correction(Correction(0, "rename", "e1", None, "New name", "ann", 5.0))
    other = app_store.add_correction(Correction(0, "merge", "e1", "e2", None, "bob", 6.0))
    assert fix.id > 0 and other.id > fix.id
    assert [c.kind for c in app_store.corrections()] == ["rename", "merge"]
    assert app_store.delete_correction(fix.id) and not app_store.delete_correction(fix.id)
    assert [c.id for c in app_store.corrections()] == [other.id]

    saved = app_store.add_saved_search("fuel", "articles", {"q": "fuel"}, "ann")
    assert app_store.saved_search(saved.id) == saved and saved.params == {"q": "fuel"}
    first = app_store.record_hits(saved.id, ["a", "b"])
    again = app_store.record_hits(saved.id, ["b", "c"])  # "b" keeps when it was first seen
    assert again[0].first_seen == first[1].first_seen and {h.hit_id for h in again} == {"b", "c"}
    app_store.mark_seen(saved.id, 99.0)
    assert app_store.saved_search(saved.id).last_seen == 99.0
    assert app_store.delete_saved_search(saved.id) and app_store.saved_searches() == []

    job = app_store.add_job("upload", ["a.txt"], "ann")
    app_store.update_job(job.id, state="running", stage="clean", log_lines=["one", "two"])
    got = app_store.job(job.id)
    assert (got.state, got.stage, got.log, got.inputs) == (
        "running",
        "clean",
        ("one", "two"),
        ("a.txt",),
    )
    assert [j.id for j in app_store.jobs(5)] == [job.id]
    assert app_store.interrupted_jobs() == 1 and app_store.job(job.id).state == "failed"
    with pytest.raises(ValueError, match="unknown job fields"):
        app_store.update_job(job.id, nonsense=1)
    assert app_store.writer_busy() is False
    assert app_store.builds(5) == [] and app_store.last_build() is None


def test_postgres_app_store_reads_a_build_like_sqlites(built: dict[str, Any]) -> None:
    with (
        PostgresAppStore(built["url"]) as pg_app,
        SqliteAppStore(built["root"] / "s.sqlite") as sqlite_app,
    ):
        pb, sb = pg_app.last_build(), sqlite_app.last_build()
        assert pb is not None and sb is not None
        pg_corpus, sqlite_corpus = pg_app.corpus(pb), sqlite_app.corpus(sb)
        for section in ("entities", "quotes", "quote_groups", "timeline", "stories", "duplicates"):
            assert getattr(pg_corpus, section) == getattr(sqlite_corpus, section), section
        assert pg_corpus.articles == sqlite_corpus.articles  # in the same order too
        aid = pg_corpus.articles[0]["id"]
        assert pg_app.article(aid) == sqlite_app.article(aid)
        [pg_build], [sqlite_build] = pg_app.builds(1), sqlite_app.builds(1)
        assert (pg_build.articles, pg_build.errors) == (sqlite_build.articles, sqlite_build.errors)
        assert pg_app.build_inputs(pb) == sqlite_app.build_inputs(sb)


@pytest.mark.slow
def test_postgres_server_lost_mid_build_is_one_line(tmp_path: Path) -> None:
    # A fault of the machine, not of the input: one line naming the store, exit 1.
    from bench.pgserver import start

    server = start()
    try:
        url = server.create_database("lost")
        inputs = tmp_path / "in"
        inputs.mkdir()
        for n in range(400):
            (inputs / f"a{n:03d}.txt").write_text(
                f"Headline {n}\n\n" + " ".join(f"word{(n * 7 + i) % 311}" for i in range(300)),
                "utf-8",
            )
        build = subprocess.Popen(
            [
                *(sys.executable, "-m", "storyline", "build", str(inputs)),
                *("--out", str(tmp_path / "o"), "--db", url, "-q"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait until the build is writing, then pull the plug
            with contextlib.suppress(psycopg.Error), psycopg.connect(url) as conn:
                row = conn.execute("SELECT to_regclass('articles') IS NOT NULL").fetchone()
                if row and row[0] and conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]:
                    break
            time.sleep(0.2)
        server.kill()
        _, err = build.communicate(timeout=120)
    finally:
        server.stop()
    assert build.returncode == 1
    [line] = err.strip().splitlines()
    assert line.startswith(f"storyline: error: {safe_url(url)}: ") and PASSWORD not in line
    assert "PostgreSQL server" in line


def test_postgres_article_without_outlet_sorts_first_as_in_sqlite(
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    from storyline.pipeline import build

    corpus = tmp_path / "in.jsonl"
    text = "The council approved the budget on Monday after a long debate about housing. " * 4
    corpus.write_text(
        json.dumps({"id": "zed-1", "text": text, "published": "2024-01-01", "outlet": "Zed"})
        + "\n"
        + json.dumps({"id": "nobody-1", "text": text.replace("council", "board")})[:-1]
        + ', "published": "2024-01-01"}\n',
        "utf-8",
    )
    sqlite_path = tmp_path / "s.sqlite"
    orders = []
    for location, app_of in (
        (str(sqlite_path), lambda: SqliteAppStore(sqlite_path)),
        (pg_url, lambda: PostgresAppStore(pg_url)),
    ):
        build([corpus], None, db=location, write_outputs=False, settings=DEFAULT)
        with app_of() as app:
            orders.append([a["id"] for a in app.corpus(app.last_build()).articles])
        with open_store(location) as store:
            orders.append([b.id for b in store.briefs(store.last_build())])
    assert orders == [["nobody-1", "zed-1"]] * 4


def test_postgres_serve_pages_read_the_database(built: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    from storyline.serve.app import create_app
    from storyline.serve.settings import ServeSettings

    pages: dict[str, str] = {}
    for name, store in (("pg", built["url"]), ("sqlite", built["root"] / "s.sqlite")):
        app = create_app(ServeSettings(store=store, run_jobs=False))
        with TestClient(app, raise_server_exceptions=False) as client:
            home = client.get("/")
            found = client.get("/search", params={"q": "fuel duty"})
            assert home.status_code == 200 and found.status_code == 200, name
            pages[name] = found.text
    assert "planet_budget" in pages["pg"] or "courier_fuel" in pages["pg"]
    assert pages["pg"].count("/articles/") == pages["sqlite"].count("/articles/")
