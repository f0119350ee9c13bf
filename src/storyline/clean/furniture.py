"""Corpus statistics: a line that many articles of one outlet share is that outlet's furniture
(a sign-off, a newsletter box, a standing disclaimer), not news."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from storyline.clean.repeats import line_key
from storyline.settings import DEFAULT, Settings

__all__ = ["furniture_keys", "line_keys"]


def line_keys(lines: Iterable[str], settings: Settings = DEFAULT) -> Iterator[str]:
    """The keys of an article's lines that could be furniture (short enough), one per distinct
    line, for counting across the corpus."""
    seen: set[str] = set()
    for line in lines:
        if len(line.split()) > settings.furniture_max_words:
            continue
        key = line_key(line)
        if len(key) >= 3 and key not in seen:
            seen.add(key)
            yield key


def furniture_keys(
    counts: Iterable[tuple[str, int]], outlet_articles: int, settings: Settings = DEFAULT
) -> dict[str, int]:
    """From (line key, number of the outlet's articles holding it), the keys that are furniture,
    with their counts."""
    floor = max(settings.furniture_min_articles, settings.furniture_min_share * outlet_articles)
    return {key: n for key, n in counts if n >= floor}
