"""Reading a Doc's tokens in bulk: spaCy builds a new Token object on every iteration and index,
which cost more than the rules that read them, so the hot passes read its arrays instead and
make Token objects only for the tokens they keep."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["token_starts", "tokens_where"]


def token_starts(doc: Doc) -> list[int]:
    """Each token's character offset (``token.idx``), in order."""
    from spacy.attrs import IDX

    return doc.to_array(IDX).tolist() if len(doc) else []


def tokens_where(doc: Doc, attr: str, test: Callable[[str], bool]) -> list[int]:
    """Indices, in order, of the tokens whose ``attr`` string (``"ORTH"``: the text, ``"LEMMA"``)
    passes ``test``; each distinct string is tested once."""
    import numpy
    from spacy import attrs

    if not len(doc):
        return []
    ids = doc.to_array(getattr(attrs, attr))
    strings = doc.vocab.strings
    wanted = [u for u in numpy.unique(ids).tolist() if test(strings[u])]
    return numpy.flatnonzero(numpy.isin(ids, wanted)).tolist()
