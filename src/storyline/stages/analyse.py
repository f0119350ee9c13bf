"""Analyse: parse each changed article and run the analysis components on it.

Each component has its own key per article (the article's clean text and date, and the
component's own code and version): a build re-runs only the components whose key changed, and
keeps the stored layers of the others. Parsing is shared by the components that run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from storyline.clean.boilerplate import caption_texts
from storyline.faults import failure, isolated, time_budget
from storyline.model import InputFailure
from storyline.runners import Runner
from storyline.settings import Settings
from storyline.stages.base import BuildContext, article_failures, budget, log, settings_key
from storyline.stages.progress import Bar
from storyline.store.base import Store
from storyline.store.rows import AnalysisInput

__all__ = ["AnalyseStage", "analysis_keys", "component_keys"]


@dataclass(frozen=True, slots=True)
class _Job:
    article_id: str
    keys: dict[str, str]
    """Every component's key for this article (stored once the job is done)."""
    run: tuple[str, ...]
    """The components whose key changed: the only ones that run."""
    text: str
    published: str | None
    inferred: bool
    captions: str
    title: str | None


@dataclass(frozen=True, slots=True)
class _Result:
    article_id: str
    keys: dict[str, str]
    layers: dict[str, Any]
    """The layers of the components that ran (and did not fail)."""
    failures: list[InputFailure]


@dataclass(frozen=True, slots=True)
class AnalyseStage:
    """Parse and analyse every current article for which some component's key changed.
    Returns how many articles were analysed."""

    name: str = "analyse"

    def run(self, ctx: BuildContext) -> int:
        return analyse_all(ctx.store, ctx.build_id, ctx.settings, ctx.bar, ctx.runner)

    def prepare(self, ctx: BuildContext) -> None:
        """Have the workers load the models now, if this build brought enough new articles
        for the workers to parse them (an unchanged rebuild mostly parses nothing, and fewer
        than two shards are parsed in this process: either would wait for models it does not
        use)."""
        processed = ctx.results.get("ingest", (0, 0))[0]
        if processed >= 2 * ctx.settings.analysis_shard:
            ctx.runner.prepare(_load_model, ctx.settings)


def component_keys() -> dict[str, str]:
    """Each enabled component's key: its version and the code it can reach
    (:func:`storyline.analyse.layers.component_keys`)."""
    from storyline.analyse import layers

    return layers.component_keys()


SETTINGS = ("spacy_model", "max_analysis_chars")
"""The settings every component's output depends on (the parse they all read)."""


def analysis_keys(
    clean_key: str | None,
    published: str | None,
    keys: Mapping[str, str],
    settings: Settings,
    title: str | None = None,
    titled: Iterable[str] = (),
) -> dict[str, str]:
    """One article's key per component: its clean text (by the clean key), its date, the
    component's own key and the settings of the parse; and its title for the ``titled``
    components (those that read it)."""
    config = settings_key(settings, SETTINGS)
    reads_title = set(titled)

    def key_of(name: str, key: str) -> str:
        extra = f"|{title}" if name in reads_title else ""
        return hashlib.sha1(f"{clean_key}|{published}|{key}|{config}{extra}".encode()).hexdigest()[
            :20
        ]

    return {name: key_of(name, key) for name, key in keys.items()}


def titled_components() -> frozenset[str]:
    """The enabled components whose layer depends on the article's title."""
    from storyline.analyse.layers import enabled_components

    return frozenset(c.name for c in enabled_components() if c.titled)


