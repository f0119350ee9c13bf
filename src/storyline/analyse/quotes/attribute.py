"""Direct and partial quotes in one parsed article, with the mention each quote hangs on.

Pipeline: quote_marks finds quoted spans in the raw text; quote_cues finds the cue verb and its
subject in the spaCy parse; quote_speakers turns the subject mention into a canonical name.

Multi-paragraph quotes (an opening mark on every paragraph, a closing mark only on the last) are
reported one quote per paragraph, all with the speaker of the first (method
"quotes.continuation"). PolNeAR's gold quote spans never cross a paragraph break, so on its dev
split one quote spanning the paragraphs could only match the first of them exactly; per
paragraph also keeps every quote's offsets inside one paragraph for display.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from storyline.analyse.lang.cues import (
    ABBREVIATIONS,
    ADDRESSEE,
    SOURCE_NOUNS,
    chain_cue,
    cue_range,
    cue_subject,
    inverted_speaker,
    is_cue,
    np_span,
    stretch_head,
)
from storyline.analyse.lang.extensions import cached
from storyline.analyse.lang.nlp import doc_text
from storyline.analyse.lang.quotemarks import QuoteSpan, doc_quote_spans
from storyline.analyse.lang.tokens import token_starts, tokens_where
from storyline.analyse.lang.words import word_set
from storyline.analyse.quotes.speakers import (
    GROUP_NOUNS,
    TITLE_HEADS,
    ArticleIndex,
    build_index,
    label_name,
    note_speaker,
    proper_name,
    resolve_speaker,
)
from storyline.analyse.quotes.transcripts import (
    is_speaker_label,
    transcript_label,
    transcript_lines,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Confidence of each rule: how likely the span is somebody's words (not who said it).
CONF_CUE = 0.9  # cue verb right before (colon) or right after the quote
CONF_CONTINUATION = 0.85  # later paragraph of a multi-paragraph quote
CONF_SPLIT = 0.8  # second half of a quote split around its attribution
CONF_PARTIAL = 0.75  # partial quote inside reported speech
CONF_COLON = 0.8  # "Trump: ‘…’", "She then addressed the crowd: “…”": no cue verb before the colon
CONF_FOLLOW_ON = 0.65  # quote paragraph with no cue after a quoted paragraph
CONF_PARA = 0.5  # quote paragraph with no cue after a paragraph about one person
CONF_NEXT = 0.7  # quote paragraph named by the next sentence ("So says Alasdair MacLeod")
CONF_PASSIVE = 0.6  # "was told ...": somebody's words, speaker not named
CONF_UNATTRIBUTED = 0.4  # sentence-like quote with no cue anywhere near
CONF_SCARE = 0.2  # short quoted phrase with no cue: scare quote, title or name
CONF_INDIRECT = 0.5  # reported speech: the reporter's words for what somebody said
CONF_INTERVIEWER = 0.15  # the interviewer's word put back to the subject ("Asked if ‘annoyed’")
CONF_ECHO = 0.7  # partial quote whose words a quote of the same article gives to a speaker
# Methods of partial quotes that name no speaker: their words may echo an attributed quote.
ECHO_METHODS = frozenset({"quotes.scare", "quotes.partial-cue-passive", "quotes.unattributed"})
ECHO_MIN_WORD = 6  # a one-word quote echoes a sentence only if the word is this long
ECHO_MIN_PULLED = 5  # words of an unattributed direct quote that may echo (a pull quote)
# Single words too common to tie a one-word quote to somebody's sentence.
ECHO_STOPWORDS = word_set(
    """
    the a an and or but of to in on at for with by from as is are was were be been it this that
    these those he she they we you i not no yes very more most all some any
    """
)
# Verbs that name rather than quote: what it called “a clear threat” is a partial quote.
NAMING_LEMMAS = frozenset({"call", "dub", "label", "brand", "term", "describe", "name", "nickname"})
# Participles that name a thing without quoting anyone ("known as “neonics”", "titled “…”").
NAMING_PARTICIPLES = word_set("know refer title entitle christen bill market style")
# Nouns that announce a name, not words ("the nickname “Slim”", "the slogan “Fair Shares”").
NAMING_NOUNS = word_set(
    """
    nickname slogan motto title name term phrase hashtag moniker tagline banner headline
    label brand series show programme program book novel film movie song album play podcast
    """
)
# Determiners that, outside the marks, make the quoted words the name of a thing.
# Possessives stay out: "Trump's “beautiful wall”" is still his phrase.
DEFINITE_DETS = word_set("the this that these those")
# Words that open a subordinate clause: after them a comma does not introduce a quote.
SUBORDINATORS = word_set(
    "that if because when while which who whether although though since as after before"
)
# Of those, the ones that open the cue's content clause ("said that if he won, “…"). The others
# start an adverbial or relative clause ("said as he left, “…", "Ms Poynter, who knew him, “…")
# after which a capitalised quote is still the speaker's own sentence.
COMPLEMENTIZERS = word_set("that whether if")
# Speech verbs whose clausal complement is reported speech ("insisted that …"); verbs of
# naming or attacking ("call", "slam") take no such clause.
INDIRECT_LEMMAS = word_set(
    """
    say tell claim insist argue warn explain add note state announce suggest admit acknowledge
    deny confirm contend maintain assert report write tweet predict promise pledge vow concede
    allege reply respond answer recall stress emphasize emphasise reiterate declare testify
    complain tell inform assure reassure
    """
)
MIN_INDIRECT_TOKENS = 3
# Finite cue verbs the tagger may read as plural nouns after a subject ("the two write.").
CUE_NOUN_FORMS = frozenset({"write", "writes", "states", "notes", "adds", "says", "tweets"})
# Tokens after a quote searched for "…,” Trent Lott, who was …, told lawmakers".
TRAILING_WINDOW = 30
TRAILING_VERB_REACH = 8  # tokens after a quote within which a non-lexicon speech verb may sit
MAX_GOVERNING = 4  # clauses climbed from a passive cue to the speech verb reporting it
LEADING_WINDOW = 40  # tokens before a quote searched for "Sir Keir told Sky News: ‘…’"
# A quote ending in one of these (inside or right after its marks) expects a trailing cue.
OPEN_ENDINGS = (",", "?", "!", "—", "–", "-", "…", ":")
# "…” ― Pamela Padilla": a name credited after a dash, the vox-pop convention.
# Possessive: a long capitalised run must not be tried in every split into four words.
_DASH_CREDIT = re.compile(r"\s*[―—–-]{1,2}\s*((?:[A-Z][\w.’'-]*+\s?){1,4})\s*$")
# Short words a title leaves in lower case ("Tales from the Crypt").
TITLE_SMALL = word_set("a an the of in on at to for from and or but by with as is are vs")
# "Follow Pam Key on Twitter @pamkeyNEN.": a reporter's sign-off caught in a quoted transcript.
_SIGN_OFF = re.compile(r"Follow [A-Z][^.]{0,60} on (?:Twitter|Facebook|Instagram)\b")
MAX_SENTENCE_CHARS = 5_000  # no sentence of news is longer; bounds the look back for its start
OPEN_QUOTE_CHARS = "“‘\"'«„"
_NEWLINE = re.compile("\n")
_FIRST_QUESTION = re.compile(r"(?m)^Q\.?:[ \t]")
_SENT_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[A-Z“‘\"']|$)")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    text: str  # quoted words without the outer quotation marks
    start: int  # offsets of ``text`` in doc.text
    end: int
    speaker: str | None  # canonical in-article name; None when unknown
    speaker_span: Span | None  # the mention the quote hangs on ("he", "Sir Keir")
    cue: Span | None  # "told ITV", "said", "according to"
    kind: str  # "direct" | "partial" | "indirect"
    confidence: float
    method: str  # rule that produced the attribution, "quotes.<rule>"


@dataclass(slots=True)
class _Attribution:
    speaker_tok: Token | None
    cue: tuple[int, int] | None  # token range
    method: str
    confidence: float
    inherit: Quote | None = None  # copy speaker from this earlier quote
    label: tuple[int, int] | None = None  # token range of a transcript line's "WALLACE:"


class _Context:
    """Token lookups by character offset, shared by all quotes of one document."""

    def __init__(self, doc: Doc, spans: list[QuoteSpan]) -> None:
        self.doc = doc
        self.text = text = doc_text(doc)
        self.starts = token_starts(doc)
        self.newlines = [m.start() for m in _NEWLINE.finditer(text)]
        self.person_words: set[str] | None = None
        quoted = [False] * len(doc)
        for q in spans:
            hi = (q.close_at + 1) if q.close_at is not None else q.end
            for i in range(self.tok_at(q.open_at), self.tok_at(hi)):
                quoted[i] = True
        self.quoted = quoted

    def tok_at(self, char: int) -> int:
        """Index of the first token starting at or after ``char``."""
        return bisect.bisect_left(self.starts, char)

    def tokens(self, lo: int, hi: int, limit: int | None = None) -> list[Token]:
        """Tokens starting in [lo, hi), at most the first ``limit`` of them."""
        first, last = self.tok_at(lo), self.tok_at(hi)
        if limit is not None:
            last = min(last, first + limit)
        return [self.doc[i] for i in range(first, last)]

    def para(self, pos: int) -> tuple[int, int]:
        n = bisect.bisect_left(self.newlines, pos)
        lo = self.newlines[n - 1] + 1 if n else 0
        return lo, (self.newlines[n] if n < len(self.newlines) else len(self.text))

    def span(self, lo: int, hi: int) -> Span:
        doc = self.doc
        a, b = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text)
        return Span(a, b, self.text[a:b])


def _local_before(text: str, lo: int, open_at: int) -> str:
    """Text of the current sentence before the opening mark."""
    before = text[lo:open_at]
    # ''NYT-style'' pairs: the second mark of the previous quote's closing pair.
    before = before.lstrip("'’\x01")
    last = None
    for m in _SENT_END.finditer(before):
        last = m
    return (before[last.end() :] if last else before).strip()


def _leading_cue(ctx: _Context, lo: int, open_at: int) -> Token | None:
    first, seen = ctx.tok_at(lo), 0
    for i in range(ctx.tok_at(open_at) - 1, first - 1, -1):
        if ctx.quoted[i]:
            continue
        t = ctx.doc[i]
        if t.text in (".", "!", "?"):
            # The cue of the sentence before belongs to its own speaker: "…, said Ireland coach
            # Ronan Keane. France coach Lucien Barthe disagreed: “…”" is Barthe's.
            break
        if t.tag_ == "VBN" and t.dep_ == "acl":
            # "said in a statement read by police:": a participle describing a noun is no act
            # of speech; the finite cue before it is.
            continue
        if is_cue(t) or _according(t):
            return t
        seen += 1
        if seen == LEADING_WINDOW:
            break
    return None


def _trailing_cue(ctx: _Context, after: int, hi: int) -> Token | None:
    toks = ctx.tokens(after, hi, TRAILING_WINDOW)
    for n, t in enumerate(toks):
        if ctx.quoted[t.i]:
            break
        if t.text in (".", "!", "?") or "\n" in t.text:
            break
        if t.lower_ == "according" and n + 1 < len(toks) and toks[n + 1].lower_ == "to":
            return t
        if is_cue(t) or _cue_noun(t):
            return t
    return None


def _cue_noun(t: Token) -> bool:
    """ "…,” the two write.", "…,” a voice-over in the ad states.": a finite cue verb closing
    the sentence that the tagger read as a noun."""
    nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    return (
        t.pos_ == "NOUN"
        and t.text in CUE_NOUN_FORMS
        and t.i > 0
        and t.doc[t.i - 1].pos_ in ("NOUN", "PROPN", "NUM", "PRON")
        and (nxt is None or nxt.text in (".", ",", ";"))
    )


def _subject_only(ctx: _Context, lo: int, hi: int) -> bool:
    """Are tokens [lo, hi) a bare noun phrase (no verb, no sentence break)?"""
    toks = [t for t in ctx.doc[lo:hi] if not t.is_space]
    return bool(toks) and all(
        t.pos_ not in ("VERB", "AUX") and t.text not in (".", "!", "?", ";") and not ctx.quoted[t.i]
        for t in toks
    )


def _trailing_verb(ctx: _Context, after: int, hi: int) -> _Attribution | None:
    """ "…,” an angry Hollande retaliated.", "…,” Toomey fumed on Tuesday.", "…,” reacted
    Trump.", "…,” sighed Bill Harding, pointing at a field": a clause right after the quote
    whose verb is no cue verb of the lexicon but whose subject is somebody who can speak (a
    person, a group, a title, an ad or statement, "the 17-year-old"). The verb must come within
    `TRAILING_VERB_REACH` tokens of the quote; what follows it (an apposition, a participle)
    may run on."""
    toks: list[Token] = []
    for t in ctx.tokens(after, hi, TRAILING_WINDOW):
        if ctx.quoted[t.i] or t.text in (".", "!", "?", ";") or "\n" in t.text:
            break
        toks.append(t)
    verbs = [
        t
        for t in toks[:TRAILING_VERB_REACH]
        if t.pos_ == "VERB" and t.tag_ in ("VBD", "VBZ", "VBP", "VBN")
    ]
    if not verbs:
        return None
    verb = verbs[0]
    lo = toks[0].i
    inverted = verb.i == lo or (verb.i == lo + 1 and toks[0].is_punct)
    if verb.tag_ == "VBN" and not inverted:
        return None
    if any(
        c.dep_ in ("auxpass", "nsubjpass", "ccomp", "xcomp") and not ctx.quoted[c.i]
        for c in verb.children
    ):
        return None
    if inverted:
        subj = inverted_speaker(verb, any_verb=True) if verb.i + 1 < len(ctx.doc) else None
        if subj is None or subj.pos_ != "PROPN":
            return None
        objects = [c for c in verb.children if c.dep_ in ("dobj", "obj") and not ctx.quoted[c.i]]
        if any(o.i != subj.i and o.i not in {t.i for t in subj.subtree} for o in objects):
            return None
    else:
        if any(c.dep_ in ("dobj", "obj") and not ctx.quoted[c.i] for c in verb.children):
            return None
        between = [t for t in toks if t.i < verb.i and not t.is_punct]
        if not between or not _subject_only(ctx, lo, verb.i):
            return None
        subj = stretch_head(between)
        if subj is None:
            return None
        described = between[0].lower_ in ("the", "a", "an") and all(
            t.pos_ in ("DET", "NUM", "ADJ", "NOUN") for t in between
        )
        if described:
            # "the 17-year-old beamed": the description itself, from its head.
            subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), subj)
        elif not (
            _speaker_like(subj) is not None or subj.lemma_.lower() in SOURCE_NOUNS
        ) or subj.lower_ in ("it", "this", "that"):
            return None
    return _Attribution(subj, (verb.i, verb.i + 1), "quotes.trailing-verb", CONF_CUE - 0.1)


def _according_subject(tok: Token) -> Token | None:
    for child in tok.doc[tok.i + 1].children:
        if child.dep_ == "pobj":
            return child
    nxt = tok.i + 2
    return tok.doc[nxt] if nxt < len(tok.doc) else None


def _from_cue(
    cue: Token, method: str, conf: float, quoted: list[bool], after: int | None = None
) -> _Attribution:
    """Attribution from a cue verb; ``after`` is the token right after the quote for a
    trailing cue, where the speaker sits between the quote and the verb if anywhere."""
    if cue.lower_ == "according":
        subj = _according_subject(cue)
        return _Attribution(subj, (cue.i, cue.i + 2), method, conf)
    if after is not None and after <= cue.i:
        between = [t for t in cue.doc[after : cue.i] if not quoted[t.i] and not t.is_space]
        head = stretch_head(between)
        # "…,'' since so many of the most important cases were decided 5-to-4, said Lee
        # Epstein": when what stands between quote and cue cannot speak, the name after does.
        if head is not None and not _can_speak(head) and cue.lemma_.lower() not in ADDRESSEE:
            inverted = inverted_speaker(cue)
            if inverted is not None and inverted.i > cue.i:
                return _Attribution(inverted, cue_range(cue), method, conf)
        if head is not None:
            return _Attribution(head, cue_range(cue), method, conf)
        # Nothing between the quote and the cue: the word order is inverted whatever the verb
        # ("…,” scoffed Dean Walsh").
        inverted = inverted_speaker(cue, any_verb=not between)
        if inverted is not None:
            return _Attribution(inverted, cue_range(cue), method, conf)
    subj, passive = cue_subject(cue, quoted)
    if subj is None and passive:
        # "He cautioned that the results needed to be confirmed: “…”": a passive cue inside
        # what a speech verb reports is that verb's content; its subject speaks.
        up = cue
        for _ in range(MAX_GOVERNING):
            if up.dep_ not in ("ccomp", "xcomp", "advcl", "conj") or up.head.i == up.i:
                break
            up = up.head
            if is_cue(up):
                said, _ = cue_subject(up, quoted)
                if said is not None:
                    return _Attribution(said, cue_range(up), method, conf)
                break
        return _Attribution(None, cue_range(cue), method + "-passive", CONF_PASSIVE)
    if subj is None:
        # "said Skelly, explaining …: “…”": the name after the cue the participle hangs on.
        up = cue.head if cue.dep_ in ("advcl", "conj", "xcomp") and is_cue(cue.head) else cue
        subj = inverted_speaker(up)
    if subj is None:
        # "As Akhil Amar, a professor at Yale, put it, “…”": the parser made the name the
        # object of "As".
        doc = cue.doc
        for i in range(cue.i - 1, max(cue.i - 25, 0) - 1, -1):
            if doc[i].text in (".", "!", "?") or "\n" in doc[i].text:
                break
            if doc[i].lower_ == "as" and not quoted[i]:
                named = [t for t in doc[i + 1 : cue.i] if not t.is_space and not quoted[t.i]]
                subj = stretch_head(named)
                break
    if subj is None and cue.tag_ == "VBG":
        # "…,'' Mr. Manafort said, adding of Mr. Trump, ''…''": the parser hung the
        # participle on the quote; the cue just before it speaks.
        doc = cue.doc
        for i in range(cue.i - 1, max(cue.i - 4, 0) - 1, -1):
            if doc[i].is_punct or quoted[i]:
                continue
            if is_cue(doc[i]) and doc[i].tag_ != "VBG":
                subj, _ = cue_subject(doc[i], quoted)
                if subj is None:
                    subj = inverted_speaker(doc[i])
            break
    if subj is None and cue.tag_ in ("VBD", "VBZ", "VBP") and cue.i > 0:
        # "Speaking in Leeds, the prime minister, Keir Starmer, said:": a finite cue always has
        # a subject; when the parser hung it elsewhere, the speaker-like noun ending right
        # before the verb is it.
        j = cue.i - 1
        if cue.doc[j].text == "," and j > 0:
            j -= 1
        left = cue.doc[j]
        if not quoted[j] and left.pos_ in ("PROPN", "NOUN") and _speaker_like(left) is not None:
            subj = left
    return _Attribution(subj, cue_range(cue), method, conf)


def _prev_para(text: str, lo: int) -> tuple[int, int] | None:
    end = lo - 1
    while end > 0 and text[end - 1] in "\n \t\r":
        end -= 1
    if end <= 0:
        return None
    start = text.rfind("\n", 0, end) + 1
    return start, end


def _embedded(ctx: _Context, local: str, lo: int, open_at: int, before: Token | None) -> bool:
    """Does the quote sit inside a sentence of the reporter's (a partial quote)?

    Not when it opens its sentence, follows a colon, or follows its own cue ("he said, “…",
    "the post stating “…"). A comma after a subordinate clause ("said that if he won, “…")
    leaves the quote inside reported speech.
    """
    if not local:
        return False
    if _is_headline(local):
        return False
    if before is not None and is_cue(before):
        lemma = before.lemma_.lower()
        return (
            lemma in NAMING_LEMMAS
            or lemma in NAMING_PARTICIPLES
            or (before.i > 0 and before.doc[before.i - 1].text in ("-", "so"))
        )
    if local.endswith((":", "—", "–")):
        return False
    if not local.endswith(","):
        return True
    toks = [t for t in ctx.tokens(lo, open_at) if not ctx.quoted[t.i]]
    last_cue = max((n for n, t in enumerate(toks) if is_cue(t) or _according(t)), default=None)
    if last_cue is None:
        # ", “…" right after an earlier quote in the paragraph: the split-quote pattern.
        return not _after_quote(ctx, lo)
    subs = [t for t in toks[last_cue + 1 :] if t.lower_ in SUBORDINATORS]
    if not subs:
        return False
    if not _opens_capital(ctx.text, open_at):
        return True
    first = subs[0]
    return first.lower_ in COMPLEMENTIZERS and first.dep_ == "mark"


def _mixed(text: str, plo: int, open_at: int) -> bool:
    """A lower-case quote finishing a sentence the reporter began: "An economic downturn, he
    said, “could be a good time to borrow”" is a mixed quote, not the speaker's own sentence.

    Not when the sentence itself opened with a quote ("“Most tried,” he said, “but …”"): that
    is one quoted sentence split around its attribution.
    """
    if _opens_capital(text, open_at):
        return False
    return text[_sentence_start(text, plo, open_at) : open_at].lstrip()[:1] not in OPEN_QUOTE_CHARS


def _sentence_start(text: str, plo: int, pos: int) -> int:
    """Start of the sentence holding ``pos``; a period after "Mr" or an initial ends none.
    Looks back at most `MAX_SENTENCE_CHARS`: each quote of a huge paragraph would otherwise
    scan it from the top."""
    plo = max(plo, pos - MAX_SENTENCE_CHARS)
    sent = plo
    for m in _SENT_END.finditer(text, plo, pos):
        word = text[max(plo, m.start() - 12) : m.start()].rsplit(None, 1)[-1:]
        if word and (word[0].lower().lstrip("(") in ABBREVIATIONS or len(word[0]) == 1):
            continue
        sent = m.end()
    return sent


def _last_sentence(ctx: _Context, lo: int, hi: int) -> list[Token]:
    toks = [t for t in ctx.tokens(lo, hi) if not ctx.quoted[t.i] and not t.is_space]
    cut = max((n for n, t in enumerate(toks[:-1]) if t.text in (".", "!", "?")), default=-1)
    return toks[cut + 1 :]


def _colon_subject(ctx: _Context, lo: int, hi: int) -> Token | None:
    """Who speaks after a colon with no cue verb: the subject of the clause before it ("She
    then addressed the supporters again: “…”"), or a bare name ("Trump: ‘I’m the worst …’")."""
    toks = _last_sentence(ctx, lo, hi)
    words = [t for t in toks if not t.is_punct]
    if not words:
        return None
    inside = {t.i for t in toks}
    root = next((t for t in toks if t.head.i not in inside or t.head.i == t.i), None)
    if root is not None and root.pos_ in ("VERB", "AUX"):
        for child in root.children:
            if child.dep_ == "nsubj" and child.pos_ in ("PROPN", "PRON", "NOUN"):
                found = _speaker_like(child)
                if found is None:
                    # "His neighbour Sue Dyer was blunter:": the name the description heads.
                    found = next(
                        (
                            c
                            for c in child.children
                            if c.dep_ == "appos" and c.ent_type_ == "PERSON"
                        ),
                        None,
                    )
                return found
        return None
    if len(words) <= 6 and any(t.pos_ == "PROPN" or _named_elsewhere(ctx, t) for t in words):
        return stretch_head(words)
    return None


def _can_speak(tok: Token) -> bool:
    """A person, a group, a title, a pronoun or a text that talks ("the statement")."""
    return _speaker_like(tok) is not None or tok.lemma_.lower() in SOURCE_NOUNS


def _named_elsewhere(ctx: _Context, tok: Token) -> bool:
    """ "Trump: '…'": a capitalised word the tagger took for a common noun here but that the
    article uses as a name elsewhere."""
    if tok.pos_ != "NOUN" or not tok.text[:1].isupper():
        return False
    if ctx.person_words is None:
        ctx.person_words = {t.text for t in ctx.doc if t.ent_type_ == "PERSON"}
    return tok.text in ctx.person_words


def _speaker_like(tok: Token) -> Token | None:
    if tok.pos_ == "PRON":
        return tok if tok.lower_ in ("he", "she", "they", "i", "we") else None
    if tok.pos_ == "PROPN" or tok.ent_type_ in ("PERSON", "ORG", "NORP"):
        return tok
    return tok if tok.lower_ in TITLE_HEADS or tok.lemma_.lower() in GROUP_NOUNS else None


def _para_subject(ctx: _Context, lo: int, hi: int) -> Token | None:
    """The person a quote-less paragraph was about, for an uncued quote paragraph after it."""
    toks = _last_sentence(ctx, lo, hi)
    inside = {t.i for t in toks}
    root = next((t for t in toks if t.head.i not in inside or t.head.i == t.i), None)
    if root is None:
        return None
    for child in root.children:
        if child.dep_ == "nsubj":
            tok = _speaker_like(child)
            if tok is not None and (tok.pos_ == "PRON" or tok.ent_type_ == "PERSON"):
                return tok
    return None


def _title_like(quoted: str) -> bool:
    """ "Orange Is the New Black", "DIVISIVE, STUPID AND WRONG": a title or a subhead, which
    with no cue near it is nobody's words."""
    words = [w.strip(".,:;!?'\"“”‘’()") for w in quoted.split()]
    words = [w for w in words if w]
    if not words or len(words) > 10 or quoted.rstrip().endswith((".", "?", "!")):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in TITLE_SMALL for w in words)


