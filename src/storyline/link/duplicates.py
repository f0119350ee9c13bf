"""Exact duplicates, near duplicates and rewrites across the corpus, and the groups they form."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from storyline.errors import StoreError
from storyline.link.minhash import (
    band_keys,
    fact_features,
    hashed_signature,
    shingle_array,
    signature,
    similarity,
    words_of,
)
from storyline.link.rewrite import rewrite_score
from storyline.model import DuplicateEdge, DuplicateGroup
from storyline.settings import DEFAULT, Settings
from storyline.store.base import Store
from storyline.store.rows import LinkInput
from storyline.unionfind import UnionFind

__all__ = [
    "Fingerprint",
    "LinkRun",
    "detect_for",
    "fingerprint",
    "group_edges",
    "link_articles",
    "normalised_hash",
]

_NORM = re.compile(r"[^\w]+")
_RANK = {"rewrite": 0, "near": 1, "exact": 2}


def normalised_hash(text: str) -> str:
    """Identity of a text across whitespace, case and punctuation (as in :func:`fingerprint`)."""
    return hashlib.sha1(" ".join(words_of(text)).encode()).hexdigest()


Fingerprint = tuple[str, np.ndarray, np.ndarray]


def _signature_or_empty(features: list[bytes], settings: Settings) -> np.ndarray:
    # Too few facts to say anything: an empty signature keeps the article out of the rewrite
    # index instead of colliding with every other fact-poor article.
    if len(features) < settings.rewrite_min_facts:
        return np.zeros(0, dtype=np.uint64)
    return signature(features, settings.num_perm)


def fingerprint(text: str, settings: Settings = DEFAULT) -> Fingerprint:
    words = words_of(text)
    return (
        hashlib.sha1(" ".join(words).encode()).hexdigest(),
        hashed_signature(shingle_array(words, settings.shingle_size), settings.num_perm),
        _signature_or_empty(fact_features(text), settings),
    )


def detect_for(
    store: Store, article_id: str, build: int, settings: Settings = DEFAULT
) -> list[DuplicateEdge]:
    """Index one (new or changed) article and find its duplicates among the current ones."""
    found = _link_input(store.link_inputs([article_id]), article_id)
    norm, near_sig, content_sig = found.norm_hash, found.sig_near, found.sig_content
    store.drop_edges(article_id)
    near_bands = list(band_keys(near_sig, settings.near_threshold)) if near_sig.size else []
    store.replace_bands(article_id, "near", near_bands)
    facts_bands = (
        list(band_keys(content_sig, settings.rewrite_candidate_threshold))
        if content_sig.size
        else []
    )
    store.replace_bands(article_id, "content", facts_bands)
    edges: list[DuplicateEdge] = []
    exact = set(store.same_norm_hash(article_id, norm, build))
    for other in exact:
        edges.append(DuplicateEdge(article_id, other, "exact", 1.0, "link.normalised-hash"))
    near_done = set(exact)
    for other in store.band_candidates(article_id, "near", near_bands, build) - exact:
        sim = similarity(near_sig, store.signatures(other)[0])
        if sim >= settings.near_threshold:
            edges.append(
                DuplicateEdge(article_id, other, "near", round(sim, 3), "link.minhash-lsh")
            )
            near_done.add(other)
    if content_sig.size:
        candidates = store.band_candidates(article_id, "content", facts_bands, build) - near_done
        edges += _rewrite_edges(
            store, article_id, content_sig, candidates, lambda o: store.signatures(o)[1], settings
        )
    for e in edges:
        store.put_edge(e)
    return edges


def _link_input(inputs: Mapping[str, LinkInput], article_id: str) -> LinkInput:
    found = inputs.get(article_id)
    if found is None:
        raise StoreError(f"{article_id}: no such article in the store to link")
    return found


_INPUT_PAGE = 1000
"""Articles whose stored signatures :func:`link_articles` reads in one query."""

_INDEX_MAX = 20_000
"""Articles whose bands and signatures :func:`link_articles` keeps in memory (about 3 kB each)
before it writes them to the store and looks them up there instead."""


class _BandIndex:
    """The band index of the articles linked so far in one run, in memory: band key → the
    article id holding it (a list when several do), and each article's signatures (as uint32
    when, as MinHash values here are, they fit)."""

    def __init__(self) -> None:
        # Keys fold (kind, band, key) into one int, exactly: bands are numbered below 2**15.
        self.bands: dict[int, str | list[str]] = {}
        self.sigs: dict[str, tuple[bytes, bytes]] = {}
        self.wide: set[str] = set()

    def __len__(self) -> int:
        return len(self.sigs)

    @staticmethod
    def _fold(kind: str, band: int, key: int) -> int:
        return (key << 16) | (band << 1) | (kind == "content")

    def candidates(self, kind: str, keys: Iterable[tuple[int, int]]) -> set[str]:
        out: set[str] = set()
        for band, key in keys:
            ids = self.bands.get(self._fold(kind, band, key))
            if ids is None:
                continue
            if isinstance(ids, str):
                out.add(ids)
            else:
                out.update(ids)
        return out

    def add(self, kind: str, article_id: str, keys: Iterable[tuple[int, int]]) -> None:
        for band, key in keys:
            folded = self._fold(kind, band, key)
            ids = self.bands.get(folded)
            if ids is None:
                self.bands[folded] = article_id
            elif isinstance(ids, str):
                self.bands[folded] = [ids, article_id]
            else:
                ids.append(article_id)

    def add_signatures(self, article_id: str, near: np.ndarray, content: np.ndarray) -> None:
        narrow = all(not sig.size or int(sig.max()) <= 0xFFFFFFFF for sig in (near, content))
        dtype = np.uint32 if narrow else np.uint64
        self.sigs[article_id] = (near.astype(dtype).tobytes(), content.astype(dtype).tobytes())
        if not narrow:
            self.wide.add(article_id)

    def signatures(self, article_id: str) -> tuple[np.ndarray, np.ndarray] | None:
        raw = self.sigs.get(article_id)
        if raw is None:
            return None
        dtype = np.uint64 if article_id in self.wide else np.uint32
        near, content = (np.frombuffer(r, dtype).astype(np.uint64) for r in raw)
        return near, content


def _rewrite_edges(
    store: Store,
    article_id: str,
    content_sig: np.ndarray,
    candidates: set[str],
    content_sig_of: Callable[[str], np.ndarray],
    settings: Settings,
) -> list[DuplicateEdge]:
    """Rewrites among ``candidates`` (articles sharing content bands): the closest by content
    signature, confirmed by sentence alignment."""
    ranked = []
    for other in candidates:
        other_sig = content_sig_of(other)
        if other_sig.size:
            sim = similarity(content_sig, other_sig)
            if sim >= settings.rewrite_candidate_threshold * 0.75:
                ranked.append((-sim, other))
    text = store.clean_text_of(article_id) if ranked else ""
    edges: list[DuplicateEdge] = []
    for _, other in sorted(ranked)[: settings.rewrite_max_candidates]:
        score = rewrite_score(text, store.clean_text_of(other), settings)
        if (
            score.score >= settings.rewrite_min_score
            and score.aligned >= settings.rewrite_min_aligned
        ):
            edges.append(
                DuplicateEdge(
                    article_id, other, "rewrite", round(score.score, 3), "link.rewrite-alignment"
                )
            )
    return edges


class LinkRun:
    """The band index of one link stage, kept across its batches (pass the same one to every
    :func:`link_articles` call): each batch's articles are then found in memory by the next
    batches instead of by ~30 indexed store lookups an article. After a batch that failed (its
    writes rolled back, its articles half-indexed here) call :meth:`reset`."""

    def __init__(self) -> None:
        self.index = _BandIndex()
        self.in_store: bool | None = None
        """Whether current articles outside :attr:`index` hold bands in the store (None: not
        asked yet, asked at the first batch, before this run has written any)."""

    def reset(self) -> None:
        self.index = _BandIndex()
        self.in_store = True


def link_articles(
    store: Store,
    article_ids: Sequence[str],
    build: int,
    settings: Settings = DEFAULT,
    run: LinkRun | None = None,
) -> int:
    """Index the (new or changed) ``article_ids`` for duplicates and find each one's duplicates
    among the current articles: :func:`detect_for` on each in turn, with this run's band index
    and signatures held in memory (up to ``_INDEX_MAX`` articles; across calls when they share
    ``run``) and the reads and writes batched, instead of ~50 indexed lookups and a dozen writes
    an article. Returns the number of links stored."""
    if not article_ids:
        return 0
    store.drop_links(article_ids)
    if run is None:
        run = LinkRun()
    if run.in_store is None:
        # Articles indexed before this run (and not being re-linked) are looked up in the store.
        run.in_store = store.has_current_bands(build)
    index = run.index
    in_store = run.in_store
    bands: list[tuple[str, int, int, str]] = []
    edges: list[DuplicateEdge] = []
    found = 0

    def sigs_of(other: str) -> tuple[np.ndarray, np.ndarray]:
        return index.signatures(other) or store.signatures(other)

    def flush() -> None:
        nonlocal found
        store.put_bands(bands)
        store.put_edges(edges)
        found += len(edges)
        bands.clear()
        edges.clear()

    inputs: dict[str, LinkInput] = {}
    holders: dict[str, list[str]] = {}
    for n, article_id in enumerate(article_ids):
        if n % _INPUT_PAGE == 0:  # signatures and exact copies read a page at a time
            inputs = store.link_inputs(article_ids[n : n + _INPUT_PAGE])
            holders = store.norm_hash_holders(sorted({r.norm_hash for r in inputs.values()}), build)
        row = _link_input(inputs, article_id)
        norm, near_sig, content_sig = row.norm_hash, row.sig_near, row.sig_content
        near_bands = list(band_keys(near_sig, settings.near_threshold)) if near_sig.size else []
        facts_bands = (
            list(band_keys(content_sig, settings.rewrite_candidate_threshold))
            if content_sig.size
            else []
        )
        exact = {i for i in holders.get(norm, ()) if i != article_id}
        for other in sorted(exact):
            edges.append(DuplicateEdge(article_id, other, "exact", 1.0, "link.normalised-hash"))
        near_done = set(exact)
        near_candidates = index.candidates("near", near_bands)
        if in_store:
            near_candidates |= store.band_candidates(article_id, "near", near_bands, build)
        for other in sorted(near_candidates - exact):
            sim = similarity(near_sig, sigs_of(other)[0])
            if sim >= settings.near_threshold:
                edges.append(
                    DuplicateEdge(article_id, other, "near", round(sim, 3), "link.minhash-lsh")
                )
                near_done.add(other)
        if content_sig.size:
            content_candidates = index.candidates("content", facts_bands)
            if in_store:
                content_candidates |= store.band_candidates(
                    article_id, "content", facts_bands, build
                )
            edges += _rewrite_edges(
                store,
                article_id,
                content_sig,
                content_candidates - near_done,
                lambda o: sigs_of(o)[1],
                settings,
            )
        index.add("near", article_id, near_bands)
        index.add("content", article_id, facts_bands)
        index.add_signatures(article_id, near_sig, content_sig)
        bands.extend(("near", b, k, article_id) for b, k in near_bands)
        bands.extend(("content", b, k, article_id) for b, k in facts_bands)
        if len(bands) >= 20_000:
            flush()
        if len(index) >= _INDEX_MAX:
            # From here on the articles linked so far are found in the store.
            flush()
            run.reset()
            index = run.index
            in_store = True
    flush()
    store.mark_linked_many(article_ids)
    return found


def group_edges(
    edges: Iterable[DuplicateEdge], published: Mapping[str, str | None]
) -> list[DuplicateGroup]:
    """Connected groups; the canonical member is the earliest published (then the smallest id),
    so that later layers count a story once, at its first telling."""
    linked: UnionFind[str] = UnionFind()
    find = linked.find
    edge_list = list(edges)
    for e in edge_list:
        linked.union(e.a, e.b)
    members: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, list[DuplicateEdge]] = defaultdict(list)
    for e in edge_list:
        root = find(e.a)
        members[root].update((e.a, e.b))
        kinds[root].append(e)
    groups = []
    for root, ids in members.items():
        ordered = sorted(ids, key=lambda i: (published.get(i) is None, published.get(i) or "", i))
        weakest = min(kinds[root], key=lambda e: (_RANK[e.kind], e.similarity))
        groups.append(DuplicateGroup(tuple(ordered), weakest.kind, weakest.similarity, ordered[0]))
    return sorted(groups, key=lambda g: g.article_ids)
