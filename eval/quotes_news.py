"""Score direct quotes and speakers on hand-annotated real news articles.

A second dev set for the quote layer, built to look like the held-out "real news articles with
gold direct quotes and speaker spans" (where a plain regex over quotation marks reaches overlap
F1 0.92 / exact 0.88): PolNeAR (``eval.quotes``) is annotated too differently to stand in for
it. Texts: newspaper4k's English news test pages (gold bodies fetched by
``eval/fetch_html_devset.py`` into /work/devdata/html-extraction, ``$STORYLINE_DEVDATA``) and,
when present, a few PolNeAR dev texts re-annotated by hand (``$STORYLINE_DATASETS``, default
``../shared/datasets``). Both live outside the repo; a file whose text is absent is skipped
and said so.

Gold (eval/data/quotes_news_gold.jsonl, one unit a line, made by hand without running the
system): every stretch of text inside quotation marks, marks excluded, offsets into the file as
read with ``open(path, encoding="utf-8").read()``. ``speech`` is false for what is nobody's
speech (scare quotes, titles of works, nicknames and names in quotes); those carry no speaker.
``partial`` marks quoted words embedded in a sentence of reported speech or narration ("called
the agreement “a fraud”"). A quote running over several paragraphs is one unit a paragraph; a
quote interrupted by its attribution ("“So,” Alito declared, “I take …”") is two units.
``speaker_start/end`` is the attribution mention the quote hangs on ("he", "Patrol Chief James
Hall", "the Rodong Sinmun"), ``speaker_alt`` other acceptable mentions, ``speaker`` the full
name as the article gives it (null for unnamed sources: "a doctor from Hebron"; a quote may
have a name but no mention when only the turn-taking of a dialogue attributes it),
``speaker_aliases`` other names of the same speaker ("PETA").

Scoring. Both sides are normalised as in ``eval.quotes`` (strip whitespace, quotation marks and
``,;:`` from both ends). Exact = identical normalised offsets; overlap = any shared character.
Predictions are ``storyline.annotate.annotate_text`` quotes with confidence at least
``eval.quotes.SCORED_MIN``. Two readings:

(a) direct only: predictions of kind ``direct``; gold = speech units that are not partial.
    Partial gold units are neutral: a prediction that overlaps only partial gold units is
    neither a hit nor a false positive (the words are someone's; only the kind differs).
(b) direct + partial: predictions of kind ``direct`` or ``partial``; gold = all speech units.

In both, a prediction overlapping nothing but non-speech gold (or no gold at all) is a false
positive. Recall counts gold units overlapped (or exactly matched) by some prediction;
precision counts predictions overlapping (or exactly matching) some gold unit.

Speaker-span accuracy: over overlap-matched gold units that have a speaker mention, the share
whose best-overlapping prediction has a speaker_span overlapping that mention (or an
alternative one). Speaker-name accuracy: over overlap-matched gold units with a name, the
share whose prediction's canonical ``speaker`` contains the last word of the name or of an
alias, case-insensitively. "scare+spk": non-speech gold units that a prediction with a speaker
(any kind, any confidence) mostly covers (a speech quote around a nested scare quote does not
count).

Baseline: a plain regex taking every “…”, "…" and ‘…’ span of at least two words, scored as
(a) and (b) (it has no kinds and no speakers). If this set resembles the held-out one, the
regex should land near 0.92 overlap F1 there.

Fresh sets (issue 14), texts in the repo: eval/data/quotes_fresh (40 passages written by hand
to look like unseen news, measured before the rules were fixed on them, so in-sample now),
eval/data/quotes_fresh2 (20 passages written after those fixes, the check set),
eval/data/quotes_fresh3 (40 passages of kinds the first two lack, written before the third
round of fixes and measured first, in-sample since) and eval/data/quotes_fresh4 (16 passages
written after that round, its check set). All are annotated in ``eval/data/<set>_src.txt``
and built into text files and gold lines by ``--build-fresh``; their reading (a) scores have
pinned floors (``FRESH_FLOORS`` … ``FRESH4_FLOORS``), ``--fresh`` scores only them.

Run from the repo root: ``python -m eval.quotes_news`` (``-v`` lists misses (MISS), false
positives (FP), boundary errors (EXACT), speaker errors (SPK, NAME) and scare quotes given a
speaker (SCARE), then counts them by kind). Floors are pinned on the fresh sets only.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from eval.quotes import _norm, _overlap, _prf

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "eval" / "data" / "quotes_news_gold.jsonl"
# The fresh sets (issue 14): short news passages written by hand for this eval, texts in the
# repo. The first (quotes_fresh: 40 passages) was measured, then the rules were fixed on it.
# The second (quotes_fresh2: 20 passages) was written after those fixes and measured before
# any rule looked at it.
DATA = REPO / "eval" / "data"
FRESH_SETS = ("quotes_fresh", "quotes_fresh2", "quotes_fresh3", "quotes_fresh4")
FRESH_GOLD = DATA / "quotes_fresh_gold.jsonl"
FRESH2_GOLD = DATA / "quotes_fresh2_gold.jsonl"
FRESH3_GOLD = DATA / "quotes_fresh3_gold.jsonl"
FRESH4_GOLD = DATA / "quotes_fresh4_gold.jsonl"
# Pinned floors on the fresh set (reading (a) overlap/exact F1, speaker span, speaker name):
# main() fails below them.
# Measured before any issue-14 fix: 0.988 / 0.988 / 0.864 / 0.827; after: 1.000 / 1.000 /
# 1.000 / 0.988. The fixes were made looking at this set, so it is in-sample now: the untuned
# second set (quotes_fresh2) is the honest figure.
# The check set, measured first with the rules fitted on the first set: (a) 1.000 / 1.000 /
# 1.000 / 0.905 (the code before any issue-14 fix: 1.000 / 1.000 / 0.952 / 0.810). Three
# general fixes followed from its errors (an age description speaks for the person just named,
# a lone capitalised word echoes no quote, an owner's possessive is no part of a name): 0.952.
FRESH2_FLOORS = {
    "overlap_f1": 0.97,
    "exact_f1": 0.97,
    "speaker_span_acc": 0.97,
    "speaker_name_acc": 0.96,  # 1.000 after the round-3 fixes (nationality nouns, compounds)
}
# The third set (quotes_fresh3: 40 passages of kinds the first two lack: wire chains, court,
# post-match, Q&A, statements, nominal speakers, speakers after the quote, non-English names,
# headline quotes) was written before the third round of fixes and measured first: (a)
# 1.000 / 1.000 / 0.918 / 0.717. The fixes of that round were made looking at it (in-sample
# now): 1.000 / 1.000 / 0.982 / 0.953; set 2 went 0.952 -> 1.000 on names with them.
FRESH3_FLOORS = {
    "overlap_f1": 0.97,
    "exact_f1": 0.97,
    "speaker_span_acc": 0.96,
    "speaker_name_acc": 0.93,
}
# The fourth set (quotes_fresh4: 16 passages) was written after the third round's fixes and
# measured before any rule looked at it, the check set of that round: (a) 1.000 / 1.000 /
# 1.000 / 0.844. Three general fixes followed from its errors (a name set off after a subject
# description is the topic, a headline's bare title takes the name of the body quote it
# repeats, a speaker phrase keeps the whole entity its head begins): 0.906; what is left is
# the tagger typing people as organisations ("the leg-spinner" after "Imran Qureshi" [ORG]).
FRESH4_FLOORS = {
    "overlap_f1": 0.97,
    "exact_f1": 0.97,
    "speaker_span_acc": 0.96,
    "speaker_name_acc": 0.87,
}
FRESH_FLOORS = {
    "overlap_f1": 0.97,
    "exact_f1": 0.97,
    "speaker_span_acc": 0.96,
    "speaker_name_acc": 0.95,
}
SCORED_MIN = 0.3  # as eval.quotes.SCORED_MIN: scare quotes and interviewer echoes sit below
REGEX = re.compile(r"“([^“”\n]+)”|\"([^\"\n]+)\"|‘([^‘’\n]+?)’(?!\w)")


@dataclass(slots=True)
class Gold:
    start: int
    end: int
    speech: bool
    partial: bool
    speakers: list[tuple[int, int]]
    name: str | None
    names: list[str]


@dataclass(slots=True)
class Pred:
    start: int
    end: int
    kind: str
    speaker_span: tuple[int, int] | None = None
    speaker_text: str | None = None
    speaker: str | None = None
    method: str = ""


@dataclass(slots=True)
class Tally:
    n_pred: int = 0
    n_gold: int = 0
    ov_p: int = 0
    ov_g: int = 0
    ex_p: int = 0
    ex_g: int = 0
    spk_n: int = 0
    spk_ok: int = 0
    name_n: int = 0
    name_ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)


def _roots() -> dict[str, Path]:
    datasets = Path(os.environ.get("STORYLINE_DATASETS", REPO.parent / "shared" / "datasets"))
    devdata = Path(os.environ.get("STORYLINE_DEVDATA", "/work/devdata"))
    return {
        "html-extraction": devdata / "html-extraction",
        "polnear-dev": datasets / "polnear" / "dev" / "text",
        **{name.removeprefix("quotes_"): DATA / name for name in FRESH_SETS},
    }


def load_gold(
    path: Path = GOLD,
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], list[Gold]]]:
    """Texts and gold units of the files whose text is present, keyed by (corpus, file)."""
    roots = _roots()
    texts: dict[tuple[str, str], str] = {}
    gold: dict[tuple[str, str], list[Gold]] = {}
    missing: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        key = (r["corpus"], r["file"])
        if key not in texts:
            path = roots[key[0]] / key[1]
            if not path.is_file():
                missing[key[0]] += 1
                continue
            texts[key] = open(path, encoding="utf-8").read()  # noqa: SIM115
        spans = [(r["speaker_start"], r["speaker_end"])] if r["speaker_start"] is not None else []
        spans += [(a, b) for a, b in r.get("speaker_alt", [])]
        name = r["speaker"]
        names = ([name] if name else []) + list(r.get("speaker_aliases", []))
        start, end = _norm(texts[key], r["start"], r["end"])
        gold.setdefault(key, []).append(
            Gold(start, end, r["speech"], r["partial"], spans, name, names)
        )
    for corpus, n in missing.items():
        print(f"{corpus}: text absent ({roots[corpus]}), {n} gold units skipped")
    return texts, gold


def system_preds(texts: dict[tuple[str, str], str]) -> dict[tuple[str, str], list[Pred]]:
    sys.path.insert(0, str(REPO / "src"))
    from storyline.analyse.lang.nlp import load_nlp
    from storyline.annotate import annotate_text

    nlp = load_nlp()
    out: dict[tuple[str, str], list[Pred]] = {}
    for key, text in texts.items():
        preds = []
        for q in annotate_text(text, None, nlp)["quotes"]:
            sp = q["speaker_span"]
            preds.append(
                Pred(
                    *_norm(text, q["start"], q["end"]),
                    kind=q["kind"] if q["confidence"] >= SCORED_MIN else "low",
                    speaker_span=(sp["start"], sp["end"]) if sp else None,
                    speaker_text=sp["text"] if sp else None,
                    speaker=q["speaker"],
                    method=str(q.get("method", "")),
                )
            )
        out[key] = preds
    return out


def regex_preds(texts: dict[tuple[str, str], str]) -> dict[tuple[str, str], list[Pred]]:
    out: dict[tuple[str, str], list[Pred]] = {}
    for key, text in texts.items():
        preds = []
        for m in REGEX.finditer(text):
            g = next(i for i in (1, 2, 3) if m.group(i) is not None)
            if len(m.group(g).split()) >= 2:
                preds.append(Pred(*_norm(text, m.start(g), m.end(g)), kind="direct"))
        out[key] = preds
    return out


def _name_ok(g: Gold, pred: str | None) -> bool:
    if not pred:
        return False
    return any(n.split()[-1].lower() in pred.lower() for n in g.names)


def score(
    texts: dict[tuple[str, str], str],
    gold: dict[tuple[str, str], list[Gold]],
    preds: dict[tuple[str, str], list[Pred]],
    kinds: tuple[str, ...],
    with_partial: bool,
    verbose: bool = False,
    label: str = "",
) -> Tally:
    t = Tally()
    for key, text in texts.items():
        name = key[1].removesuffix(".txt")
        gs = gold.get(key, [])
        scored = [(g, g.speech and (with_partial or not g.partial)) for g in gs]
        neutral = [(g.start, g.end) for g, s in scored if g.speech and not s]
        gspans = [(g.start, g.end) for g, s in scored if s]
        ps = [p for p in preds[key] if p.kind in kinds]
        pset = {(p.start, p.end) for p in ps}
        gset = set(gspans)
        for p in ps:
            span = (p.start, p.end)
            if any(_overlap(span, g) for g in gspans):
                t.n_pred += 1
                t.ov_p += 1
                t.ex_p += span in gset
            elif any(_overlap(span, g) for g in neutral):
                continue
            else:
                t.n_pred += 1
                t.errors["false positive"] += 1
                scare = any(_overlap(span, (g.start, g.end)) for g in gs if not g.speech)
                if scare:
                    t.errors["false positive: non-speech quote"] += 1
                if verbose:
                    tag = " (non-speech)" if scare else ""
                    print(f"  {label} FP{tag} {name} {p.method} {text[p.start : p.end][:70]!r}")
        for g, s in scored:
            if not s:
                continue
            t.n_gold += 1
            gspan = (g.start, g.end)
            best = max(ps, key=lambda p: _overlap((p.start, p.end), gspan), default=None)
            if best is None or not _overlap((best.start, best.end), gspan):
                t.errors["missed quote"] += 1
                if verbose:
                    tag = " (partial)" if g.partial else ""
                    print(f"  {label} MISS{tag} {name} {text[g.start : g.end][:70]!r}")
                continue
            t.ov_g += 1
            t.ex_g += gspan in pset
            if gspan not in pset:
                t.errors["wrong boundaries"] += 1
                if verbose:
                    print(
                        f"  {label} EXACT {name} gold={_show(text, gspan)} "
                        f"pred={_show(text, (best.start, best.end))} ({best.method})"
                    )
            if g.speakers:
                t.spk_n += 1
                sp = best.speaker_span
                ok = sp is not None and any(_overlap(sp, s) for s in g.speakers)
                t.spk_ok += ok
                if not ok:
                    t.errors["missing speaker" if sp is None else "wrong speaker span"] += 1
                    if verbose:
                        gtxt = text[g.speakers[0][0] : g.speakers[0][1]]
                        print(
                            f"  {label} SPK {name} gold={gtxt!r} ({g.name}) "
                            f"got={best.speaker_text!r} ({best.method}) "
                            f"{text[g.start : g.end][:50]!r}"
                        )
            if g.names:
                t.name_n += 1
                ok = _name_ok(g, best.speaker)
                t.name_ok += ok
                if not ok:
                    t.errors["wrong or missing speaker name"] += 1
                    if verbose:
                        print(
                            f"  {label} NAME {name} gold={g.name!r} got={best.speaker!r} "
                            f"({best.method}) {text[g.start : g.end][:50]!r}"
                        )
    return t


def scare_with_speaker(
    texts: dict[tuple[str, str], str],
    gold: dict[tuple[str, str], list[Gold]],
    preds: dict[tuple[str, str], list[Pred]],
    verbose: bool = False,
) -> int:
    n = 0
    for key, text in texts.items():
        for g in gold.get(key, []):
            if g.speech:
                continue
            gspan = (g.start, g.end)
            hit = [  # predictions that are mostly this span, not a speech quote around it
                p
                for p in preds[key]
                if p.speaker and 2 * _overlap((p.start, p.end), gspan) >= p.end - p.start
            ]
            if hit:
                n += 1
                if verbose:
                    print(
                        f"  SCARE {key[1]} {text[g.start : g.end]!r} got={hit[0].speaker!r} "
                        f"({hit[0].kind}, {hit[0].method})"
                    )
    return n


def _show(text: str, span: tuple[int, int]) -> str:
    a, b = span
    body = text[a:b]
    return repr(body if len(body) <= 50 else f"{body[:22]}…{body[-22:]}")


def _row(label: str, t: Tally, speakers: bool = True) -> str:
    op, orr, of = _prf(t.ov_p, t.n_pred, t.ov_g, t.n_gold)
    ep, er, ef = _prf(t.ex_p, t.n_pred, t.ex_g, t.n_gold)
    spk = f"{t.spk_ok / t.spk_n:>8.3f}" if speakers and t.spk_n else f"{'-':>8}"
    nam = f"{t.name_ok / t.name_n:>8.3f}" if speakers and t.name_n else f"{'-':>8}"
    return (
        f"{label:<27}{op:>7.3f}{orr:>7.3f}{of:>7.3f}{ep:>8.3f}{er:>7.3f}{ef:>7.3f}{spk}{nam}"
        f"{t.n_pred:>7}{t.n_gold:>7}"
    )


# ---------------------------------------------------------------------------------------------
# The fresh sets: passages and their annotation written by hand in eval/data/<set>_src.txt, turned into text
# files and gold lines by ``--build-fresh`` (offsets computed, never typed). Quoted spans are
# read off the marks of the hand-written text, which uses them consistently: “…” and "…"
# pairs, ‘…’ outside them (an apostrophe ’ glued to a letter closes nothing), and an opening
# mark left open at a paragraph's end running to that end (a multi-paragraph quote).


def _fresh_error(message: str) -> Exception:
    """The fresh set's source file disagrees with itself (a count or a mention is wrong)."""
    sys.path.insert(0, str(REPO / "src"))
    from storyline.errors import StorylineError

    return StorylineError(message)


