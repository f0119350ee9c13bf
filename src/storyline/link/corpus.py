"""Corpus-level layers of the dossier, assembled from each article's stored analysis: entities
resolved across articles, quotes with their speakers and groups (one quote carried by several
outlets is said once), and the timeline. Nothing here parses text again."""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from typing import Any

from storyline.analyse.lang.words import WORD
from storyline.faults import failure
from storyline.model import ENTITY_TYPES, Corpus, InputFailure, Mention
from storyline.store.base import Store
from storyline.unionfind import UnionFind

__all__ = ["assemble", "assemble_corpus", "group_quotes", "same_person", "speaker_is_group"]

_NOT_SPEECH = {"quotes.scare", "quotes.interviewer-echo"}
"""Scare quotes and an interviewer's word put back to the subject are nobody's quote: the
dossier leaves them out (the per-article layer in the store keeps them)."""
_SAME_QUOTE_JACCARD = 0.8
_MIN_GROUP_WORDS = 4
# Quotes of other articles each quote is compared with in one shared-words bucket: one quote
# is reprinted by a few dozen articles at most, and the whole bucket made hostile input
# quadratic.
_GROUP_PEERS = 64


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def assemble(
    store: Store,
    build_id: int,
    *,
    max_dates: int | None = None,
    max_sentences: int | None = None,
    errors: list[InputFailure] | None = None,
    corrections: bool = False,
) -> dict[str, list[dict[str, Any]]]:
    """The dossier's corpus sections (entities, quotes, quote groups, timeline) as dicts. A
    section that fails is left empty (and named in ``errors``, when given; otherwise the
    failure is raised): the others still come out. The store's entity corrections are applied
    only with ``corrections`` (the web application applies them itself, to tell which ones
    found nothing). Typed, corrected, with the stories attached: :func:`assemble_corpus`."""
    sections, _ = _assemble(
        store,
        build_id,
        max_dates=max_dates,
        max_sentences=max_sentences,
        errors=errors,
        corrections=corrections,
    )
    return sections


def assemble_corpus(
    store: Store,
    build_id: int,
    *,
    max_dates: int | None = None,
    max_sentences: int | None = None,
    errors: list[InputFailure] | None = None,
    corrections: bool = True,
    article_ids: Collection[str] | None = None,
) -> Corpus:
    """The corpus results of a build, typed, to store with ``store.put_corpus``: what
    :func:`assemble` gives, with the store's entity corrections applied (so a rebuild keeps
    them), the stories section attached (each timeline entry and quote group then has its
    ``story_id``) and every resolved entity mention. The stories section fails alone, like
    the others. With ``article_ids`` (one story's articles), quotes, quote groups, the timeline
    and the mentions come from those articles only; entities are still resolved over the whole
    build, so their ids stay the corpus-wide ones."""
    from storyline.link.story_sections import story_section

    sections, mentions = _assemble(
        store,
        build_id,
        max_dates=max_dates,
        max_sentences=max_sentences,
        errors=errors,
        corrections=corrections,
        article_ids=article_ids,
    )
    briefs = [b.to_record() for b in store.briefs(build_id)]
    sections["stories"] = _section(
        errors,
        "stories",
        lambda: story_section(store.stories(build_id), briefs, sections),
        [],
    )
    return Corpus.from_sections(sections, mentions)


def _section(
    errors: list[InputFailure] | None, name: str, fn: Callable[[], Any], empty: Any
) -> Any:
    """``fn()``, or ``empty`` when it fails and ``errors`` collects the failure."""
    if errors is None:
        return fn()
    try:
        return fn()
    except Exception as exc:  # fault isolation: this section only
        errors.append(failure(exc, source=name, stage="corpus", component=name))
        return empty


