"""`dossier.json`: the contract outside tools rely on (schema ``storyline.dossier/1``)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from importlib import resources
from typing import Any

from storyline.model import DuplicateGroup, InputFailure, MetaValue

__all__ = ["SCHEMA_ID", "article_record", "dossier_schema", "make_dossier", "write_dossier"]

SCHEMA_ID = "storyline.dossier/1"
_PUBLISHED_SOURCES = {"header", "dateline", "html", "jsonl", "inferred"}


def _value(meta: Mapping[str, MetaValue], key: str) -> str | None:
    v = meta.get(key)
    return v.value if v is not None else None


def article_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """One article in contract form, with provenance of every metadata value under ``meta``."""
    meta: Mapping[str, MetaValue] = row["meta"]
    published = meta.get("published")
    source = published.source if published is not None else None
    if source is not None and source not in _PUBLISHED_SOURCES:
        source = "inferred"
    return {
        "id": row["id"],
        "source": row["source"],
        "outlet": _value(meta, "outlet"),
        "title": _value(meta, "title"),
        "byline": _value(meta, "byline"),
        "published": published.value if published is not None else None,
        "published_source": source,
        "url": _value(meta, "url"),
        "text": row["text"],
        "removed": [
            {
                "text": r["text"],
                "reason": r["reason"],
                "start": r["start"],
                "end": r["end"],
                "method": r["method"],
                "confidence": r["confidence"],
            }
            for r in row["removed"]
        ],
        "duplicate_of": row["duplicate_of"],
        "meta": {k: asdict(v) for k, v in meta.items()},
        "ingest_notes": list(row.get("notes", [])),
    }


def make_dossier(
    articles: Iterable[Mapping[str, Any]],
    duplicates: Iterable[DuplicateGroup],
    errors: Iterable[InputFailure],
    **layers: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "articles": [article_record(a) for a in articles],
        "entities": layers.get("entities", []),
        "quotes": layers.get("quotes", []),
        "timeline": layers.get("timeline", []),
        "quote_groups": layers.get("quote_groups", []),
        "duplicates": [
            {
                "article_ids": list(g.article_ids),
                "kind": g.kind,
                "similarity": g.similarity,
                "canonical": g.canonical,
            }
            for g in duplicates
        ],
        "errors": [{"source": e.source, "error": e.error} for e in errors],
    }


def write_dossier(dossier: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    tmp = f"{os.fspath(path)}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(dossier, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    os.replace(tmp, path)


def dossier_schema() -> dict[str, Any]:
    """The JSON Schema of ``dossier.json`` shipped with the package."""
    text = resources.files("storyline.output").joinpath("dossier.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
