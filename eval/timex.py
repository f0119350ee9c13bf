"""Score the time-expression tagger on TempEval-3 training data (TimeBank and AQUAINT).

Scoring follows TempEval-3: strict F1 (exact span), relaxed F1 (any overlap, one-to-one),
value F1 (relaxed matches whose normalised value is right) and type accuracy (over relaxed
matches). The document creation time is the anchor and is not itself scored. Also reports the
tagger's speed in words per second.

    python -m eval.timex            # table; exit 1 if a score is under its floor
    python -m eval.timex --errors   # also list misses, false alarms and wrong values (or -v)

A second table scores a small hand-annotated set of modern news articles
(``eval/data/timex_news_gold.jsonl``: one line per article with its source path, document date
and TIMEX3 offsets/type/value). The article texts are read from ``/work/devdata`` and
``$STORYLINE_DATASETS`` (``devdata/...`` and ``datasets/...`` paths); the table is skipped with a
printed line when they are absent.

Four more tables score ``eval/data/timex_news2_gold.txt`` to ``timex_news5_gold.txt``, news
written and annotated for this project (market reports, match reports, UTC and military times,
ranges, quoted letters and emails, datelines, court, weather, results, obituaries; news5:
flashback features, multi-day reports, deadlines, history, fixtures, its datelines not scored;
the files' headers give their format and conventions). They ship in the repository, so they are always scored and have their own floors.

The dataset is read from ``$STORYLINE_DATASETS/tempeval3`` (default ``../shared/datasets``
relative to the repository root) and never copied into the repository.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    from storyline.analyse.time.timex import Timex, tag_timexes
except ImportError:  # a source checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from storyline.analyse.time.timex import Timex, tag_timexes

# Floors pinned a few points under the scores measured when the tagger was tuned: a drop below
# any of them fails `make eval`.
# Measured at pinning time (overall): strict 0.889, relaxed 0.946, value 0.810, type 0.951
# (TimeBank value 0.825, AQUAINT value 0.776); since issue 14 dropped "current", "currently",
# "recently" (TempEval-3's newer conventions) and added "annual": 0.884, 0.940, 0.804, 0.951;
# after the fourth session's tense fixes (a plan anywhere in the sentence, fixtures' present,
# attributions, "this weekend"): 0.885, 0.940, 0.807, 0.951.
FLOORS: dict[str, float] = {
    "strict_f1": 0.879,
    "relaxed_f1": 0.936,
    "value_f1": 0.801,
    "type_acc": 0.941,
}
# The second news set (eval/data/timex_news2_gold.txt), written before the tagger saw it:
# first measured 0.960/0.972/0.862 (strict/relaxed/value), 0.988/0.988/0.957/0.988 after the
# general fixes it and the third set showed up; floors a little under the latter (value 0.963
# after the fourth session's tense fixes).
NEWS2_FLOORS: dict[str, float] = {
    "strict_f1": 0.97,
    "relaxed_f1": 0.97,
    "value_f1": 0.94,
    "type_acc": 0.97,
}
# The third set (eval/data/timex_news3_gold.txt), written after the fixes the second showed:
# first measured 0.966/0.993/0.898/1.000, then 0.986/1.000/0.946/1.000 (over-counts, bare
# halves, modals, scheduled days; one gold value corrected to TimeBank's); value 0.986 after the
# fourth session's tense fixes (a far "expected to", "this weekend" midweek).
NEWS3_FLOORS: dict[str, float] = {
    "strict_f1": 0.96,
    "relaxed_f1": 0.97,
    "value_f1": 0.96,
    "type_acc": 0.97,
}
# The fourth set (eval/data/timex_news4_gold.txt), written and annotated before the tagger ran
# on it: first measured (unseen) 0.982/0.991/0.964/0.991; after three annotation slips were
# corrected (the file's header says which) and two general fixes (a plural noun such as "title
# hopes" is no future cue; "its July record" is behind the anchor): 1.000/1.000/0.991/0.991.
NEWS4_FLOORS: dict[str, float] = {
    "strict_f1": 0.97,
    "relaxed_f1": 0.97,
    "value_f1": 0.95,
    "type_acc": 0.97,
}
# The fifth set (eval/data/timex_news5_gold.txt, datelines marked SKIP and not scored), written
# and annotated before the tagger ran on it: first measured (unseen) 0.936/0.973/0.900/0.981,
# 0.945/0.973/0.900/0.981 after two annotation slips (the file's header says which), then
# 0.959/0.986/0.977/0.982 after the general fixes it showed; floors a little under the latter.
NEWS5_FLOORS: dict[str, float] = {
    "strict_f1": 0.94,
    "relaxed_f1": 0.96,
    "value_f1": 0.95,
    "type_acc": 0.96,
}
MIN_WORDS_PER_SECOND = 50_000
SUBCORPORA = ("TimeBank", "AQUAINT")
# Repeat the speed measurement and keep the best run: the machine is shared.
SPEED_RUNS = 3

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_DCT = re.compile(r"<DCT>\s*<TIMEX3([^>]*)>")
_BODY = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Gold:
    start: int
    end: int
    type: str
    value: str


@dataclass(slots=True)
class Doc:
    name: str
    corpus: str
    text: str
    anchor: dt.date
    gold: list[Gold]
    # Spans not scored (datelines in news5): gold there is dropped, and so is any tagged
    # expression overlapping one.
    skip: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class Counts:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.system += other.system
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.value += other.value
        self.type += other.type
        self.errors.extend(other.errors)


def _f1(hit: int, system: int, gold: int) -> float:
    p = hit / system if system else 0.0
    r = hit / gold if gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(c: Counts) -> dict[str, float]:
    return {
        "strict_f1": _f1(c.strict, c.system, c.gold),
        "relaxed_f1": _f1(c.relaxed, c.system, c.gold),
        "value_f1": _f1(c.value, c.system, c.gold),
        "type_acc": c.type / c.relaxed if c.relaxed else 0.0,
    }


def load_doc(path: Path, corpus: str) -> Doc:
    raw = path.read_text(encoding="utf-8")
    dct = _DCT.search(raw)
    body = _BODY.search(raw)
    if dct is None or body is None:
        raise ValueError(f"{path}: no DCT or TEXT")
    anchor = dt.date.fromisoformat(dict(_ATTR.findall(dct.group(1)))["value"][:10])
    pieces: list[str] = []
    length = 0
    stack: list[tuple[str, dict[str, str], int]] = []
    gold: list[Gold] = []
    pos = 0
    src = body.group(1)
    for t in _TAG.finditer(src):
        piece = html.unescape(src[pos : t.start()])
        pieces.append(piece)
        length += len(piece)
        pos = t.end()
        close, name, attrs, selfclose = t.groups()
        if selfclose:
            continue
        if close:
            open_name, a, start = stack.pop()
            if open_name == "TIMEX3":
                gold.append(Gold(start, length, a.get("type", ""), a.get("value", "")))
        else:
            stack.append((name, dict(_ATTR.findall(attrs)), length))
    pieces.append(html.unescape(src[pos:]))
    gold.sort(key=lambda g: g.start)
    return Doc(path.name, corpus, "".join(pieces), anchor, gold)


def load_corpus(root: Path) -> list[Doc]:
    docs: list[Doc] = []
    for corpus in SUBCORPORA:
        for path in sorted((root / corpus).glob("*.tml")):
            docs.append(load_doc(path, corpus))
    return docs


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - 45) : start].replace("\n", " ")
    right = text[end : end + 25].replace("\n", " ")
    return f"{left}[{text[start:end]}]{right}"


def score_doc(doc: Doc, system: list[Timex]) -> Counts:
    if doc.skip:
        system = [s for s in system if not any(s.start < e and b < s.end for b, e in doc.skip)]
    c = Counts(gold=len(doc.gold), system=len(system))
    exact = {(g.start, g.end) for g in doc.gold}
    c.strict = sum((s.start, s.end) in exact for s in system)
    used: set[int] = set()
    matched_gold: set[int] = set()
    for gi, g in enumerate(doc.gold):
        best, best_overlap = -1, 0
        for si, s in enumerate(system):
            if si in used:
                continue
            overlap = min(g.end, s.end) - max(g.start, s.start)
            if overlap > best_overlap:
                best, best_overlap = si, overlap
        if best < 0:
            continue
        used.add(best)
        matched_gold.add(gi)
        s = system[best]
        c.relaxed += 1
        c.value += s.value == g.value
        c.type += s.type == g.type
        where = f"{doc.corpus[:2]} {doc.anchor}"
        if (s.start, s.end) != (g.start, g.end):
            c.errors.append(
                f"SPAN  {where} gold={doc.text[g.start : g.end]!r} sys={s.text!r}"
                f"  | {_context(doc.text, g.start, g.end)}"
            )
        if s.value != g.value:
            c.errors.append(
                f"VALUE {where} {s.method} gold={g.type}:{g.value} sys={s.type}:{s.value}"
                f"  | {_context(doc.text, s.start, s.end)}"
            )
    for gi, g in enumerate(doc.gold):
        if gi not in matched_gold:
            c.errors.append(
                f"MISS  {doc.corpus[:2]} {doc.anchor} {g.type}:{g.value}"
                f"  | {_context(doc.text, g.start, g.end)}"
            )
    for si, s in enumerate(system):
        if si not in used:
            c.errors.append(
                f"FALSE {doc.corpus[:2]} {doc.anchor} {s.method} {s.type}:{s.value}"
                f"  | {_context(doc.text, s.start, s.end)}"
            )
    return c


def _dataset_root() -> Path:
    repo = Path(__file__).resolve().parents[1]
    base = os.environ.get("STORYLINE_DATASETS")
    root = Path(base) if base else (repo / ".." / "shared" / "datasets")
    return root / "tempeval3"


NEWS_GOLD = Path(__file__).resolve().parent / "data" / "timex_news_gold.jsonl"
DEVDATA = Path(os.environ.get("STORYLINE_DEVDATA", "/work/devdata"))


def _news_text(source: str, datasets: Path) -> str | None:
    path_part, _, art_id = source.partition("#")
    head, _, rest = path_part.partition("/")
    base = DEVDATA if head == "devdata" else datasets
    path = base / rest
    if not path.is_file():
        return None
    if not art_id:
        return path.read_text(encoding="utf-8")
    with path.open(encoding="utf-8") as f:
        for line in f:
            art = json.loads(line)
            if str(art.get("id")) == art_id:
                return str(art["text"])
    return None


def load_news(datasets: Path) -> list[Doc] | None:
    """The hand-annotated modern news articles, or None when their texts are not available."""
    if not NEWS_GOLD.is_file() or not DEVDATA.is_dir():
        return None
    docs: list[Doc] = []
    for line in NEWS_GOLD.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        text = _news_text(rec["source"], datasets)
        if text is None:
            continue
        gold = [Gold(t["start"], t["end"], t["type"], t["value"]) for t in rec["timexes"]]
        for g, t in zip(gold, rec["timexes"], strict=True):
            if text[g.start : g.end] != t["text"]:
                raise ValueError(f"{rec['source']}: gold offsets do not match the text")
        anchor = dt.date.fromisoformat(rec["dct"])
        docs.append(Doc(rec["source"].rsplit("/", 1)[-1], "news", text, anchor, gold))
    return docs


NEWS2_GOLD = Path(__file__).resolve().parent / "data" / "timex_news2_gold.txt"
NEWS3_GOLD = Path(__file__).resolve().parent / "data" / "timex_news3_gold.txt"
NEWS4_GOLD = Path(__file__).resolve().parent / "data" / "timex_news4_gold.txt"
NEWS5_GOLD = Path(__file__).resolve().parent / "data" / "timex_news5_gold.txt"
_INLINE = re.compile(r"\[\[([^|\]]+)\|([A-Z]+)\|([^\]]*)\]\]")
_HEAD = re.compile(r"^=== (\S+) dct=(\d{4}-\d\d-\d\d)$")


def parse_inline(text: str, where: str) -> tuple[str, list[Gold]]:
    """Plain text and gold TIMEX3 from text marked ``[[words|TYPE|VALUE]]``."""
    out: list[str] = []
    gold: list[Gold] = []
    pos = length = 0
    for m in _INLINE.finditer(text):
        out.append(text[pos : m.start()])
        length += m.start() - pos
        words, typ, value = m.groups()
        if typ not in ("DATE", "TIME", "DURATION", "SET", "SKIP") or not value:
            raise ValueError(f"{where}: bad annotation {m.group()!r}")
        gold.append(Gold(length, length + len(words), typ, value))
        out.append(words)
        length += len(words)
        pos = m.end()
    rest = text[pos:]
    if "[[" in rest or "]]" in rest:
        raise ValueError(f"{where}: unbalanced [[ ]] in {rest[:60]!r}")
    out.append(rest)
    return "".join(out), gold


def load_news2(path: Path = NEWS2_GOLD) -> list[Doc]:
    """The articles of the second hand-written news set, with their gold."""
    docs: list[Doc] = []
    head: tuple[str, dt.date] | None = None
    lines: list[str] = []

    def flush() -> None:
        if head is not None:
            text, marked = parse_inline("\n".join(lines), f"{path.name} {head[0]}")
            gold = [g for g in marked if g.type != "SKIP"]
            skip = tuple((g.start, g.end) for g in marked if g.type == "SKIP")
            docs.append(Doc(head[0], "news2", text, head[1], gold, skip))

    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = _HEAD.match(line)
        if m:
            flush()
            head, lines = (m[1], dt.date.fromisoformat(m[2])), []
        elif head is None:
            if line and not line.startswith("#"):
                raise ValueError(f"{path.name}:{n}: text before the first '=== ID dct=' line")
        else:
            lines.append(line)
    flush()
    return docs


def measure_speed(docs: list[Doc]) -> float:
    words = sum(len(_WORDS.findall(d.text)) for d in docs)
    best = float("inf")
    for _ in range(SPEED_RUNS):
        t0 = time.perf_counter()
        for d in docs:
            tag_timexes(d.text, d.anchor)
        best = min(best, time.perf_counter() - t0)
    return words / best if best > 0 else float("inf")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = _dataset_root()
    if not root.is_dir():
        print("skipped: dataset not found")
        return 0
    docs = load_corpus(root)
    per: dict[str, Counts] = {name: Counts() for name in SUBCORPORA}
    for d in docs:
        per[d.corpus].add(score_doc(d, tag_timexes(d.text, d.anchor)))
    total = Counts()
    for c in per.values():
        total.add(c)
    header = f"{'corpus':<10} {'gold':>5} {'sys':>5} {'strict':>7} {'relaxed':>8} {'value':>6} {'type':>6}"
    print("TIMEX3 tagging, TempEval-3 training data (strict/relaxed/value F1, type accuracy)")
    print(header)
    for name, c in [*per.items(), ("overall", total)]:
        s = scores(c)
        print(
            f"{name:<10} {c.gold:>5} {c.system:>5} {s['strict_f1']:>7.3f} {s['relaxed_f1']:>8.3f}"
            f" {s['value_f1']:>6.3f} {s['type_acc']:>6.3f}"
        )
    wps = measure_speed(docs)
    print(f"speed: {wps:,.0f} words/s (floor {MIN_WORDS_PER_SECOND:,})")
    verbose = "--errors" in args or "-v" in args
    if verbose:
        for line in sorted(total.errors):
            print(line)
    news = load_news(root.parent)
    if news is None:
        print("modern news (hand-annotated): skipped, /work/devdata not found")
    else:
        nc = Counts()
        for d in news:
            nc.add(score_doc(d, tag_timexes(d.text, d.anchor)))
        ns = scores(nc)
        print()
        print(f"modern news (hand-annotated): {len(news)} articles")
        print(header)
        print(
            f"{'news':<10} {nc.gold:>5} {nc.system:>5} {ns['strict_f1']:>7.3f}"
            f" {ns['relaxed_f1']:>8.3f} {ns['value_f1']:>6.3f} {ns['type_acc']:>6.3f}"
        )
        if verbose:
            for line in sorted(nc.errors):
                print(line)
    failed = [k for k, v in scores(total).items() if v < FLOORS[k]]
    for label, path, floors in (
        ("news2", NEWS2_GOLD, NEWS2_FLOORS),
        ("news3", NEWS3_GOLD, NEWS3_FLOORS),
        ("news4", NEWS4_GOLD, NEWS4_FLOORS),
        ("news5", NEWS5_GOLD, NEWS5_FLOORS),
    ):
        docs = load_news2(path)
        c2 = Counts()
        for d in docs:
            c2.add(score_doc(d, tag_timexes(d.text, d.anchor)))
        s2 = scores(c2)
        print()
        print(f"{label} (written for storyline, eval/data/{path.name}): {len(docs)} articles")
        print(header)
        print(
            f"{label:<10} {c2.gold:>5} {c2.system:>5} {s2['strict_f1']:>7.3f}"
            f" {s2['relaxed_f1']:>8.3f} {s2['value_f1']:>6.3f} {s2['type_acc']:>6.3f}"
        )
        if verbose:
            for line in sorted(c2.errors):
                print(line)
        failed += [f"{label} {k}" for k, v in s2.items() if v < floors[k]]
    if wps < MIN_WORDS_PER_SECOND:
        failed.append("speed")
    if failed:
        print("below floor: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
