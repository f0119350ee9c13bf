"""Lines an article prints more than once: photo captions echoed two or three times, a
paragraph repeated as a caption. One copy is kept (a real paragraph, if there is one); captions
printed back to back with no paragraph among them go altogether."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from storyline.analyse.lang.words import words
from storyline.unionfind import UnionFind

__all__ = ["Repeat", "find_repeats", "line_key"]

_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*\s*$|[,.!?][\"”’']\s*$")
_NEAR_JACCARD = 0.75
_NEAR_MIN_WORDS = 6
# Lines of one bucket each line is compared with (the next ones sharing its opening or
# closing). Near copies sit in small buckets; 3,000 paragraphs opening "The Prime Minister
# said" made 4.5 million comparisons.
_NEAR_PEERS = 32


def line_key(line: str) -> str:
    """A line's identity across typography: case, quotes and punctuation ignored."""
    return " ".join(words(line.lower())).replace("'", "").replace("’", "")


@dataclass(frozen=True, slots=True)
class Repeat:
    index: int
    """Index (into the lines given) of a copy to remove."""
    kept: int | None
    """Index of the copy that stays, None when every copy goes."""
    reason: str
    confidence: float


def find_repeats(
    lines: Sequence[str], min_chars: int = 20, keys: Sequence[str] | None = None
) -> list[Repeat]:
    """Repeated lines among ``lines``; ``keys``, when given, are their :func:`line_key`."""
    if keys is None:
        keys = [line_key(t) for t in lines]
    linked: UnionFind[int] = UnionFind(range(len(lines)))
    union, find = linked.union, linked.find

    by_key: dict[str, int] = {}
    for i, k in enumerate(keys):
        if len(k) < min_chars:
            continue
        if k in by_key:
            union(by_key[k], i)
        else:
            by_key[k] = i
    # Near copies ("Sir Keir" in the paragraph, "Keir Starmer" in its caption) share an opening
    # or a closing: compare only lines in the same bucket, never all pairs.
    buckets: dict[str, list[int]] = defaultdict(list)
    tokens = [k.split() for k in keys]
    for i, toks in enumerate(tokens):
        if len(toks) >= _NEAR_MIN_WORDS:
            buckets["^" + " ".join(toks[:4])].append(i)
            buckets["$" + " ".join(toks[-4:])].append(i)
    sets: dict[int, set[str]] = {}
    for members in buckets.values():
        if len(members) < 2:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 : x + 1 + _NEAR_PEERS]:
                if find(i) == find(j):
                    continue
                si = sets.setdefault(i, set(tokens[i]))
                sj = sets.setdefault(j, set(tokens[j]))
                if len(si & sj) / len(si | sj) >= _NEAR_JACCARD:
                    union(i, j)

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(lines)):
        groups[find(i)].append(i)
    out: list[Repeat] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        punctuated = [i for i in members if _TERMINAL.search(lines[i])]
        paragraphs = set(punctuated)  # looked up per member: a list made big groups quadratic
        adjacent = all(b - a == 1 for a, b in pairwise(members))
        if punctuated:
            keep: int | None = punctuated[0]
        elif adjacent and members[0] != 0:
            keep = None  # a caption echoed back to back, with no paragraph to keep
        else:
            keep = members[0]
        n = len(members)
        for i in members:
            if i == keep:
                continue
            if keep is None:
                reason = f"photo caption (printed {n} times)"
            elif i in paragraphs:
                reason = "repeated paragraph"
            else:
                reason = f"repeated caption (copy of a paragraph, printed {n} times)"
            out.append(
                Repeat(
                    i,
                    keep,
                    reason,
                    0.9 if keys[i] == keys[keep if keep is not None else members[0]] else 0.75,
                )
            )
    return sorted(out, key=lambda r: r.index)
