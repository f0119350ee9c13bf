"""Score timeline summarisation on the Timeline17 development topics.

The main table is the product path (:mod:`eval.timeline_build`): ``storyline build`` on each
topic's articles as a user would give them (a JSONL input with ``published``), the dossier's
timeline read with ``--timeline-dates N --timeline-sentences M`` taken from the gold timeline,
scored by date F1 and alignment ROUGE-1; then the leave-one-topic-out figure of the timeline's
constants on the same builds, which is the one to quote (the constants were chosen on these
four topics).

``--news-tls`` adds the older research protocol (Ghalandari & Ifrim 2020, news-tls): only the
articles and days inside the gold timeline's own span, a reduced text (the first five lines
and the lines with a resolvable date) parsed without NER, and the topic's keywords. The gold
span is an oracle no build has, which is why that table reads far higher than the product.
Scores: date F1 and alignment-based ROUGE-1/2 F1 ("align, date-content costs, many-to-one",
as news-tls reports it), computed with tilse when it is installed (``pip install tilse`` into
the venv, an eval-only dependency) and otherwise with a faithful reimplementation here.

    python -m eval.timeline              # tables; exit 1 if a mean score is under its floor
    python -m eval.timeline --show       # and each built timeline, gold days starred
    python -m eval.timeline --news-tls   # also the gold-span protocol (and its own CV)
    python -m eval.timeline --example [--show]   # only the example story's key events

The example story (``examples/labour-trump-2024``) is built with the pipeline and its timeline
checked against ``eval/data/timeline_example_gold.json``, ten hand-picked key events with their
date at the precision the articles give: see :func:`example_matches` for the rule.

Data: ``$STORYLINE_DATASETS/timeline17`` (default ``../shared/datasets`` relative to the
repository root), never copied into the repository.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

try:
    from storyline.analyse.time.events import Event, article_events, timex_date
except ImportError:  # a source checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from storyline.analyse.time.events import Event, article_events, timex_date
from storyline.analyse.time.timex import tag_timexes
from storyline.link.timeline import TimelineEntry, build_timeline

# Floors pinned a little under the means measured (dev topics, tilse many-to-one alignment):
# date F1 0.725, ROUGE-1 F1 0.131, ROUGE-2 F1 0.037 (days named without an event count and
# are candidates, summary sentences central to their day and to the whole story). Issue 14
# (collection span, furniture, constants by leave-one-topic-out), this module's ROUGE: 0.725,
# 0.173, 0.040. The gold-span protocol (``--news-tls``) only: with the build's priors for early
# and remembered days (issue 14, product path; redundant once the gold span is given) it reads
# about 0.704 / 0.164 on the previously cached events, so the floors go a little down.
FLOORS: dict[str, float] = {"date_f1": 0.68, "rouge1_f1": 0.127, "rouge2_f1": 0.034}
# Leave-one-topic-out (eval.timeline_cv: constants chosen on three topics, scored on the fourth),
# measured 0.704 date F1 and 0.170 ROUGE-1 F1 (this module's ROUGE, tilse absent).
CV_FLOORS: dict[str, float] = {"date_f1": 0.68, "rouge1_f1": 0.16}
LEAD_LINES = 5
# spaCy refuses texts over its max_length; a reduced article is never near it, but one
# collection page of dated lines could be.
MAX_REDUCED_CHARS = 200_000

_WORDS = re.compile(r"\S+")


def _dataset_root() -> Path:
    repo = Path(__file__).resolve().parents[1]
    base = os.environ.get("STORYLINE_DATASETS")
    root = Path(base) if base else (repo / ".." / "shared" / "datasets")
    return root / "timeline17"


def _reduce(text: str, anchor: dt.date) -> str:
    """The lead lines and the lines with a resolvable date: where the dated events are."""
    lines = text.split("\n")
    keep: list[str] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if i < LEAD_LINES:
            keep.append(line.strip())
            continue
        txs = tag_timexes(line, anchor)
        if any(t.type in ("DATE", "TIME") and timex_date(t.value) for t in txs):
            keep.append(line.strip())
    return "\n".join(keep)


def load_topic(path: Path) -> tuple[list[dict[str, Any]], list[list[Any]], list[str]]:
    with (path / "articles.jsonl").open(encoding="utf-8") as f:
        articles = [json.loads(line) for line in f if line.strip()]
    with (path / "timelines.jsonl").open(encoding="utf-8") as f:
        timelines = [json.loads(line) for line in f if line.strip()]
    keywords = json.loads((path / "keywords.json").read_text(encoding="utf-8"))
    return articles, timelines, list(keywords)


def topic_events(articles: list[dict[str, Any]], nlp: Any) -> tuple[list[Any], int, float]:
    """``build_timeline`` items for a topic, with the word count parsed and seconds taken."""
    t0 = time.perf_counter()
    reduced: list[tuple[str, str, str]] = []
    skipped = 0
    for a in articles:
        pub = str(a.get("time") or "")[:10]
        try:
            day = dt.date.fromisoformat(pub)
        except ValueError:
            skipped += 1  # no usable publication date: no anchor, and outside every span
            continue
        text = str(a.get("text") or "")
        reduced.append((str(a.get("id")), pub, _reduce(text, day)[:MAX_REDUCED_CHARS]))
    if skipped:
        print(f"  {skipped} articles without a publication date skipped", file=sys.stderr)
    words = sum(len(_WORDS.findall(r[2])) for r in reduced)
    items: list[tuple[str, str | None, str | None, list[Event]]] = []
    texts = (r[2] for r in reduced)
    for (aid, pub, _), doc in zip(reduced, nlp.pipe(texts, batch_size=32), strict=True):
        items.append((aid, pub, None, article_events(doc, pub)))
    return items, words, time.perf_counter() - t0


# ---- scoring -------------------------------------------------------------------------------


def _as_dates(tl: Sequence[tuple[str, list[str]]]) -> dict[dt.date, list[str]]:
    out: dict[dt.date, list[str]] = {}
    for d, sents in tl:
        out[dt.date.fromisoformat(d[:10])] = [s.strip() for s in sents]
    return out


def score(pred: dict[dt.date, list[str]], gold: dict[dt.date, list[str]]) -> dict[str, float]:
    pd, gd = set(pred), set(gold)
    both = len(pd & gd)
    p = both / len(pd) if pd else 0.0
    r = both / len(gd) if gd else 0.0
    date_f1 = 2 * p * r / (p + r) if p + r else 0.0
    r1, r2 = _align_rouge(pred, gold)
    return {"date_f1": date_f1, "rouge1_f1": r1, "rouge2_f1": r2}


def _align_rouge(
    pred: dict[dt.date, list[str]], gold: dict[dt.date, list[str]]
) -> tuple[float, float]:
    try:
        from tilse.data.timelines import GroundTruth, Timeline  # type: ignore[import-untyped,import-not-found,unused-ignore]
        from tilse.evaluation import rouge  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        return _align_rouge_own(pred, gold)
    ev = rouge.TimelineRougeEvaluator(measures={"rouge_1", "rouge_2"}, rouge_computation="reimpl")
    res = ev.evaluate_align_date_content_costs_many_to_one(
        Timeline(pred), GroundTruth([Timeline(gold)])
    )
    return float(res["rouge_1"]["f_score"]), float(res["rouge_2"]["f_score"])


_TOKEN = re.compile(r"[a-z0-9]+")


def _ngrams(text: str, n: int) -> Counter[tuple[str, ...]]:
    toks = _TOKEN.findall(text.lower())
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def _align_rouge_own(
    pred: dict[dt.date, list[str]], gold: dict[dt.date, list[str]]
) -> tuple[float, float]:
    """tilse's many-to-one alignment, approximately, for when tilse is absent: each predicted
    date is aligned to the gold date with the lowest date-content cost, 1 - w * ROUGE-1 F with
    w = 1 / (days apart + 1); matched n-gram counts are discounted by w and micro-averaged.
    No stemming or stopword removal, so it reads a little lower than tilse."""
    gdates = sorted(gold)
    pjoin = {d: " ".join(s) for d, s in pred.items()}
    gjoin = {g: " ".join(s) for g, s in gold.items()}
    align: dict[dt.date, tuple[dt.date, float]] = {}
    for d in sorted(pred):
        pg = _ngrams(pjoin[d], 1)
        best: tuple[float, dt.date, float] | None = None
        for g in gdates:
            gg = _ngrams(gjoin[g], 1)
            ov = sum((pg & gg).values())
            f = 2 * ov / ((sum(pg.values()) + sum(gg.values())) or 1)
            w = 1 / (abs((d - g).days) + 1)
            key = (1 - w * f, g, w)
            if best is None or key < best:
                best = key
        if best is not None:
            align[d] = (best[1], best[2])
    out: list[float] = []
    for n in (1, 2):
        total_p = sum(sum(_ngrams(t, n).values()) for t in pjoin.values())
        total_r = sum(sum(_ngrams(t, n).values()) for t in gjoin.values())
        match = 0.0
        for d, (g, w) in align.items():
            match += sum((_ngrams(pjoin[d], n) & _ngrams(gjoin[g], n)).values()) * w
        p = match / total_p if total_p else 0.0
        r = match / total_r if total_r else 0.0
        out.append(2 * p * r / (p + r) if p + r else 0.0)
    return out[0], out[1]


def predict(
    items: list[Any], gold: list[list[Any]], keywords: list[str]
) -> tuple[list[TimelineEntry], dict[dt.date, list[str]]]:
    # news-tls protocol: the input is the articles published within the gold timeline's span,
    # and only dates inside it are candidates.
    first, last = min(d for d, _ in gold)[:10], max(d for d, _ in gold)[:10]
    items = [
        (aid, pub, dup, [e for e in evs if first <= e.date <= last and len(e.date) == 10])
        for aid, pub, dup, evs in items
        if pub is not None and first <= pub <= last
    ]
    n_dates = len(gold)
    n_sents = max(1, round(sum(len(s) for _, s in gold) / max(1, n_dates)))
    entries = build_timeline(items, max_dates=n_dates, max_sentences=n_sents, keywords=keywords)
    pred: dict[dt.date, list[str]] = {}
    for e in entries:
        d = dt.date.fromisoformat(e.date)
        pred[d] = [re.sub(r"\s+", " ", ev.text).strip() for ev in e.evidence][:n_sents]
    return entries, pred


# ---- the example story's key events ---------------------------------------------------------

EXAMPLE_GOLD = Path(__file__).resolve().parent / "data" / "timeline_example_gold.json"
EXAMPLE_FLOOR = 9
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_KEY_WORD = re.compile(r"[a-z0-9']+")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().lower()


def key_in(key: str, text: str) -> bool:
    """The rule for "the evidence holds the key phrase": after lower-casing, straightening
    quotes and collapsing spaces, the phrase occurs in the sentence, or (a close match) every
    word of it does, in order, with at most two other words between neighbours."""
    k, t = _norm(key), _norm(text)
    if k in t:
        return True
    kw, tw = _KEY_WORD.findall(k), _KEY_WORD.findall(t)
    for start in (i for i, w in enumerate(tw) if kw and w == kw[0]):
        pos = start
        for w in kw[1:]:
            nxt = next((j for j in range(pos + 1, min(len(tw), pos + 4)) if tw[j] == w), None)
            if nxt is None:
                break
            pos = nxt
        else:
            return True
    return False


def example_matches(
    timeline: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]]
) -> list[tuple[dict[str, Any], bool]]:
    """Each gold event and whether some timeline entry has its date string exactly and evidence
    holding its key phrase (:func:`key_in`), from at least ``articles`` distinct articles when
    the gold says several outlets report it."""
    out: list[tuple[dict[str, Any], bool]] = []
    for g in gold:
        need = int(g.get("articles", 1))
        ok = False
        for e in timeline:
            if e["date"] != g["date"]:
                continue
            if not any(key_in(g["key"], ev["text"]) for ev in e["evidence"]):
                continue
            if len({ev["article_id"] for ev in e["evidence"]}) >= need:
                ok = True
                break
        out.append((g, ok))
    return out


def example_story(verbose: bool = False) -> tuple[int, int]:
    """Build the example corpus (outputs in a temporary directory) and count its key events."""
    import tempfile

    from storyline.pipeline import build

    spec = json.loads(EXAMPLE_GOLD.read_text(encoding="utf-8"))
    corpus = Path(__file__).resolve().parents[1] / spec["corpus"]
    with tempfile.TemporaryDirectory() as tmp:
        build([corpus], Path(tmp) / "out")
        dossier = json.loads((Path(tmp) / "out" / "dossier.json").read_text(encoding="utf-8"))
    timeline = dossier.get("timeline", [])
    res = example_matches(timeline, spec["events"])
    k = sum(ok for _, ok in res)
    print(f"example story key events: {k}/{len(res)}")
    for g, ok in res:
        if not ok:
            print(f"  missed {g['date']:10} {g['event']} [{g['key']}]")
    if verbose:
        for e in timeline:
            arts = len({ev["article_id"] for ev in e["evidence"]})
            print(f"    {e['date']:10} {arts} art  {e['summary'][:100]}")
    return k, len(res)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = _dataset_root()
    only = args[args.index("--topic") + 1] if "--topic" in args else None
    show = "--show" in args
    example_ok = True
    if only is None:
        k, _ = example_story(verbose="--example" in args and show)
        example_ok = k >= EXAMPLE_FLOOR
        if not example_ok:
            print(f"FAILED floor: example story key events {k} < {EXAMPLE_FLOOR}")
        if "--example" in args:
            return 0 if example_ok else 1
    if not root.is_dir():
        print(f"skipped: dataset not found ({root})")
        return 0 if example_ok else 1
    from eval import timeline_build

    failed = timeline_build.check(args)
    if "--news-tls" in args:
        print()
        failed += news_tls(root, only, show)
    if failed:
        print("FAILED floors: " + ", ".join(failed))
        return 1
    return 0 if example_ok else 1


def news_tls(root: Path, only: str | None, show: bool) -> list[str]:
    """The gold-span protocol's table (and its leave-one-topic-out); the floors it misses."""
    from storyline.analyse.lang.nlp import load_nlp

    nlp = load_nlp()
    disable = [p for p in ("ner",) if p in nlp.pipe_names]
    rows: list[tuple[str, dict[str, float]]] = []
    topics: dict[str, tuple[list[Any], list[list[Any]], list[str]]] = {}
    words_total = 0
    secs_total = 0.0
    print("news-tls protocol (articles and days inside the gold span, reduced text, keywords)")
    print(
        f"{'topic':24} {'arts':>5} {'dates':>5} {'M':>2} {'dateF1':>7} {'R1-F1':>7} "
        f"{'R2-F1':>7} {'words/s':>8}"
    )
    for topic in sorted(p for p in root.iterdir() if p.is_dir()):
        if only and topic.name != only:
            continue
        articles, timelines, keywords = load_topic(topic)
        with nlp.select_pipes(disable=disable):
            items, words, secs = topic_events(articles, nlp)
        words_total += words
        secs_total += secs
        topics[topic.name] = (items, timelines, keywords)
        for tl in timelines:
            gold = _as_dates(tl)
            entries, pred = predict(items, tl, keywords)
            s = score(pred, gold)
            rows.append((topic.name, s))
            m = max(1, round(sum(len(v) for v in gold.values()) / max(1, len(gold))))
            print(
                f"{topic.name:24} {len(articles):5d} {len(gold):5d} {m:2d} "
                f"{s['date_f1']:7.3f} {s['rouge1_f1']:7.3f} {s['rouge2_f1']:7.3f} "
                f"{words / secs if secs else 0:8.0f}"
            )
            if show:
                for e in entries:
                    mark = "*" if dt.date.fromisoformat(e.date) in gold else " "
                    print(f"  {mark} {e.date} {e.score:5.2f} {e.summary[:150]}")
    if not rows:
        print("skipped: no topics")
        return []
    mean = {k: sum(s[k] for _, s in rows) / len(rows) for k in FLOORS}
    print(
        f"{'mean':24} {'':5} {'':5} {'':2} {mean['date_f1']:7.3f} {mean['rouge1_f1']:7.3f} "
        f"{mean['rouge2_f1']:7.3f} {words_total / secs_total if secs_total else 0:8.0f}"
    )
    print("reference (DATEWISE, all of Timeline17): date F1 0.544, R1 0.120, R2 0.035")
    if only:
        return []
    from eval.timeline_cv import report

    print()
    cv = report(topics)
    failed = [f"news-tls {k}" for k, v in mean.items() if v < FLOORS[k]]
    failed += [f"news-tls cross-validated {k}" for k, v in cv.items() if v < CV_FLOORS[k]]
    return failed


if __name__ == "__main__":
    sys.exit(main())
