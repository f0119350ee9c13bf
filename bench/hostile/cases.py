"""The hostile cases. Each is a function of a :class:`~bench.hostile.harness.Ctx`: it writes its
folder of inputs (the odd input beside the two good articles), runs the CLI and checks.

Conventions: the odd file's name carries the token ``odd`` (so that ``errors[].source`` can be
matched without knowing how the build spells a path); an odd *article* that is valid carries a
marker word (``Corvale`` by default) that must reach the dossier.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bench.hostile import gen
from bench.hostile.corpus import MARKERS, PAYLOAD
from bench.hostile.harness import DEFAULT_LIMIT, Ctx

__all__ = ["CASES", "Case"]


@dataclass(frozen=True)
class Case:
    name: str
    category: str
    fn: Callable[[Ctx], None]
    extended: bool = False
    """Run only with ``--all``: variations of a core case, kept out of the default run so that
    it stays under ~15 minutes at ``--jobs 1`` (each build costs ~5 s of start-up)."""


CASES: list[Case] = []


def register(name: str, category: str, fn: Callable[[Ctx], None], extended: bool = False) -> None:
    assert all(c.name != name for c in CASES), name
    CASES.append(Case(name, category, fn, extended))


def case(name: str, category: str) -> Callable[[Callable[[Ctx], None]], Callable[[Ctx], None]]:
    def deco(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        register(name, category, fn)
        return fn

    return deco


BIG_LIMIT = 180.0
"""Seconds for inputs of megabytes (linear-time expectation: a few MB of text, parsed in pieces
or refused, on a shared 2-core machine)."""

PATHOLOGICAL_LIMIT = 45.0
"""Seconds for small files built to be slow (10,000 quote marks, 3,000 same-opening
paragraphs): the issue saw 20-30 s for each; a plain build is ~5 s."""


def odd_beside_goods(
    ctx: Ctx,
    files: Iterable[tuple[str | bytes, str | bytes]],
    *,
    expect: str = "ok",
    goods: Iterable[str] = ("A", "B"),
    bad: Iterable[str] = (),
    present: Iterable[str] = (),
    bad_or_present: Iterable[tuple[str, str]] = (),
    whole: dict[str, int] | None = None,
    annotate: bool = False,
    annotate_extra: Iterable[str] = (),
    limit: float = DEFAULT_LIMIT,
    env: dict[str, str | None] | None = None,
) -> dict[str, Any] | None:
    paths = ctx.goods()
    odd = [ctx.write(name, data) for name, data in files]
    run = ctx.build([*paths, *odd], limit=limit, env=env)
    ctx.check_run(run, expect)
    doc = None
    if run.rc == 0 and not run.timed_out:
        doc = ctx.dossier(
            goods=goods, bad=bad, present=present, bad_or_present=bad_or_present, whole=whole
        )
        if doc is not None:
            _note_errors_for_good(ctx, doc, present)
    if annotate:
        words = [MARKERS["A"], MARKERS["B"], *present]
        ctx.annotate([*paths, *odd], ids=words, extra=list(annotate_extra), limit=limit, env=env)
    return doc


def _note_errors_for_good(ctx: Ctx, doc: dict[str, Any], present: Iterable[str]) -> None:
    """A valid article that needed fault isolation is kept, but the component still broke:
    worth a note (not a failure: the issue asks for no exception, isolation is the last
    resort)."""
    errs = [e for e in doc.get("errors", []) if isinstance(e, dict)]
    names = [str(e.get("source", "")) for e in errs]
    for e, src in zip(errs, names, strict=True):
        if "good-" in src or (present and "odd" in src):
            ctx.notes.append(f"error for a valid article: {src[-40:]}: {str(e.get('error'))[:80]}")


# ------------------------------------------------------------------------------------------
# Time expressions and anchors far in the past or the future
# ------------------------------------------------------------------------------------------

TIMEX_PHRASES = {
    "7000-years-ago": "7000 YEARS AGO the first farmers lived here.",
    "2012-years-ago": "That happened 2012 years ago, give or take.",
    "25-centuries-ago": "Bronze was cast here 25 centuries ago.",
    "8000-years-from-now": "8000 years from now nobody will remember this museum.",
    "3000-comma-years-ago": "The hoard was buried 3,000 years ago.",
    "10000-years-ago": "Ice covered the valley 10,000 years ago.",
    "million-years-ago": "A million years ago there was no valley at all.",
    "huge-number-years-ago": "99999999999999999999999 years ago, probably.",
    "5000-digit-years-ago": "1" * 5000 + " years ago",
    "300-millennia-ago": "Humans walked here 300 millennia ago.",
    "2000-decades-ago": "It was built 2000 decades ago.",
    "in-5-million-days": "The loan is due in 5,000,000 days.",
    "4-billion-seconds-ago": "That was 4,000,000,000 seconds ago.",
    "december-31-9999": "The lease ends on December 31, 9999, at midnight.",
    "january-1-0001": "The first entry is dated January 1, 0001.",
    "year-0-and-10000": "From the year 0 to the year 10000 and 99999.",
    "10000-bc": "The site was settled in 10,000 BC and again in 9500 BCE.",
    "99th-century": "In the 99th century, or the 1st century BC, or the 100th millennium.",
    "q4-week53-9999": "Q4 9999, week 53 of 9999 and the 9999th week of 9999.",
    "iso-9999-timestamp": "Stamp: 9999-12-31T23:59:59+14:00 and 0001-01-01T00:00:00-12:00.",
    "next-99999-years": "For the next 99999 years and the past 99999 centuries.",
    "decimal-exponent": "Roughly 2.5e10 years ago, or 1.5 billion years ago.",
    "after-9999": "The Monday after 31 December 9999 and the day before 1 January 0001.",
    "many-dates": " ".join(f"On {d} March 2021 the vote was held." for d in range(1, 29)) * 40,
}


def _timex_case(phrase: str, ctx: Ctx) -> None:
    files = [("odd-timex.txt", gen.article(phrase))]
    odd_beside_goods(ctx, files, present=["Corvale"])
    _annotate_timex(ctx, [ctx.write("odd-timex.txt", gen.article(phrase))])


TIMEX_EXTENDED = {
    "million-years-ago",
    "300-millennia-ago",
    "2000-decades-ago",
    "in-5-million-days",
    "4-billion-seconds-ago",
    "99th-century",
    "next-99999-years",
    "decimal-exponent",
    "after-9999",
}


_CUT_NUMBER = re.compile(r",?000(?!\d)")
"""A timex starting at the '000' of '3,000 years ago': the number was cut at its separator."""
_BAD_VALUE = re.compile(r"^(-|\d{5}|0000)")
"""A DATE value outside years 1-9999: negative, five digits, or year 0."""


def _annotate_timex(ctx: Ctx, inputs: list[bytes], extra: Iterable[str] = ()) -> None:
    recs = ctx.annotate(inputs, ids=["Corvale"], extra=list(extra))
    for rec in recs:
        for t in rec.get("timexes", []):
            value, text = str(t.get("value", "")), str(t.get("text", ""))
            if _CUT_NUMBER.match(text):
                ctx.fail(f"timex {text!r} cut from its number")
            if t.get("type") == "DATE" and _BAD_VALUE.search(value):
                ctx.fail(f"timex {text!r} has an out-of-range value {value!r}")


for _name, _phrase in TIMEX_PHRASES.items():
    register(
        f"timex-{_name}",
        "timex",
        functools.partial(_timex_case, _phrase),
        extended=_name in TIMEX_EXTENDED,
    )
register(
    "timex-assorted-extremes",
    "timex",
    functools.partial(_timex_case, " ".join(TIMEX_PHRASES[n] for n in sorted(TIMEX_EXTENDED))),
)


@case("timex-annotate-all-phrases-one-call", "timex")
def _timex_all(ctx: Ctx) -> None:
    paths = [ctx.write(f"odd-{n}.txt", gen.article(p)) for n, p in TIMEX_PHRASES.items()]
    _annotate_timex(ctx, paths)


RELATIVE_PAST = (
    "Yesterday the council met. Last year it had met twice. A decade ago the hall burned, "
    "last month it reopened, and three days ago the mayor said the previous week was busy."
)
RELATIVE_FUTURE = (
    "Tomorrow the council meets. Next year it meets twice. In a decade the hall will be old; "
    "next month it reopens, and in three days the mayor will say the next week is busy."
)


def _anchor_txt(published: str, text: str, ctx: Ctx) -> None:
    body = gen.article(text, published=published)
    odd_beside_goods(ctx, [("odd-anchor.txt", body)], present=["Corvale"])
    _annotate_timex(ctx, [ctx.write("odd-anchor.txt", body)])


register(
    "anchor-txt-header-0001-01-01",
    "anchor",
    functools.partial(_anchor_txt, "0001-01-01", RELATIVE_PAST),
)
register(
    "anchor-txt-header-9999-12-31",
    "anchor",
    functools.partial(_anchor_txt, "9999-12-31", RELATIVE_FUTURE),
)
register(
    "anchor-txt-header-0000-00-00",
    "anchor",
    functools.partial(_anchor_txt, "0000-00-00", RELATIVE_PAST),
    extended=True,
)
register(
    "anchor-txt-header-2024-02-30",
    "anchor",
    functools.partial(_anchor_txt, "2024-02-30", RELATIVE_PAST),
    extended=True,
)


def _anchor_jsonl(published: Any, ctx: Ctx) -> None:
    c, d = gen.good_records()
    odd = {
        "id": "odd-1",
        "text": gen.article(RELATIVE_FUTURE + " " + RELATIVE_PAST, None),
        "published": published,
    }
    data = gen.jsonl(c, odd, d)
    odd_beside_goods(
        ctx, [("odd-anchor.jsonl", data)], goods=("A", "B", "C", "D"), present=["Corvale"]
    )
    _annotate_timex(ctx, [ctx.write("odd-anchor.jsonl", data)])


_PUBLISHED_EXTREMES: dict[str, Any] = {
    "0001-01-01": "0001-01-01",
    "9999-12-31": "9999-12-31",
    "0001-01-01T00-00-12": "0001-01-01T00:00:00-12:00",
    "9999-12-31T23-59+14": "9999-12-31T23:59:59+14:00",
    "99999-01-01": "99999-01-01",
    "minus-0001": "-0001-01-01",
    "int-20240101": 20240101,
    "huge-int": int("9" * 400),
    "list": ["2024-01-01"],
}
for _label, _value in _PUBLISHED_EXTREMES.items():
    register(
        f"anchor-jsonl-published-{_label}",
        "anchor",
        functools.partial(_anchor_jsonl, _value),
        extended=not _label.endswith(("0001-01-01", "9999-12-31")),
    )


@case("anchor-jsonl-published-all-extremes", "anchor")
def _anchor_jsonl_all(ctx: Ctx) -> None:
    recs = [
        {
            "id": f"odd-{n}",
            "published": v,
            "text": gen.article(RELATIVE_FUTURE + " " + RELATIVE_PAST, None, word=f"Corvale{n}"),
        }
        for n, v in enumerate(_PUBLISHED_EXTREMES.values())
    ]
    data = gen.jsonl(*recs)
    odd_beside_goods(
        ctx, [("odd-anchors.jsonl", data)], present=[f"Corvale{n}" for n in range(len(recs))]
    )
    _annotate_timex(ctx, [ctx.write("odd-anchors.jsonl", data)])


def _anchor_html(published: str, ctx: Ctx) -> None:
    page = gen.html_page(
        gen.good_html_body(gen.article(RELATIVE_FUTURE + " " + RELATIVE_PAST, None)),
        title="Museum wing",
        published=published,
    )
    odd_beside_goods(ctx, [("odd-anchor.html", page)], present=["Corvale"])


register(
    "anchor-html-meta-0001-01-01",
    "anchor",
    functools.partial(_anchor_html, "0001-01-01T00:00:00-12:00"),
)
register(
    "anchor-html-meta-9999-12-31",
    "anchor",
    functools.partial(_anchor_html, "9999-12-31T23:59:59+14:00"),
)


def _annotate_published(published: str, ctx: Ctx) -> None:
    path = ctx.write("odd-rel.txt", gen.article(RELATIVE_FUTURE + " " + RELATIVE_PAST, None))
    _annotate_timex(ctx, [path], extra=["--published", published])


register(
    "anchor-annotate-published-9999-12-31",
    "anchor",
    functools.partial(_annotate_published, "9999-12-31"),
)
register(
    "anchor-annotate-published-0001-01-01",
    "anchor",
    functools.partial(_annotate_published, "0001-01-01"),
)


@case("anchor-annotate-published-garbage", "anchor")
def _annotate_garbage(ctx: Ctx) -> None:
    path = ctx.write("odd-rel.txt", gen.article(RELATIVE_PAST, None))
    run = ctx.cli(["annotate", "--published", "not-a-date", "--", path])
    ctx.check_run(run, "any", "annotate")


def _timeline_far(which: str, ctx: Ctx) -> None:
    files = []
    if which in ("1", "both"):
        files.append(
            (
                "odd-year1.txt",
                gen.article(
                    "Yesterday the founders signed the charter. On January 1, 0001 the town was named.",
                    published="0001-01-02",
                    word="Corvale",
                ),
            )
        )
    if which in ("9999", "both"):
        files.append(
            (
                "odd-year9999.txt",
                gen.article(
                    "Tomorrow the capsule will be sealed. On December 31, 9999 it will be opened.",
                    published="9999-12-30",
                    word="Zennor",
                ),
            )
        )
    present = (
        ["Corvale"] if which == "1" else ["Zennor"] if which == "9999" else ["Corvale", "Zennor"]
    )
    doc = odd_beside_goods(ctx, files, present=present)
    if doc is not None:
        dates = [str(t.get("date", "")) for t in doc.get("timeline", [])]
        want = {"1": "0001", "9999": "9999", "both": "0001"}[which]
        if not any(d.startswith(want) for d in dates):
            ctx.notes.append(
                f"timeline has no {want} entry (dates {min(dates, default='-')}..{max(dates, default='-')})"
            )


register("timeline-reaches-year-1", "timeline", functools.partial(_timeline_far, "1"))
register("timeline-reaches-year-9999", "timeline", functools.partial(_timeline_far, "9999"))
register("timeline-spans-1-to-9999", "timeline", functools.partial(_timeline_far, "both"))


# ------------------------------------------------------------------------------------------
# Size: beyond spaCy's 1,000,000-character limit
# ------------------------------------------------------------------------------------------


@case("size-5mb-line-no-newline", "size")
def _size_line(ctx: Ctx) -> None:
    line = "Corvale " + " ".join(gen.words("line", 900_000))
    odd_beside_goods(
        ctx,
        [("odd-5mb-line.txt", line[: 5 << 20])],
        bad_or_present=[("odd-5mb", "Corvale")],
        limit=BIG_LIMIT,
    )


@case("size-2mb-one-sentence", "size")
def _size_sentence(ctx: Ctx) -> None:
    text = "Corvale said that " + ", ".join(" ".join(gen.words("sent", 8)) for _ in range(45_000))
    odd_beside_goods(
        ctx,
        [("odd-2mb-sentence.txt", text[: 2 << 20] + ".\n")],
        bad_or_present=[("odd-2mb", "Corvale")],
        limit=BIG_LIMIT,
    )


def _long_article(n_chars: int) -> str:
    return " date 2024-03-20 A very long report\n\n" + gen.prose("long", n_chars)


@case("size-1.2m-chars-article-whole", "size")
def _size_article(ctx: Ctx) -> None:
    text = _long_article(1_200_000)
    odd_beside_goods(
        ctx,
        [("odd-long.txt", text)],
        present=["Corvale"],
        whole={"Corvale": 1_100_000},
        limit=BIG_LIMIT,
    )


@case("size-1.5m-jsonl-record", "size")
def _size_jsonl(ctx: Ctx) -> None:
    c, d = gen.good_records()
    data = gen.jsonl(c, {"id": "odd-big", "text": _long_article(1_500_000)}, d)
    odd_beside_goods(
        ctx,
        [("odd-big.jsonl", data)],
        goods=("A", "B", "C", "D"),
        bad_or_present=[("odd-big", "Corvale")],
        limit=BIG_LIMIT,
    )


@case("size-5mb-no-spaces", "size")
def _size_nospace(ctx: Ctx) -> None:
    odd_beside_goods(
        ctx,
        [("odd-nospace.txt", "Corvale" + "a" * (5 << 20))],
        bad_or_present=[("odd-nospace", "Corvale")],
        limit=BIG_LIMIT,
    )


@case("size-60mb-sparse-file", "size")
def _size_sparse(ctx: Ctx) -> None:
    path = ctx.write("odd-sparse.txt", b"")
    os.truncate(path, 60 << 20)
    run = ctx.build([*ctx.goods(), path], limit=BIG_LIMIT)
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(bad=["odd-sparse"])


@case("size-3mb-html-text-node", "size")
def _size_html(ctx: Ctx) -> None:
    body = "<p>Corvale " + " ".join(gen.words("html", 500_000)) + "</p>"
    odd_beside_goods(
        ctx,
        [("odd-big.html", gen.html_page(body))],
        bad_or_present=[("odd-big", "Corvale")],
        limit=BIG_LIMIT,
    )


# ------------------------------------------------------------------------------------------
# Quotation marks and repeats built to be slow
# ------------------------------------------------------------------------------------------


def _quotes(text: str, ctx: Ctx, annotate: bool = False) -> None:
    body = gen.article("see below", word="Corvale") + "\n" + text
    odd_beside_goods(
        ctx,
        [("odd-quotes.txt", body)],
        present=["Corvale"],
        limit=PATHOLOGICAL_LIMIT,
        annotate=annotate,
    )


def _paras(fmt: Callable[[int], str], n: int) -> str:
    return "\n\n".join(fmt(i) for i in range(n))


QUOTE_TEXTS = {
    "10000-unbalanced-curly": _paras(lambda i: " ".join(f"“word{j}" for j in range(100)), 100),
    "10000-unbalanced-one-paragraph": " ".join(f"“w{j}" for j in range(10_000)),
    "10001-straight-marks": " ".join(f'"w{j}' for j in range(10_001)),
    "10000-closing-only": " ".join(f"w{j}”" for j in range(10_000)),
    "5000-balanced": " ".join(f"“Yes {j},” he said." for j in range(5_000)),
    "3000-attributed-paragraphs": _paras(
        lambda i: f"“We will win vote {i},” said Janet Okafor, the council leader.", 3000
    ),
    "10000-guillemets": " ".join(f"«w{j} ‹x" for j in range(5_000)),
    "2000-nested": "“‘" * 1000 + "deep" + "’”" * 1000,
    "10000-apostrophes": " ".join(f"'tis {j}'s 'n' o'clock" for j in range(2_500)),
    "unclosed-over-500-paragraphs": "“"
    + _paras(lambda i: f"Paragraph {i} of the speech goes on.", 500),
    "marks-only": "“”„‟″‶〝〞«»‹›" * 5000,
}
for _name, _text in QUOTE_TEXTS.items():
    register(
        f"quotes-{_name}",
        "quotes",
        functools.partial(_quotes, _text, annotate=_name.startswith("10000-unbalanced")),
    )

REPEAT_TEXTS = {
    "3000-same-opening": _paras(
        lambda i: f"He said that the council would look again at case {i} next week.", 3000
    ),
    "2000-identical-paragraphs": _paras(lambda i: "Read more: the council and the harbour.", 2000),
    "1000-same-opening-long": _paras(
        lambda i: (
            "According to people familiar with the talks, " + " ".join(gen.words(f"p{i}", 20))
        ),
        1000,
    ),
}
for _name, _text in REPEAT_TEXTS.items():
    register(f"repeats-{_name}", "repeats", functools.partial(_quotes, _text))


# ------------------------------------------------------------------------------------------
# HTML
# ------------------------------------------------------------------------------------------


@case("html-gzip-bomb-1gb", "html")
def _html_bomb(ctx: Ctx) -> None:
    odd_beside_goods(
        ctx, [("odd-bomb.html", gen.gzip_bomb(1 << 30))], bad=["odd-bomb"], limit=PATHOLOGICAL_LIMIT
    )


@case("html-gzip-bomb-nested", "html")
def _html_bomb2(ctx: Ctx) -> None:
    inner = gen.gzip_bomb(200 << 20)
    odd_beside_goods(
        ctx, [("odd-bomb2.html", gen.gz(inner))], bad=["odd-bomb2"], limit=PATHOLOGICAL_LIMIT
    )


@case("html-gzipped-article", "html")
def _html_gz_article(ctx: Ctx) -> None:
    page = gen.html_page(gen.good_html_body(gen.article("nothing odd", None)))
    odd_beside_goods(
        ctx,
        [("odd-gzipped.html", gen.gz(page.encode()))],
        bad_or_present=[("odd-gzipped", "Corvale")],
        limit=PATHOLOGICAL_LIMIT,
    )


def _html(
    page: Callable[[], str | bytes],
    expect_article: bool | None,
    ctx: Ctx,
    limit: float = PATHOLOGICAL_LIMIT,
) -> None:
    files = [("odd-page.html", page())]
    if expect_article is None:
        odd_beside_goods(ctx, files, bad_or_present=[("odd-page", "Corvale")], limit=limit)
    elif expect_article:
        odd_beside_goods(ctx, files, present=["Corvale"], limit=limit)
    else:
        odd_beside_goods(ctx, files, bad=["odd-page"], limit=limit)


_CORVALE_P = "<p>" + gen.article("nothing odd", None).replace("\n\n", "</p><p>") + "</p>"
HTML_PAGES: dict[str, tuple[Callable[[], str | bytes], bool | None]] = {
    "100k-nested-div": (
        lambda: gen.html_page("<div>" * 100_000 + _CORVALE_P + "</div>" * 100_000),
        None,
    ),
    "100k-nested-unclosed-b": (lambda: gen.html_page("<b>" * 100_000 + _CORVALE_P), None),
    "100k-siblings": (lambda: gen.html_page(_CORVALE_P + "<span>x</span>" * 100_000), None),
    "100k-nested-table": (lambda: gen.html_page("<table><tr><td>" * 30_000 + _CORVALE_P), None),
    "5mb-attribute": (
        lambda: gen.html_page(f'<p title="{"x" * (5 << 20)}">Corvale</p>' + _CORVALE_P),
        None,
    ),
    "only-scripts": (
        lambda: gen.html_page("<script>var x=1;</script>" * 50, title="", published=None),
        False,
    ),
    "empty-file": (lambda: "", False),
    "binary-bytes": (lambda: gen.random_bytes("bin", 20_000), False),
    "bogus-charset": (
        lambda: gen.html_page(_CORVALE_P, head="<meta charset='x-unknown-99'>"),
        True,
    ),
    "utf16-bom": ((lambda: ("\ufeff" + gen.html_page(_CORVALE_P)).encode("utf-16-le")), None),
    "unclosed-comment": (lambda: "<!--" + gen.html_page(_CORVALE_P), None),
    "nul-bytes": (lambda: gen.html_page(_CORVALE_P.replace(" ", " \x00", 50)), None),
}
for _name, (_page, _expect) in HTML_PAGES.items():
    register(f"html-{_name}", "html", functools.partial(_html, _page, _expect))


# ------------------------------------------------------------------------------------------
# JSONL: one bad record costs only that record
# ------------------------------------------------------------------------------------------


def _jsonl(
    middle: Any,
    ctx: Ctx,
    *,
    marker: str | None = None,
    bad: bool | None = True,
    annotate: bool = False,
    limit: float = DEFAULT_LIMIT,
) -> None:
    """C, the odd line, D. ``bad``: True the file must be named in errors, False the odd
    record must be read (``marker`` in an article), None either."""
    c, d = gen.good_records()
    data = gen.jsonl(c, middle, d)
    files = [("odd-records.jsonl", data)]
    kw: dict[str, Any] = {}
    if bad is True:
        kw["bad"] = ["odd-records"]
    elif bad is False and marker:
        kw["present"] = [marker]
    elif marker:
        kw["bad_or_present"] = [("odd-records", marker)]
    odd_beside_goods(ctx, files, goods=("A", "B", "C", "D"), limit=limit, **kw)
    if annotate:
        ctx.annotate(
            [ctx.write("odd-records.jsonl", data)], expect="any", ids=[MARKERS["C"], MARKERS["D"]]
        )


def _rec(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "odd-rec",
        "text": gen.article("nothing odd", None, word="Corvale"),
    }
    base.update(fields)
    return base


JSONL_CASES: dict[str, tuple[Any, str | None, bool | None]] = {
    "deeply-nested-array": (b"[" * 100_000 + b"]" * 100_000, None, True),
    "deeply-nested-field": (
        b'{"id":"odd-rec","text":"Corvale said so.","extra":'
        + b"[" * 50_000
        + b"]" * 50_000
        + b"}",
        "Corvale",
        None,
    ),
    "huge-integer-id": (
        b'{"id":' + b"7" * 5000 + b',"text":"Corvale council said it would vote on Tuesday."}',
        "Corvale",
        None,
    ),
    "huge-integer-field": (
        b'{"id":"odd-rec","text":"Corvale council said it would vote.","n":'
        + b"9" * 100_000
        + b"}",
        "Corvale",
        None,
    ),
    "huge-float": (
        b'{"id":"odd-rec","text":"Corvale council voted.","published":1e400}',
        "Corvale",
        False,
    ),
    "nan-infinity": (
        b'{"id":NaN,"text":"Corvale council voted.","title":Infinity}',
        "Corvale",
        None,
    ),
    "invalid-json": (b'{"id": "odd-rec", "text": "Corvale', None, True),
    "array-line": ([1, 2, 3], None, True),
    "string-line": ("just a string", None, True),
    "null-line": (None, None, True),
    "text-is-number": (_rec(text=12345), None, True),
    "text-is-list": (_rec(text=["Corvale council", "voted"]), "Corvale", None),
    "text-is-object": (_rec(text={"body": "Corvale"}), None, True),
    "text-is-null": (_rec(text=None), None, True),
    "id-is-object": (_rec(id={"x": 1}), "Corvale", False),
    "id-is-list": (_rec(id=[1, 2]), "Corvale", False),
    "id-is-bool": (_rec(id=True), "Corvale", False),
    "title-is-list-of-ints": (_rec(title=[1, 2]), "Corvale", False),
    "title-is-object": (_rec(title={"a": "b"}), "Corvale", False),
    "published-is-object": (_rec(published={"y": 2024}), "Corvale", False),
    "url-is-number": (_rec(url=12345), "Corvale", False),
    "outlet-is-list": (_rec(outlet=[None, 1]), "Corvale", False),
    "lone-surrogate-text": (
        b'{"id":"odd-rec","text":"Corvale council \\ud800 voted on Tuesday."}',
        "Corvale",
        None,
    ),
    "lone-surrogate-title": (
        b'{"id":"odd-rec","title":"\\udfff","text":"Corvale council voted on Tuesday."}',
        "Corvale",
        None,
    ),
    "lone-surrogate-id": (
        b'{"id":"odd\\ud800","text":"Corvale council voted on Tuesday."}',
        "Corvale",
        None,
    ),
    "invalid-utf8-bytes": (
        b'{"id":"odd-rec","text":"Corvale council \xff\xfe voted."}',
        "Corvale",
        None,
    ),
    "id-dotdot-path": (_rec(id="../../../../../tmp/hostile-pwned"), "Corvale", False),
    "id-absolute-path": (_rec(id="/tmp/hostile-pwned-abs"), "Corvale", False),
    "id-nul": (_rec(id="odd\x00rec"), "Corvale", False),
    "id-markup": (_rec(id=PAYLOAD), "Corvale", False),
    "id-empty": (_rec(id=""), "Corvale", False),
    "id-10000-chars": (_rec(id="x" * 10_000), "Corvale", False),
    "id-dot": (_rec(id=".."), "Corvale", False),
    "empty-text": (_rec(text="   \n  "), None, True),
}
for _name, (_mid, _marker, _bad) in JSONL_CASES.items():
    register(f"jsonl-{_name}", "jsonl", functools.partial(_jsonl, _mid, marker=_marker, bad=_bad))


@case("jsonl-bom-first-line", "jsonl")
def _jsonl_bom(ctx: Ctx) -> None:
    c, d = gen.good_records()
    data = b"\xef\xbb\xbf" + gen.jsonl(c, d)
    odd_beside_goods(ctx, [("odd-bom.jsonl", data)], goods=("A", "B", "C", "D"))
    ctx.annotate([ctx.write("odd-bom.jsonl", data)], ids=[MARKERS["C"], MARKERS["D"]])


@case("jsonl-bom-middle-line", "jsonl")
def _jsonl_bom_mid(ctx: Ctx) -> None:
    c, d = gen.good_records()
    data = gen.jsonl(c) + b"\xef\xbb\xbf" + gen.jsonl(d)
    odd_beside_goods(ctx, [("odd-bom.jsonl", data)], goods=("A", "B", "C", "D"))


@case("jsonl-duplicate-ids", "jsonl")
def _jsonl_dup(ctx: Ctx) -> None:
    c, d = gen.good_records()
    d = dict(d, id=c["id"])
    odd_beside_goods(ctx, [("odd-dup.jsonl", gen.jsonl(c, d))], goods=("A", "B", "C", "D"))


@case("jsonl-id-collides-with-txt", "jsonl")
def _jsonl_collide(ctx: Ctx) -> None:
    c, _ = gen.good_records()
    odd_beside_goods(
        ctx, [("odd-collide.jsonl", gen.jsonl(dict(c, id="good-a")))], goods=("A", "B", "C")
    )


@case("jsonl-id-path-writes-nothing", "jsonl")
def _jsonl_paths(ctx: Ctx) -> None:
    c, d = gen.good_records()
    target = ctx.dir / "escaped"
    ids = ["../escaped", "../../escaped", str(target), "out/../../escaped", "..\\escaped"]
    recs = [dict(c, id=i, text=c["text"] + f" ({n})") for n, i in enumerate(ids)]
    odd_beside_goods(ctx, [("odd-ids.jsonl", gen.jsonl(*recs, d))], goods=("A", "B", "C", "D"))
    stray = [
        p.name
        for p in ctx.dir.iterdir()
        if p.name not in ("in", "out") and not p.name.startswith(".")
    ]
    ctx.check(not stray, f"ids became paths: {stray}")


@case("jsonl-crlf-and-blank-lines", "jsonl")
def _jsonl_crlf(ctx: Ctx) -> None:
    c, d = gen.good_records()
    data = gen.jsonl(c, d).replace(b"\n", b"\r\n\r\n   \r\n")
    odd_beside_goods(ctx, [("odd-crlf.jsonl", data)], goods=("A", "B", "C", "D"))


@case("jsonl-utf16", "jsonl")
def _jsonl_utf16(ctx: Ctx) -> None:
    c, d = gen.good_records()
    data = "\ufeff".encode("utf-16-le") + gen.jsonl(c, d).decode().encode("utf-16-le")
    odd_beside_goods(ctx, [("odd-utf16.jsonl", data)], bad_or_present=[("odd-utf16", MARKERS["C"])])


@case("jsonl-truncated-last-line", "jsonl")
def _jsonl_trunc(ctx: Ctx) -> None:
    c, d = gen.good_records()
    data = gen.jsonl(c, d)
    data = data + data[: len(data) // 4]
    odd_beside_goods(
        ctx, [("odd-trunc.jsonl", data)], goods=("A", "B", "C", "D"), bad=["odd-trunc"]
    )


@case("jsonl-500-empty-records", "jsonl")
def _jsonl_many_empty(ctx: Ctx) -> None:
    c, d = gen.good_records()
    data = gen.jsonl(c, *[{"id": f"e{i}", "text": ""} for i in range(500)], d)
    odd_beside_goods(
        ctx, [("odd-empties.jsonl", data)], goods=("A", "B", "C", "D"), bad=["odd-empties"]
    )


@case("jsonl-empty-file", "jsonl")
def _jsonl_empty(ctx: Ctx) -> None:
    odd_beside_goods(ctx, [("odd-empty.jsonl", b"")], bad=["odd-empty"])


# ------------------------------------------------------------------------------------------
# WARC
# ------------------------------------------------------------------------------------------


def _odd_warc_record(rid: int = 2, **kw: Any) -> bytes:
    page = gen.html_page(_CORVALE_P, title="Museum wing").encode()
    return gen.warc_record("https://news.example.com/museum", page, rid, **kw)


def _warc(
    data: Callable[[], bytes],
    name: str,
    ctx: Ctx,
    *,
    goods: Iterable[str] = ("A", "B", "C", "D"),
    bad: bool | None = True,
    limit: float = PATHOLOGICAL_LIMIT,
) -> None:
    kw: dict[str, Any] = {}
    if bad is True:
        kw["bad"] = ["odd-"]
    elif bad is None:
        kw["bad_or_present"] = [("odd-", "Corvale")]
    else:
        kw["present"] = ["Corvale"]
    odd_beside_goods(ctx, [(name, data())], goods=goods, limit=limit, **kw)


def _gz_members(*records: bytes) -> list[bytes]:
    return [gen.gz(r) for r in records]


_C, _D = gen.good_warc_records()
_X = _odd_warc_record()
WARC_CASES: dict[str, tuple[Callable[[], bytes], str, tuple[str, ...], bool | None]] = {
    "truncated-mid-record": (
        lambda: (_C + _X + _D)[: len(_C) + len(_X) // 2],
        "odd-trunc.warc",
        ("A", "B", "C"),
        True,
    ),
    "truncated-in-header": (
        lambda: (_C + _X)[: len(_C) + 40],
        "odd-trunc.warc",
        ("A", "B", "C"),
        True,
    ),
    "gz-truncated": (
        lambda: b"".join(_gz_members(_C, _X, _D))[:-200],
        "odd-trunc.warc.gz",
        ("A", "B", "C"),
        True,
    ),
    "gz-corrupt-middle-member": (
        lambda: (
            lambda m: m[0] + m[1][:20] + bytes(b ^ 0x5A for b in m[1][20:-20]) + m[1][-20:] + m[2]
        )(_gz_members(_C, _X, _D)),
        "odd-corrupt.warc.gz",
        ("A", "B", "C", "D"),
        True,
    ),
    "content-length-huge": (
        lambda: _C + _odd_warc_record(content_length="999999999999") + _D,
        "odd-len.warc",
        ("A", "B", "C"),
        True,
    ),
    "content-length-negative": (
        lambda: _C + _odd_warc_record(content_length="-5") + _D,
        "odd-len.warc",
        ("A", "B", "C"),
        True,
    ),
    "content-length-text": (
        lambda: _C + _odd_warc_record(content_length="lots") + _D,
        "odd-len.warc",
        ("A", "B", "C"),
        True,
    ),
    "content-length-short": (
        lambda: _C + _odd_warc_record(content_length="100") + _D,
        "odd-len.warc",
        ("A", "B", "C"),
        True,
    ),
    "garbage": (
        lambda: gen.random_bytes("warc", 50_000),
        "odd-garbage.warc",
        ("A", "B"),
        True,
    ),
    "empty": (lambda: b"", "odd-empty.warc", ("A", "B"), True),
    "not-gzip": (lambda: _C + _D, "odd-notgz.warc.gz", ("A", "B"), None),
    "no-html-records": (
        lambda: gen.warc_record(
            "https://x.example/a.pdf",
            b"%PDF-1.4 ...",
            9,
            http_headers="Content-Type: application/pdf\r\n",
        ),
        "odd-pdf.warc",
        ("A", "B"),
        True,
    ),
    "payload-gzip-bomb": (
        lambda: (
            _C
            + gen.warc_record(
                "https://news.example.com/bomb",
                gen.gzip_bomb(1 << 30),
                2,
                http_headers="Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
            )
            + _D
        ),
        "odd-bomb.warc",
        ("A", "B", "C", "D"),
        True,
    ),
    "100k-nested-record": (
        lambda: (
            _C
            + gen.warc_record(
                "https://news.example.com/deep",
                gen.html_page("<div>" * 100_000 + _CORVALE_P).encode(),
                2,
            )
            + _D
        ),
        "odd-deep.warc",
        ("A", "B", "C", "D"),
        None,
    ),
}
for _name, (_data, _fname, _goods, _bad) in WARC_CASES.items():
    register(
        f"warc-{_name}", "warc", functools.partial(_warc, _data, _fname, goods=_goods, bad=_bad)
    )


# ------------------------------------------------------------------------------------------
# Files: empty, binary, encodings, special files
# ------------------------------------------------------------------------------------------


def _file(name: str, data: str | bytes, want: bool | None, ctx: Ctx) -> None:
    if want is True:
        odd_beside_goods(ctx, [(name, data)], present=["Corvale"], annotate=True)
    elif want is False:
        odd_beside_goods(ctx, [(name, data)], bad=["odd-"], annotate=True)
    else:
        odd_beside_goods(ctx, [(name, data)], bad_or_present=[("odd-", "Corvale")], annotate=True)


_ODD = gen.article("nothing odd here")
FILE_CASES: dict[str, tuple[str, str | bytes, bool | None]] = {
    "empty-txt": ("odd-empty.txt", b"", False),
    "whitespace-txt": ("odd-blank.txt", " \n\t\r\n   \u00a0\u2003\n" * 100, False),
    "binary-txt": (
        "odd-binary.txt",
        gen.random_bytes("b", 30_000),
        False,
    ),
    "utf16-le-bom": (
        "odd-utf16.txt",
        "\ufeff".encode("utf-16-le") + _ODD.encode("utf-16-le"),
        True,
    ),
    "utf16-be-no-bom": ("odd-utf16be.txt", _ODD.encode("utf-16-be"), None),
    "utf8-bom": ("odd-bom.txt", b"\xef\xbb\xbf" + _ODD.encode(), True),
    "latin1": ("odd-latin1.txt", _ODD.replace("Museum", "Musée").encode("latin-1"), True),
    "nul-bytes": ("odd-nul.txt", _ODD.replace(". ", ".\x00 "), None),
    "cr-only-newlines": ("odd-cr.txt", _ODD.replace("\n", "\r"), True),
    "control-chars": ("odd-ctrl.txt", _ODD.replace(" ", " \x1b[31m\x07\x08", 30), True),
    "unsupported-extension": ("odd-file.pdf", b"%PDF-1.4\n", False),
    "no-extension": ("odd-file", _ODD, False),
}
for _name, (_fname, _fdata, _want) in FILE_CASES.items():
    register(f"file-{_name}", "files", functools.partial(_file, _fname, _fdata, _want))


@case("file-fifo-named-txt", "files")
def _fifo(ctx: Ctx) -> None:
    goods = ctx.goods()
    fifo = os.path.join(os.fsencode(ctx.dir / "in"), b"odd-fifo.txt")
    os.mkfifo(fifo)
    run = ctx.build([*goods, fifo])
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(bad=["odd-fifo"])


@case("file-fifo-in-folder", "files")
def _fifo_dir(ctx: Ctx) -> None:
    ctx.goods()
    os.mkfifo(ctx.dir / "in" / "odd-fifo.txt")
    run = ctx.build(["in"])
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier()


@case("file-dev-zero-symlink", "files")
def _devzero(ctx: Ctx) -> None:
    goods = ctx.goods()
    link = ctx.dir / "in" / "odd-zero.txt"
    link.symlink_to("/dev/zero")
    run = ctx.build([*goods, os.fsencode(link)])
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(bad=["odd-zero"])


@case("file-dev-urandom-in-folder", "files")
def _devrandom(ctx: Ctx) -> None:
    ctx.goods()
    (ctx.dir / "in" / "odd-random.txt").symlink_to("/dev/urandom")
    run = ctx.build(["in"])
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier()


@case("file-symlink-loops", "files")
def _loops(ctx: Ctx) -> None:
    ctx.goods()
    d = ctx.dir / "in"
    (d / "odd-self.txt").symlink_to("odd-self.txt")
    (d / "odd-loop").symlink_to(".")
    (d / "sub").mkdir()
    (d / "sub" / "odd-up").symlink_to("..")
    (d / "odd-dangling.txt").symlink_to("nowhere.txt")
    run = ctx.build(["in"])
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(once=["A", "B"])


@case("file-missing-path", "files")
def _missing(ctx: Ctx) -> None:
    run = ctx.build([*ctx.goods(), "in/odd-missing.txt"])
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(bad=["odd-missing"])


@case("file-folder-named-txt", "files")
def _dir_txt(ctx: Ctx) -> None:
    goods = ctx.goods()
    (ctx.dir / "in" / "odd-dir.txt").mkdir()
    run = ctx.build([*goods, "in/odd-dir.txt"])
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier()


@case("file-500-empty-files", "files")
def _many_empty(ctx: Ctx) -> None:
    ctx.goods()
    for i in range(500):
        ctx.write(f"odd-{i:03d}.txt", b"")
    run = ctx.build(["in"], limit=PATHOLOGICAL_LIMIT)
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(bad=["odd-000", "odd-499"])


@case("file-deep-folders", "files")
def _deep(ctx: Ctx) -> None:
    ctx.goods()
    deep = "in/" + "d/" * 300
    ctx.write("odd-deep.txt", _ODD, sub=deep)
    run = ctx.build(["in"])
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(present=["Corvale"])


# ------------------------------------------------------------------------------------------
# File names and paths as identities
# ------------------------------------------------------------------------------------------


def _odd_name(name: bytes, ctx: Ctx) -> None:
    odd_beside_goods(ctx, [(name, _ODD)], present=["Corvale"], annotate=True)


NAME_CASES: dict[str, bytes] = {
    "non-utf8-bytes": b"odd-\xff\xfe-name.txt",
    "latin1-bytes": b"odd-caf\xe9.txt",
    "lone-surrogate-utf8": b"odd-\xed\xa0\x80.txt",
    "newline": b"odd\nname\r.txt",
    "tab-and-spaces": b"  odd \t name  .txt",
    "leading-dash": b"-odd-name.txt",
    "double-dash-option": b"--out=odd.txt",
    "unicode": "odd-новости-新闻-🗞.txt".encode(),
    "rtl-override": "odd-\u202etxt.exe.txt".encode(),
    "255-bytes": b"odd-" + b"n" * 247 + b".txt",
    "markup": b'odd-"><img src=x onerror=alert(1)><script>alert(2)<\\script>.txt',
    "quotes-backslash": b"odd-'\"\\`$(id).txt",
    "percent-encoded": b"odd-%2e%2e%2fetc%00.txt",
}
for _label, _bname in NAME_CASES.items():
    register(f"name-{_label}", "names", functools.partial(_odd_name, _bname))


@case("name-non-utf8-folder-walk", "names")
def _name_walk(ctx: Ctx) -> None:
    ctx.goods()
    ctx.write(b"odd-\xff\xfe.txt", _ODD, sub="in/sub-\xe9")
    run = ctx.build(["in"])
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(present=["Corvale"])
    ctx.annotate(["in"], ids=["Corvale"])


def _same(spellings: Callable[[Ctx], list[str | bytes]], ctx: Ctx) -> None:
    ctx.goods()
    run = ctx.build(spellings(ctx))
    ctx.check_run(run, "ok")
    if run.rc == 0:
        ctx.dossier(once=["A", "B"])


def _symlinked(ctx: Ctx) -> list[str | bytes]:
    (ctx.dir / "in" / "link-a.txt").symlink_to("good-a.txt")
    (ctx.dir / "linkdir").symlink_to("in")
    return ["in/good-a.txt", "in/link-a.txt", "linkdir/good-a.txt", "in/good-b.txt"]


SAME_CASES: dict[str, Callable[[Ctx], list[str | bytes]]] = {
    "twice": lambda c: ["in/good-a.txt", "in/good-a.txt", "in/good-b.txt"],
    "relative-and-absolute": lambda c: [
        "in/good-a.txt",
        str(c.dir / "in/good-a.txt"),
        "in/good-b.txt",
    ],
    "dot-dot-spelling": lambda c: ["in/good-a.txt", "./in/../in//good-a.txt", "in/good-b.txt"],
    "symlink": _symlinked,
    "folder-and-file-inside": lambda c: ["in", "in/good-a.txt", str(c.dir / "in")],
    "folder-twice-trailing-slash": lambda c: ["in", "in/", "./in"],
}
for _label, _fn in SAME_CASES.items():
    register(f"same-input-{_label}", "paths", functools.partial(_same, _fn))


# ------------------------------------------------------------------------------------------
# Markup in every field of every format
# ------------------------------------------------------------------------------------------


def _markup(
    files: Callable[[], list[tuple[str, str | bytes]]], present: str | None, ctx: Ctx
) -> None:
    odd_beside_goods(ctx, files(), present=[present] if present else (), goods=("A", "B"))


_P = PAYLOAD
MARKUP_CASES: dict[str, tuple[Callable[[], list[tuple[str, str | bytes]]], str | None]] = {
    "txt-body": (lambda: [("odd-m.txt", gen.article(_P + " " + _P))], "Corvale"),
    "txt-headline": (lambda: [("odd-m.txt", gen.article("ok", title=_P))], "Corvale"),
    "txt-quote-and-speaker": (
        lambda: [
            (
                "odd-m.txt",
                gen.article(
                    f"“{_P},” said {_P} Smith, the <b>mayor</b>. Janet {_P} Okafor said: “{_P}”"
                ),
            )
        ],
        "Corvale",
    ),
    "txt-header-line": (
        lambda: [("odd-m.txt", f" date 2024-03-20{_P}\n\n" + gen.article("ok", None))],
        "Corvale",
    ),
    "txt-dateline": (
        lambda: [
            ("odd-m.txt", gen.article(f"{_P.upper()}, March 3 (<script>Reuters</script>) - ok"))
        ],
        "Corvale",
    ),
    "txt-escaped-entities": (
        lambda: [
            (
                "odd-m.txt",
                gen.article(
                    "&lt;script&gt;window.__pwned=7&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;"
                ),
            )
        ],
        "Corvale",
    ),
    "jsonl-every-field": (
        lambda: [
            (
                "odd-m.jsonl",
                gen.jsonl(
                    {
                        "id": _P,
                        "title": _P,
                        "text": gen.article(_P),
                        "url": "javascript:window.__pwned=8",
                        "outlet": _P,
                        "byline": _P,
                        "author": _P,
                        "published": _P,
                    }
                ),
            )
        ],
        "Corvale",
    ),
    "jsonl-url-javascript": (
        lambda: [
            (
                "odd-m.jsonl",
                gen.jsonl(
                    {
                        "id": "odd-js",
                        "text": gen.article("ok"),
                        "url": " JaVaScRiPt:window.__pwned=9",
                    }
                ),
            )
        ],
        "Corvale",
    ),
    "jsonl-url-data": (
        lambda: [
            (
                "odd-m.jsonl",
                gen.jsonl(
                    {
                        "id": "odd-js",
                        "text": gen.article("ok"),
                        "url": "data:text/html,<script>alert(1)</script>",
                    }
                ),
            )
        ],
        "Corvale",
    ),
    "jsonl-html-field": (
        lambda: [
            (
                "odd-m.jsonl",
                gen.jsonl(
                    {
                        "id": "odd-h",
                        "html": gen.html_page(
                            f'<p onclick="window.__pwned=10">{_P}</p>' + _CORVALE_P,
                            title=_P,
                            head=f'<meta name="author" content="{_P}"><link rel="canonical" href="javascript:alert(1)">',
                        ),
                    }
                ),
            )
        ],
        "Corvale",
    ),
    "html-title-and-meta": (
        lambda: [
            (
                "odd-m.html",
                gen.html_page(
                    _CORVALE_P,
                    title=_P.replace("<", "&lt;"),
                    head=(
                        f'<meta name="author" content="{_P.replace(chr(34), "&quot;")}">'
                        f'<meta property="og:site_name" content="{_P.replace(chr(34), "&quot;")}">'
                        f'<meta name="description" content="{_P.replace(chr(34), "&quot;")}">'
                        '<link rel="canonical" href="javascript:window.__pwned=11">'
                        '<meta property="og:url" content="javascript:window.__pwned=12">'
                    ),
                ),
            )
        ],
        "Corvale",
    ),
    "html-body-handlers": (
        lambda: [
            (
                "odd-m.html",
                gen.html_page(
                    '<p onmouseover="window.__pwned=13">Corvale</p>'
                    f'<img src=x onerror="window.__pwned=14">{_CORVALE_P}<a href="javascript:alert(1)">link</a>'
                    f"<noscript>{_P}</noscript><template>{_P}</template><!-- {_P} --><![CDATA[{_P}]]>"
                ),
            )
        ],
        "Corvale",
    ),
    "html-escaped-text": (
        lambda: [
            (
                "odd-m.html",
                gen.html_page(
                    _CORVALE_P
                    + "<p>"
                    + _P.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    + "</p>"
                ),
            )
        ],
        "Corvale",
    ),
    "html-published-meta": (
        lambda: [("odd-m.html", gen.html_page(_CORVALE_P, published=_P.replace('"', "&quot;")))],
        "Corvale",
    ),
    "warc-uri-and-payload": (
        lambda: [
            (
                "odd-m.warc",
                gen.warc_record(
                    "javascript:window.__pwned=15",
                    gen.html_page(_CORVALE_P + f"<p>{_P}</p>", title=_P).encode(),
                    5,
                ),
            )
        ],
        None,
    ),
}
for _label, (_files, _present) in MARKUP_CASES.items():
    register(f"markup-{_label}", "markup", functools.partial(_markup, _files, _present))


# ------------------------------------------------------------------------------------------
# No usable article: exit non-zero, saying why
# ------------------------------------------------------------------------------------------

_WHY = re.compile(
    r"(?i)no (usable |readable )?(article|input|text|file)|nothing|empty|unsupported|no such|not a|odd-"
)


def _nothing(setup: Callable[[Ctx], list[str | bytes]], ctx: Ctx) -> None:
    run = ctx.build(setup(ctx))
    ctx.check_run(run, "fail")
    ctx.check(bool(_WHY.search(run.err)), f"no reason given: {run.head(3)!r}")


def _empty_folder(ctx: Ctx) -> bytes:
    os.makedirs(ctx.dir / "in", exist_ok=True)
    return os.fsencode(ctx.dir / "in")


NOTHING_CASES: dict[str, Callable[[Ctx], list[str | bytes]]] = {
    "only-empty-txt": lambda c: [c.write("odd-empty.txt", b"")],
    "only-unsupported": lambda c: [c.write("odd.pdf", b"%PDF")],
    "only-missing": lambda c: ["odd-missing.txt"],
    "only-empty-folder": lambda c: [_empty_folder(c)],
    "only-bad-jsonl": lambda c: [c.write("odd.jsonl", b"{not json}\n[1]\n")],
    "only-binary": lambda c: [c.write("odd-bin.txt", bytes(range(256)) * 100)],
}
for _label, _setup in NOTHING_CASES.items():
    register(f"nothing-{_label}", "no-article", functools.partial(_nothing, _setup))


@case("jsonl-wrong-field-types-one-file", "jsonl")
def _jsonl_types(ctx: Ctx) -> None:
    """Every optional field of the wrong type, one record each: each costs at most its record
    (the text is sound, so each should be read)."""
    odd = {
        n: rec
        for n, (rec, marker, bad) in JSONL_CASES.items()
        if bad is False
        and n.startswith(("id-is", "title-is", "published-is", "url-is", "outlet-is", "huge-float"))
    }
    dicts = [(n, rec) for n, rec in odd.items() if isinstance(rec, dict)]
    recs = [
        dict(rec, text=gen.article(n, None, word=f"Corvale{i}")) for i, (n, rec) in enumerate(dicts)
    ]
    c, d = gen.good_records()
    odd_beside_goods(
        ctx,
        [("odd-types.jsonl", gen.jsonl(c, *recs, d))],
        goods=("A", "B", "C", "D"),
        present=[f"Corvale{i}" for i in range(len(recs))],
    )


@case("jsonl-hostile-ids-one-file", "jsonl")
def _jsonl_ids(ctx: Ctx) -> None:
    names = [n for n in JSONL_CASES if n.startswith("id-") and not n.startswith("id-is")]
    recs = [
        dict(JSONL_CASES[n][0], text=gen.article(n, None, word=f"Corvale{i}"))
        for i, n in enumerate(names)
    ]
    c, d = gen.good_records()
    odd_beside_goods(
        ctx,
        [("odd-ids.jsonl", gen.jsonl(c, *recs, d))],
        goods=("A", "B", "C", "D"),
        present=[f"Corvale{i}" for i in range(len(recs))],
    )
    stray = [p for p in ("/tmp/hostile-pwned", "/tmp/hostile-pwned-abs") if os.path.exists(p)]
    ctx.check(not stray, f"an id became a path: {stray}")


@case("jsonl-annotate-odd-lines-one-file", "jsonl")
def _jsonl_annotate(ctx: Ctx) -> None:
    """``annotate`` over a JSONL file holding every odd line between C and D: every line is
    valid UTF-8 JSON, C and D are annotated, and no traceback."""
    c, d = gen.good_records()
    data = gen.jsonl(c, *[m for m, _, _ in JSONL_CASES.values()], d)
    ctx.annotate([ctx.write("odd-all.jsonl", data)], expect="any", ids=[MARKERS["C"], MARKERS["D"]])


EXTENDED = {
    "quotes-10000-closing-only",
    "quotes-10000-guillemets",
    "quotes-10000-apostrophes",
    "quotes-marks-only",
    "repeats-1000-same-opening-long",
    "html-100k-siblings",
    "html-100k-nested-table",
    "html-5mb-attribute",
    "html-bogus-charset",
    "html-unclosed-comment",
    "html-nul-bytes",
    "warc-truncated-in-header",
    "warc-content-length-negative",
    "warc-content-length-text",
    "warc-not-gzip",
    "file-utf16-be-no-bom",
    "file-cr-only-newlines",
    "file-control-chars",
    "file-no-extension",
    "file-dev-urandom-in-folder",
    "file-folder-named-txt",
    "file-deep-folders",
    "name-latin1-bytes",
    "name-lone-surrogate-utf8",
    "name-tab-and-spaces",
    "name-double-dash-option",
    "name-rtl-override",
    "name-quotes-backslash",
    "name-percent-encoded",
}
"""Variations run only with ``--all`` (see :attr:`Case.extended`)."""
for _n in [
    n
    for n in JSONL_CASES
    if n.startswith(
        (
            "id-",
            "title-is",
            "published-is",
            "url-is",
            "outlet-is",
            "huge-float",
            "string-line",
            "null-line",
            "text-is-list",
            "text-is-object",
            "text-is-null",
            "nan",
            "lone-surrogate-title",
            "empty-text",
        )
    )
]:
    EXTENDED.add(f"jsonl-{_n}")


def mark_extended(names: set[str]) -> None:
    unknown = names - {c.name for c in CASES}
    assert not unknown, unknown
    CASES[:] = [Case(c.name, c.category, c.fn, c.extended or c.name in names) for c in CASES]


mark_extended(EXTENDED)


# ------------------------------------------------------------------------------------------
# Generated: seeded random texts and mutated files of every format
# ------------------------------------------------------------------------------------------


def _generated(seed: int, ctx: Ctx) -> None:
    body = gen.article("see below", word="Corvale") + "\n\n" + gen.random_text(seed)
    odd_beside_goods(ctx, [(f"odd-gen-{seed}.txt", body)], present=["Corvale"], annotate=True)


for _seed in range(12):
    register(
        f"generated-text-seed-{_seed}",
        "generated",
        functools.partial(_generated, _seed),
        extended=_seed >= 6,
    )


def _good_file(fmt: str) -> tuple[str, bytes]:
    c, d = gen.good_records()
    wc, wd = gen.good_warc_records()
    page = gen.html_page(_CORVALE_P, title="Museum wing").encode()
    return {
        "txt": ("odd-mut.txt", _ODD.encode()),
        "html": ("odd-mut.html", page),
        "jsonl": ("odd-mut.jsonl", gen.jsonl(c, _rec(), d)),
        "warc": ("odd-mut.warc", wc + _odd_warc_record() + wd),
        "warc.gz": ("odd-mut.warc.gz", b"".join(_gz_members(wc, _odd_warc_record(), wd))),
    }[fmt]


def _mutated(fmt: str, seed: int, ctx: Ctx) -> None:
    """Whatever the corruption, the build goes on: the two good articles are there, the
    outputs are valid; the odd file is either read or named (not checked: either is right)."""
    name, data = _good_file(fmt)
    odd_beside_goods(
        ctx,
        [(name, gen.mutate(data, seed))],
        limit=PATHOLOGICAL_LIMIT,
        annotate=fmt in ("txt", "jsonl"),
    )


for _fmt in ("txt", "html", "jsonl", "warc", "warc.gz"):
    for _seed in range(4):
        register(
            f"mutated-{_fmt}-seed-{_seed}",
            "mutated",
            functools.partial(_mutated, _fmt, _seed),
            extended=_seed >= 2,
        )
