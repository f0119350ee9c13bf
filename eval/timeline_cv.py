"""Leave-one-topic-out choice of the timeline's constants on the Timeline17 dev topics.

The in-sample table of :mod:`eval.timeline` scores constants that were chosen on the same four
topics; this measures what they are worth on a topic they were not chosen on. For each topic,
every setting of the grid below is scored on the other three (mean date F1 + ROUGE-1 F1), the
best one is applied to the held-out topic and that topic's scores are reported. The mean over
the four held-out folds is the cross-validated figure; the setting chosen on all four topics is
printed too (the one ``storyline.link.timeline`` should ship).

Date selection (which days) and sentence selection (what summarises them) are searched one
after the other: the days do not depend on the sentence constants, and searching both at once
would take hours on two shared cores.

    python -m eval.timeline_cv           # table; parses each topic once, cached in eval/_cache

Data: ``$STORYLINE_DATASETS/timeline17``, as for :mod:`eval.timeline`.
"""

from __future__ import annotations

import hashlib
import itertools
import pickle
import sys
from pathlib import Path
from typing import Any

from eval import timeline as tl_eval
from storyline.link import timeline as tl

CACHE = Path(__file__).resolve().parent / "_cache" / "timeline_cv_items.pkl"
# The code whose output the cache holds: the tagger, the event extractor and the reduction.
_SOURCES = (
    "src/storyline/analyse/time/events.py",
    "src/storyline/analyse/time/rules.py",
    "src/storyline/analyse/time/context.py",
    "src/storyline/analyse/time/lexicon.py",
    "src/storyline/analyse/time/calendar.py",
    "src/storyline/analyse/time/timex.py",
    "eval/timeline.py",
)

# The searched constants of storyline.link.timeline and their candidate values.
DATE_GRID: dict[str, tuple[Any, ...]] = {
    "PUB_WEIGHT": (0.05, 0.1, 0.2, 0.4),
    "LEAD_DAYS": (1, 2, 3),
    "SPAN_MARGIN_DAYS": (0, 1, 7),
    "MENTION_WEIGHT": (0.5, 1.0),
}
SENTENCE_GRID: dict[str, tuple[Any, ...]] = {
    "TOPIC_WEIGHT": (0.5, 0.75, 1.0),
    "WEIGHT_BONUS": (0.1, 0.2, 0.4),
}


def _code_key() -> str:
    repo = Path(__file__).resolve().parents[1]
    h = hashlib.sha1()
    for rel in _SOURCES:
        path = repo / rel
        h.update(path.read_bytes() if path.is_file() else b"")
    return h.hexdigest()


def topic_items() -> dict[str, tuple[list[Any], list[list[Any]], list[str]]]:
    """Per topic: build_timeline items, gold timelines and keywords (parsed once, cached)."""
    key = _code_key()
    if CACHE.is_file():
        with CACHE.open("rb") as f:
            cached = pickle.load(f)
        if cached.get("key") == key:
            return dict(cached["topics"])
    from storyline.analyse.lang.nlp import load_nlp

    nlp = load_nlp()
    disable = [p for p in ("ner",) if p in nlp.pipe_names]
    topics: dict[str, tuple[list[Any], list[list[Any]], list[str]]] = {}
    for topic in sorted(p for p in tl_eval._dataset_root().iterdir() if p.is_dir()):
        articles, timelines, keywords = tl_eval.load_topic(topic)
        with nlp.select_pipes(disable=disable):
            items, _, _ = tl_eval.topic_events(articles, nlp)
        topics[topic.name] = (items, timelines, keywords)
        print(f"  parsed {topic.name}", file=sys.stderr)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with CACHE.open("wb") as f:
        pickle.dump({"key": key, "topics": topics}, f)
    return topics


def _apply(setting: dict[str, Any]) -> None:
    for name, value in setting.items():
        if name == "MENTION_WEIGHT":
            tl._METHOD_WEIGHT["events.mention"] = value
        else:
            setattr(tl, name, value)


def _current() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in (*DATE_GRID, *SENTENCE_GRID):
        if name == "MENTION_WEIGHT":
            out[name] = tl._METHOD_WEIGHT["events.mention"]
        else:
            out[name] = getattr(tl, name)
    return out


