"""Adding articles through the web application (issue 12): uploads are checked (types, size
caps, zip-slip, symlinks, zip bombs; one bad file never costs the others) and URLs are fetched
from a local http.server on loopback (robots.txt, timeouts, size caps, clear errors)."""

from __future__ import annotations

import contextlib
import http.server
import io
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.serve.intake import FetchError, fetch_url, save_uploads
from storyline.serve.settings import ServeSettings


def _settings(tmp_path: Path, **kw: object) -> ServeSettings:
    return ServeSettings(store=tmp_path / "store.sqlite", **kw)  # type: ignore[arg-type]


def _zip(members: dict[str, bytes], symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            z.writestr(info, "/etc/passwd")
    return buf.getvalue()


def test_serve_intake_keeps_good_files_and_names_bad_ones(tmp_path: Path) -> None:
    s = _settings(tmp_path)
    out = save_uploads(
        [
            ("a.txt", io.BytesIO(b" date 2024-01-01\nText.\n")),
            ("../../etc/evil.html", io.BytesIO(b"<p>x</p>")),
            ("notes.pdf", io.BytesIO(b"%PDF")),
            ("empty.jsonl", io.BytesIO(b"")),
        ],
        s,
        "upload",
    )
    assert [a.name for a in out.accepted] == ["a.txt", "../../etc/evil.html"]
    for a in out.accepted:
        assert Path(a.path).resolve().is_relative_to(s.added_dir.resolve())
    assert Path(out.accepted[1].path).name == "evil.html"
    reasons = {r.name: r.reason for r in out.rejected}
    assert "unsupported file type (.pdf)" in reasons["notes.pdf"]
    assert reasons["empty.jsonl"] == "is empty"


def test_serve_intake_caps_file_and_upload_size(tmp_path: Path) -> None:
    s = _settings(tmp_path, max_file_bytes=100, max_upload_bytes=150)
    out = save_uploads(
        [
            ("big.txt", io.BytesIO(b"x" * 101)),
            ("ok.txt", io.BytesIO(b"y" * 90)),
            ("more.txt", io.BytesIO(b"z" * 90)),
        ],
        s,
        "u",
    )
    assert [a.name for a in out.accepted] == ["ok.txt"]
    assert {r.name for r in out.rejected} == {"big.txt", "more.txt"}
    assert all("cap" in r.reason for r in out.rejected)


def test_serve_intake_unzips_a_folder_safely(tmp_path: Path) -> None:
    s = _settings(tmp_path)
    data = _zip(
        {
            "folder/one.txt": b"One.",
            "folder/sub/two.html": b"<p>Two</p>",
            "../escape.txt": b"out",
            "/abs.txt": b"abs",
            "C:/win.txt": b"win",
            "folder/readme.md": b"# no",
        },
        symlink="folder/link.txt",
    )
    out = save_uploads([("corpus.zip", io.BytesIO(data))], s, "zip")
    assert sorted(Path(a.path).name for a in out.accepted) == ["one.txt", "two.html"]
    for a in out.accepted:
        assert Path(a.path).resolve().is_relative_to(s.added_dir.resolve())
    reasons = {r.name.split(":", 1)[1]: r.reason for r in out.rejected}
    assert "leaves the zip" in reasons["../escape.txt"]
    assert "leaves the zip" in reasons["/abs.txt"]
    assert "leaves the zip" in reasons["C:/win.txt"]
    assert "symbolic link" in reasons["folder/link.txt"]
    assert "unsupported" in reasons["folder/readme.md"]
    assert not (tmp_path / "escape.txt").exists()


def test_serve_intake_refuses_zip_bombs(tmp_path: Path) -> None:
    s = _settings(tmp_path, max_file_bytes=10 * 2**20, max_unzipped_bytes=3 * 2**20)
    bomb = _zip({"bomb.txt": b"0" * (8 * 2**20)})
    out = save_uploads([("bomb.zip", io.BytesIO(bomb))], s, "zip")
    assert not out.accepted and "zip bomb" in out.rejected[0].reason
    many = _zip({f"f{i}.txt": f"text {i} ".encode() * 50 for i in range(8)})
    out = save_uploads(
        [("many.zip", io.BytesIO(many))], _settings(tmp_path, max_zip_members=5), "zip"
    )
    assert not out.accepted and "at most 5" in out.rejected[0].reason
    budget = _settings(tmp_path, max_unzipped_bytes=1000, max_zip_ratio=10_000)
    out = save_uploads(
        [("b.zip", io.BytesIO(_zip({"a.txt": b"a " * 400, "b.txt": b"b " * 400})))], budget, "zip"
    )
    assert len(out.accepted) == 1 and "unpacks to more than" in out.rejected[0].reason
    out = save_uploads([("broken.zip", io.BytesIO(b"PK\x03\x04 not really"))], s, "zip")
    assert "not a readable zip" in out.rejected[0].reason


# --- fetching from a local server -----------------------------------------------------------

_PAGE = b'<html><head><title>Local news</title></head><body><article><h1>Local news</h1><p>The mayor said: "We will build it."</p></article></body></html>'


class _Handler(http.server.BaseHTTPRequestHandler):
    robots = b"User-agent: *\nDisallow: /private\n"

    def log_message(self, *args: object) -> None:
        return None

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self._send(200, self.robots, "text/plain")
        elif self.path in ("/news", "/private/page"):
            self._send(200, _PAGE, "text/html")
        elif self.path == "/big":
            self._send(200, b"<p>" + b"x" * 300_000 + b"</p>", "text/html")
        elif self.path == "/slow":
            time.sleep(3)
            self._send(200, _PAGE, "text/html")
        else:
            self._send(404, b"no", "text/plain")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_serve_fetch_keeps_the_page_with_its_url(site: str, tmp_path: Path) -> None:
    got = fetch_url(f"{site}/news", _settings(tmp_path))
    text = Path(got.path).read_text("utf-8")
    assert f'"url": "{site}/news"' in text and "The mayor said" in text
    assert Path(got.path).suffix == ".jsonl"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/private/page", "robots.txt does not allow"),
        ("/missing", "HTTP 404"),
        ("/big", "over the cap"),
        ("/slow", "timed out"),
    ],
)
def test_serve_fetch_errors_are_clear(site: str, tmp_path: Path, path: str, message: str) -> None:
    s = _settings(tmp_path, fetch_timeout_s=1, fetch_max_bytes=100_000)
    with pytest.raises(FetchError, match=message):
        fetch_url(site + path, s)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "only http"),
        ("file:///etc/passwd", "only http"),
        ("http://", "names no host"),
        ("", "no URL"),
        ("http://no-such-host.invalid/", "host not found"),
        ("http://10.0.0.1/", "private network"),
        ("http://169.254.169.254/latest/meta-data", "private network"),
    ],
)
def test_serve_fetch_refuses_bad_urls_before_any_request(
    tmp_path: Path, url: str, message: str
) -> None:
    with pytest.raises(FetchError, match=message):
        fetch_url(url, _settings(tmp_path))


