"""Quotation marks, the one home of every "is this inside quotation marks?" reading.

`find_quote_spans` pairs the marks of raw text, with apostrophe disambiguation, nesting, quotes
that run on into the next paragraph and quotes whose closing mark was lost: what the quote layer
attributes. Works on characters, not tokens, so it is independent of the tokenizer and cheap.
Only the outermost spans matter to the caller (a quote inside a quote is the speaker's words).

Two simpler readings are older than it and are kept as they are because stored layers and the
evaluations depend on them: `quoted_chars` (a paragraph scan, the events' "said inside quotes"
test) and `quoted_tokens` (a running state over characters, the entities' test for mentions and
pronouns inside quotes). Measured on the example and PolNeAR dev texts, they disagree with the
paired spans on 2.7% and 3.9% of tokens; replacing them is a quality change to make with the
evaluations, not a refactoring. (Cleaning, which has no parse, blanks quoted speech of one line
with a regex of its own: `storyline.clean.boilerplate.strip_quoted`.)

Each reading is made once per Doc and kept on it (`doc_quote_spans`, `doc_quoted_chars`,
`doc_quoted_tokens`: ``Doc._.quote_spans``, ``Doc._.quoted_chars``, ``Doc._.quoted_tokens``), so
every component that asks reads the same result.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.analyse.lang.extensions import cached
from storyline.analyse.lang.nlp import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "ALL_MARKS",
    "QuoteSpan",
    "doc_quote_spans",
    "doc_quoted_chars",
    "doc_quoted_tokens",
    "find_quote_spans",
    "paragraphs",
    "quoted_chars",
    "quoted_tokens",
    "trimmed",
]

# Families of marks: opening char -> closing chars that may end it.
CURLY_DOUBLE_OPEN = "“„"
CURLY_DOUBLE_CLOSE = "”"
CURLY_SINGLE_OPEN = "‘‚"
CURLY_SINGLE_CLOSE = "’"
GUILLEMET_OPEN = "«"
GUILLEMET_CLOSE = "»"
STRAIGHT_DOUBLE = '"'
STRAIGHT_SINGLE = "'"
ALL_MARKS = frozenset(
    CURLY_DOUBLE_OPEN
    + CURLY_DOUBLE_CLOSE
    + CURLY_SINGLE_OPEN
    + CURLY_SINGLE_CLOSE
    + GUILLEMET_OPEN
    + GUILLEMET_CLOSE
    + STRAIGHT_DOUBLE
    + STRAIGHT_SINGLE
)
# Characters after which a mark may open a quote ("(" "[" dashes, slashes, other quote marks).
OPEN_CONTEXT = " \t\n([{—–-/:;" + "“‘«\"'"
# Characters before which a mark may close a quote.
CLOSE_CONTEXT = " \t\n)]}.,;:!?…—–-/" + "”’»\"'"
# Elisions that start with an apostrophe and are never an opening quote ('90s, 'em, 'til).
LEADING_ELISIONS = ("em", "til", "cause", "bout", "n ", "tis", "twas")
# Stands in for the second apostrophe of a '' pair, so offsets stay put.
PAIR_FILLER = "\x01"
# Longest run of characters an unclosed single quote may hold before we call it an apostrophe.
MAX_UNCLOSED_SINGLE = 400
# "…or even what papers to keep, said Kessel, whose …": a quote whose closing mark was left out
# ends at the comma before its attribution (a cue verb before or after a name or pronoun),
# when that attribution opens the paragraph's last sentence.
_CUE_VERBS = (
    r"(?:said|says|added|adds|told|tells|explained|explains|noted|notes|wrote|writes|recalled"
    r"|recalls|continued|insisted|insists|argued|argues|warned|warns|stated|asked|asks)"
)
_NAME = r"(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*"
_LOST_CLOSE = re.compile(
    r",\s+(?:"
    + _CUE_VERBS
    + r"\s+(?:[A-Z]|the\s|a\s|an\s)"
    + r"|(?:he|she|they|we|I|"
    + _NAME
    + r")\s+"
    + _CUE_VERBS
    + r"\b|according\s+to\s)"
)
# Starts only where a run of spaces starts: tried inside a long run, the search was quadratic.
_CREDIT = re.compile(r"(?<!\s)\s+\[[^\[\]]{1,40}\]\.?\s*$")
_SPACES = re.compile(r"\s*")
# Nesting depth searched for the quote a closing mark closes: real quotes nest two or three
# deep, and a run of unclosed openers made every later mark walk all of them.
MAX_NESTING = 16
_NEW_SENTENCE = re.compile(r"[.!?]\s+[A-Z“‘\"']")


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """One outermost quoted stretch; ``start``/``end`` delimit the words, marks excluded."""

    open_at: int  # offset of the opening mark
    close_at: int | None  # offset of the closing mark; None when the quote runs on
    start: int
    end: int
    family: str  # "double" | "single" | "guillemet"
    continues: bool  # next paragraph re-opens the same quote (multi-paragraph convention)
    continued: bool  # this paragraph re-opened a quote left open by the previous one


def _family(ch: str) -> str:
    if ch in CURLY_DOUBLE_OPEN or ch in CURLY_DOUBLE_CLOSE or ch == STRAIGHT_DOUBLE:
        return "double"
    if ch in GUILLEMET_OPEN or ch in GUILLEMET_CLOSE:
        return "guillemet"
    return "single"


def _prev(text: str, i: int, lo: int) -> str:
    return text[i - 1] if i > lo else "\n"


def _next(text: str, i: int, hi: int) -> str:
    return text[i + 1] if i + 1 < hi else "\n"


def _can_open(text: str, i: int, lo: int, hi: int) -> bool:
    ch = text[i]
    if ch in CURLY_DOUBLE_OPEN or ch in GUILLEMET_OPEN:
        return True
    prev, nxt = _prev(text, i, lo), _next(text, i, hi)
    if ch in CURLY_SINGLE_OPEN:
        # ‘90s and ‘em are elisions typed with the wrong curl.
        return not (nxt.isdigit() and text[i + 1 : i + 4].rstrip("s").isdigit())
    if ch in (STRAIGHT_DOUBLE, STRAIGHT_SINGLE):
        if prev not in OPEN_CONTEXT or nxt.isspace():
            return False
        if ch == STRAIGHT_SINGLE:
            low = text[i + 1 : i + 6].lower()
            if nxt.isdigit() and text[i + 1 : i + 4].rstrip("s").isdigit():
                return False
            for e in LEADING_ELISIONS:
                tail = text[i + 1 + len(e) : i + 2 + len(e)]
                if low.startswith(e) and not tail.isalpha():
                    return False
        return True
    return False


def _can_close(text: str, i: int, lo: int, hi: int) -> bool:
    ch = text[i]
    if ch in CURLY_DOUBLE_CLOSE or ch in GUILLEMET_CLOSE:
        return True
    prev, nxt = _prev(text, i, lo), _next(text, i, hi)
    if ch == "“":
        # An opening curl glued to the word before it is a mistyped closer ("not,“ he said").
        return (
            not prev.isspace()
            and prev not in OPEN_CONTEXT
            and (nxt.isspace() or nxt in CLOSE_CONTEXT or nxt == "[")
        )
    if ch in CURLY_SINGLE_CLOSE or ch == STRAIGHT_SINGLE:
        # Between letters it is an apostrophe (don’t, I’ve, O’Brien).
        if prev.isalnum() and nxt.isalpha():
            return False
        return not prev.isspace() and (nxt in CLOSE_CONTEXT or nxt.isspace())
    if ch == STRAIGHT_DOUBLE:
        if nxt == PAIR_FILLER:
            # '' after a space closes when a space or punctuation follows the pair (''I hate
            # the term 'Manhattan poor,' '' she said).
            after = text[i + 2] if i + 2 < hi else "\n"
            return not prev.isspace() or after.isspace() or after in CLOSE_CONTEXT
        return not prev.isspace() or nxt.isspace()
    return False


def _possessive_like(text: str, i: int, lo: int, hi: int) -> bool:
    """Ministers’ pay: a plural possessive looks like a closing single quote."""
    prev, nxt = _prev(text, i, lo), _next(text, i, hi)
    if prev not in "sS" or nxt != " ":
        return False
    after = text[i + 2 : i + 3]
    return after.isalpha() and after.islower()


def _closes(open_ch: str, ch: str) -> bool:
    if open_ch in CURLY_DOUBLE_OPEN:
        return ch in CURLY_DOUBLE_CLOSE or ch == STRAIGHT_DOUBLE or ch == "“"
    if open_ch == STRAIGHT_DOUBLE:
        return ch == STRAIGHT_DOUBLE or ch in CURLY_DOUBLE_CLOSE
    if open_ch in CURLY_SINGLE_OPEN:
        return ch in CURLY_SINGLE_CLOSE or ch == STRAIGHT_SINGLE
    if open_ch == STRAIGHT_SINGLE:
        return ch == STRAIGHT_SINGLE or ch in CURLY_SINGLE_CLOSE
    if open_ch in GUILLEMET_OPEN:
        return ch in GUILLEMET_CLOSE
    return False


def _better_close_ahead(
    text: str, i: int, open_ch: str, lo: int, hi: int, memo: dict[tuple[str, int], bool]
) -> bool:
    """Is there a non-possessive closing mark for ``open_ch`` before the next opening one?

    ``memo`` holds the answer from each mark already passed, so a paragraph of possessives
    ("ministers’ pay … MPs’ pay …") is walked once, not once per possessive."""
    passed: list[int] = []
    found = False
    for j in range(i + 1, hi):
        ch = text[j]
        if ch not in ALL_MARKS:
            continue
        if _family(ch) != _family(open_ch):
            continue
        known = memo.get((open_ch, j))
        if known is not None:
            found = known
            break
        passed.append(j)
        if _closes(open_ch, ch) and _can_close(text, j, lo, hi):
            if not _possessive_like(text, j, lo, hi):
                found = True
                break
            continue
        if _can_open(text, j, lo, hi) and ch not in CURLY_SINGLE_CLOSE:
            break
    for j in passed:
        memo[(open_ch, j)] = found
    return found


def paragraphs(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append((pos, end))
        pos = end + 1
    return out


def _scan_paragraph(text: str, lo: int, hi: int) -> tuple[list[tuple[int, int]], int | None]:
    """Closed outermost pairs (open_at, close_at) in one paragraph, and an unclosed opener."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    memo: dict[tuple[str, int], bool] = {}
    for i in range(lo, hi):
        ch = text[i]
        if ch not in ALL_MARKS:
            continue
        top = text[stack[-1]] if stack else ""
        can_close = _can_close(text, i, lo, hi)
        # A mark closes the innermost open quote it can close; otherwise it may open one.
        closed = False
        if can_close:
            for depth in range(len(stack) - 1, max(len(stack) - 1 - MAX_NESTING, -1), -1):
                open_ch = text[stack[depth]]
                if not _closes(open_ch, ch):
                    continue
                if (
                    _family(ch) == "single"
                    and _possessive_like(text, i, lo, hi)
                    and _better_close_ahead(text, i, open_ch, lo, hi, memo)
                ):
                    break
                # Straight marks: only the innermost quote may be closed by them, or a ' in
                # ``don't`` inside a "..." would unwind the stack.
                if depth != len(stack) - 1 and ch in (STRAIGHT_SINGLE, CURLY_SINGLE_CLOSE):
                    break
                opener = stack[depth]
                del stack[depth:]
                if not stack:
                    pairs.append((opener, i))
                closed = True
                break
        if closed:
            continue
        if _can_open(text, i, lo, hi) and ch not in CURLY_SINGLE_CLOSE:
            if ch == top and ch in (STRAIGHT_DOUBLE, STRAIGHT_SINGLE):
                continue
            stack.append(i)
    unclosed: int | None = None
    if stack:
        first = stack[0]
        # A lone single opener far from any closer is an apostrophe or stray mark.
        if _family(text[first]) != "single" or hi - first <= MAX_UNCLOSED_SINGLE:
            unclosed = first
        # Closed quotes after the unclosed opener were nested inside it; drop them.
        if unclosed is not None:
            pairs = [p for p in pairs if p[0] < unclosed]
    return pairs, unclosed


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] == PAIR_FILLER):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Outermost quoted spans, one per paragraph piece, in text order.

    A quote left open at the end of a paragraph runs to the paragraph end; if the next paragraph
    starts with an opening mark of the same family it is a continuation (``continues``), the
    multi-paragraph convention of news copy. Each paragraph piece is reported separately.
    """
    out: list[QuoteSpan] = []
    # Some copy (the NYT archive) writes double quotes as two apostrophes: ''like this''.
    # Same-length substitution keeps every offset valid.
    text = text.replace("''", STRAIGHT_DOUBLE + PAIR_FILLER)
    paras = paragraphs(text)
    carried = False
    for n, (lo, hi) in enumerate(paras):
        pairs, unclosed = _scan_paragraph(text, lo, hi)
        spans: list[tuple[int, int | None]] = [(a, b) for a, b in pairs]
        continues = False
        if unclosed is not None:
            nxt_first = paras[n + 1][0] if n + 1 < len(paras) else None
            opener_para_start = unclosed == lo or text[lo:unclosed].strip() == ""
            if nxt_first is not None:
                stripped = _first_char(text, nxt_first)
                continues = (
                    bool(stripped)
                    and stripped in ALL_MARKS
                    and (_family(stripped) == _family(text[unclosed]))
                )
            before = text[lo:unclosed].rstrip()
            after_cue = before.endswith((":", ","))
            lost = _lost_close(text, unclosed, hi)
            if lost is not None:
                spans.append((unclosed, lost[0]))
                continues = False
                if lost[1] < hi:
                    # The quotes after the attribution, scanned afresh.
                    more, rest_open = _scan_paragraph(text, lost[1], hi)
                    spans.extend(more)
                    if rest_open is not None:
                        spans.append((rest_open, None))
                        nxt_first = paras[n + 1][0] if n + 1 < len(paras) else None
                        ahead = _first_char(text, nxt_first) if nxt_first is not None else ""
                        continues = ahead in ALL_MARKS and _family(ahead) == _family(
                            text[rest_open]
                        )
                        unclosed = rest_open
            elif continues or opener_para_start or after_cue:
                spans.append((unclosed, None))
        for a, b in sorted(spans, key=lambda p: p[0]):
            end = b if b is not None else _before_credit(text, a, hi)
            if b is not None and text[b] == ",":
                end, b = b + 1, b + 1  # no closing mark: the comma stays with the words
            s, e = trimmed(text, a + 1, end)
            if e <= s:
                continue
            out.append(
                QuoteSpan(
                    open_at=a,
                    close_at=b,
                    start=s,
                    end=e,
                    family=_family(text[a]),
                    continues=b is None and continues,
                    continued=carried and a == lo,
                )
            )
        carried = unclosed is not None and continues
    return out


def _first_char(text: str, pos: int) -> str:
    """The first non-space character from ``pos`` on ("" if none), without copying the rest."""
    start = _SPACES.match(text, pos)
    at = start.end() if start is not None else pos
    return text[at : at + 1]


def _before_credit(text: str, open_at: int, hi: int) -> int:
    """End of a quote left open to the paragraph end, before a digest's source credit
    ("… the District of Columbia. [Gallup.]")."""
    m = _CREDIT.search(text, open_at + 1, hi)
    return m.start() if m is not None and m.start() > open_at + 1 else hi


def _lost_close(text: str, open_at: int, hi: int) -> tuple[int, int] | None:
    """Where an unclosed quote really ends, if its attribution follows: the comma before the
    attribution, and where the paragraph goes on after the attribution's sentence (``hi``
    unless a new quote opens the next sentence: "…to keep, said Kessel. “We had …”")."""
    # Marks and sentence starts found once for the paragraph, so that each attribution-like
    # match costs a lookup, not a pass over the rest of the paragraph.
    marks = [j for j in range(open_at + 1, hi) if text[j] in ALL_MARKS]
    sentence: re.Match[str] | None = None
    searched_from = hi + 1

    def marked(a: int, b: int) -> bool:  # any mark in [a, b)
        k = bisect.bisect_left(marks, a)
        return k < len(marks) and marks[k] < b

    for m in _LOST_CLOSE.finditer(text, open_at + 1, hi):
        if m.start() - open_at < 12:
            continue
        if searched_from > m.end() or (sentence is not None and sentence.start() < m.end()):
            sentence = _NEW_SENTENCE.search(text, m.end(), hi)
            searched_from = m.end()
        if marked(m.end(), sentence.start() if sentence else hi):
            continue
        if sentence is None:
            return m.start(), hi
        resume = sentence.end() - 1
        if text[resume] in ALL_MARKS and not marked(m.end(), resume):
            return m.start(), resume
    return None


# The events' and entities' readings (see the module's docstring).
_PARA_OPENERS = {"“": "”", "‘": "’", "«": "»", "``": "''"}
_PARA_STRAIGHT = {'"'}
_REOPENERS = "“‘"
_STATE_MARKS = re.compile("[“‘`'’”\"\n]")


def quoted_chars(text: str) -> bytearray:
    """1 for every character inside quotation marks, marks included (the events' reading).

    A quote left open at the end of a paragraph runs to the paragraph's end (news style for
    quotes that continue in the next paragraph).
    """
    mask = bytearray(len(text))
    pos = 0
    for para in re.split(r"(\n\s*\n|\n)", text):
        n = len(para)
        if para.strip():
            _mark_quotes(para, pos, mask)
        pos += n
    return mask


def _mark_quotes(para: str, offset: int, mask: bytearray) -> None:
    i = 0
    n = len(para)
    while i < n:
        ch = para[i]
        two = para[i : i + 2]
        close: str | None = None
        width = 1
        if two == "``":
            close, width = "''", 2
        elif ch in _PARA_OPENERS:
            # A curly single quote inside a word is an apostrophe.
            if ch == "‘" and i > 0 and para[i - 1].isalnum():
                i += 1
                continue
            close = _PARA_OPENERS[ch]
        elif ch in _PARA_STRAIGHT:
            close = ch
        if close is None:
            i += 1
            continue
        j = i + width
        while True:
            k = para.find(close, j)
            if k < 0:
                k = n
                break
            # "’" is also the apostrophe: a closing mark is not followed by a letter.
            if close == "’" and k + 1 < n and para[k + 1].isalpha():
                j = k + 1
                continue
            break
        lo, hi = offset + i, offset + min(n, k + len(close))
        mask[lo:hi] = b"\x01" * (hi - lo)
        i = k + len(close)


def quoted_tokens(doc: Doc) -> list[bool]:
    """Token index -> inside quotation marks (curly, straight, or single quotes as quotes): the
    entities' reading, a running state over the characters. Only the characters in
    `_STATE_MARKS` can change the state, so it is updated at those alone and holds between
    them."""
    text = doc_text(doc)
    n = len(text)
    # (offset, inside from there on), in text order; the state before the first mark is out.
    changes: list[tuple[int, bool]] = [(0, False)]
    state = False
    straight = False
    for m in _STATE_MARKS.finditer(text):
        i = m.start()
        ch = text[i]
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if ch == "“" or (ch == "‘" and not prev.isalnum()) or text[i : i + 2] == "``":
            state = True
        elif text[i : i + 2] == "''" and prev != "'":
            # Wire text writes quotes as ``…'' or ''…'': a pair after a space opens.
            state = not state and (prev.isspace() or i == 0)
        elif ch == "”" or (ch == "’" and state and not nxt.isalnum() and not prev.isspace()):
            state = False
        elif ch == '"':
            straight = not straight
        elif ch == "\n" and text[i + 1 : i + 2] == "\n":
            # Paragraph ends close an open quote only when the next does not reopen one.
            state = state and text[i + 2 : i + 3] in _REOPENERS
        changes.append((i, state or straight))
    starts = [at for at, _ in changes]
    out = []
    for t in doc:
        out.append(changes[bisect.bisect_right(starts, t.idx) - 1][1])
    return out


def doc_quote_spans(doc: Doc) -> list[QuoteSpan]:
    """``find_quote_spans`` of the Doc's text, made once per Doc (``Doc._.quote_spans``)."""
    spans: list[QuoteSpan] = cached(doc, "quote_spans", lambda: find_quote_spans(doc_text(doc)))
    return spans


def doc_quoted_chars(doc: Doc) -> bytearray:
    """``quoted_chars`` of the Doc's text, made once per Doc (``Doc._.quoted_chars``)."""
    mask: bytearray = cached(doc, "quoted_chars", lambda: quoted_chars(doc_text(doc)))
    return mask


def doc_quoted_tokens(doc: Doc) -> list[bool]:
    """``quoted_tokens`` of the Doc, made once per Doc (``Doc._.quoted_tokens``)."""
    flags: list[bool] = cached(doc, "quoted_tokens", lambda: quoted_tokens(doc))
    return flags
