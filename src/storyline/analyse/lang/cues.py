"""Cue verbs and the grammatical search for who a quote hangs on (the speaker mention): read by
quotes (attribution) and entities (coreference: a pronoun that is a cue's subject) alike.

Everything here reads the spaCy dependency parse; nothing resolves names (see quotes.speakers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from storyline.analyse.lang.cue_lexicon import HARVESTED_CUE_LEMMAS
from storyline.analyse.lang.words import word_set

if TYPE_CHECKING:
    from spacy.tokens import Token


# Verbs that introduce speech or writing. Lemmas, lower case: the hand list below, and the verbs
# harvested from PolNeAR train's cue spans (cue_lexicon, made by eval/train_quotes_cues.py).
HAND_CUE_LEMMAS = word_set(
    """
    say tell add write reply respond answer insist claim argue explain note warn state declare
    announce continue conclude recall suggest admit acknowledge complain tweet post joke quip muse
    remark observe comment describe call accuse promise pledge vow urge predict boast concede
    counter retort shout yell chant scream whisper mutter sing read testify lament recount repeat
    reiterate stress emphasize emphasise mention blast slam criticize criticise attack charge allege
    contend maintain assert affirm confirm deny agree wonder report caution add ask demand threaten
    brag gush rave rant scoff snap sneer tease thunder plead beg propose recommend assure reassure
    inform advise instruct order proclaim pronounce exclaim interject begin start finish summarize
    summarise describe label dub brand term characterise characterize praise hail congratulate
    condemn denounce decry dismiss mock ridicule lash accuse question challenge acknowledge message
    email text posit theorize speculate quote cite bark crack elaborate opine cry
    """
)
CUE_LEMMAS = HAND_CUE_LEMMAS | HARVESTED_CUE_LEMMAS
# Verbs that speak only with a particle or object: "went on", "pointed out", "shot back",
# "as he put it".
PHRASAL_CUES = {
    "go": "on",
    "point": "out",
    "shoot": "back",
    "fire": "back",
    "hit": "back",
    "chime": "in",
    "weigh": "in",
}
# Cue verbs that take an infinitive as aspect, not as content ("would continue to “stand …”").
ASPECTUAL_LEMMAS = frozenset({"continue", "begin", "start", "finish", "promise", "vow", "pledge"})
# Cues that put the speaker after the verb when it follows the quote ("…,” said Caddell).
INVERSION_LEMMAS = word_set(
    """
    say add write continue reply ask explain note respond tell insist warn recall declare quip
    joke conclude observe remark answer argue claim complain wonder
    """
)
# Verbs whose complement is the interviewer's question, not the subject's words.
QUESTION_LEMMAS = frozenset({"ask", "press", "question", "quiz", "challenge", "query"})
# Nouns that stand for written or recorded words; they "speak" through a verb (the post stating).
SOURCE_NOUNS = word_set(
    """
    statement post tweet letter email complaint release memo message note interview speech ad
    advertisement report filing lawsuit suit document video clip op-ed column essay book
    transcript remarks comment comments blog petition motion bill tweets posts letters
    """
)
# Relations by which a quote's clause may hang on a cue verb.
COMPLEMENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "obj", "attr", "oprd", "acomp", "dative"})
# Prepositions through which a cue verb takes its content (accused X of "…", described as "…").
CONTENT_PREPS = frozenset({"of", "as", "about", "on", "that", "for"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Tokens in a speaker noun phrase we cut off (appositions, relative clauses, trailing commas).
NP_CUT_DEPS = frozenset({"appos", "relcl", "acl", "punct", "cc", "conj", "prep", "advmod"})
# Relations the parser gives the speaker of an inverted cue ("said the spokesman").
INVERTED_SUBJECT_DEPS = frozenset({"dobj", "obj", "attr", "npadvmod", "appos", "nsubj", "dative"})
# Cues whose object is the addressee, part of the cue ("told ITV").
ADDRESSEE = frozenset({"tell", "ask", "inform", "assure", "reassure", "advise"})
MAX_CHAIN = 12  # longest head chain walked from a partial quote up to its cue verb
# Words whose period ends no sentence ("Mr. Gidley said", "Sen. John McCain").
ABBREVIATIONS = word_set(
    """
    mr mrs ms dr sen rep gov gen col lt sgt capt st jr sr prof rev messrs mt ft u.s no vs
    jan feb mar apr aug sept sep oct nov dec inc corp co ltd
    """
)
MAX_NAME_RUN = 8  # tokens a speaker phrase is extended by to finish the name it cuts short
AGENT_REACH = 40  # tokens after a passive cue searched for the "by …" hung on its quote


def is_cue(tok: Token) -> bool:
    if tok.pos_ not in ("VERB", "AUX") and tok.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN"):
        return False
    lemma = tok.lemma_.lower()
    if lemma in CUE_LEMMAS:
        return True
    prt = PHRASAL_CUES.get(lemma)
    if prt is not None:
        # The parser takes the particle for an adverb at times ("shot back:").
        return any(c.dep_ in ("prt", "advmod") and c.lower_ == prt for c in tok.children)
    if lemma == "put":
        # "as he put it", not "putting it into the national file".
        kids = list(tok.children)
        return any(c.dep_ in ("dobj", "obj") and c.lower_ == "it" for c in kids) and not any(
            c.dep_ in ("prep", "prt") for c in kids
        )
    return False


def np_span(head: Token) -> tuple[int, int]:
    """Token range of a speaker noun phrase: the head with its premodifiers and possessors."""
    lo = hi = head.i
    for child in head.children:
        if child.dep_ in NP_CUT_DEPS:
            continue
        if child.i < head.i and child.tag_ in ("VBD", "VBN") and child.lemma_ in INVERSION_LEMMAS:
            continue  # "Continued Stone:": the fronted cue, not part of the name
        sub = list(child.subtree)
        if child.i < head.i:
            lo = min(lo, sub[0].i)
        elif child.dep_ in ("compound", "flat", "nummod", "case"):
            hi = max(hi, sub[-1].i)
    doc = head.doc
    # A name the phrase cuts short at a preposition runs to its end ("The Department for
    # Education", "the University of Lyon"): the entity the head begins goes on.
    if head.ent_type_ and hi == head.i:
        end = min(len(doc), hi + 1 + MAX_NAME_RUN)
        while hi + 1 < end and doc[hi + 1].ent_iob_ == "I":
            hi += 1
    # Punctuation and whitespace left dangling by a bad parse are dropped.
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return lo, hi + 1


def _right_noun(verb: Token, quoted: Sequence[bool]) -> Token | None:
    """Inverted order: "said Caddell", "added the spokesman"."""
    if verb.lemma_.lower() not in INVERSION_LEMMAS:
        return None
    for child in verb.rights:
        if quoted[child.i] or child.ent_type_ in ("DATE", "TIME"):
            continue
        if child.dep_ in INVERTED_SUBJECT_DEPS and child.pos_ in ("PROPN", "NOUN", "PRON"):
            if child.dep_ in ("dobj", "obj", "dative") and verb.lemma_.lower() in ADDRESSEE:
                return None  # "telling Reuters": the one told, not the teller
            return child
        if child.i - verb.i > 4:
            break
    return None


def cue_subject(verb: Token, quoted: Sequence[bool], depth: int = 0) -> tuple[Token | None, bool]:
    """The speaker token of a cue verb, and whether the cue was passive without an agent.

    Passive "was told" makes the subject the hearer, so it is never the speaker.
    """
    passive = False
    for child in verb.children:
        if quoted[child.i]:
            # The parser often makes the quote itself the subject of "said".
            continue
        if child.dep_ in ("nsubj", "csubj"):
            if not any(c.isalnum() for c in child.text):
                continue  # a dash ("―") the tagger took for a noun
            if child.lower_ in ("who", "that", "which"):
                # "Karen Holt, who has run the shelter and who said …": the relative pronoun
                # stands for the noun its clause hangs on, through any "and" between.
                up = verb
                for _ in range(MAX_CHAIN):
                    if up.dep_ != "conj":
                        break
                    up = up.head
                if up.dep_ == "relcl":
                    return up.head, False
            return child, False
        if child.dep_ in ("nsubjpass", "auxpass"):
            passive = True
    if passive:
        for child in verb.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj, False
        # "was called “the finest Loman of his generation” by The Stage": the parser hung the
        # agent on the quoted words.
        doc = verb.doc
        for t in doc[verb.i + 1 : min(len(doc), verb.i + AGENT_REACH)]:
            if (
                t.lower_ == "by"
                and t.dep_ in ("prep", "agent")
                and quoted_near(t, quoted)
                and verb.is_ancestor(t)
            ):
                for pobj in t.children:
                    if pobj.dep_ == "pobj":
                        return pobj, False
        return None, True
    if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head, False
    right = _right_noun(verb, quoted)
    if right is not None:
        return right, False
    # "He began by saying": the gerund hangs on a preposition of the verb whose subject speaks.
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
        return (
            cue_subject(verb.head.head, quoted, depth + 1) if depth < MAX_CHAIN else (None, False)
        )
    # "Continued Stone: “…”": the parser takes the fronted verb for a modifier of the name.
    if verb.dep_ in ("amod", "compound") and verb.head.pos_ == "PROPN" and verb.head.i > verb.i:
        return verb.head, False
    # "went so far as to say": an infinitive borrows the subject of the nearest verb above it.
    if verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        up = verb.head
        for _ in range(3):
            if up.pos_ in ("VERB", "AUX") or up.head.i == up.i:
                break
            up = up.head
        if up.pos_ in ("VERB", "AUX") and up.i != verb.i:
            return cue_subject(up, quoted, depth + 1) if depth < MAX_CHAIN else (None, False)
    # "He smiled and said", "..., saying": borrow the subject of the governing verb.
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX"):
        if verb.dep_ == "advcl" and verb.tag_ != "VBG":
            return None, False
        # A chain of "and said" is walked MAX_CHAIN verbs up at most (a sentence of a thousand
        # of them overflowed the stack).
        return cue_subject(verb.head, quoted, depth + 1) if depth < MAX_CHAIN else (None, False)
    return None, False


def quoted_near(tok: Token, quoted: Sequence[bool]) -> bool:
    """Is ``tok`` right after a quoted token (a closing mark and a comma at most between)?"""
    for j in range(tok.i - 1, max(tok.i - 3, -1), -1):
        if quoted[j]:
            return True
        if not tok.doc[j].is_punct:
            return False
    return False


def inverted_speaker(verb: Token, any_verb: bool = False) -> Token | None:
    """ "…,” said Robin Maynard, half joking": the name right after an inverted cue, read off
    the word order because the parser often hangs it on whatever clause follows.

    The noun phrase runs to the first comma, preposition or clause; its last proper noun is
    the name ("said Los Angeles-based attorney Edgar Martirosyan", "said Florida’s Rick
    Wilson"). ``any_verb``: the verb right after a quote need not invert usually ("…,”
    sighed Bill Harding": the caller has checked the word order).
    """
    if not any_verb and verb.lemma_.lower() not in INVERSION_LEMMAS:
        return None
    doc = verb.doc
    run: list[Token] = []
    for t in doc[verb.i + 1 : verb.i + 12]:
        if t.ent_type_ in ("DATE", "TIME"):
            break
        glued = (t.text == "-" and not t.whitespace_) or bool(run and run[-1].text == "-")
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else t
        modifier = t.tag_ in ("VBG", "VBN") and bool(run) and nxt.pos_ in ("PROPN", "NOUN")
        named = t.pos_ in ("PROPN", "NOUN", "ADJ", "DET", "NUM", "PART") or _mistagged_name(t)
        if named or glued or modifier:
            run.append(t)
        elif (
            t.text == "."
            and run
            and run[-1].pos_ == "PROPN"
            and run[-1].lower_.rstrip(".") in ABBREVIATIONS
        ):
            continue  # "Sen" split from its period; "…, said Ronan Keane. France …" ends here
        else:
            break
    propn = [t for t in run if t.pos_ == "PROPN" or _mistagged_name(t)]
    # "said Brazil’s climate envoy, Luiza Andrade Figueiredo,": an owner before "’s" is not the
    # speaker when only common nouns follow it; the described person is (and the resolver
    # takes the name set off after the description).
    owned = [t for t in run if t.tag_ == "POS" or t.lower_ in ("’s", "'s")]
    if propn and owned and owned[-1].i > propn[-1].i:
        nouns = [t for t in run if t.pos_ == "NOUN" and t.i > owned[-1].i]
        if nouns:
            return nouns[-1]
    if propn:
        return propn[-1]
    nouns = [t for t in run if t.pos_ == "NOUN"]
    return nouns[-1] if nouns else None


def _mistagged_name(t: Token) -> bool:
    """ "said Skelly, explaining": a capitalised word the tagger called an adverb or verb."""
    return (
        t.pos_ in ("ADV", "VERB", "X", "INTJ", "ADJ")
        and t.is_alpha
        and t.text[:1].isupper()
        and not t.is_sent_start
        and len(t.text) > 2
    )


def stretch_head(tokens: Sequence[Token]) -> Token | None:
    """The noun heading a stretch of tokens ("Scott Pruitt, the attorney general of Oklahoma,")."""
    inside = {t.i for t in tokens}
    nouns = [t for t in tokens if t.pos_ in ("PROPN", "NOUN", "PRON") and not t.is_punct]
    for t in nouns:
        if t.head.i not in inside and t.ent_type_ not in ("DATE", "TIME"):
            return t
    for t in tokens:
        # "the 23-year-old said": the subject is the adjective, the noun only its modifier.
        if t.dep_ in SUBJECT_DEPS and t.head.i not in inside and t.pos_ == "ADJ":
            return t
    propn = [t for t in nouns if t.pos_ == "PROPN"]
    if not propn:
        return nouns[0] if nouns else None
    # "Mr. Daniloff, now 81 and retired, said": the last word of the first name run.
    run = propn[0]
    while run.i + 1 in inside and run.doc[run.i + 1].pos_ == "PROPN":
        run = run.doc[run.i + 1]
    return run


def cue_range(verb: Token) -> tuple[int, int]:
    """Token range of the cue: the verb with particles and the addressee ("told ITV")."""
    lo = hi = verb.i
    for child in verb.children:
        if child.dep_ == "prt" and child.i == hi + 1:
            hi = child.i
        elif child.dep_ in ("dobj", "dative") and child.i > verb.i and verb.lemma_ in ADDRESSEE:
            sub = list(child.subtree)
            if sub[0].i == hi + 1 and len(sub) <= 6:
                hi = sub[-1].i
    return lo, hi + 1


def chain_cue(tokens: list[Token]) -> tuple[Token | None, bool]:
    """Walk up from a partial quote to the cue verb it is the content of.

    Returns (cue, interviewer) where ``interviewer`` marks a quote inside the question of an
    "asked if"/"pressed on" clause: the interviewer's word put back to the subject.
    Adjunct relations (advcl, a temporal "after ...") break the chain, so a scare-quoted name
    in "After the “hush money” verdict, he said ..." is not given to the speaker of "said".
    """
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    if not roots:
        return None, False
    # The opening mark hangs on the verb as punctuation; the quoted words' own root says how
    # the quote attaches ("called the budget “a tax on …”": oprd, not punct).
    tok = next((t for t in roots if not t.is_punct), roots[0])
    for _ in range(MAX_CHAIN):
        head = tok.head
        if head.i == tok.i:
            return None, False
        dep = tok.dep_
        if head.lemma_.lower() in QUESTION_LEMMAS and dep in ("ccomp", "advcl", "prep", "xcomp"):
            return None, True
        if is_cue(head) and not (dep == "xcomp" and head.lemma_.lower() in ASPECTUAL_LEMMAS):
            if dep in COMPLEMENT_DEPS or dep in ("conj", "parataxis"):
                return head, False
            if dep == "prep" and tok.lower_ in CONTENT_PREPS:
                return head, False
            if dep == "advcl" and head.lemma_.lower() not in ("say", "tell", "add"):
                return None, False
            if dep == "prep" and head.dep_ == "ccomp" and is_cue(head.head):
                # "said she had written it “in the gaps …”": an adjunct of a cue verb that is
                # itself reported speech stays inside the reported speech.
                tok = head
                continue
            if dep in ("advcl", "prep", "npadvmod", "advmod", "nsubj", "nsubjpass"):
                return None, False
        tok = head
    return None, False
