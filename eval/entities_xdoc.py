"""Entities within and across documents: mention recall, corpus-wide B-cubed, cross-document pairs.

Two gold sets, each resolved as one corpus the way a build resolves it (every article's
``article_entities``, then ``link.entities.resolve_corpus`` over all of them):
- ``business``: eval/data/entities_business.txt, 30 organisation-heavy business articles written
  for this evaluation (format in the file's header). Every PER/ORG name is marked, with
  corpus-wide entity ids and some nominal mentions, so mention precision is judged too.
- ``news``: eval/data/entities_news.txt, 25 general news articles (politics with many titled
  officials, sport, science and health, local crime with unnamed people) in the same format,
  its conventions for nominals in its header.
- ``polnear``: eval/data/entities_gold.jsonl (PolNeAR dev texts and the example story, the same
  gold as ``eval.entities``), the gold entity's name standing for its corpus-wide id. Only the
  entities that matter are marked there, so no precision of mentions.

Scores (gold pronouns are left out of all of them):
- mention recall: share of gold mentions that some system mention (not a pronoun) overlaps with
  the type PERSON or ORG (the type of the corpus entity it went to, as the dossier shows it); for names, and for names + nominals (gold role nouns and titles
  count as nominals).
- B-cubed over the gold mentions of the whole set, each mapped to the corpus entity of the system
  mention that overlaps it most (unmatched: a singleton), gold clusters being the corpus-wide ids.
- cross-document pair recall / precision: pairs of gold mentions in different articles; recall is
  the share of same-entity pairs that land in one corpus entity, precision the share of pairs one
  corpus entity holds that are one gold entity.
- mention precision (business only): system PERSON/ORG name mentions overlapping a gold mention.

Run from the repo root: ``python -m eval.entities_xdoc`` (``-v`` lists errors).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BUSINESS = REPO / "eval" / "data" / "entities_business.txt"
# Written after the rules were fixed on BUSINESS and never tuned on: the check of that work.
BUSINESS_CHECK = REPO / "eval" / "data" / "entities_business_check.txt"
# General news (politics, sport, science, local crime) written in the third round of issue 14
# before any rule was changed for it: titles, surnames, nominals, unnamed people.
NEWS = REPO / "eval" / "data" / "entities_news.txt"
POLNEAR = REPO / "eval" / "data" / "entities_gold.jsonl"
# Pinned floors, a little under the scores of the committed code, on the names-only figures
# (nominal mentions come from another component and are scored without a floor here). Scores
# when set, with those before this work (eval at commit f975562's code) in brackets.
FLOORS: dict[str, dict[str, float]] = {
    "business": {
        "mention_recall names": 0.95,  # 0.979 (0.866)
        "mention_precision names": 0.95,  # 0.971 (0.898)
        "bcubed_precision names": 0.97,  # 0.993 (0.993)
        "bcubed_f1 names": 0.95,  # 0.965 (0.827)
        "xdoc_pair_recall names": 0.88,  # 0.909 (0.452)
        "xdoc_pair_precision names": 0.95,  # 0.984 (0.967)
    },
    "business_check": {
        "mention_recall names": 0.87,  # 0.899 (0.798)
        "mention_precision names": 0.96,  # 0.988 (0.947)
        "bcubed_f1 names": 0.94,  # 0.966 (0.828)
        "xdoc_pair_recall names": 0.83,  # 0.865 (0.404)
    },
    # Written for the third round and measured before any rule changed for it (in brackets;
    # the rules tuned on it were checked on business and business_check, which they left
    # unchanged or better). Nominal figures are pinned here too: this set is why they changed.
    "news": {
        "mention_recall names": 0.93,  # 0.946 (0.886)
        "mention_recall names+nominals": 0.84,  # 0.856 (0.749)
        "mention_precision names": 0.95,  # 0.966 (0.971)
        "bcubed_f1": 0.87,  # 0.886 (0.779)
        "xdoc_pair_recall": 0.76,  # 0.778 (0.483)
        "bcubed_precision names": 0.98,  # 1.000 (1.000)
        "bcubed_f1 names": 0.96,  # 0.973 (0.903)
        "xdoc_pair_recall names": 0.90,  # 0.921 (0.683)
    },
    "polnear": {
        "mention_recall names": 0.97,  # 0.985 (0.981)
        "bcubed_precision names": 0.98,  # 0.999 (0.999)
        "bcubed_f1 names": 0.975,  # 0.989 (0.983)
        "xdoc_pair_recall names": 0.96,  # 0.981 (0.970)
    },
}

# Gold entity names of the per-article gold that name one entity two ways (that gold was written
# one article at a time): the corpus-wide id is the first.
GOLD_SAME = {
    "Clinton": "Hillary Clinton",
    "Trump": "Donald Trump",
    "Labour": "Labour Party",
    "Lindsay Graham": "Lindsey Graham",
}
_HEADER = re.compile(r"^=== (\S+) \| ([^|]+) \| (\d{4}-\d{2}-\d{2})\s*$")
_MARK = re.compile(r"\[([^\[\]|]+)\|([^\[\]|]+)(?:\|([np]))?\]")
_KINDS = {None: "name", "n": "nominal", "p": "pronoun"}


class GoldError(ValueError):
    """The gold file is malformed (line and problem in the message)."""


@dataclass(frozen=True, slots=True)
class GoldMention:
    start: int
    end: int
    text: str
    entity: str
    kind: str  # name | nominal | pronoun


@dataclass(frozen=True, slots=True)
class GoldDoc:
    id: str
    outlet: str
    published: str
    text: str
    mentions: tuple[GoldMention, ...]


def read_business(path: Path = BUSINESS) -> list[GoldDoc]:
    """The inline-marked business set: plain texts with their gold mentions."""
    docs: list[GoldDoc] = []
    head: tuple[str, str, str] | None = None
    body: list[str] = []

    def flush() -> None:
        if head is None:
            return
        text, mentions = _unmark("\n".join(body).strip("\n"), path, head[0])
        docs.append(GoldDoc(head[0], head[1].strip(), head[2], text, tuple(mentions)))

    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#") and head is None:
            continue
        m = _HEADER.match(line)
        if m:
            flush()
            head, body = (m.group(1), m.group(2), m.group(3)), []
        elif line.startswith("==="):
            raise GoldError(f"{path}:{n}: bad article header {line!r}")
        elif head is not None:
            body.append(line)
    flush()
    return docs


def _unmark(marked: str, path: Path, doc_id: str) -> tuple[str, list[GoldMention]]:
    out: list[str] = []
    mentions: list[GoldMention] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(marked):
        plain = marked[pos : m.start()]
        if "[" in plain or "]" in plain:
            raise GoldError(f"{path}: {doc_id}: unbalanced mark near {plain[-40:]!r}")
        out.append(plain)
        length += len(plain)
        surface, entity = m.group(1), m.group(2).strip()
        mentions.append(
            GoldMention(length, length + len(surface), surface, entity, _KINDS[m.group(3)])
        )
        out.append(surface)
        length += len(surface)
        pos = m.end()
    rest = marked[pos:]
    if "[" in rest or "]" in rest:
        raise GoldError(f"{path}: {doc_id}: unbalanced mark near {rest[:40]!r}")
    out.append(rest)
    return "".join(out), mentions


def read_polnear(path: Path = POLNEAR) -> list[GoldDoc]:
    """The per-article entity gold as GoldDocs (entity name as corpus id); texts whose offsets
    do not match (or whose source is missing) are left out with a message."""
    from eval.entities import _dataset_text, _datasets, _example_texts

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    datasets = _datasets()
    if not datasets.exists():
        records = [r for r in records if r["source"].startswith("examples/")]
        print(f"entities_xdoc: datasets not found at {datasets}; PolNeAR part skipped")
    examples = _example_texts([r["source"] for r in records])
    docs: list[GoldDoc] = []
    for rec in records:
        src = rec["source"]
        text = (
            examples.get(src, "") if src.startswith("examples/") else _dataset_text(datasets, src)
        )
        mentions = []
        for e in rec["entities"]:
            for m in e["mentions"]:
                kind = {"name": "name", "pronoun": "pronoun"}.get(m["kind"], "nominal")
                eid = GOLD_SAME.get(e["name"], e["name"])
                mentions.append(GoldMention(m["start"], m["end"], m["text"], eid, kind))
        if any(text[m.start : m.end] != m.text for m in mentions):
            print(f"entities_xdoc: {src}: gold offsets do not match the text; skipped")
            continue
        docs.append(GoldDoc(src, "", rec.get("published") or "", text, tuple(mentions)))
    return docs


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(groups: dict[Any, Counter[str]]) -> int:
    """Cross-document pairs inside each group, given each group's mention count per article."""
    total = 0
    for per_doc in groups.values():
        n = sum(per_doc.values())
        total += (n * n - sum(c * c for c in per_doc.values())) // 2
    return total


