"""Name normalisation for the entity layer: honorifics, possessives, case, spelling variants,
outlets. Pure string functions; nothing here reads a parse.
"""

from __future__ import annotations

import re

from storyline.analyse.entities.lexicon import LEGAL_SUFFIXES, ORG_DESCRIPTORS
from storyline.analyse.lang.words import (
    COURTESY_TITLES,
    FEMALE_NAMES,
    FEMALE_TITLES,
    HONORIFICS,
    MALE_NAMES,
    MALE_TITLES,
    NAME_OFFICE_TITLES,
    QUOTE_FOLD,
    ROLE_HONORIFICS,
    fold,
    word_set,
)

__all__ = [
    "COUNTRY_ALIASES",
    "COURTESY_TITLES",
    "FEMALE_NAMES",
    "HONORIFICS",
    "MALE_NAMES",
    "NAME_OFFICE_TITLES",
    "PLACE_NAMES",
    "RANK_TITLES",
    "ROLE_HONORIFICS",
    "acronym",
    "clean_surface",
    "fold",
    "is_media",
    "name_gender",
    "name_words",
    "org_core",
    "org_initials",
    "org_key",
    "org_short_forms",
    "spelling_variant",
]


# Spelling variants of a first name are merged only when the surname matches and the names
# differ by at most this many edits ("Lindsay"/"Lindsey"); shorter names must match exactly.
MAX_FIRST_NAME_EDITS = 1
MIN_VARIANT_LENGTH = 4

# Outlets, agencies and broadcasters: where things are said, not actors.
MEDIA_NAMES = frozenset(
    """
    telegraph|daily telegraph|sunday telegraph|independent|guardian|observer|times|sunday times|
    financial times|ft|bbc|bbc news|itv|itv news|sky news|sky|channel 4|channel 4 news|gb news|
    lbc|pa|pa media|press association|reuters|ap|associated press|afp|agence france-presse|
    bloomberg|bloomberg news|cnn|fox news|fox|msnbc|nbc|nbc news|cbs|cbs news|abc|abc news|npr|
    pbs|politico|axios|breitbart|breitbart news|new york times|nyt|washington post|
    wall street journal|wsj|usa today|los angeles times|la times|huffington post|huffpost|
    daily mail|mail|mail on sunday|mailonline|mirror|daily mirror|sun|the sun|express|
    daily express|evening standard|standard|metro|spectator|new statesman|economist|newsweek|
    the hill|hill|daily beast|vox|buzzfeed|buzzfeed news|slate|salon|the atlantic|
    new yorker|mother jones|national review|daily caller|washington examiner|washington times|
    new york post|politifact|factcheck.org|cnbc|c-span|univision|telemundo|al jazeera|
    london24news|drudge report|fox business|newsmax|one america news|oan|talkradio|talktv|
    bloomberg tv|yahoo news|abc's this week|meet the press|face the nation|morning joe|
    fox & friends|good morning america|state of the union|podcast
    """.replace("\n", "").split("|")
) - {""}
MEDIA_NAMES = frozenset(n.strip() for n in MEDIA_NAMES)
MEDIA_SUFFIXES = ("news", "times", "post", "journal", "herald", "tribune", "gazette", "podcast",
                  "telegraph", "radio", "tv", "magazine", "newspaper")  # fmt: skip
# Countries the press names several ways; a plain fact of usage, not of who holds what.
COUNTRY_ALIASES = {
    "us": "united states", "u.s.": "united states", "usa": "united states",
    "u.s.a.": "united states", "america": "united states",
    "united states of america": "united states", "the states": "united states",
    "uk": "united kingdom", "u.k.": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom", "gb": "united kingdom",
}  # fmt: skip
# Capitals and other places in the news that the small tagger reads as people ("US support for
# Kyiv"). A lone word here is a place unless the article gives it a title or a first name.
PLACE_NAMES = word_set(
    """
    kyiv kiev kharkiv odesa odessa mariupol donetsk luhansk crimea moscow minsk warsaw berlin
    paris london brussels madrid lisbon rome vienna prague budapest bucharest athens
    ankara istanbul tehran baghdad damascus beirut amman jerusalem gaza rafah riyadh doha
    dubai cairo tripoli tunis algiers rabat khartoum nairobi lagos abuja kinshasa
    johannesburg pretoria delhi mumbai karachi islamabad kabul kandahar dhaka colombo kathmandu
    beijing shanghai taipei tokyo seoul pyongyang hanoi bangkok manila jakarta singapore
    canberra sydney ottawa toronto havana caracas bogota brasilia
    mexico washington davos geneva zurich strasbourg luxembourg dublin belfast edinburgh
    cardiff westminster whitehall samoa apia scotland wales ukraine russia
    """
)
# "Labour Party" and "Labour" are one organisation; these words do not tell organisations apart.
ORG_GENERIC = frozenset(
    {"party", "the", "inc", "inc.", "corp", "corp.", "co", "co.", "ltd", "ltd.", "plc", "ag", "sa",
     "s.a.", "nv", "n.v.", "llc", "cie", "cie."}
)  # fmt: skip

