"""A real, throwaway PostgreSQL 15 server for the tests (bench/pgserver.py starts it), one per
test session: stopped and removed when the session ends. No mock of the database anywhere.

Tests that need it take the ``pg_url`` fixture (a fresh empty database each) and are skipped
cleanly when the binaries are missing (``make test`` installs ``postgresql-15`` with apt).
Import the fixtures into a test module (``from pg import pg_server, pg_url``): the server itself
is one per process whichever modules import them.
"""

from __future__ import annotations

import atexit
import itertools
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not installed

from bench.pgserver import PASSWORD, PgServer, available, start

__all__ = ["PASSWORD", "PgServer", "pg_server", "pg_url", "server"]

_server: PgServer | None = None
_names = itertools.count()


def server() -> PgServer:
    """The process's one test server, started on first use and stopped at exit."""
    global _server
    if _server is None:
        _server = start()
        atexit.register(_stop)
    return _server


def _stop() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    reason = available()
    if reason is not None:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    yield server()
    # Every importing module has its own copy of this fixture: the first one to end stops the
    # server only at the end of the session, when all of them end.
    _stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """The URL of a fresh, empty database on the test server."""
    return pg_server.create_database(
        f"t{os.getpid()}_{next(_names)}_{int(time.time() * 1000) % 10**6}"
    )
