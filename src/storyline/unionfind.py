"""Union-find (disjoint sets) over any hashable, ordered keys: the one implementation behind
repeated lines, duplicate groups and quote groups.

The root of every set is its smallest key, so the representative of a group never depends on
the order in which its links were found (line 3 before line 9, article "a" before "b").
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["UnionFind"]


class _Ordered(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Ordered)


class UnionFind(Generic[K]):
    """Disjoint sets of keys; a key not seen before is a set of its own."""

    __slots__ = ("_parent",)

    def __init__(self, keys: Iterable[K] = ()) -> None:
        self._parent: dict[K, K] = {k: k for k in keys}

    def find(self, key: K) -> K:
        """The root (smallest key) of ``key``'s set."""
        parent = self._parent
        root = parent.setdefault(key, key)
        while parent[root] != root:
            # Path halving: every other node on the way points to its grandparent.
            parent[root] = parent[parent[root]]
            root = parent[root]
        return root

    def union(self, a: K, b: K) -> K:
        """Join the sets of ``a`` and ``b``; returns the joined set's root."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        lo, hi = (ra, rb) if ra < rb else (rb, ra)
        self._parent[hi] = lo
        return lo

    def connected(self, a: K, b: K) -> bool:
        return self.find(a) == self.find(b)

    def groups(self) -> dict[K, list[K]]:
        """Root -> the keys of its set, each list in the order the keys were first seen."""
        out: dict[K, list[K]] = {}
        for key in list(self._parent):
            out.setdefault(self.find(key), []).append(key)
        return out
