"""Experiment: does a learned quote/non-quote filter beat the rules? Trained on PolNeAR train,
scored on PolNeAR dev (train -> dev, the cross-validated figure).

Candidates are the rules' own direct quotes (kind ``direct``, confidence at least
``eval.quotes.SCORED_MIN``); the label is whether a candidate overlaps a gold direct quote. A
logistic regression (numpy, L2, full-batch gradient descent) over features computed from the
candidate and its attribution (the rule that made it, its confidence, length, speaker kind,
title-likeness, its place in the paragraph) keeps a candidate when it scores at least the
threshold chosen on train. The script prints dev direct P/R/F1 with and without the filter and,
with ``--write``, stores the weights in eval/_cache (they are shipped only if they win).

Run from the repo root: ``python -m eval.train_quotes_filter`` (parses PolNeAR train once into
eval/_cache, some ten minutes on two cores).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "eval" / "_cache"
L2 = 1e-2
STEPS = 3000
RATE = 0.5


def _parsed(root: Path, split: str) -> tuple[list[Any], list[Any]]:
    from spacy.tokens import DocBin

    from eval.quotes import load_split
    from storyline.analyse.lang.nlp import MODEL, load_nlp

    nlp = load_nlp()
    docs = load_split(root, split)
    path = CACHE / f"polnear_{split}_{MODEL}.docbin"
    if path.is_file():
        parsed = list(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab))
    else:
        parsed = list(nlp.pipe([t for _, t, _ in docs], batch_size=8))
        bin_ = DocBin(store_user_data=True)
        for d in parsed:
            bin_.add(d)
        CACHE.mkdir(exist_ok=True)
        path.write_bytes(bin_.to_bytes())
    return docs, parsed


def _features(q: Any, text: str, methods: list[str]) -> list[float]:
    from storyline.analyse.quotes.attribute import _title_like

    words = len(q.text.split())
    plo = text.rfind("\n", 0, q.start) + 1
    phi = text.find("\n", q.end)
    phi = len(text) if phi < 0 else phi
    sp = q.speaker_span.text.lower() if q.speaker_span else ""
    body = q.text.strip()
    return [
        1.0,
        *[float(q.method == m) for m in methods],
        q.confidence,
        min(words, 60) / 60,
        float(words < 4),
        float(q.speaker_span is not None),
        float(sp in ("he", "she", "they", "it", "we", "i")),
        float(q.speaker is not None),
        float(_title_like(body)),
        float(body[-1:] in ".?!"),
        float(body[:1].isupper()),
        float(not text[plo : q.start - 1].strip()),
        float(not text[q.end + 1 : phi].strip(" .,”’\"'")),
    ]


def _rows(
    docs: list[Any], parsed: list[Any], methods: list[str] | None
) -> tuple[list[list[float]], list[int], list[tuple[int, Any]], list[str]]:
    from eval.quotes import SCORED_MIN, _norm, _overlap
    from storyline.analyse.quotes.attribute import extract_quotes

    cands: list[tuple[int, Any]] = []
    for n, doc in enumerate(parsed):
        for q in extract_quotes(doc):
            if q.kind == "direct" and q.confidence >= SCORED_MIN:
                cands.append((n, q))
    if methods is None:
        methods = sorted({q.method for _, q in cands})
    x, y = [], []
    for n, q in cands:
        _name, text, gold = docs[n]
        span = _norm(text, q.start, q.end)
        y.append(int(any(_overlap(span, (g.start, g.end)) for g in gold)))
        x.append(_features(q, text, methods))
    return x, y, cands, methods


def _fit(x: Any, y: Any) -> Any:
    import numpy as np

    w = np.zeros(x.shape[1])
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (p - y) / len(y) + L2 * np.r_[0.0, w[1:]]
        w -= RATE * grad
    return w


def _direct_f1(docs: list[Any], parsed: list[Any], keep: set[tuple[int, int]] | None) -> str:
    from eval.quotes import SCORED_MIN, _norm, _overlap, _prf
    from storyline.analyse.quotes.attribute import extract_quotes

    n_pred = n_gold = ov_p = ov_g = ex_p = ex_g = 0
    for n, (doc, (_, text, gold)) in enumerate(zip(parsed, docs, strict=True)):
        ps = [
            _norm(text, q.start, q.end)
            for q in extract_quotes(doc)
            if q.kind == "direct"
            and q.confidence >= SCORED_MIN
            and (keep is None or (n, q.start) in keep)
        ]
        gs = [(g.start, g.end) for g in gold]
        n_pred += len(ps)
        n_gold += len(gs)
        ov_p += sum(any(_overlap(p, g) for g in gs) for p in ps)
        ov_g += sum(any(_overlap(p, g) for p in ps) for g in gs)
        ex_p += sum(p in set(gs) for p in ps)
        ex_g += sum(g in set(ps) for g in gs)
    op, orr, of = _prf(ov_p, n_pred, ov_g, n_gold)
    ep, er, ef = _prf(ex_p, n_pred, ex_g, n_gold)
    return f"overlap P/R/F1 {op:.3f}/{orr:.3f}/{of:.3f}  exact {ep:.3f}/{er:.3f}/{ef:.3f}"


def main() -> int:
    import numpy as np

    sys.path.insert(0, str(REPO / "src"))
    root = Path(os.environ.get("STORYLINE_DATASETS", REPO.parent / "shared" / "datasets"))
    if not (root / "polnear" / "train").is_dir():
        print("PolNeAR not found")
        return 1
    tr_docs, tr_parsed = _parsed(root, "train")
    dv_docs, dv_parsed = _parsed(root, "dev")
    xt, yt, _, methods = _rows(tr_docs, tr_parsed, None)
    xd, yd, dv_cands, _ = _rows(dv_docs, dv_parsed, methods)
    Xt, Yt, Xd = np.array(xt), np.array(yt, dtype=float), np.array(xd)
    w = _fit(Xt, Yt)
    pt = 1 / (1 + np.exp(-Xt @ w))
    # Threshold chosen on train: the one that maximises train F1 of the kept candidates.
    best = (0.0, 0.0)
    pos = Yt.sum()
    for thr in np.linspace(0.05, 0.95, 91):
        kept = pt >= thr
        tp = (Yt[kept] == 1).sum()
        p = tp / kept.sum() if kept.sum() else 0.0
        r = tp / pos
        f = 2 * p * r / (p + r) if p + r else 0.0
        best = max(best, (f, float(thr)))
    thr = best[1]
    pd = 1 / (1 + np.exp(-Xd @ w))
    keep = {(n, q.start) for (n, q), s in zip(dv_cands, pd, strict=True) if s >= thr}
    print(f"train candidates {len(yt)} ({int(pos)} gold), dev {len(yd)}; threshold {thr:.2f}")
    print(f"dev rules only     {_direct_f1(dv_docs, dv_parsed, None)}")
    print(f"dev rules + filter {_direct_f1(dv_docs, dv_parsed, keep)}")
    if "--write" in sys.argv:
        out = CACHE / "quotes_filter.json"
        out.write_text(json.dumps({"methods": methods, "weights": list(w), "threshold": thr}))
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
