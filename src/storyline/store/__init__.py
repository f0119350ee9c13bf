"""The store: raw input, clean text, metadata, every layer and each build's corpus results.

What a store offers is :mod:`storyline.store.base` (protocols), what it returns
:mod:`storyline.store.rows` and :mod:`storyline.model`; :func:`open_store` picks the backend
(a SQLite file, or a PostgreSQL database)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from storyline.errors import StoreError
from storyline.store.sqlite import SCHEMA_VERSION, Store

__all__ = ["SCHEMA_VERSION", "Store", "is_server_store", "open_store", "store_path"]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", re.DOTALL)


def store_path(location: str | os.PathLike[str]) -> Path:
    """The file a store location names: a path, or ``sqlite:///path``. Any other scheme is a
    clear error, never a folder named after it (``postgresql:``)."""
    text = os.fspath(location)
    m = _SCHEME.match(text)
    if m is None:
        if not text.strip():
            raise StoreError("the store location is empty")
        return Path(text)
    scheme, rest = m.group(1).lower(), m.group(2)
    if scheme == "sqlite":
        if not rest:
            raise StoreError(f"{text}: no file after sqlite://")
        return Path(rest)
    if scheme in ("postgresql", "postgres"):
        from storyline.store.postgres import safe_url

        raise StoreError(f"{safe_url(text)}: a PostgreSQL store is a database, not a file")
    raise StoreError(
        f"{text}: unknown store scheme {scheme!r}; use a file path, sqlite:///path "
        "or postgresql://user@host/database"
    )


def is_server_store(location: str | os.PathLike[str]) -> bool:
    """Whether ``location`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    m = _SCHEME.match(os.fspath(location))
    return m is not None and m.group(1).lower() in ("postgresql", "postgres")


def open_store(location: str | os.PathLike[str]) -> Store:
    """The store at ``location``: a file path or ``sqlite:///path`` (SQLite), or
    ``postgresql://user:password@host:port/database`` (PostgreSQL)."""
    if is_server_store(location):
        # Imported here: psycopg is needed only by those who use a server.
        from storyline.store.postgres import PostgresStore

        return PostgresStore(os.fspath(location))  # type: ignore[return-value]
    return Store(store_path(location))
