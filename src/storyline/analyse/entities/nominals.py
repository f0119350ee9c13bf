"""Nominal mentions ("the company", "the Dutch airline", "the regulator", "the 45-year-old",
"the chief executive") linked to the named entity they stand for, within one article.

A nominal is a definite singular noun phrase whose head noun names a kind of organisation or
person. It is linked, by rules, to an entity the article has already named:

- apposition first: "KLM, the Dutch airline," is KLM, whatever the noun;
- then the descriptors the article gives each entity: nouns in apposition to, in front of, or
  predicated of its name ("oil giant Shell", "Shell is an energy company"), words of the name
  itself ("Barclays Bank", "... plc"), nouns of the roles stated for a person ("chief executive
  of Shell"), a person's age ("Smith, 45,") and gender; each linked nominal teaches its head
  noun to the entity for the nominals after it;
- a head noun fits an entity whose descriptors hold it, or a sibling of its family (a lender is
  a business, like a bank); a descriptor of another family rules the entity out (the
  regulator is not the company it fines);
- among the entities that fit, the most salient recent one (mention count, sentence distance,
  subject position), never a co-argument of the nominal's own verb.

A nominal no named entity fits is still a mention of a person or organisation: it keeps a
cluster of its own with method "unresolved" (as a role noun no one holds does), so
`storyline annotate` lists it with no entity; the corpus step (`storyline.link.corpus`) leaves
such clusters out, so no nameless "company" entity reaches the dossier, and the dossier's
article mentions hold only mentions of its entities.

The word lists below are the one home of what kind of thing a common noun names; the role
nouns the title resolver reads (`coref.ROLE_NOUN_HEADS`) are its, not repeated here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storyline.analyse.entities.coref import (
    ROLE_NOUN_HEADS,
    ClusterInfo,
    Ref,
    _excluded_by_clause,
    _verb_of,
    span_ref,
)
from storyline.analyse.entities.names import (
    FEMALE_NAMES,
    MALE_NAMES,
    NAME_OFFICE_TITLES,
    PLACE_NAMES,
    is_media,
)
from storyline.analyse.entities.roles import ROLE_HEADS, TITLE_MODIFIERS, title_key
from storyline.analyse.lang.quotemarks import doc_quoted_tokens
from storyline.analyse.lang.tokens import tokens_where
from storyline.analyse.lang.words import COURTESY_TITLES, fold, word_set

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "NOMINAL_KIND",
    "ORG_FAMILIES",
    "PERSON_NOUNS",
    "UNLINKED_METHOD",
    "find_nominals",
    "head_family",
    "is_unlinked",
    "resolve_nominals",
]

NOMINAL_KIND = "nominal"

# What kind of organisation a head noun names. A noun may sit in several families ("group").
ORG_FAMILIES: dict[str, frozenset[str]] = {
    "business": word_set(
        """
        company firm business group corporation conglomerate giant concern multinational
        startup start-up maker manufacturer producer carmaker automaker chipmaker drugmaker
        retailer supermarket grocer chain supplier provider operator carrier airline bank
        lender insurer broker brokerage fund developer builder housebuilder miner
        brewer utility telecom telco platform exchange publisher studio label brand
        subsidiary venture consortium airliner shipper refiner exporter importer distributor
        outfit service
        """
    ),
    "public": word_set(
        """
        regulator watchdog agency authority commission ministry department council court
        administration force police constabulary office
        tribunal committee parliament legislature senate congress inspectorate ombudsman
        body service
        """
    ),
    "civic": word_set(
        """
        union party charity organisation organization association federation league club
        team side squad campaign movement coalition alliance group foundation trust
        institute university college school hospital think-tank church body
        """
    ),
    "media": word_set(
        """
        newspaper paper broadcaster magazine channel outlet network station publication
        tabloid
        """
    ),
}
ORG_HEADS = frozenset().union(*ORG_FAMILIES.values())
# Heads that say only "an organisation" of their family: they fit any organisation of the
# family, and one whose descriptors the article never states.
GENERIC_ORG_HEADS = word_set(
    "company firm business group organisation organization body giant concern conglomerate"
    " multinational outfit venture service"
)
# Specific heads that name one kind of organisation; a head fits an entity the article called
# by a head of its own kind ("the lender" after "the bank"), and not one it called by another
# specific kind ("the bank" is not the airline). A head in no line is a kind of its own.
_KIND_LINES = """
bank lender
airline carrier airliner
insurer underwriter
carmaker automaker manufacturer maker producer
retailer supermarket grocer chain
utility supplier provider
telecom telco operator
broker brokerage
developer builder housebuilder
regulator watchdog authority inspectorate ombudsman agency administration commission
ministry department
court tribunal
union association federation
force police constabulary
parliament legislature senate congress
charity foundation trust
club team side squad
university college school institute
newspaper paper tabloid publication magazine
broadcaster channel network station outlet
"""
ORG_KINDS: dict[str, frozenset[str]] = {
    w: line for line in map(word_set, _KIND_LINES.strip().splitlines()) for w in line
}
# Words of an organisation's name that tell its family ("Shell plc", "Ford Motor Co").
BUSINESS_NAME_WORDS = word_set(
    "inc inc. corp corp. corporation co co. ltd ltd. plc llc ag sa s.a. nv n.v. se holdings"
)
# People described, not titled: they fit by gender, age and salience alone.
PERSON_NOUNS = word_set(
    """
    man woman boy girl teenager teen child baby pensioner father mother husband wife son
    daughter brother sister grandfather grandmother grandmother widow widower victim suspect
    defendant accused driver passenger pilot actor actress singer star rapper musician
    player striker midfielder defender goalkeeper coach manager billionaire tycoon
    entrepreneur investor banker trader boss owner athlete runner champion veteran student
    teacher doctor nurse officer soldier resident customer worker employee accountant
    servant engineer farmer footballer cricketer golfer boxer cyclist swimmer jockey
    politician academic researcher chef artist author novelist poet filmmaker comedian
    dancer designer architect surgeon dentist pharmacist solicitor barrister
    banker landlord tenant shopkeeper retiree grandparent parent pupil graduate
    entertainer presenter musician guitarist drummer singer-songwriter dutchman
    frenchman englishman scotsman welshman irishman briton scot spaniard swede dane
    winger forward referee keeper full-back centre-back
    """
)
# ROLE_HEADS hold the job words (the title resolver takes those it lists itself); the
# descriptive and vague ones need the article to have given the job to someone.
PERSON_HEADS = (
    (ROLE_HEADS | PERSON_NOUNS)
    - ROLE_NOUN_HEADS
    - word_set("democrat republican conservative tory mate lady rival peer")
)
MALE_NOUNS = word_set(
    "man boy father husband son brother grandfather widower actor businessman king prince"
    " chairman spokesman congressman"
)
FEMALE_NOUNS = word_set(
    "woman girl mother wife daughter sister grandmother widow actress businesswoman queen"
    " princess chairwoman spokeswoman congresswoman"
)
# Modifiers that make a description pick out a new or different referent, not a known one.
POSSESSIVE_DETERMINERS = word_set("its his her their")
NEW_REFERENT_MODIFIERS = word_set(
    "other another same only next previous last first second third such whole entire new"
    " latest average typical"
)
_AGE = re.compile(r"(\d{1,3})-year-old")

MAX_PREMODIFIERS = 7  # words between the determiner and the head ("a 34-year-old nurse")
MAX_BACK_SENTENCES = 8  # an entity last named further back fits only when named twice
CONF_APPOS = 0.9
CONF_UNCOVERED = 0.8
CONF_UNLINKED = 0.3
UNLINKED_METHOD = "unresolved"  # the entity layer's word for a description no one holds
# Clusters of uncovered names are numbered from here: the entity layer numbers its own from
# zero, before and after this module runs, and renumbers all of them at the end.
UNCOVERED_CLUSTER_BASE = 1_000_000
# Candidates not yet names (`_loose_subjects`) hold provisional ids at and below this one.
LOOSE_CLUSTER_BASE = -1_000
PENALTY_LOOSE = 0.15  # a word the tagger did not call a name is a weaker antecedent
MAX_LOOSE_BACK_SENTENCES = 2
MAX_LOOSE_CANDIDATES = 8  # the unnamed subjects just before a nominal that it may take
MAX_SCAN_MENTIONS = 120  # mentions before a nominal that salience reads
# Words that make a capitalised run a person's name or title, not an organisation's.
PERSON_WORDS = (
    MALE_NAMES | FEMALE_NAMES | ROLE_HEADS | TITLE_MODIFIERS | COURTESY_TITLES | NAME_OFFICE_TITLES
)
CONF_DESCRIPTOR = 0.8
CONF_FAMILY = 0.7
CONF_SALIENCE = 0.55
BONUS_DESCRIPTOR = 2.0
BONUS_FAMILY = 1.0
WEIGHT_DISTANCE = 0.35
WEIGHT_COUNT = 0.3
COUNT_CAP = 6
PENALTY_NOT_SUBJECT = 0.3
# A described person ("the man") is someone just named; further back it is someone new.
MAX_PERSON_BACK_SENTENCES = 3
UNDESCRIBED = "undescribed"
# Kinds a story calls the body it names by ("Chelsea ... the club", "Labour ... the party"),
# unlike the third parties it often leaves unnamed ("the union", "the regulator", "the court"):
# only these take an organisation the article never describes.
OWN_KIND_HEADS = word_set(
    "club team side squad party force police constabulary university college institute"
    " school hospital charity"
)
UNDESCRIBED_BACK_SENTENCES = 2


def is_unlinked(kind: str, method: str) -> bool:
    """Is this entity-layer mention a nominal no named entity took?"""
    return kind == NOMINAL_KIND and method == UNLINKED_METHOD


def head_family(head: str) -> frozenset[str]:
    """The organisation families a head noun belongs to (empty: not an organisation noun)."""
    return frozenset(f for f, words in ORG_FAMILIES.items() if head in words)


@dataclass(slots=True)
class _Profile:
    """What the article says a cluster is."""

    heads: set[str] = field(default_factory=set)
    families: set[str] = field(default_factory=set)
    ages: set[str] = field(default_factory=set)

    def learn(self, head: str) -> None:
        self.heads.add(head)
        fam = head_family(head)
        # "group" says nothing about which family; a specific head does.
        if head not in GENERIC_ORG_HEADS:
            self.families |= fam
        elif head == "company" or head == "firm":
            self.families.add("business")


def _singular(word: str) -> str:
    low = fold(word)
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith("s") and not low.endswith("ss") and low[:-1] in ORG_HEADS:
        return low[:-1]
    return low


_PREMODIFIER_POS = frozenset({"ADJ", "NOUN", "PROPN", "NUM"})


def _np_head(doc: Doc, i: int) -> int | None:
    """The head noun of the noun phrase the determiner at i opens, read off the words (the
    last noun of its run of modifiers) rather than the parse, which the small model gets wrong
    often enough ("The agency capped production" as one phrase)."""
    head = None
    k = i + 1
    while k < len(doc) and k - i <= MAX_PREMODIFIERS + 1:
        t = doc[k]
        # "the newly married man", "the injured driver": adverbs and participles qualify a
        # noun still to come, never one already read ("the man arrested yesterday").
        participle = head is None and (t.pos_ == "ADV" or t.tag_ in ("VBN", "VBG"))
        if (t.pos_ not in _PREMODIFIER_POS and t.tag_ != "HYPH" and not participle) or "\n" in doc[
            k - 1
        ].text_with_ws:
            break
        if t.pos_ == "PROPN" and head is not None:
            return None  # "the airline KLM": the noun qualifies a name
        if t.pos_ == "NOUN":
            head = k
        k += 1
    return head


def _demonym_head(doc: Doc, i: int) -> int | None:
    """ "the Spaniard", "the Italian": a nationality the tagger named, right after the
    determiner and closing the phrase, is a person's description (not "the Italian club")."""
    k = i + 1
    if k >= len(doc) or doc[k].ent_type_ != "NORP" or doc[k].tag_ != "NNP":
        return None
    nxt = doc[k + 1] if k + 1 < len(doc) else None
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "ADJ"):
        return None
    return k


