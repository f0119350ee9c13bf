"""What a component knows of an article besides its parse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["AnalysisContext"]


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    published: str | None
    published_inferred: bool = False
    captions: Any = None
    """The parse of the article's photo captions (text cleaning removed from the body), or None."""
    title: str | None = None
    """The article's title (metadata, not part of the clean text)."""
