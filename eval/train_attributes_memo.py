"""Learn the memos of `storyline.analyse.lang.attributes.Attributes` from PolNeAR **train** texts
and write them to ``src/storyline/analyse/lang/attributes_memo.json.gz`` (shipped with the package).

A memo entry is what spaCy's attribute ruler and lemmatizer give a token of that text, tag and
dependency (or part of speech and morphology): learning one costs the rules' time, reading it
costs a dictionary lookup. Workers start with an empty memo, so a build of a few hundred articles
paid the rules on most of its tokens. The texts here are never the bench's (the example story and
PolNeAR dev, which ``bench.scale`` and ``bench.layers`` parse): the hit rate printed at the end is
measured on those, so it is what unseen news gets, not what the memo was learned from.

An entry is kept when it was met at least ``--min-count`` times: rare ones are most of the file and
few of the tokens. The memo changes no annotation (``tests/test_nlp.py`` holds memo and rules equal).

Run from the repo root: ``python -m eval.train_attributes_memo [--texts 840] [--min-count 2]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("STORYLINE_DATASETS", REPO.parent / "shared" / "datasets"))
TRAIN = DATASETS / "polnear" / "train" / "text"
CHECK = [REPO / "examples" / "labour-trump-2024", DATASETS / "polnear" / "dev" / "text"]


def _texts(folders: list[Path], limit: int | None = None) -> list[str]:
    out = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text("utf-8")
            out.append(text.split("\n", 1)[1] if text.startswith(" date ") else text)
    return out[:limit]


def _keys(doc: Any) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """Each token's key in the two memos (after the parse and the attributes are set)."""
    rules = [(t.orth, t.tag, t.dep) for t in doc]
    lemmas = [(t.orth, t.pos, t.morph.key) for t in doc]
    return rules, lemmas


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m eval.train_attributes_memo", description=__doc__)
    p.add_argument("--texts", type=int, default=840, help="PolNeAR train texts to learn from")
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args()

    from storyline.analyse.lang.attributes import ATTRIBUTES_PIPE, MEMO_FILE
    from storyline.analyse.lang.nlp import load_nlp

    nlp = load_nlp()
    attributes = nlp.get_pipe(ATTRIBUTES_PIPE)
    attributes.clear_memo()
    texts = _texts([TRAIN], args.texts)
    seen_rules: Counter[tuple[int, int, int]] = Counter()
    seen_lemmas: Counter[tuple[int, int, int]] = Counter()
    t0 = time.perf_counter()
    # The memos need the tags and the dependency labels, not the entities.
    for doc in nlp.pipe(texts, batch_size=8, disable=["ner"]):
        rules, lemmas = _keys(doc)
        seen_rules.update(rules)
        seen_lemmas.update(lemmas)
    words = sum(seen_rules.values())
    print(f"learned from {len(texts)} texts, {words:,} tokens in {time.perf_counter() - t0:.0f}s")
    memo = attributes.export_memo()
    memo["rules"] = [e for e in memo["rules"] if seen_rules[tuple(e[:3])] >= args.min_count]
    memo["lemmas"] = [e for e in memo["lemmas"] if seen_lemmas[tuple(e[:3])] >= args.min_count]
    kept_tokens = sum(seen_rules[tuple(e[:3])] for e in memo["rules"])
    print(
        f"kept {len(memo['rules']):,} of {len(seen_rules):,} rule entries, "
        f"{len(memo['lemmas']):,} of {len(seen_lemmas):,} lemma entries "
        f"(seen >= {args.min_count} times: {kept_tokens / words:.1%} of the train tokens)"
    )
    out = args.out or MEMO_FILE
    with gzip.GzipFile(out, "wb", mtime=0) as fh:  # mtime 0: the same memo, the same bytes
        fh.write(json.dumps(memo, separators=(",", ":")).encode())
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB)")

    # The hit rate on news the memo was not learned from.
    attributes.clear_memo()
    attributes.absorb_file(out)
    rule_memo = {tuple(e[:3]) for e in memo["rules"]}
    lemma_memo = {tuple(e[:3]) for e in memo["lemmas"]}
    check = _texts([folder for folder in CHECK if folder.is_dir()])
    hits = total = lemma_hits = 0
    for doc in nlp.pipe(check, batch_size=8, disable=["ner"]):
        rules, lemmas = _keys(doc)
        total += len(rules)
        hits += sum(key in rule_memo for key in rules)
        lemma_hits += sum(key in lemma_memo for key in lemmas)
    print(
        f"unseen check texts ({len(check)}: the example and PolNeAR dev): {total:,} tokens, "
        f"rule memo hits {hits / max(total, 1):.1%}, lemma memo hits {lemma_hits / max(total, 1):.1%}"
    )


if __name__ == "__main__":
    main()