def _age_nominal(doc: Doc, i: int) -> tuple[int, str] | None:
    """ "the 45-year-old" read at its "the": (index of "old", age), when no noun follows."""
    j = i + 1
    if j + 4 >= len(doc):
        return None
    piece = "".join(doc[k].text for k in range(j, j + 5))
    m = _AGE.fullmatch(piece)
    if m is None:
        return None
    nxt = doc[j + 5] if j + 5 < len(doc) else None
    if nxt is not None and (
        nxt.pos_ == "PROPN" or (nxt.pos_ == "NOUN" and fold(nxt.text) in PERSON_HEADS)
    ):
        return None  # "the 45-year-old teacher": the teacher is the head
    return j + 4, m.group(1)


def find_nominals(
    doc: Doc, taken: list[bool], quoted: list[bool], sent_of: list[int], known: list[Ref]
) -> list[Ref]:
    """Definite singular descriptions headed by an organisation or person noun, outside names,
    stated roles and the role nouns already found (``known``)."""
    busy = [False] * len(doc)
    for r in known:
        for k in range(r.lo, r.hi):
            busy[k] = True
    out: list[Ref] = []
    for det in doc:
        low = det.lower_
        poss = low in POSSESSIVE_DETERMINERS and det.dep_ == "poss"
        if not poss and (low not in ("the", "this", "that", "a", "an") or det.dep_ != "det"):
            continue
        age = _age_nominal(doc, det.i) if low in ("the", "a") else None
        if age is not None:
            head_i, years = age
            head = doc[head_i]
            key = f"{years}-year-old"
            label = "PERSON"
            demonym = False
        else:
            found = _np_head(doc, det.i)
            if found is None:
                found = _demonym_head(doc, det.i)
            if found is None:
                continue
            head = doc[found]
            demonym = (
                head.tag_ == "NNP"
                and head.ent_type_ == "NORP"
                and low in ("the", "a", "an")
                and head.dep_ not in ("compound", "amod")
            )
            if head.tag_ != "NN" and not demonym:
                continue  # plurals and mass uses ("the companies") are groups, not one entity
            key = org_head(fold(head.text))
            label = "ORG" if key in ORG_HEADS else "PERSON"
        # "Michael O'Leary, the chief executive,", "Smith, a teacher,": in apposition to a
        # name, any description (a stated role too, definite or not) is that entity's. A
        # capitalised word the tagger missed counts ("Ofgem, the energy regulator,").
        appos = _beside_name(head, taken) or _beside_propn(doc, head, taken, quoted) is not None
        if poss and not appos:
            continue  # "its chief executive" elsewhere is whoever "its" is
        if appos:
            if age is None and not {key} & (ORG_HEADS | PERSON_HEADS | ROLE_HEADS):
                continue
        elif low in ("a", "an") or (
            age is None and key not in ORG_HEADS and key not in PERSON_HEADS and not demonym
        ):
            continue
        elif age is None and (
            head.dep_ in ("compound", "attr", "acomp")
            or (head.dep_ == "npadvmod" and head.head.pos_ == "ADJ")
        ):
            continue  # a modifier ("the company car") or a predicate ("is the company")
        span = range(det.i, head.i + 1)
        if any(busy[k] or (taken[k] and not appos) for k in span):
            continue
        if any(doc[k].ent_type_ in ("PERSON", "ORG") for k in span):
            continue  # "a Trump ally": the name inside is a mention of its own
        if (
            age is None
            and not appos
            and any(
                doc[k].tag_ in ("JJS", "RBS")
                or doc[k].ent_type_ == "ORDINAL"
                or fold(doc[k].text) in NEW_REFERENT_MODIFIERS
                or doc[k].text in ("'s", "’s")
                for k in range(det.i + 1, head.i)
            )
        ):
            continue
        if not appos and any(
            c.dep_ in ("relcl", "acl") and not (c.i > 0 and doc[c.i - 1].text == ",")
            for c in head.children
        ):
            # "the company that makes X" introduces an entity; "the company, which" does not.
            continue
        nxt = doc[head.i + 1] if head.i + 1 < len(doc) else None
        if nxt is not None and nxt.ent_type_ == "PERSON":
            continue  # "the chief executive John Smith": a title, read by the role reader
        sent = sent_of[head.i]
        ref = span_ref(
            doc, det.i, head.i + 1, head.i, label, NOMINAL_KIND, sent, quoted[head.i], key
        )
        ref.demonym = demonym
        out.append(ref)
    out.extend(_bare_police(doc, taken, busy, quoted, sent_of))
    out.sort(key=lambda r: r.lo)
    return out


