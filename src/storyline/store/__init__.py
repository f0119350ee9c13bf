"""The store: raw input, clean text, metadata and every layer, in one SQLite file."""

from storyline.store.sqlite import SCHEMA_VERSION, Store

__all__ = ["SCHEMA_VERSION", "Store"]
