"""Harvest speech-cue verbs from PolNeAR **train** into `storyline.analyse.lang.cue_lexicon`.

Every attribution's Cue span is read; its verbs are lemmatised by the project's own spaCy model
(tagger and lemmatizer only: no parse is needed). A lemma's precision is the share of its verb
occurrences in the train texts that sit inside some Cue span. A lemma is kept when it heads at
least `MIN_COUNT` cues and its precision is at least `MIN_PRECISION`, and when it is not a verb
of belief, wish or perception: PolNeAR annotates "thinks", "wants" and "sees" as attribution
cues, but a quote after "he thinks," is not somebody's spoken words, so lemmas whose cues
take no quote (fewer than `MIN_QUOTED_SHARE` of their cues govern quoted content) stay out,
and so do light verbs that speak through their object ("issued a statement", "posted a video":
`MAX_LIGHT_SHARE` of their cue spans hold a noun after the verb).
Lemmas the cue rules read in their own way stay out too: the phrasal ones ("point" speaks only
with "out"), "according", "put" ("as he put it") and the interviewer's verbs ("press").

Dev is never read here: train -> dev is the cross-validated figure ``eval.quotes`` reports.

Run from the repo root: ``python -m eval.train_quotes_cues`` (rewrites
src/storyline/analyse/lang/cue_lexicon.py; ``--dry`` prints the table only, ``--fresh``
re-tags train instead of reading the cache).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "storyline" / "analyse" / "lang" / "cue_lexicon.py"
MIN_COUNT = 3  # cues a lemma heads in train
MIN_PRECISION = 0.35  # share of the lemma's verb uses that are cues
MIN_QUOTED_SHARE = 0.15  # share of its cues whose content holds a quotation mark
OPEN_MARKS = '“‘"«„'
MAX_LIGHT_SHARE = 0.5  # share of its cues that speak through a noun object ("issued a statement")
CACHE = REPO / "eval" / "_cache" / "polnear_train_cues.json"


def _spans(ann: Path, text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """All Cue spans of one annotation file, and those whose attribution's Content is quoted."""
    from eval.quotes import read_brat

    spans, rels = read_brat(ann)
    cues = [f for label, frags in spans.values() if label == "Cue" for f in frags]
    quoted: list[tuple[int, int]] = []
    for rel in rels:
        content = spans.get(rel.get("Content", ""), ("", []))[1]
        words = " ".join(text[a:b] for a, b in content).replace("''", '"').replace("``", '"')
        if rel.get("Cue") in spans and any(m in words for m in OPEN_MARKS):
            quoted += spans[rel["Cue"]][1]
    return cues, quoted


def _counts(
    docs: list[tuple[str, list[tuple[int, int]], list[tuple[int, int]]]],
) -> tuple[Counter[str], Counter[str], Counter[str], Counter[str]]:
    """Verb uses, cue uses, quoted-cue uses and light-verb cue uses (the cue span holds the
    verb's noun object: "issued a statement") of each lemma in train, cached (the tagging
    takes minutes) in eval/_cache keyed by the model name."""
    import json

    import spacy

    from storyline.analyse.lang.nlp import MODEL

    cache = CACHE.with_name(f"{CACHE.stem}_{MODEL}.json")
    if cache.is_file() and "--fresh" not in sys.argv:
        raw = json.loads(cache.read_text(encoding="utf-8"))
        return tuple(Counter(raw[k]) for k in ("total", "cue", "quoted", "light"))  # type: ignore[return-value]
    nlp = spacy.load(MODEL, exclude=["parser", "ner"])
    total: Counter[str] = Counter()
    as_cue: Counter[str] = Counter()
    quoted: Counter[str] = Counter()
    light: Counter[str] = Counter()
    for (_text, cues, qcues), doc in zip(
        docs, nlp.pipe([d[0] for d in docs], batch_size=16), strict=True
    ):
        for t in doc:
            if t.pos_ != "VERB":
                continue
            lemma = t.lemma_.lower()
            total[lemma] += 1
            span = next(((a, b) for a, b in cues if a <= t.idx < b), None)
            if span is not None:
                as_cue[lemma] += 1
                # "issued a statement", "posted a video": the verb speaks through its noun.
                # No parse here (tagger only): a noun after the verb inside the cue span.
                light[lemma] += any(
                    u.pos_ == "NOUN" and u.idx < span[1] for u in doc[t.i + 1 : t.i + 5]
                )
            if any(a <= t.idx < b for a, b in qcues):
                quoted[lemma] += 1
    cache.parent.mkdir(exist_ok=True)
    raw = {"total": total, "cue": as_cue, "quoted": quoted, "light": light}
    cache.write_text(json.dumps(raw), "utf-8")
    return total, as_cue, quoted, light


def main() -> int:
    sys.path.insert(0, str(REPO / "src"))
    from storyline.analyse.lang.cues import PHRASAL_CUES, QUESTION_LEMMAS

    structural = set(PHRASAL_CUES) | set(QUESTION_LEMMAS) | {"accord", "put"}

    root = Path(os.environ.get("STORYLINE_DATASETS", REPO.parent / "shared" / "datasets"))
    base = root / "polnear" / "train"
    if not base.is_dir():
        print(f"PolNeAR train not found under {root}")
        return 1
    docs: list[tuple[str, list[tuple[int, int]], list[tuple[int, int]]]] = []
    seen: set[str] = set()
    for ann in sorted((base / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        if name in seen:
            continue
        seen.add(name)
        text = (base / "text" / f"{name}.txt").read_text(encoding="utf-8")
        docs.append((text, *_spans(ann, text)))
    total, as_cue, quoted, light = _counts(docs)
    kept = []
    for lemma, n in as_cue.most_common():
        prec = n / total[lemma]
        share = quoted[lemma] / n
        ok = (
            n >= MIN_COUNT
            and prec >= MIN_PRECISION
            and share >= MIN_QUOTED_SHARE
            and light[lemma] / n < MAX_LIGHT_SHARE
        )
        if ok and lemma.isalpha() and lemma not in structural:
            kept.append((lemma, n, total[lemma], prec, share))
    print(f"{len(docs)} train articles; {len(as_cue)} cue lemmas; kept {len(kept)}")
    print(f"{'lemma':<16}{'cues':>6}{'uses':>6}{'prec':>7}{'quoted':>8}")
    for lemma, n, tot, prec, share in kept:
        print(f"{lemma:<16}{n:>6}{tot:>6}{prec:>7.2f}{share:>8.2f}")
    if "--dry" in sys.argv:
        return 0
    rows = "\n".join(
        f"    ({lemma!r}, {n}, {tot}, {prec:.3f}, {share:.3f}),"
        for lemma, n, tot, prec, share in kept
    )
    OUT.write_text(
        '"""Speech-cue verbs harvested from PolNeAR train by eval/train_quotes_cues.py: data only,\n'
        "regenerated by that script, never edited by hand.\n\n"
        "Each row: (lemma, cues it heads in train, its verb uses in train, precision = share of\n"
        "uses that are cues, share of its cues whose content is quoted). Thresholds: at least\n"
        f"{MIN_COUNT} cues, precision {MIN_PRECISION}, quoted share {MIN_QUOTED_SHARE}, light-verb\n"
        f"share under {MAX_LIGHT_SHARE}.\n"
        '"""\n\n'
        "HARVESTED_CUES: tuple[tuple[str, int, int, float, float], ...] = (\n"
        f"{rows}\n)\n"
        "HARVESTED_CUE_LEMMAS = frozenset(row[0] for row in HARVESTED_CUES)\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
