"""`make bench`, part two: what each analysis layer costs on top of the spaCy parse it reads.

The issues set the budgets: quotes at most 20% of the parse, entities at most 15%, and the
time-expression tagger at least 50,000 words/s on its own. Texts: the bundled example story
(real UK news, quotes and captions included) plus synthetic articles from the bench corpus, so
that timings cover a few hundred thousand characters. Each layer runs on the same parsed Docs,
best of ``--repeat`` runs, so a busy machine inflates parse and layers alike.

    python -m bench.layers [--articles 150] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
EXAMPLE = ROOT.parent / "examples" / "labour-trump-2024"
QUOTES_MAX = 0.20
ENTITIES_MAX = 0.15
TIMEX_MIN_WPS = 50_000.0


def _texts(n_synthetic: int) -> list[str]:
    from storyline.clean import clean_text
    from storyline.ingest.readers import read_file
    from storyline.model import RawDocument

    paths = sorted(EXAMPLE.glob("*.txt"))
    corpus = ROOT / "_corpus"
    if n_synthetic and corpus.exists():
        paths += sorted(corpus.rglob("*.txt"))[:n_synthetic]
    texts: list[str] = []
    for path in paths:
        for doc in read_file(path):
            if isinstance(doc, RawDocument):
                texts.append(clean_text(doc.text).text)
    return texts


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.layers", description=__doc__)
    p.add_argument("--articles", type=int, default=150, help="synthetic articles added")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    from storyline.analyse.entities.resolve import article_entities
    from storyline.analyse.lang.nlp import load_nlp
    from storyline.analyse.quotes.attribute import extract_quotes
    from storyline.analyse.time.events import article_events
    from storyline.analyse.time.timex import tag_timexes

    texts = _texts(args.articles)
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp()
    list(nlp.pipe(texts[:4]))  # warm-up
    docs: list[Any] = []

    def parse() -> None:
        docs[:] = list(nlp.pipe(texts, batch_size=8))

    t_parse = _best(parse, args.repeat)
    anchor = None
    rows = [
        ("quotes", _best(lambda: [extract_quotes(d) for d in docs], args.repeat), QUOTES_MAX),
        ("entities", _best(lambda: [article_entities(d) for d in docs], args.repeat), ENTITIES_MAX),
        (
            "events",
            _best(lambda: [article_events(d, None, False) for d in docs], args.repeat),
            None,
        ),
    ]
    t_timex = _best(lambda: [tag_timexes(t, anchor) for t in texts], args.repeat)

    print(f"layers: {len(texts)} articles, {words:,} words; spaCy parse {t_parse:.2f}s "
          f"({words / t_parse:,.0f} words/s)")  # fmt: skip
    print(f"  {'layer':10s} {'seconds':>8s} {'of parse':>9s}  budget")
    failed = False
    for name, secs, budget in rows:
        share = secs / t_parse
        verdict = "" if budget is None else ("ok" if share <= budget else "OVER")
        failed |= verdict == "OVER"
        limit = f"<= {budget:.0%}" if budget is not None else "-"
        print(f"  {name:10s} {secs:8.2f} {share:9.1%}  {limit} {verdict}")
    wps = words / t_timex
    ok = wps >= TIMEX_MIN_WPS
    failed |= not ok
    print(f"  {'timexes':10s} {t_timex:8.2f} {t_timex / t_parse:9.1%}  own speed {wps:,.0f} words/s "
          f"(>= {TIMEX_MIN_WPS:,.0f}) {'ok' if ok else 'UNDER'}")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
