"""The frozen results every stage hands to the next.

Each result carries where it came from (offsets, a confidence, the method that produced it), so
that any fact in a dossier can be traced back to its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Article",
    "BuildReport",
    "CleanText",
    "DuplicateEdge",
    "DuplicateGroup",
    "InputFailure",
    "MetaValue",
    "RawDocument",
    "Removal",
    "Story",
]

Format = Literal["txt", "html", "jsonl", "warc"]
DuplicateKind = Literal["exact", "near", "rewrite"]


@dataclass(frozen=True, slots=True)
class MetaValue:
    """One metadata value and its provenance.

    ``source`` is one of the contract's ``published_source`` words for dates (``header``,
    ``dateline``, ``html``, ``jsonl``, ``inferred``) and, for other fields, says where the value
    was read: ``brand-line``, ``self-reference``, ``url``, ``html``, ``jsonl``, ``warc``,
    ``first-line``, ``byline-line``. ``start``/``end`` point into the decoded input text when
    the value was read from it.
    """

    value: str
    source: str
    method: str
    confidence: float = 1.0
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as read from its input, before cleaning.

    ``text`` is the decoded text (for HTML, the main text trafilatura extracted); ``raw`` is what
    the input held for this article (bytes of a .txt file, the HTML page, the JSONL line), kept so
    that nothing the input held is ever lost from the store.
    """

    id: str
    source: str
    format: Format
    text: str
    raw: bytes
    meta: dict[str, MetaValue] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    """What ingest repaired: ``encoding=cp1252``, ``bom``, ``crlf``, ``mojibake``."""


@dataclass(frozen=True, slots=True)
class Removal:
    """A piece of input that cleaning dropped, with why. Offsets point into the decoded text."""

    text: str
    reason: str
    start: int
    end: int
    method: str
    confidence: float


@dataclass(frozen=True, slots=True)
class CleanText:
    text: str
    removed: tuple[Removal, ...]
    offsets: tuple[tuple[int, int, int], ...] = ()
    """(clean_start, raw_start, length) runs mapping clean-text offsets back to decoded text."""


@dataclass(frozen=True, slots=True)
class Article:
    """An article as the dossier shows it."""

    id: str
    source: str
    text: str
    removed: tuple[Removal, ...]
    outlet: MetaValue | None = None
    title: MetaValue | None = None
    byline: MetaValue | None = None
    published: MetaValue | None = None
    url: MetaValue | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class DuplicateEdge:
    a: str
    b: str
    kind: DuplicateKind
    similarity: float
    method: str


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    article_ids: tuple[str, ...]
    kind: DuplicateKind
    similarity: float
    canonical: str


@dataclass(frozen=True, slots=True)
class InputFailure:
    """One thing a build could not do, and where: a file or record it could not read
    (``stage="ingest"``), or a stage or component that failed on one article (``article_id``,
    ``stage``, ``component``) or on the corpus (``stage`` only). The build goes on without it."""

    source: str
    error: str
    article_id: str | None = None
    stage: str | None = None
    component: str | None = None


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the command line and for tests."""

    articles: int
    processed: int
    skipped_unchanged: int
    errors: tuple[InputFailure, ...]
    duplicates: tuple[DuplicateGroup, ...]
    dossier_path: str | None = None
    report_path: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Story:
    """One story: the coverage of one real-world event and its follow-ups, its articles in
    stream order."""

    id: str
    article_ids: tuple[str, ...]
    first_date: str | None
    last_date: str | None
    label: str
    confidence: float
    """Mean probability with which members joined (1 - best rejected join for one article)."""
    method: str
    """"online" (learned model) or "online+duplicates" (some members forced by the duplicate
    layer)."""
