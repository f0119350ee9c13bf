"""Bad input never aborts a batch: every broken file (or record) is named in ``errors`` and on
stderr with what is wrong with it, and the good files of the same batch still reach the dossier.

Every input is built in ``tmp_path``; nothing here reads the shared corpus.
"""

from __future__ import annotations

import builtins
import gzip
import io
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from storyline.model import BuildReport
from storyline.pipeline import build

_SYLLABLES = [
    "ba",
    "ko",
    "ri",
    "tan",
    "mel",
    "dor",
    "sha",
    "vin",
    "lu",
    "pe",
    "gra",
    "tho",
    "nix",
    "cal",
    "fen",
    "mor",
    "bri",
    "sul",
    "ka",
    "zed",
]
# A wide vocabulary, so that unrelated test articles do not look like rewrites of each other
# (a few dozen words shared by every file would make every pair a duplicate candidate).
_WORDS = sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("", "s", "er")})


def _body(seed: int, paragraphs: int = 4) -> str:
    """A few paragraphs of distinct prose, so that good files are neither empty nor duplicates
    of each other."""
    rng = random.Random(seed)
    paras = []
    for p in range(paragraphs):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(18, 30))]
        paras.append(f"Item {seed}-{p}: the " + " ".join(words) + f" said officer number {seed}.")
    return "\n\n".join(paras) + "\n"


def _good(folder: Path, name: str, seed: int, date: str | None = "2024-10-24") -> Path:
    path = folder / name
    header = f" date {date}\n" if date else ""
    path.write_text(header + _body(seed), encoding="utf-8")
    return path


def _run(inputs: list[Path], out: Path, **kw: Any) -> BuildReport:
    return build([str(p) for p in inputs], out, **kw)


def _errors(report: BuildReport) -> dict[str, str]:
    return {e.source: e.error for e in report.errors}


