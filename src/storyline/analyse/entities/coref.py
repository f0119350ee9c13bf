"""Role nouns ("the Prime Minister", "the former president") and pronouns resolved to named
people within one article, by rules: titles the article states, then salience, agreement
(gender, number, person vs organisation) and clause structure.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storyline.analyse.entities.roles import role_head, title_key
from storyline.analyse.lang.cues import ADDRESSEE, cue_subject, is_cue
from storyline.analyse.lang.nlp import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "ClusterInfo",
    "Ref",
    "doc_text",
    "find_role_nouns",
    "resolve_pronouns",
    "resolve_role_nouns",
]

# Role nouns that stand for one person the story names; vaguer ones ("the official") do not.
ROLE_NOUN_HEADS = frozenset(
    [
        "minister",
        "secretary",
        "chancellor",
        "leader",
        "president",
        "president-elect",
        "vice-president",
        "nominee",
        "candidate",
        "governor",
        "senator",
        "mayor",
        "premier",
        "pm",
        "speaker",
        "chairman",
        "chairwoman",
        "ambassador",
        "spokesman",
        "spokeswoman",
        "congressman",
        "congresswoman",
    ]
)
# Heads whose holder may be guessed from salience when no title in the article names one.
SALIENCE_HEADS = frozenset(
    [
        "minister",
        "pm",
        "president",
        "president-elect",
        "nominee",
        "candidate",
        "chancellor",
        "secretary",
    ]
)
PARTY_STEMS = ("republican", "democrat", "labour", "conservative", "tory", "liberal", "green")
MAX_BACK_SENTENCES = 4
MAX_ROLE_BACK_SENTENCES = 6
PENALTY_NON_SUBJECT = 1.0
PENALTY_POSSESSOR = 0.5
PENALTY_PRONOUN_REF = 0.3
BONUS_CLAUSE_SUBJECT = 0.3
PENALTY_EMBEDDED_SUBJECT = 0.4
BONUS_REPORTED_SPEAKER = 0.3
PENALTY_UNKNOWN_GENDER = 0.7
SALIENCE_WEIGHT = 0.3
SALIENCE_CAP = 6
CONF_TITLE_MATCH = 0.85
CONF_SALIENCE = 0.55
CONF_PRONOUN_MAX = 0.9
GENDER_FROM_PRONOUN_MAX_COST = 1.0
CONF_PRONOUN_MIN = 0.35

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
NEUTER_PRONOUNS = frozenset({"it", "its", "itself"})
PLEONASTIC_HEADS = frozenset(
    ["seem", "appear", "look", "sound", "feel", "matter", "happen", "take", "rain", "mean", "make"]
)
REFLEXIVES = frozenset({"himself", "herself", "themselves", "itself"})
SPEECH_LEMMAS = frozenset(
    [
        "say",
        "tell",
        "add",
        "claim",
        "argue",
        "insist",
        "warn",
        "believe",
        "think",
        "suggest",
        "report",
        "write",
        "note",
        "state",
        "explain",
        "accuse",
        "deny",
        "admit",
        "announce",
        "confirm",
        "allege",
        "describe",
        "call",
        "praise",
    ]
)
LOCATIVE_PREPS = frozenset(["on", "upon", "behind", "around", "beside", "beneath", "near"])
GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})


@dataclass(slots=True)
class Ref:
    """A mention while the article is being resolved (token and char ranges)."""

    lo: int
    hi: int
    start: int
    end: int
    text: str
    label: str
    kind: str
    cluster: int
    confidence: float
    method: str
    sent: int
    head: int
    subject: bool
    possessor: bool
    in_quote: bool
    role_key: str = ""
    demonym: bool = False  # a nominal headed by a nationality noun ("the Spaniard")


@dataclass(slots=True)
class ClusterInfo:
    id: int
    label: str
    name: str
    gender: str = ""
    titles: list[str] = field(default_factory=list)
    party: str = ""
    count: int = 0


def _party(words: list[str]) -> str:
    for w in words:
        for stem in PARTY_STEMS:
            if w.startswith(stem[:5]):
                return stem
    return ""


def find_role_nouns(
    doc: Doc, taken: list[bool], quoted: list[bool], sent_of: list[int]
) -> list[Ref]:
    """Definite singular descriptions headed by an office noun, outside names and quotes; then
    the nominal mentions (`storyline.analyse.entities.nominals`: "the company", "the
    45-year-old"), kind "nominal", for `resolve_role_nouns` to link."""
    # nominals.py builds on this module's Ref and clause tests: imported here, not at the top.
    from storyline.analyse.entities.nominals import find_nominals

    out = _office_nouns(doc, taken, quoted, sent_of)
    out.extend(find_nominals(doc, taken, quoted, sent_of, out))
    out.sort(key=lambda r: r.head)
    return out


def _office_nouns(doc: Doc, taken: list[bool], quoted: list[bool], sent_of: list[int]) -> list[Ref]:
    out: list[Ref] = []
    for t in doc:
        low, lo = t.lower_, t.i
        # The tokenizer splits "president-elect" and "vice-president" at the hyphen.
        if t.i >= 2 and doc[t.i - 1].text == "-" and not doc[t.i - 2].whitespace_:
            joined = f"{doc[t.i - 2].lower_}-{low}"
            if joined in ROLE_NOUN_HEADS and not doc[t.i - 1].whitespace_:
                low, lo = joined, t.i - 2
        if low not in ROLE_NOUN_HEADS or taken[t.i] or quoted[t.i]:
            continue
        if lo == t.i and (t.i + 2 < len(doc) and doc[t.i + 1].text == "-"):
            continue  # the first half of a hyphenated title, read at its last word
        if t.tag_ in ("NNS", "NNPS") or (
            lo == t.i and t.dep_ in ("compound", "amod", "attr", "acomp")
        ):
            continue  # predicates ("who could be the next president") describe, not refer
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if nxt is not None and nxt.ent_type_ == "PERSON":
            continue  # a title before a name is that name's role, read elsewhere
        while (
            lo > 0
            and doc[lo - 1].dep_ in ("amod", "compound", "det", "nmod")
            and (doc[lo - 1].head.i >= t.i or doc[lo - 1].head.head.i == t.i)
        ):
            if doc[lo - 1].is_punct or "\n" in doc[lo - 1].text_with_ws:
                break
            lo -= 1
            if doc[lo].lower_ == "the":
                break
        if doc[lo].lower_ != "the" or any(taken[k] for k in range(lo, t.i)):
            continue
        if any(
            doc[k].lower_ in ("'s", "’s") or doc[k].ent_type_ == "PERSON" for k in range(lo, t.i)
        ):
            continue
        # "the president of the day", "the leader of the house": keep only a bare description.
        kind = "title" if t.text[:1].isupper() else "role-noun"
        key = title_key(doc[lo : t.i + 1].text)
        out.append(span_ref(doc, lo, t.i + 1, t.i, "PERSON", kind, sent_of[t.i], False, key))
    return out


def span_ref(
    doc: Doc,
    lo: int,
    hi: int,
    head: int,
    label: str,
    kind: str,
    sent: int,
    in_quote: bool,
    role_key: str = "",
) -> Ref:
    """The mention of tokens [lo, hi) headed by token ``head``, not yet resolved: the one
    constructor of the role nouns, nominals and names found outside the tagger's names."""
    nxt = doc[hi] if hi < len(doc) else None
    start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text)
    return Ref(
        lo=lo,
        hi=hi,
        start=start,
        end=end,
        text=doc_text(doc)[start:end],
        label=label,
        kind=kind,
        cluster=-1,
        confidence=0.0,
        method="",
        sent=sent,
        head=head,
        subject=doc[head].dep_ in ("nsubj", "nsubjpass"),
        possessor=nxt is not None and nxt.lower_ in ("'s", "’s"),
        in_quote=in_quote,
        role_key=role_key,
    )


