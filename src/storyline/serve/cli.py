"""``storyline serve``: checks its arguments, then runs the application under uvicorn."""

from __future__ import annotations

import sys
from pathlib import Path

from storyline.errors import StorylineError
from storyline.serve.settings import ServeSettings, read_token

__all__ = ["serve"]


def serve(
    store: str,
    host: str,
    port: int,
    token_file: str | None,
    fetch_private: bool,
    inputs_dir: str | None = None,
) -> int:
    import uvicorn

    from storyline.serve.app import create_app
    from storyline.store import is_server_store, open_store, store_path

    path: Path | str
    if is_server_store(store):
        open_store(store).close()  # a clear error now (refused, bad password), not per request
        path = store
    else:
        path = store_path(store)
        if not path.is_file():
            raise StorylineError(
                f"{store}: no store here (build one with storyline build, or make serve)"
            )
    if not 0 < port < 65536:
        raise StorylineError(f"--port {port}: must be between 1 and 65535")
    token = read_token(token_file) if token_file else None
    settings = ServeSettings(
        store=path,
        token=token,
        host=host,
        port=port,
        fetch_private=fetch_private,
        inputs_dir=Path(inputs_dir).absolute() if inputs_dir else None,
    )
    app = create_app(settings)
    mode = "read-write (token required)" if token else "read-only (no --token-file)"
    shown = path
    if isinstance(path, str):
        from storyline.store.postgres import safe_url

        shown = safe_url(path)
    print(f"storyline: serving {shown} on http://{host}:{port}/ — {mode}", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    return 0