def _dossier(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    return data


def _sources(out: Path) -> set[str]:
    return {a["source"] for a in _dossier(out)["articles"]}


def _article(out: Path, source: str) -> dict[str, Any]:
    found = [a for a in _dossier(out)["articles"] if a["source"] == source]
    assert len(found) == 1, f"{source} not in dossier exactly once: {_sources(out)}"
    return found[0]


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storyline", "build", *map(str, args), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _assert_batch(out: Path, report: BuildReport, bad: Path | str, *needles: str) -> None:
    """``bad`` is named with every one of ``needles`` in report and dossier."""
    errs = _errors(report)
    assert str(bad) in errs, f"{bad} not named; errors: {errs}"
    for needle in needles:
        assert needle in errs[str(bad)].lower(), errs[str(bad)]
    assert (str(bad), errs[str(bad)], "ingest") in {
        (e["source"], e["error"], e["stage"]) for e in _dossier(out)["errors"]
    }


def _warc(path: Path, pages: list[tuple[str, str]], *, gz: bool = True) -> bytes:
    """A WARC of a warcinfo record and one HTML response record per (url, html) page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
    for url, html in pages:
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=http
        )
        writer.write_record(record)
    data = buf.getvalue()
    path.write_bytes(data)
    return data


def _page(seed: int, title: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in _body(seed, 6).split("\n\n"))
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>{title}</h1>{paras}</article><footer>© Example</footer></body></html>"
    )


# --- empty, binary, undecodable ----------------------------------------------------------------


def test_ingest_empty_file_is_named_and_batch_continues(tmp_path: Path) -> None:
    good = _good(tmp_path, "good.txt", 1)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b"  \r\n\n\t \n")
    out = tmp_path / "out"
    report = _run([good, empty, blank], out)
    _assert_batch(out, report, empty, "empty")
    _assert_batch(out, report, blank, "empty")
    assert _sources(out) == {str(good)}


def test_ingest_binary_file_with_nul_bytes_is_refused(tmp_path: Path) -> None:
    good = _good(tmp_path, "good.txt", 2)
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    out = tmp_path / "out"
    report = _run([good, png], out)
    _assert_batch(out, report, png, "binary")
    assert _sources(out) == {str(good)}


def test_ingest_binary_file_without_nul_bytes_is_refused(tmp_path: Path) -> None:
    rng = random.Random(7)
    noise = tmp_path / "noise.html"
    noise.write_bytes(bytes(rng.randrange(1, 256) for _ in range(20_000)))
    good = _good(tmp_path, "good.txt", 3)
    out = tmp_path / "out"
    report = _run([noise, good], out)
    _assert_batch(out, report, noise, "binary")
    assert _sources(out) == {str(good)}


def test_ingest_invalid_utf8_is_reported_and_the_rest_of_the_text_kept(tmp_path: Path) -> None:
    # Mostly good UTF-8 with two stray bytes: reading it as cp1252 would garble every "é", so
    # the damage is replaced, reported, and the article kept.
    damaged = tmp_path / "damaged.txt"
    text = "Le café de la Mairie a rouvert, a déclaré le maire. " * 4
    damaged.write_bytes(text.encode() + b"\xff\xfe" + " Fin de l’histoire.".encode())
    good = _good(tmp_path, "good.txt", 4)
    out = tmp_path / "out"
    report = _run([damaged, good], out)
    _assert_batch(out, report, damaged, "invalid utf-8", "2 character(s) replaced")
    kept = _article(out, str(damaged))["text"]
    assert "café" in kept and "déclaré" in kept and "l’histoire" in kept
    assert str(good) in _sources(out)


# --- encodings are detected, not assumed ------------------------------------------------------


def test_ingest_cp1252_smart_quotes_and_accents_decode_right(tmp_path: Path) -> None:
    # "é’" is E9 92 in cp1252, which looks like the start of a UTF-8 sequence: this file was
    # once taken for damaged UTF-8 and every accent replaced by U+FFFD.
    text = (
        "Pelé’s goal at the café — “magnifique”, said the Brazilian striker’s coach.\n\n"
        "Renée’s résumé was read out… to the committee on Tuesday evening.\n"
    )
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    out = tmp_path / "out"
    report = _run([path], out)
    assert report.errors == ()
    got = _article(out, str(path))["text"]
    assert "\ufffd" not in got
    assert "Pelé’s goal at the café — “magnifique”" in got
    assert "Renée’s résumé was read out…" in got


def test_ingest_latin1_accents_decode_right(tmp_path: Path) -> None:
    text = (
        "São Paulo: the mayor of Düsseldorf met the façade restorers of Málaga on Monday.\n\n"
        "Señora Núñez said the plan was très bien and would be finished by Christmas.\n"
    )
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    out = tmp_path / "out"
    report = _run([path], out)
    assert report.errors == ()
    got = _article(out, str(path))["text"]
    assert "Düsseldorf" in got and "façade" in got and "Málaga" in got and "Núñez" in got


def test_ingest_utf8_bom_and_crlf_are_handled(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    body = " date 2024-10-24\r\nThe council met “today”.\r\n\r\nIt voted for the budget.\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    out = tmp_path / "out"
    report = _run([path], out)
    assert report.errors == ()
    art = _article(out, str(path))
    assert "\r" not in art["text"] and "\ufeff" not in art["text"]
    assert art["text"].startswith("The council met “today”.")
    # The BOM must not hide the date header.
    assert art["published"] == "2024-10-24" and art["published_source"] == "header"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_ingest_utf16_bom_is_decoded(tmp_path: Path, codec: str) -> None:
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    path = tmp_path / "utf16.txt"
    text = " date 2024-10-25\r\nZoë Núñez said “yes” to the plan.\r\n\r\nThe vote was close.\r\n"
    path.write_bytes(bom + text.encode(codec))
    out = tmp_path / "out"
    report = _run([path], out)
    assert report.errors == ()
    art = _article(out, str(path))
    assert art["text"].startswith("Zoë Núñez said “yes” to the plan.")
    assert "\r" not in art["text"]
    assert art["published"] == "2024-10-25"


def test_ingest_mojibake_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "mojibake.txt"
    path.write_text(
        "Starmerâ€™s government said on Monday it would act on housing.\n\n"
        "The cafÃ© owners welcomed the move.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    _run([path], out)
    got = _article(out, str(path))["text"]
    assert "Starmer’s government" in got
    assert "café owners" in got
    assert "â€" not in got and "Ã" not in got


# --- JSONL -----------------------------------------------------------------------------------


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ingest_broken_jsonl_line_loses_only_that_line(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps({"id": "a1", "text": _body(10), "published": "2024-10-01"}),
            '{"id": "a2", "text": "cut off in the mid',
            json.dumps({"id": "a3", "text": _body(11), "outlet": "The Example Times"}),
        ],
    )
    out = tmp_path / "out"
    report = _run([path], out)
    _assert_batch(out, report, f"{path}:2", "invalid json")
    assert len(report.errors) == 1
    ids = {a["id"] for a in _dossier(out)["articles"]}
    assert ids == {"a1", "a3"}
    assert _article(out, f"{path}:3")["outlet"] == "The Example Times"


def test_ingest_jsonl_record_without_text_or_html_is_an_error_for_that_line(
    tmp_path: Path,
) -> None:
    path = _jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps({"id": "b1", "title": "Headline only", "url": "https://example.com/1"}),
            json.dumps({"id": "b2", "text": "   "}),
            json.dumps({"id": "b3", "text": _body(12)}),
            json.dumps(["not", "an", "object"]),
        ],
    )
    out = tmp_path / "out"
    report = _run([path], out)
    _assert_batch(out, report, f"{path}:1", '"text" or "html"')
    _assert_batch(out, report, f"{path}:2", '"text" or "html"')
    _assert_batch(out, report, f"{path}:4", "expected a json object")
    assert {a["id"] for a in _dossier(out)["articles"]} == {"b3"}


def test_ingest_jsonl_published_not_a_date_keeps_article_undated(tmp_path: Path) -> None:
    # A bad date field is reported, but the article (whose text is fine) is kept, undated:
    # dropping good text over one metadata field would lose news.
    path = _jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps({"id": "c1", "text": _body(13), "published": "last Tuesday-ish"}),
            json.dumps({"id": "c2", "text": _body(14), "published": "2024-10-02T08:00:00Z"}),
        ],
    )
    out = tmp_path / "out"
    report = _run([path], out)
    _assert_batch(out, report, f"{path}:1", "published date", "last tuesday-ish")
    assert _article(out, f"{path}:1")["published"] is None
    assert _article(out, f"{path}:2")["published"] == "2024-10-02"


def test_ingest_jsonl_with_no_records_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text("\n\n  \n", encoding="utf-8")
    good = _good(tmp_path, "good.txt", 15)
    out = tmp_path / "out"
    report = _run([path, good], out)
    _assert_batch(out, report, path, "empty")
    assert _sources(out) == {str(good)}


# --- WARC ------------------------------------------------------------------------------------


def test_ingest_warc_html_response_yields_article_with_url_and_outlet(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    url = "https://www.example-news.com/2024/10/bridge"
    _warc(path, [(url, _page(20, "Bridge reopens after repairs"))])
    out = tmp_path / "out"
    report = _run([path], out)
    assert report.errors == ()
    (art,) = _dossier(out)["articles"]
    assert art["source"] == f"{path}#{url}"
    assert art["outlet"] == "example-news.com"
    assert art["title"] == "Bridge reopens after repairs"
    assert "Item 20-0" in art["text"] and "Home | World" not in art["text"]


def test_ingest_truncated_warc_gz_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    # A crawl cut off mid-write: the complete records before the cut are good articles and are
    # kept; the record that is cut short is half an article, so it is dropped, and the file is
    # named with the problem.
    path = tmp_path / "cut.warc.gz"
    urls = [f"https://news.example.org/story/{i}" for i in range(3)]
    data = _warc(path, [(u, _page(30 + i, f"Story {i}")) for i, u in enumerate(urls)])
    path.write_bytes(data[: len(data) - 200])
    good = _good(tmp_path, "good.txt", 16)
    out = tmp_path / "out"
    report = _run([path, good], out)
    _assert_batch(out, report, path, "truncated", "kept the 2 article(s)")
    assert _sources(out) == {f"{path}#{urls[0]}", f"{path}#{urls[1]}", str(good)}


@pytest.mark.parametrize("keep", [0.3, 0.5, 0.8, 0.95])
def test_ingest_truncated_warc_never_keeps_a_partial_record(tmp_path: Path, keep: float) -> None:
    for gz in (True, False):
        path = tmp_path / f"cut{keep}.warc{'.gz' if gz else ''}"
        urls = [f"https://news.example.org/s/{i}" for i in range(3)]
        data = _warc(path, [(u, _page(40 + i, f"Story {i}")) for i, u in enumerate(urls)], gz=gz)
        path.write_bytes(data[: int(len(data) * keep)])
        out = tmp_path / f"out{gz}{keep}"
        report = _run([path], out, write_outputs=False)
        errs = _errors(report)
        assert str(path) in errs, (gz, keep, errs)
        assert "truncated" in errs[str(path)] or "corrupt" in errs[str(path)]
        # Whatever was kept is whole: every kept page carries its last paragraph.
        from storyline.store.sqlite import Store

        with Store(out / "storyline.sqlite") as store:
            texts = [r[0] for r in store.db.execute("SELECT decoded FROM articles")]
        for text in texts:
            assert "said officer number" in text.rstrip().splitlines()[-1], text[-200:]


def test_ingest_file_that_is_not_a_warc_is_an_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(gzip.compress(b"hello world, this is not an archive\n" * 50))
    plain = tmp_path / "plain.warc"
    plain.write_text("just some words in a file\n" * 10)
    good = _good(tmp_path, "good.txt", 17)
    out = tmp_path / "out"
    report = _run([junk, plain, good], out)
    _assert_batch(out, report, junk, "not a warc")
    _assert_batch(out, report, plain, "not a warc")
    assert _sources(out) == {str(good)}


# --- HTML ------------------------------------------------------------------------------------


def test_ingest_html_without_article_text_is_an_error(tmp_path: Path) -> None:
    empty_page = tmp_path / "empty.html"
    empty_page.write_text("<html><head><title>x</title></head><body></body></html>")
    page = tmp_path / "page.html"
    page.write_text(_page(18, "Harbour plan approved"), encoding="utf-8")
    out = tmp_path / "out"
    report = _run([empty_page, page], out)
    _assert_batch(out, report, empty_page, "no article text")
    assert _sources(out) == {str(page)}


# --- size, type, paths -----------------------------------------------------------------------


def _big(path: Path, size: int = 100 * 1024 * 1024) -> Path:
    with open(path, "wb") as fh:
        fh.write(b"Some text at the start of a huge file.\n" * 10)
        fh.truncate(size)
    return path


def test_ingest_100mb_file_is_refused_for_size(tmp_path: Path) -> None:
    big = _big(tmp_path / "huge.txt")
    good = _good(tmp_path, "good.txt", 19)
    out = tmp_path / "out"
    report = _run([big, good], out)
    _assert_batch(out, report, big, "too large", "100.0 mib")
    assert _sources(out) == {str(good)}


def test_ingest_oversized_file_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = _big(tmp_path / "huge.html")
    opened: list[str] = []
    real_open = io.open

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", spy)
    monkeypatch.setattr(builtins, "open", spy)
    report = _run([big], tmp_path / "out", write_outputs=False)
    assert "too large" in _errors(report)[str(big)]
    assert str(big) not in opened


def test_ingest_unknown_file_type_given_explicitly_is_an_error(tmp_path: Path) -> None:
    pdf = tmp_path / "story.pdf"
    pdf.write_bytes(b"%PDF-1.4 not really")
    good = _good(tmp_path, "good.txt", 21)
    out = tmp_path / "out"
    report = _run([pdf, good], out)
    _assert_batch(out, report, pdf, "unsupported file type")
    assert _sources(out) == {str(good)}


def test_ingest_unknown_file_type_inside_a_folder_is_skipped_quietly(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "README.md").write_text("# notes")
    (corpus / ".DS_Store").write_bytes(b"\x00\x01")
    good = _good(corpus, "good.txt", 22)
    out = tmp_path / "out"
    report = _run([corpus], out)
    assert report.errors == ()
    assert _sources(out) == {str(good)}


def test_ingest_missing_path_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "gone.txt"
    good = _good(tmp_path, "good.txt", 23)
    out = tmp_path / "out"
    report = _run([missing, good], out)
    _assert_batch(out, report, missing, "no such file")
    assert _sources(out) == {str(good)}


# --- command line ----------------------------------------------------------------------------


def test_ingest_cli_names_every_bad_file_on_stderr_and_exits_0(tmp_path: Path) -> None:
    good = _good(tmp_path, "good.txt", 24)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.htm"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    feed = _jsonl(tmp_path / "feed.jsonl", ["{nope", json.dumps({"text": _body(25)})])
    big = _big(tmp_path / "huge.txt")
    missing = tmp_path / "missing.txt"
    out = tmp_path / "out"
    proc = _cli(good, empty, binary, feed, big, missing, "--out", out)
    assert proc.returncode == 0, proc.stderr
    expected = {
        str(empty): "empty file",
        str(binary): "binary",
        f"{feed}:1": "invalid JSON",
        str(big): "too large",
        str(missing): "no such file",
    }
    lines = proc.stderr.splitlines()
    for source, problem in expected.items():
        assert any(f"{source}: " in ln and problem in ln for ln in lines), (source, proc.stderr)
    dossier = _dossier(out)
    assert {e["source"] for e in dossier["errors"]} == set(expected)
    assert {a["source"] for a in dossier["articles"]} == {str(good), f"{feed}:2"}


def test_ingest_cli_exits_nonzero_when_no_article_was_processed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF")
    out = tmp_path / "out"
    proc = _cli(empty, pdf, tmp_path / "missing.jsonl", "--out", out)
    assert proc.returncode != 0
    assert f"{empty}: empty file" in proc.stderr
    assert f"{pdf}: unsupported file type" in proc.stderr
    assert f"{tmp_path / 'missing.jsonl'}: no such file" in proc.stderr
    # The errors are still written down for whoever reads the dossier.
    assert len(_dossier(out)["errors"]) == 3


def test_ingest_cli_exit_0_with_a_single_good_article_among_bad(tmp_path: Path) -> None:
    feed = _jsonl(
        tmp_path / "feed.jsonl",
        ["{bad", json.dumps({"id": "only", "text": _body(26)}), json.dumps({"x": 1})],
    )
    out = tmp_path / "out"
    proc = _cli(feed, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert f"{feed}:1: invalid JSON" in proc.stderr
    assert f'{feed}:3: record has no "text" or "html"' in proc.stderr
    assert [a["id"] for a in _dossier(out)["articles"]] == ["only"]


# --- re-runs ---------------------------------------------------------------------------------


def test_ingest_errors_are_reported_again_on_an_unchanged_rerun(tmp_path: Path) -> None:
    good = _good(tmp_path, "good.txt", 27)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    first = _run([good, empty], out)
    second = _run([good, empty], out)
    assert _errors(first) == _errors(second)
    assert second.articles == 1


# --- scale -----------------------------------------------------------------------------------


_BUILD_IN_CHILD = """
import json, sys
from storyline.pipeline import build
r = build([sys.argv[1]], sys.argv[2], write_outputs=False)
print(json.dumps({"articles": r.articles, "errors": [[e.source, e.error] for e in r.errors]}))
"""


@pytest.mark.slow
def test_ingest_folder_of_10000_files(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    bad: dict[str, str] = {}
    good = 0
    for i in range(10_000):
        sub = corpus / f"{i // 1000:02d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True)
        if i % 2500 == 7:
            p = sub / f"a{i:05d}.txt"
            p.write_bytes(b"")
            bad[str(p)] = "empty"
        elif i % 2500 == 8:
            p = sub / f"a{i:05d}.txt"
            p.write_bytes(b"\x00" * 64)
            bad[str(p)] = "binary"
        elif i % 2500 == 9:
            p = sub / f"a{i:05d}.jsonl"
            p.write_text('{"text": \n')
            bad[f"{p}:1"] = "invalid json"
        else:
            (sub / f"a{i:05d}.txt").write_text(
                f" date 2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n{_body(1000 + i, 2)}"
            )
            good += 1
    # In a child process, so that a build far over budget fails the test instead of stalling
    # the suite for minutes.
    budget = 45.0
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _BUILD_IN_CHILD, str(corpus), str(tmp_path / "out")],
            capture_output=True,
            text=True,
            timeout=budget,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"building 10,000 small files took over {budget:.0f} s")
    took = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["articles"] == good == 10_000 - len(bad)
    errs = dict(result["errors"])
    assert set(errs) == set(bad)
    for source, problem in bad.items():
        assert problem in errs[source].lower()
    for source in bad:
        assert source in proc.stderr
    assert took < budget


def test_ingest_ids_claimed_in_one_batch_follow_the_store(tmp_path: Path) -> None:
    """Two files wanting one article id, in one ingest batch, one of them the changed owner:
    the owners known to the batch (read once, then kept up to date) decide as the store would."""
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "story.txt").write_text(_body(1))
    db = tmp_path / "s.sqlite"
    build([tmp_path / "b"], None, db=db, write_outputs=False, engine="local")
    (tmp_path / "b" / "story.txt").write_text(_body(2))
    (tmp_path / "a" / "story.txt").write_text(_body(3))
    report = build(
        [tmp_path / "a", tmp_path / "b"], None, db=db, write_outputs=False, engine="local"
    )
    assert report.articles == 2
    from storyline.store import open_store

    with open_store(db) as store:
        owners = {
            aid: Path(f).parent.name
            for aid, f in store.db.execute("SELECT id, file_path FROM articles")
        }
    # a/ comes first and finds the id held by b/'s old version: it takes a derived id; b/
    # keeps its own.
    assert owners["story"] == "b" and len(owners) == 2
    assert [p for i, p in owners.items() if i != "story"] == ["a"]