def _norm_head(head: str) -> str:
    return head.replace("-elect", "").replace("vice-", "")


# Offices one person can hold together (a president who is the nominee); a title from one
# family rules a person out for a role noun of another ("the PM" is not the nominee).
ROLE_FAMILIES = (
    frozenset({"minister", "pm", "premier", "chancellor", "secretary"}),
    frozenset({"president", "nominee", "candidate", "challenger", "hopeful", "senator",
               "governor"}),
)  # fmt: skip


def heads_compatible(a: str, b: str) -> bool:
    a, b = _norm_head(a), _norm_head(b)
    if a == b:
        return True
    return any(a in fam and b in fam for fam in ROLE_FAMILIES)


def title_matches(role_key: str, title: str) -> bool:
    """Does "the republican nominee" / "the pm" fit the stated title?"""
    tk = title_key(title)
    rk = role_key
    if rk.split(" ")[-1:] == ["pm"]:
        rk = " ".join([*rk.split(" ")[:-1], "prime", "minister"])
    if tk.endswith(" pm") or tk == "pm":
        tk = tk[:-2] + "prime minister"
    if role_head(rk) != role_head(tk):
        return False
    r_words = set(rk.split(" "))
    t_words = set(tk.split(" "))
    if ("former" in r_words) != ("former" in t_words):
        return False
    return r_words <= t_words | {"us", "british", "american", "uk"}


CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "acl", "xcomp", "csubj", "parataxis"})


def _verb_of(tok: Token) -> Token:
    """The head of the clause the token is in: its verb, or an adjective or noun predicate
    ("that he was troubled" stops at "troubled", not the verb of the main clause)."""
    t = tok
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX") or t.head.i == t.i or (t.i != tok.i and t.dep_ in CLAUSE_DEPS):
            return t
        t = t.head
    return t


def _excluded_by_clause(doc: Doc, ref_head: int, cand_head: int) -> bool:
    """Co-arguments of one verb, or the speaker of a report about the mention, are others."""
    a, b = doc[ref_head], doc[cand_head]
    va, vb = _verb_of(a), _verb_of(b)
    if va.i == vb.i and a.dep_ != "poss" and b.dep_ != "poss":
        return True
    # "Mr Lammy said the Republican nominee had ...": the speaker is not the nominee.
    v = va
    for _ in range(4):
        if v.dep_ != "ccomp" or v.head.i == v.i:
            break
        v = v.head
        if v.lemma_.lower() in SPEECH_LEMMAS and b.head.i == v.i and b.dep_.startswith("nsubj"):
            return True
    return False


def resolve_role_nouns(
    doc: Doc, nouns: list[Ref], names: list[Ref], clusters: dict[int, ClusterInfo]
) -> None:
    """Give each role noun the cluster whose stated title fits, else the salient candidate;
    then link the nominals among ``nouns`` (`storyline.analyse.entities.nominals`: those no
    named entity fits get a cluster of their own, method "unresolved") and add, in place, the
    names they uncovered."""
    from storyline.analyse.entities.nominals import NOMINAL_KIND, resolve_nominals

    nominals = [n for n in nouns if n.kind == NOMINAL_KIND]
    for rn in nouns:
        if rn.kind == NOMINAL_KIND:
            continue
        matches = [c for c in clusters.values() if c.label == "PERSON" and any(
            title_matches(rn.role_key, t) for t in c.titles)]  # fmt: skip
        if len(matches) > 1:
            before = [m for m in names if m.head < rn.head and m.cluster in {c.id for c in matches}]
            matches = [clusters[before[-1].cluster]] if before else []
        if len(matches) == 1:
            matches[0].titles.append(rn.role_key)
            rn.cluster = matches[0].id
            rn.confidence = CONF_TITLE_MATCH
            rn.method = "title-match"
            continue
        head = rn.role_key.split(" ")[-1]
        if head not in SALIENCE_HEADS:
            continue
        best = _salient(doc, rn, names, clusters)
        if best is not None:
            # Later role nouns see this one as a stated title of the person.
            clusters[best].titles.append(rn.role_key)
            rn.cluster = best
            rn.confidence = CONF_SALIENCE
            rn.method = "salience"
    # Names a nominal uncovered ("Ofgem, the energy regulator,") join the mentions here.
    nouns.extend(resolve_nominals(doc, nominals, names, clusters))
    nouns.sort(key=lambda r: r.head)