def _bare_police(
    doc: Doc, taken: list[bool], busy: list[bool], quoted: list[bool], sent_of: list[int]
) -> list[Ref]:
    """ "Police said", "told police": the bare noun stands for the force the article names, a
    nominal of head "police" ("police custody", "police officers" are modifiers, not it)."""
    out: list[Ref] = []
    for i in tokens_where(doc, "LOWER", "police".__eq__):
        t = doc[i]
        if taken[i] or busy[i] or t.ent_type_ in ("ORG", "PERSON"):
            continue
        if t.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "conj"):
            continue
        if any(c.dep_ in ("det", "poss", "compound", "amod") for c in t.children):
            continue  # "the police" is read as a description; "Thames Valley police" a name
        out.append(span_ref(doc, i, i + 1, i, "ORG", NOMINAL_KIND, sent_of[i], quoted[i], "police"))
    return out


def org_head(word: str) -> str:
    """The organisation head a noun is read as: itself, or "maker" for the compounds the press
    makes at will ("planemaker", "chipmaker", "toymaker")."""
    if word not in ORG_HEADS and word.endswith("maker") and len(word) > len("maker") + 2:
        return "maker"
    return word


def _propn_run(doc: Doc, i: int, taken: list[bool]) -> tuple[int, int] | None:
    """The run of capitalised proper nouns around token i, none of them in a name already."""

    def ok(k: int) -> bool:
        t = doc[k]
        return t.pos_ == "PROPN" and t.text[:1].isupper() and not taken[k] and not t.is_space

    if not ok(i):
        return None
    lo, hi = i, i + 1
    while lo > 0 and ok(lo - 1) and "\n" not in doc[lo - 1].text_with_ws:
        lo -= 1
    while hi < len(doc) and ok(hi) and "\n" not in doc[hi - 1].text_with_ws:
        hi += 1
    return lo, hi