def _stored_keys(old: str | None) -> dict[str, str]:
    # Stores written before per-component keys held one key for all: everything re-runs once.
    if not old or not old.startswith("{"):
        return {}
    try:
        found = json.loads(old)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def analyse_all(store: Store, build_id: int, settings: Settings, bar: Bar, pool: Runner) -> int:
    keys = component_keys()
    titled = titled_components()
    rows = store.analysis_inputs(build_id)
    titles: dict[str, str] = {}
    if titled:
        for start in range(0, len(rows), settings.batch_items):
            titles |= store.titles_of(
                [row.id for row in rows[start : start + settings.batch_items]]
            )
    todo: list[tuple[AnalysisInput, dict[str, str], tuple[str, ...]]] = []
    for row in rows:
        title = titles.get(row.id) or None
        wanted = analysis_keys(row.clean_key, row.published, keys, settings, title, titled)
        before = _stored_keys(row.analysis_key)
        run = tuple(name for name in keys if before.get(name) != wanted[name])
        if run or set(before) != set(wanted):
            todo.append((row, wanted, run))
    jobs: list[_Job] = []
    for start in range(0, len(todo), settings.batch_items):
        page = todo[start : start + settings.batch_items]
        ids = [row.id for row, _, _ in page]
        texts, removed = store.clean_texts_of(ids), store.removals_of(ids)
        for row, wanted, run in page:
            captions = "\n\n".join(caption_texts((r.text, r.reason) for r in removed[row.id]))
            jobs.append(
                _Job(
                    row.id,
                    wanted,
                    run,
                    texts[row.id],
                    row.published,
                    row.published_inferred,
                    captions,
                    titles.get(row.id) or None,
                )
            )
    bar.stage("analyse", len(jobs))
    if not jobs:
        return 0
    by_id = {job.article_id: job for job in jobs}
    unique, copies = _copies(jobs)
    shards = _shards(unique, settings.analysis_shard)
    with store.transaction():
        pending = 0
        for results in pool.map_isolated(_analyse_shard, shards, settings, _lost, warm=_load_model):
            for result in results:
                for job in (by_id[result.article_id], *copies.get(result.article_id, ())):
                    aid = job.article_id
                    layers = _kept_layers(store, job, keys) | result.layers
                    store.put_layers(aid, json.dumps(result.keys, sort_keys=True), layers)
                    problems = [replace(f, source=aid, article_id=aid) for f in result.failures]
                    article_failures(store, [aid], "analyse", problems)
                    bar.advance("analyse")
                    pending += 1
            if pending >= settings.commit_every:
                store.checkpoint()
                log.debug("analyse: committed %d articles", pending)
                pending = 0
    return len(jobs)