def _modifier_quote(ctx: _Context, q: QuoteSpan) -> bool:
    """ "its “air angels” effort": a quoted phrase between a determiner and the noun it
    modifies names a thing; it is not the subject's words."""
    if q.close_at is None or len(ctx.text[q.start : q.end].split()) < 2:
        return False  # a single word ("a “senseless” hope") is still the speaker's
    i, j = ctx.tok_at(q.open_at), ctx.tok_at(q.close_at + 1)
    if i < 1 or j >= len(ctx.doc):
        return False
    before = ctx.doc[i - 1]
    after = next((t for t in ctx.doc[j : j + 2] if not t.is_punct), None)
    return (
        before.pos_ in ("DET", "PRON")
        and before.lower_ in ("its", "his", "her", "their", "our", "the", "a", "an", "this")
        and after is not None
        and after.pos_ == "NOUN"
        and after.idx == q.close_at + 2
    )


def _title_aside(ctx: _Context, q: QuoteSpan, local: str, after: int, phi: int) -> bool:
    """A title-cased quote after a comma or a cue whose sentence runs on in lower case with no
    cue of its own: a title or a slogan standing in the reporter's sentence, not a quote the
    cue before it introduces (that one opens a sentence of its own: "he said, “We Won.”")."""
    if local.endswith(":") or q.close_at is None:
        return False
    if not _title_in_sentence(ctx.text[q.start : q.end]):
        return False
    rest = ctx.text[after:phi].lstrip(" ,")
    return rest[:1].islower() and _trailing_cue(ctx, after, phi) is None


