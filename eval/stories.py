"""Story clustering: B-cubed and pairwise scores of the online clustering on labelled streams.

Sets (each a stream of articles with a gold story per article):
- ``gva``: ../shared/datasets/stories-gva-dev (656 local-news articles, 396 gun-violence
  incidents: look-alike stories of one kind).
- ``polnear``: 173 PolNeAR train articles of February-March 2016 (US election coverage by seven
  outlets), grouped into events by hand for this evaluation: ``eval/data/stories_polnear_gold.json``
  (debates, primaries and their results, the email inquiry, the court vacancy, ...; analysis
  pieces with no event of their own are alone).
- ``example``: the example corpus (examples/labour-trump-2024), one story, as it must stay.
- ``timeline17`` (coarse check only, never fitted on): 120 articles of the four Timeline17
  collections mixed; gold is the topic (H1N1 or the BP oil spill), so a clustering that finds
  events splits them and loses recall: it checks that two topics never merge.

The stored layers come from a real analysed build of each set, cached in ``eval/_cache/``
(gitignored), and so are the lead embeddings.

``python -m eval.stories --fit`` fits the model on all the sets but timeline17 (logistic
regression on article-vs-story features with the gold stories as the state, then the join
threshold by B-cubed F1 of the real online pass) and writes ``storyline/link/story_weights.py``.
Every run prints in-sample figures, leave-one-set-out figures (weights and threshold fitted on
the other set, scored on this one), the every-article-alone figure and a single-pass tf-idf
centroid baseline whose threshold is tuned on the set itself.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("STORYLINE_DATASETS", ROOT.parent / "shared" / "datasets"))
CACHE = ROOT / "eval" / "_cache"
DATA = ROOT / "eval" / "data"
EXAMPLE = ROOT / "examples" / "labour-trump-2024"
WEIGHTS_FILE = ROOT / "src" / "storyline" / "link" / "story_weights.py"

FLOORS = {
    # set: (B-cubed F1, pairwise F1), a little under what the shipped model reaches.
    "gva": (0.91, 0.72),
    "gva/nodate": (0.90, 0.72),
    "polnear": (0.77, 0.30),
    "polnear/nodate": (0.75, 0.10),
    "example": (1.0, 1.0),
}
CV_FLOORS = {"gva": 0.88, "gva/nodate": 0.80, "polnear": 0.66, "polnear/nodate": 0.72}
"""Leave-one-set-out B-cubed F1 floors (weights and threshold fitted on the other set)."""
PRECISION_FLOORS = {"timeline17": 0.98, "timeline17/nodate": 0.98}
"""Timeline17's gold is the topic: what it checks is that H1N1 and the oil spill never merge."""
FIT_SETS = ("gva", "polnear", "example")
THRESHOLDS = (*(round(0.05 * k, 2) for k in range(2, 19)), 0.925, 0.95, 0.975, 0.99)
BASELINE_THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(2, 14))
BASELINE_QUERY_TERMS = 20
L2 = 1.0
"""Ridge penalty of the logistic fit (standardised features): keeps weights finite when a
feature separates a small set perfectly."""


# -- data -------------------------------------------------------------------------------------


def _polnear_stream() -> Path:
    out = CACHE / "polnear_in.jsonl"
    if out.exists():
        return out
    gold = json.loads((DATA / "stories_polnear_gold.json").read_text())
    text_dir = DATASETS / "polnear" / "train" / "text"
    rows = []
    for f in sorted(text_dir.iterdir()):
        aid = f.stem[:60]
        if aid not in gold:
            continue
        outlet, day = f.stem.split("_")[:2]
        title, _, body = f.read_text().partition("\n")
        rows.append(
            {
                "id": aid,
                "title": title.strip().rstrip("."),
                "text": body.strip(),
                "published": day,
                "outlet": outlet,
            }
        )
    rows.sort(key=lambda r: (r["published"], r["id"]))
    CACHE.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return out