def _assemble(
    store: Store,
    build_id: int,
    *,
    max_dates: int | None,
    max_sentences: int | None,
    errors: list[InputFailure] | None,
    corrections: bool,
    article_ids: Collection[str] | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], list[Mention]]:

    def section(name: str, fn: Callable[[], Any], empty: Any) -> Any:
        return _section(errors, name, fn, empty)

    articles = [b.to_record() for b in store.briefs(build_id)]
    ids = [a["id"] for a in articles]
    by_id = {a["id"]: a for a in articles}
    none: list[dict[str, Any]] = []
    entities: list[dict[str, Any]]
    cluster_map: dict[tuple[str, int], str]
    article_entities: dict[str, Any]
    entities, cluster_map, article_entities = section(
        "entities", lambda: _entities(store, articles), (list(none), {}, {})
    )
    if article_ids is not None:
        keep = set(article_ids)
        articles = [a for a in articles if a["id"] in keep]
        ids = [a["id"] for a in articles]
        by_id = {a["id"]: a for a in articles}
    quotes: list[dict[str, Any]] = section(
        "quotes",
        lambda: _quotes(
            store.layers_of(ids, "quotes"), articles, article_entities, cluster_map, entities
        ),
        list(none),
    )
    groups: list[dict[str, Any]] = section(
        "quote_groups", lambda: group_quotes(quotes, by_id), list(none)
    )
    timeline: list[dict[str, Any]] = section(
        "timeline",
        lambda: _timeline(
            store.layers_of(ids, "events"),
            articles,
            article_entities,
            cluster_map,
            max_dates,
            max_sentences,
        ),
        [],
    )
    section(
        "timeline",
        lambda: _name_summary_pronouns(timeline, article_entities, cluster_map, entities),
        None,
    )
    section("entities", lambda: _count_quotes(entities, quotes), None)
    sections = {
        "entities": entities,
        "quotes": quotes,
        "quote_groups": groups,
        "timeline": timeline,
    }
    mentions: list[Mention] = section(
        "entities", lambda: _mentions(articles, article_entities, cluster_map), []
    )
    if corrections:
        section("corrections", lambda: _apply_corrections(store, sections, mentions), None)
    return sections, mentions


def _mentions(
    articles: list[dict[str, Any]],
    article_entities: dict[str, Any],
    cluster_map: dict[tuple[str, int], str],
) -> list[Mention]:
    """Every entity-layer mention of the articles, with the corpus entity its cluster became."""
    out = []
    for a in articles:
        ents = article_entities.get(a["id"])
        if ents is None:
            continue
        for m in ents.mentions:
            out.append(
                Mention(
                    a["id"],
                    m.start,
                    m.end,
                    m.text,
                    m.label,
                    m.kind,
                    m.confidence,
                    m.method,
                    cluster_map.get((a["id"], m.cluster)),
                )
            )
    return out


def _apply_corrections(
    store: Store, sections: dict[str, list[dict[str, Any]]], mentions: list[Mention]
) -> None:
    """A reader's entity corrections (kept in the store by the web application), applied after
    every assembly so a rebuild keeps them. Mentions follow their entity when a merge removes
    it. Nothing happens before both the corrections module and the store's table exist."""
    corrections_of = getattr(store, "corrections", None)
    module = _optional("storyline.link.corrections")
    if corrections_of is None or module is None:
        return
    corrections = list(corrections_of())
    if not corrections:
        return
    before = {e["id"] for e in sections["entities"]}
    module.apply_corrections(sections, corrections)
    gone = before - {e["id"] for e in sections["entities"]}
    merged = {
        c.other_id: c.entity_id for c in corrections if c.kind == "merge" and c.other_id in gone
    }
    for n, m in enumerate(mentions):
        if m.entity_id in gone:
            target = merged.get(m.entity_id)
            while target in merged:  # merged into one that was merged in turn
                target = merged[target]
            mentions[n] = replace(m, entity_id=target)


