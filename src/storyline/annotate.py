"""`storyline annotate`: the analysis layers for single texts, as they are (no cleaning), with
character offsets (Unicode code points) into the exact text read.

Inputs are found and read exactly as `storyline build` reads them (`discover_inputs`,
`read_file`): the same formats, the same handling of odd bytes, file names and bad records. Every
output line is valid UTF-8 JSON; an input that cannot be used is named on stderr and the others
go on."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from storyline.ingest.decode import valid_unicode
from storyline.ingest.discover import InputFile, discover_inputs
from storyline.ingest.readers import read_file
from storyline.model import InputFailure

__all__ = ["annotate_schema", "annotate_text", "iter_inputs", "mention_records", "run"]


def iter_inputs(
    inputs: Sequence[str], default_published: str | None
) -> Iterator[dict[str, Any] | InputFailure]:
    """(id, text, published) records in input order, one per article the build would read from
    the same inputs (a .txt or .html file, a JSONL line, a WARC record; folders walked), and an
    :class:`InputFailure` for every input or record that cannot be used. A reader's warning
    about an article it kept (damaged bytes replaced, an unreadable date) is a failure too, after
    the article, so that it reaches stderr."""
    for item in discover_inputs(inputs):
        if isinstance(item, InputFailure):
            yield item
            continue
        yield from _records(item, default_published)


def _records(
    item: InputFile, default_published: str | None
) -> Iterator[dict[str, Any] | InputFailure]:
    for doc in read_file(item):
        if isinstance(doc, InputFailure):
            yield doc
            continue
        published = doc.meta.get("published")
        yield {
            "id": doc.id,
            "text": doc.text,
            "published": published.value if published is not None else default_published,
        }
        for note in doc.notes:
            if note.startswith("warning: "):
                yield InputFailure(doc.source, note.removeprefix("warning: "))


def annotate_text(
    text: str, published: str | None = None, nlp: Any = None
) -> dict[str, list[dict[str, Any]]]:
    """Quotes, mentions and time expressions of one text, offsets into ``text``: the same
    records the build stores as layers."""
    from storyline.analyse.entities.resolve import article_entities
    from storyline.analyse.lang.nlp import WHOLE_CHARS, parse_text
    from storyline.analyse.layers import quote_records, timex_records

    # A long text is parsed in pieces, as the build parses it (spaCy refuses over 1M chars).
    doc = nlp(text) if nlp is not None and len(text) <= WHOLE_CHARS else parse_text(text)
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
    """Annotate every input, one JSON object a line; errors go to stderr. Returns the exit code:
    0 when at least one text was annotated."""
    nlp = None
    done = 0
    for item in iter_inputs(inputs, published):
        if isinstance(item, InputFailure):
            _error(item.source, item.error)
            continue
        if nlp is None:
            from storyline.analyse.lang.nlp import load_nlp

            nlp = load_nlp()
        try:
            layers = annotate_text(item["text"], item["published"], nlp)
        except Exception as exc:  # one text's analysis, never the others'
            from storyline.faults import describe

            _error(item["id"], f"could not be annotated ({describe(exc)})")
            continue
        out.write(_json_line({**item, **layers}))
        done += 1
    return 0 if done else 1


def _json_line(record: dict[str, Any]) -> str:
    line = json.dumps(record, ensure_ascii=False)
    # The readers hand on valid Unicode; this keeps the promise of UTF-8 output whatever a
    # layer adds.
    line, _ = valid_unicode(line)
    return line + "\n"


def _error(source: str, message: str) -> None:
    text, _ = valid_unicode(f"storyline: error: {source}: {message}")
    print(text, file=sys.stderr)
