"""storyline: turn a pile of news coverage into sourced stories.

The public API is what ``__all__`` names: :func:`build` (the whole pipeline), :func:`open_store`
(a store by path or URL, behind :class:`storyline.store.base.Store`), :func:`make_runner`, the
frozen result types, :class:`Settings`, and one exception tree under :class:`StorylineError`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from storyline.errors import (
    DecodeError,
    InputError,
    OutputError,
    ParseError,
    StoreError,
    StorylineError,
    TimeBudgetExceeded,
    UnsupportedFormatError,
)
from storyline.model import (
    BuildReport,
    CleanText,
    Corpus,
    DuplicateGroup,
    Entity,
    Evidence,
    InputFailure,
    Mention,
    MetaValue,
    PublishedDate,
    Quote,
    QuoteGroup,
    RawDocument,
    Removal,
    Role,
    Story,
    TimelineEntry,
)
from storyline.settings import DEFAULT, Settings

if TYPE_CHECKING:
    from storyline.pipeline import build
    from storyline.runners import Runner, make_runner
    from storyline.store import open_store

_LAZY = {
    "build": "storyline.pipeline",
    "Runner": "storyline.runners",
    "make_runner": "storyline.runners",
    "open_store": "storyline.store",
}
"""Names whose modules load the store, numpy and the stages: imported on first use, so that
``import storyline`` (and every worker process, every CLI call) stays light."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'storyline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "DEFAULT",
    "BuildReport",
    "CleanText",
    "Corpus",
    "DecodeError",
    "DuplicateGroup",
    "Entity",
    "Evidence",
    "InputError",
    "InputFailure",
    "Mention",
    "MetaValue",
    "OutputError",
    "ParseError",
    "PublishedDate",
    "Quote",
    "QuoteGroup",
    "RawDocument",
    "Removal",
    "Role",
    "Runner",
    "Settings",
    "StoreError",
    "Story",
    "StorylineError",
    "TimeBudgetExceeded",
    "TimelineEntry",
    "UnsupportedFormatError",
    "__version__",
    "build",
    "make_runner",
    "open_store",
]