def test_serve_fetch_through_the_api_queues_a_build(site: str, tmp_path: Path) -> None:
    from serve_helpers import TOKEN, client, copy_store, example_store

    store = copy_store(example_store(tmp_path / "base"), tmp_path / "w")
    c = client(store, TOKEN)
    h = {"Authorization": f"Bearer {TOKEN}"}
    r = c.post("/api/fetch", headers=h, json={"url": f"{site}/news"})
    assert r.status_code == 200 and r.json()["job_id"]
    bad = c.post("/api/fetch", headers=h, json={"url": f"{site}/private/page"})
    assert bad.status_code == 400 and "robots.txt" in bad.json()["error"]


def test_serve_intake_takes_every_supported_format(tmp_path: Path) -> None:
    import gzip

    s = _settings(tmp_path)
    files = {
        "a.txt": b"Text.",
        "b.HTML": b"<p>x</p>",
        "c.htm": b"<p>y</p>",
        "d.jsonl": b'{"text": "z"}\n',
        "e.warc": b"WARC/1.0\r\n",
        "f.warc.gz": gzip.compress(b"WARC/1.0\r\n"),
    }
    out = save_uploads([(n, io.BytesIO(d)) for n, d in files.items()], s, "all")
    assert sorted(a.name for a in out.accepted) == sorted(files) and not out.rejected
    assert {Path(a.path).read_bytes() for a in out.accepted} == set(files.values())