def _fresh_spans(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        prev = text[i - 1] if i else " "
        if ch in '“"' or (ch == "‘" and not prev.isalnum()):
            close = {"“": "”", '"': '"', "‘": "’"}[ch]
            j = i + 1
            while j < len(text) and text[j] != "\n":
                if text[j] == close and not (
                    close == "’" and j + 1 < len(text) and text[j + 1].isalpha()
                ):
                    break
                j += 1
            out.append((i + 1, j))
            i = j + 1
            continue
        i += 1
    return out


def _find_mention(
    src: Path, text: str, mention: str, near: tuple[int, int], quoted: list[tuple[int, int]]
) -> tuple[int, int]:
    name, _, k = mention.partition("@")
    hits = [
        m.start()
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text)
        if not any(a <= m.start() < b for a, b in quoted)
    ]
    if not hits:
        raise _fresh_error(f"{src}: mention {mention!r} not found")
    dist = lambda h: min(abs(h - near[0]), abs(h - near[1]))  # noqa: E731
    at = hits[int(k) - 1] if k else min(hits, key=dist)
    return at, at + len(name)


def build_fresh() -> int:
    for name in FRESH_SETS:
        _build_set(DATA / f"{name}_src.txt", DATA / name, DATA / f"{name}_gold.jsonl")
    return 0