def _salient(doc: Doc, rn: Ref, names: list[Ref], clusters: dict[int, ClusterInfo]) -> int | None:
    rhead = _norm_head(role_head(rn.role_key))
    rparty = _party(rn.role_key.split(" "))
    counts: dict[int, int] = {}
    last: dict[int, Ref] = {}
    for m in names:
        if m.head >= rn.head or m.label != "PERSON" or m.in_quote:
            continue
        counts[m.cluster] = counts.get(m.cluster, 0) + 1
        last[m.cluster] = m
    scored: list[tuple[float, int]] = []
    same_sent_excluded: set[int] = set()
    for m in names:
        if m.sent == rn.sent and m.label == "PERSON" and _excluded_by_clause(doc, rn.head, m.head):
            same_sent_excluded.add(m.cluster)
    for cid, m in last.items():
        info = clusters[cid]
        if cid in same_sent_excluded:
            continue
        heads = {role_head(t) for t in info.titles}
        if heads and not any(heads_compatible(rhead, h) for h in heads):
            continue
        if rparty and info.party and info.party != rparty:
            continue
        dist = rn.sent - m.sent
        if dist > MAX_ROLE_BACK_SENTENCES and counts[cid] < 2:
            continue
        cost = dist + (0 if m.subject else PENALTY_NON_SUBJECT)
        cost -= SALIENCE_WEIGHT * min(counts[cid], SALIENCE_CAP)
        scored.append((cost, cid))
    if not scored:
        return None
    scored.sort()
    return scored[0][1]


def _pleonastic(tok: Token) -> bool:
    """An "it" read only as the subject of a clause that is about something ("it intends"),
    not one that stands for a clause ("it is likely that …", "it seems", "it will make")."""
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return True
    head = tok.head
    if head.lemma_.lower() in PLEONASTIC_HEADS or head.pos_ in ("ADJ", "NOUN"):
        return True
    if head.lemma_.lower() == "be" or head.lower_ in ("'s", "’s"):
        return any(c.dep_ in ("ccomp", "csubj", "acomp", "attr", "xcomp") for c in head.children)
    return False


def _main_subject(doc: Doc, r: Ref) -> bool:
    """Is the mention the subject of its sentence's main verb (or a verb joined to it)?"""
    t = doc[r.head]
    if not t.dep_.startswith("nsubj"):
        return False
    v = t.head
    while v.dep_ == "conj" and v.head.i != v.i:
        v = v.head
    return v.dep_ == "ROOT"


def _pronoun_class(low: str) -> str:
    if low in MALE_PRONOUNS:
        return "m"
    if low in FEMALE_PRONOUNS:
        return "f"
    if low in PLURAL_PRONOUNS:
        return "p"
    if low in NEUTER_PRONOUNS:
        return "n"
    return ""


def _cataphora(doc: Doc, tok: Token) -> int | None:
    """ "Asked if he was annoyed, Sir Keir said": the main subject after a fronted clause."""
    sent = tok.sent
    root = sent.root
    t = tok
    in_fronted = False
    for _ in range(12):
        if t.i == root.i:
            break
        if t.dep_ in ("advcl", "prep", "npadvmod") and t.head.i == root.i and t.i < root.i:
            in_fronted = True
            break
        t = t.head
    if not in_fronted:
        return None
    for child in root.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.i > tok.i:
            return child.i
    return None


