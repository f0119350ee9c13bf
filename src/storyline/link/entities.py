"""Corpus entities: each article's clusters merged across articles, with a dated role history.

People merge on (first name, surname) with first-name spelling variants ("Lindsay"/"Lindsey");
a surname or first name used alone joins the one full name in the corpus that fits, and stays
apart when several do. Other names merge on a normalised key. Role nouns an article left
unresolved ("the Prime Minister" with no holder in that article) go to whoever the role
history says held the title closest to the article's date.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as Date

from storyline.analyse.entities.coref import title_matches
from storyline.analyse.entities.names import PLACE_NAMES as PLACES
from storyline.analyse.entities.names import (
    fold,
    name_words,
    org_core,
    org_initials,
    org_key,
    org_short_forms,
    spelling_variant,
)
from storyline.analyse.entities.resolve import UNTAGGED_METHOD, ArticleEntities, RoleMention
from storyline.analyse.entities.resolve import Mention as EntityMention
from storyline.analyse.entities.roles import title_key
from storyline.model import Entity, Role
from storyline.unionfind import UnionFind

__all__ = ["Entity", "Role", "resolve_corpus"]

# A lone surname shared by several people goes to the most-mentioned one only when it
# dominates this strongly; otherwise it stays its own entity.
DOMINANCE = 3.0
# Role-noun mentions that count as a role of their person.
MIN_ROLE_NOUN_CONFIDENCE = 0.55
MAX_ROLE_DAYS = 400
_CAPTION = "\x00caption"
"""Marks a caption's clusters inside the resolver; stripped from every output."""

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class _Group:
    key: str
    type_votes: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    roles: dict[tuple[str, str | None, str], str] = field(default_factory=dict)
    mentions: int = 0
    articles: set[str] = field(default_factory=set)
    media: bool = False
    members: list[tuple[str, int]] = field(default_factory=list)
    # The texts of its name mentions (not role nouns or nominals): what the corpus may link by.
    written: set[str] = field(default_factory=set)


def _slug(name: str) -> str:
    return _SLUG.sub("-", fold(name)).strip("-") or "entity"


def _day(d: str | None) -> Date | None:
    if not d:
        return None
    try:
        return Date.fromisoformat(d[:10])
    except ValueError:
        return None


_ByCluster = dict[int, list[EntityMention]]
_RolesByCluster = dict[int, list[RoleMention]]


class _Members:
    """Each article's mentions and roles by cluster, grouped once: looking them up by scanning
    every mention of the article for each cluster was quadratic (50,000 names in one text)."""

    def __init__(self) -> None:
        self._of: dict[int, tuple[ArticleEntities, _ByCluster, _RolesByCluster]] = {}

    def of(self, ae: ArticleEntities) -> tuple[_ByCluster, _RolesByCluster]:
        known = self._of.get(id(ae))
        if known is None or known[0] is not ae:
            mentions: _ByCluster = {}
            roles: _RolesByCluster = {}
            for m in ae.mentions:
                mentions.setdefault(m.cluster, []).append(m)
            for r in ae.roles:
                roles.setdefault(r.cluster, []).append(r)
            known = self._of[id(ae)] = (ae, mentions, roles)
        return known[1], known[2]


def _role_noun_only(ae: ArticleEntities, cid: int, members: _Members) -> bool:
    ms = [m for m in members.of(ae)[0].get(cid, ()) if m.kind != "pronoun"]
    return bool(ms) and all(m.kind in ("title", "role-noun") for m in ms)