def _beside_propn(
    doc: Doc, head: Token, taken: list[bool], quoted: list[bool]
) -> tuple[int, int] | None:
    """A proper-noun run outside every name, in apposition with the noun: the tagger missed a
    name the description says is an organisation or a person."""
    partners = [c.i for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "appos":
        partners.append(head.head.i)
    for i in partners:
        if quoted[i] or abs(i - head.i) > MAX_PREMODIFIERS + 2:
            continue
        run = _propn_run(doc, i, taken)
        if run is not None and doc[run[0] : run[1]].root.i == i:
            return run
    return None


def _beside_name(head: Token, taken: list[bool]) -> bool:
    """Is the noun in apposition with a name ("KLM, the airline," / "the airline, KLM,")?"""
    if head.dep_ == "appos" and taken[head.head.i] and head.head.ent_type_ in ("PERSON", "ORG"):
        return True
    return any(
        c.dep_ == "appos" and taken[c.i] and c.ent_type_ in ("PERSON", "ORG") for c in head.children
    )


def _profiles(doc: Doc, names: list[Ref], clusters: dict[int, ClusterInfo]) -> dict[int, _Profile]:
    """Descriptors of each named cluster, from the text around its names and from its roles."""
    prof: dict[int, _Profile] = {}
    for r in names:
        p = prof.setdefault(r.cluster, _Profile())
        words = r.text.split()
        last = len(words) - 1
        while last > 0 and fold(words[last]) in BUSINESS_NAME_WORDS:
            last -= 1  # "Orland Foods Group plc": the head is "Group"
        for k, w in enumerate(words):
            low = _singular(w.strip(",.()"))
            # The name's head only: its last word or one before "of"/"for" ("University of
            # Edinburgh"), not a word it is about ("Independent Office for Police Conduct").
            is_head = k >= last or fold(words[k + 1]) in ("of", "for")
            if r.label != "PERSON" and low in ORG_HEADS and is_head:
                p.learn(low)
            if r.label != "PERSON" and fold(w) in BUSINESS_NAME_WORDS:
                p.families.add("business")
        root = doc[r.head]
        # "oil giant Shell", "Dutch airline KLM": nouns in front of the name, inside its phrase.
        k = r.lo - 1
        while k >= 0 and r.lo - k <= 3 and doc[k].head.i in range(r.lo, r.hi):
            if doc[k].pos_ == "NOUN":
                p.learn(_singular(doc[k].text))
            k -= 1
        # "the Unite union", "the Tesco chain": the noun the name qualifies.
        if root.dep_ == "compound" and root.head.pos_ == "NOUN" and root.head.i >= r.hi:
            p.learn(_singular(root.head.text))
        # "Shell, the oil company," / "Smith, 45," / "Shell is an energy company".
        related = [c for c in root.children if c.dep_ == "appos"]
        if root.dep_ == "appos":
            related.append(root.head)
        if root.dep_.startswith("nsubj") and root.head.lemma_ == "be":
            related.extend(c for c in root.head.children if c.dep_ == "attr")
        for c in related:
            if c.i in range(r.lo, r.hi):
                continue
            if c.like_num and r.label == "PERSON":
                p.ages.add(c.text)
            elif c.pos_ == "NOUN":
                p.learn(_singular(c.text))
        for m in _AGE.finditer(doc[r.hi : min(len(doc), r.hi + 8)].text):
            if r.label == "PERSON":
                p.ages.add(m.group(1))  # "John Smith, a 45-year-old teacher,"
            break
    for cid, info in clusters.items():
        p = prof.setdefault(cid, _Profile())
        for t in info.titles:
            p.heads.update(title_key(t).split(" "))
    return prof


def _fit(nom: Ref, info: ClusterInfo, p: _Profile) -> tuple[bool, float, str]:
    """Does the cluster fit the nominal's head? (fits, bonus, how)."""
    head = nom.role_key
    if nom.label == "PERSON":
        if info.label != "PERSON":
            return False, 0.0, ""
        gender = "m" if head in MALE_NOUNS else "f" if head in FEMALE_NOUNS else ""
        if gender and info.gender and gender != info.gender:
            return False, 0.0, ""
        age = _AGE.fullmatch(head)
        if age is not None:
            if p.ages:
                ok = age.group(1) in p.ages
                return ok, BONUS_DESCRIPTOR if ok else 0.0, "descriptor"
            return True, 0.0, "salience"
        if head in p.heads:
            return True, BONUS_DESCRIPTOR, "descriptor"
        if head in PERSON_NOUNS or nom.demonym:
            return True, 0.0, "salience"
        return False, 0.0, ""  # a job no one in the article is said to have
    if info.label != "ORG":
        return False, 0.0, ""
    kind = ORG_KINDS.get(head, frozenset({head}))
    if head in p.heads or kind & p.heads:
        return True, BONUS_DESCRIPTOR, "descriptor"
    if head not in GENERIC_ORG_HEADS and any(h not in GENERIC_ORG_HEADS for h in p.heads):
        return False, 0.0, ""  # called a kind of organisation this head is not
    fam = head_family(head)
    if p.families:
        if fam & p.families:
            return True, BONUS_FAMILY, "family"
        return False, 0.0, ""  # another kind of body: the regulator is not the company
    if "business" in fam:
        return True, 0.0, "salience"
    if head in OWN_KIND_HEADS and not p.heads:
        # An organisation the article never describes ("Chelsea", "Labour"): "the club", "the
        # party" may be it, if named just before (UNDESCRIBED_BACK_SENTENCES) and alone.
        return True, 0.0, UNDESCRIBED
    # "the union", "the court", "the council" are as often bodies the article never names:
    # beside a described entity of another kind they take an entity only when the text says so.
    return False, 0.0, ""


def resolve_nominals(
    doc: Doc, nominals: list[Ref], names: list[Ref], clusters: dict[int, ClusterInfo]
) -> list[Ref]:
    """Give each nominal the cluster of the entity it describes (cluster stays -1 when none
    fits); in reading order, so a linked nominal teaches its head to the ones after it.

    Returns the names the nominals uncovered: a proper-noun run the tagger missed, in
    apposition with a description ("Ofgem, the energy regulator,"), is a name of the type the
    description says, with a new cluster in ``clusters``, and so is every later run of the same
    words outside a name."""
    if not nominals:
        return []
    st = _State(doc, names, nominals, clusters)
    prof = _profiles(doc, names, clusters)
    media = {r.cluster for r in names if r.label == "ORG" and is_media(r.text)}
    loose = _loose_subjects(doc, st) if any(n.label == "ORG" for n in nominals) else []
    loose_heads = [r.head for r in loose]
    for nom in sorted(nominals, key=lambda r: r.head):
        head = doc[nom.head]
        appos = _appos_name(head, st.by_tok)
        if appos is None:
            run = _beside_propn(doc, head, st.taken, st.quoted)
            if run is not None:
                appos = st.register(run, nom.label, "nominal-apposition")
        if appos is not None and _appos_fits(nom, appos, clusters[appos.cluster]):
            _link(nom, appos.cluster, CONF_APPOS, "nominal-appos", prof)
        else:
            free: list[Ref] = []
            if nom.label == "ORG":
                k = bisect.bisect_left(loose_heads, nom.head)
                free = [r for r in loose[max(0, k - MAX_LOOSE_CANDIDATES) : k] if not st.covered(r)]
            best = _best(doc, nom, st.before(nom.head), clusters, prof, media, free)
            if best is None:
                continue
            cid, how = best
            if cid <= LOOSE_CLUSTER_BASE:
                run = next((r.lo, r.hi) for r in free if r.cluster == cid)
                named = st.register(run, "ORG", "nominal-subject")
                if named is None:
                    continue
                cid = named.cluster
                prof[cid] = _Profile()
            conf = {"descriptor": CONF_DESCRIPTOR, "family": CONF_FAMILY}.get(how, CONF_SALIENCE)
            _link(nom, cid, conf, f"nominal-{how}", prof)
        st.add(nom)
    _unlinked(nominals, clusters)
    return st.found


class _State:
    """One article's mentions while its nominals are resolved: every lookup a nominal needs
    built once (a text of thousands of nominals must not rebuild them per nominal)."""

    def __init__(
        self, doc: Doc, names: list[Ref], nominals: list[Ref], clusters: dict[int, ClusterInfo]
    ) -> None:
        self.doc = doc
        self.clusters = clusters
        self.by_tok: dict[int, Ref] = {k: r for r in names for k in range(r.lo, r.hi)}
        self.taken = [False] * len(doc)
        for r in [*names, *nominals]:
            for k in range(r.lo, r.hi):
                self.taken[k] = True
        self.quoted = doc_quoted_tokens(doc)
        self.sent_of = [0] * len(doc)
        for n, sent in enumerate(doc.sents):
            for t in sent:
                self.sent_of[t.i] = n
        self.seen: list[Ref] = sorted(names, key=lambda r: r.head)
        self.heads = [r.head for r in self.seen]
        self.found: list[Ref] = []
        self._at: dict[str, list[int]] | None = None

    def add(self, ref: Ref) -> None:
        k = bisect.bisect_right(self.heads, ref.head)
        self.seen.insert(k, ref)
        self.heads.insert(k, ref.head)

    def before(self, head: int) -> list[Ref]:
        """The mentions before the token, the nearest MAX_SCAN_MENTIONS of them: salience is
        read in the stretch of text before a nominal, not in all of a very long one."""
        k = bisect.bisect_left(self.heads, head)
        return self.seen[max(0, k - MAX_SCAN_MENTIONS) : k]

    def covered(self, r: Ref) -> bool:
        return any(k in self.by_tok for k in range(r.lo, r.hi))

    def register(self, run: tuple[int, int], label: str, method: str) -> Ref | None:
        """A new name cluster for the proper-noun run and every run of the same words outside
        a name; its first mention (None when the run is taken meanwhile)."""
        doc = self.doc
        if self._at is None:
            self._at = {}
            for t in doc:
                if t.pos_ == "PROPN":
                    self._at.setdefault(t.text, []).append(t.i)
        words = [t.text for t in doc[run[0] : run[1]]]
        n = len(words)
        cid = UNCOVERED_CLUSTER_BASE + len(self.clusters)
        while cid in self.clusters:
            cid += 1
        first: Ref | None = None
        for i in self._at.get(words[0], []):
            if i + n > len(doc) or any(self.taken[k] for k in range(i, i + n)):
                continue
            if [t.text for t in doc[i : i + n]] != words or _propn_run(doc, i, self.taken) != (
                i,
                i + n,
            ):
                continue  # another word, or part of a longer name
            ref = _span_ref(doc, i, i + n, label, "name", self.sent_of, self.quoted)
            ref.cluster, ref.confidence, ref.method = cid, CONF_UNCOVERED, method
            for k in range(i, i + n):
                self.taken[k] = True
                self.by_tok[k] = ref
            self.found.append(ref)
            self.add(ref)
            first = first or ref
        if first is None:
            return None
        # Its count is the entity layer's to keep: it counts every mention it is handed.
        self.clusters[cid] = ClusterInfo(id=cid, label=label, name=first.text)
        return first


def _unlinked(nominals: list[Ref], clusters: dict[int, ClusterInfo]) -> None:
    """Nominals no named entity fits keep a cluster of their own, one per head noun and type
    in the article ("the union" twice is one union), method "unresolved", as the entity layer
    does for role nouns no one holds: they are mentions of a person or an organisation the
    text never names (`storyline annotate` lists them with no entity; the corpus leaves
    them out, so no nameless entity reaches the dossier)."""
    own: dict[tuple[str, str], int] = {}
    for nom in nominals:
        if nom.cluster >= 0:
            continue
        key = (nom.label, nom.role_key)
        if key not in own:
            cid = UNCOVERED_CLUSTER_BASE + len(clusters)
            while cid in clusters:
                cid += 1
            own[key] = cid
            clusters[cid] = ClusterInfo(id=cid, label=nom.label, name=nom.text)
        nom.cluster, nom.confidence, nom.method = own[key], CONF_UNLINKED, UNLINKED_METHOD


def _loose_subjects(doc: Doc, st: _State) -> list[Ref]:
    """Proper-noun runs the tagger left out of every name that are the subject of a clause
    ("Aviva has agreed to buy Direct Line"): candidates for an organisation nominal, made names
    only when one takes them. Runs that read as a person's or a place's name, or that sit in a
    title-case line, are not."""
    out: list[Ref] = []
    for t in doc:
        if t.dep_ not in ("nsubj", "nsubjpass") or st.quoted[t.i]:
            continue
        run = _propn_run(doc, t.i, st.taken)
        if run is None or doc[run[0] : run[1]].root.i != t.i:
            continue
        toks = doc[run[0] : run[1]]
        if any(x.ent_type_ not in ("", "ORG") for x in toks):
            continue
        if any(fold(x.text) in PERSON_WORDS for x in toks):
            continue  # "Chief Executive Guillaume Faury", "Sarah": a person
        if fold(toks.text) in PLACE_NAMES:
            continue
        words = [w for w in t.sent if w.is_alpha][1:]
        if len(words) >= 3 and sum(w.text[:1].isupper() for w in words) > 0.6 * len(words):
            continue  # a headline in title case: every word is capitalised
        ref = _span_ref(doc, run[0], run[1], "ORG", "name", st.sent_of, st.quoted)
        ref.cluster = LOOSE_CLUSTER_BASE - len(out)
        out.append(ref)
    return out


def _span_ref(
    doc: Doc, lo: int, hi: int, label: str, kind: str, sent_of: list[int], quoted: list[bool]
) -> Ref:
    root = doc[lo:hi].root.i
    return span_ref(doc, lo, hi, root, label, kind, sent_of[root], quoted[root])


def _appos_fits(nom: Ref, name: Ref, info: ClusterInfo) -> bool:
    """An apposition joins a description to its name; the tagger's type of the name may be
    wrong ("Verdi, the services union," as a person), so a description of the other type
    still joins a name right beside it, never one the parser attached from further off
    ("Matt Simmons, founder of Simmons and Co., an oil investment firm")."""
    if info.label not in ("PERSON", "ORG"):
        return False
    if info.label == nom.label:
        return True
    return nom.lo - name.hi <= 2 or name.lo - nom.hi <= 2


def _link(nom: Ref, cid: int, conf: float, method: str, prof: dict[int, _Profile]) -> None:
    nom.cluster, nom.confidence, nom.method = cid, conf, method
    if nom.label == "ORG":
        prof.setdefault(cid, _Profile()).learn(nom.role_key)
    else:
        prof.setdefault(cid, _Profile()).heads.add(nom.role_key)


def _appos_name(head: Token, by_tok: dict[int, Ref]) -> Ref | None:
    """The name this nominal is in apposition with ("KLM, the Dutch airline,", "the airline,
    KLM,")."""
    if head.dep_ == "appos" and head.head.i in by_tok:
        return by_tok[head.head.i]
    for c in head.children:
        if c.dep_ == "appos" and c.i in by_tok:
            return by_tok[c.i]
    return None


def _best(
    doc: Doc,
    nom: Ref,
    seen: list[Ref],
    clusters: dict[int, ClusterInfo],
    prof: dict[int, _Profile],
    media: set[int],
    loose: Sequence[Ref] = (),
) -> tuple[int, str] | None:
    last: dict[int, Ref] = {}
    counts: dict[int, int] = {}
    for r in seen:
        if r.head >= nom.head:
            break
        if r.in_quote and not nom.in_quote:
            continue
        if r.method == "nominal-appos":
            continue  # "Renaissance, a group of local companies,": the name's mention again
        last[r.cluster] = r
        counts[r.cluster] = counts.get(r.cluster, 0) + 1
    unnamed = ClusterInfo(id=LOOSE_CLUSTER_BASE, label="ORG", name="")
    for r in loose:
        if r.head < nom.head and r.sent >= nom.sent - MAX_LOOSE_BACK_SENTENCES:
            last[r.cluster] = r
            counts[r.cluster] = 1
    scored: list[tuple[float, int, str]] = []
    orgs_near = {
        cid
        for cid, r in last.items()
        if nom.sent - r.sent <= UNDESCRIBED_BACK_SENTENCES
        and (clusters[cid].label if cid > LOOSE_CLUSTER_BASE else "ORG") == "ORG"
    }
    for cid, r in last.items():
        info = clusters[cid] if cid > LOOSE_CLUSTER_BASE else unnamed
        if cid in media and "media" not in head_family(nom.role_key):
            continue  # outlets report; "the company" is not the paper that wrote it
        ok, bonus, how = _fit(nom, info, prof.get(cid, _Profile()))
        if not ok:
            continue
        dist = nom.sent - r.sent
        limit = (
            MAX_PERSON_BACK_SENTENCES
            if how == "salience" and nom.label == "PERSON"
            else UNDESCRIBED_BACK_SENTENCES
            if how == UNDESCRIBED
            else MAX_BACK_SENTENCES
        )
        if r.sent == nom.sent and (
            _excluded_by_clause(doc, nom.head, r.head)
            if nom.label == "PERSON"
            else _verb_of(doc[nom.head]).i == _verb_of(doc[r.head]).i
        ):
            continue  # "Shell sued the company": co-arguments are two
        count = counts.get(cid, 1)
        if dist > limit and (count < 2 or nom.label == "PERSON"):
            continue
        cost = WEIGHT_DISTANCE * dist - WEIGHT_COUNT * min(count, COUNT_CAP) - bonus
        if not r.subject:
            cost += PENALTY_NOT_SUBJECT
        if cid <= LOOSE_CLUSTER_BASE:
            cost += PENALTY_LOOSE
        scored.append((cost, cid, how))
    if not scored:
        return None
    scored.sort()
    if scored[0][2] == UNDESCRIBED and len(orgs_near) > 1:
        return None  # an undescribed body takes "the club" only when it is the one named near
    if (
        len(scored) > 1
        and scored[0][2] in ("salience", UNDESCRIBED)
        and scored[1][0] - scored[0][0] < 0.1
    ):
        return None  # two entities fit equally and nothing the text says tells them apart
    return scored[0][1], scored[0][2]
