"""Score direct-quote extraction and speaker attribution on PolNeAR dev.

Gold units. PolNeAR attributions whose Content begins with a quotation mark are direct quotes.
Their brat Content fragments never cross a line break and are also cut at sentence breaks, so
fragments separated only by spaces on one line are merged first. Inside each merged run the
quoted segments are read off the quotation marks: from an opening mark to its matching closing
mark (or to the end of the run when the quote is left open, as in multi-paragraph quotes);
unquoted text between or after them ("… ” to drive up the stock price") is paraphrase and is
dropped. A gold unit is one such segment, marks excluded.

Normalisation (both sides alike): strip whitespace, quotation marks and the trailing ``,;:``
from both ends before comparing offsets. Exact = identical normalised offsets; overlap = any
shared character. Predictions are quotes with kind direct and confidence at least
``SCORED_MIN`` (scare quotes and interviewer echoes sit below it); partial and indirect quotes
are not scored as direct ones.

Indirect (reported speech) is scored apart, as a separate row: precision is the share of
predicted ``kind="indirect"`` spans that overlap the Content of a PolNeAR attribution whose
Content does not open with a quotation mark (paraphrase); recall is the share of those
Contents overlapped; speaker span as for direct quotes. PolNeAR's paraphrase also covers
nouns ("his claim that …"), "according to" and beliefs, so recall is low by design.

Speaker-span accuracy: over overlap-matched gold units that have a gold Source, the share
whose best-overlapping prediction has a speaker_span overlapping the Source. Speaker name:
over those whose Source opens with a name (not a pronoun or a description), the share whose
canonical speaker contains that name's last word ("Rep. John Mica (R-Fla.)" -> "Mica").

Run from the repo root: ``python -m eval.quotes`` (``-v`` lists misses, false positives and
quotes whose boundaries differ from the gold's (EXACT),
``--split train`` scores the training split). Datasets: $STORYLINE_DATASETS, default
``../shared/datasets`` relative to the repo root.
"""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCORED_MIN = 0.3
SPLIT = "dev"
# Pinned floors: main() fails when a score drops below these (a couple of points under the
# scores reached when they were set).
# Dev is never tuned on by the learned parts: the cue verbs harvested from train
# (eval/train_quotes_cues.py) make these train -> dev figures. In-sample (--split train) after
# the issue-14 work: exact 0.941, overlap 0.945, speaker span 0.950, name 0.947.
FLOORS = {
    "exact_f1": 0.925,  # reached 0.939 (0.938 before the issue-14 work)
    "overlap_f1": 0.93,  # reached 0.945 (0.944)
    "speaker_span_acc": 0.935,  # reached 0.950 (0.950)
    "speaker_name_acc": 0.955,  # reached 0.970 (0.970)
    "indirect_precision": 0.94,  # reached 0.965 (overlap with paraphrase attributions)
}
MAX_OVERHEAD = 0.20  # quote layer cost over the spaCy parse
OPEN_MARKS = "“‘\"'«„"
CLOSE_MARKS = "”’\"'»"
ALL_MARKS = set(OPEN_MARKS + CLOSE_MARKS)
STRIP = " \t\n\r\xa0,;:\x01" + "".join(ALL_MARKS)
NOT_NAMES = {
    "he", "she", "they", "it", "we", "i", "you", "the", "a", "an", "mr", "mr.", "mrs", "mrs.",
    "ms", "ms.", "dr", "dr.", "sen.", "gov.", "rep.", "president", "his", "her", "their",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class GoldQuote:
    start: int
    end: int
    sources: tuple[tuple[int, int], ...]
    source_text: str


def _norm(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in STRIP:
        start += 1
    while end > start and text[end - 1] in STRIP:
        end -= 1
    return start, end


def _partner(text: str, i: int, hi: int) -> int | None:
    """Offset of the mark closing the opening mark at ``i`` (depth-aware for curly marks)."""
    ch = text[i]
    if ch in "“„«":
        close = "»" if ch == "«" else "”"
        depth = 0
        for j in range(i, hi):
            if text[j] == ch:
                depth += 1
            elif text[j] == close or (close == "”" and text[j] == '"' and depth == 1):
                depth -= 1
                if depth == 0:
                    return j
        return None
    for j in range(i + 1, hi):
        c = text[j]
        if ch == '"' and c in '"”':
            return j
        if ch in "‘'" and c in "’'":
            prev, nxt = text[j - 1], text[j + 1 : j + 2]
            if prev.isalnum() and nxt.isalpha():
                continue  # apostrophe
            if prev in "sS" and nxt == " " and any(x in "’'" for x in text[j + 1 : hi]):
                continue  # plural possessive, a later closer exists
            return j
    return None


def _segments(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    i = lo
    while i < hi:
        ch = text[i]
        prev = text[i - 1] if i > lo else " "
        if ch in OPEN_MARKS and (i == lo or not prev.isalnum()):
            j = _partner(text, i, hi)
            end = j if j is not None else hi
            s, e = _norm(text, i + 1, end)
            if e > s:
                out.append((s, e))
            i = (j + 1) if j is not None else hi
            continue
        i += 1
    return out


def _opening_mark_before(text: str, a: int) -> int:
    """Start of a Content span, moved back onto an opening mark the annotator left out.

    Only a mark that opens a sentence (after a line break or sentence/clause punctuation) is
    taken: a mark after a word ('called his "apology"') makes the span a partial quote.
    """
    if text[a : a + 1] in OPEN_MARKS:
        return a
    j = a - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0 or text[j] not in '“‘"':
        return a
    if text[j] == '"' and j > 0 and not text[j - 1].isspace():
        return a  # a straight mark glued to a word closes a quote
    k = j - 1
    while k >= 0 and text[k] == " ":
        k -= 1
    return j if k < 0 or text[k] in "\n.:,!?" else a


def read_brat(
    ann: Path,
) -> tuple[dict[str, tuple[str, list[tuple[int, int]]]], list[dict[str, str]]]:
    """A PolNeAR brat file: its text-bound spans (id -> label, fragments) and its attribution
    relations (role -> span id)."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    rels: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, rest = parts[1].partition(" ")
            frags = [tuple(map(int, f.split())) for f in rest.split(";")]
            spans[parts[0]] = (label, [(a, b) for a, b in frags])
        elif line.startswith("E") and len(parts) >= 2:
            rels.append(dict(p.split(":", 1) for p in parts[1].split() if ":" in p))
    return spans, rels


def _gold_for(text: str, ann: Path) -> list[GoldQuote]:
    spans, rels = read_brat(ann)
    out: list[GoldQuote] = []
    # ''NYT style'' double quotes: same-length substitution keeps offsets.
    text = text.replace("''", '"\x01')
    # A split quote is sometimes annotated as Content plus Content2 of one attribution.
    pairs = [(rel, k) for rel in rels for k in rel if k.startswith("Content")]
    for rel, key in pairs:
        content = spans.get(rel[key])
        if content is None:
            continue
        frags = sorted(content[1])
        frags[0] = (_opening_mark_before(text, frags[0][0]), frags[0][1])
        first = text[frags[0][0] : frags[0][1]].lstrip()
        if not first or first[0] not in OPEN_MARKS:
            continue
        src = spans.get(rel.get("Source", ""))
        sources = tuple(src[1]) if src else ()
        src_text = " ".join(text[a:b] for a, b in sources)
        runs: list[list[int]] = []
        for a, b in frags:
            if runs and not text[runs[-1][1] : a].strip() and "\n" not in text[runs[-1][1] : a]:
                runs[-1][1] = b
            else:
                runs.append([a, b])
        for a, b in runs:
            for s, e in _segments(text, a, b):
                out.append(GoldQuote(s, e, sources, src_text))
    return out


def _reported_for(text: str, ann: Path) -> list[GoldQuote]:
    """Attributions whose Content does not open with a quotation mark: paraphrase, the gold
    for ``kind="indirect"``. One unit per Content, from its first to its last character."""
    spans: dict[str, list[tuple[int, int]]] = {}
    rels: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _, _, rest = parts[1].partition(" ")
            spans[parts[0]] = [(int(a), int(b)) for a, b in (f.split() for f in rest.split(";"))]
        elif line.startswith("E") and len(parts) >= 2:
            rels.append(dict(p.split(":", 1) for p in parts[1].split() if ":" in p))
    out: list[GoldQuote] = []
    for rel in rels:
        frags = sorted(spans.get(rel.get("Content", ""), []))
        if not frags:
            continue
        first = text[frags[0][0] : frags[0][1]].lstrip()
        if not first or first[0] in OPEN_MARKS:
            continue
        sources = tuple(spans.get(rel.get("Source", ""), []))
        src_text = " ".join(text[a:b] for a, b in sources)
        out.append(GoldQuote(frags[0][0], frags[-1][1], sources, src_text))
    return out


def load_reported(root: Path, split: str, names: list[str]) -> list[list[GoldQuote]]:
    base = root / "polnear" / split
    out: list[list[GoldQuote]] = []
    for name in names:
        ann = sorted((base / "attributions").glob(f"{name}_*.ann"))[0]
        text = (base / "text" / f"{name}.txt").read_text(encoding="utf-8")
        out.append(_reported_for(text, ann))
    return out


def load_split(root: Path, split: str) -> list[tuple[str, str, list[GoldQuote]]]:
    base = root / "polnear" / split
    docs: list[tuple[str, str, list[GoldQuote]]] = []
    seen: set[str] = set()
    # Articles annotated twice keep their first annotator's file.
    for ann in sorted((base / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        if name in seen:
            continue
        seen.add(name)
        text = (base / "text" / f"{name}.txt").read_text(encoding="utf-8")
        docs.append((name, text, _gold_for(text, ann)))
    return docs


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _surname(source: str) -> str | None:
    """Last word of the name that opens a gold Source ("Rep. John Mica (R-Fla.)" -> "Mica").

    None when the Source is a pronoun or a description ("a narrator in the Clinton ad").
    """
    head = re.split(r",|\(| of | in | on | at | who | from | for | with |—| - | -- ", source)[0]
    words = [w.strip(".’'\"") for w in head.split()]
    if not words:
        return None
    last = words[-1]
    if not last[:1].isupper() or last.lower() in NOT_NAMES or len(last) < 2:
        return None
    return last


def main() -> int:
    repo = Path(__file__).resolve().parent.parent
    root = Path(os.environ.get("STORYLINE_DATASETS", repo.parent / "shared" / "datasets"))
    sys.path.insert(0, str(repo / "src"))
    example_ok = example_story("-v" in sys.argv)
    if "--example" in sys.argv:
        return 0 if example_ok else 1
    if not (root / "polnear" / SPLIT / "attributions").is_dir():
        print("PolNeAR skipped: dataset not found")
        return 0 if example_ok else 1
    from storyline.analyse.lang.nlp import load_nlp

    nlp = load_nlp()  # the pipeline the build and `annotate` run
    split = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else SPLIT
    docs = load_split(root, split)
    t0 = time.perf_counter()
    parsed = list(nlp.pipe([text for _, text, _ in docs], batch_size=8))
    parse_s = time.perf_counter() - t0
    failed = score_polnear(root, split, docs, parsed, parse_s, "-v" in sys.argv)
    if not example_ok:
        failed.append("example story")
    return 1 if failed else 0


def score_polnear(
    root: Path,
    split: str,
    docs: list[tuple[str, str, list[GoldQuote]]],
    parsed: list[Any],
    parse_s: float,
    verbose: bool = False,
) -> list[str]:
    """Print the PolNeAR table for parsed ``docs``; the names of the floors that fail."""
    from storyline.analyse.quotes.attribute import extract_quotes

    t0 = time.perf_counter()
    predictions = [extract_quotes(doc) for doc in parsed]
    quote_s = time.perf_counter() - t0

    n_pred = n_gold = tp_exact_p = tp_exact_g = tp_ov_p = tp_ov_g = 0
    spk_n = spk_ok = name_n = name_ok = 0
    by_method: dict[str, list[int]] = {}
    for (name, text, gold), preds in zip(docs, predictions, strict=True):
        scored = [q for q in preds if q.kind == "direct" and q.confidence >= SCORED_MIN]
        pspans = [_norm(text, q.start, q.end) for q in scored]
        gspans = [(g.start, g.end) for g in gold]
        n_pred += len(pspans)
        n_gold += len(gspans)
        gset, pset = set(gspans), set(pspans)
        tp_exact_p += sum(1 for p in pspans if p in gset)
        tp_exact_g += sum(1 for g in gspans if g in pset)
        tp_ov_p += sum(1 for p in pspans if any(_overlap(p, g) for g in gspans))
        for g, gq in zip(gspans, gold, strict=True):
            best = max(
                ((_overlap(p, g), q) for p, q in zip(pspans, scored, strict=True)),
                key=lambda x: x[0],
                default=(0, None),
            )
            if best[0] == 0 or best[1] is None:
                if verbose:
                    print(f"MISS {name} {text[g[0] : g[1]][:80]!r}")
                continue
            tp_ov_g += 1
            q = best[1]
            if verbose and g not in pset:
                p = _norm(text, q.start, q.end)
                print(
                    f"EXACT {name} gold={text[g[0] - 3 : g[0]]!r}[{text[g[0] : g[1]][:40]!r}…"
                    f"{text[g[1] - 25 : g[1]]!r}]{text[g[1] : g[1] + 3]!r} "
                    f"pred={text[p[0] : p[0] + 20]!r}…{text[p[1] - 25 : p[1]]!r} ({q.method})"
                )
            if not gq.sources:
                continue
            spk_n += 1
            sp = q.speaker_span
            ok = sp is not None and any(_overlap((sp.start, sp.end), s) for s in gq.sources)
            spk_ok += ok
            surname = _surname(gq.source_text)
            if surname:
                name_n += 1
                name_hit = q.speaker is not None and surname in q.speaker
                name_ok += name_hit
                if verbose and ok and not name_hit:
                    print(f"NAME {name} gold={gq.source_text!r} got={q.speaker!r} ({q.method})")
            if verbose and not ok:
                print(
                    f"SPK {name} gold={gq.source_text!r} got={sp.text if sp else None!r} "
                    f"({q.method}) {text[g[0] : g[1]][:60]!r}"
                )
        if verbose:
            for p, q in zip(pspans, scored, strict=True):
                hit = any(_overlap(p, g) for g in gspans)
                by_method.setdefault(f"{q.kind}/{q.method}", [0, 0])[0 if hit else 1] += 1
                if not hit:
                    print(f"FP {name} ({q.method}) {text[p[0] : p[1]][:80]!r}")

    # Reported speech, scored apart: overlap with PolNeAR's paraphrase attributions.
    reported = load_reported(root, split, [name for name, _, _ in docs])
    ind_p = ind_tp_p = ind_g = ind_tp_g = ind_spk_n = ind_spk_ok = 0
    for (_, _text, _), preds, gold_rep in zip(docs, predictions, reported, strict=True):
        ind = [q for q in preds if q.kind == "indirect" and q.confidence >= SCORED_MIN]
        ind_p += len(ind)
        ind_g += len(gold_rep)
        for q in ind:
            hits = [g for g in gold_rep if _overlap((q.start, q.end), (g.start, g.end))]
            if not hits:
                continue
            ind_tp_p += 1
            best = max(hits, key=lambda g: _overlap((q.start, q.end), (g.start, g.end)))
            if best.sources:
                ind_spk_n += 1
                sp = q.speaker_span
                ind_spk_ok += sp is not None and any(
                    _overlap((sp.start, sp.end), s) for s in best.sources
                )
        ind_tp_g += sum(
            1 for g in gold_rep if any(_overlap((q.start, q.end), (g.start, g.end)) for q in ind)
        )
    ep, er, ef = _prf(tp_exact_p, n_pred, tp_exact_g, n_gold)
    op, orr, of = _prf(tp_ov_p, n_pred, tp_ov_g, n_gold)
    scores = {
        "exact_f1": ef,
        "overlap_f1": of,
        "speaker_span_acc": spk_ok / spk_n if spk_n else 0.0,
        "speaker_name_acc": name_ok / name_n if name_n else 0.0,
    }
    scores["indirect_precision"] = ind_tp_p / ind_p if ind_p else 0.0
    overhead = quote_s / parse_s if parse_s else 0.0
    how = "train -> dev: cue verbs harvested from train" if split == "dev" else "in-sample"
    print(
        f"PolNeAR {split} ({how}): {len(docs)} articles, {n_gold} gold quotes, {n_pred} predicted"
    )
    print(f"{'metric':<22}{'P':>8}{'R':>8}{'F1':>8}")
    print(f"{'exact content':<22}{ep:>8.3f}{er:>8.3f}{ef:>8.3f}")
    print(f"{'overlap':<22}{op:>8.3f}{orr:>8.3f}{of:>8.3f}")
    print(f"{'speaker span acc':<22}{scores['speaker_span_acc']:>24.3f}  (n={spk_n})")
    print(f"{'speaker name acc':<22}{scores['speaker_name_acc']:>24.3f}  (n={name_n})")
    ip, ir, i_f = _prf(ind_tp_p, ind_p, ind_tp_g, ind_g)
    print(
        f"{'indirect (overlap)':<22}{ip:>8.3f}{ir:>8.3f}{i_f:>8.3f}  (pred={ind_p}, gold={ind_g})"
    )
    print(
        f"{'indirect speaker span':<22}{ind_spk_ok / ind_spk_n if ind_spk_n else 0.0:>24.3f}"
        f"  (n={ind_spk_n})"
    )
    print(f"{'speed':<22}parse {parse_s:.2f}s, quotes {quote_s:.2f}s, overhead {overhead:.1%}")
    for method, (tp, fp) in sorted(by_method.items()):
        print(f"  {method:<40} tp={tp:<5} fp={fp}")
    failed = [k for k, floor in FLOORS.items() if scores[k] < floor]
    if overhead > MAX_OVERHEAD:
        failed.append("overhead")
    for k in failed:
        print(f"FAIL: {k} below its floor")
    return failed


# ---------------------------------------------------------------------------------------------
# The example story (examples/labour-trump-2024) against hand-made gold
# (eval/data/quotes_example_gold.jsonl: one quote a line, offsets into the text `storyline
# annotate` reads, speaker null for scare quotes and for words of unnamed sources).

EXAMPLE_FLOORS = {
    "char_f1": 0.97,  # reached 0.999 (annotate and dossier)
    "speaker_acc": 0.95,  # reached 0.980 annotate, 0.979 dossier
}
EXAMPLE_MAX_SCARE_WITH_SPEAKER = 0


def _speaker_ok(gold: str, pred: str | None) -> bool:
    """Does the predicted canonical speaker name the gold one? A person by surname
    ("Keir Starmer" -> "Starmer"); an organisation of a person ("Donald Trump's campaign") by
    the owner's surname and "campaign" or "team"."""
    if pred is None:
        return False
    owner, sep, _org = gold.partition("'s ")
    if sep:
        return owner.split()[-1] in pred and any(w in pred for w in ("campaign", "team"))
    return gold.split()[-1] in pred


def _chars(text: str, spans: list[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for a, b in spans:
        s, e = _norm(text, a, b)
        out.update(range(s, e))
    return out


def score_example(
    gold: list[dict[str, object]],
    preds: dict[str, list[dict[str, object]]],
    texts: dict[str, str],
    verbose: bool = False,
    label: str = "",
) -> dict[str, float]:
    """Character-level P/R/F1 of quote content against the gold quotes that have a speaker
    (quoted words of unnamed sources are neither rewarded nor punished), the share of those
    gold quotes whose best-overlapping prediction names the gold speaker, and the number of
    scare quotes given a speaker. Predictions: direct and partial quotes at ``SCORED_MIN``."""
    tp = n_pred = n_gold = spk_ok = spk_n = scare_bad = 0
    for name, text in texts.items():
        g_here = [g for g in gold if g["file"] == name]
        scored = [
            q
            for q in preds.get(name, [])
            if q["kind"] in ("direct", "partial") and float(q["confidence"]) >= SCORED_MIN  # type: ignore[arg-type]
        ]
        gspan = lambda g: (int(g["start"]), int(g["end"]))  # type: ignore[call-overload]  # noqa: E731
        gold_chars = _chars(text, [gspan(g) for g in g_here if g["speaker"]])
        neutral = _chars(text, [gspan(g) for g in g_here if not g["speaker"] and not g["is_scare"]])
        pred_chars = _chars(text, [gspan(q) for q in scored]) - neutral
        tp += len(gold_chars & pred_chars)
        n_pred += len(pred_chars)
        n_gold += len(gold_chars)
        for g in g_here:
            gs = _norm(text, *gspan(g))
            best = max(
                ((_overlap(gs, _norm(text, *gspan(q))), q) for q in scored),
                key=lambda x: x[0],
                default=(0, None),
            )
            q = best[1] if best[0] else None
            if g["is_scare"]:
                if any(
                    _overlap(gs, _norm(text, *gspan(p))) and p.get("speaker")
                    for p in preds.get(name, [])
                ):
                    scare_bad += 1
                    if verbose:
                        print(f"  {label} SCARE WITH SPEAKER {name} {g['text']!r}")
                continue
            if not g["speaker"]:
                continue
            spk_n += 1
            got = q.get("speaker") if q is not None else None
            ok = _speaker_ok(str(g["speaker"]), got if isinstance(got, str) else None)
            spk_ok += ok
            if verbose and not ok:
                what = "MISS" if q is None else f"got={got!r}"
                print(f"  {label} {name} gold={g['speaker']!r} {what} {str(g['text'])[:60]!r}")
        if verbose:
            for q in scored:
                qs = _norm(text, *gspan(q))
                if not _chars(text, [qs]) - neutral:
                    continue
                if not any(_overlap(qs, _norm(text, *gspan(g))) for g in g_here if g["speaker"]):
                    print(f"  {label} FP {name} {text[qs[0] : qs[1]][:60]!r}")
    p, r, f = _prf(tp, n_pred, tp, n_gold)
    return {
        "char_p": p,
        "char_r": r,
        "char_f1": f,
        "speaker_acc": spk_ok / spk_n if spk_n else 0.0,
        "speaker_n": spk_n,
        "scare_with_speaker": scare_bad,
    }


def _to_cleaned(
    gold: list[dict[str, object]], raw: dict[str, str], cleaned: dict[str, str]
) -> list[dict[str, object]]:
    """Gold quotes moved onto the build's cleaned text by their words: the k-th quoted
    occurrence of a quote's text in the raw file is the k-th in the cleaned text. Quotes in
    removed boilerplate (or in removed repeats of a caption) drop out."""
    out: list[dict[str, object]] = []
    for g in gold:
        name = str(g["file"])
        if name not in cleaned:
            continue
        pat = re.compile(r"[“‘\"'«„]\s*(" + re.escape(str(g["text"])) + ")")
        starts = [m.start(1) for m in pat.finditer(raw[name])]
        k = starts.index(int(g["start"]))  # type: ignore[call-overload]
        hits = [m.start(1) for m in pat.finditer(cleaned[name])]
        if k < len(hits):
            s = hits[k]
            out.append({**g, "start": s, "end": s + len(str(g["text"]))})
    return out


def example_story(verbose: bool = False) -> bool:
    """Score `storyline annotate` and the build's dossier on the example story; print one
    table; True when every example floor holds."""
    import json
    import tempfile

    from storyline.analyse.lang.nlp import load_nlp
    from storyline.annotate import annotate_text, iter_inputs
    from storyline.pipeline import build

    repo = Path(__file__).resolve().parent.parent
    folder = repo / "examples" / "labour-trump-2024"
    gold_path = repo / "eval" / "data" / "quotes_example_gold.jsonl"
    gold = [json.loads(line) for line in gold_path.read_text("utf-8").splitlines() if line]
    nlp = load_nlp()
    raw: dict[str, str] = {}
    preds: dict[str, list[dict[str, object]]] = {}
    for item in iter_inputs([str(folder)], None):
        assert isinstance(item, dict)
        raw[item["id"]] = item["text"]
        preds[item["id"]] = annotate_text(item["text"], item["published"], nlp)["quotes"]
    rows = {"annotate": score_example(gold, preds, raw, verbose, "annotate")}
    with tempfile.TemporaryDirectory() as tmp:
        build([folder], Path(tmp) / "out")
        dossier = json.loads((Path(tmp) / "out" / "dossier.json").read_text("utf-8"))
    cleaned = {a["id"]: a["text"] for a in dossier["articles"]}
    d_preds: dict[str, list[dict[str, object]]] = {}
    for q in dossier["quotes"]:
        d_preds.setdefault(q["article_id"], []).append(q)
    d_gold = _to_cleaned(gold, raw, cleaned)
    rows["dossier"] = score_example(d_gold, d_preds, cleaned, verbose, "dossier")
    n_spk = sum(1 for g in gold if g["speaker"])
    print(
        f"Example story labour-trump-2024: {len(gold)} gold quotes, {n_spk} with a speaker, "
        f"{sum(1 for g in gold if g['is_scare'])} scare"
    )
    print(f"{'path':<12}{'char P':>8}{'char R':>8}{'char F1':>9}{'speaker':>9}{'scare+spk':>11}")
    ok = True
    for path, s in rows.items():
        print(
            f"{path:<12}{s['char_p']:>8.3f}{s['char_r']:>8.3f}{s['char_f1']:>9.3f}"
            f"{s['speaker_acc']:>9.3f}{int(s['scare_with_speaker']):>11}"
        )
        for k, floor in EXAMPLE_FLOORS.items():
            if s[k] < floor:
                print(f"FAIL: example {path} {k} below its floor")
                ok = False
        if s["scare_with_speaker"] > EXAMPLE_MAX_SCARE_WITH_SPEAKER:
            print(f"FAIL: example {path} gives scare quotes a speaker")
            ok = False
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