def _shards(jobs: list[_Job], size: int) -> list[list[_Job]]:
    """Shards of ``size`` jobs, smaller towards the end (half, then a quarter of ``size`` for the
    last few), so that no worker sits idle for a whole shard while another finishes the last
    one: at 2 workers and 100 articles that idle end was most of a shard's parse."""
    out: list[list[_Job]] = []
    at = 0
    while at < len(jobs):
        left = len(jobs) - at
        step = size if left > 4 * size else max(1, size // 2) if left > size else max(1, size // 4)
        out.append(jobs[at : at + step])
        at += step
    return out


def _copies(jobs: list[_Job]) -> tuple[list[_Job], dict[str, list[_Job]]]:
    """The jobs to run, and for each the jobs that are exact copies of it: the same clean text,
    title, captions and date, the same key for every component and the same components to
    run. A copy's layers would be the first's byte for byte, so it is parsed once: wire copies
    are common in a pile of news, and the parse is most of a build."""
    first: dict[tuple[Any, ...], _Job] = {}
    unique: list[_Job] = []
    copies: dict[str, list[_Job]] = {}
    for job in jobs:
        # The keys name the cleaning, the date and the code, not the text: the text is compared.
        same = (
            job.text,
            job.title,
            job.captions,
            job.inferred,
            tuple(sorted(job.keys.items())),
            job.run,
        )
        lead = first.setdefault(same, job)
        if lead is job:
            unique.append(job)
        else:
            copies.setdefault(lead.article_id, []).append(job)
    return unique, copies


def _kept_layers(store: Store, job: _Job, names: Iterable[str]) -> dict[str, Any]:
    """The stored layers of the components that did not need to run."""
    # A stored JSON null and a missing layer read alike, and every reader takes them alike.
    return {name: store.layer(job.article_id, name) for name in names if name not in job.run}


def _load_model(settings: Settings) -> None:
    """A worker's warm-up: the models load once, before any article's time budget starts."""
    from storyline.analyse.lang import embeddings
    from storyline.analyse.lang.nlp import load_nlp
    from storyline.analyse.layers import enabled_components

    load_nlp(settings.spacy_model)
    # The names only: the keys would walk the import graph again in every worker.
    if any(c.name == "embedding" for c in enabled_components()) and embeddings.available():
        embeddings.load()


def _lost(job: _Job, reason: str) -> _Result:
    died = RuntimeError(reason)
    aid = job.article_id
    return _Result(
        aid,
        job.keys,
        {},
        [failure(died, source=aid, stage="analyse", component="worker", article_id=aid)],
    )


def _analysis_prefix(text: str, limit: int) -> int:
    """Where the analysed part of ``text`` ends: all of it up to ``limit`` characters, else the
    last paragraph break, sentence end or space before ``limit``."""
    if len(text) <= limit:
        return len(text)
    floor = limit // 2
    for mark in ("\n\n", "\n", ". ", " "):
        at = text.rfind(mark, floor, limit)
        if at >= 0:
            return at + len(mark)
    return limit


def _parse_all(
    texts: list[str], names: list[str], settings: Settings, failures: list[InputFailure]
) -> list[Any]:
    """Parse ``texts`` together (any length: long ones in pieces); if that fails, one by one,
    so one bad text costs only its own parse (``None`` in its place)."""
    from storyline.analyse.lang.nlp import parse_texts

    model = settings.spacy_model
    _load_model(settings)  # the models, once per process, and not on any article's time budget

    def together() -> list[Any]:
        with time_budget(sum(budget(settings, t) for t in texts), "parse"):
            return list(parse_texts(texts, model, batch_size=settings.analysis_shard))

    docs = isolated(together, lambda exc: None, None)
    if docs is not None:
        return docs
    out: list[Any] = []
    for text, name in zip(texts, names, strict=True):
        try:
            with time_budget(budget(settings, text), "parse"):
                out.append(next(iter(parse_texts([text], model, batch_size=1))))
        except Exception as exc:  # fault isolation: this article goes without layers
            failures.append(
                failure(exc, source=name, stage="analyse", component="parse", article_id=name)
            )
            out.append(None)
    return out


def _analyse_shard(shard: list[_Job], settings: Settings) -> list[_Result]:
    """Parse and run the changed components on each article of ``shard``. A component that
    raises, or runs past its time budget, costs that article only that component's layer."""
    from storyline.analyse.layers import AnalysisContext, enabled_components

    failures: list[InputFailure] = []
    work = [job for job in shard if job.run]
    texts = []
    for job in work:
        text = job.text
        cut = _analysis_prefix(text, settings.max_analysis_chars)
        if cut < len(text):
            note = (
                f"analyse/parse: analysed only the first {cut:,} of {len(text):,} characters "
                "(the whole text is kept in the store and the dossier)"
            )
            failures.append(InputFailure(job.article_id, note, job.article_id, "analyse", "parse"))
        texts.append(text[:cut])
    docs = dict(
        zip(
            [job.article_id for job in work],
            _parse_all(texts, [job.article_id for job in work], settings, failures),
            strict=True,
        )
    )
    captioned = [job for job in work if job.captions]
    caption_docs = dict(
        zip(
            [job.article_id for job in captioned],
            _parse_all(
                [job.captions for job in captioned],
                [job.article_id for job in captioned],
                settings,
                failures,
            ),
            strict=True,
        )
    )
    components = enabled_components()
    out = []
    for job in shard:
        aid = job.article_id
        mine = [f for f in failures if f.article_id == aid]
        layers: dict[str, Any] = {}
        doc = docs.get(aid)
        if doc is not None:
            ctx = AnalysisContext(job.published, job.inferred, caption_docs.get(aid), job.title)
            seconds = budget(settings, job.text)
            for component in _needed(components, job.run):
                value, problem = _run_component(component, doc, ctx, seconds, aid)
                if problem is not None:
                    mine.append(problem)
                elif component.name in job.run:
                    layers[component.name] = value
        out.append(_Result(aid, job.keys, layers, mine))
    return out


def _needed(components: Iterable[Any], run: tuple[str, ...]) -> list[Any]:
    """The components to run, in order: those whose key changed and, before them, those whose
    results on the Doc they require."""
    ordered = list(components)
    needed = set(run)
    for component in reversed(ordered):
        if component.name in needed:
            wants = set(getattr(component, "requires", ()))
            for other in ordered:
                if wants & set(getattr(other, "assigns", ())):
                    needed.add(other.name)
    return [c for c in ordered if c.name in needed]


def _run_component(
    component: Any, doc: Any, ctx: Any, seconds: float, article_id: str
) -> tuple[Any, InputFailure | None]:
    try:
        with time_budget(seconds, component.name):
            return component.fn(doc, ctx), None
    except Exception as exc:  # fault isolation: the article loses this layer only
        item = failure(
            exc, source=article_id, stage="analyse", component=component.name, article_id=article_id
        )
        return None, item
