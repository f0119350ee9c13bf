"""Timeline17 scored on the product path: ``storyline build`` on each topic's articles.

The held-out check builds each topic as a user would (the articles as a JSONL input with their
``published`` dates, ``--timeline-dates N --timeline-sentences M`` from the gold timeline) and
scores the dossier's timeline. This module does the same with :func:`storyline.pipeline.build`,
so nothing the eval does (a span taken from the gold timeline, a reduced text, the topic's
keywords) can flatter the figure: the build alone decides which days and which sentences.

Each topic is built into its own store under ``eval/_cache`` (``tlb_<topic>.sqlite``): a rebuild
re-does only what its cache keys say changed, so after a change to the timeline ranking only the
corpus stage runs again, after a change to the time tagger only that layer.

    python -m eval.timeline_build            # table of the dossiers' timelines, then LOTO
    python -m eval.timeline_build --show     # and each produced timeline, gold days starred
    python -m eval.timeline_build --topic bpoil_foxnews   # one topic

Data: ``$STORYLINE_DATASETS/timeline17``, as for :mod:`eval.timeline`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from eval import timeline as tl_eval

CACHE = Path(__file__).resolve().parent / "_cache"
# Floors pinned a little under the figures measured on the product path (this module's ROUGE,
# tilse absent). Before issue 14's third session the builds scored date F1 0.348, ROUGE-1 0.113:
# the old eval's 0.725 came from keeping only the articles and days inside the gold timeline's
# span, which no build knows. With the span from publication-date quantiles, remembered days,
# off-topic articles down-weighted and the collection's opening favoured (RETRO_WEIGHT 1,
# OFFTOPIC_POWER 2, EARLY_WEIGHT 3, SAME_SENTENCE_ONCE off: the choice on all four topics):
# in-sample 0.654 / 0.175, leave-one-topic-out 0.616 / 0.164 (18:25, stores rebuilt after the
# exact-copies fix 1ce5327; the 0.518 / 0.401 of 4c61802 were read on stores in which every
# article of one date had one article's layers). Re-measured after the fourth session's tagger
# changes (tense, seasons, story years; 19:50): in-sample 0.635 / 0.172 (bpoil_foxnews lost one
# gold day, 0.615 -> 0.538), leave-one-topic-out 0.635 / 0.168 (up from 0.616 / 0.164); the
# procedure's choice on all four topics is then RETRO_WEIGHT 3, EARLY_WEIGHT 10, shipped since
# (eval.timeline_robust agrees): in-sample 0.654 / 0.170, leave-one-topic-out 0.635 / 0.168
# (20:38). Cross-validated floors raised 0.58 / 0.155 -> 0.60 / 0.16.
FLOORS: dict[str, float] = {"date_f1": 0.62, "rouge1_f1": 0.16}
CV_FLOORS: dict[str, float] = {"date_f1": 0.60, "rouge1_f1": 0.16}


# A topic bigger than this is built on an even sample of it (every k-th article in
# publication order, so the sample keeps the collection's whole span): a full parse of
# thousands of articles takes too long for an eval on two shared cores. The dev topics have
# 76-296 articles and are built whole.
MAX_TOPIC_ARTICLES = 1500


def topic_input(topic: Path) -> Path:
    """The topic's articles as one JSONL input, as a user would give them: id, text and the
    publication date. Written once per topic (the dataset never changes)."""
    out = CACHE / f"tlb_{topic.name}_in.jsonl"
    if out.is_file():
        return out
    rows: list[dict[str, Any]] = []
    with (topic / "articles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            a = json.loads(line)
            row: dict[str, Any] = {"id": str(a["id"]), "text": str(a.get("text") or "")}
            pub = str(a.get("time") or "")[:10]
            if pub:
                row["published"] = pub
            rows.append(row)
    if len(rows) > MAX_TOPIC_ARTICLES:
        rows.sort(key=lambda r: (str(r.get("published") or ""), r["id"]))
        step = len(rows) / MAX_TOPIC_ARTICLES
        rows = [rows[int(i * step)] for i in range(MAX_TOPIC_ARTICLES)]
        print(f"  {topic.name}: built on {len(rows)} sampled articles", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return out


def gold_size(gold: dict[dt.date, list[str]]) -> tuple[int, int]:
    """``--timeline-dates`` and ``--timeline-sentences`` for a gold timeline (news-tls)."""
    n = len(gold)
    return n, max(1, round(sum(len(v) for v in gold.values()) / max(1, n)))


def build_topic(topic: Path, n_dates: int, n_sents: int) -> tuple[list[dict[str, Any]], float]:
    """The dossier timeline of a build of ``topic`` and the seconds the build took."""
    from storyline.pipeline import build

    out = CACHE / f"tlb_{topic.name}"
    t0 = time.perf_counter()
    build(
        [topic_input(topic)],
        out,
        db=CACHE / f"tlb_{topic.name}.sqlite",
        timeline_dates=n_dates,
        timeline_sentences=n_sents,
    )
    dossier = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    return list(dossier.get("timeline", [])), time.perf_counter() - t0


def store_items(topic: Path) -> list[tuple[str, str | None, str | None, list[Any]]]:
    """The ``build_timeline`` items of the topic's last build, read from its store exactly as
    the corpus stage reads them (for choosing constants without re-running the build)."""
    from storyline.analyse.time.events import Event
    from storyline.store import open_store

    with open_store(CACHE / f"tlb_{topic.name}.sqlite") as store:
        build_id = store.last_build()
        if build_id is None:
            raise RuntimeError(f"{topic.name}: no finished build in the store")
        articles = [b.to_record() for b in store.briefs(build_id)]
        layers = store.layers_of([a["id"] for a in articles], "events")
    items: list[tuple[str, str | None, str | None, list[Any]]] = []
    for a in articles:
        data = layers.get(a["id"])
        if data is None:
            continue
        events = [Event.from_json(e) for e in data]
        items.append((a["id"], a["published"], a["duplicate_of"], events))
    return items


# The constants of storyline.link.timeline searched by leave-one-topic-out on the build path.
BUILD_GRID: dict[str, tuple[Any, ...]] = {
    "RETRO_WEIGHT": (0.0, 1.0, 3.0),
    "OFFTOPIC_POWER": (0.0, 1.0, 2.0),
    "EARLY_WEIGHT": (0.0, 1.0, 3.0, 10.0),
    "SAME_SENTENCE_ONCE": (False, True),
}


def score_items(
    items: list[tuple[str, str | None, str | None, list[Any]]], gold: dict[dt.date, list[str]]
) -> dict[str, float]:
    """The scores of the timeline the corpus stage would build from ``items``."""
    from storyline.link.timeline import build_timeline

    n, m = gold_size(gold)
    entries = build_timeline(items, max_dates=n, max_sentences=m)
    pred = as_pred(
        [{"date": e.date, "evidence": [{"text": ev.text} for ev in e.evidence]} for e in entries],
        m,
    )
    return tl_eval.score(pred, gold)


def loto(
    topics: dict[str, tuple[list[Any], list[dict[dt.date, list[str]]]]],
    grid: dict[str, tuple[Any, ...]] = BUILD_GRID,
) -> dict[str, float]:
    """Leave-one-topic-out over ``grid``: for each topic the setting best on the other topics
    (mean date F1 + ROUGE-1 F1) scores it. Prints the folds; returns the held-out means."""
    import itertools

    from storyline.link import timeline as tl

    names = sorted(topics)
    keys = list(grid)
    settings = [dict(zip(keys, v, strict=True)) for v in itertools.product(*grid.values())]
    shipped = {k: getattr(tl, k) for k in keys}
    table: dict[tuple[str, int], dict[str, float]] = {}
    try:
        for i, setting in enumerate(settings):
            for k, v in setting.items():
                setattr(tl, k, v)
            for name in names:
                items, golds = topics[name]
                rows = [score_items(items, g) for g in golds]
                table[(name, i)] = {k: sum(r[k] for r in rows) / len(rows) for k in rows[0]}
    finally:
        for k, v in shipped.items():
            setattr(tl, k, v)

    def best(train: list[str]) -> int:
        def obj(i: int) -> float:
            return sum(table[(t, i)]["date_f1"] + table[(t, i)]["rouge1_f1"] for t in train)

        return max(range(len(settings)), key=lambda i: (round(obj(i), 6), -i))

    shipped_i = next((i for i, st in enumerate(settings) if st == shipped), None)
    print("build path, leave-one-topic-out over " + ", ".join(keys))
    print(f"{'held-out topic':24} {'cv dateF1':>9} {'cv R1':>6}  chosen on the other topics")
    folds = {}
    for held in names:
        i = best([t for t in names if t != held])
        folds[held] = table[(held, i)]
        pick = " ".join(f"{k}={v}" for k, v in settings[i].items())
        print(f"{held:24} {folds[held]['date_f1']:9.3f} {folds[held]['rouge1_f1']:6.3f}  {pick}")
    cv = {k: sum(folds[t][k] for t in names) / len(names) for k in ("date_f1", "rouge1_f1")}
    print(f"{'mean cross-validated':24} {cv['date_f1']:9.3f} {cv['rouge1_f1']:6.3f}")
    i_all = best(names)
    print("chosen on all topics: " + " ".join(f"{k}={v}" for k, v in settings[i_all].items()))
    if shipped_i is not None:
        ins = {
            k: sum(table[(t, shipped_i)][k] for t in names) / len(names)
            for k in ("date_f1", "rouge1_f1")
        }
        print(f"shipped, in-sample: date F1 {ins['date_f1']:.3f} ROUGE-1 {ins['rouge1_f1']:.3f}")
    return cv


def as_pred(timeline: list[dict[str, Any]], n_sents: int) -> dict[dt.date, list[str]]:
    pred: dict[dt.date, list[str]] = {}
    for e in timeline:
        if len(e["date"]) != 10:
            continue  # a month or a year is never a gold day
        sents = [re.sub(r"\s+", " ", ev["text"]).strip() for ev in e["evidence"]]
        pred[dt.date.fromisoformat(e["date"])] = sents[:n_sents]
    return pred


def check(args: list[str]) -> list[str]:
    """Build every topic, print the table and the leave-one-topic-out figure; the floors
    missed (a crashed topic scores 0 and is named)."""
    root = tl_eval._dataset_root()
    only = args[args.index("--topic") + 1] if "--topic" in args else None
    show = "--show" in args
    rows: list[dict[str, float]] = []
    failed: list[str] = []
    topics: dict[str, tuple[list[Any], list[dict[dt.date, list[str]]]]] = {}
    print("product path: storyline build on each topic's articles (dossier timeline)")
    print(f"{'topic':24} {'arts':>5} {'dates':>5} {'M':>2} {'dateF1':>7} {'R1-F1':>7} {'secs':>6}")
    for topic in sorted(p for p in root.iterdir() if p.is_dir()):
        if only and topic.name != only:
            continue
        _, timelines, _ = tl_eval.load_topic(topic)
        with (topic / "articles.jsonl").open(encoding="utf-8") as f:
            n_arts = sum(1 for line in f if line.strip())
        golds = [tl_eval._as_dates(t) for t in timelines]
        for gold in golds:
            n, m = gold_size(gold)
            try:
                timeline, secs = build_topic(topic, n, m)
            except Exception:  # a crashed topic scores 0, as the held-out check counts it
                traceback.print_exc()
                rows.append({"date_f1": 0.0, "rouge1_f1": 0.0, "rouge2_f1": 0.0})
                failed.append(f"{topic.name} crashed")
                print(f"{topic.name:24} CRASHED")
                continue
            s = tl_eval.score(as_pred(timeline, m), gold)
            rows.append(s)
            print(
                f"{topic.name:24} {n_arts:5d} {n:5d} {m:2d} {s['date_f1']:7.3f} "
                f"{s['rouge1_f1']:7.3f} {secs:6.0f}"
            )
            if show:
                for e in timeline:
                    d = e["date"]
                    mark = "*" if len(d) == 10 and dt.date.fromisoformat(d) in gold else " "
                    print(f"  {mark} {d} {e.get('score', 0):5.2f} {e['summary'][:150]}")
        if topic.name not in [f.split()[0] for f in failed]:
            topics[topic.name] = (store_items(topic), golds)
    if not rows:
        print("skipped: no topics")
        return failed
    mean = {k: sum(r[k] for r in rows) / len(rows) for k in ("date_f1", "rouge1_f1")}
    print(
        f"{'mean in-sample':24} {'':5} {'':5} {'':2} {mean['date_f1']:7.3f} {mean['rouge1_f1']:7.3f}"
    )
    failed += [f"build {k}" for k, v in mean.items() if v < FLOORS[k]]
    if only or len(topics) < 2:
        return failed
    print()
    cv = loto(topics)
    failed += [f"build cross-validated {k}" for k, v in cv.items() if v < CV_FLOORS[k]]
    return failed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not tl_eval._dataset_root().is_dir():
        print("skipped: dataset not found")
        return 0
    failed = check(args)
    if failed:
        print("FAILED floors: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
