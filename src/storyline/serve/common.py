"""What the pages and the API share: checked search parameters, the write guard (token, CSRF,
origin), the job progress figures, CSV export and saved-search evaluation."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request

from storyline.serve.security import SESSION_COOKIE, Identity
from storyline.store.app import (
    AppStore,
    ArticleFilter,
    ArticleSearch,
    Corpus,
    Job,
    QuoteFilter,
    QuoteSearch,
    SavedSearch,
)

__all__ = [
    "ARTICLE_PARAMS",
    "QUOTE_PARAMS",
    "article_filter",
    "current_corpus",
    "job_figures",
    "paging",
    "quote_filter",
    "require_write",
]

_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_KINDS = ("direct", "partial", "indirect")
_MAX_Q = 1000
ARTICLE_PARAMS = ("q", "outlet", "person", "from", "to", "story")
QUOTE_PARAMS = ("q", "speaker", "outlet", "from", "to", "story", "kind")


def _param(params: Mapping[str, str], name: str, limit: int = 300) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if len(value) > limit:
        raise HTTPException(400, f"{name}: at most {limit} characters")
    if "\x00" in value:
        raise HTTPException(400, f"{name}: holds a NUL character")
    return value


def _date(params: Mapping[str, str], name: str) -> str | None:
    value = _param(params, name, 10)
    if value is not None and not _DATE.match(value):
        raise HTTPException(400, f"{name}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def article_filter(params: Mapping[str, str]) -> ArticleFilter:
    return ArticleFilter(
        q=_param(params, "q", _MAX_Q) or "",
        outlet=_param(params, "outlet"),
        person=_param(params, "person"),
        date_from=_date(params, "from"),
        date_to=_date(params, "to"),
        story=_param(params, "story"),
    )


def quote_filter(params: Mapping[str, str]) -> QuoteFilter:
    kind = _param(params, "kind")
    if kind is not None and kind not in _KINDS:
        raise HTTPException(400, f"kind: {kind!r} is not one of {', '.join(_KINDS)}")
    return QuoteFilter(
        q=_param(params, "q", _MAX_Q) or "",
        speaker=_param(params, "speaker"),
        outlet=_param(params, "outlet"),
        date_from=_date(params, "from"),
        date_to=_date(params, "to"),
        story=_param(params, "story"),
        kind=kind,
    )


def paging(params: Mapping[str, str], default: int, maximum: int) -> tuple[int, int]:
    """(limit, offset) from ``limit``/``offset`` or ``page`` (1-based)."""

    def number(name: str, lo: int, hi: int) -> int | None:
        raw = params.get(name)
        if raw in (None, ""):
            return None
        try:
            value = int(str(raw))
        except ValueError:
            raise HTTPException(400, f"{name}: {str(raw)[:40]!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise HTTPException(400, f"{name}: must be between {lo} and {hi}")
        return value

    limit = number("limit", 1, maximum) or default
    offset = number("offset", 0, 10**9)
    page = number("page", 1, 10**6)
    if offset is None:
        offset = (page - 1) * limit if page else 0
    return limit, offset


def current_corpus(repo: AppStore) -> Corpus | None:
    build = repo.last_build()
    return repo.corpus(build) if build is not None else None


def require_write(
    request: Request, identity: Identity, form: Mapping[str, Any] | None, auth_enabled: bool
) -> None:
    """Refuse a write that is not allowed: read-only server (403), not logged in (401), a browser
    form without the right CSRF token or from another origin (403)."""
    if not auth_enabled:
        raise HTTPException(
            403, "this server is read-only (start it with --token-file to allow changes)"
        )
    if not identity.can_write:
        raise HTTPException(
            401,
            "log in with the server's token first (/login), or send Authorization: Bearer <token>",
        )
    if identity.via == "bearer":
        return
    origin = request.headers.get("origin")
    # "null" (a privacy setting, a sandboxed frame) proves nothing either way: the CSRF token
    # below decides.
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise HTTPException(403, "refused: the form was posted from another site")
    token = str((form or {}).get("csrf") or request.headers.get("x-csrf-token") or "")
    cookie = request.cookies.get(SESSION_COOKIE) or ""
    from storyline.serve.app import services

    if not token or not services(request).auth.check_csrf(cookie, token):
        raise HTTPException(
            403,
            "refused: the form's CSRF token is missing or wrong (reload the page and try again)",
        )


def not_while_building(request: Request, repo: AppStore) -> None:
    """Refuse a change to the store while a build writes it (409): SQLite has one writer, and a
    write in the middle of a build would cost the build its transaction."""
    from storyline.serve.app import services

    if services(request).runner.busy or repo.writer_busy():
        raise HTTPException(
            409,
            "a build is writing the store right now; try again when it has finished (see /builds)",
        )


@dataclass(frozen=True, slots=True)
class JobFigures:
    rate: float | None
    eta_s: float | None
    percent: int | None


def job_figures(job: Job, stage_started: float | None) -> JobFigures:
    if job.state != "running" or not job.total or stage_started is None:
        return JobFigures(None, None, 100 if job.state == "done" else None)
    elapsed = max(time.time() - stage_started, 1e-3)
    rate = job.done / elapsed if job.done else None
    eta = (job.total - job.done) / rate if rate else None
    return JobFigures(
        round(rate, 2) if rate else None,
        round(eta, 1) if eta is not None else None,
        min(100, int(job.done * 100 / job.total)),
    )


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with every cell that a spreadsheet would read as a formula (=, +, -, @) prefixed with
    an apostrophe: exported article text is untrusted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                ("'" + c) if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r") else c
                for c in row
            ]
        )
    return out.getvalue()


def run_saved(
    repo: AppStore, saved: SavedSearch, limit: int = 200
) -> ArticleSearch | QuoteSearch | None:
    build = repo.last_build()
    if build is None:
        return None
    params = dict(saved.params)
    if saved.kind == "quotes":
        return repo.search_quotes(build, quote_filter(params), limit, 0)
    return repo.search_articles(build, article_filter(params), limit, 0)


def hit_ids(result: ArticleSearch | QuoteSearch) -> list[str]:
    if isinstance(result, QuoteSearch):
        return [str(h.quote["id"]) for h in result.hits]
    return [h.id for h in result.hits]
