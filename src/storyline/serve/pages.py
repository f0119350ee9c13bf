"""The HTML pages (server-rendered, working without JavaScript) and their forms."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from storyline.link.corrections import CorrectionError, correction
from storyline.serve import views
from storyline.serve.app import get_identity, get_repo, render, services
from storyline.serve.common import (
    ARTICLE_PARAMS,
    QUOTE_PARAMS,
    article_filter,
    csv_text,
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
from storyline.serve.security import SESSION_COOKIE, Identity
from storyline.store.app import AppStore, Corpus, QuoteSearch

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Repo = Depends(get_repo)
Me = Depends(get_identity)


def _corpus_or_empty(repo: AppStore) -> Corpus | None:
    return current_corpus(repo)


def _params(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    return {k: request.query_params.get(k, "") for k in names}


# --- reading -------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, repo: AppStore = Repo) -> Response:
    corpus = _corpus_or_empty(repo)
    cards = []
    limit, offset = paging(request.query_params, services(request).settings.page_size, 200)
    if corpus is not None:
        for s in corpus.stories[offset : offset + limit]:
            arts = [
                corpus.by_article[a] for a in s.get("article_ids", []) if a in corpus.by_article
            ]
            people = [
                corpus.by_entity[e]
                for e in s.get("entity_ids", [])
                if e in corpus.by_entity and corpus.by_entity[e].get("type") == "PERSON"
            ][:6]
            quotes = sum(len(corpus.quotes_by_article.get(a, ())) for a in s.get("article_ids", []))
            cards.append(
                {
                    "story": s,
                    "people": people,
                    "quotes": quotes,
                    "spark": views.sparkline(a.get("published") for a in arts),
                }
            )
    return render(
        request,
        "home.html",
        corpus=corpus,
        cards=cards,
        limit=limit,
        offset=offset,
        total=len(corpus.stories) if corpus else 0,
    )


@router.get("/stories/{story_id:path}", response_class=HTMLResponse)
def story(story_id: str, request: Request, repo: AppStore = Repo) -> Response:
    corpus = _corpus_or_empty(repo)
    s = corpus.by_story.get(story_id) if corpus else None
    if corpus is None or s is None:
        raise HTTPException(404, f"no story {story_id[:100]!r} in the last build")
    members = set(s.get("article_ids", []))
    articles = [corpus.by_article[a] for a in s.get("article_ids", []) if a in corpus.by_article]
    articles.sort(key=lambda a: (a.get("published") or "9999", a["id"]))
    timeline = [t for t in corpus.timeline if t.get("story_id") == story_id] or [
        t
        for t in corpus.timeline
        if any(e.get("article_id") in members for e in t.get("evidence", []))
    ]
    by_speaker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    speaker_ids: dict[str, str | None] = {}
    for q in (q for a in s.get("article_ids", []) for q in corpus.quotes_by_article.get(a, [])):
        name = str(q.get("speaker") or "unknown speaker")
        by_speaker[name].append(q)
        speaker_ids[name] = q.get("speaker_entity_id")
    speakers = sorted(
        by_speaker.items(), key=lambda kv: (kv[0] == "unknown speaker", -len(kv[1]), kv[0])
    )
    entities = [corpus.by_entity[e] for e in s.get("entity_ids", []) if e in corpus.by_entity]
    groups = [g for g in corpus.quote_groups if g.get("id") in set(s.get("quote_group_ids", []))]
    dups = [d for d in corpus.duplicates if members.intersection(d.get("article_ids", []))]
    outlets = Counter(a.get("outlet") or "(unknown)" for a in articles)
    return render(
        request,
        "story.html",
        corpus=corpus,
        story=s,
        articles=articles,
        timeline=sorted(timeline, key=lambda t: str(t.get("date"))),
        svg=views.timeline_svg(timeline),
        speakers=speakers,
        speaker_ids=speaker_ids,
        people=[e for e in entities if e.get("type") == "PERSON"][:40],
        orgs=[e for e in entities if e.get("type") in ("ORG", "NORP")][:30],
        groups=groups,
        dups=dups,
        outlets=sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0])),
        roles={e["id"]: views.role_history(corpus, e, {}) for e in entities[:40]},
    )


def _role_spans(
    repo: AppStore, corpus: Corpus, entity: dict[str, Any]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(article id, title) → offsets of the sentence stating the role, read from the articles'
    entity layers (at most 10 articles; the others link to the article)."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    names = {str(n).casefold() for n in (entity.get("name"), *entity.get("aliases", [])) if n}
    wanted = list(dict.fromkeys(str(r.get("article_id")) for r in entity.get("roles", [])))[:10]
    for aid in wanted:
        layer = repo.layer(aid, "entities") or {}
        clusters = {
            int(c["id"])
            for c in layer.get("clusters", [])
            if any(str(n).casefold() in names for n in (c.get("name"), *c.get("aliases", [])))
        }
        for r in layer.get("roles", []):
            if r.get("cluster") in clusters:
                out.setdefault(
                    (aid, str(r.get("title") or "").strip().casefold()),
                    (int(r["start"]), int(r["end"])),
                )
    return out


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def entity(entity_id: str, request: Request, repo: AppStore = Repo) -> Response:
    corpus = _corpus_or_empty(repo)
    e = corpus.by_entity.get(entity_id) if corpus else None
    if corpus is None or e is None:
        merged = [c for c in repo.corrections() if c.kind == "merge" and c.other_id == entity_id]
        if merged and corpus is not None and merged[-1].entity_id in corpus.by_entity:
            return RedirectResponse(views.entity_link(merged[-1].entity_id), 303)
        raise HTTPException(404, f"no person or organisation {entity_id[:100]!r} in the last build")
    quotes = list(corpus.quotes_by_speaker.get(entity_id, []))
    groups = {g["id"]: g for g in corpus.quote_groups}
    said: list[dict[str, Any]] = []
    seen_groups: set[str] = set()
    for q in sorted(
        quotes,
        key=lambda q: str(
            (corpus.by_article.get(q["article_id"]) or {}).get("published") or "9999"
        ),
    ):
        gid = q.get("group_id")
        if gid and gid in groups:
            if gid in seen_groups:
                continue
            seen_groups.add(gid)
            g = groups[gid]
            carriers = list(corpus.quotes_by_group.get(gid, []))
            said.append({"quote": q, "group": g, "carriers": carriers})
        else:
            said.append({"quote": q, "group": None, "carriers": [q]})
    articles = [corpus.by_article[a] for a in e.get("article_ids", []) if a in corpus.by_article]
    spans = _role_spans(repo, corpus, e)
    corrections = [c for c in repo.corrections() if entity_id in (c.entity_id, c.other_id)]
    others = sorted(
        (x for x in corpus.entities if x["id"] != entity_id),
        key=lambda x: (-int(x.get("mentions") or 0), str(x.get("name"))),
    )[:400]
    return render(
        request,
        "entity.html",
        corpus=corpus,
        entity=e,
        said=said,
        quote_count=len(quotes),
        roles=views.role_history(corpus, e, spans),
        co=views.co_mentioned(corpus, e),
        articles=articles,
        corrections=corrections,
        others=others,
        stories=[s for s in corpus.stories if entity_id in s.get("entity_ids", [])],
    )


@router.get("/quotes", response_class=HTMLResponse)
def quotes(request: Request, repo: AppStore = Repo) -> Response:
    params = _params(request, QUOTE_PARAMS)
    flt = quote_filter(params)
    limit, offset = paging(request.query_params, services(request).settings.page_size, 200)
    corpus = _corpus_or_empty(repo)
    result = repo.search_quotes(corpus.build, flt, limit, offset) if corpus else None
    return render(
        request,
        "quotes.html",
        people=_people_named(corpus, flt.q) if corpus and not flt.speaker else [],
        speaker_names=_speaker_names(corpus) if corpus else [],
        corpus=corpus,
        params=params,
        result=result,
        limit=limit,
        offset=offset,
        kinds=("direct", "partial", "indirect"),
    )


def _speaker_names(corpus: Corpus, top: int = 200) -> list[str]:
    """The most quoted speakers' names, for the speaker field's suggestions."""
    ranked = sorted(corpus.quotes_by_speaker.items(), key=lambda kv: -len(kv[1]))[:top]
    return sorted({str((corpus.by_entity.get(k) or {}).get("name") or k) for k, _ in ranked})


def _people_named(corpus: Corpus, words: str) -> list[dict[str, Any]]:
    """Speakers whose name or alias holds the search words (a reader typing "Starmer" most
    likely wants Keir Starmer's quotes), most quoted first."""
    needle = " ".join(words.split()).casefold().strip('"')
    if len(needle) < 3:
        return []
    found = [
        e
        for e in corpus.entities
        if corpus.quotes_by_speaker.get(str(e["id"]))
        and any(needle in str(n).casefold() for n in (e.get("name"), *e.get("aliases", [])))
    ]
    found.sort(key=lambda e: -len(corpus.quotes_by_speaker.get(str(e["id"]), [])))
    return [{"entity": e, "quotes": len(corpus.quotes_by_speaker[str(e["id"])])} for e in found[:4]]


@router.get("/quotes.csv")
def quotes_csv(request: Request, repo: AppStore = Repo) -> Response:
    flt = quote_filter(_params(request, QUOTE_PARAMS))
    build = repo.last_build()
    if build is None:
        raise HTTPException(404, "the store has no finished build yet")
    result = repo.search_quotes(build, flt, 100_000, 0)
    base = str(request.base_url).rstrip("/")
    rows = (
        (
            h.quote.get("text"),
            h.quote.get("speaker"),
            h.quote.get("speaker_entity_id"),
            (h.quote.get("cue") or {}).get("text"),
            h.quote.get("kind"),
            h.outlet,
            h.published,
            h.first_reported,
            h.reported_by,
            h.quote.get("article_id"),
            h.context.strip(),
            base
            + views.fact_link(
                str(h.quote.get("article_id")), h.quote.get("start"), h.quote.get("end")
            ),
        )
        for h in result.hits
    )
    text = csv_text(
        (
            "quote",
            "speaker",
            "speaker_id",
            "cue",
            "kind",
            "outlet",
            "published",
            "first_reported",
            "reported_by",
            "article_id",
            "sentence",
            "link",
        ),
        rows,
    )
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="quotes.csv"'},
    )


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, repo: AppStore = Repo) -> Response:
    params = _params(request, ARTICLE_PARAMS)
    flt = article_filter(params)
    limit, offset = paging(request.query_params, services(request).settings.page_size, 200)
    corpus = _corpus_or_empty(repo)
    result = repo.search_articles(corpus.build, flt, limit, offset) if corpus else None
    return render(
        request,
        "search.html",
        corpus=corpus,
        params=params,
        result=result,
        limit=limit,
        offset=offset,
    )