def resolve_corpus(
    items: Iterable[tuple[str, str | None, ArticleEntities]],
    captions: Iterable[tuple[str, str | None, ArticleEntities]] = (),
) -> tuple[list[Entity], dict[tuple[str, int], str]]:
    """items: (article_id, published YYYY-MM-DD or None, the article's entities); captions: the
    same for the photo captions cleaning removed from an article, whose names join the corpus
    entities (with their roles and mention counts) but map to nothing in the article text.

    Returns entities sorted by mentions (then name) with stable ids ("e-keir-starmer") and the
    map (article_id, cluster id) -> entity id. Role-noun clusters no role history explains are
    left out of both."""
    arts = sorted(items, key=lambda x: x[0])
    arts += sorted(((aid + _CAPTION, pub, ae) for aid, pub, ae in captions), key=lambda x: x[0])
    groups: dict[str, _Group] = {}
    where: dict[tuple[str, int], str] = {}
    pending_single: list[tuple[str, str | None, ArticleEntities, int]] = []
    pending_roles: list[tuple[str, str | None, ArticleEntities, int]] = []
    pending_org_single: list[tuple[str, str | None, ArticleEntities, int]] = []
    # Full person names first, so lone names have something to join.
    full: dict[str, list[tuple[str, str]]] = {}  # surname -> [(first, group key)]
    members = _Members()
    pending_untagged: list[tuple[str, str | None, ArticleEntities, int]] = []
    pending_mistyped: list[tuple[str, str | None, ArticleEntities, int]] = []
    for aid, pub, ae in arts:
        for c in ae.clusters:
            if c.type == "OTHER" and _untagged_only(ae, c.id, members):
                pending_untagged.append((aid, pub, ae, c.id))
                continue
            if c.type == "PERSON" and _role_noun_only(ae, c.id, members):
                pending_roles.append((aid, pub, ae, c.id))
                continue
            words = name_words(c.name)
            if c.type == "PERSON" and not c.media and len(words) >= 2:
                first, last = fold(words[0]), fold(words[-1])
                key = next((k for f, k in full.get(last, []) if spelling_variant(f, first)), None)
                if key is None:
                    key = f"p:{first} {last}"
                    full.setdefault(last, []).append((first, key))
                _add(groups, key, aid, pub, ae, c.id, members)
                where[(aid, c.id)] = key
            elif c.type == "PERSON" and not c.media:
                pending_single.append((aid, pub, ae, c.id))
            elif c.type == "ORG" and not c.media and len(words) == 1:
                pending_org_single.append((aid, pub, ae, c.id))
            elif c.type in ("GPE", "OTHER") and len(words) == 1 and fold(words[0]) not in PLACES:
                pending_mistyped.append((aid, pub, ae, c.id))  # "Badenoch said" typed a place
            else:
                key = f"o:{org_key(c.name)}"
                _add(groups, key, aid, pub, ae, c.id, members)
                where[(aid, c.id)] = key
    counts = {k: g.mentions for k, g in groups.items() if k.startswith("p:")}
    for aid, pub, ae, cid in pending_mistyped:
        # A lone word the tagger typed a place or a thing: the one person of that surname in
        # the corpus, else what the tagger said.
        c = ae.clusters[cid]
        key = _untagged_key(c.name, groups, full, counts, people_only=True)
        _add(groups, key or f"o:{org_key(c.name)}", aid, pub, ae, cid, members, vote=key is None)
        where[(aid, cid)] = key or f"o:{org_key(c.name)}"
    for aid, pub, ae, cid in pending_org_single:
        # "Trump's team" tagged ORG where the article names nobody: the corpus's Donald Trump.
        c = ae.clusters[cid]
        owners = {k for _, k in full.get(fold(name_words(c.name)[0]), [])}
        key = owners.pop() if len(owners) == 1 else f"o:{org_key(c.name)}"
        _add(groups, key, aid, pub, ae, cid, members)
        where[(aid, cid)] = key
    person_mentions = {k: g.mentions for k, g in groups.items() if k.startswith("p:")}
    by_first: dict[str, list[str]] = {}  # first name -> group keys, in the order of ``full``
    for lst in full.values():
        for f, k in lst:
            by_first.setdefault(f, []).append(k)
    for aid, pub, ae, cid in pending_single:
        c = ae.clusters[cid]
        words = name_words(c.name)
        w = fold(words[-1]) if words else fold(c.name)
        cands = [k for _, k in full.get(w, [])]
        if not cands:
            knight = any(fold(a).startswith(("sir ", "dame ")) for a in c.aliases)
            cands = list(by_first.get(w, ()))
            if len(cands) > 1 and not knight:
                cands = []
        key = _pick(cands, person_mentions)
        if key is None:
            other = f"o:{org_key(c.name)}"
            # A lone word the tagger called a person but the corpus knows as a place or body.
            if other in groups and groups[other].type_votes.most_common(1)[0][0] != "PERSON":
                key = other
            else:
                key = f"p:{w}"
        _add(groups, key, aid, pub, ae, cid, members)
        where[(aid, cid)] = key
    for aid, pub, ae, cid in pending_untagged:
        # A name the tagger gave no type: the person or organisation another article names so,
        # else a group of its own that only a merge with a typed one below keeps.
        c = ae.clusters[cid]
        key = _untagged_key(c.name, groups, full, person_mentions)
        _add(groups, key or f"o:{org_key(c.name)}", aid, pub, ae, cid, members, vote=False)
        where[(aid, cid)] = key or f"o:{org_key(c.name)}"
    _resolve_role_clusters(groups, where, pending_roles, members)
    _merge_organisations(groups, where, full)
    untyped = {k for k, g in groups.items() if not g.type_votes}
    for k in untyped:
        del groups[k]
    for ref in [ref for ref, k in where.items() if k in untyped]:
        del where[ref]
    return _finish(groups, where)


def _untagged_only(ae: ArticleEntities, cid: int, members: _Members) -> bool:
    ms = [m for m in members.of(ae)[0].get(cid, ()) if m.kind == "name"]
    return bool(ms) and all(m.method == UNTAGGED_METHOD for m in ms)