def _names_thing(ctx: _Context, q: QuoteSpan, cue: Token | None) -> bool:
    """Is the quoted phrase the name of a thing, not words somebody said? Three shapes:

    - a naming participle or noun right before it, with no agent after it: 'the site, dubbed
      “Space Hub Sutherland”', 'a practice known as “shrinkflation”', 'known by the nickname
      “Slim”' (but 'was called “a masterpiece” by one reviewer' is the reviewer's words);
    - a naming verb whose quoted object is capitalised like a name: 'calls its customers
      “Pennies”';
    - a noun phrase whose determiner stands outside the marks: 'the “year of efficiency”',
      'a new “discharge lounge”' (a lone quoted word, 'a “senseless” hope', and 'called it a
      “witch hunt”' stay the speaker's).
    """
    doc = ctx.doc
    i = ctx.tok_at(q.open_at) - 1
    if i < 0 or q.close_at is None:
        return False
    words = [t for t in ctx.tokens(q.start, q.end) if not t.is_punct and not t.is_space]
    if not words:
        return False
    prev = doc[i]
    if prev.lower_ == "as" and i > 0:
        prev = doc[i - 1]
    lemma = prev.lemma_.lower()
    if lemma in NAMING_NOUNS and prev.pos_ == "NOUN":
        return True
    if prev.tag_ == "VBN" and (lemma in NAMING_LEMMAS or lemma in NAMING_PARTICIPLES):
        passive = any(c.dep_ in ("auxpass", "aux") for c in prev.children)
        if not passive and not _agent_after(ctx, q):
            return True
    if (
        cue is not None
        and cue.lemma_.lower() in NAMING_LEMMAS
        and all(w.text[:1].isupper() or w.lower_ in TITLE_SMALL for w in words)
    ):
        return True
    if len(words) < 2 or any(w.pos_ in ("VERB", "AUX") for w in words):
        return False
    j = i
    adjectives = 0
    while j >= 0 and doc[j].pos_ == "ADJ" and not ctx.quoted[j]:
        j -= 1
        adjectives += 1
    if j < 0 or ctx.quoted[j] or words[0].pos_ == "DET":
        return False
    det = doc[j]
    if det.lower_ in DEFINITE_DETS:
        return True
    return det.lower_ in ("a", "an") and adjectives > 0


