"""`dossier.json`: the contract outside tools rely on (schema ``storyline.dossier/1``)."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict
from importlib import resources
from typing import TYPE_CHECKING, Any

from storyline.model import DuplicateGroup, InputFailure, Mention, MetaValue
from storyline.store.rows import ArticleRow, removal_records

if TYPE_CHECKING:
    from storyline.store.base import Store

__all__ = [
    "SCHEMA_ID",
    "article_mentions",
    "article_record",
    "dossier_from_store",
    "dossier_json",
    "dossier_schema",
    "error_record",
    "make_dossier",
    "write_dossier",
]

SCHEMA_ID = "storyline.dossier/1"
_PUBLISHED_SOURCES = {"header", "dateline", "html", "jsonl", "inferred"}


def _value(meta: Mapping[str, MetaValue], key: str) -> str | None:
    v = meta.get(key)
    return v.value if v is not None else None


def article_record(row: Mapping[str, Any] | ArticleRow) -> dict[str, Any]:
    """One article in contract form, with provenance of every metadata value under ``meta``
    (from a stored :class:`ArticleRow`, or the older dict form)."""
    if isinstance(row, ArticleRow):
        row = {
            "id": row.id,
            "source": row.source,
            "meta": row.meta,
            "text": row.text,
            "removed": removal_records(row.removed),
            "duplicate_of": row.duplicate_of,
            "notes": row.notes,
        }
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


# The entity layer's mention kinds in the dossier's three: a capitalised office ("the Prime
# Minister"), a role noun ("the former president") and a description ("the company") are all
# nominal mentions.
_MENTION_KINDS = {"name": "name", "pronoun": "pronoun"}


def article_mentions(
    text: str, mentions: Iterable[Mention], entity_ids: Collection[str]
) -> list[dict[str, Any]]:
    """An article's entity mentions in dossier form: those of the dossier's entities whose
    offsets still index ``text`` (a mention stored for another version of the text is
    dropped, not shown at the wrong words), in text order."""
    out = []
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        if m.entity_id is None or m.entity_id not in entity_ids:
            continue
        if not (0 <= m.start < m.end <= len(text)) or text[m.start : m.end] != m.text:
            continue
        out.append(
            {
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "entity_id": m.entity_id,
                "kind": _MENTION_KINDS.get(m.kind, "nominal"),
                "confidence": m.confidence,
            }
        )
    return out


def error_record(e: InputFailure) -> dict[str, Any]:
    """One entry of the dossier's ``errors``."""
    return {
        "source": e.source,
        "error": e.error,
        "article_id": e.article_id,
        "stage": e.stage,
        "component": e.component,
    }


def make_dossier(
    articles: Iterable[Mapping[str, Any] | ArticleRow],
    duplicates: Iterable[DuplicateGroup],
    errors: Iterable[InputFailure],
    mentions: Iterable[Mention] | None = None,
    **layers: list[dict[str, Any]],
) -> dict[str, Any]:
    """The dossier. With ``mentions`` (the corpus's resolved entity mentions) each article
    carries its own, as :func:`article_mentions` gives them."""
    records = [article_record(a) for a in articles]
    entities = layers.get("entities", [])
    if mentions is not None:
        known = {str(e["id"]) for e in entities}
        by_article: dict[str, list[Mention]] = {}
        for m in mentions:
            by_article.setdefault(m.article_id, []).append(m)
        for r in records:
            r["mentions"] = article_mentions(r["text"], by_article.get(r["id"], []), known)
    return {
        "schema": SCHEMA_ID,
        "articles": records,
        "entities": entities,
        "quotes": layers.get("quotes", []),
        "timeline": layers.get("timeline", []),
        "quote_groups": layers.get("quote_groups", []),
        "stories": layers.get("stories", []),
        "duplicates": [
            {
                "article_ids": list(g.article_ids),
                "kind": g.kind,
                "similarity": g.similarity,
                "canonical": g.canonical,
            }
            for g in duplicates
        ],
        "errors": [error_record(e) for e in errors],
    }


