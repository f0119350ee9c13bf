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

__all__ = ["annotate_text", "iter_inputs", "run"]

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
    from storyline.analyse.layers import quote_records, timex_records
    from storyline.analyse.nlp import load_nlp
    from storyline.analyse.quote_speakers import build_index, mention_name

    nlp = nlp or load_nlp()
    doc = nlp(text)
    quotes = [
        {"id": f"q{n}", **q, "speaker_entity_id": None}
        for n, q in enumerate(quote_records(doc), start=1)
    ]
    index = build_index(doc, [False] * len(doc))
    mentions = [
        {
            "start": ent.start_char,
            "end": ent.end_char,
            "text": ent.text,
            "label": ent.label_,
            "entity": (
                mention_name(index, ent.start, ent.end) if ent.label_ in ("PERSON", "ORG") else None
            ),
        }
        for ent in doc.ents
    ]
    return {"quotes": quotes, "mentions": mentions, "timexes": timex_records(text, published)}


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
