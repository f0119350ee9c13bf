"""A throwaway PostgreSQL 15 server, for the tests (tests/pg.py) and the store benchmark
(bench/store_scale.py): Debian's ``initdb`` into a temporary folder, ``pg_ctl start`` on
127.0.0.1 and a free port, ``stop()`` removes it all.

initdb refuses to run as root, so under root the server runs as the ``postgres`` user through
``runuser`` (the folder is chown-ed to it); as any other user it runs as that user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("STORYLINE_PG_BIN", "/usr/lib/postgresql/15/bin"))
"""Where Debian puts the PostgreSQL 15 server binaries."""

PASSWORD = "storyline-test-pw"
"""The superuser's password (TCP connections authenticate with SCRAM, so a wrong one fails)."""

# Tests need speed, not durability: a crashed test server is thrown away anyway.
_FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


@dataclass(frozen=True)
class PgServer:
    """A running throwaway server."""

    folder: Path
    port: int
    run_as: str | None

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str, password: str = PASSWORD) -> str:
        return f"postgresql://postgres:{password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def kill(self) -> None:
        """Stop the server at once, as a crash would (its folder stays until :meth:`stop`)."""
        _run(
            self.run_as,
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            timeout=60,
        )

    def stop(self) -> None:
        # Immediate: nothing in a test server is worth a clean shutdown checkpoint.
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            _run(
                self.run_as,
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.folder / "data"),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                timeout=60,
            )
        shutil.rmtree(self.folder, ignore_errors=True)


def available() -> str | None:
    """Why a server cannot be started here, or None when it can."""
    for tool in ("initdb", "pg_ctl"):
        if not os.access(PG_BIN / tool, os.X_OK):
            return f"{PG_BIN / tool} is missing (apt-get install postgresql-15)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user for initdb"
        if shutil.which("runuser") is None:
            return "running as root without runuser"
    return None


def _run(run_as: str | None, argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    if run_as is not None:
        argv = ["runuser", "-u", run_as, "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(*, durable: bool = False) -> PgServer:
    """Initialise and start a server in a new temporary folder. ``durable`` keeps PostgreSQL's
    default fsync settings (for measurements); tests run without them."""
    reason = available()
    if reason is not None:
        raise RuntimeError(reason)
    run_as = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
    data = folder / "data"
    pwfile = folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if run_as is not None:
        entry = pwd.getpwnam(run_as)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        os.chown(pwfile, entry.pw_uid, entry.pw_gid)
    os.chmod(pwfile, 0o600)
    try:
        _run(
            run_as,
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--pwfile",
                str(pwfile),
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            timeout=120,
        )
        options = ["-c listen_addresses=127.0.0.1", f"-k {folder}", "-c max_connections=60"]
        if not durable:
            options += [f"-c {o}" for o in _FAST]
        port = _free_port()
        _run(
            run_as,
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "log"),
                "-o",
                " ".join([f"-p {port}", *options]),
                "-w",
                "-t",
                "60",
                "start",
            ],
            timeout=90,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log = folder / "log"
        detail = getattr(exc, "stderr", "") or ""
        if log.exists():
            detail += log.read_text(errors="replace")[-2000:]
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {exc}\n{detail}") from exc
    return PgServer(folder, port, run_as)