def _score_topic(data: tuple[list[Any], list[list[Any]], list[str]]) -> dict[str, float]:
    items, timelines, keywords = data
    rows = []
    for t in timelines:
        _, pred = tl_eval.predict(items, t, keywords)
        rows.append(tl_eval.score(pred, tl_eval._as_dates(t)))
    return {k: sum(r[k] for r in rows) / len(rows) for k in rows[0]}


def _settings(grid: dict[str, tuple[Any, ...]]) -> list[dict[str, Any]]:
    names = list(grid)
    return [dict(zip(names, vals, strict=True)) for vals in itertools.product(*grid.values())]


def _table(
    topics: dict[str, Any], base: dict[str, Any], grid: dict[str, tuple[Any, ...]]
) -> dict[tuple[str, int], dict[str, float]]:
    """Scores of every (topic, setting index) with ``base`` plus that setting."""
    out: dict[tuple[str, int], dict[str, float]] = {}
    for i, setting in enumerate(_settings(grid)):
        _apply({**base, **setting})
        for name, data in topics.items():
            out[(name, i)] = _score_topic(data)
    _apply(base)
    return out


def _objective(s: dict[str, float]) -> float:
    return s["date_f1"] + s["rouge1_f1"]


def _best(table: dict[tuple[str, int], dict[str, float]], names: list[str], n_settings: int) -> int:
    def mean_obj(i: int) -> float:
        return sum(_objective(table[(t, i)]) for t in names) / len(names)

    return max(range(n_settings), key=lambda i: (round(mean_obj(i), 6), -i))


def report(topics: dict[str, tuple[list[Any], list[list[Any]], list[str]]]) -> dict[str, float]:
    """Print the in-sample and leave-one-topic-out table; the cross-validated means."""
    names = sorted(topics)
    shipped = _current()
    in_sample = {t: _score_topic(topics[t]) for t in names}
    date_settings = _settings(DATE_GRID)
    sent_settings = _settings(SENTENCE_GRID)
    date_table = _table(topics, shipped, DATE_GRID)
    folds: dict[str, dict[str, float]] = {}
    chosen: dict[str, dict[str, Any]] = {}
    for held in [*names, "(all)"]:
        train = [t for t in names if t != held]
        d = date_settings[_best(date_table, train, len(date_settings))]
        base = {**shipped, **d}
        sent_table = _table({t: topics[t] for t in train}, base, SENTENCE_GRID)
        sset = sent_settings[_best(sent_table, train, len(sent_settings))]
        chosen[held] = {**d, **sset}
        if held != "(all)":
            _apply({**shipped, **chosen[held]})
            folds[held] = _score_topic(topics[held])
            _apply(shipped)
    print("Timeline17 dev topics: shipped constants in-sample vs leave-one-topic-out")
    print(
        f"{'held-out topic':24} {'in dateF1':>9} {'in R1':>6} {'cv dateF1':>9} {'cv R1':>6}  chosen"
    )
    for t in names:
        i, f = in_sample[t], folds[t]
        pick = " ".join(f"{k}={v}" for k, v in chosen[t].items())
        print(
            f"{t:24} {i['date_f1']:9.3f} {i['rouge1_f1']:6.3f} {f['date_f1']:9.3f}"
            f" {f['rouge1_f1']:6.3f}  {pick}"
        )
    cv: dict[str, float] = {}
    for label, src in (("mean in-sample", in_sample), ("mean cross-validated", folds)):
        m = {k: sum(src[t][k] for t in names) / len(names) for k in ("date_f1", "rouge1_f1")}
        print(f"{label:24} date F1 {m['date_f1']:.3f}  ROUGE-1 F1 {m['rouge1_f1']:.3f}")
        cv = m
    print("shipped: " + " ".join(f"{k}={v}" for k, v in shipped.items()))
    print("chosen on all four: " + " ".join(f"{k}={v}" for k, v in chosen["(all)"].items()))
    return cv


def main(argv: list[str] | None = None) -> int:
    if not tl_eval._dataset_root().is_dir():
        print("skipped: dataset not found")
        return 0
    report(topic_items())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
