"""Roles of named people, read off the words around a name.

Three places the press puts a job: before the name ("Shadow Commons leader Chris Philp",
"Labour MP Ruth Cadbury", "Senator James Risch"), in an apposition after it ("David Lammy, the
shadow foreign secretary,", "Sofia Patel, director of operations for Labour") and in an
apposition before it ("the foreign secretary, David Lammy,"). Nothing here knows who holds an
office: titles are only taken from the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storyline.analyse.entities.names import ROLE_HONORIFICS, fold

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["ROLE_HEADS", "TITLE_MODIFIERS", "find_roles", "role_head", "title_key"]

MAX_PREMOD_TOKENS = 6
MAX_APPOS_TOKENS = 10
CONF_HONORIFIC = 0.9
CONF_PREMOD = 0.85
CONF_APPOS = 0.8
CONF_APPOS_BEFORE = 0.7

# Nouns that end a job title or a standing description of a person.
ROLE_HEADS = frozenset(
    [
        "minister",
        "secretary",
        "chancellor",
        "leader",
        "mp",
        "mps",
        "senator",
        "president",
        "president-elect",
        "vice-president",
        "nominee",
        "candidate",
        "adviser",
        "advisor",
        "ally",
        "acolyte",
        "director",
        "manager",
        "chief",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "governor",
        "mayor",
        "chair",
        "chairman",
        "chairwoman",
        "ambassador",
        "commissioner",
        "strategist",
        "aide",
        "official",
        "deputy",
        "speaker",
        "representative",
        "congressman",
        "congresswoman",
        "lawmaker",
        "whip",
        "founder",
        "ceo",
        "executive",
        "head",
        "secretary-general",
        "premier",
        "judge",
        "attorney",
        "lawyer",
        "pollster",
        "economist",
        "professor",
        "editor",
        "correspondent",
        "host",
        "donor",
        "fundraiser",
        "staffer",
        "consultant",
        "mate",
        "chairperson",
        "treasurer",
        "organiser",
        "organizer",
        "coordinator",
        "surrogate",
        "confidant",
        "lieutenant",
        "general",
        "admiral",
        "officer",
        "mep",
        "peer",
        "baroness",
        "councillor",
        "campaigner",
        "activist",
        "analyst",
        "commentator",
        "columnist",
        "presenter",
        "anchor",
        "reporter",
        "journalist",
        "chief-of-staff",
        "counsel",
        "prosecutor",
        "sheriff",
        "justice",
        "king",
        "queen",
        "prince",
        "princess",
        "pm",
        "challenger",
        "incumbent",
        "frontrunner",
        "front-runner",
        "hopeful",
        "contender",
        "rival",
        "lady",
        "pastor",
        "priest",
        "bishop",
        "developer",
        "businessman",
        "businesswoman",
        "writer",
        "moderator",
        "dictator",
        "commander",
        "envoy",
        "diplomat",
        "historian",
        "scientist",
        "democrat",
        "republican",
        "conservative",
        "tory",
    ]
)
# Capitalised words that belong to a title before a name ("Former", "Shadow", "Foreign").
TITLE_MODIFIERS = frozenset(
    [
        "former",
        "shadow",
        "deputy",
        "foreign",
        "home",
        "commons",
        "prime",
        "vice",
        "chief",
        "senior",
        "general",
        "attorney",
        "state",
        "first",
        "press",
        "junior",
        "acting",
        "interim",
        "interior",
        "defence",
        "defense",
        "health",
        "justice",
        "education",
        "treasury",
        "energy",
        "culture",
        "trade",
        "business",
        "environment",
        "transport",
        "labour",
        "conservative",
        "tory",
        "republican",
        "democratic",
        "democrat",
        "liberal",
        "green",
        "party",
        "campaign",
        "national",
        "security",
        "us",
        "uk",
        "u.s.",
        "white",
        "house",
        "lords",
        "nominee",
        "presidential",
        "vice-presidential",
        "secretary",
        "minister",
        "leader",
        "no10",
        "downing",
        "running",
        "minority",
        "majority",
        "senate",
        "retired",
        "ranking",
        "assistant",
        "executive",
        "managing",
        "communications",
        "communication",
        "policy",
    ]
)
# Abbreviated offices, read as their full word when titles are compared.
_ABBREVIATIONS = {
    "sen": "senator", "sen.": "senator", "rep": "representative", "rep.": "representative",
    "gov": "governor", "gov.": "governor", "gen": "general", "gen.": "general",
    "prof": "professor", "prof.": "professor", "pres": "president", "pres.": "president",
}  # fmt: skip
# Descriptions that are not a job even with a role head ("his rival", "a Trump ally" is kept).
_STOP_BEFORE = frozenset({"the", "a", "an", "this", "that", "his", "her", "their", "its", "our"})
_POSS_PRON = frozenset({"his", "her", "their", "its", "our", "my", "your"})
_DETS = frozenset({"the", "a", "an"})
_APPOS_PREPS = frozenset({"of", "for", "at", "to", "on", "in", "with", "from"})
_DASHES = frozenset({"-", "–", "—"})


def role_head(title: str) -> str:
    """The noun a title is about ("shadow foreign secretary" -> "secretary"; "PM" -> "minister")."""
    words = title_key(title).split(" ")
    for prep in _APPOS_PREPS:
        if prep in words:
            words = words[: words.index(prep)]
    if not words:
        return ""
    last = words[-1]
    if last == "pm":
        return "minister"
    if last in ("mps",):
        return "mp"
    return last


def title_key(title: str) -> str:
    """Case- and determiner-free form of a title, for comparing."""
    words = [w for w in fold(title).replace("'s", "").split(" ") if w]
    while words and (words[0] in _DETS or words[0] in _POSS_PRON):
        words = words[1:]
    words = [_ABBREVIATIONS.get(w, w) for w in words]
    key = " ".join(words)
    return key.replace("prime minster", "prime minister")


def _is_role_head(tok_lower: str) -> bool:
    return tok_lower in ROLE_HEADS


def _premod(doc: Doc, lo: int) -> tuple[int, int] | None:
    """Token range of a title right before a name, ending with a role head."""
    j = lo - 1
    # "former secretary of state Mike Pompeo", "chief of staff John Kelly".
    if (
        j >= 2
        and not _is_role_head(doc[j].lower_)
        and doc[j - 1].lower_ == "of"
        and _is_role_head(doc[j - 2].lower_)
        and doc[j].pos_ in ("NOUN", "PROPN")
        and doc[j].ent_type_ != "PERSON"
    ):
        j -= 2
    if j < 0 or not _is_role_head(doc[j].lower_):
        return None
    first = j
    while j >= 0 and lo - j <= MAX_PREMOD_TOKENS:
        t = doc[j]
        low = t.lower_
        if "\n" in t.text_with_ws or t.is_punct or t.is_space or low in _STOP_BEFORE:
            break
        if t.pos_ in ("VERB", "AUX", "ADP", "PRON", "DET", "CCONJ", "SCONJ", "NUM", "PART"):
            break
        if t.ent_type_ == "PERSON" and not _is_role_head(low) and low not in TITLE_MODIFIERS:
            break
        capital = t.text[:1].isupper()
        known = (
            _is_role_head(low) or low in TITLE_MODIFIERS or t.ent_type_ in ("ORG", "NORP", "GPE")
        )
        if capital and not known:
            break
        if not capital and t.pos_ not in ("NOUN", "ADJ", "PROPN"):
            break
        first = j
        j -= 1
    return first, lo


def _appos_after(doc: Doc, hi: int) -> tuple[int, int] | None:
    """ ", the shadow foreign secretary," / ", director of operations for Labour"."""
    if hi >= len(doc) or doc[hi].text not in (",", *_DASHES):
        return None
    k = hi + 1
    while k < len(doc) and doc[k].lower_ in (_DETS | _POSS_PRON):
        k += 1
    start = k
    head_seen = False
    in_pp = False
    end = k
    while k < len(doc) and k - start < MAX_APPOS_TOKENS:
        t = doc[k]
        low = t.lower_
        if t.is_punct or t.is_space or low in ("who", "which", "and", "but", "said"):
            break
        if t.pos_ in ("VERB", "AUX") and not _is_role_head(low):
            break
        if low in _APPOS_PREPS:
            if not head_seen or (in_pp and low not in ("for", "at", "of")):
                break
            in_pp = True
            k += 1
            continue
        if in_pp and low in _DETS and k + 1 < len(doc) and doc[k + 1].pos_ in ("PROPN", "ADJ"):
            k += 1  # "chairwoman of the Democratic National Committee"
            continue
        if t.pos_ not in ("NOUN", "PROPN", "ADJ") and not _is_role_head(low):
            break
        if t.ent_type_ == "PERSON" and not in_pp and t.dep_ != "compound" and t.dep_ != "poss":
            break
        if not in_pp:
            head_seen = _is_role_head(low)
        end = k + 1
        k += 1
    if not head_seen or end <= start:
        return None
    # A following name in the same phrase means a list of people, not an apposition.
    if end < len(doc) and doc[end].ent_type_ == "PERSON":
        return None
    return start, end


def _appos_before(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    """ "the foreign secretary, David Lammy," (name closed off by a comma or the sentence end)."""
    if lo < 2 or doc[lo - 1].text != ",":
        return None
    if hi < len(doc) and doc[hi].text not in (",", ".", *_DASHES) and not doc[hi].is_sent_end:
        return None
    j = lo - 2
    if not _is_role_head(doc[j].lower_):
        return None
    first = j
    while j >= 0 and lo - j <= MAX_PREMOD_TOKENS + 2:
        t = doc[j]
        if t.lower_ in _DETS or t.lower_ in _POSS_PRON:
            return first, lo - 1
        if t.pos_ not in ("NOUN", "ADJ", "PROPN") or t.is_punct:
            return None
        first = j
        j -= 1
    return None


def _strip_poss(doc: Doc, lo: int, hi: int) -> str:
    return doc[lo:hi].text.strip(" ,-–—")


def find_roles(
    doc: Doc, lo: int, hi: int, honorific_end: int
) -> list[tuple[str, int, int, float, str]]:
    """Roles stated for the name at tokens [lo, hi); tokens [lo, honorific_end) are its titles.

    Returns (title, start char, end char, confidence, method) with the evidence span."""
    out: list[tuple[str, int, int, float, str]] = []
    name_start = doc[lo].idx
    name_end = doc[hi - 1].idx + len(doc[hi - 1].text)
    titles = [t for t in doc[lo:honorific_end]]
    role_titles = [t for t in titles if fold(t.text).rstrip(".") in ROLE_HONORIFICS]
    pre = _premod(doc, lo)
    if pre is not None:
        a, b = pre
        words = doc[a:b]
        # "Trump's former national security adviser": keep a named possessor.
        if a >= 2 and doc[a - 1].lower_ in ("'s", "’s") and doc[a - 2].pos_ == "PROPN":
            a -= 2
        title = doc[a:honorific_end].text if role_titles else doc[a:b].text
        if words and not (len(words) == 1 and words[0].lower_ in ("rival",)):
            out.append((title.strip(), doc[a].idx, name_end, CONF_PREMOD, "premodifier"))
    elif role_titles:
        # "Senator James Risch", "President-elect Trump", "Vice President Mike Pence".
        a = lo + titles.index(role_titles[0])
        while a > 0 and lo - a < MAX_PREMOD_TOKENS:
            t = doc[a - 1]
            if "\n" in t.text_with_ws or not (
                t.lower_ in TITLE_MODIFIERS or t.ent_type_ in ("NORP", "GPE")
            ):
                break
            a -= 1
        title = doc[a:honorific_end].text
        out.append((title, doc[a].idx, name_end, CONF_HONORIFIC, "honorific"))
    app = _appos_after(doc, hi)
    if app is not None:
        a, b = app
        title = _strip_poss(doc, a, b)
        if title:
            out.append((title, name_start, doc[b - 1].idx + len(doc[b - 1].text), CONF_APPOS,
                        "apposition"))  # fmt: skip
    before = _appos_before(doc, lo, hi)
    if before is not None:
        a, b = before
        out.append((doc[a:b].text, doc[a].idx, name_end, CONF_APPOS_BEFORE, "apposition-before"))
    return out