def dossier_from_store(
    store: Store,
    build: int,
    duplicates: Iterable[DuplicateGroup] | None = None,
    errors: list[InputFailure] | None = None,
) -> dict[str, Any]:
    """The dossier of ``build`` read from the store alone: its articles, duplicate groups (as
    the link stage stored them; ``duplicates`` overrides), errors and corpus results. A build
    that stored no corpus (it was not analysed) has empty corpus sections. A corpus stored
    without its stories section gets one made from the stored stories, as the pipeline
    makes it; if that fails, the section is empty and the failure goes into the dossier's
    errors and into ``errors`` (when given; otherwise it is raised)."""
    groups = list(duplicates) if duplicates is not None else store.duplicate_groups(build)
    if groups is None:
        # Stored by a build that kept no groups: made again from the links (the dates of
        # inferred-date articles may order a group differently than the link stage did).
        from storyline.link.duplicates import group_edges

        edges = store.current_edges(build)
        groups = group_edges(edges, store.published_of({i for e in edges for i in (e.a, e.b)}))
    sections: dict[str, list[dict[str, Any]]] = {}
    failed: list[InputFailure] = []
    mentions: tuple[Mention, ...] | None = None
    if store.has_corpus(build):
        corpus = store.corpus(build)
        sections = corpus.to_sections()
        mentions = corpus.mentions
        if "stories" not in sections:
            from storyline.faults import failure
            from storyline.link.story_sections import story_section

            briefs = [b.to_record() for b in store.briefs(build)]
            try:
                sections["stories"] = story_section(store.stories(build), briefs, sections)
            except Exception as exc:  # fault isolation: this section only
                if errors is None:
                    raise
                failed.append(failure(exc, source="stories", stage="corpus", component="stories"))
                errors.extend(failed)
                sections["stories"] = []
    return make_dossier(
        store.article_rows(build),
        groups,
        [*store.errors(build), *failed],
        mentions,
        **sections,
    )


# Lone surrogates (undecodable file-name bytes, a broken "\\ud800" escape in a JSONL record) have
# no UTF-8 form: each becomes U+FFFD, one code point for one, so offsets into the text still hold.
# U+2028/U+2029 are legal in JSON strings but end a line in older JavaScript: escaped, so the
# dossier can be pasted into a <script> as it is. Serialised JSON holds either only inside strings.
_JSON_UNSAFE_RE = re.compile("[\ud800-\udfff\u2028\u2029]")
_JSON_ESCAPES = {"\u2028": "\\u2028", "\u2029": "\\u2029"}


def dossier_json(dossier: Mapping[str, Any]) -> str:
    """The dossier as written to ``dossier.json``: strict JSON (no NaN or Infinity) that always
    encodes to valid UTF-8, one top-level key a line and one item of each list a line."""
    try:
        text = _layout(dossier)
    except ValueError:
        # A NaN or infinite score, or an integer too long to print, is no value: null.
        text = _layout(_strict(dossier))
    return _JSON_UNSAFE_RE.sub(lambda m: _JSON_ESCAPES.get(m.group(), "\ufffd"), text) + "\n"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _layout(dossier: Mapping[str, Any]) -> str:
    # json.dumps with an indent runs the pure-Python encoder: it was most of the outputs stage
    # (4 s of 7 on 40 articles). Each article, quote or entity is encoded by the C encoder on
    # its own line instead, which still reads and diffs well.
    if not isinstance(dossier, Mapping):
        return _dumps(dossier)
    lines = ["{"]
    last = len(dossier) - 1
    for n, (key, value) in enumerate(dossier.items()):
        comma = "," if n < last else ""
        name = _dumps(str(key))
        if isinstance(value, list | tuple) and value:
            lines.append(f" {name}: [")
            lines.append(",\n".join(f"  {_dumps(item)}" for item in value))
            lines.append(f" ]{comma}")
        else:
            lines.append(f" {name}: {_dumps(value)}{comma}")
    lines.append("}")
    return "\n".join(lines)


def _strict(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value.bit_length() < 14_000 else None  # str() refuses past 4,300 digits
    if isinstance(value, Mapping):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    return value


def write_dossier(dossier: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write ``dossier.json`` atomically: a reader (or a build killed mid-write) sees the old file
    or the new one, never half of one."""
    target = os.fspath(path)
    content = dossier_json(dossier).encode("utf-8")
    fd, tmp = tempfile.mkstemp(
        prefix=".dossier-", suffix=".json", dir=os.path.dirname(os.path.abspath(target))
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's file is private; a dossier is a document to share
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def dossier_schema() -> dict[str, Any]:
    """The JSON Schema of ``dossier.json`` shipped with the package."""
    text = resources.files("storyline.output").joinpath("dossier.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
