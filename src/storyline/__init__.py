"""storyline: turn a pile of news coverage into sourced stories.

The public API is what ``__all__`` names: :func:`build` (the whole pipeline), :func:`open_store`
(a store by path or URL, behind :class:`storyline.store.base.Store`), :func:`make_runner`, the
frozen result types, :class:`Settings`, and one exception tree under :class:`StorylineError`.
"""

from __future__ import annotations

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
from storyline.pipeline import build
from storyline.runners import Runner, make_runner
from storyline.settings import DEFAULT, Settings
from storyline.store import open_store

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
