"""Articles added through the web application: uploaded files (one by one, a folder's zip,
JSONL, WARC) and pages fetched by URL. Each is checked and written under the server's
``added/`` folder, where the next background build reads it.

Every check says what is wrong with which file: an unsupported type, a file over the size cap,
a zip member that would land outside its folder (zip-slip), a symlink, a zip bomb. One bad file
is reported and the rest are kept.
"""

from __future__ import annotations

import configparser
import ipaddress
import json
import logging
import re
import socket
import time
import urllib.robotparser
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from storyline.errors import StorylineError
from storyline.serve.settings import ServeSettings

__all__ = ["SUPPORTED", "Accepted", "FetchError", "Intake", "Rejected", "fetch_url", "save_uploads"]

SUPPORTED = (".txt", ".html", ".htm", ".jsonl", ".warc", ".warc.gz")
_ZIP = ".zip"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_USER_AGENT = "storyline"
_CHUNK = 1 << 16


class FetchError(StorylineError):
    """A URL that could not be added: bad URL, refused by robots.txt, timeout, too large."""


@dataclass(frozen=True, slots=True)
class Accepted:
    name: str
    path: str
    bytes: int


@dataclass(frozen=True, slots=True)
class Rejected:
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Intake:
    folder: str | None
    accepted: tuple[Accepted, ...]
    rejected: tuple[Rejected, ...]


def _kind(name: str) -> str | None:
    lower = name.lower()
    for ext in (".warc.gz", *SUPPORTED, _ZIP):
        if lower.endswith(ext):
            return ext
    return None


def safe_name(name: str) -> str:
    """A file name safe to write: the last path component only, odd characters replaced, never
    empty or hidden."""
    base = re.split(r"[\\/]", name)[-1]
    clean = _SAFE_NAME.sub("_", base).strip("._") or "file"
    return clean[-120:]


def _unique(folder: Path, name: str) -> Path:
    target = folder / name
    n = 1
    while target.exists():
        stem, dot, ext = name.partition(".")
        target = folder / f"{stem}-{n}{dot}{ext}"
        n += 1
    return target


def _read_capped(stream: IO[bytes], cap: int) -> bytes | None:
    """Up to ``cap`` bytes of ``stream``; None when it holds more."""
    out = bytearray()
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return bytes(out)
        out += chunk
        if len(out) > cap:
            return None


