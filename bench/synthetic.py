"""A deterministic synthetic news corpus with planted duplicates, for `make bench`.

10,000 articles in ten shards of 1,000 (``part-00`` ... ``part-09``), so that the first shard is a
1k corpus, the first three a 3k corpus, all ten the 10k corpus. Every planted duplicate lives in
the same shard as its original, so each prefix of shards carries its own complete ground truth.

Realism that matters to the pipeline: a Zipfian vocabulary with per-story topic words (articles
on one story share content words, as real coverage does), paragraphs of 15-40 words, 300-900
words an article, ~20 outlets each with its own furniture lines, ` date` headers on most .txt
files, quotes with speech verbs, and a mix of .txt, .jsonl (many records a file) and .html.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SHARD_SIZE", "Corpus", "ensure_corpus", "shard_paths"]

SHARD_SIZE = 1000
SHARDS = 10
SEED = 20241024
VERSION = "synthetic-4"
"""Bump when generation changes, so that a stale corpus under bench/_corpus is rebuilt."""

_ONSETS = [
    "b",
    "br",
    "c",
    "ch",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "sh",
    "st",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "z",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
_CODAS = ["n", "r", "l", "s", "t", "m", "nd", "rt", "st", "ck", "ng", ""]
_NAMES = [
    "Keir Starmer",
    "Rachel Reeves",
    "Angela Rayner",
    "Kemi Badenoch",
    "Ed Davey",
    "Yvette Cooper",
    "David Lammy",
    "Wes Streeting",
    "Sadiq Khan",
    "Andy Burnham",
    "Nigel Farage",
    "Bridget Phillipson",
    "John Healey",
    "Lisa Nandy",
    "Ed Miliband",
    "Shabana Mahmood",
    "Pat McFadden",
    "Darren Jones",
    "Peter Kyle",
    "Lucy Powell",
]
_VERBS = ("said", "told reporters", "added", "insisted", "warned", "told the BBC")
_AGENCIES = ("PA", "Reuters", "AFP", "Getty Images", "AP", "EPA")


@dataclass(slots=True)
class Outlet:
    name: str
    domain: str
    newsletter: str
    donation: list[str]
    caption: str


@dataclass(slots=True)
class Article:
    id: str
    outlet: int
    date: str | None
    title: str
    paragraphs: list[str]
    fmt: str = "txt"


@dataclass(slots=True)
class Corpus:
    root: Path
    truth: list[tuple[str, str, str]] = field(default_factory=list)
    """(copy id, original id, kind) of every planted duplicate."""
    shard_of: dict[str, int] = field(default_factory=dict)


def _vocabulary(rng: random.Random, n: int) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        syllables = rng.choice((1, 2, 2, 3))
        w = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        if len(w) > 2:
            words.add(w)
    return sorted(words)


class _Writer:
    """Draws words from a Zipfian distribution over a shared vocabulary, mixed with the words of
    the story at hand."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # Function words carry most tokens in real text; they are the head of the Zipf curve.
        self.function = [
            "the",
            "of",
            "and",
            "to",
            "a",
            "in",
            "that",
            "is",
            "for",
            "on",
            "was",
            "with",
            "as",
            "it",
            "by",
            "at",
            "from",
            "be",
            "has",
            "have",
            "are",
            "were",
            "this",
            "which",
            "an",
            "but",
            "not",
            "their",
            "they",
            "its",
            "will",
            "been",
            "after",
            "who",
            "more",
        ]
        self.vocab = _vocabulary(rng, 20_000)
        # Zipf rank must not follow spelling, or every frequent word would start with "ba".
        rng.shuffle(self.vocab)
        ranks = range(1, len(self.vocab) + 1)
        self.cum: list[float] = []
        total = 0.0
        for r in ranks:
            total += 1.0 / r**1.05
            self.cum.append(total)
        self.topics = [rng.sample(self.vocab[200:6000], 40) for _ in range(400)]

    def word(self, topic: list[str]) -> str:
        roll = self.rng.random()
        if roll < 0.45:
            return self.rng.choice(self.function)
        if roll < 0.60:
            return self.rng.choice(topic)
        return self.rng.choices(self.vocab, cum_weights=self.cum, k=1)[0]

    def sentence(self, topic: list[str], n: int) -> str:
        words = [self.word(topic) for _ in range(n)]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def quote(self, topic: list[str]) -> str:
        speaker = self.rng.choice(_NAMES)
        words = self.sentence(topic, self.rng.randint(8, 16))
        return f"“{words}” {speaker} {self.rng.choice(_VERBS)}."

    def paragraph(self, topic: list[str]) -> str:
        target = self.rng.randint(15, 40)
        parts: list[str] = []
        used = 0
        while used < target:
            if self.rng.random() < 0.2:
                part = self.quote(topic)
            else:
                part = self.sentence(topic, max(4, min(target - used, self.rng.randint(8, 22))))
            parts.append(part)
            used += len(part.split())
        return " ".join(parts)

    def body(self, topic: list[str]) -> list[str]:
        target = self.rng.randint(300, 900)
        paras: list[str] = []
        used = 0
        while used < target:
            p = self.paragraph(topic)
            paras.append(p)
            used += len(p.split())
        return paras


