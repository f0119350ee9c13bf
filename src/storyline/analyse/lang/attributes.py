"""spaCy's attribute ruler and rule lemmatizer, applied from memos (same output, a fraction of the
time).

In ``en_core_web_sm`` the two cost about a sixth of the whole parse (measured: attribute_ruler
0.34 s and lemmatizer 0.14 s of 2.9 s on 11,000 words), although what they compute is almost
always a function of a token's text, tag and dependency label, which repeat: the attribute ruler
runs its 179 Matcher patterns on every token of every text, the lemmatizer a Python call a token.
`Attributes` tests the ruler's one-token patterns once per distinct (text, tag, dependency) and the
lemmatizer once per distinct (text, part of speech, morphology) its own cache is keyed by, and runs only the
ruler's few multi-token patterns ("gon na", "there is", ...) on the text. The rules applied, and
their order (later rules win, as in spaCy), are the ruler's own, so the result is the same
annotation; ``tests/test_nlp.py`` holds it equal to the stock pipeline's.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["ATTRIBUTES_PIPE", "MEMO_FILE", "Attributes"]

ATTRIBUTES_PIPE = "storyline_attributes"

MEMO_FILE = Path(__file__).with_name("attributes_memo.json.gz")
"""The memos of the vocabulary of a few hundred news articles, learned by
``eval/train_attributes_memo.py`` and shipped with the package. A memo is learned per process,
and a fresh worker learning its own made `Attributes` cost as much as the components it replaced
on its first few dozen articles (4.8 against 0.3 CPU seconds warm, on 100 articles): a build's
workers are fresh, and most builds are a few hundred articles. Each entry is what the rules give,
so a shipped memo changes the time, never the annotation; a memo made for other rules (another
model or spaCy) is not used (`Attributes.signature`)."""

log = logging.getLogger("storyline")


class Attributes:
    """Stands for the pipeline's ``attribute_ruler`` followed by its ``lemmatizer``."""

    def __init__(self, ruler: Any, lemmatizer: Any, model: str = "") -> None:
        from spacy.tokens._retokenize import normalize_token_attrs

        self.vocab = ruler.vocab
        self.lemmatizer = lemmatizer
        self.signature = _signature(ruler, lemmatizer, model)
        """Names the rules the memos hold the results of: a memo is used only by their twin."""
        # The ruler's rules by the integer id it sorts them by (later ids win): (attrs, the
        # index of the token they set in a match)
        self._rules: dict[int, tuple[dict[Any, Any], int]] = {}
        # One-token rules by the tag they require, else by the lower-case text, else neither
        self._by_tag: dict[str, list[tuple[int, _Test]]] = {}
        self._by_lower: dict[str, list[tuple[int, _Test]]] = {}
        self._any: list[tuple[int, _Test]] = []
        # Multi-token patterns: (rule, one test per token); none has operators (refused)
        self._multi: list[tuple[int, list[_Test]]] = []
        for attr_id, attrs in enumerate(ruler.attrs):
            patterns = ruler.matcher.get(str(attr_id))[1]
            self._rules[attr_id] = (
                normalize_token_attrs(self.vocab, dict(attrs)),
                ruler.indices[attr_id],
            )
            for pattern in patterns:
                if len(pattern) > 1:
                    self._multi.append((attr_id, [_token_test(p)[2] for p in pattern]))
                    continue
                tag, lower, test = _token_test(pattern[0])
                if tag is not None:
                    self._by_tag.setdefault(tag, []).append((attr_id, test))
                elif lower is not None:
                    self._by_lower.setdefault(lower, []).append((attr_id, test))
                else:
                    self._any.append((attr_id, test))
        # (orth, tag, dep) -> (the one-token rules such a token matches, in order; a bit mask of
        # the multi-token pattern positions it satisfies: bit len(_multi)*k + j for token k of
        # pattern j)
        self._memo: dict[tuple[int, int, int], tuple[tuple[int, ...], int]] = {}
        self._applied: dict[tuple[int, ...], dict[Any, Any]] = {}
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def _learn(self, token: Any) -> tuple[tuple[int, ...], int]:
        values = (token.tag_, token.lower_, token.dep_, token.is_space)
        candidates = self._by_tag.get(values[0], []) + self._by_lower.get(values[1], []) + self._any
        rules = tuple(sorted({rule for rule, test in candidates if test(values)}))
        mask = 0
        width = len(self._multi)
        for j, (_, tests) in enumerate(self._multi):
            for k, test in enumerate(tests):
                if test(values):
                    mask |= 1 << (width * k + j)
        found = self._memo[(token.orth, token.tag, token.dep)] = (rules, mask)
        return found

    def export_memo(self) -> dict[str, Any]:
        """The memos, as plain data for `absorb_memo` in another process. Keys are spaCy's
        string hashes (stable across processes); a lemma goes as its text, which the other
        process's string store may not hold yet."""
        strings = self.vocab.strings
        return {
            "signature": self.signature,
            "rules": [[*key, list(rules), mask] for key, (rules, mask) in self._memo.items()],
            "lemmas": [[*key, strings[lemma]] for key, lemma in self._lemmas.items()],
        }

    def clear_memo(self) -> None:
        """Forget what was learned or absorbed (to learn a memo from given texts only)."""
        self._memo.clear()
        self._lemmas.clear()

    def absorb_memo(self, memo: dict[str, Any]) -> bool:
        """Take in memos that `export_memo` wrote, if they were learned from these rules
        (else nothing, and false)."""
        if memo.get("signature") != self.signature:
            return False
        for orth, tag, dep, rules, mask in memo["rules"]:
            self._memo.setdefault((orth, tag, dep), (tuple(rules), mask))
        add = self.vocab.strings.add
        for orth, pos, morph, lemma in memo["lemmas"]:
            self._lemmas.setdefault((orth, pos, morph), add(lemma))
        return True

    def absorb_file(self, path: Path = MEMO_FILE) -> bool:
        """`absorb_memo` from a gzipped JSON file; a missing or unreadable file is no memo."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                memo = json.load(fh)
        except (OSError, ValueError) as exc:
            log.debug("attributes: no shipped memo (%s: %s)", path, exc)
            return False
        used = isinstance(memo, dict) and self.absorb_memo(memo)
        if not used:
            log.debug("attributes: the memo in %s was learned from other rules", path)
        return used

    def _attrs_of(self, rules: tuple[int, ...]) -> dict[Any, Any]:
        attrs = self._applied.get(rules)
        if attrs is None:
            attrs = {}
            for rule in rules:
                attrs.update(self._rules[rule][0])
            self._applied[rules] = attrs
        return attrs

    def _multi_matches(self, masks: list[int]) -> dict[int, list[int]]:
        """The multi-token rules matched, by the token each sets (the Matcher finds every match,
        overlapping ones too)."""
        extra: dict[int, list[int]] = {}
        width = len(self._multi)
        n = len(masks)
        for start, first in enumerate(masks):
            if not first:
                continue
            for j, (rule, tests) in enumerate(self._multi):
                length = len(tests)
                if start + length > n or not all(
                    masks[start + k] >> (width * k + j) & 1 for k in range(length)
                ):
                    continue
                index = self._rules[rule][1]
                at = start + (index if index >= 0 else length + index)
                if start <= at < start + length:
                    extra.setdefault(at, []).append(rule)
        return extra

    def __call__(self, doc: Any) -> Any:
        from spacy.attrs import DEP, ORTH, TAG
        from spacy.tokens._retokenize import set_token_attrs

        memo = self._memo
        found = [
            memo.get(key) or self._learn(doc[i])
            for i, key in enumerate(map(tuple, doc.to_array([ORTH, TAG, DEP]).tolist()))
        ]
        extra = self._multi_matches([mask for _, mask in found]) if self._multi else {}
        for i, (rules, _) in enumerate(found):
            if i in extra:
                rules = tuple(sorted((*rules, *extra[i])))
            if rules:
                set_token_attrs(doc[i], self._attrs_of(rules))
        lemmas = self._lemmas
        lemmatize = self.lemmatizer.lemmatize
        strings = self.vocab.strings
        for token in doc:
            if token.lemma != 0:
                continue
            key = (token.orth, token.pos, token.morph.key)
            lemma = lemmas.get(key)
            if lemma is None:
                lemma = lemmas[key] = strings.add(lemmatize(token)[0])
            token.lemma = lemma
        return doc


def _signature(ruler: Any, lemmatizer: Any, model: str) -> str:
    from spacy import about

    rules = json.dumps(
        [ruler.patterns, list(ruler.indices), lemmatizer.mode, model, about.__version__],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha1(rules.encode()).hexdigest()[:16]


_TOKEN_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")
"""What the ruler's patterns test, in the order `Attributes` reads them off a token."""