@router.get("/search.csv")
def search_csv(request: Request, repo: AppStore = Repo) -> Response:
    flt = article_filter(_params(request, ARTICLE_PARAMS))
    build = repo.last_build()
    if build is None:
        raise HTTPException(404, "the store has no finished build yet")
    result = repo.search_articles(build, flt, 100_000, 0)
    base = str(request.base_url).rstrip("/")
    rows = (
        (
            h.id,
            h.title,
            h.outlet,
            h.published,
            round(h.score, 4),
            h.story_id,
            "".join(t for t, _ in views.highlight_parts(h.snippet)),
            base + views.article_url(h.id),
        )
        for h in result.hits
    )
    text = csv_text(
        ("id", "title", "outlet", "published", "score", "story_id", "snippet", "link"), rows
    )
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="articles.csv"'},
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article(article_id: str, request: Request, repo: AppStore = Repo) -> Response:
    record = repo.article(article_id)
    if record is None:
        raise HTTPException(404, f"no article {article_id[:100]!r} in the store")
    corpus = _corpus_or_empty(repo)
    hl = views.parse_span(request.query_params.get("hl"))
    empty = Corpus(0, [], [], [], [], [], [], [])
    paragraphs, legend = views.article_paragraphs(corpus or empty, record, hl)
    dups = [
        d for d in (corpus.duplicates if corpus else []) if article_id in d.get("article_ids", [])
    ]
    removed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in record.get("removed", []):
        removed[str(r.get("reason") or "removed")].append(r)
    brief = (corpus.by_article.get(article_id) if corpus else None) or {}
    return render(
        request,
        "article.html",
        corpus=corpus,
        art=record,
        paragraphs=paragraphs,
        legend=legend,
        dups=dups,
        removed=sorted(removed.items()),
        story_id=brief.get("story_id"),
        timexes=len((record.get("layers") or {}).get("timexes", [])),
    )