def resolve_pronouns(
    doc: Doc,
    refs: list[Ref],
    clusters: dict[int, ClusterInfo],
    quoted: list[bool],
    sent_of: list[int],
    sent_key: list[str],
) -> list[Ref]:
    """Third-person pronouns resolved in reading order; each resolution informs later ones."""
    from storyline.analyse.entities.nominals import is_unlinked

    # A description no named entity took ("the official") is a weak antecedent: measured on
    # the entity gold, pronouns resolved to them were more often someone named.
    pool = sorted(
        [r for r in refs if r.cluster >= 0 and not is_unlinked(r.kind, r.method)],
        key=lambda r: r.head,
    )
    out: list[Ref] = []
    by_head: dict[int, list[Ref]] = {}
    for r in pool:
        by_head.setdefault(r.sent, []).append(r)
    span_of, quote_people = _quote_people(doc, quoted, sent_of)
    done: set[int] = set()

    def cluster_at(i: int) -> int | None:
        """The cluster of the mention covering token i, resolving a later pronoun early."""
        ref = next((r for r in by_head.get(sent_of[i], []) if r.lo <= i < r.hi), None)
        if ref is not None:
            return ref.cluster
        if i not in done and _pronoun_class(doc[i].lower_) and not quoted[i]:
            resolve(doc[i])
            ref = next((r for r in by_head.get(sent_of[i], []) if r.lo <= i < r.hi), None)
        return ref.cluster if ref is not None else None

    def add(ref: Ref) -> None:
        bisect.insort(pool, ref, key=lambda r: r.head)
        bisect.insort(by_head.setdefault(ref.sent, []), ref, key=lambda r: r.head)

    def resolve(tok: Token) -> None:
        done.add(tok.i)
        low = tok.lower_
        if low == "who" and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "relcl":
            # "Christie, who has campaigned for Trump since he ...": the relative pronoun is
            # a subject mention of the person it hangs on, for later pronouns to take.
            i = tok.head.head.i
            named = next((r for r in by_head.get(sent_of[i], []) if r.lo <= i < r.hi), None)
            if named is not None:
                rel = _token_ref(tok, named.label, "relative", named.cluster,
                                 named.confidence, sent_of[tok.i], quoted[tok.i])  # fmt: skip
                rel.subject, rel.possessor = True, False
                add(rel)
            return
        cls = _pronoun_class(low)
        if not cls or tok.pos_ not in ("PRON", "DET"):
            return
        if low == "it" and _pleonastic(tok):
            return
        speakers: set[int] = set()
        if quoted[tok.i] and span_of[tok.i] >= 0:
            # The speaker of a quote (and the one told) is rarely the "he" inside it.
            for i in quote_people[span_of[tok.i]]:
                cid = cluster_at(i)
                if cid is not None:
                    speakers.add(cid)
        best = _antecedent(
            doc, tok, cls, pool, by_head, clusters, quoted, sent_of, sent_key, speakers
        )
        if best is None:
            return
        cid, cost = best
        info = clusters[cid]
        if cls in ("m", "f") and not info.gender and cost < GENDER_FROM_PRONOUN_MAX_COST:
            # A confident link teaches the person's gender to later pronouns; a far-fetched
            # one ("She is Fidel Castro's sister" before the sister is named) must not.
            info.gender = cls
        conf = max(CONF_PRONOUN_MIN, min(CONF_PRONOUN_MAX, CONF_PRONOUN_MAX - 0.12 * cost))
        ref = _token_ref(tok, info.label, "pronoun", cid, round(conf, 3), sent_of[tok.i],
                         quoted[tok.i])  # fmt: skip
        ref.method = "pronoun-rules"
        out.append(ref)
        add(ref)

    for tok in doc:
        if tok.i not in done:
            resolve(tok)
    out.sort(key=lambda r: r.head)
    return out


