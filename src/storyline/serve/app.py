"""The application factory: ``create_app(settings)`` wires the store (through the
:class:`storyline.store.app.AppStore` Protocol, one per request, via a FastAPI dependency), the
templates, the security headers, the error pages and the background job runner; the pages and
the API are in ``pages.py`` and ``api.py``."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__
from storyline.errors import StorylineError
from storyline.output.report import safe_text
from storyline.serve import views
from storyline.serve.jobs import JobRunner
from storyline.serve.security import CSP, SESSION_COOKIE, Auth, Identity
from storyline.serve.settings import ServeSettings
from storyline.store.app import AppStore
from storyline.store.sqlite_app import CorpusCache, SqliteAppStore

__all__ = ["Services", "create_app", "get_identity", "get_repo", "render", "services"]

log = logging.getLogger(__name__)
_POOL_MAX = 8


class Services:
    """What every request shares: settings, auth, the corpus cache, templates, the job runner."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.auth = Auth(settings.token)
        self.cache = CorpusCache()
        self.templates = _templates()
        self.runner = JobRunner(settings, self.open_repo, self.warm)
        # Open connections kept for the next request (opening a store checks its schema):
        # one request uses one at a time, whichever threads FastAPI runs it in.
        self._pool: queue.SimpleQueue[AppStore] = queue.SimpleQueue()

    def lease(self) -> AppStore:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            return self.open_repo()

    def give_back(self, repo: AppStore) -> None:
        if self._pool.qsize() < _POOL_MAX:
            self._pool.put(repo)
        else:
            repo.close()

    def open_repo(self) -> AppStore:
        if isinstance(self.settings.store, str):
            from storyline.store.postgres_app import PostgresAppStore

            return PostgresAppStore(self.settings.store, self.cache)
        return SqliteAppStore(self.settings.store, self.cache)

    def warm_quietly(self) -> None:
        try:
            self.warm()
        except Exception:  # warming is best effort: a request assembles what it needs
            log.exception("warming the corpus failed")

    def warm(self) -> None:
        """Assemble the last build's corpus and fill its search indexes (after a build, at
        start-up), so that no reader waits for it."""
        repo = self.open_repo()
        try:
            build = repo.last_build()
            if build is not None and isinstance(repo, SqliteAppStore):
                repo.ensure_indexes(build)
        finally:
            repo.close()


def _templates() -> jinja2.Environment:
    folder = resources.files("storyline.serve") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        article_url=views.article_url,
        entity_link=views.entity_link,
        story_link=views.story_link,
        fact_link=views.fact_link,
        link_url=views.link_url,
        highlight_parts=views.highlight_parts,
        qs=views.query_string,
        version=__version__,
    )
    env.filters["when"] = lambda t: (
        time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) if t else ""
    )
    env.filters["safe_text"] = safe_text
    return env


def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


def get_repo(request: Request) -> Iterator[AppStore]:
    """One store connection per request (SQLite connections are per thread)."""
    svc = services(request)
    try:
        repo = svc.lease()
    except StorylineError as exc:
        raise HTTPException(503, str(exc)) from exc
    ok = False
    try:
        yield repo
        ok = True
    finally:
        if ok:
            svc.give_back(repo)
        else:  # a failed request may have left it mid-transaction
            repo.close()


def get_identity(request: Request) -> Identity:
    return services(request).auth.identify(
        request.headers.get("authorization"), request.cookies.get(SESSION_COOKIE)
    )


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    svc = services(request)
    identity = get_identity(request)
    html = svc.templates.get_template(template).render(
        request_path=request.url.path,
        me=identity,
        auth_enabled=svc.auth.enabled,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _error_response(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    try:
        return render(request, "error.html", status=status, status_code=status, message=message)
    except Exception:  # the error page itself failed: a plain one, never a trace
        return HTMLResponse(f"<!doctype html><title>{status}</title><p>error {status}</p>", status)


def create_app(settings: ServeSettings) -> FastAPI:
    svc = Services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.run_jobs:
            repo = svc.open_repo()
            try:
                if isinstance(repo, SqliteAppStore) and not repo.writer_busy():
                    repo.interrupted_jobs()
            finally:
                repo.close()
            svc.runner.start()
        # The first reader should not wait for the corpus and the search indexes.
        threading.Thread(target=svc.warm_quietly, name="storyline-warm", daemon=True).start()
        yield
        if settings.run_jobs:
            svc.runner.stop()

    app = FastAPI(
        title="storyline",
        version=__version__,
        description="Stories, quotes, people and timelines over a storyline store; every fact "
        "links to the sentence it came from.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.services = svc
    static = resources.files("storyline.serve") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        try:
            response: Response = await call_next(request)
        except Exception:  # never a stack trace to the client
            log.exception("unhandled error on %s", request.url.path)
            response = _error_response(
                request, 500, "internal error; the server log has the details"
            )
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        # same-origin, not no-referrer: with no-referrer Chromium posts our own forms with
        # "Origin: null", and the origin check needs the real one.
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path[:200]}"
        return _error_response(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body"))
            problems.append(f"{where}: {err.get('msg')}")
        return _error_response(request, 400, "bad request: " + "; ".join(problems))

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        return _error_response(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path, exc_info=exc)
        return _error_response(request, 500, "internal error; the server log has the details")

    from storyline.serve import api, pages

    app.include_router(pages.router)
    app.include_router(api.router)
    return app


RepoDep = Depends(get_repo)
IdentityDep = Depends(get_identity)


def store_path(settings: ServeSettings) -> Path | str:
    return settings.store
