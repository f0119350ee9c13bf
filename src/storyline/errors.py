"""The one exception hierarchy of storyline.

Every error the library raises on purpose derives from :class:`StorylineError`, so a caller can
catch one class. Input problems carry the source they concern, because a batch build reports
them per file and carries on.
"""

from __future__ import annotations

__all__ = [
    "DecodeError",
    "InputError",
    "OutputError",
    "ParseError",
    "StoreError",
    "StorylineError",
    "TimeBudgetExceeded",
    "UnsupportedFormatError",
]


class StorylineError(Exception):
    """Base class of every error storyline raises."""


class InputError(StorylineError):
    """An input could not be used. ``source`` names the file (or file#record) at fault."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class UnsupportedFormatError(InputError):
    """The file's extension is not a format storyline reads."""


class DecodeError(InputError):
    """The bytes are not text: binary data, an undetectable encoding, or an empty file."""


class ParseError(InputError):
    """The text could not be parsed in its format: a broken JSONL line, a truncated WARC."""


class StoreError(StorylineError):
    """The store is unusable: an unknown location scheme, a newer schema, a corrupt or
    unwritable file, another build holding it."""


class OutputError(StorylineError):
    """An output (the ``--out`` folder, ``dossier.json``, ``report.html``) cannot be written:
    read-only, full, or not a folder."""


class TimeBudgetExceeded(StorylineError):
    """A component ran past the time it is given for one article (the build stops it and the
    article goes on without that component's layer)."""
