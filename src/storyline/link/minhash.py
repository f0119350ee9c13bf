"""MinHash signatures (datasketch) and LSH banding that lives in the store, so near-duplicate
search is incremental and memory stays flat however large the corpus grows."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import cast

import numpy as np

__all__ = [
    "band_keys",
    "fact_features",
    "hashed_signature",
    "lsh_params",
    "shingle_array",
    "shingle_hashes",
    "signature",
    "similarity",
    "words_of",
]

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SEED = 1
# Words too common to say anything about which story an article tells.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "told",
        "would",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "one",
        "two",
        "new",
        "last",
        "first",
        "year",
        "years",
        "mr",
        "mrs",
        "ms",
        "sir",
    ]
)


def _hash(b: bytes) -> int:
    # crc32 is stable across processes (Python's hash() is not) and several times faster than
    # datasketch's default sha1.
    return zlib.crc32(b)


_SHINGLE_BASE = np.uint64(1_000_003)


def shingle_hashes(words: Sequence[str], size: int) -> list[int]:
    """32-bit hashes of the distinct ``size``-word shingles, computed from per-word hashes with
    numpy instead of joining and hashing every shingle string (the build's hot path)."""
    return [int(v) for v in shingle_array(words, size)]


_WORD_HASHES: dict[str, int] = {}
_WORD_HASHES_MAX = 500_000


def _word_hashes(words: Sequence[str]) -> list[int]:
    """crc32 of each word, remembered across articles (a news vocabulary repeats itself)."""
    known = _WORD_HASHES
    out: list[int | None] = [known.get(w) for w in words]
    if None in out:
        if len(known) > _WORD_HASHES_MAX:
            known.clear()
        for i, h in enumerate(out):
            if h is None:
                w = words[i]
                out[i] = known[w] = zlib.crc32(w.encode())
    return cast("list[int]", out)


def shingle_array(words: Sequence[str], size: int) -> np.ndarray:
    """:func:`shingle_hashes` as a sorted uint32 array."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    wh = np.array(_word_hashes(words), dtype=np.uint64)
    if len(words) < size:
        size = len(words)
    n = len(words) - size + 1
    acc = wh[:n].copy()
    for k in range(1, size):
        # uint64 arithmetic wraps: a polynomial rolling hash modulo 2**64, folded to 32 bits.
        acc *= _SHINGLE_BASE
        acc += wh[k : k + n]
    folded = (acc ^ (acc >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return np.unique(folded.astype(np.uint32))


def hashed_signature(hashes: Sequence[int] | np.ndarray, num_perm: int) -> np.ndarray:
    """MinHash signature of values that are already 32-bit hashes: datasketch's ``affine32``
    scheme (murmur3 finaliser, then ``a * h + b`` modulo 2**32 for each permutation), computed
    in one numpy pass with the permutations drawn once per process. Equal, value for value, to
    ``LeanMinHash(MinHash(..., scheme="affine32")).hashvalues``."""
    a, b = _permutations(num_perm)
    hv = np.asarray(hashes, dtype=np.uint32)
    if not hv.size:
        return np.full(num_perm, 0xFFFFFFFF, dtype=np.uint64)
    hv = hv ^ (hv >> np.uint32(16))
    hv *= np.uint32(0x85EBCA6B)
    hv ^= hv >> np.uint32(13)
    hv *= np.uint32(0xC2B2AE35)
    hv ^= hv >> np.uint32(16)
    phv = hv[:, None] * a[None, :]
    phv += b[None, :]
    out: np.ndarray = phv.min(axis=0).astype(np.uint64)
    return out


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


_NAMEISH = re.compile(r"(?<=[a-z,;] )[A-Z][\w’'-]+|\b\d[\d,.]*\d\b|\b\d\b")
_QUOTED = re.compile(r"[“\"«]([^“”\"«»]{8,}?)[”\"»]")


_NAME_IN_SENTENCE = re.compile(r"(?<=[a-z,;] )[A-Z][\w’'-]+")
_FIGURE = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")


def _nameish(text: str) -> Iterator[str]:
    """The matches of ``_NAMEISH.finditer(text)``, found with its two halves apart: one regex
    with three alternatives tried at every position costs more than the two scans. A figure
    inside a name ("B-52") is part of the name, as with the one regex."""
    figure = _FIGURE.search(text)
    for name in _NAME_IN_SENTENCE.finditer(text):
        while figure is not None and figure.start() < name.start():
            yield figure.group(0)
            figure = _FIGURE.search(text, figure.end())
        yield name.group(0)
        if figure is not None and figure.start() < name.end():
            figure = _FIGURE.search(text, name.end())
    while figure is not None:
        yield figure.group(0)
        figure = _FIGURE.search(text, figure.end())


def fact_features(text: str) -> list[bytes]:
    """What a rewrite keeps of its source: names and numbers (capitalised words inside a
    sentence, figures) and the quoted words (as bigrams). Ordinary vocabulary is left out on
    purpose: articles on one story share it without copying each other."""
    feats = {("n:" + m.lower()).encode() for m in _nameish(text)}
    for q in _QUOTED.findall(text):
        words = _WORD.findall(q.lower())
        feats.update(f"q:{a} {b}".encode() for a, b in pairwise(words))
    return list(feats)


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations (``MinHash(num_perm, seed, scheme="affine32")
    .permutations``, drawn as it draws them; a test holds them equal), once per process:
    datasketch draws them anew for every MinHash, and importing it imports scipy, which was
    three quarters of a build's start-up."""
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signature(features: Sequence[bytes], num_perm: int) -> np.ndarray:
    return hashed_signature(np.array([_hash(f) for f in features], dtype=np.uint32), num_perm)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


@lru_cache(maxsize=16)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that best separate pairs above and below ``threshold``: datasketch's
    ``_optimal_param`` with equal weights (the least sum of the false-positive and
    false-negative areas under the banding's S-curve), here without scipy. The curve
    1 - (1 - s^r)^b is a polynomial of degree r*b <= num_perm, so Gauss-Legendre with
    num_perm // 2 + 1 nodes integrates it exactly (a test holds the choice equal to
    datasketch's)."""
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def area(lo: float, hi: float, b: int, r: int, above: bool) -> float:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        p = 1 - (1 - s ** float(r)) ** float(b)
        return float((hi - lo) / 2 * np.dot(weights, 1 - p if above else p))

    best, choice = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            error = 0.5 * area(0.0, threshold, b, r, False) + 0.5 * area(threshold, 1.0, b, r, True)
            if error < best:
                best, choice = error, (b, r)
    return choice


def band_keys(sig: np.ndarray, threshold: float) -> Iterable[tuple[int, int]]:
    """(band, key) pairs: two signatures sharing one are candidates."""
    b, r = lsh_params(threshold, len(sig))
    for i in range(b):
        chunk = sig[i * r : (i + 1) * r].tobytes()
        # SQLite integers are signed 64-bit: keep the key within range.
        yield i, zlib.crc32(chunk) | (zlib.adler32(chunk) << 32) & 0x7FFFFFFFFFFFFFFF