def _timeline17_stream() -> tuple[Path, dict[str, str]]:
    out, gold_file = CACHE / "t17_in.jsonl", CACHE / "t17_gold.json"
    if out.exists() and gold_file.exists():
        return out, json.loads(gold_file.read_text())
    rows, gold = [], {}
    for c in ("H1N1_guardian", "H1N1_reuters", "bpoil_foxnews", "bpoil_washingtonpost"):
        path = DATASETS / "timeline17" / c / "articles.jsonl"
        arts = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        arts.sort(key=lambda a: (a["time"], a["id"]))
        # Every k-th article: the collection's whole span, not its first weeks.
        step = max(1, len(arts) // 30)
        for a in arts[::step][:30]:
            first, _, rest = a["text"].partition("\n")
            aid = f"{c}-{a['id']}"
            rows.append(
                {
                    "id": aid,
                    "title": first[:200],
                    "text": rest or a["text"],
                    "published": a["time"][:10],
                    "outlet": c.split("_")[1],
                }
            )
            gold[aid] = c.split("_")[0]
    rows.sort(key=lambda r: (r["published"], r["id"]))
    CACHE.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    gold_file.write_text(json.dumps(gold))
    return out, gold


def _sets() -> dict[str, tuple[Path, dict[str, str]]]:
    sets: dict[str, tuple[Path, dict[str, str]]] = {}
    gva = DATASETS / "stories-gva-dev"
    if (gva / "in.jsonl").exists():
        sets["gva"] = (gva / "in.jsonl", json.loads((gva / "gold.json").read_text()))
    if (DATASETS / "polnear" / "train" / "text").exists():
        gold = json.loads((DATA / "stories_polnear_gold.json").read_text())
        sets["polnear"] = (_polnear_stream(), gold)
    if (DATASETS / "timeline17").exists():
        sets["timeline17"] = _timeline17_stream()
    # The example corpus is one story (the issue's own requirement), every file of it.
    sets["example"] = (EXAMPLE, {f.stem: "labour-trump" for f in sorted(EXAMPLE.iterdir())})
    return sets


def _store_for(name: str, stream: Path) -> Path:
    """An analysed build of ``stream``, made once and kept in the cache."""
    from storyline.pipeline import build
    from storyline.settings import Settings

    db = CACHE / f"{name}.sqlite"
    stamp = CACHE / f"{name}.built"
    if db.exists() and stamp.exists() and stamp.read_text() == _fingerprint(stream):
        return db
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        stale.unlink(missing_ok=True)
    print(f"   building the analysed store for {name} (cached afterwards) ...", flush=True)
    build([str(stream)], None, db=db, write_outputs=False, analyse=True, settings=Settings())
    stamp.write_text(_fingerprint(stream))
    return db


def _fingerprint(stream: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for f in sorted(stream.iterdir()) if stream.is_dir() else [stream]:
        digest.update(f.read_bytes())
    return digest.hexdigest()


def load_inputs(name: str, stream: Path) -> list[Any]:
    """The set's StoryInputs, from its analysed store, with cached lead embeddings."""
    from storyline.analyse.lang import embeddings as emb
    from storyline.link.stories import inputs_from_store
    from storyline.store.sqlite import Store

    db = _store_for(name, stream)
    with Store(db) as store:
        build_id = int(store.db.execute("SELECT MAX(id) FROM builds").fetchone()[0])
        inputs = list(inputs_from_store(store, build_id, embeddings=False))
        if not emb.available():
            return inputs
        cache = CACHE / f"{name}.emb.npz"
        vectors: dict[str, np.ndarray] = {}
        if cache.exists():
            with np.load(cache) as z:
                vectors = {k: z[k] for k in z.files}
        missing = [a for a in inputs if a.id not in vectors]
        if missing:
            texts = [emb.lead_text(a.title, store.clean_text_of(a.id)) for a in missing]
            t0 = time.perf_counter()
            got = emb.embed(texts)
            rate = len(texts) / max(time.perf_counter() - t0, 1e-9)
            print(f"   embedded {len(texts)} leads of {name} ({rate:.1f}/s)", flush=True)
            for a, v in zip(missing, got, strict=True):
                vectors[a.id] = v
            np.savez(cache, **vectors)  # type: ignore[arg-type]  # numpy stubs: kwargs are arrays
    return [replace(a, embedding=vectors.get(a.id)) for a in inputs]


# -- scores -----------------------------------------------------------------------------------


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    ids = [a for a in gold if a in pred]
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for a in ids:
        by_pred[pred[a]].add(a)
        by_gold[gold[a]].add(a)
    p = r = 0.0
    for a in ids:
        same = len(by_pred[pred[a]] & by_gold[gold[a]])
        p += same / len(by_pred[pred[a]])
        r += same / len(by_gold[gold[a]])
    p, r = p / len(ids), r / len(ids)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairwise(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    ids = [a for a in gold if a in pred]

    def pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for a in ids:
            groups[labels[a]].append(a)
        return {(x, y) for g in groups.values() for i, x in enumerate(g) for y in g[i + 1 :]}

    pp, gp = pairs(pred), pairs(gold)
    tp = len(pp & gp)
    p = tp / len(pp) if pp else 1.0
    r = tp / len(gp) if gp else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def assignment(stories: Iterable[Any]) -> dict[str, str]:
    return {a: s.id for s in stories for a in s.article_ids}


# -- fitting ----------------------------------------------------------------------------------


def training_rows(inputs: Sequence[Any], gold: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Article-vs-candidate features along the gold stream: the state is the gold stories so
    far, the candidates are what the index finds (plus the true story when it misses it)."""
    from storyline.link.stories import (
        StoryIndex,
        StoryModel,
        _day,
        outlet_furniture,
        stream_key,
    )

    index = StoryIndex(
        StoryModel(weights=(), bias=0.0, threshold=1.0), furniture=outlet_furniture(inputs)
    )
    story_of: dict[str, Any] = {}
    xs: list[list[float]] = []
    ys: list[int] = []
    for a in sorted(inputs, key=stream_key):
        day = _day(a.published)
        index._expire(day)
        terms = index._article_terms(a)
        true = story_of.get(gold[a.id])
        cands = index.candidates(a, terms)
        if true is not None and true not in cands:
            cands.append(true)
        for s in cands:
            xs.append(index.features(a, terms, day, s))
            ys.append(1 if s is true else 0)
        if true is None:
            true = index._new_story(a, day)
            story_of[gold[a.id]] = true
        index._join(true, a, terms, day, 1.0)
    return np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Ridge-penalised logistic regression by Newton steps on standardised features; positives
    and negatives weighted to balance (the threshold is tuned afterwards on the real pass)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    z1 = np.hstack([z, np.ones((len(z), 1))])
    pos = max(y.sum(), 1.0)
    neg = max(len(y) - y.sum(), 1.0)
    sample = np.where(y > 0, len(y) / (2 * pos), len(y) / (2 * neg))
    w = np.zeros(z1.shape[1])
    penalty = np.full(z1.shape[1], L2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z1 @ w, -30, 30)))
        grad = z1.T @ (sample * (p - y)) + penalty * w
        hess = (z1 * (sample * p * (1 - p))[:, None]).T @ z1 + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1]), mean, scale


def model_from(w: np.ndarray, b: float, mean: np.ndarray, scale: np.ndarray, t: float) -> Any:
    from storyline.link.stories import StoryModel

    return StoryModel(
        weights=tuple(float(v) for v in w),
        bias=b,
        threshold=t,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
    )


def fit(data: dict[str, tuple[list[Any], dict[str, str]]], names: Sequence[str]) -> Any:
    """Weights on the sets ``names`` together, then the threshold with the best mean B-cubed F1
    over them."""
    from storyline.link.stories import cluster_stories

    # Each set twice: as dated, and with its dates taken away (a stream may have none).
    rows = [training_rows(*data[n]) for n in names]
    rows += [training_rows(undated(data[n][0]), data[n][1]) for n in names]
    # Each set weighs the same, whatever its size.
    x = np.vstack([r[0] for r in rows])
    y = np.concatenate([r[1] for r in rows])
    w, b, mean, scale = fit_logistic(x, y)
    best_t, best_f = 0.5, -1.0
    for t in THRESHOLDS:
        model = model_from(w, b, mean, scale, t)
        f = float(
            np.mean(
                [
                    bcubed(assignment(cluster_stories(inputs, model)), data[n][1])[2]
                    for n in names
                    for inputs in (data[n][0], undated(data[n][0]))
                ]
            )
        )
        if f > best_f + 1e-9:
            best_t, best_f = t, f
    return model_from(w, b, mean, scale, best_t)


def undated(inputs: Sequence[Any]) -> list[Any]:
    return [replace(a, published=None) for a in inputs]


def write_weights(model: Any) -> None:
    from storyline.link.stories import FEATURES

    data = {
        "features": list(FEATURES),
        "weights": [round(v, 6) for v in model.weights],
        "bias": round(model.bias, 6),
        "threshold": model.threshold,
        "mean": [round(v, 6) for v in model.mean],
        "scale": [round(v, 6) for v in model.scale],
        "fitted_on": list(FIT_SETS),
    }
    WEIGHTS_FILE.write_text(
        '"""Weights of the story model, fitted by ``python -m eval.stories --fit`` on the\n'
        'labelled streams named in ``fitted_on`` (do not edit by hand)."""\n\n'
        "from typing import Any\n\n"
        f"MODEL: dict[str, Any] = {json.dumps(data, indent=4)}\n"
    )
    # The house style (trailing commas), so `make lint` holds after a refit.
    ruff = Path(sys.executable).parent / "ruff"
    if ruff.exists():
        subprocess.run([str(ruff), "format", "-q", str(WEIGHTS_FILE)], check=False)


# -- baseline ---------------------------------------------------------------------------------


def tfidf_baseline(inputs: Sequence[Any], threshold: float) -> dict[str, str]:
    """Single-pass tf-idf centroid clustering: join the most similar centroid (cosine over all
    earlier stories) when it reaches ``threshold``."""
    from storyline.link.stories import stream_key

    df: Counter[str] = Counter()
    centroids: list[dict[str, float]] = []
    members: list[list[str]] = []
    postings: dict[str, set[int]] = defaultdict(set)
    for n, a in enumerate(sorted(inputs, key=stream_key), start=1):
        counts = dict(a.terms)
        df.update(counts.keys())
        vec = {
            t: (1 + math.log(c)) * (math.log((n + 1) / (df[t] + 1)) + 1) for t, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {t: v / norm for t, v in vec.items()}
        # Candidates through the article's most weighted terms (an inverted index, as any
        # single-pass system at scale has); the cosine is then over the whole vectors.
        top = sorted(vec, key=lambda t: (-vec[t], t))[:BASELINE_QUERY_TERMS]
        cands = {i for t in top for i in postings.get(t, ())}
        best, best_s = -1, 0.0
        for i in sorted(cands):
            c = centroids[i]
            cn = math.sqrt(sum(v * v for v in c.values())) or 1.0
            s = sum(v * c.get(t, 0.0) for t, v in vec.items()) / cn
            if s > best_s:
                best, best_s = i, s
        if best >= 0 and best_s >= threshold:
            c = centroids[best]
            for t, v in vec.items():
                c[t] = c.get(t, 0.0) + v
            for t in sorted(c, key=lambda t: (-c[t], t))[:BASELINE_QUERY_TERMS]:
                postings[t].add(best)
            members[best].append(a.id)
        else:
            centroids.append(dict(vec))
            members.append([a.id])
            for t in sorted(vec, key=lambda t: (-vec[t], t))[:BASELINE_QUERY_TERMS]:
                postings[t].add(len(centroids) - 1)
    return {a: f"b{i}" for i, m in enumerate(members) for a in m}


# -- main -------------------------------------------------------------------------------------


def restory_rows(data: dict[str, tuple[list[Any], dict[str, str]]]) -> list[str]:
    """Per set: the online pass, a build in two drops of files (the second drop's articles
    decided with the first's kept): the newer half after the older (a feed), and a random half
    after the other (by id hash: the second drop holds earlier dates too),
    ``restory`` (a fresh pass + centroid merges) and restory on the input shuffled (B-cubed F1
    of one result against the other: 1.000 is order-independent), and the related pairs (how
    many fall within one gold story: merges the pass missed). Returns floors failed."""
    import random
    import zlib

    from storyline.link.stories import cluster_with_related, stream_key

    failed = []
    print(
        f"{'restory':<10} {'online':>6} {'newer':>6} {'random':>6} {'restory':>7} {'shuffled':>8}  "
        f"{'related pairs (same gold)':>26}"
    )
    for name, (inputs, gold) in data.items():
        if name not in FIT_SETS:
            continue
        online = cluster_with_related(inputs)
        first = [a for a in inputs if zlib.crc32(a.id.encode()) % 2 == 0]
        earlier = assignment(cluster_with_related(first).stories)
        drops = cluster_with_related(inputs, assigned=earlier)
        # A feed: the second drop is the newer half.
        older = sorted(inputs, key=stream_key)[: len(inputs) // 2]
        feed = cluster_with_related(
            inputs, assigned=assignment(cluster_with_related(older).stories)
        )
        again = cluster_with_related(inputs, merge=True)
        shuffled = list(inputs)
        random.Random(7).shuffle(shuffled)
        again_shuffled = cluster_with_related(shuffled, merge=True)
        of = assignment(online.stories)
        gold_of = {
            s.id: Counter(gold[a] for a in s.article_ids).most_common(1)[0][0]
            for s in online.stories
        }
        pairs = {tuple(sorted((k, o))) for k, v in online.related.items() for o in v}
        same = sum(1 for a, b in pairs if gold_of[a] == gold_of[b])
        f_online = bcubed(of, gold)[2]
        f_drops = bcubed(assignment(drops.stories), gold)[2]
        f_feed = bcubed(assignment(feed.stories), gold)[2]
        f_again = bcubed(assignment(again.stories), gold)[2]
        order = bcubed(assignment(again_shuffled.stories), assignment(again.stories))[2]
        print(
            f"{name:<10} {f_online:6.3f} {f_feed:6.3f} {f_drops:6.3f} {f_again:7.3f} {order:8.3f}  "
            f"{len(pairs):>18} ({same})"
        )
        if order < 1.0:
            failed.append(f"{name} restory depends on input order (B3 {order:.3f})")
        if f_again < f_online - 0.01:
            failed.append(
                f"{name} restory B3 F1 {f_again:.3f} below the online pass {f_online:.3f}"
            )
    return failed


def main(argv: Sequence[str] | None = None) -> int:
    from storyline.link.stories import cluster_stories, default_model

    args = list(sys.argv[1:] if argv is None else argv)
    sets = _sets()
    if not sets:
        print("stories: no dataset found, skipped")
        return 0
    data = {}
    for name, (stream, gold) in sets.items():
        data[name] = (load_inputs(name, stream), gold)
    fit_names = [n for n in FIT_SETS if n in data]
    shipped = default_model()
    if "--fit" in args:
        shipped = fit(data, fit_names)
        write_weights(shipped)
        print(f"   fitted on {', '.join(fit_names)}: threshold {shipped.threshold}")
    failed = []
    header = (
        f"{'set':<18} {'n':>4} {'gold':>4} {'pred':>4}  {'B3 P':>5} {'B3 R':>5} {'B3 F1':>5}  "
        f"{'pw F1':>5}  {'CV F1':>5}  {'alone':>5}  {'tfidf':>5} (thr)  {'art/s':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, (dated, gold) in data.items():
        others = [n for n in fit_names if n != name]
        cv_model = fit(data, others) if others and name in fit_names else None
        # Each set as it is, and with its dates taken away (a stream may have none).
        for label, inputs in ((name, dated), (f"{name}/nodate", undated(dated))):
            # CPU seconds, not wall-clock: the machine is shared.
            t0 = time.process_time()
            pred = assignment(cluster_stories(inputs, shipped))
            rate = len(inputs) / max(time.process_time() - t0, 1e-9)
            p, r, f = bcubed(pred, gold)
            pw = pairwise(pred, gold)[2]
            cv = float("nan")
            if cv_model is not None:
                cv = bcubed(assignment(cluster_stories(inputs, cv_model)), gold)[2]
            alone = bcubed({a: a for a in gold}, gold)[2]
            base_f, base_t = max(
                (bcubed(tfidf_baseline(inputs, t), gold)[2], t) for t in BASELINE_THRESHOLDS
            )
            print(
                f"{label:<18} {len(inputs):>4} {len(set(gold.values())):>4} "
                f"{len(set(pred.values())):>4}  {p:5.3f} {r:5.3f} {f:5.3f}  {pw:5.3f}  "
                f"{cv:5.3f}  {alone:5.3f}  {base_f:5.3f} ({base_t:.2f})  {rate:6.0f}"
            )
            floor = FLOORS.get(label)
            if floor and (f < floor[0] or pw < floor[1]):
                failed.append(f"{label} B3 F1 {f:.3f}/{floor[0]} pairwise {pw:.3f}/{floor[1]}")
            p_floor = PRECISION_FLOORS.get(label)
            if p_floor is not None and p < p_floor:
                failed.append(f"{label} B3 precision {p:.3f}/{p_floor}")
            cv_floor = CV_FLOORS.get(label)
            if cv_floor is not None and not math.isnan(cv) and cv < cv_floor:
                failed.append(f"{label} cross-validated B3 F1 {cv:.3f}/{cv_floor}")
    print(
        "   CV: weights and threshold fitted on the other set(s) only; tfidf: the single-pass "
        "centroid baseline, its threshold tuned on the set itself; timeline17 gold is the topic."
    )
    failed += restory_rows(data)
    for msg in failed:
        print(f"   below floor: {msg}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
