"""The command line: `storyline build`, `storyline stories`, `storyline story`, `storyline restory`,
`storyline annotate` and `storyline serve`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from storyline import __version__
from storyline.errors import StorylineError
from storyline.faults import describe
from storyline.runners import ENGINES

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="storyline", description=__doc__)
    p.add_argument("--version", action="version", version=f"storyline {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build a store, dossier.json and report.html from articles")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders (recursive)")
    b.add_argument("--out", required=True, help="output folder for dossier.json and report.html")
    b.add_argument(
        "--db",
        help="the store: a SQLite file or sqlite:///path (default: $STORYLINE_DB, else "
        "OUT/storyline.sqlite)",
    )
    b.add_argument(
        "--engine",
        choices=ENGINES,
        default="process",
        help="where the work runs: forked workers (default), this process, or a Dask cluster",
    )
    b.add_argument(
        "--scheduler",
        metavar="ADDR",
        help="with --engine dask: an existing cluster's scheduler (tcp://host:8786); "
        "default: a local cluster of $STORYLINE_WORKERS workers",
    )
    b.add_argument("--timeline-dates", type=int, default=None, metavar="N")
    b.add_argument("--timeline-sentences", type=int, default=None, metavar="M")
    b.add_argument(
        "--story",
        metavar="ID",
        help="write only this story's dossier.json and report.html into OUT (ids: storyline "
        "stories STORE)",
    )
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar, errors only")
    b.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    st = sub.add_parser("stories", help="list the stories of a store (the last build's articles)")
    st.add_argument("store", metavar="STORE", help="the store: a SQLite file or sqlite:///path")
    st.add_argument("--json", action="store_true", help="one JSON object a line")
    so = sub.add_parser("story", help="one story's dossier.json and report.html")
    so.add_argument("store", metavar="STORE", help="the store: a SQLite file or sqlite:///path")
    so.add_argument("story_id", metavar="ID", help="a story id (see storyline stories STORE)")
    so.add_argument("--out", required=True, help="output folder for dossier.json and report.html")
    rs = sub.add_parser(
        "restory", help="cluster the last build's stories again (may merge and split them)"
    )
    rs.add_argument("store", metavar="STORE", help="the store: a SQLite file or sqlite:///path")
    rs.add_argument("--out", help="also write dossier.json and report.html again into this folder")
    a = sub.add_parser(
        "annotate", help="quotes, mentions and time expressions of single texts (JSON lines)"
    )
    a.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files (.txt, .html, .jsonl, .warc[.gz]) or folders",
    )
    a.add_argument("--published", help="article date YYYY-MM-DD for resolving relative dates")
    sv = sub.add_parser(
        "serve", help="the web application over a store (browse, search, add, correct)"
    )
    sv.add_argument(
        "store",
        nargs="?",
        default="out/labour-trump-2024/storyline.sqlite",
        metavar="STORE",
        help="the store: a SQLite file, sqlite:///path or postgresql://… (default: the example's)",
    )
    sv.add_argument(
        "--inputs-dir",
        metavar="DIR",
        help="where uploaded and fetched articles are kept (default: added/ beside a SQLite "
        "store, ./storyline-added for PostgreSQL)",
    )
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument(
        "--token-file",
        metavar="F",
        help="file holding the write token; without it the server is read-only",
    )
    sv.add_argument(
        "--fetch-private",
        action="store_true",
        help="allow fetching URLs on private networks (loopback is always allowed)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    quiet, verbose = getattr(args, "quiet", False), getattr(args, "verbose", False)
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    logging.basicConfig(
        level=level, format="storyline: %(levelname)s: %(message)s", stream=sys.stderr
    )
    _safe_stderr()
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "stories":
            return _stories(args)
        if args.command == "story":
            return _story(args)
        if args.command == "restory":
            return _restory(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "annotate":
            from storyline.annotate import run

            return run(args.inputs, args.published)
    except StorylineError as exc:
        _fail(str(exc))
        return 1
    except KeyboardInterrupt:
        _fail("interrupted; the store keeps the work committed so far, run again to resume")
        return 130
    except MemoryError:
        _fail("out of memory; the store keeps the work committed so far")
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}")
        return 1
    except Exception as exc:
        # A bug, not a fault of the input: say so on one line (the traceback with -v).
        if verbose:
            logging.getLogger("storyline").exception("internal error")
        _fail(f"internal error: {describe(exc)} (run with -v for the traceback)")
        return 70
    return 2


def _stories(args: argparse.Namespace) -> int:
    import json

    from storyline.store import open_store, store_path

    if not store_path(args.store).is_file():
        _fail(f"{args.store}: no store here (build one with storyline build)")
        return 1
    with open_store(args.store) as store:
        build = store.last_build()
        rows = store.stories(build) if build is not None else []
        related = (
            {s.id: list(s.related_story_ids) for s in store.story_summaries(build)}
            if build is not None and store.has_corpus(build)
            else {}
        )
    for row in rows:
        if args.json:
            record = {
                "id": row.id,
                "title": row.label,
                "size": len(row.article_ids),
                "first_date": row.first_date,
                "last_date": row.last_date,
                "article_ids": list(row.article_ids),
                "related_story_ids": related.get(row.id, []),
            }
            print(json.dumps(record, ensure_ascii=False))
        else:
            span = f"{row.first_date or '?'} .. {row.last_date or '?'}"
            print(f"{row.id}\t{len(row.article_ids)}\t{span}\t{row.label}")
    return 0


def _story(args: argparse.Namespace) -> int:
    from storyline.link.story_dossier import write_story_outputs
    from storyline.store import is_server_store, store_path

    if not is_server_store(args.store) and not store_path(args.store).is_file():
        _fail(f"{args.store}: no store here (build one with storyline build)")
        return 1
    dossier, report = write_story_outputs(args.store, args.story_id, args.out)
    print(f"dossier: {dossier}\nreport:  {report}", file=sys.stderr)
    return 0


def _restory(args: argparse.Namespace) -> int:
    from storyline.stages.stories import restory
    from storyline.store import is_server_store, store_path

    if not is_server_store(args.store) and not store_path(args.store).is_file():
        _fail(f"{args.store}: no store here (build one with storyline build)")
        return 1
    change = restory(args.store, out=args.out)
    print(change.describe(), file=sys.stderr)
    return 0


def _fail(message: str) -> None:
    print(f"storyline: error: {message}", file=sys.stderr)


def _safe_stderr() -> None:
    """Output is UTF-8 whatever the locale says (``annotate``'s JSON lines must be valid under
    ``LC_ALL=C`` too), and printing never fails: messages the terminal cannot show come out
    escaped."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8", errors="backslashreplace")
    reconfigure = getattr(sys.stderr, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def _build(args: argparse.Namespace) -> int:
    from storyline.pipeline import build
    from storyline.settings import DEFAULT

    report = build(
        args.inputs,
        args.out,
        db=args.db,
        settings=DEFAULT.with_env(),
        progress=not args.quiet,
        timeline_dates=args.timeline_dates,
        timeline_sentences=args.timeline_sentences,
        engine=args.engine,
        scheduler=args.scheduler,
    )
    if report.articles == 0:
        why = (
            f"{len(report.errors)} input problem{'s' if len(report.errors) != 1 else ''} "
            "(listed above and in dossier.json)"
            if report.errors
            else "no .txt, .html, .jsonl or .warc file with text was found in the inputs"
        )
        _fail(f"no usable article: {why}")
        return 1
    if not args.quiet:
        print(
            f"{report.articles} articles ({report.processed} read, {report.skipped_unchanged} unchanged), "
            f"{len(report.duplicates)} duplicate groups, {len(report.errors)} errors "
            f"in {report.seconds:.1f}s",
            file=sys.stderr,
        )
        if report.dossier_path and not args.story:
            print(f"dossier: {report.dossier_path}", file=sys.stderr)
            print(f"report:  {report.report_path}", file=sys.stderr)
    if args.story:
        from storyline.link.story_dossier import write_story_outputs

        # The store the build used (the pipeline's own rule).
        db = args.db or os.environ.get("STORYLINE_DB") or os.path.join(args.out, "storyline.sqlite")
        dossier, story_report = write_story_outputs(db, args.story, args.out)
        if not args.quiet:
            print(f"story {args.story}: {dossier}, {story_report}", file=sys.stderr)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from storyline.serve.cli import serve

    return serve(
        args.store, args.host, args.port, args.token_file, args.fetch_private, args.inputs_dir
    )