def _entities(
    store: Store, articles: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[tuple[str, int], str], dict[str, Any]]:
    analyse = _optional("storyline.analyse.entities.resolve")
    link = _optional("storyline.link.entities")
    if analyse is None or link is None:
        return [], {}, {}
    per_article: dict[str, Any] = {}
    captions: list[tuple[str, str | None, Any]] = []
    ids = [a["id"] for a in articles]
    layers = store.layers_of(ids, "entities")
    caption_layers = store.layers_of(ids, "caption_entities")
    for a in articles:
        data = layers.get(a["id"])
        if data is not None:
            per_article[a["id"]] = _named_only(analyse.ArticleEntities.from_json(data))
        data = caption_layers.get(a["id"])
        if data is not None:
            caption = _named_only(analyse.ArticleEntities.from_json(data))
            captions.append((a["id"], a["published"], caption))
    found, cmap = link.resolve_corpus(
        (
            (a["id"], a["published"], per_article[a["id"]])
            for a in articles
            if a["id"] in per_article
        ),
        captions,
    )
    out = [
        {
            "id": e.id,
            "name": e.name,
            "type": e.type if e.type in ENTITY_TYPES else "OTHER",
            "aliases": list(e.aliases),
            "roles": [
                {"title": r.title, "date": r.date, "article_id": r.article_id} for r in e.roles
            ],
            "mentions": e.mentions,
            "article_ids": list(e.article_ids),
            "media": e.media,
        }
        for e in found
    ]
    return out, dict(cmap), per_article


def _named_only(ae: Any) -> Any:
    """The article's entities without the clusters made only of nominals no named entity took
    ("the union" of an article that never names it): they are mentions, not entities, so they
    reach neither the corpus entities nor the dossier's mentions. Cluster ids are renumbered
    (the corpus resolver reads a cluster by its position)."""
    from storyline.analyse.entities.nominals import is_unlinked

    keep = {m.cluster for m in ae.mentions if not is_unlinked(m.kind, m.method)}
    keep |= {r.cluster for r in ae.roles}
    if len(keep) == len(ae.clusters):
        return ae
    new_id = {c.id: n for n, c in enumerate(c for c in ae.clusters if c.id in keep)}
    return type(ae)(
        clusters=tuple(replace(c, id=new_id[c.id]) for c in ae.clusters if c.id in new_id),
        mentions=tuple(
            replace(m, cluster=new_id[m.cluster]) for m in ae.mentions if m.cluster in new_id
        ),
        roles=tuple(replace(r, cluster=new_id[r.cluster]) for r in ae.roles if r.cluster in new_id),
    )


_GROUP_HEAD = re.compile(
    r"\b(?:campaign|team|party|government|administration|office|spokes\w+|aides?|officials?|"
    r"staff|camp|allies|supporters|post|statement|complaint|letter)\b",
    re.IGNORECASE,
)


def speaker_is_group(span_text: str) -> bool:
    """ "Trump's campaign", "a Labour spokesman": the speaker is a body, not the person named."""
    return _GROUP_HEAD.search(span_text) is not None


def same_person(name: str | None, entity: dict[str, Any] | None) -> bool:
    """Is the quote layer's ``name`` ("Prime Minister", "Starmer") one of ``entity``'s forms?"""
    if not name or entity is None:
        return False
    forms = {entity["name"].lower(), *(a.lower() for a in entity["aliases"])}
    forms |= {f.removeprefix("the ") for f in forms}
    return name.lower() in forms or name.split()[-1].lower() == entity["name"].split()[-1].lower()


def _speaker_entity(
    quote: dict[str, Any],
    article_id: str,
    ents: Any,
    cluster_map: dict[tuple[str, int], str],
    entities: dict[str, dict[str, Any]],
    in_article: list[str],
) -> str | None:
    """The entity a quote's speaker is, reconciling the two resolvers: the quote layer's name
    (measured on attribution data) wins over the entity layer's pronoun link when they differ."""
    span = quote.get("speaker_span")
    name = quote["speaker"]
    linked = None
    if span is not None and ents is not None:
        cluster = ents.cluster_at(span["start"], span["end"])
        if cluster is not None:
            linked = cluster_map.get((article_id, cluster))
    if span is not None and speaker_is_group(span["text"]):
        # "Trump's campaign" speaks, not Trump: only a group entity may take the quote.
        if linked and entities[linked]["type"] == "PERSON":
            return None
        return linked
    if name is None or same_person(name, entities.get(linked) if linked else None):
        return linked
    return next((e for e in in_article if same_person(name, entities[e])), None)


