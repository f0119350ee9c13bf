"""Who may write, and how forms are kept safe from other sites.

- One write token (``--token-file``). An API client sends ``Authorization: Bearer <token>``; a
  browser logs in once with it and gets a session cookie (HttpOnly, SameSite=Strict) signed with
  a key derived from the token. Every comparison is constant-time (``hmac.compare_digest``).
- Forms carry a CSRF token derived from the session (``csrf`` field); a POST from a browser
  session without the right one, or from another origin, is refused.
- Responses carry a strict Content-Security-Policy: scripts and styles only from this server's
  ``/static/``, no inline script, no plugins, no framing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

__all__ = ["CSP", "SESSION_COOKIE", "Auth", "Identity"]

SESSION_COOKIE = "storyline_session"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_NAME_MAX = 60


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is asking: ``name`` (shown on corrections), whether they may write, and the CSRF
    token their forms must carry (None for a bearer-token client, which needs none)."""

    name: str
    can_write: bool
    csrf: str | None
    via: str
    """``anonymous``, ``session`` or ``bearer``."""


ANONYMOUS = Identity("anonymous", False, None, "anonymous")


class Auth:
    def __init__(self, token: str | None) -> None:
        self.token = token
        seed = (token or secrets.token_hex(32)).encode("utf-8")
        self._key = hashlib.sha256(b"storyline-serve-session|" + seed).digest()

    @property
    def enabled(self) -> bool:
        return self.token is not None

    def check_token(self, candidate: str) -> bool:
        if self.token is None:
            return False
        return hmac.compare_digest(candidate.encode("utf-8"), self.token.encode("utf-8"))

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode("utf-8"), hashlib.sha256).hexdigest()

    def new_session(self, name: str) -> str:
        clean = " ".join(name.split())[:_NAME_MAX] or "editor"
        encoded = base64.urlsafe_b64encode(clean.encode("utf-8")).decode("ascii")
        payload = f"{encoded}.{secrets.token_hex(8)}"
        return f"{payload}.{self._sign(payload)}"

    def session_name(self, cookie: str | None) -> str | None:
        if not cookie or self.token is None or cookie.count(".") != 2:
            return None
        payload, _, mac = cookie.rpartition(".")
        if not hmac.compare_digest(mac.encode("ascii", "replace"), self._sign(payload).encode()):
            return None
        try:
            return base64.urlsafe_b64decode(payload.split(".")[0]).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None

    def csrf_for(self, cookie: str) -> str:
        return self._sign("csrf|" + cookie)[:40]

    def check_csrf(self, cookie: str, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode("utf-8"), self.csrf_for(cookie).encode())

    def identify(self, authorization: str | None, cookie: str | None) -> Identity:
        if self.token is None:
            return ANONYMOUS
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() == "bearer" and self.check_token(value.strip()):
                return Identity("token", True, None, "bearer")
        name = self.session_name(cookie)
        if name is not None and cookie is not None:
            return Identity(name, True, self.csrf_for(cookie), "session")
        return ANONYMOUS