def _zip_member_path(name: str) -> PurePosixPath | None:
    """The member's relative path, or None when it could escape the folder (absolute, a drive
    letter, ``..``)."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return None
    parts = [p for p in norm.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return PurePosixPath(*[safe_name(p) for p in parts])


def _unzip(
    data: bytes, label: str, folder: Path, settings: ServeSettings, budget: list[int]
) -> tuple[list[Accepted], list[Rejected]]:
    import io

    accepted: list[Accepted] = []
    rejected: list[Rejected] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        return [], [Rejected(label, f"not a readable zip file ({exc})")]
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > settings.max_zip_members:
            return [], [
                Rejected(
                    label,
                    f"holds {len(members)} files; at most {settings.max_zip_members} per zip",
                )
            ]
        root = folder / safe_name(label.removesuffix(".zip").removesuffix(".ZIP"))
        for m in members:
            where = f"{label}:{m.filename}"
            rel = _zip_member_path(m.filename)
            mode = (m.external_attr >> 16) & 0o170000
            if rel is None:
                rejected.append(Rejected(where, "path leaves the zip's folder (refused)"))
                continue
            if mode == 0o120000:
                rejected.append(Rejected(where, "is a symbolic link (refused)"))
                continue
            if _kind(m.filename) in (None, _ZIP):
                rejected.append(Rejected(where, _unsupported(m.filename)))
                continue
            if m.file_size > settings.max_file_bytes:
                rejected.append(Rejected(where, _too_big(m.file_size, settings.max_file_bytes)))
                continue
            if m.compress_size and m.file_size / m.compress_size > settings.max_zip_ratio:
                rejected.append(
                    Rejected(where, "compressed too well to be an article (a zip bomb?)")
                )
                continue
            if m.file_size > budget[0]:
                rejected.append(
                    Rejected(
                        where,
                        f"the zip unpacks to more than {settings.max_unzipped_bytes} bytes; "
                        "the rest is not added",
                    )
                )
                continue
            try:
                with archive.open(m) as stream:
                    # The header's size can lie: the read itself is capped too.
                    content = _read_capped(stream, min(settings.max_file_bytes, budget[0]))
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
                rejected.append(Rejected(where, f"cannot be unpacked ({exc})"))
                continue
            if content is None:
                rejected.append(Rejected(where, "unpacks to more than its declared size"))
                continue
            budget[0] -= len(content)
            target = root.joinpath(*rel.parts)
            if not target.resolve().is_relative_to(folder.resolve()):
                rejected.append(Rejected(where, "path leaves the zip's folder (refused)"))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target = _unique(target.parent, target.name)
            target.write_bytes(content)
            accepted.append(Accepted(where, str(target), len(content)))
    return accepted, rejected


def _unsupported(name: str) -> str:
    return (
        f"unsupported file type ({PurePosixPath(name).suffix or 'no extension'}); "
        f"use {', '.join(SUPPORTED)} or a .zip of them"
    )


def _too_big(size: int, cap: int) -> str:
    return f"is {size:,} bytes; the cap is {cap:,} bytes per file"


def save_uploads(
    files: Iterable[tuple[str, IO[bytes]]], settings: ServeSettings, label: str
) -> Intake:
    """Check and write uploaded ``(name, stream)`` pairs into a new folder under ``added/``."""
    folder = settings.added_dir / f"{time.strftime('%Y%m%dT%H%M%S')}-{safe_name(label)}"
    accepted: list[Accepted] = []
    rejected: list[Rejected] = []
    total = 0
    budget = [settings.max_unzipped_bytes]
    for raw_name, stream in files:
        name = raw_name or "unnamed"
        kind = _kind(name)
        if kind is None:
            rejected.append(Rejected(name, _unsupported(name)))
            continue
        cap = min(settings.max_file_bytes, settings.max_upload_bytes - total)
        if kind == _ZIP:
            cap = min(settings.max_upload_bytes - total, settings.max_upload_bytes)
        data = _read_capped(stream, max(cap, 0))
        if data is None:
            rejected.append(
                Rejected(
                    name,
                    f"is over the cap ({min(settings.max_file_bytes, settings.max_upload_bytes):,} "
                    "bytes per file, "
                    f"{settings.max_upload_bytes:,} per upload)"
                    if kind != _ZIP
                    else f"is over the cap of {settings.max_upload_bytes:,} bytes per upload",
                )
            )
            continue
        if not data:
            rejected.append(Rejected(name, "is empty"))
            continue
        total += len(data)
        folder.mkdir(parents=True, exist_ok=True)
        if kind == _ZIP:
            ok, bad = _unzip(data, safe_name(name), folder, settings, budget)
            accepted.extend(ok)
            rejected.extend(bad)
            if not ok and not bad:
                rejected.append(Rejected(name, "the zip holds no file"))
            continue
        target = _unique(folder, safe_name(name))
        target.write_bytes(data)
        accepted.append(Accepted(name, str(target), len(data)))
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    return Intake(str(folder) if accepted else None, tuple(accepted), tuple(rejected))


# --- fetching ---------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return False
    try:
        return bool(infos) and all(
            ipaddress.ip_address(str(i[4][0]).split("%", 1)[0]).is_loopback for i in infos
        )
    except ValueError:
        return False


def _check_url(url: str, settings: ServeSettings) -> str:
    text = url.strip()
    if not text:
        raise FetchError("no URL given")
    if len(text) > 2000:
        raise FetchError("the URL is over 2,000 characters")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"{text[:200]}: only http:// and https:// URLs can be fetched")
    if not parts.hostname:
        raise FetchError(f"{text[:200]}: the URL names no host")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{parts.hostname}: host not found ({exc})") from None
    for info in infos:
        try:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        except ValueError:
            raise FetchError(f"{parts.hostname}: resolves to an unusable address") from None
        if address.is_loopback:
            continue
        if not settings.fetch_private and (
            address.is_private or address.is_link_local or address.is_reserved
        ):
            raise FetchError(
                f"{parts.hostname}: is on a private network ({address}); "
                "start the server with --fetch-private to allow it"
            )
    return text


def _config(settings: ServeSettings, cap: int, local: bool) -> configparser.ConfigParser:
    from trafilatura.settings import DEFAULT_CONFIG

    config = configparser.ConfigParser()
    config.read_dict({"DEFAULT": dict(DEFAULT_CONFIG["DEFAULT"])})
    config["DEFAULT"]["DOWNLOAD_TIMEOUT"] = str(settings.fetch_timeout_s)
    config["DEFAULT"]["MAX_FILE_SIZE"] = str(cap)
    config["DEFAULT"]["USER_AGENTS"] = _USER_AGENT
    config["DEFAULT"]["MAX_REDIRECTS"] = "3"
    # trafilatura vets every address it connects to (redirects too) and refuses non-public ones:
    # kept on, except for a URL on this machine or when private networks are allowed.
    config["DEFAULT"]["SSRF_PROTECTION"] = "false" if local or settings.fetch_private else "true"
    return config


class _Catch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _get(url: str, settings: ServeSettings, cap: int) -> tuple[int, bytes, str]:
    """(status, body, final URL) through trafilatura's fetcher, or a FetchError saying why."""
    from trafilatura.downloads import fetch_response

    catch = _Catch()
    logger = logging.getLogger("trafilatura.downloads")
    logger.addHandler(catch)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        local = _is_loopback(urlsplit(url).hostname or "")
        response = fetch_response(url, decode=False, config=_config(settings, cap, local))
    finally:
        logger.removeHandler(catch)
        logger.setLevel(old)
    if response is None:
        why = next((m for m in catch.messages if "error" in m.lower()), "no response")
        if "SSRF protection" in why:
            raise FetchError(
                f"{url[:200]}: leads to a private network address (refused; --fetch-private allows it)"
            )
        if "exceeds MAX_FILE_SIZE" in why:
            raise FetchError(f"{url[:200]}: the page is over the cap of {cap:,} bytes")
        if "timed out" in why.lower() or "timeout" in why.lower():
            raise FetchError(
                f"{url[:200]}: no answer within {settings.fetch_timeout_s} s (timed out)"
            )
        raise FetchError(f"{url[:200]}: could not be fetched ({why[-300:]})")
    return int(response.status), bytes(response.data or b""), str(response.url or url)


