"""How the timeline build holds up on collections unlike the four dev topics.

The held-out timeline figure (date F1 0.388 against our leave-one-topic-out 0.616) comes from
topics we never see: some far larger or smaller than ours, some gathered with many off-topic or
undated pages, scored with other ``--timeline-dates`` sizes. This module re-scores the corpus
stage's timeline (``build_timeline`` on the items of each dev topic's last build, read from its
store under ``eval/_cache`` as :mod:`eval.timeline_build` leaves it) on deterministic variants
of each topic:

- ``base``: the topic as built;
- ``offtopic``: the other story's articles added (half as many as the topic has), their dates
  moved into this topic's span, as a keyword-gathered collection holds pages about other news;
  ``offtopic+``: as many as the topic has (half the collection is off-topic);
- ``undated``: every third article without a publication date;
- ``small``: every third article only;
- ``merged``: both topics of the story as one collection twice the size;
- ``dates/2`` and ``dates*2``: half and twice the gold timeline's number of dates.

    python -m eval.timeline_robust          # table, per variant, shipped constants
    python -m eval.timeline_robust --grid   # and each setting of eval.timeline_build's grid

Needs the stores of a previous ``python -m eval.timeline_build`` run; skipped without them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import sys
from typing import Any

from eval import timeline as tl_eval
from eval import timeline_build as tlb

Items = list[tuple[str, str | None, str | None, list[Any]]]
STORY = {
    "H1N1_guardian": "H1N1",
    "H1N1_reuters": "H1N1",
    "bpoil_foxnews": "bpoil",
    "bpoil_washingtonpost": "bpoil",
}


def _shift(items: Items, days: int, prefix: str) -> Items:
    """``items`` with their ids prefixed and every date (published, events) moved by ``days``."""
    out: Items = []
    for aid, pub, dup, events in items:
        moved = []
        for ev in events:
            d = ev.date
            if len(d) == 10 and d[:4].isdigit():
                with contextlib.suppress(ValueError):
                    d = (dt.date.fromisoformat(d) + dt.timedelta(days=days)).isoformat()
            moved.append(dataclasses.replace(ev, date=d))
        new_pub = None
        if pub:
            new_pub = (dt.date.fromisoformat(pub[:10]) + dt.timedelta(days=days)).isoformat()
        out.append((prefix + aid, new_pub, prefix + dup if dup else None, moved))
    return out


def _first_pub(items: Items) -> dt.date:
    return min(dt.date.fromisoformat(p[:10]) for _, p, _, _ in items if p)


def variants(
    name: str, items: Items, all_items: dict[str, Items]
) -> dict[str, tuple[Items, float]]:
    """The variants of one topic: items and the factor on the gold's number of dates."""
    items = sorted(items, key=lambda r: r[0])
    other_story = [n for n in all_items if STORY[n] != STORY[name]]
    other_all = sorted(all_items[other_story[0]], key=lambda r: r[0])
    other = other_all[: len(items) // 2]
    heavy = (other_all * 2)[: len(items)]
    shift = (_first_pub(items) - _first_pub(other)).days
    twin = next(n for n in all_items if STORY[n] == STORY[name] and n != name)
    undated = [(a, None if i % 3 == 0 else p, d, e) for i, (a, p, d, e) in enumerate(items)]
    return {
        "base": (items, 1.0),
        "offtopic": (items + _shift(other, shift, "off:"), 1.0),
        "offtopic+": (
            items
            + _shift(heavy[: len(other_all)], shift, "off:")
            + _shift(heavy[len(other_all) :], shift, "off2:"),
            1.0,
        ),
        "undated": (undated, 1.0),
        "small": (items[::3], 1.0),
        "merged": (items + _shift(all_items[twin], 0, "twin:"), 1.0),
        "dates/2": (items, 0.5),
        "dates*2": (items, 2.0),
    }


def score(items: Items, gold: dict[dt.date, list[str]], factor: float) -> dict[str, float]:
    from storyline.link.timeline import build_timeline

    n, m = tlb.gold_size(gold)
    n = max(1, round(n * factor))
    entries = build_timeline(items, max_dates=n, max_sentences=m)
    pred = tlb.as_pred(
        [{"date": e.date, "evidence": [{"text": ev.text} for ev in e.evidence]} for e in entries],
        m,
    )
    return tl_eval.score(pred, gold)


def load() -> dict[str, tuple[Items, list[dict[dt.date, list[str]]]]] | None:
    root = tl_eval._dataset_root()
    if not root.is_dir():
        return None
    out = {}
    for name in STORY:
        topic = root / name
        if not (tlb.CACHE / f"tlb_{name}.sqlite").is_file():
            return None
        _, timelines, _ = tl_eval.load_topic(topic)
        out[name] = (tlb.store_items(topic), [tl_eval._as_dates(t) for t in timelines])
    return out


def table(
    topics: dict[str, tuple[Items, list[dict[dt.date, list[str]]]]],
) -> dict[str, dict[str, dict[str, float]]]:
    """variant -> topic -> mean scores over the topic's gold timelines."""
    all_items = {n: v[0] for n, v in topics.items()}
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, (items, golds) in topics.items():
        for var, (its, factor) in variants(name, items, all_items).items():
            rows = [score(its, g, factor) for g in golds]
            out.setdefault(var, {})[name] = {
                k: sum(r[k] for r in rows) / len(rows) for k in ("date_f1", "rouge1_f1")
            }
    return out


def _means(t: dict[str, dict[str, dict[str, float]]]) -> dict[str, tuple[float, float]]:
    return {
        var: (
            sum(r["date_f1"] for r in per.values()) / len(per),
            sum(r["rouge1_f1"] for r in per.values()) / len(per),
        )
        for var, per in t.items()
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    topics = load()
    if topics is None:
        print("skipped: Timeline17 or the eval.timeline_build stores not found")
        return 0
    t = table(topics)
    print("timeline robustness (corpus stage on the dev topics' stores), date F1 / ROUGE-1")
    print(f"{'variant':10} " + " ".join(f"{n[:14]:>14}" for n in STORY) + "      mean")
    for var, per in t.items():
        cells = " ".join(
            f"{per[n]['date_f1']:6.3f}/{per[n]['rouge1_f1']:.3f}".rjust(14) for n in STORY
        )
        d, r = _means({var: per})[var]
        print(f"{var:10} {cells}  {d:.3f}/{r:.3f}")
    if "--grid" in args:
        from storyline.link import timeline as tl

        keys = list(tlb.BUILD_GRID)
        shipped = {k: getattr(tl, k) for k in keys}
        print()
        print("grid: mean date F1 over topics per variant (and over all variants)")
        try:
            for values in itertools.product(*tlb.BUILD_GRID.values()):
                for k, v in zip(keys, values, strict=True):
                    setattr(tl, k, v)
                means = _means(table(topics))
                overall = sum(d for d, _ in means.values()) / len(means)
                cells = " ".join(f"{var}={d:.3f}" for var, (d, _) in means.items())
                print(f"{values} all={overall:.3f} {cells}")
        finally:
            for k, v in shipped.items():
                setattr(tl, k, v)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
