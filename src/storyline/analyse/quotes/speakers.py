"""Resolve a speaker mention to a canonical name within one article.

Kept apart from quote finding on purpose: a corpus-wide entity layer is meant to replace
``ArticleIndex``/``resolve_speaker`` later, and nothing else here should depend on its internals.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from storyline.analyse.lang import words as lang_words
from storyline.analyse.lang.cues import SOURCE_NOUNS, np_span
from storyline.analyse.lang.nlp import doc_text
from storyline.analyse.lang.words import word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


def _dotted(words: frozenset[str]) -> frozenset[str]:
    return words | {w + "." for w in words}


# The titles before a name, with the stops news puts after them ("Mr.", "Sen."); "Speaker"
# stays out: before a quote it is more often the Commons office than a title before a name.
HONORIFICS = _dotted((lang_words.HONORIFICS - {"speaker"}) | {"pastor"})
MALE_TITLES = _dotted(lang_words.MALE_TITLES)
FEMALE_TITLES = _dotted(lang_words.FEMALE_TITLES)
# Common first names with an unambiguous usual gender; enough to tell "he" from "she" among
# the people a political story names. Unknown names stay compatible with either pronoun.
MALE_NAMES = lang_words.MALE_NAMES | frozenset({"vance"})
FEMALE_NAMES = lang_words.FEMALE_NAMES | frozenset({"jeannie"})
MALE_NOUNS = frozenset({"spokesman", "chairman", "congressman", "businessman", "father", "son"})
FEMALE_NOUNS = frozenset(
    {"spokeswoman", "chairwoman", "congresswoman", "businesswoman", "mother", "daughter", "wife"}
)
GROUP_NOUNS = word_set(
    """
    team campaign party government administration committee group company officials aides
    staff spokespeople sources people organisation organization agency department ministry
    office council union association coalition movement members supporters critics allies
    advisers advisors democrats republicans officers police lawyers attorneys analysts experts
    voters residents protesters authorities house senate board firm network paper newspaper
    """
)
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "we"})
SPEAKER_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you"})
# Descriptions that stand for a person the article names elsewhere ("the prime minister").
TITLE_HEADS = word_set(
    """
    minister secretary president leader chancellor candidate nominee chairman chair spokesman
    spokeswoman governor senator mayor premier pm chief director official aide adviser advisor
    speaker ambassador commissioner lawyer attorney manager executive head founder
    judge coroner prosecutor coach boss captain skipper envoy
    """
)
# Nationality nouns the tagger does not call NORP ("the Pole", "the Spaniard" come out as
# organisations): with "the", a person the story has just named ("…,” the Swede said).
NATIONALITY_NOUNS = word_set(
    """
    pole spaniard swede dane finn scot briton brit turk croat serb slovak slovene czech greek
    thai kiwi aussie argentine filipino filipina
    """
)
# Titles of people who speak for someone else: never the person named just before.
STAFF_TITLES = word_set(
    """
    spokesman spokeswoman spokesperson aide adviser advisor lawyer attorney official director
    manager executive head founder chief commissioner ambassador
    """
)
NAMED_TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
RUN_BREAK_TYPES = ("ORG", "GPE", "NORP", "DATE", "LOC", "FAC")
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
PLACE_OR_TIME = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME", "NORP", "CARDINAL"})
# Capitalised words of a job title that precede a name ("Shadow Commons Leader Chris Philp").
TITLE_WORDS = word_set(
    "shadow commons foreign home former deputy chief vice general first press ranking democrat "
    "republican"
)
MAX_BACK_SENTENCES = 8
PENALTY_NON_SUBJECT = 1.5  # in sentences of distance
PENALTY_POSSESSOR = 1.0
# Mentions of one sentence weighed as antecedents: a news sentence has a dozen at most, and a
# list of hundreds of names made every pronoun after it weigh them all.
MAX_SENTENCE_MENTIONS = 32
PENALTY_PRONOUN = 0.5  # how far back a pronoun looks for its antecedent
ANONYMOUS_DETS = frozenset({"a", "an", "some", "several", "many", "one", "two", "three", "other"})
_SPACE = re.compile(r"\s+")
_AGE = re.compile(r"^the (?:\d+|[a-z]+(?:-[a-z]+)?)[ -]year[ -]old$")
# Title words looked at before a name ("shadow foreign secretary David Lammy"): a longer run of
# capitalised words is a list of names, and walking it for every name was quadratic.
MAX_TITLE_WORDS = 8
MAX_APPOSED_WORDS = 4  # words of a name set off by commas after a description


@dataclass(slots=True)
class Mention:
    start: int  # token range
    end: int
    text: str
    head: int
    sent: int
    subject: bool
    kind: str  # "person" | "group" | "pronoun" | "title" | "other"
    gender: str  # "m" | "f" | ""
    plural: bool
    in_quote: bool
    possessor: bool = False  # "Mr Trump's team": the owner, not the one speaking


@dataclass(slots=True)
class ArticleIndex:
    """Per-article facts the resolver needs, built once per Doc."""

    doc: Doc
    quoted: list[bool]  # token index -> inside a quotation
    full_names: dict[str, str] = field(default_factory=dict)  # name token -> fullest name
    name_gender: dict[str, str] = field(default_factory=dict)  # fullest name -> "m"/"f"
    title_names: dict[str, str] = field(default_factory=dict)  # "prime minister" -> name
    person_words: set[str] = field(default_factory=set)  # words of PERSON names
    mentions: list[Mention] = field(default_factory=list)
    sent_of: list[int] = field(default_factory=list)
    group_speakers: list[tuple[int, str]] = field(default_factory=list)  # (sent, name)
    sent_text: list[str] = field(default_factory=list)
    by_sent: dict[int, list[Mention]] = field(default_factory=dict)
    # Lookups built once per article, so that no speaker costs a pass over the whole article.
    text: str = ""
    person_ents: list[Span] = field(default_factory=list)  # PERSON entities in text order
    ent_root: dict[int, int] = field(default_factory=dict)  # token -> root of its entity
    group_last: dict[int, tuple[int, str]] = field(default_factory=dict)  # sent -> (n, name)
    surface: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    names_by_lower: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    pronouns: dict[tuple[int, int], tuple[Mention | None, str]] = field(default_factory=dict)
    authored: dict[str, list[int]] = field(default_factory=dict)  # lemma -> nouns with an author


def _is_honorific(word: str) -> bool:
    low = word.lower()
    return low in HONORIFICS or low.rstrip(".") in HONORIFICS


def _strip_honorifics(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) - 1 and _is_honorific(words[i]):
        i += 1
    return words[i:]


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text.replace("’", "'")).strip(" ,.;:-–—'\"“”‘")


def _name_words(text: str) -> list[str]:
    words = [w for w in _clean(text).split(" ") if w]
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    return _strip_honorifics(words)


def _unowned(words: list[str]) -> list[str]:
    """Name words without an owner before a possessive ("Everton’s Jordan Pike" -> "Jordan
    Pike") and without a possessive ending of their own ("Trump's" -> "Trump")."""
    cut = max((n for n, w in enumerate(words[:-1]) if w.endswith("'s")), default=-1)
    if not all(w[:1].isupper() for w in words[cut + 1 :]):
        cut = -1  # "Donald Trump's campaign" stays whole
    return [w[:-2] if w.endswith("'s") else w for w in words[cut + 1 :]]


def _gender_of_words(words: list[str]) -> str:
    for w in words:
        lw = w.lower()
        if lw in MALE_TITLES:
            return "m"
        if lw in FEMALE_TITLES:
            return "f"
    names = _strip_honorifics(words)
    if names:
        first = names[0].lower()
        if first in MALE_NAMES:
            return "m"
        if first in FEMALE_NAMES:
            return "f"
    return ""


def build_index(doc: Doc, quoted: list[bool]) -> ArticleIndex:
    idx = ArticleIndex(doc=doc, quoted=quoted)
    sent_of = [0] * len(doc)
    sents = list(doc.sents)
    for n, sent in enumerate(sents):
        # Slices, not a Token object per token: this ran for every token of every article.
        sent_of[sent.start : sent.end] = [n] * (sent.end - sent.start)
    idx.sent_of = sent_of
    idx.sent_text = [s.text.strip() for s in sents]
    idx.text = doc_text(doc)
    ents = doc.ents
    idx.ent_root = {i: e.root.i for e in ents for i in range(e.start, e.end)}
    counts: dict[str, int] = {}
    person_ents = idx.person_ents = [e for e in ents if e.label_ == "PERSON"]
    # Full names: the longest PERSON entity containing a given name word.
    for ent in person_ents:
        words = _name_words(ent.text)
        words = _unowned(words)
        if not words:
            continue
        full = " ".join(words)
        counts[full] = counts.get(full, 0) + 1
        idx.person_words.update(words)
        g = _gender_of_words([*_clean(ent.text).split(" "), _prev_word(doc, ent.start)])
        if g and full not in idx.name_gender:
            idx.name_gender[full] = g
    for full in sorted(counts, key=lambda f: (len(f.split(" ")), counts[f]), reverse=True):
        for w in full.split(" "):
            if w[:1].isupper() and w not in idx.full_names:
                idx.full_names[w] = full
    # Names the tagger missed ("Pat Caddell"): runs of proper nouns outside other entities.
    for run in _propn_runs(doc):
        for w in run.split(" "):
            idx.full_names.setdefault(w, run)
    # Gender learned from any mention of the same person ("Mr Lammy" makes "David Lammy" male).
    for full, g in list(idx.name_gender.items()):
        canon = canonical_name(idx, full)
        if canon and canon not in idx.name_gender:
            idx.name_gender[canon] = g
    _index_titles(idx)
    _index_mentions(idx)
    return idx


def _propn_runs(doc: Doc) -> list[str]:
    """Runs of two or three proper nouns outside organisations, places and dates. The tags are
    read from the Doc's arrays; Token objects are made only for the proper nouns."""
    import numpy
    from spacy.attrs import ENT_TYPE, POS

    if not len(doc):
        return []
    strings = doc.vocab.strings
    arr = doc.to_array([POS, ENT_TYPE])
    shut = [strings[label] for label in RUN_BREAK_TYPES if label in strings]
    candidates = numpy.flatnonzero(
        (arr[:, 0] == strings["PROPN"]) & ~numpy.isin(arr[:, 1], shut)
    ).tolist()
    runs: list[str] = []
    cur: list[str] = []
    last = -2
    for i in [*candidates, -1]:
        t = doc[i] if i >= 0 else None
        ok = (
            t is not None
            and t.text[:1].isupper()
            and not _is_honorific(t.text)
            and t.lower_ not in TITLE_WORDS
            and t.lower_ not in TITLE_HEADS
        )
        if ok and t is not None and (i == last + 1 or not cur):
            cur.append(t.text)
            last = i
            continue
        if 2 <= len(cur) <= 3:
            runs.append(" ".join(cur))
        cur = [t.text] if ok and t is not None else []
        last = i
    return runs


def _prev_word(doc: Doc, i: int) -> str:
    return doc[i - 1].text if i > 0 else ""


def _index_titles(idx: ArticleIndex) -> None:
    """Explicit title links: "Prime Minister Keir Starmer", "Keir Starmer, the prime minister"."""
    doc = idx.doc
    for ent in idx.person_ents:
        name = canonical_name(idx, ent.text)
        if not name:
            continue
        # Title words right before the name, lower-cased ("foreign secretary", "Prime Minister").
        j = ent.start - 1
        words: list[str] = []
        while (
            j >= 0
            and len(words) < MAX_TITLE_WORDS
            and doc[j].pos_ in ("PROPN", "NOUN", "ADJ")
            and not doc[j].ent_type_
        ):
            words.append(doc[j].lower_)
            j -= 1
        words.reverse()
        if words and words[-1] in TITLE_HEADS:
            idx.title_names.setdefault(" ".join(words), name)
            idx.title_names.setdefault(words[-1], name)
        # Apposition after the name: "David Lammy, the shadow foreign secretary,".
        head = ent.root
        for child in head.children:
            if child.dep_ == "appos" and child.lower_ in TITLE_HEADS:
                lo, hi = np_span(child)
                words = [t.lower_ for t in doc[lo:hi] if t.lower_ not in ("the", "a", "an")]
                idx.title_names.setdefault(" ".join(words), name)
                idx.title_names.setdefault(child.lower_, name)
    if "prime minister" in idx.title_names:
        idx.title_names.setdefault("pm", idx.title_names["prime minister"])


def _age_description(doc: Doc, lo: int, hi: int) -> bool:
    """ "the 23-year-old": a person described by age, who is the person the story is about."""
    return bool(_AGE.match(doc[lo:hi].text.lower()))


def _nationality_description(doc: Doc, lo: int, hi: int) -> str | None:
    """ "the Swede", "the Irishman", "the Frenchwoman": one capitalised singular nationality
    noun after "the" describes a person named before it; its gender ("m", "f" or "")."""
    if hi - lo != 2 or doc[lo].lower_ != "the":
        return None
    t = doc[lo + 1]
    low = t.lower_
    if not t.text[:1].isupper() or t.tag_ not in ("NN", "NNP"):
        return None
    for suffix, gender in (("woman", "f"), ("man", "m")):
        # "Irishman", "Frenchwoman", "Ulsterman" (the tagger calls them NORP or ORG): a
        # capitalised "-man" inside a sentence is somebody's origin, lower-case ones are jobs.
        if low.endswith(suffix) and len(low) > len(suffix) + 2 and not t.is_sent_start:
            return gender
    return "" if t.ent_type_ == "NORP" or low in NATIONALITY_NOUNS else None


def _mention_kind(doc: Doc, head: Token, lo: int, hi: int) -> tuple[str, str, bool]:
    low = head.lower_
    if head.pos_ == "PRON":
        g = PRONOUN_GENDER.get(low, "")
        return "pronoun", g, low in PLURAL_PRONOUNS
    nationality = _nationality_description(doc, lo, hi)
    if nationality is not None:
        return "title", nationality, False
    words = [t.text for t in doc[lo:hi]]
    if head.ent_type_ == "PERSON" or (
        head.pos_ == "PROPN" and any(w.lower() in HONORIFICS for w in words)
    ):
        return "person", _gender_of_words(words), False
    if (
        head.ent_type_ in ("ORG", "NORP")
        or low in GROUP_NOUNS
        or head.lemma_.lower() in (GROUP_NOUNS)
    ):
        return "group", "", True
    if low in MALE_NOUNS:
        return "title", "m", False
    if low in FEMALE_NOUNS:
        return "title", "f", False
    if low in TITLE_HEADS or head.lemma_.lower() in TITLE_HEADS or _age_description(doc, lo, hi):
        return "title", "", head.tag_ in ("NNS", "NNPS")
    if head.ent_type_ in ("GPE", "LOC", "FAC"):
        return "group", "", True  # "the US", "China": a place speaks only as "it"/"they"
    if head.ent_type_ and head.ent_type_ not in NAMED_TYPES:
        return "other", "", False  # "September", "Brexit Day": no speaker at all
    if head.pos_ == "PROPN":
        return "person", _gender_of_words(words), False
    return "other", "", head.tag_ in ("NNS", "NNPS")


def _mention_heads(doc: Doc, ent_root: dict[int, int]) -> list[int]:
    """Tokens that head a mention: subjects that are names, nouns or pronouns, the root token of
    a PERSON entity, and names that are objects, appositions or conjuncts. Read from the Doc's
    arrays: a Token object for every token of every article cost more than the rest of the
    index."""
    import numpy
    from spacy.attrs import DEP, ENT_TYPE, POS

    if not len(doc):
        return []
    s = doc.vocab.strings
    arr = doc.to_array([DEP, POS, ENT_TYPE])
    dep, pos, ent = arr[:, 0], arr[:, 1], arr[:, 2]
    subject = numpy.isin(dep, [s["nsubj"], s["nsubjpass"]]) & numpy.isin(
        pos, [s["PROPN"], s["NOUN"], s["PRON"]]
    )
    named = (pos == s["PROPN"]) & numpy.isin(dep, [s["pobj"], s["dobj"], s["appos"], s["conj"]])
    person = ent == s["PERSON"]
    out = []
    for i in numpy.flatnonzero(subject | named | person).tolist():
        if subject[i] or named[i] or ent_root.get(i, i) == i:
            out.append(i)
    return out


def _index_mentions(idx: ArticleIndex) -> None:
    doc = idx.doc
    seen: set[int] = set()
    heads = [doc[i] for i in _mention_heads(doc, idx.ent_root)]
    for h in heads:
        if h.i in seen:
            continue
        seen.add(h.i)
        lo, hi = np_span(h)
        kind, gender, plural = _mention_kind(doc, h, lo, hi)
        caps = [t.text.replace("’", "'") for t in doc[lo:hi] if t.text[:1].isupper()]
        if (
            kind == "group"
            and h.pos_ == "PROPN"
            and caps
            and all(w in idx.person_words or _is_honorific(w) for w in caps)
        ):
            kind, plural = "person", False  # a person the tagger took for an organisation
        elif kind == "group" and h.pos_ == "PROPN" and _aged(doc, hi):
            kind, plural = "person", False  # "Alasdair MacLeod, 84,": only people have ages
        if kind == "person":
            canon = canonical_name(idx, doc[lo:hi].text)
            if canon and not gender:
                gender = idx.name_gender.get(canon, "")
        idx.mentions.append(
            Mention(
                start=lo,
                end=hi,
                text=doc[lo:hi].text,
                head=h.i,
                sent=idx.sent_of[h.i],
                # A mention opening a paragraph is its topic even when the parse, confused by
                # a quote before it, does not make it a subject.
                # Not a possessor: the topic of "Mr Trump's team has filed …" is the team.
                # Nor a word modifying the noun after it ("Castleford boss Tomasz Wójcik",
                # "Mezzo-soprano Iris Aldo"): that noun's phrase is the topic.
                # A name set off after a subject description is that subject ("Her
                # neighbour, Bill Haworth, 80, has lived …").
                subject=h.dep_ in ("nsubj", "nsubjpass")
                or (h.dep_ == "appos" and h.head.dep_ in ("nsubj", "nsubjpass"))
                or (
                    not _is_possessor(h)
                    and h.dep_ not in MODIFIER_DEPS
                    and _opens_paragraph(doc, lo)
                ),
                kind=kind,
                gender=gender,
                plural=plural,
                in_quote=idx.quoted[h.i],
                possessor=_is_possessor(h),
            )
        )
    idx.mentions.sort(key=lambda m: m.head)
    for m in idx.mentions:
        idx.by_sent.setdefault(m.sent, []).append(m)


def _aged(doc: Doc, end: int) -> bool:
    """Is the mention ending at token ``end`` followed by an age set off by commas?"""
    return (
        end + 2 < len(doc)
        and doc[end].text == ","
        and doc[end + 1].like_num
        and doc[end + 1].text.isdigit()
        and 0 < int(doc[end + 1].text) < 120
        and doc[end + 2].text == ","
    )


def _is_possessor(tok: Token) -> bool:
    """ "Mr Trump's team": the parser calls the owner poss, or nmod with a curly "’s"."""
    return tok.dep_ == "poss" or any(
        c.dep_ == "case" and c.lower_ in ("'s", "’s", "'", "’") for c in tok.children
    )


def _opens_paragraph(doc: Doc, i: int) -> bool:
    j = i - 1
    while j >= 0 and doc[j].is_space and "\n" not in doc[j].text:
        j -= 1
    return j < 0 or "\n" in doc[j].text or doc[j].text_with_ws.endswith("\n")


def canonical_name(idx: ArticleIndex, text: str) -> str | None:
    """Fullest in-article name for a person mention; honorifics stripped."""
    words = _unowned(_name_words(text))
    if not words:
        return None
    caps = [w for w in words if w[:1].isupper()]
    if not caps:
        return None
    # "Sir Keir" -> the full name containing "Keir"; "Lammy" -> "David Lammy".
    for w in (caps[-1], caps[0]):
        full = idx.full_names.get(w)
        if full and all(c in full.split(" ") for c in caps):
            return full
    # "Labour MP Ruth Cadbury": a known full name ending the mention, whatever titles lead it.
    full = idx.full_names.get(caps[-1])
    if full and len(full.split(" ")) >= 2 and " ".join(words).endswith(" " + full):
        return full
    # "Foreign secretary David Lammy": the name is the capitalised run at the end.
    tail: list[str] = []
    for w in reversed(words):
        if not w[:1].isupper() or w.lower() in TITLE_WORDS or w.lower() in TITLE_HEADS:
            break
        tail.insert(0, w)
    if tail and len(tail) < len(words):
        return canonical_name(idx, " ".join(tail))
    return " ".join(words)


def _compatible(m: Mention, gender: str, plural: bool) -> bool:
    if m.in_quote or m.kind == "other":
        return False
    if plural:
        return m.plural or m.kind == "group"
    if m.plural:
        return False
    if m.kind == "group":
        return gender == "n"
    if gender in ("m", "f") and m.gender and m.gender != gender:
        return False
    return gender != "n"


def _resolve_pronoun(idx: ArticleIndex, tok: Token, depth: int = 0) -> tuple[Mention | None, str]:
    """Antecedent of a speaker pronoun: previous sentences, subjects first, left to right.
    Remembered per pronoun (until a group speaks), so that a run of pronouns each leading to
    the same antecedent pronoun does not weigh its candidates again."""
    key = (tok.i, depth)
    known = idx.pronouns.get(key)
    if known is None:
        known = idx.pronouns[key] = _antecedent(idx, tok, depth)
    return known


def _antecedent(idx: ArticleIndex, tok: Token, depth: int) -> tuple[Mention | None, str]:
    low = tok.lower_
    gender = PRONOUN_GENDER.get(low, "n" if low == "it" else "")
    plural = low in PLURAL_PRONOUNS
    sent = idx.sent_of[tok.i]
    if plural:
        # Groups that spoke recently are the usual "they" of a news report: the one noted last
        # in the three sentences before.
        recent = [idx.group_last[s] for s in range(sent - 3, sent + 1) if s in idx.group_last]
        if recent:
            return None, max(recent)[1]
    # Rank candidates by sentence distance, with penalties for non-subjects and possessors:
    # the speaker of "he said" is nearly always a recent subject. Repeated sentences (photo
    # captions printed twice) do not count as distance.
    scored: list[tuple[float, int, Mention]] = []
    dist = 0
    seen_text: set[str] = set()
    for s in range(sent, max(-1, sent - MAX_BACK_SENTENCES * 2), -1):
        if s != sent:
            stext = idx.sent_text[s]
            if stext in seen_text:
                continue
            seen_text.add(stext)
            dist += 1
            if dist > MAX_BACK_SENTENCES:
                break
        for rank, m in enumerate(idx.by_sent.get(s, [])[:MAX_SENTENCE_MENTIONS]):
            if s == sent and (m.head >= tok.i or not m.subject):
                continue
            cost = float(dist)
            if not m.subject:
                cost += PENALTY_NON_SUBJECT
            if m.possessor:
                cost += PENALTY_POSSESSOR
            if m.kind == "pronoun":
                cost += PENALTY_PRONOUN
            scored.append((cost + rank * 0.01, m.head, m))
    scored.sort(key=lambda x: (x[0], x[1]))
    ordered = [m for _, _, m in scored]
    for m in ordered:
        if m.kind == "pronoun":
            if (
                depth < 4
                and m.head != tok.i
                and _pronoun_agrees(m, idx.doc[m.head], gender, plural)
            ):
                return _resolve_pronoun(idx, idx.doc[m.head], depth + 1)
            continue
        if _compatible(m, gender, plural):
            if m.kind == "person" and not m.gender and gender in ("m", "f"):
                # Unknown gender: accept, but a known-gender match in the same sentence wins.
                better = next(
                    (
                        o
                        for o in ordered
                        if o.sent == m.sent and o.kind == "person" and o.gender == gender
                    ),
                    None,
                )
                if better is not None and not better.in_quote:
                    return better, ""
            return m, ""
    return None, ""


def _pronoun_agrees(m: Mention, tok: Token, gender: str, plural: bool) -> bool:
    low = tok.lower_
    if plural:
        return low in PLURAL_PRONOUNS
    return PRONOUN_GENDER.get(low, "") == gender and gender != ""


def mention_name(idx: ArticleIndex, lo: int, hi: int) -> str | None:
    """Canonical name for a non-pronoun mention spanning tokens [lo, hi)."""
    doc = idx.doc
    span = doc[lo:hi]
    head = span.root
    if _nationality_description(doc, lo, hi) is not None:
        # Before the name checks: the tagger may call "the Ulsterman" a PERSON.
        m = _nearest_person_subject(idx, head)
        return mention_name(idx, m.start, m.end) if m is not None else None
    kind, _, _ = _mention_kind(doc, head, lo, hi)
    caps = [t.text for t in span if t.text[:1].isupper() and not _is_honorific(t.text)]
    # The tagger calls a surname alone a common noun at times ("Hannity said").
    # Or an adverb or verb ("said Skelly, explaining …").
    named_head = (
        head.pos_ == "PROPN"
        or (head.pos_ == "NOUN" and head.text[:1].isupper())
        or (
            head.pos_ in ("ADV", "VERB", "X", "INTJ", "ADJ")
            and head.text[:1].isupper()
            and not head.is_sent_start
        )
    )
    if caps and named_head and all(w in idx.person_words or w in idx.full_names for w in caps):
        kind = "person"  # the tagger called this mention ORG, but the article names a person
    if kind == "person":
        people = idx.person_ents
        ents = []
        j = bisect.bisect_left(people, lo, key=lambda e: e.start)
        while j < len(people) and people[j].start < hi:
            if people[j].end <= hi:
                ents.append(people[j])
            j += 1
        return canonical_name(idx, ents[-1].text if ents else _name_tail(span))
    low_words = [t.lower_ for t in span if t.lower_ not in ("the", "a", "an")]
    if kind == "title" and head.pos_ != "PROPN":
        key = " ".join(low_words)
        for k in (key, " ".join(low_words[-2:]), low_words[-1] if low_words else ""):
            if k in idx.title_names:
                return idx.title_names[k]
        # "The prime minister said" after "Keir Starmer has congratulated …" is Starmer, but
        # "the spokesman" or "the lawyer" speaks for someone else: staff titles never borrow.
        if (
            span[0].lower_ == "the"
            and head.lower_ not in STAFF_TITLES
            and (head.tag_ == "NN" or _age_description(doc, lo, hi))
        ):
            m = _nearest_person_subject(idx, head)
            # Read as a mention: "Mrs Justice Patricia Kerr" is Patricia Kerr, not "Mrs".
            name = mention_name(idx, m.start, m.end) if m is not None else None
            # "The governor" is not the person the article titled "Mayor Lisa Grant".
            titled = {k.split()[-1] for k, v in idx.title_names.items() if v == name}
            if name is not None and (not titled or head.lower_ in titled):
                return name
        return None
    if head.lemma_.lower() in SOURCE_NOUNS:
        author = _author_of(idx, head)
        if author:
            return author
    if span[0].lower_ in ANONYMOUS_DETS or not any(
        t.pos_ == "PROPN" or t.ent_type_ in NAMED_TYPES for t in span
    ):
        return None
    return _group_name(idx, span)


def _name_tail(span: Span) -> str:
    """The capitalised run ending a mention, minus title words ("Commons Leader Lucy Powell")."""
    words: list[str] = []
    for t in reversed(span):
        if not t.text[:1].isupper() or t.lower_ in TITLE_HEADS or t.lower_ in TITLE_WORDS:
            break
        words.insert(0, t.text)
    return " ".join(words) if words else span.text


def _group_name(idx: ArticleIndex, span: Span) -> str:
    """ "Mr Trump's team" -> "Donald Trump's team": possessor and compound names expanded."""
    parts: list[str] = []
    i = span.start
    doc = idx.doc
    while i < span.end:
        t = doc[i]
        if idx.quoted[i] or t.text in ("’", "'", "‘", "“", "”", '"'):
            i += 1
            continue
        nxt_cap = i + 1 < span.end and doc[i + 1].text[:1].isupper()
        if t.ent_type_ == "PERSON" or (_is_honorific(t.text) and nxt_cap):
            j = i
            while j < span.end and (doc[j].ent_type_ == "PERSON" or doc[j].lower_ in HONORIFICS):
                j += 1
            name = canonical_name(idx, doc[i:j].text) or doc[i:j].text
            # "the Trump campaign", "Trump’ campaign" -> "Donald Trump's campaign": the owner's
            # full name, in one form however the article wrote it.
            k = j
            while k < span.end and doc[k].text in ("’", "'"):
                k += 1
            if k < span.end and doc[k].pos_ == "NOUN" and not name.endswith("'s"):
                name += "'s"
            parts.append(name)
            i = j
            continue
        if t.lower_ in ("the", "a", "an") and i == span.start:
            i += 1
            continue
        parts.append(t.text)
        i += 1
    out = " ".join(parts).replace(" 's", "'s").replace(" ’s", "'s").replace("’", "'")
    return _SPACE.sub(" ", out).strip()


def _nearest_person_subject(idx: ArticleIndex, tok: Token) -> Mention | None:
    sent = idx.sent_of[tok.i]
    doc = idx.doc
    for s in range(sent, max(-1, sent - 3), -1):
        found = [
            m
            for m in idx.by_sent.get(s, ())
            if m.head < tok.i and m.subject and m.kind == "person" and not m.in_quote
        ]
        # The parsed subject before a name that only opens the paragraph: in "Castleford boss
        # Tomasz Wójcik was full of praise", a club the tagger took for a person is no subject.
        parsed = [m for m in found if doc[m.head].dep_ in ("nsubj", "nsubjpass")]
        if parsed or found:
            return (parsed or found)[0]
    return None


def _author_of(idx: ArticleIndex, head: Token) -> str | None:
    """Who wrote "the post": "a LinkedIn post by Sofia Patel", "Patel's post", "X posted"."""
    doc = idx.doc
    lemma = head.lemma_.lower()
    # "Mr Trump's team has filed an official complaint ... accusing": the filer wrote it.
    if head.dep_ in ("dobj", "obj") and head.head.pos_ == "VERB":
        for child in head.head.children:
            if child.dep_ == "nsubj" and child.pos_ != "PRON":
                lo, hi = np_span(child)
                return mention_name(idx, lo, hi)
    # The last noun of the same lemma up to here that names its author ("Patel's post").
    authored = idx.authored.get(lemma)
    if authored is None:
        authored = idx.authored[lemma] = [
            t.i
            for t in doc
            if t.lemma_.lower() == lemma and t.pos_ == "NOUN" and _author_child(t) is not None
        ]
    k = bisect.bisect_right(authored, head.i)
    if not k:
        return None
    author = _author_child(doc[authored[k - 1]])
    assert author is not None
    if author.dep_ == "poss":
        return canonical_name(idx, doc[np_span(author)[0] : author.i + 1].text)
    lo, hi = np_span(author)
    return mention_name(idx, lo, hi)


def _author_child(t: Token) -> Token | None:
    """The author a noun names: its proper-noun possessor, or the object of its "by"/"from"."""
    for child in t.children:
        if child.dep_ == "poss" and child.pos_ == "PROPN":
            return child
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.pos_ == "PROPN":
                    return pobj
    return None


def resolve_speaker(doc: Doc, span: Span, index: ArticleIndex | None = None) -> str | None:
    """Canonical in-article name for a speaker mention ("he" -> "Keir Starmer"), or None."""
    if index is None:
        index = build_index(doc, [False] * len(doc))
    head = span.root
    if head.pos_ == "PRON" or (len(span) == 1 and span[0].lower_ in SPEAKER_PRONOUNS):
        m, name = _resolve_pronoun(index, head)
        if name:
            return name
        if m is None:
            return None
        # "The Conservative candidate, Tom Riley, blamed … he quipped": the antecedent's name.
        named = _described(doc, doc[m.start : m.end], index)
        return _surface(index, named or mention_name(index, m.start, m.end))
    return _surface(
        index, _described(doc, span, index) or mention_name(index, span.start, span.end)
    )


def _described(doc: Doc, span: Span, index: ArticleIndex) -> str | None:
    """The name a description is given beside it, or None when it is no description."""
    head = span.root
    if head.pos_ == "NOUN" or (head.pos_ == "PROPN" and head.text.islower()):
        # "The Slate technology columnist David Auerbach": the description's named apposition
        # (a lower-case "minister" the tagger called a proper noun is a description too).
        for child in head.children:
            if child.dep_ == "appos" and child.ent_type_ == "PERSON" and not index.quoted[child.i]:
                lo, hi = np_span(child)
                return mention_name(index, lo, hi)
        named = _apposed_name(doc, span, index)
        if named is not None:
            return mention_name(index, *named)
    return None


def _apposed_name(doc: Doc, span: Span, index: ArticleIndex) -> tuple[int, int] | None:
    """ "Its vice-president, Rachel Carr, said": a name set off by commas right after a
    description, read off the word order (the parser often makes it a second subject)."""
    i = span.end
    # "vice-president": the tagger may split a hyphenated title after its first part.
    while i < min(len(doc), span.end + 4) and (doc[i].text == "-" or doc[i - 1].text == "-"):
        i += 1
    if i >= len(doc) or doc[i].text != ",":
        return None
    j = i + 1
    while j < len(doc) and j - i <= MAX_APPOSED_WORDS and doc[j].pos_ == "PROPN":
        j += 1
    if j == i + 1 or j >= len(doc) or doc[j].text != "," or any(index.quoted[i:j]):
        return None
    if not any(
        doc[k].ent_type_ == "PERSON" or doc[k].text in index.person_words for k in range(i + 1, j)
    ) and (
        # "Mr Mehta’s sister, Anjali, said": a person's description takes the name set off
        # after it even when the tagger typed that name an organisation; a place or a date set
        # off after a description is no name of it.
        span.root.lemma_.lower() in GROUP_NOUNS
        or span.root.ent_type_
        or any(doc[k].ent_type_ in PLACE_OR_TIME for k in range(i + 1, j))
    ):
        return None
    return i + 1, j


def label_name(index: ArticleIndex, label: str) -> str:
    """Canonical name for a transcript label: "WALLACE" -> "Chris Wallace" when the article
    names him, else the label in title case ("JAKE TAPPER" -> "Jake Tapper"). Names the
    tagger read off other labels ("BOULDUAN" -> "KATE BOULDUAN") count, in title case."""
    known = index.labels.get(label)
    if known is None:
        known = index.labels[label] = _label_name(index, label)
    return known


def _label_name(index: ArticleIndex, label: str) -> str:

    def title(w: str) -> str:
        return re.sub(r"[A-Z]+", lambda m: m[0][0] + m[0][1:].lower(), w)

    words = _strip_honorifics(label.replace(".", ". ").split())
    last = words[-1].lower().rstrip(".") if words else ""
    if not index.names_by_lower:
        for key, full in index.full_names.items():
            index.names_by_lower.setdefault(key.lower(), []).append((key, full))
    found: str | None = None
    for key, full in index.names_by_lower.get(last, ()):
        found = full
        if not key.isupper():
            break
    if found is None:
        # "BOULDUAN:" after "KATE BOULDUAN:": the fullest label ending in the same word.
        fuller = (
            re.search(
                r"(?m)^[\W]*((?:[A-Z][A-Z’'.-]* ){1,3}" + re.escape(words[-1]) + "):",
                index.text or doc_text(index.doc),
            )
            if words
            else None
        )
        full_words = fuller.group(1).split() if fuller else words
        return " ".join(title(w) for w in _strip_honorifics(full_words))
    if found.isupper():
        found = " ".join(title(w) for w in found.split())
    return _surface(index, found) or found


def _surface(index: ArticleIndex, name: str | None) -> str | None:
    """The name as the article spells it: names are matched with straight apostrophes and
    spaced tokens, but "O’Donnell" and "Holtz-Eakin" are shown as written."""
    if not name:
        return name
    known = index.surface.get(name)
    if known is None:
        known = index.surface[name] = _spelt(index.text or doc_text(index.doc), name)
    return known


def _spelt(text: str, name: str) -> str:
    if " - " in name:
        glued = name.replace(" - ", "-")
        if glued in text:
            name = glued
    inner = re.sub(r"'s\b", "", name)
    if "'" in inner and inner not in text:
        curly = inner.replace("'", "’")
        if curly in text:
            return re.sub(r"(\w)'(?!s\b)", "\\1’", name)
    return name


def note_speaker(index: ArticleIndex, span: Span, name: str | None) -> None:
    """Remember groups that spoke, for a later "they said"."""
    if not name:
        return
    lo, hi = span.start, span.end
    kind, _, plural = _mention_kind(index.doc, span.root, lo, hi)
    if {name, name.replace("’", "'"), name.replace("'", "’")} & set(index.full_names.values()):
        return  # a person the tagger took for an organisation ("Brett O’Donnell")
    if kind == "group" or plural:
        sent = index.sent_of[span.root.i]
        index.group_last[sent] = (len(index.group_speakers), name)
        index.pronouns.clear()  # a "they" may now be this group
        index.group_speakers.append((sent, name))


_PROPER_NAME = re.compile(r"(?:[A-Z][\w&'’.-]*)(?: (?:of|for|the|and|on|[A-Z][\w&'’.-]*)){0,6}")
_NOT_NAMES = frozenset({"He", "She", "They", "It", "We", "I", "You", "The", "This", "That"})


class _Chars(Protocol):
    """A stretch of the text by character offsets (a quote's speaker span)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...


def proper_name(doc: Doc, span: _Chars | None) -> str | None:
    """A speaker span that is itself a proper name the resolver could not place ("PETA",
    "Amnesty International") names the speaker as written; "Critics" opening a sentence is
    capitalised but no name."""
    if span is None:
        return None
    text = " ".join(span.text.split())
    if not _PROPER_NAME.fullmatch(text) or text.split()[0] in _NOT_NAMES:
        return None
    toks = [t for t in doc.char_span(span.start, span.end, alignment_mode="expand") or ()]
    if (
        not toks
        or any(
            t.pos_ != "PROPN" and not (t.text.isupper() and len(t.text) > 1)  # "PETA" as NOUN
            for t in toks
            if t.is_alpha and t.text[:1].isupper()
        )
    ):
        return None
    whole = doc_text(doc)  # joined once per Doc, not once per quote
    line_start = span.start == 0 or whole[span.start - 1] == "\n"
    if line_start and whole[span.end : span.end + 1] == ",":
        return None  # "SEOUL, Dec. 19 (Yonhap) --": a dateline
    return text