def _quotes(
    layers: dict[str, Any],
    articles: list[dict[str, Any]],
    article_entities: dict[str, Any],
    cluster_map: dict[tuple[str, int], str],
    entity_list: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    entities = {e["id"]: e for e in entity_list}
    per_article: dict[str, list[str]] = defaultdict(list)
    for (aid, _), eid in sorted(cluster_map.items()):
        if eid not in per_article[aid] and entities.get(eid, {}).get("type") == "PERSON":
            per_article[aid].append(eid)
    out: list[dict[str, Any]] = []
    for a in articles:
        for n, q in enumerate(layers.get(a["id"]) or []):
            if q["method"] in _NOT_SPEECH:
                continue
            entity_id = _speaker_entity(
                q,
                a["id"],
                article_entities.get(a["id"]),
                cluster_map,
                entities,
                per_article[a["id"]],
            )
            out.append(
                {
                    "id": f"{a['id']}-q{n + 1}",
                    "article_id": a["id"],
                    "text": q["text"],
                    "start": q["start"],
                    "end": q["end"],
                    "speaker": entities[entity_id]["name"] if entity_id else q["speaker"],
                    "speaker_entity_id": entity_id,
                    "speaker_span": q.get("speaker_span"),
                    "cue": q.get("cue"),
                    "kind": q["kind"],
                    "confidence": q["confidence"],
                    "method": q["method"],
                }
            )
    return out


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def group_quotes(
    quotes: list[dict[str, Any]], articles: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """One group per quote said once and carried by several articles: the same words (one quote
    contained in the other, or nearly the same) from the same speaker (or an unknown one).
    Each quote gets ``group_id``; groups keep the earliest date and the outlets."""
    linked: UnionFind[int] = UnionFind(range(len(quotes)))
    find = linked.find
    words = [_words(q["text"]) for q in quotes]
    joined = [" ".join(w) for w in words]
    index: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        if len(w) >= _MIN_GROUP_WORDS:
            for k in range(len(w) - _MIN_GROUP_WORDS + 1):
                index[" ".join(w[k : k + _MIN_GROUP_WORDS])].append(i)
    article = [q["article_id"] for q in quotes]
    speaker_of = [q["speaker_entity_id"] for q in quotes]
    # A pair sharing a long passage meets in every one of its shingles' buckets: decided once.
    seen: set[tuple[int, int]] = set()
    for members in index.values():
        if len(members) < 2:
            continue
        # Quotes come article by article, so a bucket's members of one article are a run: each
        # member meets the next _GROUP_PEERS members of later articles, never its own article's
        # (5,000 quotes of one article sharing four words made 12 million pairs).
        run_end = [len(members)] * len(members)
        for x in range(len(members) - 2, -1, -1):
            same = article[members[x]] == article[members[x + 1]]
            run_end[x] = run_end[x + 1] if same else x + 1
        for x, i in enumerate(members):
            for j in members[run_end[x] : run_end[x] + _GROUP_PEERS]:
                pair = (i, j)
                if pair in seen:
                    continue
                seen.add(pair)
                if article[i] == article[j] or find(i) == find(j):
                    continue
                si, sj = speaker_of[i], speaker_of[j]
                if si and sj and si != sj:
                    continue
                a, b = joined[i], joined[j]
                setwise = len(set(words[i]) & set(words[j])) / len(set(words[i]) | set(words[j]))
                if a in b or b in a or setwise >= _SAME_QUOTE_JACCARD:
                    linked.union(i, j)
    groups = []
    # Each group's members in quote order (a group's id and fields never depend on its root).
    for members in linked.groups().values():
        arts = sorted({quotes[i]["article_id"] for i in members})
        if len(arts) < 2:
            continue
        dates = sorted(d for d in (articles[a]["published"] for a in arts) if d)
        first = min(
            members, key=lambda i: (articles[quotes[i]["article_id"]]["published"] or "9999", i)
        )
        gid = f"g-{quotes[first]['id']}"
        speaker = next((quotes[i]["speaker"] for i in members if quotes[i]["speaker"]), None)
        for i in members:
            quotes[i]["group_id"] = gid
        groups.append(
            {
                "id": gid,
                "text": max((quotes[i]["text"] for i in members), key=len),
                "speaker": speaker,
                "quote_ids": [quotes[i]["id"] for i in members],
                "article_ids": arts,
                "outlets": sorted({articles[a]["outlet"] for a in arts if articles[a]["outlet"]}),
                "first_reported": dates[0] if dates else None,
                "independent_articles": len({articles[a]["duplicate_of"] or a for a in arts}),
            }
        )
    return sorted(groups, key=lambda g: (g["first_reported"] or "9999", g["id"]))


def _count_quotes(entities: list[dict[str, Any]], quotes: Iterable[dict[str, Any]]) -> None:
    counts: dict[str, int] = defaultdict(int)
    for q in quotes:
        if q["speaker_entity_id"]:
            counts[q["speaker_entity_id"]] += 1
    for e in entities:
        e["quotes"] = counts.get(e["id"], 0)


SUMMARY_PRONOUN_MIN_CONFIDENCE = 0.75
_SUBJECT_PRONOUN = re.compile(r"\b(he|she|He|She)\b")


def _name_summary_pronouns(
    timeline: list[dict[str, Any]],
    article_entities: dict[str, Any],
    cluster_map: dict[tuple[str, int], str],
    entities: list[dict[str, Any]],
) -> None:
    """ "In 2018, he called the former president …" reads on its own as "In 2018, David Lammy
    called …": the first subject pronoun of a summary becomes the person the entity layer
    resolved it to in the sentence the summary was taken from."""
    names = {e["id"]: e["name"] for e in entities if e["type"] == "PERSON"}
    for entry in timeline:
        m = _SUBJECT_PRONOUN.search(entry["summary"])
        if m is None:
            continue
        before = entry["summary"][: m.start()]
        for ev in entry["evidence"]:
            # The pronoun's place in the evidence sentence: after the summary's opening words.
            lead = ev["text"].find(before) if before else 0
            hit = (
                _SUBJECT_PRONOUN.search(ev["text"], max(lead, 0) + len(before))
                if lead >= 0
                else None
            )
            ents = article_entities.get(ev["article_id"])
            if hit is None or ents is None:
                continue
            start = ev["start"] + hit.start()
            end = start + len(hit.group(1))
            link = next((x for x in ents.mentions if (x.start, x.end) == (start, end)), None)
            if link is None or link.confidence < SUMMARY_PRONOUN_MIN_CONFIDENCE:
                break  # a doubtful link would put a wrong name into the story's own words
            cluster = link.cluster
            eid = cluster_map.get((ev["article_id"], cluster)) if cluster is not None else None
            if eid in names:
                entry["summary"] = before + names[eid] + entry["summary"][m.end() :]
                break


def _timeline(
    layers: dict[str, Any],
    articles: list[dict[str, Any]],
    article_entities: dict[str, Any],
    cluster_map: dict[tuple[str, int], str],
    max_dates: int | None,
    max_sentences: int | None,
) -> list[dict[str, Any]]:
    events_mod = _optional("storyline.analyse.time.events")
    timeline_mod = _optional("storyline.link.timeline")
    if events_mod is None or timeline_mod is None:
        return []
    items = []
    for a in articles:
        data = layers.get(a["id"])
        if data is None:
            continue
        events = [events_mod.Event.from_json(e) for e in data]
        items.append((a["id"], a["published"], a["duplicate_of"], events))

    def participant(article_id: str, span: tuple[int, int]) -> str | None:
        ents = article_entities.get(article_id)
        if ents is None:
            return None
        cluster = ents.cluster_at(span[0], span[1])
        return None if cluster is None else cluster_map.get((article_id, cluster))

    entries = timeline_mod.build_timeline(
        items, participant_ids=participant, max_dates=max_dates, max_sentences=max_sentences
    )
    return [
        {
            "id": t.id,
            "date": t.date,
            "summary": t.summary,
            "entity_ids": list(t.participants),
            "evidence": [
                {"article_id": e.article_id, "start": e.start, "end": e.end, "text": e.text}
                for e in t.evidence
            ],
            "relation": t.relation,
            "score": t.score,
        }
        for t in entries
    ]
