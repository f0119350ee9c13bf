"""Load a report in Chromium and see whether any payload ran (optional: needs playwright and
a Chromium; without them the HTML-parser check in ``harness`` is the only one)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

__all__ = ["Browser"]

_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class Browser:
    """One Chromium for the whole run, driven from the thread that created it."""

    def __init__(self) -> None:
        self.why_not: str | None = None
        self._pw: Any = None
        self._browser: Any = None
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            self.why_not = "playwright is not installed"
            return
        exe = next((c for c in _CANDIDATES if os.path.exists(c)), None) or shutil.which("chromium")
        try:
            self._pw = sync_playwright().start()
            kw: dict[str, Any] = {"args": ["--no-sandbox"]}
            if exe:
                kw["executable_path"] = exe
            self._browser = self._pw.chromium.launch(**kw)
        except Exception as exc:  # no browser binary, no display libraries, ...
            self.why_not = f"Chromium could not start ({type(exc).__name__}: {str(exc)[:80]})"
            self.close()

    @property
    def available(self) -> bool:
        return self._browser is not None

    def check(self, report: Path) -> str | None:
        """None when nothing ran; else what ran (dialogs, ``window.__pwned``)."""
        if self._browser is None:
            return None
        page = self._browser.new_page()
        fired: list[str] = []

        def on_dialog(dialog: Any) -> None:
            fired.append(f"dialog {dialog.message[:30]!r}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        try:
            page.goto(report.resolve().as_uri(), wait_until="load", timeout=30000)
            page.wait_for_timeout(300)
            pwned = page.evaluate("() => window.__pwned === undefined ? null : window.__pwned")
            frames = [
                f.evaluate("() => window.__pwned === undefined ? null : window.__pwned")
                for f in page.frames[1:]
            ]
        except Exception as exc:
            return f"could not load the report ({type(exc).__name__}: {str(exc)[:80]})"
        finally:
            page.close()
        if pwned is not None:
            fired.append(f"window.__pwned={pwned}")
        fired += [f"frame __pwned={v}" for v in frames if v is not None]
        return "; ".join(fired) or None

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._pw is not None:
            self._pw.stop()
            self._pw = None