def _build_set(src: Path, folder: Path, out: Path) -> None:
    corpus = folder.name.removeprefix("quotes_")
    blocks = re.split(r"^=== (\S+)\n", src.read_text(encoding="utf-8"), flags=re.M)[1:]
    folder.mkdir(exist_ok=True)
    lines: list[str] = []
    for name, block in zip(blocks[::2], blocks[1::2], strict=True):
        body, _, ann = block.partition("\n---\n")
        text = body.strip("\n") + "\n"
        rows = [r for r in ann.strip().splitlines() if r.strip()]
        spans = _fresh_spans(text)
        if len(rows) != len(spans):
            found = [text[a:b][:30] for a, b in spans]
            raise _fresh_error(
                f"{src} {name}: {len(spans)} quoted spans, {len(rows)} lines: {found}"
            )
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        for (a, b), row in zip(spans, rows, strict=True):
            kind, *fields = row.split(" ", 1)
            attrs = dict(re.findall(r"(\w+)=(.*?)(?= \w+=|$)", fields[0] if fields else ""))
            spk = _find_mention(src, text, attrs["spk"], (a, b), spans) if "spk" in attrs else None
            alts = [
                list(_find_mention(src, text, m, (a, b), spans))
                for m in attrs.get("alt", "").split("|")
                if m
            ]
            rec = {
                "corpus": corpus,
                "file": f"{name}.txt",
                "start": a,
                "end": b,
                "text": text[a:b],
                "speech": kind != "N",
                "partial": kind == "P",
                "speaker_start": spk[0] if spk else None,
                "speaker_end": spk[1] if spk else None,
                "speaker_text": text[spk[0] : spk[1]] if spk else None,
                "speaker_alt": alts,
                "speaker": attrs.get("name"),
                "speaker_aliases": [x for x in attrs.get("aka", "").split("|") if x],
            }
            lines.append(json.dumps(rec, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(lines)} quoted spans in {len(blocks) // 2} passages")


def report(title: str, path: Path, verbose: bool = False) -> dict[str, float] | None:
    """Print the table of one gold file; its reading (a) scores (None when no text is found)."""
    if not path.is_file():
        print(f"{title} skipped: no gold file")
        return None
    texts, gold = load_gold(path)
    if not texts:
        print(f"{title} skipped: no article text found")
        return None
    units = [g for gs in gold.values() for g in gs]
    speech = [g for g in units if g.speech]
    print(
        f"{title}: {len(texts)} articles, {len(units)} quoted spans: {len(speech)} speech "
        f"({sum(g.partial for g in speech)} partial, {sum(bool(g.speakers) for g in speech)} "
        f"with a speaker mention, {sum(bool(g.name) for g in speech)} named), "
        f"{len(units) - len(speech)} not speech"
    )
    sysp = system_preds(texts)
    rex = regex_preds(texts)
    runs = [
        ("system (a) direct", sysp, ("direct",), False, True),
        ("system (b) direct+partial", sysp, ("direct", "partial"), True, True),
        ("regex (a)", rex, ("direct",), False, False),
        ("regex (b)", rex, ("direct",), True, False),
    ]
    tallies = []
    for label, preds, kinds, with_partial, speakers in runs:
        show = verbose and label.startswith("system (b)")
        if show:
            print(f"-- {label}")
        tallies.append((label, score(texts, gold, preds, kinds, with_partial, show, "b"), speakers))
    n_scare = scare_with_speaker(texts, gold, sysp, verbose)
    print(
        f"{'':<27}{'ov P':>7}{'ov R':>7}{'ov F1':>7}{'ex P':>8}{'ex R':>7}{'ex F1':>7}"
        f"{'spk':>8}{'name':>8}{'pred':>7}{'gold':>7}"
    )
    for label, t, speakers in tallies:
        print(_row(label, t, speakers))
    print(f"non-speech quotes given a speaker by the system: {n_scare}")
    if verbose:
        print("system (b) errors by kind:")
        for kind, n in tallies[1][1].errors.most_common():
            print(f"  {kind:<36}{n}")
    a, b = tallies[0][1], tallies[1][1]
    return {
        "overlap_f1": _prf(a.ov_p, a.n_pred, a.ov_g, a.n_gold)[2],
        "exact_f1": _prf(a.ex_p, a.n_pred, a.ex_g, a.n_gold)[2],
        "speaker_span_acc": a.spk_ok / a.spk_n if a.spk_n else 0.0,
        "speaker_name_acc": a.name_ok / a.name_n if a.name_n else 0.0,
        "partial_overlap_f1": _prf(b.ov_p, b.n_pred, b.ov_g, b.n_gold)[2],
        "scare_with_speaker": float(n_scare),
    }


def main() -> int:
    verbose = "-v" in sys.argv
    if "--build-fresh" in sys.argv:
        return build_fresh()
    if "--fresh" not in sys.argv:
        report("News quotes", GOLD, verbose)
        print()
    failed = []
    for title, path, floors in (
        ("Fresh quotes (issue 14 set, tuned on)", FRESH_GOLD, FRESH_FLOORS),
        (
            "Fresh quotes 2 (issue 14 check set, written after the fixes)",
            FRESH2_GOLD,
            FRESH2_FLOORS,
        ),
        (
            "Fresh quotes 3 (issue 14 third set: court, sport, wire, Q&A, statements)",
            FRESH3_GOLD,
            FRESH3_FLOORS,
        ),
        (
            "Fresh quotes 4 (issue 14 check set of the third round)",
            FRESH4_GOLD,
            FRESH4_FLOORS,
        ),
    ):
        scores = report(title, path, verbose)
        print()
        for k, floor in floors.items():
            if scores is not None and scores[k] < floor:
                print(f"FAIL: {path.name} {k} {scores[k]:.3f} below its floor {floor}")
                failed.append(k)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