_SPACE = re.compile(r"\s+")
_EDGE = " \t\n,.;:!?-–—'\"()[]{}"


def clean_surface(text: str) -> str:
    """A mention's text without edge punctuation, quotes and a possessive ending."""
    t = _SPACE.sub(" ", text.translate(QUOTE_FOLD)).strip(_EDGE)
    if t.endswith("'s") or t.endswith("'S"):
        t = t[:-2]
    elif t.endswith("s'"):
        t = t[:-1]
    return t.strip(_EDGE)


# Police ranks written before a name ("Chief Constable Stephen Watson", "Det Insp Mark
# Hollis"): titles, not words of the name (the role reader still reads the rank).
RANK_TITLES = word_set("constable detective det inspector insp superintendent supt sergeant dci")


def _is_honorific(word: str) -> bool:
    return fold(word).rstrip(".") in HONORIFICS or fold(word).rstrip(".") in RANK_TITLES


def name_words(text: str) -> list[str]:
    """Words of a person's name: determiners, honorifics and the possessive removed."""
    words = [w for w in clean_surface(text).split(" ") if w]
    while words and fold(words[0]) in ("the", "a", "an"):
        words = words[1:]
    i = 0
    # "Prime Minister Keir Starmer": drop title words up to the name.
    while i < len(words) - 1 and (_is_honorific(words[i]) or fold(words[i]) == "prime"):
        i += 1
    words = words[i:]
    out: list[str] = []
    for w in words:
        w = w.strip(_EDGE)
        if not w:
            continue
        # Headline capitals ("TRUMP") are the same name as "Trump".
        if w.isupper() and len(w) > 3:
            w = w[:1] + w[1:].lower()
        out.append(w)
    return out


_MALE_IN_A = word_set(
    "joshua luca ezra nikola andrea mustafa hamza jonah sasha nikita ilya musa attila akira "
    "kostya costa elisha isa issa yehuda juda jeremiah zakaria zakariya nicola"
)


def name_gender(words: list[str], honorific: str = "") -> str:
    """'m', 'f' or '' from a courtesy title or a first name."""
    h = fold(honorific).rstrip(".")
    if h in MALE_TITLES:
        return "m"
    if h in FEMALE_TITLES:
        return "f"
    for w in words[:1]:
        lw = fold(w)
        if lw in MALE_TITLES:
            return "m"
        if lw in FEMALE_TITLES:
            return "f"
        if lw in MALE_NAMES:
            return "m"
        if lw in FEMALE_NAMES:
            return "f"
        # An unlisted first name ending in -a, -ette, -ine is far more often a woman's
        # (Juanita, Melania, Ivanka); the listed men's names (Joshua, Luca) were caught above.
        if (
            len(words) > 1
            and len(lw) >= 4
            and lw.isalpha()
            and lw.endswith(("a", "ette", "ine"))
            and lw not in _MALE_IN_A
        ):
            return "f"
    return ""


def _edits(a: str, b: str) -> int:
    if abs(len(a) - len(b)) > MAX_FIRST_NAME_EDITS:
        return MAX_FIRST_NAME_EDITS + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def spelling_variant(a: str, b: str) -> bool:
    """Two first names that are one spelling apart ("Lindsay"/"Lindsey") or a short form and
    its full name ("Jacqui"/"Jacqueline", "Chris"/"Christopher")."""
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return True
    if min(len(fa), len(fb)) < MIN_VARIANT_LENGTH or fa[0] != fb[0]:
        return False
    short, long_ = sorted((fa, fb), key=len)
    common = next(
        (k for k, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y), len(short)
    )
    if common >= MIN_VARIANT_LENGTH and len(short) - common <= 1 and len(long_) > len(short) + 1:
        return True
    return _edits(fa, fb) <= MAX_FIRST_NAME_EDITS


