"""``storyline serve``: the web application over a store (FastAPI, server-rendered Jinja2 pages,
a JSON API under ``/api/``). :func:`storyline.serve.app.create_app` builds it."""

from __future__ import annotations

__all__ = ["ServeSettings", "create_app"]

from storyline.serve.app import create_app
from storyline.serve.settings import ServeSettings