def _agent_after(ctx: _Context, q: QuoteSpan) -> bool:
    """ "“…” by The Stage": an agent right after the quote names who said it."""
    assert q.close_at is not None
    nxt = ctx.text[q.close_at + 1 : q.close_at + 6].lstrip(" ,")
    return nxt.startswith("by ")


def _title_in_sentence(quoted: str) -> bool:
    body = quoted.replace("…", " ").strip().rstrip(".,;:!?")
    words = [w for w in (w.strip("'\"“”‘’()…") for w in body.split()) if w]
    return len(words) >= 2 and _title_like(body)


def _subhead(quoted: str) -> bool:
    """ "'All Bets Are Off.'" alone on its line: a section heading in quote marks (NYT)."""
    words = quoted.rstrip(".").split()
    if _SIGN_OFF.match(quoted):
        return True
    if len(words) < 3:
        # "Related", "Opening Belle": a link label or a title, not a spoken sentence.
        return _title_like(quoted) and not quoted.rstrip().endswith((",", "!", "?", "."))
    return _title_like(quoted.rstrip("."))


def _is_headline(local: str) -> bool:
    """An all-capitals line before the quote: a digest headline, not the reporter's sentence."""
    letters = [c for c in local if c.isalpha()]
    return len(letters) >= 8 and all(c.isupper() for c in letters)