def _robots_allow(url: str, settings: ServeSettings) -> None:
    parts = urlsplit(url)
    robots = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    try:
        status, body, _ = _get(robots, settings, 512 * 1024)
    except FetchError:
        return  # no robots.txt to be had: the site states no rule
    if status >= 500:
        raise FetchError(f"{robots}: answered {status}; not fetching while its rules are unknown")
    if status != 200:
        return
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(body.decode("utf-8", "replace").splitlines())
    if not parser.can_fetch(_USER_AGENT, url):
        raise FetchError(f"{url[:200]}: the site's robots.txt does not allow fetching this page")


def fetch_url(url: str, settings: ServeSettings) -> Accepted:
    """Fetch one page (robots.txt respected, timeout and size cap) and keep it under
    ``added/`` as a JSONL record (``url`` and ``html``), so the build keeps where it came from."""
    checked = _check_url(url, settings)
    _robots_allow(checked, settings)
    status, body, final = _get(checked, settings, settings.fetch_max_bytes)
    if status != 200:
        raise FetchError(f"{checked[:200]}: the server answered HTTP {status}")
    if not body.strip():
        raise FetchError(f"{checked[:200]}: the page is empty")
    html = body.decode("utf-8", "replace")
    folder = settings.added_dir / "fetched"
    folder.mkdir(parents=True, exist_ok=True)
    host = safe_name(urlsplit(final).hostname or "page")
    target = _unique(folder, f"{time.strftime('%Y%m%dT%H%M%S')}-{host}.jsonl")
    record = {"url": final, "html": html}
    target.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return Accepted(final, str(target), len(body))
