"""Score the entity layer against hand-checked gold (eval/data/entities_gold.jsonl).

Gold per article: the people and organisations that matter, each with its mention spans
(names, titles, role nouns, pronouns) and the roles the text gives it. Texts are read from the
datasets folder ($STORYLINE_DATASETS) and from examples/ (cleaned by a `storyline build`
into a temporary folder); offsets must still match the mention text or the article is skipped.
Dataset sources: a plain text file ("polnear/dev/text/X.txt"), one record of a JSON-lines file
by its id ("timeline17/T/articles.jsonl#ID", the record's "text"), or a TimeML file
("tempeval3/AQUAINT/X.tml", the text content of its TEXT element, tags dropped).

Scoring is over gold mentions only (entities the gold leaves out are not judged). A gold
mention maps to the system mention with the largest character overlap (pronouns: same span).
- Merges, B-cubed over gold mentions (an unmatched mention counts as a singleton).
- Merged names: pairs of name mentions with different surface forms ("Mr Lammy"/"David
  Lammy"); a pair is merged when both land in one system cluster. Precision/recall of pairs.
- Pronouns: share of gold pronouns put in the system cluster that holds most of the gold
  entity's names; precision over the pronouns the system resolved.
- Roles: (article, entity, title) triples, titles compared without case and leading articles.
- Speed: layer time as % of the spaCy parse time.

Run from the repo root: ``python -m eval.entities`` (``-v`` lists errors).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "eval" / "data" / "entities_gold.jsonl"
# Pinned floors: main() fails below these (a little under the scores when set). Lowered when
# the gold grew from 15 to 31 articles (16 hand-annotated independently of system output);
# scores of the committed code on all 31, with the old 15-article value in brackets.
FLOORS = {
    "bcubed_f1": 0.88,  # reached 0.894 on 31 articles (0.812 at the start of this session)
    "names_precision": 0.97,  # reached 0.999 (0.859)
    "names_recall": 0.95,  # 0.964 after issue 14's full-name recovery (0.953 before)
    "pronoun_acc": 0.83,  # reached 0.848 (0.701)
    "role_f1": 0.77,  # reached 0.792 (0.691)
}
MAX_OVERHEAD = 0.15


def _datasets() -> Path:
    env = os.environ.get("STORYLINE_DATASETS")
    return Path(env) if env else (REPO.parent / "shared" / "datasets").resolve()


def _dataset_text(datasets: Path, src: str) -> str:
    """Text of a dataset source: a .txt file, a jsonl record ("FILE#id") or a TimeML TEXT."""
    path, _, rid = src.partition("#")
    if rid:
        with (datasets / path).open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if str(rec.get("id")) == rid:
                    return str(rec["text"])
        return ""
    if path.endswith(".tml"):
        text_el = ET.parse(datasets / path).getroot().find("TEXT")
        return "".join(text_el.itertext()) if text_el is not None else ""
    return (datasets / path).read_text(encoding="utf-8")


def _example_texts(sources: list[str]) -> dict[str, str]:
    folders = sorted({str(Path(s).parent) for s in sources if s.startswith("examples/")})
    out: dict[str, str] = {}
    for folder in folders:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [sys.executable, "-m", "storyline", "build", str(REPO / folder), "--out", tmp],
                check=True,
                capture_output=True,
                cwd=REPO,
            )
            dossier = json.loads((Path(tmp) / "dossier.json").read_text(encoding="utf-8"))
        for art in dossier["articles"]:
            out[f"{folder}/{art['id']}.txt"] = art["text"]
    return out


def _norm_title(t: str) -> str:
    from storyline.analyse.entities.roles import title_key

    return title_key(t)


def _best(sys_mentions: list[Any], start: int, end: int, pronoun: bool) -> Any | None:
    best, best_ov = None, 0
    for m in sys_mentions:
        if pronoun and (m.start, m.end) != (start, end):
            continue
        ov = min(end, m.end) - max(start, m.start)
        if ov > best_ov:
            best, best_ov = m, ov
    return best


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args
    datasets = _datasets()
    if not GOLD.exists():
        print("entities: skipped (no gold)")
        return 0
    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    if not datasets.exists():
        records = [r for r in records if r["source"].startswith("examples/")]
        print(f"entities: datasets not found at {datasets}; dataset part skipped")
    from storyline.analyse.entities.resolve import article_entities
    from storyline.analyse.lang.nlp import load_nlp

    nlp = load_nlp()
    examples = _example_texts([r["source"] for r in records])
    t_parse = t_layer = 0.0
    b_p: list[float] = []
    b_r: list[float] = []
    # The example story's own figure (the issue pins it), beside the one over all articles.
    ex_p: list[float] = []
    ex_r: list[float] = []
    pairs = Counter[str]()
    pron = Counter[str]()
    role = Counter[str]()
    used = 0
    for rec in records:
        src = rec["source"]
        if src.startswith("examples/"):
            text = examples.get(src, "")
        else:
            text = _dataset_text(datasets, src)
        bad = [
            m for e in rec["entities"] for m in e["mentions"]
            if text[m["start"] : m["end"]] != m["text"]
        ]  # fmt: skip
        if bad:
            print(f"entities: {src}: {len(bad)} gold offsets do not match the text; skipped")
            continue
        used += 1
        t0 = time.perf_counter()
        doc = nlp(text)
        t1 = time.perf_counter()
        ae = article_entities(doc)
        t2 = time.perf_counter()
        t_parse += t1 - t0
        t_layer += t2 - t1
        # gold mention -> system cluster (None: missed)
        gm: list[tuple[int, dict[str, Any], int | None, Any]] = []
        for gi, e in enumerate(rec["entities"]):
            for m in e["mentions"]:
                sm = _best(list(ae.mentions), m["start"], m["end"], m["kind"] == "pronoun")
                gm.append((gi, m, sm.cluster if sm else None, sm))
        for gk, (gi, _m, sc, _) in enumerate(gm):
            gold_set = {j for j, x in enumerate(gm) if x[0] == gi}
            pred_set = {j for j, x in enumerate(gm) if sc is not None and x[2] == sc} or {gk}
            inter = len(gold_set & pred_set)
            b_p.append(inter / len(pred_set))
            b_r.append(inter / len(gold_set))
            if src.startswith("examples/"):
                ex_p.append(inter / len(pred_set))
                ex_r.append(inter / len(gold_set))
        names = [(gi, m, sc) for gi, m, sc, _ in gm if m["kind"] == "name"]
        for (g1, m1, s1), (g2, m2, s2) in combinations(names, 2):
            if m1["text"] == m2["text"]:
                continue
            same_gold = g1 == g2
            same_sys = s1 is not None and s1 == s2
            pairs[
                "tp"
                if same_gold and same_sys
                else "fp"
                if same_sys
                else "fn"
                if same_gold
                else "tn"
            ] += 1
            if verbose and same_sys != same_gold:
                print(f"  name pair {'FALSE MERGE' if same_sys else 'missed'}: {src[-40:]} "
                      f"{m1['text']!r} ~ {m2['text']!r}")  # fmt: skip
        main_cluster: dict[int, int | None] = {}
        for gi in range(len(rec["entities"])):
            cl = Counter(sc for g, m, sc in names if g == gi and sc is not None)
            main_cluster[gi] = cl.most_common(1)[0][0] if cl else None
        for gi, m, sc, _ in gm:
            if m["kind"] != "pronoun":
                continue
            pron["gold"] += 1
            if sc is not None:
                pron["resolved"] += 1
                if sc == main_cluster[gi]:
                    pron["correct"] += 1
                elif verbose:
                    print(f"  pronoun wrong: {src[-40:]} {m['start']} {m['text']!r} "
                          f"-> {ae.clusters[sc].name} (gold {rec['entities'][gi]['name']})")  # fmt: skip
        for gi, e in enumerate(rec["entities"]):
            gold_t = {_norm_title(t) for t in e.get("roles", [])}
            sc = main_cluster[gi]
            pred_t = {_norm_title(r.title) for r in ae.roles if sc is not None and r.cluster == sc}
            role["tp"] += len(gold_t & pred_t)
            role["fp"] += len(pred_t - gold_t)
            role["fn"] += len(gold_t - pred_t)
            if verbose and gold_t != pred_t:
                print(f"  roles {e['name']}: missing {sorted(gold_t - pred_t)} "
                      f"extra {sorted(pred_t - gold_t)}")  # fmt: skip

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    bp = sum(b_p) / len(b_p) if b_p else 0.0
    br = sum(b_r) / len(b_r) if b_r else 0.0
    npr = pairs["tp"] / max(1, pairs["tp"] + pairs["fp"])
    nrc = pairs["tp"] / max(1, pairs["tp"] + pairs["fn"])
    rp = role["tp"] / max(1, role["tp"] + role["fp"])
    rr = role["tp"] / max(1, role["tp"] + role["fn"])
    scores = {
        "bcubed_precision": bp,
        "bcubed_recall": br,
        "bcubed_f1": f1(bp, br),
        "example_bcubed_f1": f1(sum(ex_p) / max(1, len(ex_p)), sum(ex_r) / max(1, len(ex_r))),
        "names_precision": npr,
        "names_recall": nrc,
        "pronoun_acc": pron["correct"] / max(1, pron["gold"]),
        "pronoun_precision": pron["correct"] / max(1, pron["resolved"]),
        "role_precision": rp,
        "role_recall": rr,
        "role_f1": f1(rp, rr),
        "overhead": t_layer / t_parse if t_parse else 0.0,
    }
    print(f"entities: {used} articles, {len(b_p)} gold mentions, {pron['gold']} pronouns, "
          f"{pairs['tp'] + pairs['fn']} gold name pairs")  # fmt: skip
    for k, v in scores.items():
        floor = FLOORS.get(k)
        mark = "" if floor is None else ("  ok" if v >= floor else f"  BELOW {floor}")
        print(f"  {k:18s} {v:6.3f}{mark}")
    failed = [k for k, f in FLOORS.items() if scores[k] < f]
    if scores["overhead"] > MAX_OVERHEAD:
        failed.append("overhead")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