@router.get("/builds", response_class=HTMLResponse)
def builds(request: Request, repo: AppStore = Repo) -> Response:
    svc = services(request)
    jobs = [svc.runner.overlay(j) for j in repo.jobs(30)]
    figures = {j.id: job_figures(j, svc.runner.stage_started.get(j.id)) for j in jobs}
    history = repo.builds(20)
    last = repo.last_build()
    errors = repo.build_errors(last) if last is not None else []
    active = any(j.state in ("queued", "running") for j in jobs)
    return render(
        request,
        "builds.html",
        jobs=jobs,
        figures=figures,
        history=history,
        last=last,
        errors=errors,
        active=active or bool(svc.runner.pending),
        pending=svc.runner.pending,
        settings=svc.settings,
    )


@router.get("/corrections", response_class=HTMLResponse)
def corrections_page(request: Request, repo: AppStore = Repo) -> Response:
    corpus = _corpus_or_empty(repo)
    stale = {c.id for c in corpus.stale_corrections} if corpus else set()
    return render(
        request, "corrections.html", corrections=repo.corrections(), corpus=corpus, stale=stale
    )


@router.get("/saved", response_class=HTMLResponse)
def saved_list(request: Request, repo: AppStore = Repo) -> Response:
    return render(request, "saved.html", searches=repo.saved_searches())


