"""storyline: turn a pile of news coverage into a sourced story."""

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
    Article,
    BuildReport,
    CleanText,
    DuplicateGroup,
    InputFailure,
    MetaValue,
    RawDocument,
    Removal,
    Story,
)
from storyline.settings import DEFAULT, Settings

__version__ = "0.1.0"

__all__ = [
    "DEFAULT",
    "Article",
    "BuildReport",
    "CleanText",
    "DecodeError",
    "DuplicateGroup",
    "InputError",
    "InputFailure",
    "MetaValue",
    "OutputError",
    "ParseError",
    "RawDocument",
    "Removal",
    "Settings",
    "StoreError",
    "Story",
    "StorylineError",
    "TimeBudgetExceeded",
    "UnsupportedFormatError",
    "__version__",
]
