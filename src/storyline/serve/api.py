"""The JSON API under ``/api/``: everything the pages show, with pagination (``limit``,
``offset``), and the write actions (``Authorization: Bearer <token>``)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body, Depends, File, HTTPException, Query, Request, UploadFile

from storyline.link.corrections import CorrectionError, correction
from storyline.serve import views
from storyline.serve.app import get_identity, get_repo, services
from storyline.serve.common import (
    ARTICLE_PARAMS,
    QUOTE_PARAMS,
    article_filter,
    current_corpus,
    hit_ids,
    job_figures,
    not_while_building,
    paging,
    quote_filter,
    require_write,
    run_saved,
)
from storyline.serve.intake import FetchError, fetch_url, save_uploads
from storyline.serve.models import (
    ArticleHitOut,
    ArticleOut,
    ArticleSearchOut,
    BuildOut,
    CorrectionOut,
    EntityOut,
    FacetOut,
    IntakeOut,
    JobOut,
    QuoteHitOut,
    QuoteSearchOut,
    SavedSearchOut,
    StoryOut,
)
from storyline.serve.security import Identity
from storyline.store.app import AppStore, Corpus, Facet, Job, QuoteSearch

__all__ = ["router"]

router = APIRouter(prefix="/api")
Repo = Depends(get_repo)
Me = Depends(get_identity)
_Q = Query(None, max_length=1000)


def _corpus(repo: AppStore) -> Corpus:
    corpus = current_corpus(repo)
    if corpus is None:
        raise HTTPException(404, "the store has no finished build yet")
    return corpus


def _facets(facets: Any) -> dict[str, list[FacetOut]]:
    return {
        k: [FacetOut(**asdict(f)) for f in v if isinstance(f, Facet)] for k, v in facets.items()
    }


def _params(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    return {k: request.query_params.get(k, "") for k in names}


@router.get("/stories", response_model=list[StoryOut], summary="The stories of the last build")
def stories(repo: AppStore = Repo) -> Any:
    return _corpus(repo).stories


@router.get(
    "/stories/{story_id:path}", summary="One story with its timeline, quote groups and articles"
)
def story(story_id: str, repo: AppStore = Repo) -> dict[str, Any]:
    corpus = _corpus(repo)
    s = corpus.by_story.get(story_id)
    if s is None:
        raise HTTPException(404, f"no story {story_id[:100]!r}")
    members = set(s.get("article_ids", []))
    return {
        "story": s,
        "timeline": [t for t in corpus.timeline if t.get("story_id") == story_id],
        "quote_groups": [g for g in corpus.quote_groups if g.get("story_id") == story_id],
        "articles": [a for a in corpus.articles if a["id"] in members],
        "duplicates": [d for d in corpus.duplicates if members.intersection(d["article_ids"])],
    }


@router.get("/entities", response_model=list[EntityOut], summary="People and organisations")
def entities(
    request: Request,
    type: str | None = Query(None, max_length=10),
    q: str | None = _Q,
    repo: AppStore = Repo,
) -> Any:
    corpus = _corpus(repo)
    limit, offset = paging(request.query_params, 100, 1000)
    rows = corpus.entities
    if type:
        rows = [e for e in rows if e.get("type") == type.upper()]
    if q:
        needle = q.casefold()
        rows = [
            e
            for e in rows
            if any(needle in str(n).casefold() for n in (e.get("name"), *e.get("aliases", [])))
        ]
    rows = sorted(rows, key=lambda e: (-int(e.get("mentions") or 0), str(e.get("name"))))
    return rows[offset : offset + limit]


@router.get(
    "/entities/{entity_id:path}", summary="One entity: roles, quotes, co-mentioned, articles"
)
def entity(entity_id: str, repo: AppStore = Repo) -> dict[str, Any]:
    corpus = _corpus(repo)
    e = corpus.by_entity.get(entity_id)
    if e is None:
        raise HTTPException(404, f"no entity {entity_id[:100]!r}")
    return {
        "entity": e,
        "quotes": list(corpus.quotes_by_speaker.get(entity_id, [])),
        "co_mentioned": [
            {"id": o["id"], "name": o.get("name"), "type": o.get("type"), "shared_articles": n}
            for o, n in views.co_mentioned(corpus, e)
        ],
        "articles": [
            corpus.by_article[a] for a in e.get("article_ids", []) if a in corpus.by_article
        ],
    }


def _quote_hits(result: QuoteSearch) -> list[QuoteHitOut]:
    return [
        QuoteHitOut(
            quote=h.quote,  # type: ignore[arg-type]
            outlet=h.outlet,
            published=h.published,
            story_id=h.story_id,
            first_reported=h.first_reported,
            first_article_id=h.first_article_id,
            reported_by=h.reported_by,
            context=h.context,
            link=views.fact_link(
                str(h.quote.get("article_id")), h.quote.get("start"), h.quote.get("end")
            ),
        )
        for h in result.hits
    ]


@router.get(
    "/quotes",
    response_model=QuoteSearchOut,
    summary="Search quotes",
    description="Full text over quotes; filters speaker (entity id or name), outlet, "
    "from, to (YYYY[-MM[-DD]]), story, kind; limit/offset. CSV: /quotes.csv",
)
def quotes(
    request: Request,
    q: str | None = _Q,
    speaker: str | None = Query(None, max_length=300),
    outlet: str | None = Query(None, max_length=300),
    story: str | None = Query(None, max_length=300),
    kind: str | None = Query(None, max_length=20),
    repo: AppStore = Repo,
) -> Any:
    del q, speaker, outlet, story, kind  # read with the date filters from the query string
    flt = quote_filter(_params(request, QUOTE_PARAMS))
    limit, offset = paging(request.query_params, 50, services(request).settings.max_page_size)
    result = repo.search_quotes(_corpus(repo).build, flt, limit, offset)
    return QuoteSearchOut(
        total=result.total,
        offset=offset,
        limit=limit,
        hits=_quote_hits(result),
        facets=_facets(result.facets),
    )


@router.get(
    "/articles",
    response_model=ArticleSearchOut,
    summary="Search articles",
    description="FTS5 (bm25) over titles and text with highlighted snippets; filters "
    "outlet, person (entity id), from, to, story; facets outlet, person, month. CSV: /search.csv",
)
def articles(
    request: Request,
    q: str | None = _Q,
    outlet: str | None = Query(None, max_length=300),
    person: str | None = Query(None, max_length=300),
    story: str | None = Query(None, max_length=300),
    repo: AppStore = Repo,
) -> Any:
    del q, outlet, person, story
    flt = article_filter(_params(request, ARTICLE_PARAMS))
    limit, offset = paging(request.query_params, 50, services(request).settings.max_page_size)
    result = repo.search_articles(_corpus(repo).build, flt, limit, offset)
    hits = [ArticleHitOut(**{**asdict(h), "link": views.article_url(h.id)}) for h in result.hits]
    return ArticleSearchOut(
        total=result.total, offset=offset, limit=limit, hits=hits, facets=_facets(result.facets)
    )


@router.get(
    "/articles/{article_id:path}", response_model=ArticleOut, summary="One article with its layers"
)
def article(article_id: str, repo: AppStore = Repo) -> Any:
    record = repo.article(article_id)
    if record is None:
        raise HTTPException(404, f"no article {article_id[:100]!r}")
    return record


@router.get("/timeline", summary="The timeline of the last build (of one story with story=)")
def timeline(
    story: str | None = Query(None, max_length=300), repo: AppStore = Repo
) -> list[dict[str, Any]]:
    corpus = _corpus(repo)
    return [t for t in corpus.timeline if story is None or t.get("story_id") == story]


@router.get("/duplicates", summary="Duplicate and rewrite groups of the last build")
def duplicates(repo: AppStore = Repo) -> list[dict[str, Any]]:
    return _corpus(repo).duplicates


@router.get("/builds", response_model=list[BuildOut], summary="Builds, newest first")
def builds(repo: AppStore = Repo) -> Any:
    return [BuildOut(**{**asdict(b), "inputs": list(b.inputs)}) for b in repo.builds(50)]


@router.get("/builds/{build_id}/errors", summary="Everything a build could not do")
def build_errors(build_id: int, repo: AppStore = Repo) -> list[dict[str, Any]]:
    return [asdict(e) for e in repo.build_errors(build_id)]


def _job_out(request: Request, job: Job) -> JobOut:
    runner = services(request).runner
    job = runner.overlay(job)
    fig = job_figures(job, runner.stage_started.get(job.id))
    data = asdict(job)
    data.update(inputs=list(job.inputs), log=list(job.log), rate=fig.rate, eta_s=fig.eta_s)
    return JobOut(**data)


@router.get("/jobs", response_model=list[JobOut], summary="Background builds, newest first")
def jobs(request: Request, repo: AppStore = Repo) -> Any:
    return [_job_out(request, j) for j in repo.jobs(50)]


@router.get("/jobs/{job_id}", response_model=JobOut, summary="One background build's progress")
def job(job_id: int, request: Request, repo: AppStore = Repo) -> Any:
    found = repo.job(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id}")
    return _job_out(request, found)


@router.get("/corrections", response_model=list[CorrectionOut], summary="Entity corrections")
def corrections(repo: AppStore = Repo) -> Any:
    return [asdict(c) for c in repo.corrections()]


@router.post(
    "/corrections",
    response_model=CorrectionOut,
    status_code=201,
    summary="Add a correction",
    description="kind: merge (other_id), split (value: the alias), rename (value), "
    "not_person (value: ORG, GPE, NORP, EVENT or OTHER)",
)
def add_correction(
    request: Request,
    payload: dict[str, Any] = Body(...),  # noqa: B008
    me: Identity = Me,
    repo: AppStore = Repo,
) -> Any:
    require_write(request, me, None, services(request).auth.enabled)
    not_while_building(request, repo)
    try:
        item = correction(
            payload.get("kind") or "",
            payload.get("entity_id") or "",
            other_id=payload.get("other_id"),
            value=payload.get("value"),
            who=str(payload.get("who") or me.name),
            note=str(payload.get("note") or ""),
        )
    except CorrectionError as exc:
        raise HTTPException(400, str(exc)) from exc
    corpus = _corpus(repo)
    for eid in (item.entity_id, item.other_id):
        if eid is not None and eid not in corpus.by_entity:
            raise HTTPException(400, f"no entity {eid[:100]!r} in the last build")
    return asdict(repo.add_correction(item))


@router.delete("/corrections/{correction_id}", status_code=204, summary="Withdraw a correction")
def delete_correction(
    correction_id: int, request: Request, me: Identity = Me, repo: AppStore = Repo
) -> None:
    require_write(request, me, None, services(request).auth.enabled)
    not_while_building(request, repo)
    if not repo.delete_correction(correction_id):
        raise HTTPException(404, f"no correction {correction_id}")


@router.get("/saved-searches", response_model=list[SavedSearchOut], summary="Saved searches")
def saved(repo: AppStore = Repo) -> Any:
    return [asdict(s) for s in repo.saved_searches()]


@router.post(
    "/saved-searches", response_model=SavedSearchOut, status_code=201, summary="Save a search"
)
def add_saved(
    request: Request,
    payload: dict[str, Any] = Body(...),  # noqa: B008
    me: Identity = Me,
    repo: AppStore = Repo,
) -> Any:
    require_write(request, me, None, services(request).auth.enabled)
    not_while_building(request, repo)
    kind = str(payload.get("kind") or "articles")
    if kind not in ("articles", "quotes"):
        raise HTTPException(400, "kind: must be articles or quotes")
    raw = payload.get("params") or {}
    if not isinstance(raw, dict):
        raise HTTPException(400, "params: must be an object of search parameters")
    names = QUOTE_PARAMS if kind == "quotes" else ARTICLE_PARAMS
    params = {k: str(v) for k, v in raw.items() if k in names and v}
    (quote_filter if kind == "quotes" else article_filter)(params)
    name = (
        " ".join(str(payload.get("name") or "").split())[:200] or params.get("q") or "saved search"
    )
    found = repo.add_saved_search(name, kind, params, me.name)  # type: ignore[arg-type]
    result = run_saved(repo, found)
    if result is not None:
        repo.record_hits(found.id, hit_ids(result))
        repo.mark_seen(found.id, time.time())
    return asdict(found)


@router.get(
    "/saved-searches/{search_id}/new", summary="Hits first seen since the search was last looked at"
)
def saved_new(search_id: int, repo: AppStore = Repo) -> dict[str, Any]:
    found = repo.saved_search(search_id)
    if found is None:
        raise HTTPException(404, f"no saved search {search_id}")
    result = run_saved(repo, found)
    hits = repo.record_hits(search_id, hit_ids(result)) if result is not None else []
    return {
        "search": asdict(found),
        "new": [h.hit_id for h in hits if h.first_seen > found.last_seen],
        "all": [h.hit_id for h in hits],
    }


@router.post(
    "/uploads",
    response_model=IntakeOut,
    summary="Add articles by upload",
    description="Multipart field 'files': .txt, .html, .jsonl, .warc[.gz] or a .zip of them",
)
async def upload(request: Request, files: list[UploadFile] = File(...), me: Identity = Me) -> Any:  # noqa: B008
    svc = services(request)
    require_write(request, me, None, svc.auth.enabled)
    outcome = save_uploads(((f.filename or "", f.file) for f in files), svc.settings, "upload")
    job_id = None
    if outcome.accepted:
        job_id = svc.runner.enqueue(
            "upload",
            [a.path for a in outcome.accepted],
            me.name,
            f"{len(outcome.accepted)} file(s) uploaded",
        )
    body = IntakeOut(
        job_id=job_id,
        accepted=[asdict(a) for a in outcome.accepted],
        rejected=[asdict(r) for r in outcome.rejected],
    )
    if not outcome.accepted:
        from fastapi.responses import JSONResponse

        return JSONResponse(
            {"error": "no file could be added", **body.model_dump()}, status_code=400
        )
    return body


@router.post(
    "/fetch",
    response_model=IntakeOut,
    summary="Add an article by URL",
    description="Fetched with trafilatura's fetcher: timeout, size cap, robots.txt respected",
)
async def fetch(request: Request, payload: dict[str, Any] = Body(...), me: Identity = Me) -> Any:  # noqa: B008
    svc = services(request)
    require_write(request, me, None, svc.auth.enabled)
    try:
        got = await asyncio.to_thread(fetch_url, str(payload.get("url") or ""), svc.settings)
    except FetchError as exc:
        raise HTTPException(400, str(exc)) from exc
    job_id = svc.runner.enqueue("fetch", [got.path], me.name, f"fetched {got.name}")
    return IntakeOut(job_id=job_id, accepted=[asdict(got)], rejected=[])


@router.post(
    "/builds/retry", response_model=IntakeOut, summary="Re-run what the last build could not do"
)
def retry(request: Request, me: Identity = Me, repo: AppStore = Repo) -> Any:
    svc = services(request)
    require_write(request, me, None, svc.auth.enabled)
    not_while_building(request, repo)
    last = repo.last_build()
    if last is None:
        raise HTTPException(409, "no finished build to re-run")
    sources = repo.reset_failed(last)
    job_id = svc.runner.enqueue(
        "retry", sources, me.name, f"re-run of {len(sources)} failed source(s) of build {last}"
    )
    return IntakeOut(job_id=job_id, accepted=[{"source": x} for x in sources], rejected=[])