@router.get("/saved/{search_id}", response_class=HTMLResponse)
def saved_one(search_id: int, request: Request, repo: AppStore = Repo) -> Response:
    saved = repo.saved_search(search_id)
    if saved is None:
        raise HTTPException(404, f"no saved search {search_id}")
    result = run_saved(repo, saved)
    hits = repo.record_hits(search_id, hit_ids(result)) if result is not None else []
    new = {h.hit_id for h in hits if h.first_seen > saved.last_seen}
    if get_identity(request).can_write or not services(request).auth.enabled:
        repo.mark_seen(search_id, time.time())
    return render(
        request,
        "saved_one.html",
        saved=saved,
        result=result,
        new=new,
        is_quotes=isinstance(result, QuoteSearch),
        search_url=("/quotes?" if saved.kind == "quotes" else "/search?")
        + views.query_string(saved.params),
    )


@router.get("/saved/{search_id}/feed.atom")
def saved_feed(search_id: int, request: Request, repo: AppStore = Repo) -> Response:
    saved = repo.saved_search(search_id)
    if saved is None:
        raise HTTPException(404, f"no saved search {search_id}")
    result = run_saved(repo, saved)
    hits = repo.record_hits(search_id, hit_ids(result)) if result is not None else []
    first = {h.hit_id: h.first_seen for h in hits}
    entries: list[dict[str, Any]] = []
    base = str(request.base_url).rstrip("/")
    if isinstance(result, QuoteSearch):
        for h in result.hits:
            q = h.quote
            entries.append(
                {
                    "id": f"quote:{q['id']}",
                    "title": f"{q.get('speaker') or 'unknown'}: {q.get('text')}"[:300],
                    "link": base
                    + views.fact_link(str(q["article_id"]), q.get("start"), q.get("end")),
                    "summary": h.context,
                    "updated": first.get(str(q["id"]), saved.created),
                }
            )
    elif result is not None:
        for a in result.hits:
            entries.append(
                {
                    "id": f"article:{a.id}",
                    "title": a.title or a.id,
                    "link": base + views.article_url(a.id),
                    "summary": "".join(t for t, _ in views.highlight_parts(a.snippet)),
                    "updated": first.get(a.id, saved.created),
                }
            )
    entries.sort(key=lambda e: -float(e["updated"]))
    xml = (
        services(request)
        .templates.get_template("feed.atom")
        .render(
            saved=saved,
            entries=entries[:100],
            base=base,
            updated=max([float(e["updated"]) for e in entries] or [saved.created]),
            iso=lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(float(t))),
        )
    )
    return Response(xml, media_type="application/atom+xml; charset=utf-8")