def _quote_people(
    doc: Doc, quoted: list[bool], sent_of: list[int]
) -> tuple[list[int], list[list[int]]]:
    """Quoted stretches (token -> stretch index, -1 outside) and, per stretch, the tokens of
    its speaker and addressee: the subject and the one told of the nearest cue verb outside the
    quote in the sentences the quote touches. A stretch with no cue of its own continues the
    quote just before it ("…,” he said. “…”)."""
    span_of = [-1] * len(doc)
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(doc)
    while i < n:
        if not quoted[i]:
            i += 1
            continue
        j = i
        while j < n and quoted[j]:
            span_of[j] = len(spans)
            j += 1
        spans.append((i, j))
        i = j
    people: list[list[int]] = []
    sents = list(doc.sents)
    for k, (a, b) in enumerate(spans):
        s_lo, s_hi = sent_of[a], sent_of[b - 1]
        best: tuple[int, Token] | None = None
        for s in range(s_lo, s_hi + 1):
            for t in sents[s]:
                if quoted[t.i] or not is_cue(t):
                    continue
                d = a - t.i if t.i < a else t.i - b
                if best is None or d < best[0]:
                    best = (d, t)
        found: list[int] = []
        if best is not None:
            verb = best[1]
            subj, _ = cue_subject(verb, quoted)
            if subj is not None:
                found.append(subj.i)
            if verb.lemma_.lower() in ADDRESSEE:
                found.extend(c.i for c in verb.children if c.dep_ in ("dobj", "dative"))
        elif k > 0 and sent_of[spans[k - 1][1] - 1] >= s_lo - 1:
            found = people[k - 1]
        people.append(found)
    return span_of, people


def _token_ref(
    tok: Token, label: str, kind: str, cluster: int, confidence: float, sent: int, in_quote: bool
) -> Ref:
    """A one-token mention (a pronoun, a relative "who") with the token's own grammar."""
    return Ref(
        lo=tok.i,
        hi=tok.i + 1,
        start=tok.idx,
        end=tok.idx + len(tok.text),
        text=tok.text,
        label=label,
        kind=kind,
        cluster=cluster,
        confidence=confidence,
        method=kind,
        sent=sent,
        head=tok.i,
        subject=tok.dep_ in ("nsubj", "nsubjpass"),
        possessor=tok.dep_ == "poss",
        in_quote=in_quote,
    )


def _compatible(cls: str, info: ClusterInfo, ref: Ref) -> tuple[bool, float]:
    if cls in ("m", "f"):
        if info.label != "PERSON":
            return False, 0.0
        if info.gender and info.gender != cls:
            return False, 0.0
        return True, (0.0 if info.gender else PENALTY_UNKNOWN_GENDER)
    if cls == "p":
        return info.label in GROUP_LABELS and ref.subject, 0.0
    return info.label in ("ORG", "GPE"), 0.0


MAX_SCAN_FACTOR = 4  # sentences walked back per sentence of distance, repeats included


