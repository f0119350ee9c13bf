"""The web application's settings: one frozen record, made once by the command line (or a
test) and handed to :func:`storyline.serve.app.create_app`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from storyline.errors import StorylineError

__all__ = ["ServeSettings", "read_token"]

_MIN_TOKEN = 16
"""A token shorter than this is guessable: refused at start-up."""


@dataclass(frozen=True, slots=True)
class ServeSettings:
    store: Path | str
    """The store the pages read: a SQLite file, or a ``postgresql://`` URL."""
    token: str | None = None
    """The write token (``--token-file``); None serves read-only."""
    inputs_dir: Path | None = None
    """Where uploaded and fetched articles are kept (default: ``added/`` beside the store);
    every background build reads it with the last build's inputs."""
    host: str = "127.0.0.1"
    port: int = 8000
    page_size: int = 25
    max_page_size: int = 500
    max_upload_bytes: int = 50 * 2**20
    """One upload request, all files together."""
    max_file_bytes: int = 20 * 2**20
    """One file (or one file inside a zip)."""
    max_unzipped_bytes: int = 200 * 2**20
    """Everything a zip holds once unpacked (a zip bomb stops here)."""
    max_zip_members: int = 5000
    max_zip_ratio: int = 200
    """A member that unpacks to more than this many times its compressed size is refused."""
    fetch_timeout_s: int = 15
    fetch_max_bytes: int = 10 * 2**20
    fetch_private: bool = False
    """Fetch URLs on private networks (10/8, 172.16/12, 192.168/16, link-local) too; loopback is
    always allowed (the server binds to it by default)."""
    run_jobs: bool = True
    """Run background builds (tests of the pages alone turn it off)."""
    job_python: str | None = None
    """The Python that runs a background build (default: this one)."""

    @property
    def added_dir(self) -> Path:
        if self.inputs_dir is not None:
            return self.inputs_dir
        if isinstance(self.store, Path):
            return self.store.parent / "added"
        return Path("storyline-added").absolute()  # a database has no folder beside it


def read_token(path: str | os.PathLike[str]) -> str:
    """The write token from ``path``: its first line, stripped; a clear error when the file is
    missing, empty or the token too short."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StorylineError(f"{p}: token file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StorylineError(f"{p}: cannot read the token file: {exc}") from exc
    lines = text.strip().splitlines()
    token = lines[0].strip() if lines else ""
    if len(token) < _MIN_TOKEN:
        raise StorylineError(
            f"{p}: the token must be at least {_MIN_TOKEN} characters on the first line "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))' > FILE)"
        )
    return token
