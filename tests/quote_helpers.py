"""What the issue-14 quote tests share: the quotes of a text, and the one direct or partial quote
that holds a fragment (the ``quotes`` fixture is in conftest)."""

from __future__ import annotations

from collections.abc import Callable

from storyline.analyse.quotes.attribute import Quote

Extract = Callable[[str], list[Quote]]


def one_quote(found: list[Quote], fragment: str) -> Quote:
    """The one quote, not indirect, whose text holds ``fragment`` (fails if not exactly one)."""
    hits = [q for q in found if fragment in q.text and q.kind != "indirect"]
    assert len(hits) == 1, [q.text for q in found]
    return hits[0]
