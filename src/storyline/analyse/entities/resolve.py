"""Who is who in one article: named mentions, their clusters, roles, role nouns and pronouns.

Order of work, each step feeding the next: spaCy's entities cleaned and relabelled (a name the
article uses for a person is a person even where the tagger said ORG), person names clustered
(full names first, then surnames and first names to the unique full name that fits), roles read
off the words around names, role nouns matched to the titles the article states, pronouns last.
Mention kinds: "name" (a proper name, with its courtesy title: "Mr Lammy"), "title" (a
capitalised office standing for a person: "the Prime Minister"), "role-noun" (a lower-case
description: "the former president"), "pronoun".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from storyline.analyse.entities.coref import (
    ClusterInfo,
    Ref,
    doc_text,
    find_role_nouns,
    resolve_pronouns,
    resolve_role_nouns,
)
from storyline.analyse.entities.lexicon import (
    COMPANY_NOUNS,
    LEGAL_SUFFIXES,
    MAKING_VERBS,
    MARKET_INDICES,
    NOT_ENTITY_CODES,
    PRODUCT_NOUNS,
)
from storyline.analyse.entities.names import (
    COUNTRY_ALIASES,
    COURTESY_TITLES,
    FEMALE_NAMES,
    MALE_NAMES,
    NAME_OFFICE_TITLES,
    PLACE_NAMES,
    RANK_TITLES,
    clean_surface,
    fold,
    is_media,
    name_gender,
    name_words,
    org_initials,
    org_key,
    org_short_forms,
    spelling_variant,
)
from storyline.analyse.entities.roles import ROLE_HEADS, TITLE_MODIFIERS, find_roles
from storyline.analyse.lang.extensions import cached
from storyline.analyse.lang.quotemarks import doc_quoted_tokens
from storyline.analyse.lang.tokens import token_starts, tokens_where
from storyline.analyse.lang.words import MONTHS, word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "ArticleEntities",
    "Cluster",
    "Mention",
    "RoleMention",
    "article_entities",
    "doc_entities",
]

KEPT_LABELS = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "NORP", "EVENT": "EVENT",
    "FAC": "OTHER", "LOC": "OTHER", "LAW": "OTHER", "WORK_OF_ART": "OTHER", "PRODUCT": "PRODUCT",
}  # fmt: skip
# Titles that may open a person's name in the text ("Mr Lammy", "Senator James Risch"); office
# words like "secretary" are left to the role reader so "foreign secretary" stays whole.
NAME_TITLES = COURTESY_TITLES | NAME_OFFICE_TITLES | RANK_TITLES
COURTESY = COURTESY_TITLES
CONF_NAME = 0.95
CONF_VARIANT = 0.85
CONF_SURNAME = 0.9
CONF_SURNAME_AMBIGUOUS = 0.6
CONF_FIRST_NAME = 0.75
CONF_KNIGHT_FIRST_NAME = 0.85
CONF_ORG = 0.9
CONF_UNRESOLVED_ROLE = 0.4
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    label: str
    cluster: int
    kind: str
    confidence: float
    method: str


@dataclass(frozen=True, slots=True)
class RoleMention:
    cluster: int
    title: str
    start: int
    end: int
    confidence: float
    method: str


@dataclass(frozen=True, slots=True)
class Cluster:
    id: int
    name: str
    type: str
    aliases: tuple[str, ...]
    media: bool


@dataclass(frozen=True, slots=True)
class ArticleEntities:
    clusters: tuple[Cluster, ...]
    mentions: tuple[Mention, ...]
    roles: tuple[RoleMention, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "clusters": [{**asdict(c), "aliases": list(c.aliases)} for c in self.clusters],
            "mentions": [asdict(m) for m in self.mentions],
            "roles": [asdict(r) for r in self.roles],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArticleEntities:
        # The stored layer is to_json's output: its keys are the fields.
        return cls(
            clusters=tuple(
                Cluster(**{**c, "aliases": tuple(c["aliases"])}) for c in data.get("clusters", [])
            ),
            mentions=tuple(Mention(**m) for m in data.get("mentions", [])),
            roles=tuple(RoleMention(**r) for r in data.get("roles", [])),
        )

    def cluster_at(self, start: int, end: int) -> int | None:
        """Cluster of the mention overlapping [start, end) most (ties: the shorter mention)."""
        best: tuple[int, int, int] | None = None
        for m in self.mentions:
            overlap = min(end, m.end) - max(start, m.start)
            if overlap <= 0 and not (start == end and m.start <= start < m.end):
                continue
            key = (overlap, -(m.end - m.start), m.cluster)
            if best is None or key[:2] > best[:2]:
                best = key
        return best[2] if best is not None else None


def _trim(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and (
        doc[lo].lower_ in ("the", "a", "an") or doc[lo].is_punct or doc[lo].is_space
    ):
        lo += 1
    while hi > lo and (
        doc[hi - 1].text in _POSSESSIVE or doc[hi - 1].is_punct or doc[hi - 1].is_space
    ):
        hi -= 1
    return lo, hi


def _char_span(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    start = doc[lo].idx
    end = doc[hi - 1].idx + len(doc[hi - 1].text)
    # "Trump’s" kept whole by the tokenizer, "Sky News:" with its colon.
    text = doc_text(doc)
    while end > start and text[end - 1] in ".,:;!?’'\"”)":
        if text[end - 1] in "’'" and end - 2 > start and text[end - 2] == "s":
            end -= 1
            continue
        if text[end - 1] == "." and end - start <= 4:
            break  # "U.S." keeps its stop
        end -= 1
    if text[start:end].endswith(("’s", "'s")):
        end -= 2
    return start, end


@dataclass(slots=True)
class _Name:
    ref: Ref
    words: list[str]
    honorific: str
    title_end: int  # token index where the honorific titles end


def _is_title_tok(text: str) -> bool:
    return fold(text).rstrip(".") in NAME_TITLES


def _collect_names(doc: Doc, quoted: list[bool], sent_of: list[int]) -> list[_Name]:
    names: list[_Name] = []
    covered = [False] * len(doc)
    spans: list[tuple[int, int, str]] = []
    products = _product_names(doc)
    for ent in doc.ents:
        label = KEPT_LABELS.get(ent.label_)
        if label is None or _not_an_entity(doc, ent.start, ent.end, label, products):
            continue
        lo, hi = _trim(doc, ent.start, ent.end)
        # "Later Mr Lammy" tagged whole: the name starts at the courtesy title.
        inner_title = next(
            (k for k in range(lo + 1, hi - 1) if fold(doc[k].text).rstrip(".") in COURTESY),
            None,
        )
        if inner_title is not None:
            lo, label = inner_title, "PERSON"
        # "Biden’s National Security Council": the possessor is a mention of its own.
        cut = next((k for k in range(lo + 1, hi - 1) if doc[k].text in _POSSESSIVE), None)
        if cut is not None:
            spans.append((lo, cut, "PERSON" if label == "ORG" and cut - lo <= 2 else label))
            lo = cut + 1
        if lo >= hi:
            continue
        if hi - lo >= 2 and _legal_form(doc[hi - 1].text):
            label = "ORG"  # "Eni SpA" tagged as a person
        elif label in ("GPE", "OTHER") and _company_context(doc, lo, hi):
            label = "ORG"  # "analysts at Jefferies", "Maersk shares"
        spans.append((lo, hi, label))
    spans.extend(_legal_form_names(doc, spans))
    spans.extend(_defined_names(doc, spans))
    spans.extend(_conjoined_names(doc, spans))
    # Names the tagger missed behind a courtesy title: "Mr Lammy", "Ms Harris".
    ent_tok = {i for lo, hi, _ in spans for i in range(lo, hi)}
    courtesy = tokens_where(
        doc, "ORTH", lambda w: fold(w).rstrip(".") in COURTESY and w[:1].isupper()
    )
    for t in (doc[i] for i in courtesy):
        if t.i + 1 < len(doc):
            j = t.i + 1
            while j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper():
                if j in ent_tok:
                    break
                j += 1
            if j > t.i + 1 and (j >= len(doc) or j not in ent_tok):
                spans.append((t.i + 1, j, "PERSON"))
    spans.sort()
    for lo, hi, label in spans:
        if any(covered[lo:hi]):
            continue
        title_lo = lo
        while (
            (label == "PERSON" or hi - lo <= 2)
            and title_lo > 0
            and _is_title_tok(doc[title_lo - 1].text)
        ):
            prev = doc[title_lo - 1]
            if "\n" in prev.text_with_ws or covered[title_lo - 1]:
                break
            title_lo -= 1
        # Titles inside the entity ("President Trump" tagged whole) count as titles too.
        inner = lo
        while inner < hi - 1 and _is_title_tok(doc[inner].text):
            inner += 1
        title_end = inner if title_lo == lo else lo
        honorific = doc[title_lo].text if title_lo < lo or inner > lo else ""
        if title_lo < lo or inner > lo:
            label = "PERSON"
        for k in range(title_lo, hi):
            covered[k] = True
        start, end = _char_span(doc, title_lo, hi)
        if end <= start:
            continue
        text = doc_text(doc)[start:end]
        words = name_words(text) if label == "PERSON" else name_words(clean_surface(text))
        if not words:
            continue
        ref = _name_ref(doc, title_lo, hi, start, end, label, quoted, sent_of)
        names.append(
            _Name(
                ref=ref,
                words=words,
                honorific=honorific,
                title_end=max(title_end, lo) if title_lo < lo else inner,
            )
        )
    head_end = _title_case_head(doc)
    _recover_full_names(doc, names, covered, quoted, sent_of)
    _propagate_surnames(doc, names, covered, quoted, sent_of, head_end)
    _propagate_org_names(doc, names, covered, quoted, sent_of, head_end)
    _untagged_names(doc, names, covered, quoted, sent_of, head_end)
    return names


MAX_UNTAGGED_WORDS = 4
UNTAGGED_METHOD = "untagged"
"""A capitalised run the tagger gave no type: the corpus step keeps it only where another
article names someone or something so (``link.entities``)."""
_NOT_NAME_WORDS = frozenset(MONTHS) | word_set(
    "monday tuesday wednesday thursday friday saturday sunday january i"
)


def _untyped_propn(doc: Doc) -> list[int]:
    """Indices of the proper nouns the tagger gave no entity type."""
    import numpy
    from spacy import attrs
    from spacy.symbols import PROPN

    if not len(doc):
        return []
    arr = doc.to_array([attrs.POS, attrs.ENT_TYPE])
    return numpy.flatnonzero((arr[:, 0] == PROPN) & (arr[:, 1] == 0)).tolist()


def _untagged_names(
    doc: Doc,
    names: list[_Name],
    covered: list[bool],
    quoted: list[bool],
    sent_of: list[int],
    head_end: int,
) -> None:
    """The small tagger leaves many names untyped ("Mikel Arteta praised Saka", "Arsenal, known
    to fans as ..."): an uncovered run of capitalised proper nouns the tagger gave no type, in the
    body, is a name. It is a person when a word of it is a word of a person the article names,
    an organisation when it is an organisation's name there; otherwise its type is unknown
    (OTHER, method ``untagged``) and the corpus step decides."""
    person_words = {fold(w) for n in names if n.ref.label == "PERSON" for w in n.words}
    org_keys = {org_key(" ".join(n.words)) for n in names if n.ref.label == "ORG"}
    titles = NAME_TITLES | ROLE_HEADS | TITLE_MODIFIERS
    added = False
    n_tok = len(doc)
    # Only the untyped proper nouns are read token by token (bulk arrays: this runs on every
    # article).
    cands = [
        i
        for i in _untyped_propn(doc)
        if not covered[i] and doc[i].idx >= head_end and doc[i].text[:1].isupper()
    ]
    runs: list[tuple[int, int]] = []
    for i in cands:
        if runs and runs[-1][1] == i and "\n" not in doc[i - 1].text_with_ws:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    for lo, hi in runs:
        if hi < n_tok and doc[hi].ent_type_ and doc[hi].text[:1].isupper():
            continue  # the start of a typed name the tagger cut ("Alzheimer's Research UK")
        while lo < hi and fold(doc[lo].text).rstrip(".") in titles:
            lo += 1
        if lo == hi or hi - lo > MAX_UNTAGGED_WORDS:
            continue
        run = [fold(doc[k].text) for k in range(lo, hi)]
        if any(w in _NOT_NAME_WORDS or w in PLACE_NAMES or not w.isalpha() for w in run):
            continue
        start, end = _char_span(doc, lo, hi)
        if end <= start:
            continue
        text = doc_text(doc)[start:end]
        words = name_words(text)
        if not words:
            continue
        if any(fold(w) in person_words for w in words):
            label, method = "PERSON", "name-propagation"
        elif org_key(text) in org_keys:
            label, method = "ORG", "name-propagation"
        else:
            label, method = "OTHER", UNTAGGED_METHOD
        for k in range(lo, hi):
            covered[k] = True
        ref = _name_ref(doc, lo, hi, start, end, label, quoted, sent_of)
        ref.method = method
        ref.confidence = CONF_VARIANT
        names.append(_Name(ref=ref, words=words, honorific="", title_end=lo))
        added = True
    if added:
        names.sort(key=lambda n: n.ref.lo)


def _recover_full_names(
    doc: Doc, names: list[_Name], covered: list[bool], quoted: list[bool], sent_of: list[int]
) -> None:
    """A full name the tagger missed behind capitalised office words ("Chief Executive Guillaume
    Faury told reporters", then "Faury declined"): an uncovered run of capitalised proper nouns
    ending in a name the article uses alone for a person is that person's full name, without the
    office words before it (which the role reader then reads)."""
    lone = {n.words[0] for n in names if n.ref.label == "PERSON" and len(n.words) == 1}
    if not lone:
        return
    titles = ROLE_HEADS | TITLE_MODIFIERS | NAME_TITLES
    added = False
    for i in tokens_where(doc, "ORTH", lone.__contains__):
        if covered[i] or i == 0:
            continue
        if i + 1 < len(doc) and doc[i + 1].pos_ == "PROPN" and doc[i + 1].text[:1].isupper():
            continue
        lo = i
        while lo > 0 and not covered[lo - 1] and i - lo < 5:
            prev = doc[lo - 1]
            if prev.pos_ != "PROPN" or not prev.text[:1].isupper() or "\n" in prev.text_with_ws:
                break
            lo -= 1
        first = lo
        while first < i and fold(doc[first].text).rstrip(".") in titles:
            first += 1
        if first == i or i - first > 2:
            continue  # nothing but office words before it, or too long to be one name
        start, end = _char_span(doc, first, i + 1)
        if end <= start:
            continue
        for k in range(first, i + 1):
            covered[k] = True
        ref = _name_ref(doc, first, i + 1, start, end, "PERSON", quoted, sent_of)
        ref.method = "full-name-recovery"
        words = name_words(doc_text(doc)[start:end])
        names.append(_Name(ref=ref, words=words, honorific="", title_end=first))
        added = True
    if added:
        names.sort(key=lambda n: n.ref.lo)


def defined_acronym(doc: Doc, hi: int) -> str:
    """The acronym a name defines in brackets right after it ("Competition and Markets Authority
    (CMA)", "British Telecommunications plc (BTP)"), or ""."""
    if hi + 2 < len(doc) and doc[hi].text == "(" and doc[hi + 2].text == ")":
        word = doc[hi + 1].text
        if 2 <= len(word) <= 6 and word.isupper() and word.isalpha():
            return word
    return ""


def _propagate_org_names(
    doc: Doc,
    names: list[_Name],
    covered: list[bool],
    quoted: list[bool],
    sent_of: list[int],
    head_end: int,
) -> None:
    """The tagger misses repeats of an organisation's name, its shorter forms and the acronym it
    defines ("Corvane Holdings Ltd" ... "Corvane"; "British Telecommunications plc (BT)" ... "BT"):
    every uncovered capitalised occurrence of one of them (of its initials: in capitals) is a
    mention of the organisation."""
    forms: dict[str, set[tuple[str, ...]]] = {}
    body_only: set[tuple[str, ...]] = set()
    for n in names:
        if n.ref.label != "ORG":
            continue
        texts = [n.ref.text, *org_short_forms(n.ref.text)]
        if len(texts) > 1 and len(texts[-1].split()) > 1:
            # "Santander" of "Banco Santander SA"; not in a headline, where "Oil" of "National
            # Oil Corp" is any capitalised word.
            body_only.add((texts[-1].split()[-1],))
        acr = defined_acronym(doc, n.ref.hi)
        if acr:
            texts.append(acr)
        # Its initials, matched only where written in capitals ("BTP").
        texts.extend(a.upper() for a in org_initials(n.ref.text) if a.isalpha())
        for text in texts:
            words = tuple(text.split())
            if words and words[0][:1].isupper():
                forms.setdefault(words[0], set()).add(words)
    for words in body_only:
        if words[0][:1].isupper():
            forms.setdefault(words[0], set()).add(words)
    if not forms:
        return
    text = doc_text(doc)
    added = False
    for t in (doc[i] for i in tokens_where(doc, "ORTH", forms.__contains__)):
        if covered[t.i] or t.ent_type_ in ("NORP", "GPE", "PERSON"):
            continue
        if t.pos_ not in ("PROPN", "NOUN") and not (t.idx < head_end or t.text.isupper()):
            continue
        best = 0
        for words in forms[t.text]:
            if t.idx < head_end and words in body_only:
                continue
            k = len(words)
            if t.i + k <= len(doc) and all(
                doc[t.i + j].text == w and not covered[t.i + j] for j, w in enumerate(words)
            ):
                best = max(best, k)
        if not best:
            continue
        hi = t.i + best
        if t.idx >= head_end:
            prev = doc[t.i - 1] if t.i > 0 else None
            nxt = doc[hi] if hi < len(doc) else None
            # Part of a longer name ("BT Sport", "the Corvane Foundation").
            if (
                prev is not None
                and prev.pos_ == "PROPN"
                and prev.text[:1].isupper()
                and "\n" not in prev.text_with_ws
            ):
                continue
            if nxt is not None and nxt.pos_ == "PROPN" and nxt.text[:1].isupper():
                continue
        start, end = _char_span(doc, t.i, hi)
        if end <= start:
            continue
        for k in range(t.i, hi):
            covered[k] = True
        ref = _name_ref(doc, t.i, hi, start, end, "ORG", quoted, sent_of)
        ref.method = "name-propagation"
        found = name_words(clean_surface(text[start:end]))
        names.append(_Name(ref=ref, words=found, honorific="", title_end=t.i))
        added = True
    if added:
        names.sort(key=lambda n: n.ref.lo)


def _legal_form(word: str) -> bool:
    """A legal form closing a company name: "Inc", "plc", "SpA", "A/S" (not a lower-case "as")."""
    return (word[:1].isupper() or word in ("plc", "llc")) and fold(word).replace(
        ".", ""
    ) in LEGAL_SUFFIXES


def _legal_form_names(doc: Doc, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Company names the tagger missed, found by their legal form: the capitalised words before
    an "Inc", "plc", "AG" on the same line ("Vantor Pharmaceuticals Inc won approval")."""
    taken = {i for lo, hi, _ in spans for i in range(lo, hi)}
    out: list[tuple[int, int, str]] = []
    for t in (doc[i] for i in tokens_where(doc, "ORTH", _legal_form)):
        if t.i in taken or t.i == 0:
            continue
        lo = t.i
        while lo > 0 and lo - 1 not in taken and t.i - lo < 6:
            prev = doc[lo - 1]
            if "\n" in prev.text_with_ws:
                break
            capital = prev.text[:1].isupper() and prev.pos_ in ("PROPN", "NOUN", "ADJ", "X")
            joiner = prev.text in ("&", "and", "-") and lo >= 2 and doc[lo - 2].text[:1].isupper()
            if not (capital or joiner):
                break
            lo -= 1
        while lo < t.i and not doc[lo].text[:1].isupper():
            lo += 1
        if lo < t.i and fold(doc[lo].text) not in ("the", "a", "an"):
            out.append((lo, t.i + 1, "ORG"))
    return out


def _conjoined_names(doc: Doc, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Names the tagger missed in a list with an organisation it found ("hired Goldman Sachs
    and Barclays"): capitalised proper nouns conjoined to an organisation name are one too."""
    taken = {i for lo, hi, _ in spans for i in range(lo, hi)}
    out: list[tuple[int, int, str]] = []
    for lo, hi, label in spans:
        if label != "ORG":
            continue
        root = doc[lo:hi].root
        for t in root.children:
            if t.dep_ != "conj" or t.i in taken or t.pos_ != "PROPN" or not t.text[:1].isupper():
                continue
            a = t.i
            while a > 0 and doc[a - 1].dep_ == "compound" and doc[a - 1].pos_ == "PROPN":
                if a - 1 in taken or not doc[a - 1].text[:1].isupper():
                    break
                a -= 1
            if any(i in taken for i in range(a, t.i + 1)):
                continue
            out.append((a, t.i + 1, "ORG"))
            taken.update(range(a, t.i + 1))
    return out


_NAME_JOINERS = frozenset({"and", "of", "for", "&", "the", "on", "de", "du", "des", "la"})


def _defined_names(doc: Doc, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Organisation names the tagger missed before the acronym they define: the capitalised
    words (and the "and", "of" between them) right before "(CMA)" whose initials spell it ("The
    Competition and Markets Authority (CMA)")."""
    taken = {i for lo, hi, _ in spans for i in range(lo, hi)}
    out: list[tuple[int, int, str]] = []
    for t in (doc[i] for i in tokens_where(doc, "ORTH", "(".__eq__)):
        if t.i == 0 or t.i - 1 in taken:
            continue
        acr = defined_acronym(doc, t.i)
        if not acr:
            continue
        lo = t.i
        while lo > 0 and lo - 1 not in taken and t.i - lo < 10:
            prev = doc[lo - 1]
            if "\n" in prev.text_with_ws or not (
                prev.text[:1].isupper() or prev.lower_ in _NAME_JOINERS
            ):
                break
            lo -= 1
        # The shortest tail of the run whose capitalised words' initials are the acronym.
        for a in range(t.i - 1, lo - 1, -1):
            caps = [w.text for w in doc[a : t.i] if w.text[:1].isupper()]
            if doc[a].text[:1].isupper() and fold("".join(w[0] for w in caps)) == fold(acr):
                if a < t.i - 1 or len(caps) > 1:
                    out.append((a, t.i, "ORG"))
                break
    return out


def _company_context(doc: Doc, lo: int, hi: int) -> bool:
    """Is the name, which the tagger took for a place, used as a company: modifying a noun
    only companies have ("Jefferies analysts", "Maersk shares") or after "analysts at"? Known
    places and countries never are."""
    key = fold(doc[lo:hi].text)
    if key in PLACE_NAMES or key in COUNTRY_ALIASES or key in COUNTRY_ALIASES.values():
        return False
    root = doc[lo:hi].root
    head = root.head
    if root.dep_ in ("compound", "poss") and head.i >= hi:
        return head.lemma_.lower() in COMPANY_NOUNS
    return root.dep_ == "pobj" and head.lower_ == "at" and head.head.lemma_.lower() in COMPANY_NOUNS


def _product_names(doc: Doc) -> set[str]:
    """Texts of names the article uses for products: a name in apposition to a product noun
    ("Lumetra, its weekly obesity injection") or followed by a making verb's participle ("Wegovy,
    made by Novo Nordisk"). The article's other uses of the text are the same product."""
    out: set[str] = set()
    for ent in doc.ents:
        if ent.label_ not in ("ORG", "PERSON", "GPE", "PRODUCT", "WORK_OF_ART"):
            continue
        root = ent.root
        for child in root.children:
            if child.i >= ent.start and child.i < ent.end:
                continue
            if (child.dep_ == "appos" and child.lemma_.lower() in PRODUCT_NOUNS) or (
                child.dep_ == "acl"
                and child.tag_ == "VBN"
                and child.lemma_.lower() in MAKING_VERBS
                and any(g.dep_ == "agent" for g in child.children)
            ):
                out.add(ent.text)
    return out


_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}|\d{1,2}[ap]\.?m\.?", re.IGNORECASE)


def _not_an_entity(doc: Doc, lo: int, hi: int, label: str, products: set[str]) -> bool:
    """Tagged spans that are no one: currency codes and time zones ("EUR 4bn", "GMT"), model
    names after a model number ("737 MAX"), products the article names as such, and a
    nationality or group adjective before a noun ("Libyan oil", "a neo-Nazi rally")."""
    toks = doc[lo:hi]
    if any(t.text in NOT_ENTITY_CODES for t in toks):
        return True
    prev = doc[lo - 1] if lo > 0 else None
    # A time zone: capitals right after a clock time ("08:00 GMT", "06:00 UTC", "9am ET").
    if (
        hi - lo == 1
        and toks.text.isupper()
        and toks.text.isalpha()
        and len(toks.text) <= 5
        and prev is not None
        and (prev.ent_type_ == "TIME" or _CLOCK.fullmatch(prev.text))
    ):
        return True
    if fold(toks.text).removeprefix("the ") in MARKET_INDICES:
        return True
    if toks.text in products:
        return True
    if label == "NORP" and (toks.root.pos_ == "ADJ" or toks.root.dep_ in ("amod", "compound")):
        return True
    if prev is None or hi - lo > 1 or not toks.text.isupper():
        return False
    # "737 MAX", "A320 NEO": a model name in capitals after a model number (not a year).
    digits = any(c.isdigit() for c in prev.text)
    year = prev.text.isdigit() and 1800 <= int(prev.text) <= 2100
    return prev.text.isalnum() and digits and len(prev.text) >= 3 and not year


def _name_ref(
    doc: Doc,
    lo: int,
    hi: int,
    start: int,
    end: int,
    label: str,
    quoted: list[bool],
    sent_of: list[int],
) -> Ref:
    root = doc[lo:hi].root
    text = doc_text(doc)[start:end]
    return Ref(
        lo=lo,
        hi=hi,
        start=start,
        end=end,
        text=text,
        label=label,
        kind="name",
        cluster=-1,
        confidence=CONF_NAME,
        method="ner",
        sent=sent_of[root.i],
        head=root.i,
        subject=root.dep_ in ("nsubj", "nsubjpass"),
        possessor=root.dep_ == "poss"
        or (hi < len(doc) and doc[hi].text in _POSSESSIVE)
        or text != doc[lo:hi].text.rstrip(),
        in_quote=quoted[root.i],
    )


def _propagate_surnames(
    doc: Doc,
    names: list[_Name],
    covered: list[bool],
    quoted: list[bool],
    sent_of: list[int],
    head_end: int = 0,
) -> None:
    """The tagger misses some repeats of a surname it found elsewhere ("Salazar said"): every
    capitalised, uncovered token spelled as the surname of a full person name is a mention."""
    surnames = {
        n.words[-1]
        for n in names
        if n.ref.label == "PERSON" and len(n.words) >= 2 and n.words[-1][:1].isupper()
    }
    if not surnames:
        return
    added = False
    for t in doc:
        in_head = t.idx < head_end
        if covered[t.i] or t.text not in surnames:
            continue
        if t.pos_ not in ("PROPN", "NOUN") and not (in_head and t.pos_ == "VERB"):
            continue
        prev = doc[t.i - 1] if t.i > 0 else None
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if in_head:
            # In a title-case headline every word is capitalised: neighbours say nothing.
            prev = nxt = None
        # Part of a longer name or title ("Salazar Foundation", "the Obama administration").
        if (
            prev is not None
            and not covered[t.i - 1]
            and prev.pos_ == "PROPN"
            and prev.text[:1].isupper()
            and fold(prev.text).rstrip(".") not in NAME_TITLES
        ):
            continue  # fmt: skip
        if nxt is not None and nxt.pos_ == "PROPN" and nxt.text[:1].isupper():
            continue
        if not in_head and (
            (nxt is not None and nxt.dep_ == "compound")
            or (t.dep_ == "compound" and t.head.i > t.i)
        ):
            continue
        start, end = _char_span(doc, t.i, t.i + 1)
        if end <= start:
            continue
        covered[t.i] = True
        ref = _name_ref(doc, t.i, t.i + 1, start, end, "PERSON", quoted, sent_of)
        ref.method = "surname-propagation"
        names.append(_Name(ref=ref, words=[t.text], honorific="", title_end=t.i))
        added = True
    if added:
        names.sort(key=lambda n: n.ref.lo)


def _title_case_head(doc: Doc) -> int:
    """Character end of a title-case first line ("Black Lawmakers Rip Donald Trump As A …"),
    or 0 when the text does not open with one."""
    end = doc_text(doc).find("\n")
    if end <= 0:
        return 0
    words = [w for w in doc_text(doc)[:end].split() if w[:1].isalpha() and len(w) > 3]
    if len(words) < 2 or sum(w[:1].isupper() for w in words) < 0.8 * len(words):
        return 0
    return end


def _used_alone(body: str, piece: str) -> bool:
    """Does ``body`` use ``piece`` as a name of its own, not inside a longer capitalised one
    ("Drug" in "Food and Drug Administration" is not "Drug")?"""
    for m in re.finditer(rf"(?<!\w){re.escape(piece)}(?!\w)", body):
        right = body[m.end() :]
        after = right.split(None, 1)[0] if right.strip() else ""
        glued_right = right.startswith(" ") and after[:1].isupper()
        if not glued_right:  # "Mr Ortberg" still uses "Ortberg"
            return True
    return False


def _trim_headline_names(doc: Doc, names: list[_Name]) -> None:
    """In a title-case headline the tagger swallows capitalised verbs into names ("Rip Donald
    Trump", "Obama Sees"): keep the longest part of the name the article body also uses."""
    head_end = _title_case_head(doc)
    if not head_end:
        return
    body = doc_text(doc)[head_end:]
    dropped: list[int] = []
    # What the article writes as a nationality or group ("the Danish defence ministry"): a
    # headline name cut down to one of these is that adjective ("Danish Jets Join").
    groups = {e.text for e in doc.ents if e.label_ == "NORP" and e.start_char >= head_end}
    for k, n in enumerate(names):
        r = n.ref
        if r.start >= head_end or r.hi - r.lo < 2 or r.text in body:
            continue
        toks = [t for t in doc[r.lo : r.hi]]
        best: tuple[int, int] | None = None
        for size in range(len(toks) - 1, 0, -1):
            for a in range(len(toks) - size + 1):
                piece = doc[toks[a].i : toks[a + size - 1].i + 1]
                if piece[0].is_punct or piece[-1].is_punct:
                    continue
                if _used_alone(body, piece.text):
                    best = (piece.start, piece.end)
                    break
            if best is not None:
                break
        if best is None:
            # No part of it is a name the article goes on to use: headline words ("Rival
            # Struggles", "Fined Over Outage").
            if r.label in ("PERSON", "ORG"):
                dropped.append(k)
            continue
        lo, hi = best
        start, end = _char_span(doc, lo, hi)
        if doc_text(doc)[start:end] in groups:
            dropped.append(k)
            continue
        r.lo, r.hi, r.start, r.end, r.text = lo, hi, start, end, doc_text(doc)[start:end]
        r.head = doc[lo:hi].root.i
        n.words = name_words(r.text) if r.label == "PERSON" else name_words(clean_surface(r.text))
        n.title_end = max(min(n.title_end, hi), lo)
    for k in reversed(dropped):
        del names[k]


_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def _trim_surname_tails(doc: Doc, names: list[_Name]) -> None:
    """ "President Obama Speech", "Trump accused Holt": a surname the article uses on its own,
    followed by words that are no one's name, is that surname; names do not go on after it."""
    lone = {fold(n.words[0]) for n in names if n.ref.label == "PERSON" and len(n.words) == 1}
    lasts = Counter(
        fold(n.words[-1]) for n in names if n.ref.label == "PERSON" and len(n.words) > 1
    )
    text = doc_text(doc)
    for n in names:
        r = n.ref
        if r.label != "PERSON" or len(n.words) < 2:
            continue
        head, tail = fold(n.words[0]), [fold(w) for w in n.words[1:]]
        if head not in lone or head in MALE_NAMES or head in FEMALE_NAMES:
            continue
        if (
            any(
                w in _NAME_SUFFIXES
                or lasts[w] > (w == tail[-1])  # another name ends in it: a real surname
                or w in MALE_NAMES
                or w in FEMALE_NAMES
                for w in tail
            )
            or text.count(r.text) > 1
        ):
            continue
        k = next((i for i in range(r.lo, r.hi) if doc[i].text == n.words[0]), None)
        if k is None:
            continue
        start, end = _char_span(doc, r.lo, k + 1)
        r.hi, r.end, r.text = k + 1, end, text[start:end]
        r.head = doc[r.lo : r.hi].root.i
        n.words = n.words[:1]


def _relabel(names: list[_Name]) -> None:
    """A word the article uses as a person's name is a person ("Trump's team" tagged ORG)."""
    firsts: Counter[str] = Counter()
    lasts: Counter[str] = Counter()
    for n in names:
        if n.ref.label == "PERSON" and len(n.words) >= 2:
            firsts[fold(n.words[0])] += 1
            lasts[fold(n.words[-1])] += 1
        elif n.honorific and fold(n.honorific).rstrip(".") not in ("sir", "dame"):
            lasts[fold(n.words[-1])] += 1  # "Mr. Trump" makes a lone "Trump" a person
    votes: dict[str, Counter[str]] = {}
    for n in names:
        votes.setdefault(org_key(" ".join(n.words)), Counter())[n.ref.label] += 1
    # The first and last words of the company names the article writes with a legal form or a
    # descriptor ("Banco Santander SA"): alone, such a word is the company, not a person.
    company_words: set[str] = set()
    for n in names:
        if n.ref.label in ("ORG", "OTHER") and len(n.words) >= 2:
            shorter = org_short_forms(" ".join(n.words))
            if shorter:
                core = [fold(w) for w in shorter[-1].split(" ")]
                company_words.update((core[0], core[-1]))
    for n in names:
        key = fold(" ".join(n.words))
        single = len(n.words) == 1
        if (
            n.honorific
            or (single and key in lasts)
            or (single and key in firsts and not is_media(key) and n.ref.label != "NORP")
            or (
                len(n.words) >= 2
                and n.ref.label != "PERSON"
                and (
                    fold(n.words[-1]) in lasts
                    and len(n.words) <= 3
                    and (
                        fold(n.words[0]) in firsts
                        or any(spelling_variant(fold(n.words[0]), f) for f in firsts)
                    )
                )
            )
        ):
            n.ref.label = "PERSON"
        elif n.ref.label == "PERSON" and single:
            v = votes.get(org_key(key), Counter())
            other = [(c, lab) for lab, c in v.items() if lab != "PERSON"]
            if is_media(key):
                n.ref.label = "ORG"
            elif key in PLACE_NAMES:
                n.ref.label = "GPE"
            elif other and max(other)[0] > v.get("PERSON", 0):
                n.ref.label = max(other)[1]
            elif not n.honorific and key not in firsts and key in company_words:
                n.ref.label = "ORG"  # "Santander" beside "Banco Santander SA"


def _cluster_people(names: list[_Name], next_id: int) -> int:
    people = [n for n in names if n.ref.label == "PERSON"]
    # "Juan Miguel" after "Juan Miguel Gonzalez": the given names of one longer name are it.
    longer: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    # Each longer name's words as first written, looked up by key: read before any is
    # replaced below (a replaced name is no longer found under its key).
    words_of: dict[tuple[str, ...], list[str]] = {}
    for n in people:
        if len(n.words) >= 3:
            key = tuple(fold(w) for w in n.words)
            longer.setdefault(key[:-1], set()).add(key)
            words_of.setdefault(key, n.words)
    for n in people:
        owners = longer.get(tuple(fold(w) for w in n.words), set()) if len(n.words) >= 2 else set()
        if len(owners) == 1:
            n.words = words_of[next(iter(owners))]
    full: list[tuple[str, str, int]] = []  # (first, last, cluster)
    # The same, by surname, and the (first, last) pairs: one lookup per name, not a pass over
    # every name before it (50,000 names took minutes).
    full_by_last: dict[str, list[tuple[str, int]]] = {}
    full_pairs: set[tuple[str, str]] = set()
    for n in people:
        if len(n.words) < 2:
            continue
        first, last = fold(n.words[0]), fold(n.words[-1])
        cid = next(
            (c for f, c in full_by_last.get(last, ()) if spelling_variant(f, first)),
            None,
        )
        new = cid is None or (first, last) not in full_pairs
        if cid is None:
            cid = next_id
            next_id += 1
            n.ref.method = "ner"
        elif new:
            n.ref.method = "spelling-variant"
            n.ref.confidence = CONF_VARIANT
        if new:
            full.append((first, last, cid))  # "Jacqueline" alone then finds "Jacqui Fleming"
            full_by_last.setdefault(last, []).append((first, cid))
            full_pairs.add((first, last))
        n.ref.cluster = cid
    singles: dict[str, int] = {}
    gender_of: dict[int, str] = {}
    for n in people:
        if n.ref.cluster >= 0:
            g = name_gender(n.words, n.honorific)
            if g:
                gender_of.setdefault(n.ref.cluster, g)
    lone = [n for n in people if n.ref.cluster < 0]
    # Gendered forms first ("Mr. Obama" is not Michelle Obama), so that the unmarked "Obama"
    # can then choose between the full names and the person only ever called "Mr. Obama".
    lone.sort(key=lambda n: (not name_gender([], n.honorific), n.ref.lo))
    # People the article calls by their bare first name ("Elian", "Melania") are not the ones
    # it calls by the bare surname their relatives share.
    lasts = {la for _, la, _ in full}
    alone = {fold(" ".join(n.words)) for n in lone if not n.honorific and len(n.words) == 1}
    first_named = {c for f, _, c in full if f in alone and f not in lasts}
    # Clusters by surname and by its every tail after a space ("la == w or ends with ' w'"),
    # and by first name, in order.
    ending: dict[str, list[int]] = {}
    starting: dict[str, list[int]] = {}
    for f, la, c in full:
        ending.setdefault(la, []).append(c)
        for k, ch in enumerate(la):
            if ch == " ":
                ending.setdefault(la[k + 1 :], []).append(c)
        starting.setdefault(f, []).append(c)
    for n in lone:
        w = fold(" ".join(n.words))
        g = name_gender([], n.honorific)
        by_last = list(dict.fromkeys(ending.get(w, ())))
        knight = fold(n.honorific) in ("sir", "dame")
        by_first = list(dict.fromkeys(starting.get(w, ())))
        if knight and by_first:
            by_last = []
        if w in singles and gender_of.get(singles[w]) and not knight:
            by_last.append(singles[w])
        cands, conf, method = (
            (by_last, CONF_SURNAME, "surname")
            if by_last
            else (by_first, CONF_KNIGHT_FIRST_NAME if knight else CONF_FIRST_NAME, "first-name")
        )
        if g:
            cands = [c for c in cands if gender_of.get(c, g) == g]
        if len(cands) > 1 and method == "surname":
            cands = [c for c in cands if c not in first_named] or cands
        if len(cands) > 1:
            # Relatives sharing a surname: news calls the story's main bearer by the bare
            # surname and the others by first or full name ("Ivanka Trump" ... "Trump said"),
            # so it goes to the one the article introduced first, or to the one it only ever
            # calls "Mr. Obama" when the full name it gives is a relative's.
            single = singles.get(w)
            cands = [single if single in cands else min(cands)]
            conf, method = CONF_SURNAME_AMBIGUOUS, method + "-ambiguous"
        if cands:
            n.ref.cluster = cands[0]
            n.ref.confidence = conf
            n.ref.method = method
        else:
            if w not in singles:
                singles[w] = next_id
                next_id += 1
                if g:
                    gender_of[singles[w]] = g
            n.ref.cluster = singles[w]
            n.ref.method = "ner"
    return next_id


def _cluster_others(names: list[_Name], next_id: int, doc: Doc | None = None) -> int:
    keys: dict[str, int] = {}
    for n in names:
        if n.ref.label == "PERSON":
            continue
        key = org_key(" ".join(n.words))
        cid = keys.get(key)
        if cid is None:
            cid = keys[key] = next_id
            next_id += 1
        n.ref.cluster = cid
        n.ref.confidence = CONF_ORG
    if doc is not None:
        _merge_org_aliases(doc, names)
    _merge_short_org_names(names)
    return next_id


def _drop_products(names: list[_Name]) -> None:
    """Products and models the tagger named ("F-16", "iPhone 16") are nobody: a cluster of
    product names with model numbers only is dropped; other product names stay (as OTHER, or
    with the organisation whose cluster they joined)."""
    kinds: dict[int, set[str]] = {}
    for n in names:
        kinds.setdefault(n.ref.cluster, set()).add(n.ref.label)
        # The tagger also calls company names products ("Maersk", "Banco Santander's"): only
        # a name with a model number in it ("F-16", "iPhone 16") is surely a product.
        if not any(c.isdigit() for c in n.ref.text):
            kinds[n.ref.cluster].add("OTHER")
    names[:] = [n for n in names if kinds[n.ref.cluster] != {"PRODUCT"}]
    for n in names:
        if n.ref.label == "PRODUCT":
            n.ref.label = "OTHER"


def _merge_org_aliases(doc: Doc, names: list[_Name]) -> None:
    """An organisation's acronym and shorter forms are the organisation, wherever in the article
    they come: the acronym a name defines in brackets, the initials of a multi-word name (with
    or without its legal form: "British Telecommunications plc" is "BT" and "BTP"), and its name
    without legal form and descriptors ("BT Group plc" is "BT"). A form two organisations of the
    article could go by joins neither. The short form takes the organisation's type: the tagger
    calls "BT" a place and "Santander" a person."""
    defined: dict[str, set[int]] = {}
    initials: dict[str, set[int]] = {}
    shorter: dict[str, set[int]] = {}
    for n in names:
        if n.ref.label not in ("ORG", "OTHER") or len(n.words) < 2:
            continue
        text = " ".join(n.words)
        acr = defined_acronym(doc, n.ref.hi)
        if acr:
            defined.setdefault(fold(acr), set()).add(n.ref.cluster)
        for a in org_initials(text):
            initials.setdefault(a, set()).add(n.ref.cluster)
        for form in org_short_forms(text):
            shorter.setdefault(org_key(form), set()).add(n.ref.cluster)
    if not (defined or initials or shorter):
        return
    moved: dict[int, int] = {}
    for n in names:
        if n.ref.label == "PERSON" or n.ref.cluster in moved:
            continue
        text = " ".join(n.words)
        key = org_key(text)
        capitals = len(n.words) == 1 and text.isupper() and text.isalpha()
        targets: set[int] = set()
        for table, ok in ((defined, capitals), (shorter, True), (initials, capitals)):
            if ok and not targets:
                targets = table.get(key if table is shorter else fold(text), set())
        targets = targets - {n.ref.cluster}
        if len(targets) == 1:
            moved[n.ref.cluster] = next(iter(targets))
    if not moved:
        return

    def root(c: int) -> int:
        seen = set()
        while c in moved and c not in seen:
            seen.add(c)
            c = moved[c]
        return c

    for n in names:
        if n.ref.label != "PERSON" and n.ref.cluster in moved:
            n.ref.cluster = root(n.ref.cluster)
            n.ref.label = "ORG"


def _merge_short_org_names(names: list[_Name]) -> None:
    """ "Paribas" after "Cie. Financiere de Paribas", "Navigation Mixte" after "Cie. de Navigation
    Mixte", "Fox" after "Fox News": a shorter organisation name that opens or closes exactly one
    longer organisation name of the article is that organisation."""
    edges: dict[tuple[str, ...], set[int]] = {}
    for n in names:
        if n.ref.label != "ORG":
            continue
        words = tuple(org_key(" ".join(n.words)).split(" "))
        for k in range(1, len(words)):
            for part in (words[:k], words[k:]):
                if len(part) > 1 or len(part[0]) > 2:
                    edges.setdefault(part, set()).add(n.ref.cluster)
    if not edges:
        return
    moved: dict[int, int] = {}
    for n in names:
        if n.ref.label in ("PERSON", "GPE", "NORP"):
            continue
        targets = edges.get(tuple(org_key(" ".join(n.words)).split(" ")), set()) - {n.ref.cluster}
        if len(targets) == 1:
            moved.setdefault(n.ref.cluster, next(iter(targets)))
    for n in names:
        if n.ref.cluster in moved and n.ref.label != "PERSON":
            n.ref.cluster = moved[n.ref.cluster]
            n.ref.label = "ORG"


def _display(n: _Name) -> str:
    return " ".join(n.words)


def _party_near(doc: Doc, lo: int) -> str:
    j = lo - 1
    if j >= 1 and doc[j].text in _POSSESSIVE:
        j -= 1
    if j >= 0 and doc[j].ent_type_ in ("NORP", "ORG"):
        low = doc[j].lower_
        for stem in ("republican", "democrat", "labour", "conservative", "tory", "liberal"):
            if low.startswith(stem[:5]):
                return stem
    return ""


def doc_entities(doc: Doc) -> ArticleEntities:
    """`article_entities`, made once per Doc (``Doc._.entities``)."""
    ents: ArticleEntities = cached(doc, "entities", lambda: article_entities(doc))
    return ents


def article_entities(doc: Doc) -> ArticleEntities:
    quoted = doc_quoted_tokens(doc)
    sents = list(doc.sents)
    sent_of = [0] * len(doc)
    sent_key: list[str] = []
    for k, s in enumerate(sents):
        sent_key.append(s.text.strip())
        for t in s:
            sent_of[t.i] = k
    names = _collect_names(doc, quoted, sent_of)
    _trim_headline_names(doc, names)
    _trim_surname_tails(doc, names)
    _relabel(names)
    next_id = _cluster_people(names, 0)
    next_id = _cluster_others(names, next_id, doc)
    _drop_products(names)

    infos: dict[int, ClusterInfo] = {}
    for n in names:
        info = infos.setdefault(n.ref.cluster, ClusterInfo(id=n.ref.cluster, label=n.ref.label,
                                                           name=""))  # fmt: skip
        info.count += 1
    labels: dict[int, Counter[str]] = {}
    for n in names:
        labels.setdefault(n.ref.cluster, Counter())[n.ref.label] += 1
    for cid, cnt in labels.items():
        infos[cid].label = "PERSON" if cnt.get("PERSON") else cnt.most_common(1)[0][0]
    for n in names:
        info = infos[n.ref.cluster]
        n.ref.label = info.label
        if info.label == "PERSON":
            g = name_gender(n.words if len(n.words) > 1 else [], n.honorific)
            if g and not info.gender:
                info.gender = g
            p = _party_near(doc, n.ref.lo)
            if p and not info.party:
                info.party = p

    # Roles, and the tokens they cover (not role nouns of their own).
    taken = [False] * len(doc)
    for n in names:
        if n.ref.label not in ("PERSON", "ORG"):
            continue  # "the Republican nominee" holds a NORP name and is still a role noun
        for k in range(n.ref.lo, n.ref.hi):
            taken[k] = True
    roles: list[RoleMention] = []
    char_to_tok = {idx: i for i, idx in enumerate(token_starts(doc))}
    for n in names:
        if n.ref.label != "PERSON":
            continue
        for title, start, end, conf, method in find_roles(doc, n.ref.lo, n.ref.hi, n.title_end):
            roles.append(RoleMention(n.ref.cluster, title, start, end, conf, method))
            infos[n.ref.cluster].titles.append(title)
            if not infos[n.ref.cluster].party:
                infos[n.ref.cluster].party = next(
                    (s for s in ("republican", "democrat", "labour", "conservative", "tory")
                     if s[:5] in fold(title)), "")  # fmt: skip
            first_tok = char_to_tok.get(start)
            if first_tok is not None:
                for k in range(first_tok, len(doc)):
                    if doc[k].idx >= end:
                        break
                    taken[k] = True

    # Untyped runs are left to the nominals, which make a run in apposition with a description
    # ("Ofgem, the energy regulator,") or taken by one a name of the description's type; the
    # runs they did not take stay untyped names.
    name_refs = [n.ref for n in names if n.ref.method != UNTAGGED_METHOD]
    nouns = find_role_nouns(doc, taken, quoted, sent_of)
    resolve_role_nouns(doc, nouns, name_refs, infos)
    # A nationality the tagger named is a description's head there ("the Spaniard said").
    described = [False] * len(doc)
    for r in nouns:
        if r.demonym:
            described[r.head] = True
    if len(name_refs) < len(names) or any(described):
        found = [False] * len(doc)
        for r in nouns:
            if r.kind == "name":
                for k in range(r.lo, r.hi):
                    found[k] = True
        names = [
            n
            for n in names
            if not (n.ref.method == UNTAGGED_METHOD and any(found[n.ref.lo : n.ref.hi]))
            and not (n.ref.label == "NORP" and any(described[n.ref.lo : n.ref.hi]))
        ]
    name_refs = [n.ref for n in names]
    unresolved: dict[str, int] = {}
    for rn in nouns:
        if rn.cluster >= 0:
            continue
        if rn.role_key not in unresolved:
            unresolved[rn.role_key] = next_id
            infos[next_id] = ClusterInfo(id=next_id, label="PERSON", name=rn.text)
            next_id += 1
        rn.cluster = unresolved[rn.role_key]
        rn.confidence = CONF_UNRESOLVED_ROLE
        rn.method = "unresolved"
    for rn in nouns:
        infos[rn.cluster].count += 1
        if rn.method in ("title-match", "salience"):
            # "The prime minister said": the article gives the person this role.
            title = rn.text.strip()
            for det in ("the ", "The ", "THE "):
                title = title.removeprefix(det)
            roles.append(
                RoleMention(rn.cluster, title, rn.start, rn.end, rn.confidence, "role-noun")
            )
    pronouns = resolve_pronouns(doc, [*name_refs, *nouns], infos, quoted, sent_of, sent_key)
    return _assemble(names, nouns, pronouns, roles, infos)


def _assemble(
    names: list[_Name],
    nouns: list[Ref],
    pronouns: list[Ref],
    roles: list[RoleMention],
    infos: dict[int, ClusterInfo],
) -> ArticleEntities:
    refs = sorted([*(n.ref for n in names), *nouns, *pronouns], key=lambda r: (r.start, r.end))
    first: dict[int, int] = {}
    for r in refs:
        first.setdefault(r.cluster, r.start)
    order = sorted(first, key=lambda c: (first[c], c))
    new_id = {old: new for new, old in enumerate(order)}
    by_cluster: dict[int, list[_Name]] = {}
    for n in names:
        by_cluster.setdefault(n.ref.cluster, []).append(n)
    clusters: list[Cluster] = []
    for old in order:
        info = infos[old]
        members = by_cluster.get(old, [])
        # Its names are its aliases; its descriptions ("the party", "his running mate") stay
        # mentions, unless it has no name at all (a role no one named holds).
        own = [r for r in refs if r.cluster == old and r.kind != "pronoun"]
        named = [r for r in own if r.kind == "name"] or own
        aliases = sorted({clean_surface(r.text) for r in named})
        if members:
            counts = Counter(_display(n) for n in members)
            name = max(counts, key=lambda s: (len(s.split(" ")), counts[s], -len(s), s))
            if info.label != "PERSON":
                surf = Counter(_org_display(n.ref.text) for n in members)
                name = max(surf, key=lambda s: (len(s.split(" ")), surf[s], s))
        else:
            name = clean_surface(info.name)
        media = info.label != "PERSON" or len(members[0].words if members else []) == 1
        media = (
            media
            and any(is_media(a) for a in aliases)
            and not any(len(n.words) > 1 and n.ref.label == "PERSON" for n in members)
        )
        clusters.append(
            Cluster(
                id=new_id[old],
                name=name,
                type="ORG" if media else info.label,
                aliases=tuple(aliases),
                media=media,
            )
        )
    ctype = {c.id: c.type for c in clusters}
    mentions = tuple(
        Mention(
            start=r.start,
            end=r.end,
            text=r.text,
            label=ctype[new_id[r.cluster]],
            cluster=new_id[r.cluster],
            kind=r.kind,
            confidence=round(r.confidence, 3),
            method=r.method,
        )
        for r in refs
    )
    out_roles = tuple(
        sorted(
            (
                RoleMention(new_id[r.cluster], r.title, r.start, r.end, r.confidence, r.method)
                for r in roles
                if r.cluster in new_id
            ),
            key=lambda r: (r.start, r.end, r.cluster, r.title),
        )
    )
    return ArticleEntities(clusters=tuple(clusters), mentions=mentions, roles=out_roles)


def _org_display(text: str) -> str:
    t = clean_surface(text)
    if t.lower().startswith("the "):
        t = t[4:]
    return t
