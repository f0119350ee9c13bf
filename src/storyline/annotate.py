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
    """Quotes, mentions and time expressions of one text, offsets into ``text``: the build's
    components make the layers (`storyline.analyse.layers.analyse_doc`) and the build's corpus
    assembly reads them (`storyline.link.corpus.assemble`, over this one text), so a quote's
    speaker is reconciled with the entity layer exactly as in ``dossier.json``."""
    from storyline.analyse.lang.nlp import WHOLE_CHARS, parse_text
    from storyline.analyse.layers import AnalysisContext, analyse_doc
    from storyline.link.corpus import assemble

    # A long text is parsed in pieces, as the build parses it (spaCy refuses over 1M chars).
    doc = nlp(text) if nlp is not None and len(text) <= WHOLE_CHARS else parse_text(text)
    layers = analyse_doc(doc, AnalysisContext(published))
    sections = assemble(_OneText(published, layers), 0)  # type: ignore[arg-type]
    quotes = [
        {"id": f"q{n}", **{k: v for k, v in q.items() if k not in ("id", "article_id")}}
        for n, q in enumerate(sections["quotes"], start=1)
    ]
    return {
        "quotes": quotes,
        "mentions": mention_records(layers.get("entities")),
        "timexes": layers["timexes"],
    }


_TEXT_ID = "text"


class _OneText:
    """The two reads corpus assembly makes of a store (the articles, then their layers),
    answered for one text and its layers."""

    def __init__(self, published: str | None, layers: dict[str, Any]) -> None:
        from storyline.store.rows import ArticleBrief

        self._brief = ArticleBrief(_TEXT_ID, published, False, None, None)
        self._layers = layers

    def briefs(self, build: int) -> list[Any]:
        return [self._brief]

    def layers_of(self, ids: Sequence[str], name: str) -> dict[str, Any]:
        value = self._layers.get(name)
        return {_TEXT_ID: value} if value is not None and _TEXT_ID in ids else {}


def mention_records(entities_layer: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The entity layer's mentions (names, titles, role nouns, pronouns) with the canonical name
    of the entity each belongs to in this text; a role noun no one in the text holds ("the
    chairman") has no entity."""
    if entities_layer is None:
        return []
    from storyline.analyse.entities.resolve import ArticleEntities

    ents = ArticleEntities.from_json(entities_layer)
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
