"""Score nominal mentions ("the company", "the 45-year-old") and the names they sit among.

Gold: eval/data/nominals_gold.txt, short passages written for this project with every PERSON
and ORG name and every description of one marked inline as ``[[surface|entity|kind]]``; an
entity key starting with "_" is never named in its passage, so its nominals must stay unlinked.
Also read, when present, E1's business-news set (eval/data/entities_business_gold.jsonl, the
entities gold format with ``kind`` "nominal" on nominal mentions; texts inline as ``text``).

Figures:
- mention recall: gold name and nominal mentions some system mention (not a pronoun)
  overlaps, and the same for nominals alone;
- nominal link precision: system nominal mentions (kinds nominal, role-noun, title) whose
  cluster is the one holding most of the gold entity's names; a system nominal that overlaps no
  gold mention, or one of a never-named entity, counts against it;
- nominal link recall: gold nominals of named entities put in that entity's cluster.

Run from the repo root: ``python -m eval.nominals`` (``-v`` lists errors).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "eval" / "data" / "nominals_gold.txt"
BUSINESS = REPO / "eval" / "data" / "entities_business_gold.jsonl"
_MARK = re.compile(r"\[\[([^|\]]+)\|([^|\]]+)\|(name|nominal|pronoun)\]\]")
NOMINAL_KINDS = frozenset({"nominal", "role-noun", "title"})
# Pinned floors (a little under the scores when set): main() fails below these.
FLOORS = {"mention_recall": 0.85, "nominal_precision": 0.85}


@dataclass(frozen=True, slots=True)
class GoldMention:
    start: int
    end: int
    text: str
    entity: str
    kind: str


def parse_passage(marked: str) -> tuple[str, list[GoldMention]]:
    """The plain text of a marked-up passage and its gold mentions (offsets into it)."""
    out: list[str] = []
    mentions: list[GoldMention] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(marked):
        out.append(marked[pos : m.start()])
        length += m.start() - pos
        surface, entity, kind = m.groups()
        mentions.append(GoldMention(length, length + len(surface), surface, entity, kind))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), mentions


def read_gold(path: Path = GOLD) -> list[tuple[str, list[GoldMention]]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    passages = "\n".join(lines).split("\n---\n")
    return [parse_passage(p.strip()) for p in passages if p.strip()]


def _business(path: Path = BUSINESS) -> list[tuple[str, list[GoldMention]]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec: dict[str, Any] = json.loads(line)
        text = rec.get("text")
        if not isinstance(text, str):
            continue
        ms = [
            GoldMention(m["start"], m["end"], m["text"], str(k), m["kind"])
            for k, e in enumerate(rec["entities"])
            for m in e["mentions"]
            if text[m["start"] : m["end"]] == m["text"]
        ]
        out.append((text, ms))
    return out


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return min(a1, b1) - max(a0, b0)


def score(passages: list[tuple[str, list[GoldMention]]], verbose: bool = False) -> dict[str, float]:
    from storyline.analyse.entities.resolve import article_entities
    from storyline.analyse.lang.nlp import load_nlp

    nlp = load_nlp()
    c: Counter[str] = Counter()
    for text, gold in passages:
        ae = article_entities(nlp(text))
        sysm = [m for m in ae.mentions if m.kind != "pronoun"]
        names_of: dict[str, Counter[int]] = {}
        for g in gold:
            if g.kind != "name":
                continue
            best = max(sysm, key=lambda m: _overlap(g.start, g.end, m.start, m.end), default=None)
            if best is not None and _overlap(g.start, g.end, best.start, best.end) > 0:
                names_of.setdefault(g.entity, Counter())[best.cluster] += 1
        home = {e: cnt.most_common(1)[0][0] for e, cnt in names_of.items()}
        for g in gold:
            if g.kind == "pronoun":
                continue
            hit = [m for m in sysm if _overlap(g.start, g.end, m.start, m.end) > 0]
            c["gold"] += 1
            c["found"] += bool(hit)
            if g.kind == "nominal":
                c["gold_nominal"] += 1
                c["found_nominal"] += bool(hit)
                if not g.entity.startswith("_"):
                    c["gold_nominal_named"] += 1
                    c["linked_nominal"] += any(m.cluster == home.get(g.entity) for m in hit)
            if verbose and not hit and not g.entity.startswith("_"):
                print(
                    f"  missed {g.kind}: {g.text!r} ({text[max(0, g.start - 30) : g.end + 20]!r})"
                )
        names = {cl.id: cl.name for cl in ae.clusters}
        for m in sysm:
            if m.kind not in NOMINAL_KINDS:
                continue
            c["sys_nominal"] += 1
            g = max(gold, key=lambda x: _overlap(x.start, x.end, m.start, m.end), default=None)
            ok = (
                g is not None
                and _overlap(g.start, g.end, m.start, m.end) > 0
                and not g.entity.startswith("_")
                and home.get(g.entity) == m.cluster
            )
            c["sys_nominal_ok"] += ok
            if verbose and not ok:
                print(f"  wrong link: {m.text!r} -> {names[m.cluster]!r} "
                      f"(gold {g.entity if g else None}; {m.method})")  # fmt: skip
    return {
        "mentions": c["gold"],
        "nominals": c["gold_nominal"],
        "mention_recall": c["found"] / max(1, c["gold"]),
        "nominal_recall": c["found_nominal"] / max(1, c["gold_nominal"]),
        "nominal_precision": c["sys_nominal_ok"] / max(1, c["sys_nominal"]),
        "nominal_link_recall": c["linked_nominal"] / max(1, c["gold_nominal_named"]),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args
    failed = False
    for name, passages in (("written", read_gold()), ("business", _business())):
        if not passages:
            print(f"nominals ({name}): no gold")
            continue
        scores = score(passages, verbose)
        print(f"nominals ({name}): {len(passages)} passages")
        for k, v in scores.items():
            floor = FLOORS.get(k) if name == "written" else None
            mark = "" if floor is None else ("  ok" if v >= floor else f"  BELOW {floor}")
            print(f"  {k:20s} {v:6.3f}{mark}" if isinstance(v, float) else f"  {k:20s} {v}")
            failed |= floor is not None and v < floor
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