def _outlets(rng: random.Random, writer: _Writer) -> list[Outlet]:
    outlets = []
    for i in range(20):
        stem = writer.vocab[50 + i * 7].capitalize()
        name = rng.choice(("The {} Times", "{} News", "The Daily {}", "{} Herald", "{} Post"))
        name = name.format(stem)
        outlets.append(
            Outlet(
                name=name,
                domain=f"{stem.lower()}news.co.uk",
                newsletter=f"Sign up to the {name} morning briefing newsletter for free.",
                donation=[
                    f"{name} is independent and funded by readers like you.",
                    f"If you can, please support {name} today: every contribution, big or "
                    "small, keeps our journalism free for all.",
                ],
                caption=f"The scene earlier this week (Photo: {rng.choice(_AGENCIES)})",
            )
        )
    return outlets


def _furnished(a: Article, outlet: Outlet, rng: random.Random) -> list[str]:
    """The article's paragraphs with its outlet's furniture lines inserted."""
    paras = list(a.paragraphs)
    if rng.random() < 0.6:
        paras.insert(min(2, len(paras)), outlet.newsletter)
    if rng.random() < 0.5:
        paras.insert(1, outlet.caption)
    if rng.random() < 0.4:
        paras.insert(
            1, f"{rng.choice(_NAMES)} speaking on Tuesday ({rng.choice(_AGENCIES)} / Alamy)"
        )
    if rng.random() < 0.5:
        paras.extend(outlet.donation)
    return paras


def _near(a: Article, rng: random.Random, new_id: str) -> Article:
    """A few words changed, as a corrected or lightly edited re-publication."""
    paras = list(a.paragraphs)
    for _ in range(rng.randint(2, 6)):
        i = rng.randrange(len(paras))
        words = paras[i].split()
        j = rng.randrange(len(words))
        if "“" not in words[j] and "”" not in words[j]:
            words[j] = rng.choice(("however", "reportedly", "latest", "several", "officials"))
        paras[i] = " ".join(words)
    return Article(new_id, a.outlet, a.date, a.title, paras)


def _rewrite(a: Article, writer: _Writer, rng: random.Random, new_id: str, outlet: int) -> Article:
    """Sentences reworded and reordered, quotes kept verbatim: another outlet's version."""
    out = []
    for p in a.paragraphs:
        pieces = p.replace("” ", "”\x00").split(". ")
        kept = []
        for s in pieces:
            if "“" in s:
                kept.append(s)
                continue
            words = s.split()
            for k in range(len(words)):
                if rng.random() < 0.35:
                    words[k] = rng.choice(writer.function + writer.vocab[:300])
            kept.append(" ".join(words))
        out.append(". ".join(kept).replace("\x00", " "))
    # Rewrites move paragraphs about, but keep the lead.
    head, tail = out[:1], out[1:]
    rng.shuffle(tail)
    return Article(new_id, outlet, a.date, "Rewrite: " + a.title, head + tail)


def _txt(a: Article, outlet: Outlet, rng: random.Random) -> str:
    lines = []
    if a.date is not None:
        lines.append(f" date {a.date}")
    if rng.random() < 0.5:
        lines.append(outlet.name)
    lines.append(a.title)
    lines.append("")
    lines.extend(p + "\n" for p in _furnished(a, outlet, rng))
    return "\n".join(lines)


def _html(a: Article, outlet: Outlet, rng: random.Random) -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in _furnished(a, outlet, rng))
    date = (
        f'<meta property="article:published_time" content="{a.date}T08:00:00Z">' if a.date else ""
    )
    return (
        f"<!doctype html><html><head><title>{html.escape(a.title)} | {outlet.name}</title>"
        f'<meta property="og:site_name" content="{outlet.name}">{date}</head><body>'
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{html.escape(a.title)}</h1>{paras}</article>"
        f"<footer>© {outlet.name} 2024. All rights reserved.</footer></body></html>"
    )


