"""The analysis components: families that do not import each other, annotations made once and
shared on the Doc, and per-component keys that follow the import graph."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.analyse import codegraph, layers
from storyline.analyse.lang.extensions import ANNOTATIONS, annotated, cached

FAMILIES = ("quotes", "entities", "time")
PKG = codegraph.PACKAGE

TEXT = (
    "Keir Starmer met Donald Trump in New York on 26 September.\n\n"
    "“We had a very good discussion,” Sir Keir said on Friday. He added: “It was a "
    "constructive meeting.”\n\n"
    "The Prime Minister has visited Washington twice since July."
)


def _family(module: str) -> str | None:
    """The family (a sub-package: quotes, entities, time, lang) a module belongs to."""
    first = module.removeprefix(PKG + ".").split(".")[0]
    return first if module != PKG and first in (*FAMILIES, "lang") else None


def test_components_no_family_imports_another_family() -> None:
    graph = codegraph.module_graph()
    assert {_family(m) for m in graph} == {None, "lang", *FAMILIES}
    crossings = []
    for module, deps in graph.items():
        mine = _family(module)
        if mine is None:
            continue  # layers, serialise, codegraph: the boundary reads every family
        for dep in deps:
            theirs = _family(dep)
            if theirs is None and dep != PKG:
                crossings.append((module, dep))  # a family reading the boundary
            elif theirs not in (None, mine, "lang"):
                crossings.append((module, dep))  # lang imports no family at all
    assert crossings == []


def test_components_import_graph_reads_every_import_form() -> None:
    src = {
        PKG: b"",
        f"{PKG}.lang": b"",
        f"{PKG}.lang.words": b"",
        f"{PKG}.lang.nlp": b"from storyline.analyse.lang import words\n",
        f"{PKG}.time": b"",
        f"{PKG}.time.timex": b"def f():\n    from . import rules\n",
        f"{PKG}.time.rules": b"import storyline.analyse.lang.nlp\nimport json\n",
    }
    graph = codegraph.module_graph(src)
    # The package holding a module counts, the root package (a facade) does not.
    assert graph[f"{PKG}.lang.nlp"] == {f"{PKG}.lang.words", f"{PKG}.lang"}
    assert f"{PKG}.time.rules" in graph[f"{PKG}.time.timex"]  # relative, inside a function
    lang = [f"{PKG}.lang", f"{PKG}.lang.nlp", f"{PKG}.lang.words"]
    time = [f"{PKG}.time", f"{PKG}.time.rules", f"{PKG}.time.timex"]
    assert codegraph.dependencies([f"{PKG}.time.timex"], src) == sorted([*lang, *time])
    with pytest.raises(KeyError, match=r"storyline\.analyse\.nope"):
        codegraph.dependencies([f"{PKG}.nope"], src)
    # Over the whole project: the cleaner's code reaches the shared words it uses.
    whole = codegraph.dependencies(["storyline.clean.cleaner"], root="storyline")
    assert {"storyline.clean.repeats", f"{PKG}.lang.words", "storyline.unionfind"} <= set(whole)
    assert "storyline.pipeline" not in whole and f"{PKG}.layers" not in whole


def _keys(src: dict[str, bytes]) -> dict[str, str]:
    return {c.name: layers.component_key(c, src) for c in layers.enabled_components()}


def test_components_editing_one_module_changes_exactly_the_keys_that_depend_on_it() -> None:
    src = dict(codegraph.sources())
    base = _keys(src)
    assert base == layers.component_keys()
    assert len(set(base.values())) == len(base)
    reach = {c.name: set(codegraph.dependencies([c.module])) for c in layers.enabled_components()}
    changed_by: dict[str, set[str]] = {}
    for module in src:
        edited = {**src, module: src[module] + b"\n# edited\n"}
        after = _keys(edited)
        changed = {name for name in base if after[name] != base[name]}
        assert changed == {name for name, mods in reach.items() if module in mods}, module
        changed_by[module] = changed
    # What that means for the modules people edit most:
    assert changed_by[f"{PKG}.time.events"] == {"events"}
    assert changed_by[f"{PKG}.quotes.attribute"] == {"quotes"}
    assert changed_by[f"{PKG}.entities.coref"] == {"entities", "caption_entities"}
    assert changed_by[f"{PKG}.time.rules"] == {"timexes", "events"}
    assert changed_by[f"{PKG}.lang.quotemarks"] == {
        "quotes",
        "entities",
        "caption_entities",
        "events",
    }
    # The parse: everyone but the lead embedding, which reads the text only.
    assert changed_by[f"{PKG}.lang.nlp"] == set(base) - {"embedding"}
    assert changed_by[f"{PKG}.lang.embeddings"] == {"embedding"}


def test_components_version_is_part_of_the_key() -> None:
    from dataclasses import replace

    quotes = next(c for c in layers.enabled_components() if c.name == "quotes")
    assert layers.component_key(replace(quotes, version="2")) != layers.component_key(quotes)


def test_components_adapters_import_only_what_their_module_reaches() -> None:
    # A component's key follows its declared module: an adapter that reached past it would
    # run code its key does not cover.
    import ast
    import inspect
    import textwrap

    for c in layers.enabled_components():
        tree = ast.parse(textwrap.dedent(inspect.getsource(c.annotate)))
        used = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert used <= set(codegraph.dependencies([c.module])), c.name


def test_components_declare_registered_annotations() -> None:
    names = [c.name for c in layers.COMPONENTS]
    assert len(names) == len(set(names))
    for c in layers.COMPONENTS:
        assert set(c.requires) | set(c.assigns) <= set(ANNOTATIONS), c.name
        assert c.version
    assigned = {a for c in layers.COMPONENTS for a in c.assigns}
    assert {"timexes", "quotes", "entities"} <= assigned


def test_components_unknown_annotation_is_refused(nlp: Any) -> None:
    with pytest.raises(KeyError, match="'nope'"):
        cached(nlp("x"), "nope", list)


@pytest.fixture(scope="module")
def nlp() -> Any:
    from storyline.analyse.lang.nlp import load_nlp

    return load_nlp()


def test_components_time_expressions_and_quote_marks_are_found_once_per_article(
    nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.analyse.lang import quotemarks
    from storyline.analyse.time import tagged, timex

    calls = {"timex": 0, "marks": 0, "chars": 0, "tokens": 0}

    def counted(name: str, fn: Any) -> Any:
        def inner(*args: Any) -> Any:
            calls[name] += 1
            return fn(*args)

        return inner

    monkeypatch.setattr(tagged, "tag_timexes", counted("timex", timex.tag_timexes))
    monkeypatch.setattr(
        quotemarks, "find_quote_spans", counted("marks", quotemarks.find_quote_spans)
    )
    monkeypatch.setattr(quotemarks, "quoted_chars", counted("chars", quotemarks.quoted_chars))
    monkeypatch.setattr(quotemarks, "quoted_tokens", counted("tokens", quotemarks.quoted_tokens))
    doc = nlp(TEXT)
    out = layers.analyse_doc(doc, layers.AnalysisContext("2024-09-27"))
    assert out["timexes"] and out["events"] and out["quotes"]
    assert calls == {"timex": 1, "marks": 1, "chars": 1, "tokens": 1}
    for name in ("timexes", "quote_spans", "quoted_chars", "quoted_tokens", "quotes", "entities"):
        assert annotated(doc, name), name
    # The timexes are on the Doc as spans too, labelled with their TIMEX3 type.
    spans = doc.spans["timex"]
    assert [s.label_ for s in spans] == [t["type"] for t in out["timexes"]]
    assert "26 September" in [s.text for s in spans]


def test_components_a_consumer_run_alone_gets_the_producers_annotation(nlp: Any) -> None:
    # The build re-runs only changed components: events alone (or after a failed timex
    # component) must give the layer a full run gives.
    ctx = layers.AnalysisContext("2024-09-27")
    full = layers.analyse_doc(nlp(TEXT), ctx)
    by_name = {c.name: c for c in layers.enabled_components()}
    alone = nlp(TEXT)
    assert by_name["events"].fn(alone, ctx) == full["events"]
    reversed_doc = nlp(TEXT)
    got = {c.name: c.fn(reversed_doc, ctx) for c in reversed(layers.enabled_components())}
    assert got == full


def test_components_timexes_follow_the_anchor_they_are_asked_for(nlp: Any) -> None:
    doc = nlp("It happened on Friday.")
    by_name = {c.name: c for c in layers.enabled_components()}
    a = by_name["timexes"].fn(doc, layers.AnalysisContext("2024-09-27"))
    b = by_name["timexes"].fn(doc, layers.AnalysisContext("2024-10-10"))
    assert [t["value"] for t in a] == ["2024-09-27"]
    assert [t["value"] for t in b] == ["2024-10-04"]
    assert [t["value"] for t in by_name["timexes"].fn(doc, layers.AnalysisContext(None))] == [
        "XXXX-WXX-5"
    ]


def test_unionfind_roots_are_the_smallest_key_whatever_the_order() -> None:
    from storyline.unionfind import UnionFind

    a: UnionFind[str] = UnionFind()
    b: UnionFind[str] = UnionFind()
    for x, y in [("d", "c"), ("c", "b"), ("x", "y")]:
        a.union(x, y)
    for x, y in [("y", "x"), ("b", "c"), ("c", "d")]:
        b.union(x, y)
    for sets in (a, b):
        assert sets.find("d") == "b"
        assert sets.connected("c", "d") and not sets.connected("d", "x")
        assert sets.find("lone") == "lone"
    assert sorted(map(sorted, a.groups().values())) == [["b", "c", "d"], ["lone"], ["x", "y"]]
    assert a.groups()["x"] == ["x", "y"]
