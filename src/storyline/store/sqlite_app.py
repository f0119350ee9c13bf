"""What the web application keeps in the store beside the build's results: search indexes,
entity corrections, saved searches and build progress (SQLite backend).

Its schema changes are migrations like the build's: :data:`MIGRATIONS` is merged into the
store's own table of migrations (this module owns version 5 and later odd-numbered ones)."""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

MIGRATIONS: dict[int, str] = {}