def _jsonl(a: Article, outlet: Outlet, rng: random.Random) -> str:
    record: dict[str, str] = {
        "id": a.id,
        "title": a.title,
        "text": "\n\n".join(_furnished(a, outlet, rng)),
        "outlet": outlet.name,
        "url": f"https://www.{outlet.domain}/news/{a.id}",
    }
    if a.date:
        record["published"] = a.date
    return json.dumps(record, ensure_ascii=False)


def shard_paths(root: Path, articles: int) -> list[Path]:
    n = max(1, min(SHARDS, -(-articles // SHARD_SIZE)))
    return [root / f"part-{i:02d}" for i in range(n)]


def ensure_corpus(root: Path) -> Corpus:
    """Build the corpus under ``root`` unless a corpus of this version is already there."""
    stamp = root / "VERSION"
    truth_path = root / "truth.json"
    if stamp.exists() and stamp.read_text() == VERSION and truth_path.exists():
        data = json.loads(truth_path.read_text())
        return Corpus(root, [tuple(t) for t in data["truth"]], data["shard_of"])  # type: ignore[misc]
    import shutil

    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rng = random.Random(SEED)
    writer = _Writer(rng)
    outlets = _outlets(rng, writer)
    corpus = Corpus(root)
    per_kind = 30  # planted copies of each kind per shard of 1,000
    for shard in range(SHARDS):
        folder = root / f"part-{shard:02d}"
        folder.mkdir()
        originals: list[Article] = []
        for k in range(SHARD_SIZE - 3 * per_kind):
            n = shard * SHARD_SIZE + k
            topic = writer.topics[rng.randrange(len(writer.topics))]
            day = rng.randrange(1, 29)
            date = f"2024-{rng.randrange(1, 13):02d}-{day:02d}" if rng.random() < 0.9 else None
            title = writer.sentence(topic, rng.randint(6, 11)).rstrip(".")
            originals.append(
                Article(f"a{n:05d}", rng.randrange(len(outlets)), date, title, writer.body(topic))
            )
        sources = rng.sample(originals, 3 * per_kind)
        copies: list[Article] = []
        for j, src in enumerate(sources):
            cid = f"{src.id}-dup{j}"
            if j < per_kind:
                # Syndicated copy: the same story in another outlet's page furniture.
                copy = Article(
                    cid, rng.randrange(len(outlets)), src.date, src.title, src.paragraphs
                )
                kind = "exact"
            elif j < 2 * per_kind:
                copy, kind = _near(src, rng, cid), "near"
            else:
                copy, kind = _rewrite(src, writer, rng, cid, rng.randrange(len(outlets))), "rewrite"
            copies.append(copy)
            corpus.truth.append((cid, src.id, kind))
        everything = originals + copies
        rng.shuffle(everything)
        # Formats: ~78% .txt files, ~7% .html files, ~15% records in .jsonl files of 50.
        feed: list[str] = []
        feed_no = 0
        for a in everything:
            corpus.shard_of[a.id] = shard
            outlet = outlets[a.outlet]
            roll = rng.random()
            if roll < 0.07:
                (folder / f"{a.id}.html").write_text(_html(a, outlet, rng), encoding="utf-8")
            elif roll < 0.22:
                feed.append(_jsonl(a, outlet, rng))
                if len(feed) == 50:
                    (folder / f"feed-{shard:02d}-{feed_no:02d}.jsonl").write_text(
                        "\n".join(feed) + "\n", encoding="utf-8"
                    )
                    feed, feed_no = [], feed_no + 1
            else:
                (folder / f"{a.id}.txt").write_text(_txt(a, outlet, rng), encoding="utf-8")
        if feed:
            (folder / f"feed-{shard:02d}-{feed_no:02d}.jsonl").write_text(
                "\n".join(feed) + "\n", encoding="utf-8"
            )
    truth_path.write_text(json.dumps({"truth": corpus.truth, "shard_of": corpus.shard_of}))
    stamp.write_text(VERSION)
    return corpus


def extra_article(root: Path) -> Path:
    """One new file, for the 'after adding one file' run; written outside the shards."""
    rng = random.Random(SEED + 1)
    writer = _Writer(rng)
    topic = writer.topics[0]
    a = Article("added-00001", 0, "2024-11-01", "A late story", writer.body(topic))
    path = root / "added" / "added-00001.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_txt(a, _outlets(rng, writer)[0], rng), encoding="utf-8")
    return path