def _opens_capital(text: str, open_at: int) -> bool:
    for c in text[open_at + 1 : open_at + 40]:
        if c.isalpha():
            return c.isupper()
        if c.isdigit():
            return True
    return False


def _according(tok: Token) -> bool:
    nxt = tok.i + 1
    return tok.lower_ == "according" and nxt < len(tok.doc) and tok.doc[nxt].lower_ == "to"


def _after_quote(ctx: _Context, lo: int) -> bool:
    return lo > 0 and ctx.text[lo - 1] in "”’\"'»\x01"


def _transcript(ctx: _Context, q: QuoteSpan, plo: int) -> _Attribution | None:
    """A paragraph opening "WALLACE: …" (marked or, in a transcript, not) names its own
    speaker; "Q:"/"A:" name none, and neither does "VIDEO:" in a run of quoted paragraphs, but
    the previous speaker is not carried across any of them. The label stays in the quote's
    text, as PolNeAR's gold keeps it."""
    pre = ctx.text[plo : q.open_at]
    if pre.strip():
        # 'WALLACE: “Will she be there?”': the label before the marks.
        m = transcript_label(ctx.text, plo + len(pre) - len(pre.lstrip()))
        if m is None or m.end() != q.open_at or not is_speaker_label(m.group(1)):
            return None
    else:
        m = transcript_label(ctx.text, q.start)
    if m is None:
        return None
    if not is_speaker_label(m.group(1)):
        if q.continued:
            return _Attribution(None, None, "quotes.transcript", CONF_UNATTRIBUTED)
        return None
    if m.group(1).rstrip(".") == "A":
        # The answers of a "Q:"/"A:" interview are the interviewee's: the person its
        # introduction names first ("The chef Amara Nwosu opened … We asked her …").
        return _Attribution(_interviewee(ctx), None, "quotes.transcript", CONF_CUE)
    if m.group(1).rstrip(".") == "Q":
        return _Attribution(None, None, "quotes.transcript", CONF_CUE)
    lo, hi = ctx.tok_at(m.start(1)), ctx.tok_at(m.end(1))
    if hi <= lo:
        return None
    return _Attribution(None, None, "quotes.transcript", CONF_CUE, label=(lo, hi))


