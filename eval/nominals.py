"""Score nominal mentions ("the company", "the 45-year-old") and the names they sit among.

Gold: eval/data/nominals_gold.txt, short passages written for this project with every PERSON
and ORG name and every description of one marked inline as ``[[surface|entity|kind]]``; an
entity key starting with "_" is never named in its passage, so its nominals must stay unlinked.
Also read, when present, the business-news set of `eval.entities_xdoc`
(eval/data/entities_business.txt: names and some nominals marked; so on it a system nominal
that overlaps no gold mention may be a right one the gold left out).

Figures:
- mention recall: gold name and nominal mentions some system mention (not a pronoun)
  overlaps, and the same for nominals alone;
- nominal link precision: system nominal mentions (kinds nominal, role-noun, title) put in a
  cluster that holds one of the gold entity's names; one of a never-named entity counts
  against it, and so (on the written set, whose gold marks every description) does one that
  overlaps no gold mention;
- nominal link recall: gold nominals of named entities put in that entity's cluster.

Run from the repo root: ``python -m eval.nominals`` (``-v`` lists errors).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "eval" / "data" / "nominals_gold.txt"
FRESH = REPO / "eval" / "data" / "nominals_fresh.txt"  # written after tuning; never tuned on
BUSINESS = REPO / "eval" / "data" / "entities_business.txt"
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


def _business() -> list[tuple[str, list[GoldMention]]]:
    """E1's business-news set (eval/data/entities_business.txt), read by its own reader; its
    entity ids are corpus-wide, which is as good as per-article here."""
    if not BUSINESS.exists():
        return []
    from eval.entities_xdoc import read_business

    return [
        (d.text, [GoldMention(m.start, m.end, m.text, m.entity, m.kind) for m in d.mentions])
        for d in read_business(BUSINESS)
    ]


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return min(a1, b1) - max(a0, b0)


def score(
    passages: list[tuple[str, list[GoldMention]]], verbose: bool = False, full_gold: bool = True
) -> dict[str, float]:
    from storyline.analyse.entities.resolve import article_entities
    from storyline.analyse.lang.nlp import load_nlp

    nlp = load_nlp()
    c: Counter[str] = Counter()
    for text, gold in passages:
        ae = article_entities(nlp(text))
        sysm = [m for m in ae.mentions if m.kind != "pronoun"]
        # Each gold entity's system clusters: those its gold names land in (a name the
        # resolver split in two leaves a nominal right in either).
        names_of: dict[str, Counter[int]] = {}
        for g in gold:
            if g.kind != "name":
                continue
            best = max(sysm, key=lambda m: _overlap(g.start, g.end, m.start, m.end), default=None)
            if best is not None and _overlap(g.start, g.end, best.start, best.end) > 0:
                names_of.setdefault(g.entity, Counter())[best.cluster] += 1
        home = {e: set(cnt) for e, cnt in names_of.items()}
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
                    c["linked_nominal"] += any(m.cluster in home.get(g.entity, ()) for m in hit)
            if verbose and not hit and not g.entity.startswith("_"):
                print(
                    f"  missed {g.kind}: {g.text!r} ({text[max(0, g.start - 30) : g.end + 20]!r})"
                )
        names = {cl.id: cl.name for cl in ae.clusters}
        for m in sysm:
            if m.kind not in NOMINAL_KINDS or m.method == "unresolved":
                continue  # not a link: a description the system tied to no named entity
            near = max(gold, key=lambda x: _overlap(x.start, x.end, m.start, m.end), default=None)
            overlaps = near is not None and _overlap(near.start, near.end, m.start, m.end) > 0
            if not overlaps and not full_gold:
                continue  # a description the partial gold does not mark: not judged
            ok = (
                near is not None
                and overlaps
                and not near.entity.startswith("_")
                and m.cluster in home.get(near.entity, ())
            )
            c["sys_nominal"] += 1
            c["sys_nominal_ok"] += ok
            if verbose and not ok:
                print(f"  wrong link: {m.text!r} -> {names[m.cluster]!r} "
                      f"(gold {near.entity if near else None}; {m.method})")  # fmt: skip
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
    sets = (("written", read_gold()), ("fresh", read_gold(FRESH)), ("business", _business()))
    for name, passages in sets:
        if not passages:
            print(f"nominals ({name}): no gold")
            continue
        scores = score(passages, verbose, full_gold=name != "business")
        print(f"nominals ({name}): {len(passages)} passages")
        for k, v in scores.items():
            floor = FLOORS.get(k) if name == "written" else None
            mark = "" if floor is None else ("  ok" if v >= floor else f"  BELOW {floor}")
            print(f"  {k:20s} {v:6.3f}{mark}" if isinstance(v, float) else f"  {k:20s} {v}")
            failed |= floor is not None and v < floor
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