def _untagged_key(
    name: str,
    groups: dict[str, _Group],
    full: dict[str, list[tuple[str, str]]],
    person_mentions: dict[str, int],
    people_only: bool = False,
) -> str | None:
    """The corpus group an untyped name belongs to: the full person name it spells (its first
    name a spelling variant), the one full name whose surname it is, or the organisation of
    its key; None when the corpus names no one so."""
    words = name_words(name)
    if not words:
        return None
    last = fold(words[-1])
    if len(words) >= 2:
        first = fold(words[0])
        key = next((k for f, k in full.get(last, []) if spelling_variant(f, first)), None)
    else:
        key = _pick([k for _, k in full.get(last, [])], person_mentions)
    if key is not None or people_only:
        return key
    org = f"o:{org_key(name)}"
    return org if org in groups and groups[org].type_votes else None


def _merge_organisations(
    groups: dict[str, _Group],
    where: dict[tuple[str, int], str],
    full: dict[str, list[tuple[str, str]]],
) -> None:
    """One organisation however the corpus's articles name it (each article already joined its
    own forms): groups that share a written name ("BT" in the article on "British
    Telecommunications plc (BT)" and in the one on "BT Group plc"), the same name without legal
    form and descriptors ("TSB" / "TSB Bank plc"), an acronym and the one multi-word name in the
    corpus whose initials it is ("FAA" / "Federal Aviation Administration"), and a lone word that
    opens or closes the one company name with a legal form that holds it ("Santander" / "Banco
    Santander SA"), which the tagger may have called a person. A form two organisations of the
    corpus could go by joins neither."""
    orgs = [k for k, g in groups.items() if k.startswith("o:") and not g.media]
    # Lone words the tagger called people, with no person of that surname in the corpus.
    lone = [k for k in groups if k.startswith("p:") and " " not in k and k[2:] not in full]
    if not orgs:
        return
    uf: UnionFind[str] = UnionFind(orgs)
    by_written: dict[str, set[str]] = {}
    by_core: dict[str, set[str]] = {}
    by_initials: dict[str, set[str]] = {}
    edge_words: dict[str, set[str]] = {}
    # "Edinburgh" typed an organisation: the one "Edinburgh University" of the corpus (never a
    # group typed a place: the city is not its university).
    institution_words: dict[str, set[str]] = {}
    for k in orgs:
        g = groups[k]
        for text in g.written | {k[2:]}:
            key = org_key(text)
            by_written.setdefault(key, set()).add(k)
            by_core.setdefault(org_core(text), set()).add(k)
            for a in org_initials(text):
                by_initials.setdefault(a, set()).add(k)
            inst = key.split(" ")
            if len(inst) == 2 and inst[1] in ("university", "college"):
                institution_words.setdefault(inst[0], set()).add(k)
            shorter = org_short_forms(text)
            if shorter:
                core = org_key(shorter[-1]).split(" ")
                if len(core) > 1:
                    for w in (core[0], core[-1]):
                        edge_words.setdefault(w, set()).add(k)
    for table in (by_written, by_core):
        for ks in table.values():
            if 1 < len(ks) <= 3:  # a form many groups share (a descriptor alone) links none
                first, *rest = sorted(ks)
                for k in rest:
                    uf.union(first, k)
    for k in [*orgs, *lone]:
        g = groups[k]
        word = k[2:]
        capitals = any(t.isupper() and t.isalpha() and fold(t) == word for t in g.written)
        targets = {uf.find(t) for t in by_initials.get(word, ())} if capitals else set()
        if not targets:
            targets = {uf.find(t) for t in edge_words.get(word, ())}
        if not targets and g.type_votes and g.type_votes.most_common(1)[0][0] == "ORG":
            targets = {uf.find(t) for t in institution_words.get(word, ())}
        targets.discard(uf.find(k) if k in groups and k.startswith("o:") else "")
        if len(targets) == 1 and " " not in word:
            uf.union(next(iter(targets)), k)
    moved = {k: uf.find(k) for k in [*orgs, *lone] if uf.find(k) != k}
    for k, root in moved.items():
        g, into = groups.pop(k), groups[root]
        for typ, n in g.type_votes.items():
            into.type_votes["ORG" if typ == "PERSON" else typ] += n
        into.names.update(g.names)
        into.aliases |= g.aliases
        into.written |= g.written
        into.roles.update(g.roles)
        into.mentions += g.mentions
        into.articles |= g.articles
        into.members += g.members
    if moved:
        for ref, key in where.items():
            if key in moved:
                where[ref] = moved[key]