def _interviewee(ctx: _Context) -> Token | None:
    """The first person named before the first "Q:" line, when the article has one."""
    first_q = _FIRST_QUESTION.search(ctx.text)
    if first_q is None:
        return None
    end = ctx.tok_at(first_q.start())
    return next((e.root for e in ctx.doc.ents if e.label_ == "PERSON" and e.end <= end), None)


def _attribute(
    ctx: _Context, q: QuoteSpan, spans: list[QuoteSpan], n: int, done: list[Quote]
) -> tuple[_Attribution, str]:
    text = ctx.text
    plo, phi = ctx.para(q.open_at)
    label = _transcript(ctx, q, plo)
    if label is not None:
        return label, "direct"
    # Spans are in text order: the one before is the only candidate.
    prev_in_para = (spans[n - 1], done[-1]) if n and done and spans[n - 1].open_at >= plo else None
    lo = plo
    if prev_in_para is not None and prev_in_para[0].close_at is not None:
        lo = prev_in_para[0].close_at + 1
    local = _local_before(text, lo, q.open_at)
    toks_in = [t for t in ctx.tokens(q.open_at, q.end) if not t.is_space]
    before_tok = ctx.doc[ctx.tok_at(q.open_at) - 1] if ctx.tok_at(q.open_at) > 0 else None
    embedded = _embedded(ctx, local, lo, q.open_at, before_tok)
    kind = "partial" if embedded else "direct"
    after = (q.close_at + 1) if q.close_at is not None else q.end
    tail = text[q.start : q.end].rstrip()
    open_end = tail.endswith(OPEN_ENDINGS) or text[after : after + 1] in (",", "—")

    if embedded:
        cue, interviewer = chain_cue(toks_in)
        if interviewer:
            return _Attribution(None, None, "quotes.interviewer-echo", CONF_INTERVIEWER), kind
        if _title_in_sentence(tail) or _modifier_quote(ctx, q) or _names_thing(ctx, q, cue):
            # 'said on “Meet the Press.”', 'a project called “Hebron Smart City.”': a title or a
            # name in quote marks, not the speaker's words.
            return _Attribution(None, None, "quotes.scare", CONF_SCARE), kind
        if cue is not None:
            return _from_cue(cue, "quotes.partial-cue", CONF_PARTIAL, ctx.quoted), kind
        if open_end:
            cue = _trailing_cue(ctx, after, phi)
            if cue is not None:
                return _from_cue(
                    cue, "quotes.trailing-cue", CONF_PARTIAL, ctx.quoted, ctx.tok_at(after)
                ), kind
        return _Attribution(None, None, "quotes.scare", CONF_SCARE), kind

    whole_para = not text[plo : q.open_at].strip() and not text[after:phi].strip(" .\u00a0\t")
    if whole_para and _subhead(tail):
        return _Attribution(None, None, "quotes.unattributed", CONF_SCARE), kind
    if q.continued and done:
        # A paragraph of a multi-paragraph quote with its own cue ("…,” Obama said.) hangs on it.
        cue = _trailing_cue(ctx, after, phi) if open_end else None
        if cue is not None:
            return _from_cue(
                cue, "quotes.trailing-cue", CONF_CUE, ctx.quoted, ctx.tok_at(after)
            ), kind
        return _Attribution(None, None, "quotes.continuation", CONF_CONTINUATION, done[-1]), kind
    if local.endswith((":", ",")) or (before_tok is not None and is_cue(before_tok)):
        cue = _leading_cue(ctx, lo, q.open_at)
        if cue is not None and _title_aside(ctx, q, local, after, phi):
            # 'her new book, “The Salt Orchard,” at the library', 'placards reading “Hands Off
            # Our Services” and …': a title in a sentence that goes on, no cue after it.
            return _Attribution(None, None, "quotes.scare", CONF_SCARE), kind
        if cue is not None:
            if local.endswith(",") and _mixed(text, plo, q.open_at):
                return _from_cue(cue, "quotes.mixed-cue", CONF_PARTIAL, ctx.quoted), "partial"
            return _from_cue(cue, "quotes.cue-colon", CONF_CUE, ctx.quoted), kind
    if local.endswith(":") and not open_end:
        subj = _colon_subject(ctx, lo, q.open_at)
        if subj is not None:
            return _Attribution(subj, None, "quotes.colon-subject", CONF_COLON), kind
    credit = _DASH_CREDIT.match(text, after, phi)
    if credit is not None:
        toks = [t for t in ctx.tokens(credit.start(1), credit.end(1)) if t.pos_ == "PROPN"]
        if toks:
            return _Attribution(toks[-1], None, "quotes.dash-credit", CONF_CUE), kind
    if open_end:
        cue = _trailing_cue(ctx, after, phi)
        if cue is not None:
            if local.endswith(",") and _mixed(text, plo, q.open_at):
                # "With thousands of systems, “there is no single point of failure,” he said.":
                # the reporter began the sentence the quote finishes.
                kind = "partial"
            return _from_cue(
                cue, "quotes.trailing-cue", CONF_CUE, ctx.quoted, ctx.tok_at(after)
            ), kind
    earlier = None
    for back in range(1, min(n, len(done)) + 1):  # this paragraph's quotes, last first
        s, d = spans[n - back], done[-back]
        if s.open_at < plo:
            break
        if d.kind == "direct" and d.confidence >= CONF_PARTIAL:
            earlier = d
            break
    if earlier is not None:
        # "…until you prove to people” that border security is working, he said.": the
        # sentence the quote runs into has its own cue.
        if text[after : after + 2].strip()[:1].islower():
            cue = _trailing_cue(ctx, after, phi)
            if cue is not None:
                return _from_cue(
                    cue, "quotes.trailing-cue", CONF_CUE, ctx.quoted, ctx.tok_at(after)
                ), kind
        return _Attribution(None, None, "quotes.split", CONF_SPLIT, earlier), kind
    at_para_start = not text[plo : q.open_at].strip()
    if at_para_start:
        prev = _prev_para(text, plo)
        if prev is not None and text[prev[0] : prev[1]].rstrip().endswith(":"):
            cue = _leading_cue(ctx, prev[0], prev[1])
            if cue is not None:
                return _from_cue(cue, "quotes.cue-colon", CONF_CUE, ctx.quoted), kind
            subj = _colon_subject(ctx, prev[0], prev[1])
            if subj is not None:
                return _Attribution(subj, None, "quotes.colon-subject", CONF_COLON), kind
        rest = text[after:phi].strip(" .,\u00a0\t")
        if prev is not None and (not rest or rest[0] in "“‘\"'"):
            # The last attributed quote of the previous paragraph, partial ones included
            # ("…,” Trump said, saying she would “abolish” it.  ¶ “Although …”).
            last = None
            for d in reversed(done):  # in text order: stop before the previous paragraph
                if d.end < prev[0]:
                    break
                if d.speaker_span is not None:
                    last = d
                    break
            if last is not None and last.confidence >= CONF_PARTIAL:
                return _Attribution(None, None, "quotes.follow-on", CONF_FOLLOW_ON, last), kind
            if not done or done[-1].end < prev[0]:
                subj = _para_subject(ctx, prev[0], prev[1])
                if subj is not None:
                    return _Attribution(subj, None, "quotes.para-subject", CONF_PARA), kind
    # Quote then cue in the same sentence without a comma ("…” he said.), or a lone head cue.
    # "…” the Post's senior politics editor Steven Ginsberg responded.": a longer subject.
    cue = _trailing_cue(ctx, after, phi)
    if cue is not None and (
        cue.i - ctx.tok_at(after) <= 3 or _subject_only(ctx, ctx.tok_at(after), cue.i)
    ):
        return _from_cue(
            cue, "quotes.trailing-cue", CONF_CUE - 0.1, ctx.quoted, ctx.tok_at(after)
        ), kind
    if open_end or text[after : after + 2].strip()[:1].islower():
        att = _trailing_verb(ctx, after, phi)
        if att is not None:
            return att, kind
    cue, interviewer = chain_cue(toks_in)
    if cue is not None and not interviewer:
        return _from_cue(cue, "quotes.head-cue", CONF_PARTIAL, ctx.quoted), kind
    words = len(tail.split())
    conf = CONF_UNATTRIBUTED if words >= 4 and not _title_like(tail) else CONF_SCARE
    if whole_para and conf == CONF_UNATTRIBUTED and q.close_at is not None:
        att = _next_sentence_cue(ctx, phi)
        if att is not None:
            return att, kind
    return _Attribution(None, None, "quotes.unattributed", conf), kind


