"""Rewrite scoring on hostile articles (issue 9)."""

from __future__ import annotations

import time

from storyline.link.rewrite import _profile, _shared_quotes, rewrite_score


def test_rewrite_shared_quotes_counts_containment_both_ways() -> None:
    qa = frozenset({"we will win", "the plan is good for everyone", "nothing here at all"})
    qb = frozenset({"we will win this time", "plan is good", "elsewhere"})
    # "we will win" lies inside a quote of qb; "the plan is good for everyone" holds one.
    assert _shared_quotes(qa, qb) == 2
    assert _shared_quotes(frozenset({""}), qb) == 1


def test_issue_9_rewrite_of_same_opening_paragraphs_in_linear_time() -> None:
    a = "\n\n".join(
        f"The Prime Minister said on Tuesday that plan {i} was fine." for i in range(3000)
    )
    b = a.replace("fine", "good")
    _profile.cache_clear()
    started = time.perf_counter()
    score = rewrite_score(a, b)
    assert time.perf_counter() - started < 6.0
    assert score.aligned == 1.0


def test_issue_9_rewrite_of_thousands_of_quotes_in_linear_time() -> None:
    a = " ".join(f"“Quoted words number {i} here,” she said." for i in range(5000))
    b = " ".join(f"“Quoted words number {i} there,” he said." for i in range(5000))
    _profile.cache_clear()
    started = time.perf_counter()
    rewrite_score(a, b)
    assert time.perf_counter() - started < 6.0
