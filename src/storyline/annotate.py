"""`storyline annotate`: the analysis layers for single texts, as they are (no cleaning), with
character offsets (Unicode code points) into the exact text read."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from storyline.ingest.dates import normalise_date
from storyline.ingest.decode import decode_bytes
from storyline.ingest.discover import discover
from storyline.model import InputFailure

__all__ = ["annotate_schema", "annotate_text", "iter_inputs", "mention_records", "run"]

_HEADER_PREFIX = " date "


def iter_inputs(
    inputs: Sequence[str], default_published: str | None
) -> Iterator[dict[str, Any] | InputFailure]:
    """(id, text, published) records in input order: .txt files (folders walked) or JSONL lines."""
    for item in discover(inputs):
        if isinstance(item, InputFailure):
            yield item
            continue
        path = Path(item)
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            yield from _jsonl(path, default_published)
        elif path.suffix.lower() in (".txt", ".text"):
            try:
                text = decode_bytes(path.read_bytes(), str(path)).text
            except Exception as exc:
                yield InputFailure(str(path), str(getattr(exc, "message", exc)))
                continue
            published = default_published
            if text.startswith(_HEADER_PREFIX):
                published = (
                    normalise_date(text[len(_HEADER_PREFIX) : len(_HEADER_PREFIX) + 10])
                    or published
                )
            yield {"id": path.stem, "text": text, "published": published}
        else:
            yield InputFailure(str(path), "annotate reads .txt files, folders and .jsonl")


def _jsonl(path: Path, default_published: str | None) -> Iterator[dict[str, Any] | InputFailure]:
    with open(path, encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputFailure(f"{path}:{n}", f"invalid JSON: {exc}")
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                yield InputFailure(f"{path}:{n}", 'expected an object with a "text" string')
                continue
            yield {
                "id": str(rec.get("id", f"{path.stem}-{n}")),
                "text": rec["text"],
                "published": normalise_date(rec.get("published")) or default_published,
            }


def annotate_text(
    text: str, published: str | None = None, nlp: Any = None
) -> dict[str, list[dict[str, Any]]]:
    """Quotes, mentions and time expressions of one text, offsets into ``text``: the same
    records the build stores as layers."""
    from storyline.analyse.entities import article_entities
    from storyline.analyse.layers import quote_records, timex_records
    from storyline.analyse.nlp import load_nlp

    nlp = nlp or load_nlp()
    doc = nlp(text)
    ents = article_entities(doc)
    quotes = [
        {"id": f"q{n}", **q, "speaker": _speaker(q, ents), "speaker_entity_id": None}
        for n, q in enumerate(quote_records(doc), start=1)
    ]
    return {"quotes": quotes, "mentions": mention_records(ents), "timexes":
            timex_records(text, published)}  # fmt: skip


def _speaker(quote: dict[str, Any], ents: Any) -> str | None:
    """The quote's speaker under the entity layer's canonical name when the two resolvers agree
    on who it is ("the Prime Minister" -> "Keir Starmer"); the quote layer's own name otherwise,
    as in the build."""
    from storyline.link.corpus import same_person, speaker_is_group

    span, name = quote["speaker_span"], quote["speaker"]
    if span is None or speaker_is_group(span["text"]):
        return name  # type: ignore[no-any-return]
    cid = ents.cluster_at(span["start"], span["end"])
    cluster = next((c for c in ents.clusters if c.id == cid), None)
    if cluster is None or cluster.type not in ("PERSON", "ORG"):
        return name  # type: ignore[no-any-return]
    unresolved = any(m.cluster == cid and m.method == "unresolved" for m in ents.mentions)
    entity = {"name": cluster.name, "aliases": cluster.aliases}
    if not unresolved and (name is None or same_person(name, entity)):
        return str(cluster.name)
    return name  # type: ignore[no-any-return]


def mention_records(ents: Any) -> list[dict[str, Any]]:
    """The entity layer's mentions (names, titles, role nouns, pronouns) with the canonical name
    of the entity each belongs to in this text; a role noun no one in the text holds ("the
    chairman") has no entity."""
    clusters = {c.id: c for c in ents.clusters}
    out = []
    for m in ents.mentions:
        c = clusters[m.cluster]
        out.append(
            {
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "label": c.type,
                "entity": None if m.method == "unresolved" else c.name,
                "kind": m.kind,
                "confidence": m.confidence,
                "method": m.method,
            }
        )
    return out


def annotate_schema() -> dict[str, Any]:
    """The JSON Schema of one output line (``storyline/output/annotate.schema.json``)."""
    from importlib import resources

    text = resources.files("storyline.output").joinpath("annotate.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def run(inputs: Sequence[str], published: str | None, out: TextIO = sys.stdout) -> int:
    """Annotate every input, one JSON object a line; errors go to stderr. Returns the exit code."""
    nlp = None
    done = failed = 0
    for item in iter_inputs(inputs, published):
        if isinstance(item, InputFailure):
            print(f"storyline: error: {item.source}: {item.error}", file=sys.stderr)
            failed += 1
            continue
        if nlp is None:
            from storyline.analyse.nlp import load_nlp

            nlp = load_nlp()
        layers = annotate_text(item["text"], item["published"], nlp)
        out.write(json.dumps({**item, **layers}, ensure_ascii=False) + "\n")
        done += 1
    return 0 if done else 1