def _corpus_scores(
    rows: list[tuple[str, GoldMention, str, bool]],
) -> tuple[
    float, float, float, float, dict[str, Counter[str]], dict[tuple[str, str], Counter[str]]
]:
    """B-cubed precision and recall over ``rows`` pooled across articles, cross-document pair
    recall and precision, and the mention counts behind them."""
    gold_of: dict[str, list[int]] = defaultdict(list)
    sys_of: dict[str, list[int]] = defaultdict(list)
    for i, (_, g, eid, _) in enumerate(rows):
        gold_of[g.entity].append(i)
        sys_of[eid].append(i)
    bp = br = 0.0
    for _, g, eid, _ in rows:
        gs, ss = set(gold_of[g.entity]), set(sys_of[eid])
        inter = len(gs & ss)
        bp += inter / len(ss)
        br += inter / len(gs)
    n = max(1, len(rows))
    by_gold: dict[str, Counter[str]] = defaultdict(Counter)
    by_sys: dict[str, Counter[str]] = defaultdict(Counter)
    by_both: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for did, g, eid, _ in rows:
        by_gold[g.entity][did] += 1
        by_sys[eid][did] += 1
        by_both[(g.entity, eid)][did] += 1
    same = _pairs(by_both)
    xr = same / max(1, _pairs(by_gold))
    xp = same / max(1, _pairs(by_sys))
    return bp / n, br / n, xr, xp, by_gold, by_both