def _antecedent(
    doc: Doc,
    tok: Token,
    cls: str,
    pool: list[Ref],
    by_head: dict[int, list[Ref]],
    clusters: dict[int, ClusterInfo],
    quoted: list[bool],
    sent_of: list[int],
    sent_key: list[str],
    speakers: set[int],
) -> tuple[int, float] | None:
    s_here = sent_of[tok.i]
    in_quote = quoted[tok.i]
    reflexive = tok.lower_ in REFLEXIVES
    non_poss = tok.dep_ != "poss" and not reflexive
    # Co-arguments of the pronoun's verb are other people ("he called the former president").
    verb = _verb_of(tok).i
    own = tok.dep_ == "poss" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "own"
    # "Trump, who says he is honored": the subject of reported speech is mostly the speaker.
    reporter: set[int] = set()
    clause = doc[verb]
    if tok.dep_ in ("nsubj", "nsubjpass") and clause.dep_ == "ccomp" and is_cue(clause.head):
        subj, _ = cue_subject(clause.head, quoted)
        if subj is not None and not quoted[subj.i]:
            reporter = {subj.i, *(c.i for c in clause.head.children if c.dep_ == "nsubj")}
    here = by_head.get(s_here, [])
    # "He had no weapon on him", "the tasks ahead of her": a place next to the subject.
    locative = tok.dep_ == "pobj" and (
        tok.head.lower_ in LOCATIVE_PREPS
        or (tok.head.lower_ == "of" and tok.head.head.lower_ in ("ahead", "front"))
    )
    others = {
        r.cluster
        for r in here
        if non_poss
        and not locative
        and r.head != tok.i
        and not r.possessor
        and doc[r.head].dep_ != "poss"
        and _verb_of(doc[r.head]).i == verb
        and (r.subject or tok.dep_ in ("nsubj", "nsubjpass"))
    }
    earlier = any(r.head < tok.i and _compatible(cls, clusters[r.cluster], r)[0] for r in here)
    cat = _cataphora(doc, tok) if not in_quote and not earlier else None
    if cat is not None:
        ref = next((r for r in here if r.lo <= cat < r.hi), None)
        if ref is not None:
            ok, _ = _compatible(cls, clusters[ref.cluster], ref)
            if ok:
                return ref.cluster, 0.5
    scored: list[tuple[float, int, int]] = []
    dist = 0
    seen: set[str] = set()
    # "They" and "it" look back one sentence, to a subject.
    it = tok.lower_ == "it"
    near = cls == "p" or it
    max_back = MAX_BACK_SENTENCES if not near else 1
    # Repeated sentences are skipped without counting, so the walk back is bounded apart: a
    # text of one sentence printed thousands of times walked all of them for every pronoun.
    for s in range(s_here, max(-1, s_here - MAX_SCAN_FACTOR * max_back - 1), -1):
        if s != s_here:
            if sent_key[s] in seen:
                continue  # a repeated caption line is not distance
            seen.add(sent_key[s])
            dist += 1
            if dist > max_back:
                break
        for rank, r in enumerate(by_head.get(s, [])):
            if s == s_here and r.head >= tok.i:
                continue
            if r.in_quote and not in_quote:
                continue
            if r.cluster in speakers or r.cluster in others:
                continue
            info = clusters[r.cluster]
            ok, pen = _compatible(cls, info, r)
            if not ok or (near and not r.subject):
                continue
            if it and not (any(r.lo <= k < r.hi for k in reporter) or _main_subject(doc, r)):
                continue  # "it" only for the organisation the sentence is about
            if s == s_here:
                if reflexive and not r.subject:
                    continue
                if tok.dep_ in ("nsubj", "nsubjpass"):
                    cost = 0.0 if r.subject else PENALTY_NON_SUBJECT * 0.5
                    cost += 0.002 * (tok.i - r.head)
                    if any(r.lo <= k < r.hi for k in reporter):
                        cost -= BONUS_REPORTED_SPEAKER
                else:
                    # Possessives and objects mostly take the nearest fitting name; "his own"
                    # the subject of its clause ("since he suspended his own campaign").
                    cost = 0.3 + 0.01 * (tok.i - r.head)
                    if own and r.subject and _verb_of(doc[r.head]).i == verb:
                        cost -= BONUS_CLAUSE_SUBJECT
            else:
                cost = dist + (0.0 if r.subject else PENALTY_NON_SUBJECT) + rank * 0.01
                if r.subject and not _main_subject(doc, r):
                    cost += PENALTY_EMBEDDED_SUBJECT  # "… saying Obama is not a citizen."
            if r.possessor:
                cost += PENALTY_POSSESSOR
            if r.kind == "pronoun":
                cost += PENALTY_PRONOUN_REF
            cost += pen
            cost -= 0.05 * math.log1p(info.count)
            scored.append((cost, r.head, r.cluster))
    if not scored:
        return None
    scored.sort()
    return scored[0][2], max(0.0, scored[0][0])
