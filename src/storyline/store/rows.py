"""Typed rows the store returns (and takes), the same for every backend.

Older methods return tuples, dicts and JSON strings; each has a typed variant that returns one
of these (see :mod:`storyline.store.base`). Rows are plain frozen values: cheap to send to a
worker process, and nothing in them refers back to a connection."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from storyline.model import CleanText, MetaValue, PublishedDate, Removal

__all__ = [
    "AnalysisInput",
    "ArticleBrief",
    "ArticleRow",
    "BuildRow",
    "CleanCandidate",
    "CleanInput",
    "CleanRow",
    "CleanedArticle",
    "FileState",
    "LinkInput",
    "meta_from_json",
    "meta_to_json",
    "removal_records",
]

_META_FIELDS = tuple(f.name for f in fields(MetaValue))


def meta_to_json(meta: Mapping[str, MetaValue]) -> str:
    """Metadata with provenance as stored: ``{field: {value, source, method, ...}}``."""
    # As ``asdict`` would give (the fields are plain values), without its deep copies.
    return json.dumps(
        {k: {f: getattr(v, f) for f in _META_FIELDS} for k, v in meta.items()}, ensure_ascii=False
    )


def meta_from_json(data: str) -> dict[str, MetaValue]:
    return {k: MetaValue(**v) for k, v in json.loads(data).items()}


@dataclass(frozen=True, slots=True)
class NewArticle:
    """One ingested article, ready for :meth:`Store.put_articles` (the arguments of
    :meth:`Store.put_article`)."""

    article_id: str
    file_path: str
    ordinal: int
    source: str
    fmt: str
    raw: bytes
    decoded: str
    notes: tuple[str, ...]
    meta: dict[str, MetaValue]
    strip: list[dict[str, Any]]
    line_keys: tuple[str, ...]
    build: int


@dataclass(frozen=True, slots=True)
class FileState:
    """What the store remembers of an input file, to skip it when unchanged."""

    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True, slots=True)
class BuildRow:
    """One build: when it started and finished (None while running or after a crash) and the
    inputs it was given."""

    id: int
    started: float
    finished: float | None
    inputs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleBrief:
    """Id, date, outlet and duplicate link of a current article (what assembly needs)."""

    id: str
    published: str | None
    published_inferred: bool
    outlet: str | None
    duplicate_of: str | None

    def to_record(self) -> dict[str, Any]:
        """The dict :meth:`Store.current_articles_brief` gives."""
        return {
            "id": self.id,
            "published": self.published,
            "published_inferred": self.published_inferred,
            "outlet": self.outlet,
            "duplicate_of": self.duplicate_of,
        }


@dataclass(frozen=True, slots=True)
class CleanCandidate:
    """A current article the cleaning stage looks at: its outlet (for the furniture) and the
    key its clean text was made with (None: never cleaned)."""

    id: str
    outlet: str | None
    clean_key: str | None


@dataclass(frozen=True, slots=True)
class CleanInput:
    """What cleaning reads of one article: the decoded text, its metadata and the spans ingest
    marked to strip (mastheads, datelines)."""

    id: str
    decoded: str
    meta: Mapping[str, MetaValue]
    strip: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    """A current article the analysis stage looks at: the key of its clean text, its date and
    the key its stored layers were made with (None: never analysed)."""

    id: str
    clean_key: str | None
    published: str | None
    published_inferred: bool
    analysis_key: str | None


@dataclass(frozen=True, slots=True, eq=False)
class LinkInput:
    """What duplicate detection reads of one article: its normalised-text hash and its two
    MinHash signatures (near-duplicate shingles, rewrite facts; empty when too short)."""

    id: str
    norm_hash: str
    sig_near: np.ndarray
    sig_content: np.ndarray


def removal_records(removed: Sequence[Removal]) -> list[dict[str, Any]]:
    """Removals in the stored (and dossier) form."""
    return [
        {
            "text": r.text,
            "reason": r.reason,
            "start": r.start,
            "end": r.end,
            "method": r.method,
            "confidence": r.confidence,
        }
        for r in removed
    ]


CleanRow = tuple[str, str, str, str, str, str, bytes, bytes, str | None, str | None, str]
"""The older, positional form of :class:`CleanedArticle` (the order of an UPDATE statement:
clean key, text, removed, offsets, meta, norm hash, signatures, outlet, published, id)."""


@dataclass(frozen=True, slots=True)
class CleanedArticle:
    """One cleaned article as the store writes it, serialised in the worker that cleaned it
    (JSON and bytes pickle cheaply; the store only has to write them)."""

    article_id: str
    clean_key: str
    text: str
    removed_json: str
    offsets_json: str
    meta_json: str
    norm_hash: str
    sig_near: bytes
    sig_content: bytes

    @classmethod
    def of(
        cls,
        article_id: str,
        clean_key: str,
        result: CleanText,
        meta: Mapping[str, MetaValue],
        norm_hash: str,
        sig_near: np.ndarray,
        sig_content: np.ndarray,
    ) -> CleanedArticle:
        return cls(
            article_id=article_id,
            clean_key=clean_key,
            text=result.text,
            removed_json=json.dumps(removal_records(result.removed), ensure_ascii=False),
            offsets_json=json.dumps(list(result.offsets)),
            meta_json=meta_to_json(meta),
            norm_hash=norm_hash,
            sig_near=sig_near.tobytes(),
            sig_content=sig_content.tobytes(),
        )


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One stored article as a reader sees it (not its raw bytes or decoded input): the
    queried metadata as fields, every metadata value with its provenance in ``meta``, the clean
    text and what cleaning removed."""

    id: str
    source: str
    file_path: str
    format: str
    build: int
    outlet: str | None
    title: str | None
    byline: str | None
    url: str | None
    published: PublishedDate | None
    text: str
    removed: tuple[Removal, ...]
    duplicate_of: str | None
    notes: tuple[str, ...] = ()
    meta: Mapping[str, MetaValue] = field(default_factory=dict)