def score(docs: list[GoldDoc], verbose: bool = False, full_gold: bool = False) -> dict[str, float]:
    from storyline.analyse.entities.resolve import article_entities
    from storyline.analyse.lang.nlp import load_nlp
    from storyline.link.corpus import _named_only
    from storyline.link.entities import resolve_corpus

    nlp = load_nlp()
    # As the build does it: the stored layer without the nominal-only clusters no name took
    # (they reach neither the corpus entities nor the dossier's mentions), then the corpus.
    per_doc = {d.id: _named_only(article_entities(nlp(d.text))) for d in docs}
    entities, where = resolve_corpus((d.id, d.published or None, per_doc[d.id]) for d in docs)
    names = {e.id: e.name for e in entities}
    types = {e.id: e.type for e in entities}
    # gold mention -> (doc, gold entity, system entity or a unique miss, found as PER/ORG)
    rows: list[tuple[str, GoldMention, str, bool]] = []
    spurious: list[tuple[str, str, str]] = []
    sys_named = matched_named = 0
    for d in docs:
        ae = per_doc[d.id]
        gold = [m for m in d.mentions if m.kind != "pronoun"]
        for k, g in enumerate(gold):
            best, best_ov = None, 0
            for m in ae.mentions:
                if m.kind == "pronoun":
                    continue
                ov = min(g.end, m.end) - max(g.start, m.start)
                if ov > best_ov:
                    best, best_ov = m, ov
            eid = where.get((d.id, best.cluster)) if best is not None else None
            # The type the dossier gives it: its corpus entity's, else the article's.
            label = types.get(eid or "", best.label if best is not None else "")
            found = label in ("PERSON", "ORG")
            rows.append((d.id, g, eid or f"\x00miss:{d.id}:{k}", found))
            if verbose and not found:
                got = f"{best.text!r} {best.label}" if best is not None else "nothing"
                print(f"  missed {d.id[-30:]}: {g.text!r} ({g.kind}) -> {got}")
        if full_gold:
            for m in ae.mentions:
                if m.kind != "name" or m.label not in ("PERSON", "ORG"):
                    continue
                sys_named += 1
                if any(min(g.end, m.end) > max(g.start, m.start) for g in d.mentions):
                    matched_named += 1
                else:
                    spurious.append((d.id, m.text, m.label))
    if verbose:
        for did, text, label in spurious:
            print(f"  not an entity {did}: {text!r} as {label}")
    scores: dict[str, float] = {}
    for kinds, label in ((("name",), "names"), (("name", "nominal"), "names+nominals")):
        sel = [r for r in rows if r[1].kind in kinds]
        scores[f"mention_recall {label}"] = sum(r[3] for r in sel) / max(1, len(sel))
    # B-cubed and cross-document pairs over names + nominals of the whole set, and over names
    # only (the part that does not depend on nominal mentions).
    for suffix, kinds in (("", ("name", "nominal")), (" names", ("name",))):
        sel = [r for r in rows if r[1].kind in kinds]
        bp, br, xr, xp, by_gold, by_both = _corpus_scores(sel)
        scores[f"bcubed_precision{suffix}"] = bp
        scores[f"bcubed_recall{suffix}"] = br
        scores[f"bcubed_f1{suffix}"] = _f1(bp, br)
        scores[f"xdoc_pair_recall{suffix}"] = xr
        scores[f"xdoc_pair_precision{suffix}"] = xp
    if full_gold:
        scores["mention_precision names"] = matched_named / max(1, sys_named)
    _, _, _, _, by_gold, by_both = _corpus_scores(rows)
    by_sys = {eid for _, eid in by_both}
    if verbose:
        for ge, per in sorted(by_gold.items()):
            split = Counter(
                names.get(eid, "(missed)")
                for (g2, eid), c in by_both.items()
                if g2 == ge
                for _ in c
            )
            if len(per) > 1 and len(split) > 1:
                print(f"  split {ge}: {dict(split)}")
        for eid in by_sys:
            golds = {g2 for (g2, e2) in by_both if e2 == eid}
            if len(golds) > 1:
                print(f"  merged {names.get(eid, eid)}: {sorted(golds)}")
    print(
        f"  {len(docs)} articles, {len(rows)} gold mentions "
        f"({sum(r[1].kind == 'name' for r in rows)} names), {_pairs(by_gold)} cross-document pairs"
    )
    return scores


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args
    wanted = [a for a in args if not a.startswith("-")] or list(FLOORS)
    failed: list[str] = []
    for name in wanted:
        print(f"entities_xdoc {name}:")
        if name == "business":
            docs, full = read_business(), True
        elif name == "business_check":
            docs, full = read_business(BUSINESS_CHECK), True
        elif name == "news":
            docs, full = read_business(NEWS), True
        else:
            docs, full = read_polnear(), False
        if not docs:
            print("  skipped (no texts)")
            continue
        scores = score(docs, verbose=verbose, full_gold=full)
        for k, v in scores.items():
            floor = FLOORS[name].get(k)
            mark = "" if floor is None else ("  ok" if v >= floor else f"  BELOW {floor}")
            print(f"  {k:26s} {v:6.3f}{mark}")
            if floor is not None and v < floor:
                failed.append(f"{name} {k}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