@router.get("/add", response_class=HTMLResponse)
def add_page(request: Request) -> Response:
    return render(request, "add.html", settings=services(request).settings, outcome=None)


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return render(request, "login.html", failed=False, next=_next(request.query_params.get("next")))


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> Response:
    schema = request.app.openapi()
    routes = []
    for path, ops in sorted(schema.get("paths", {}).items()):
        for method, op in ops.items():
            params = [p.get("name") for p in op.get("parameters", [])]
            routes.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "params": params,
                    "doc": op.get("description", ""),
                }
            )
    return render(request, "docs.html", routes=routes)


# --- writing -------------------------------------------------------------------------------


def _next(value: str | None) -> str:
    """A local path to go back to: never another site (``//evil``, ``https:``)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value[:500]
    return "/"


@router.post("/login")
async def login(request: Request) -> Response:
    svc = services(request)
    form = await request.form()
    if not svc.auth.enabled:
        raise HTTPException(
            403, "this server is read-only (start it with --token-file to allow changes)"
        )
    token = str(form.get("token") or "")
    if not svc.auth.check_token(token):
        return render(
            request, "login.html", status=401, failed=True, next=_next(str(form.get("next") or ""))
        )
    response = RedirectResponse(_next(str(form.get("next") or "")), 303)
    response.set_cookie(
        SESSION_COOKIE,
        svc.auth.new_session(str(form.get("name") or "editor")),
        httponly=True,
        samesite="strict",
        max_age=30 * 86400,
        path="/",
    )
    return response


@router.post("/logout")
async def logout(request: Request, me: Identity = Me) -> Response:
    form = await request.form()
    require_write(request, me, form, services(request).auth.enabled)
    response = RedirectResponse("/", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _queue(request: Request, kind: str, inputs: list[str], who: str, message: str) -> int | None:
    return services(request).runner.enqueue(kind, inputs, who, message)


def _after_queue(job_id: int | None) -> Response:
    return RedirectResponse(f"/builds#job-{job_id}" if job_id else "/builds#pending", 303)


@router.post("/add/upload", response_class=HTMLResponse)
async def add_upload(request: Request, me: Identity = Me) -> Response:
    svc = services(request)
    size = request.headers.get("content-length")
    if size and size.isdigit() and int(size) > svc.settings.max_upload_bytes + 2**20:
        raise HTTPException(
            413,
            f"the upload is {int(size):,} bytes; at most {svc.settings.max_upload_bytes:,} per upload",
        )
    form = await request.form(max_files=svc.settings.max_zip_members, max_fields=50)
    require_write(request, me, form, svc.auth.enabled)
    files = [f for f in form.getlist("files") if hasattr(f, "filename")]
    if not files:
        raise HTTPException(400, "no file in the upload (choose one or more files)")
    outcome = save_uploads(((f.filename or "", f.file) for f in files), svc.settings, "upload")  # type: ignore[union-attr]
    job_id = None
    if outcome.accepted:
        job_id = _queue(
            request,
            "upload",
            [a.path for a in outcome.accepted],
            me.name,
            f"{len(outcome.accepted)} file(s) uploaded",
        )
    return render(
        request,
        "add.html",
        status=200 if outcome.accepted else 400,
        settings=svc.settings,
        outcome=outcome,
        job_id=job_id,
        fetch_error=None,
    )


@router.post("/add/url", response_class=HTMLResponse)
async def add_url(request: Request, me: Identity = Me) -> Response:
    svc = services(request)
    form = await request.form()
    require_write(request, me, form, svc.auth.enabled)
    url = str(form.get("url") or "")
    import asyncio

    try:
        got = await asyncio.to_thread(fetch_url, url, svc.settings)
    except FetchError as exc:
        return render(
            request,
            "add.html",
            status=400,
            settings=svc.settings,
            outcome=None,
            fetch_error=str(exc),
            job_id=None,
        )
    return _after_queue(_queue(request, "fetch", [got.path], me.name, f"fetched {got.name}"))


@router.post("/builds/retry")
async def retry(request: Request, me: Identity = Me) -> Response:
    svc = services(request)
    form = await request.form()
    require_write(request, me, form, svc.auth.enabled)
    repo = svc.open_repo()
    try:
        not_while_building(request, repo)
        last = repo.last_build()
        if last is None:
            raise HTTPException(409, "no finished build to re-run")
        sources = repo.reset_failed(last)
    finally:
        repo.close()
    message = f"re-run of {len(sources)} failed source(s) of build {last}"
    return _after_queue(_queue(request, "retry", sources, me.name, message))


@router.post("/builds/rebuild")
async def rebuild(request: Request, me: Identity = Me) -> Response:
    svc = services(request)
    form = await request.form()
    require_write(request, me, form, svc.auth.enabled)
    return _after_queue(_queue(request, "rebuild", [], me.name, "rebuild requested"))


@router.post("/entities/{entity_id:path}/corrections")
async def correct(entity_id: str, request: Request, me: Identity = Me) -> Response:
    svc = services(request)
    form = await request.form()
    require_write(request, me, form, svc.auth.enabled)
    kind = str(form.get("kind") or "")
    other = str(form.get("other_id") or "") or None
    value = str(form.get("value") or "") or None
    try:
        item = correction(
            kind,
            entity_id,
            other_id=other,
            value=value,
            who=me.name,
            note=str(form.get("note") or ""),
        )
    except CorrectionError as exc:
        raise HTTPException(400, str(exc)) from exc
    repo = svc.open_repo()
    try:
        not_while_building(request, repo)
        corpus = current_corpus(repo)
        if corpus is None or entity_id not in corpus.by_entity:
            raise HTTPException(404, f"no entity {entity_id[:100]!r} in the last build")
        if item.other_id is not None and item.other_id not in corpus.by_entity:
            raise HTTPException(
                400, f"other_id: no entity {item.other_id[:100]!r} in the last build"
            )
        repo.add_correction(item)
    finally:
        repo.close()
    target = entity_id
    if item.kind == "split" and item.value:
        from storyline.link.corrections import split_entity_id

        target = split_entity_id(entity_id, item.value) if form.get("go") == "new" else entity_id
    return RedirectResponse(views.entity_link(target) + "#corrections", 303)


@router.post("/corrections/{correction_id}/delete")
async def uncorrect(correction_id: int, request: Request, me: Identity = Me) -> Response:
    svc = services(request)
    form = await request.form()
    require_write(request, me, form, svc.auth.enabled)
    repo = svc.open_repo()
    try:
        not_while_building(request, repo)
        if not repo.delete_correction(correction_id):
            raise HTTPException(404, f"no correction {correction_id}")
    finally:
        repo.close()
    return RedirectResponse("/corrections", 303)


@router.post("/saved")
async def save_search(request: Request, me: Identity = Me) -> Response:
    svc = services(request)
    form = await request.form()
    require_write(request, me, form, svc.auth.enabled)
    kind = str(form.get("kind") or "articles")
    if kind not in ("articles", "quotes"):
        raise HTTPException(400, "kind: must be articles or quotes")
    names = QUOTE_PARAMS if kind == "quotes" else ARTICLE_PARAMS
    params = {k: str(form.get(k) or "").strip() for k in names if str(form.get(k) or "").strip()}
    (quote_filter if kind == "quotes" else article_filter)(params)  # checks them
    name = " ".join(str(form.get("name") or "").split())[:200] or (
        params.get("q") or "saved search"
    )
    repo = svc.open_repo()
    try:
        not_while_building(request, repo)
        saved = repo.add_saved_search(name, kind, params, me.name)  # type: ignore[arg-type]
        result = run_saved(repo, saved)
        if result is not None:  # what it finds now is the baseline: only later hits are "new"
            repo.record_hits(saved.id, hit_ids(result))
            repo.mark_seen(saved.id, time.time())
    finally:
        repo.close()
    return RedirectResponse(f"/saved/{saved.id}", 303)


@router.post("/saved/{search_id}/delete")
async def unsave(search_id: int, request: Request, me: Identity = Me) -> Response:
    svc = services(request)
    form = await request.form()
    require_write(request, me, form, svc.auth.enabled)
    repo = svc.open_repo()
    try:
        not_while_building(request, repo)
        if not repo.delete_saved_search(search_id):
            raise HTTPException(404, f"no saved search {search_id}")
    finally:
        repo.close()
    return RedirectResponse("/saved", 303)