def _next_sentence_cue(ctx: _Context, phi: int) -> _Attribution | None:
    """A quote paragraph whose speaker the next sentence names: "That was how Maria Costa
    described the explosion", "So says Alasdair MacLeod, 84", "The words were spoken by union
    leader Declan Murphy". The cue there reports nothing of its own (no clause of reported
    speech, no quote in its sentence), so what it reports is the quote before it."""
    text = ctx.text
    start = phi
    while start < len(text) and text[start] in "\n \t\r\u00a0":
        start += 1
    if start >= len(text):
        return None
    sentence: list[Token] = []
    for t in ctx.tokens(start, ctx.para(start)[1]):
        if ctx.quoted[t.i] or t.text in ("“", "”", '"', "‘"):
            return None
        if t.text in (".", "!", "?", ";"):
            break
        sentence.append(t)
    cue = next((t for t in sentence if is_cue(t) and t.pos_ in ("VERB", "AUX")), None)
    if cue is None or any(c.dep_ in ("ccomp", "xcomp") for c in cue.children):
        return None
    att = _from_cue(cue, "quotes.next-sentence", CONF_NEXT, ctx.quoted)
    tok = att.speaker_tok
    if tok is None or tok.pos_ not in ("PROPN", "NOUN") or _speaker_like(tok) is None:
        return None
    return att


def extract_quotes(doc: Doc) -> list[Quote]:
    """Quotes of ``doc`` in text order; scare quotes come back with no speaker, low confidence.

    Reported speech (kind "indirect": "Sir Keir insisted that any members …") comes after the
    quoted spans are attributed, so it never changes who a direct quote is given to.
    """
    text = doc_text(doc)
    spans = transcript_lines(text, doc_quote_spans(doc))
    ctx = _Context(doc, spans)
    said = tokens_where(doc, "LEMMA", lambda lemma: lemma.lower() in INDIRECT_LEMMAS)
    cues = [doc[i] for i in said if not ctx.quoted[i]]
    if not spans and not cues:
        return []
    # The article index is the costly part; articles with neither quotes nor speech verbs skip it.
    index: ArticleIndex = build_index(doc, ctx.quoted)
    out = _echoes(_direct_quotes(ctx, spans, index)) if spans else []
    indirect = _indirect_quotes(ctx, index, cues)
    if not indirect:
        return out
    return sorted([*out, *indirect], key=lambda q: (q.start, q.end))


def doc_quotes(doc: Doc) -> list[Quote]:
    """The quote layer: `extract_quotes`, with a cue's speaker that the resolver could not place
    named as written when it is a proper name ("PETA said"), made once per Doc
    (``Doc._.quotes``)."""

    def make() -> list[Quote]:
        return [
            q if q.speaker or not q.cue else replace(q, speaker=proper_name(doc, q.speaker_span))
            for q in extract_quotes(doc)
        ]

    quotes: list[Quote] = cached(doc, "quotes", make)
    return quotes