def _pick(cands: list[str], mentions: dict[str, int]) -> str | None:
    uniq = sorted(set(cands))
    if len(uniq) == 1:
        return uniq[0]
    if not uniq:
        return None
    ranked = sorted(uniq, key=lambda k: (-mentions.get(k, 0), k))
    if mentions.get(ranked[0], 0) >= DOMINANCE * max(1, mentions.get(ranked[1], 0)):
        return ranked[0]
    return None


def _add(
    groups: dict[str, _Group],
    key: str,
    aid: str,
    pub: str | None,
    ae: ArticleEntities,
    cid: int,
    members: _Members,
    vote: bool = True,
) -> None:
    g = groups.setdefault(key, _Group(key=key))
    c = ae.clusters[cid]
    by_cluster, roles = members.of(ae)
    ms = by_cluster.get(cid, [])
    if vote:  # an untyped name takes the type of the group it joins
        g.type_votes[c.type] += max(1, len(ms))
    named = sum(1 for m in ms if m.kind == "name")
    if named or not g.names:
        g.names[c.name] += max(1, named)
    if named and any(n.lower().startswith("the ") for n in g.names):
        # A role noun that named the group first gives way to the person's name.
        for n in [n for n in g.names if n.lower().startswith("the ")]:
            del g.names[n]
    g.aliases.update(c.aliases)
    g.written.update(m.text for m in ms if m.kind == "name")
    g.mentions += len(ms)
    aid = aid.removesuffix(_CAPTION)
    g.articles.add(aid)
    g.media = g.media or c.media
    g.members.append((aid, cid))
    for r in roles.get(cid, ()):
        g.roles.setdefault((title_key(r.title), pub, aid), r.title)
    for m in ms:
        if m.kind in ("title", "role-noun") and m.confidence >= MIN_ROLE_NOUN_CONFIDENCE:
            text = m.text.strip()
            for det in ("the ", "The ", "THE "):
                text = text.removeprefix(det)
            g.roles.setdefault((title_key(m.text), pub, aid), text)


def _resolve_role_clusters(
    groups: dict[str, _Group],
    where: dict[tuple[str, int], str],
    pending: list[tuple[str, str | None, ArticleEntities, int]],
    members: _Members,
) -> None:
    for aid, pub, ae, cid in pending:
        c = ae.clusters[cid]
        rkey = title_key(c.name)
        day = _day(pub)
        best: tuple[float, str] | None = None
        for key, g in groups.items():
            if not key.startswith("p:"):
                continue
            for (tkey, rdate, _), _title in g.roles.items():
                if not title_matches(rkey, tkey):
                    continue
                rday = _day(rdate)
                if day is not None and rday is not None:
                    gap = (day - rday).days
                    # The holder on or before the date wins over a later one.
                    cost = float(gap) if gap >= 0 else 0.5 - gap
                    if abs(gap) > MAX_ROLE_DAYS:
                        continue
                else:
                    cost = float(MAX_ROLE_DAYS)
                cand = (cost, key)
                if best is None or cand < best:
                    best = cand
        if best is None:
            continue
        _add(groups, best[1], aid, pub, ae, cid, members)
        where[(aid, cid)] = best[1]


def _finish(
    groups: dict[str, _Group], where: dict[tuple[str, int], str]
) -> tuple[list[Entity], dict[tuple[str, int], str]]:
    drafts: list[tuple[str, _Group, str, str]] = []
    for key, g in groups.items():
        person = key.startswith("p:") and not g.media
        typ = "ORG" if g.media else ("PERSON" if person else g.type_votes.most_common(1)[0][0])
        if person:
            name = max(g.names, key=lambda n: (len(n.split(" ")), g.names[n], n))
        else:
            name = max(g.names, key=lambda n: (g.names[n], len(n), n))
        drafts.append((key, g, typ, name))
    ids: dict[str, str] = {}
    used: set[str] = set()
    for key, _g, _typ, name in sorted(drafts, key=lambda d: (-d[1].mentions, d[3], d[0])):
        base = "e-" + _slug(name)
        eid, n = base, 2
        while eid in used:
            eid, n = f"{base}-{n}", n + 1
        used.add(eid)
        ids[key] = eid
    entities: list[Entity] = []
    for key, g, typ, name in drafts:
        roles = tuple(
            sorted(
                (Role(title, d, aid) for (_, d, aid), title in g.roles.items()),
                key=lambda r: (r.date or "", r.article_id, r.title),
            )
        )
        entities.append(
            Entity(
                id=ids[key],
                name=name,
                type=typ,
                aliases=tuple(sorted(g.aliases)),
                roles=roles,
                mentions=g.mentions,
                article_ids=tuple(sorted(g.articles)),
                media=g.media,
            )
        )
    entities.sort(key=lambda e: (-e.mentions, e.name, e.id))
    mapping = {k: ids[v] for k, v in sorted(where.items()) if not k[0].endswith(_CAPTION)}
    return entities, mapping
