"""What components leave on the Doc for each other, as spaCy extensions (``Doc._.NAME``).

Every annotation a component assigns or requires is registered here, once, by name
(`ANNOTATIONS`); a reader gets it through `cached`, which makes it on first use and keeps it on
the Doc, so it is found once per article whichever component asks first (and a component whose
producer failed or was not re-run still gets the same result). Span-shaped results also go to
``doc.spans`` (``doc.spans["timex"]``) for spaCy's own tools.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["ANNOTATIONS", "annotated", "cached", "register"]

T = TypeVar("T")

ANNOTATIONS: dict[str, str] = {
    "quote_spans": "paired quotation marks (lang.quotemarks.find_quote_spans)",
    "quoted_chars": "characters inside quotation marks, the events' reading",
    "quoted_tokens": "tokens inside quotation marks, the entities' reading",
    "timexes": "time expressions with their values, for one publication date (time.tagged)",
    "quotes": "the quotes with their speakers (quotes.attribute.extract_quotes)",
    "entities": "the article's entities, mentions and roles (entities.resolve)",
}
"""Every Doc annotation: name -> what it holds."""


def register() -> None:
    """Register every annotation as a ``Doc`` extension (idempotent)."""
    from spacy.tokens import Doc

    for name in ANNOTATIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def cached(doc: Doc, name: str, make: Callable[[], T]) -> T:
    """``doc._.NAME``, made by ``make()`` the first time it is asked for."""
    if name not in ANNOTATIONS:
        raise KeyError(f"unknown Doc annotation {name!r}: register it in ANNOTATIONS")
    register()
    value: Any = doc._.get(name)
    if value is None:
        value = make()
        doc._.set(name, value)
    return value  # type: ignore[no-any-return]


def annotated(doc: Doc, name: str) -> bool:
    """Whether ``doc._.NAME`` has been made."""
    register()
    return doc._.get(name) is not None