_Test = Callable[[tuple[Any, ...]], bool]


def _token_test(pattern: dict[str, Any]) -> tuple[str | None, str | None, _Test]:
    """One token pattern of the ruler as (the tag it requires, if one; the lower-case text it
    requires, if one; a test of the token's
    `_TOKEN_ATTRS` values), with the Matcher's meaning of each constraint (a value is equality,
    ``IN``/``NOT_IN`` membership, ``REGEX`` a search). A pattern using anything else is refused,
    so a new model's rules cannot be applied wrongly."""
    checks: list[_Test] = []
    tag = pattern.get("TAG") if isinstance(pattern.get("TAG"), str) else None
    lower = pattern.get("LOWER") if isinstance(pattern.get("LOWER"), str) else None
    for name, want in pattern.items():
        if name not in _TOKEN_ATTRS:
            raise ValueError(f"attribute ruler pattern on {name!r}: not supported by Attributes")
        checks.append(_constraint(_TOKEN_ATTRS.index(name), want))
    return tag, lower, lambda values: all(check(values) for check in checks)


def _constraint(at: int, want: Any) -> _Test:
    if not isinstance(want, dict):
        return lambda values: bool(values[at] == want)
    ((op, value),) = want.items()
    if op == "IN":
        members = frozenset(value)
        return lambda values: values[at] in members
    if op == "NOT_IN":
        excluded = frozenset(value)
        return lambda values: values[at] not in excluded
    if op == "REGEX":
        regex = re.compile(value)
        return lambda values: regex.search(values[at]) is not None
    raise ValueError(f"attribute ruler constraint {op!r}: not supported by Attributes")
