"""Rewrites: an article that re-words another outlet's copy while keeping its quotes and facts.
Shingles miss them (the wording changed); what survives a rewrite is the quoted words, the
names and numbers, and a sentence-by-sentence correspondence."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from storyline.link.minhash import STOPWORDS
from storyline.settings import DEFAULT, Settings

__all__ = ["RewriteScore", "rewrite_score"]

_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”’']))\s+(?=[\"“‘'A-Z0-9])|\n+")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_QUOTED = re.compile(r"[“\"‘«]([^“”\"«»]{12,}?)[”\"’»]")
_FACT = re.compile(r"\b(?:\d[\d,.]*|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)\b")
_MIN_SENTENCE_WORDS = 5
# Long sentences one word leads a short sentence to: a word in hundreds of sentences of one
# article (3,000 paragraphs opening alike) says nothing of alignment, and following all of
# them made the comparison quadratic. News articles have a few hundred sentences at most.
_MAX_POSTINGS = 256


@dataclass(frozen=True, slots=True)
class RewriteScore:
    score: float
    aligned: float
    """Share of the shorter article's sentences that have a counterpart in the other."""
    quotes: float
    facts: float


def _content(sentence: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(sentence.lower()) if w not in STOPWORDS)


def _sentences(text: str) -> list[frozenset[str]]:
    out = []
    for s in _SENTENCE_END.split(text):
        words = _content(s)
        if len(words) >= _MIN_SENTENCE_WORDS:
            out.append(words)
    return out


def _quotes(text: str) -> set[str]:
    return {" ".join(_WORD.findall(q.lower())) for q in _QUOTED.findall(text)}


def _facts(text: str) -> set[str]:
    # Sentence-initial capitals are mostly ordinary words; names recur mid-sentence.
    return {
        m.group(0)
        for m in _FACT.finditer(text)
        if m.start() > 0 and text[m.start() - 1] not in ".\n"
    }


@lru_cache(maxsize=64)
def _profile(text: str) -> tuple[list[frozenset[str]], frozenset[str], frozenset[str]]:
    """(sentences, quotes, facts) of a text: an article is compared with up to
    ``rewrite_max_candidates`` others in a row, and read once for all of them."""
    return _sentences(text), frozenset(_quotes(text)), frozenset(_facts(text))


def _shared_quotes(qa: frozenset[str], qb: frozenset[str]) -> int:
    """How many quotes of ``qa`` lie inside a quote of ``qb`` or hold one: substring searches
    in the other side's quotes joined once, instead of every pair (5,000 quotes a side)."""
    joined_b = "\n".join(qb)  # quotes are words joined by spaces: no newline inside
    order = list(qa)
    joined_a = "\n".join(order)
    starts = [0]
    for q in order:
        starts.append(starts[-1] + len(q) + 1)
    holders: set[int] = set()  # indexes of qa's quotes holding some quote of qb
    for r in qb:
        at = joined_a.find(r)
        while at >= 0:
            holders.add(bisect.bisect_right(starts, at) - 1)
            at = joined_a.find(r, at + 1)
    return sum(1 for n, q in enumerate(order) if n in holders or q in joined_b)


def rewrite_score(a: str, b: str, settings: Settings = DEFAULT) -> RewriteScore:
    (sa, qa, fa), (sb, qb, fb) = _profile(a), _profile(b)
    if not sa or not sb:
        return RewriteScore(0.0, 0.0, 0.0, 0.0)
    short, long_ = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    # Each short sentence meets only the long sentences it shares a word with (an inverted
    # index), instead of all of them: most pairs share nothing.
    postings: dict[str, list[int]] = {}
    for j, t in enumerate(long_):
        for w in t:
            posting = postings.setdefault(w, [])
            if len(posting) < _MAX_POSTINGS:
                posting.append(j)
    sizes = [len(t) for t in long_]
    aligned = 0
    threshold = settings.rewrite_sentence_jaccard
    for s in short:
        shared: dict[int, int] = {}
        for w in s:
            for j in postings.get(w, ()):
                shared[j] = shared.get(j, 0) + 1
        n = len(s)
        # Jaccard |s & t| / |s | t|, with the union counted from the sizes.
        best = max((k / (n + sizes[j] - k) for j, k in shared.items()), default=0.0)
        if best >= threshold:
            aligned += 1
    aligned_share = aligned / len(short)
    quote_share = _shared_quotes(qa, qb) / min(len(qa), len(qb)) if qa and qb else aligned_share
    facts = len(fa & fb) / min(len(fa), len(fb)) if fa and fb else 0.0
    score = 0.5 * aligned_share + 0.3 * min(quote_share, 1.0) + 0.2 * facts
    return RewriteScore(score, aligned_share, min(quote_share, 1.0), facts)