def _bare(word: str) -> str:
    return fold(word).replace(".", "").rstrip(",")


def _strip_tail(words: list[str], drop: frozenset[str]) -> list[str]:
    """Words without the trailing ones in ``drop`` (and an "and"/"&" left before them: "Eli
    Lilly and Co"); never all of them."""
    out = list(words)
    while len(out) > 1 and (_bare(out[-1]) in drop or out[-1] in ("&", "and")):
        out.pop()
    while len(out) > 1 and out[-1] in ("&", "and", "-", ","):
        out.pop()
    return out


_INSTITUTIONS = frozenset({"university", "college"})


def org_key(text: str) -> str:
    """Key under which organisation / place / group names are merged: case, a leading article
    and the legal form left out ("The Boeing Company", "Boeing Co." and "Boeing" are one)."""
    words = [w for w in fold(clean_surface(text)).split(" ") if w]
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    key = " ".join(words)
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    if len(words) >= 3 and words[0] in _INSTITUTIONS and words[1] == "of":
        words = [*words[2:], words[0]]  # "University of Edinburgh" is "Edinburgh University"
    words = [w for w in words if w not in ORG_GENERIC] or words
    words = _strip_tail(words, LEGAL_SUFFIXES)
    return " ".join(words).replace(".", "") if len(words) == 1 else " ".join(words)


def org_core(text: str) -> str:
    """`org_key` without the descriptors that say what kind of business it is ("BT Group",
    "HSBC Holdings", "Vantor Pharmaceuticals" -> "bt", "hsbc", "vantor"): a weaker key, used only
    where no other organisation shares it."""
    # "Imperial College London" and "Imperial College": a place closing the name goes too.
    drop = LEGAL_SUFFIXES | ORG_DESCRIPTORS | PLACE_NAMES
    return " ".join(_strip_tail(org_key(text).split(" "), drop))


def org_initials(text: str) -> frozenset[str]:
    """Acronyms a multi-word organisation name may go by: the initials of its capitalised
    words, with and without its legal form and descriptors ("British Telecommunications plc"
    -> "bt", "btp"; "Meridian Power Holdings" -> "mph", "mp"). Words written in capitals give
    all their letters ("BT Group" -> "btg"); a one-word name has none."""
    words = [w for w in clean_surface(text).split(" ") if w]
    while words and fold(words[0]) in ("the", "a", "an"):
        words = words[1:]
    if len(words) < 2:
        return frozenset()
    out: set[str] = set()
    core = _strip_tail(words, LEGAL_SUFFIXES | ORG_DESCRIPTORS)
    plain = _strip_tail(words, LEGAL_SUFFIXES)
    for ws in (core, plain, words):
        letters = [
            w if w.isupper() and w.isalpha() and k < len(plain) else w[0]
            for k, w in enumerate(ws)
            if w[:1].isupper() or (k >= len(plain) and w[:1].isalpha())
        ]
        if len(letters) >= 2:
            out.add(fold("".join(letters)))
    return frozenset(a for a in out if len(a) >= 2)


def org_short_forms(text: str) -> list[str]:
    """Shorter forms of an organisation's name as written, that the same text may use for it:
    without the legal form, then without the descriptors ("Corvane Holdings Ltd" -> "Corvane
    Holdings", "Corvane"). Original case; the full name itself not included."""
    words = [w for w in clean_surface(text).split(" ") if w]
    while words and fold(words[0]) in ("the", "a", "an"):
        words = words[1:]
    out: list[str] = []
    for ws in (_strip_tail(words, LEGAL_SUFFIXES),
               _strip_tail(words, LEGAL_SUFFIXES | ORG_DESCRIPTORS)):  # fmt: skip
        form = " ".join(ws)
        if len(ws) < len(words) and form not in out and form[:1].isupper():
            out.append(form)
    return out


def acronym(text: str) -> str:
    """Initials of the capitalised words ("Federal Election Commission" -> "fec")."""
    words = [w for w in clean_surface(text).split(" ") if w[:1].isupper()]
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


def is_media(text: str) -> bool:
    key = fold(clean_surface(text))
    if key.startswith("the "):
        key = key[4:]
    if key in MEDIA_NAMES:
        return True
    last = key.rsplit(" ", 1)[-1]
    return " " in key and last in MEDIA_SUFFIXES