def _stems(text: str) -> list[str]:
    """Words of a quote folded for matching: lower case, accents and a plural "s" dropped
    ("naïve" = "naive", "interests" = "interest")."""
    folded = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[\w']+", folded)]


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


def _echoes(quotes: list[Quote]) -> list[Quote]:
    """A partial quote with no speaker whose words an attributed quote of the article says
    gets that quote's speaker: a lede's “naïve and gauche” is Ed Balls's once the article
    quotes him saying “It's naive and gauche …”. Only when every matching quote has the same
    speaker; single common words never match."""
    sources = [
        (q, _stems(q.text))
        for q in quotes
        if q.speaker and q.confidence >= CONF_PARTIAL and q.method != "quotes.echo"
    ]
    if not sources:
        return quotes
    out: list[Quote] = []
    for q in quotes:
        part = _stems(q.text)
        # A direct quote no cue attributes may be a pull quote or a headline repeating the
        # body's words ("‘We were never told …’" above "“We were never told …,” said Carla
        # Mendes"): it is that speaker's when it is a sentence long.
        pulled = (
            q.kind == "direct"
            and q.method == "quotes.unattributed"
            and not _title_in_sentence(q.text)
        )
        # "Mayor: ‘The trams will run by Christmas’": a headline quote whose speaker is a bare
        # title keeps its mention and takes the name of the body quote it repeats.
        titled = (
            q.kind == "direct"
            and q.speaker is not None
            and q.speaker.lower() in TITLE_HEADS
            and len(part) >= ECHO_MIN_PULLED
        )
        if titled:
            hits = [s for s, words in sources if s is not q and _contains(words, part)]
            named = {h.speaker for h in hits if h.speaker and h.speaker.lower() not in TITLE_HEADS}
            if len(named) == 1:
                out.append(replace(q, speaker=named.pop()))
                continue
        if (
            q.speaker is not None
            or (q.kind != "partial" and not pulled)
            or q.method not in ECHO_METHODS
            or not part
            or (pulled and len(part) < ECHO_MIN_PULLED)
            or (len(part) == 1 and (len(part[0]) < ECHO_MIN_WORD or part[0] in ECHO_STOPWORDS))
            # A lone capitalised word ("“Carmen”") is a name or a title, not a word echoed.
            or (len(part) == 1 and q.text.strip(" .,;:!?")[:1].isupper())
        ):
            out.append(q)
            continue
        hits = [src for src, words in sources if src is not q and _contains(words, part)]
        names = {src.speaker for src in hits}
        if len(names) != 1:
            out.append(q)
            continue
        src = next((h for h in hits if h.kind == "direct"), hits[0])
        out.append(
            Quote(
                text=q.text,
                start=q.start,
                end=q.end,
                speaker=src.speaker,
                speaker_span=src.speaker_span,
                cue=src.cue,
                kind=q.kind,
                confidence=CONF_ECHO,
                method="quotes.echo",
            )
        )
    return out


def _indirect_quotes(ctx: _Context, index: ArticleIndex, cues: list[Token]) -> list[Quote]:
    """Reported speech: a speech verb with a clausal complement outside any quotation marks.

    ``text`` is the reported clause without its "that"; the speaker is the verb's subject.
    """
    doc = ctx.doc
    out: list[Quote] = []
    for t in cues:
        if not is_cue(t):
            continue
        # "did not say how …", "to explain why …": nothing was asserted.
        if any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ == "to") for c in t.children):
            continue
        plo, phi = ctx.para(t.idx)
        for clause in t.children:
            if clause.dep_ != "ccomp" or ctx.quoted[clause.i]:
                continue
            lo, hi = clause.left_edge.i, clause.right_edge.i + 1
            if clause.i < t.i and hi > t.i:
                continue
            while lo < hi and (doc[lo].lower_ == "that" and doc[lo].dep_ == "mark"):
                lo += 1
            while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
                hi -= 1
            while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
                lo += 1
            if hi - lo < MIN_INDIRECT_TOKENS or any(ctx.quoted[lo:hi]):
                continue
            if doc[lo].idx < plo or doc[hi - 1].idx >= phi:
                continue  # a headline run into the next paragraph by the parser
            subj, _ = cue_subject(t, ctx.quoted)
            if subj is not None and not plo <= subj.idx < phi:
                subj = None
            speaker: str | None = None
            speaker_span: Span | None = None
            if subj is not None and not (lo <= subj.i < hi) and _wordy(subj):
                slo, shi = np_span(subj)
                while doc[slo].idx < plo:
                    slo += 1
                speaker_span = ctx.span(slo, shi)
                speaker = resolve_speaker(doc, doc[slo:shi], index)
            span = ctx.span(lo, hi)
            out.append(
                Quote(
                    text=span.text,
                    start=span.start,
                    end=span.end,
                    speaker=speaker,
                    speaker_span=speaker_span,
                    cue=ctx.span(*cue_range(t)),
                    kind="indirect",
                    confidence=CONF_INDIRECT if speaker_span is not None else CONF_SCARE,
                    method="quotes.indirect",
                )
            )
    return out


def _wordy(tok: Token) -> bool:
    """A speaker mention has a letter or digit in it: a bad parse once made "." the speaker."""
    lo, hi = np_span(tok)
    return any(c.isalnum() for t in tok.doc[lo:hi] for c in t.text)


def _direct_quotes(ctx: _Context, spans: list[QuoteSpan], index: ArticleIndex) -> list[Quote]:
    doc = ctx.doc
    out: list[Quote] = []
    for n, q in enumerate(spans):
        att, kind = _attribute(ctx, q, spans, n, out)
        speaker: str | None = None
        speaker_span: Span | None = None
        cue_span: Span | None = None
        confidence = att.confidence
        if att.inherit is not None:
            speaker = att.inherit.speaker
            speaker_span = att.inherit.speaker_span
            cue_span = att.inherit.cue
            if att.inherit.speaker_span is None and att.inherit.confidence < CONF_PARTIAL:
                confidence = min(confidence, att.inherit.confidence)
        elif att.label is not None:
            speaker_span = ctx.span(*att.label)
            speaker = label_name(index, speaker_span.text)
        elif att.speaker_tok is not None and _wordy(att.speaker_tok):
            lo, hi = np_span(att.speaker_tok)
            sp = doc[lo:hi]
            speaker_span = ctx.span(lo, hi)
            speaker = resolve_speaker(doc, sp, index)
            note_speaker(index, sp, speaker)
        if att.cue is not None and att.inherit is None:
            cue_span = ctx.span(*att.cue)
        out.append(
            Quote(
                text=ctx.text[q.start : q.end],
                start=q.start,
                end=q.end,
                speaker=speaker,
                speaker_span=speaker_span,
                cue=cue_span,
                kind=kind,
                confidence=confidence,
                method=att.method,
            )
        )
    return out
