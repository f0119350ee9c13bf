"""Which analysis code each component runs: the import graph of ``storyline.analyse``, read from
the source (every ``import``, at module level or inside a function), so that a component's cache
key covers exactly the modules it can reach and an edit to one module re-runs only the
components that depend on it.

Importing ``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` too, so a module's packages
count as its dependencies (all but ``root`` itself, whose ``__init__`` may be a facade
importing everything: a module that imports ``root`` by name still depends on it). Imports of modules outside the package read (``root``, by default
``storyline.analyse``) are not followed: the analysis reads nothing else of the project (the
spaCy model and its version are the build's own part of the key). Any other stage can key its
code the same way over the whole project: ``code_hash(["storyline.clean.cleaner"],
root="storyline")``.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

__all__ = ["PACKAGE", "code_hash", "dependencies", "module_graph", "sources"]

PACKAGE = "storyline.analyse"


@lru_cache(maxsize=4)
def sources(root: str = PACKAGE) -> Mapping[str, bytes]:
    """Every module of the package ``root``: dotted name -> source bytes."""
    init = importlib.import_module(root).__file__
    if init is None:
        raise KeyError(f"{root} is not a package with source files")
    base = Path(init).resolve().parent
    out = {}
    for path in sorted(base.rglob("*.py")):
        parts = [p for p in path.relative_to(base).with_suffix("").parts if p != "__init__"]
        out[".".join([root, *parts])] = path.read_bytes()
    return out


@lru_cache(maxsize=4096)
def _imported(name: str, source: bytes, modules: frozenset[str], root: str) -> frozenset[str]:
    # Kept per (module, source): a key computed after one edit parses only the edited module.
    is_package = any(m.startswith(name + ".") for m in modules)
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _statements(ast.parse(source, filename=name).body):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")
                up = up[: len(up) - (node.level - 1)]
                base = ".".join([*up, base]) if base else ".".join(up)
            # "from storyline.analyse.lang import words": the module words, else the package.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target == root or target.startswith(root + "."):
                found.add(target)
    found.discard(name)
    return frozenset(found)


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
"""The fields of a statement that hold statements (an import is always a statement)."""


def _statements(body: list[ast.stmt]) -> Iterator[ast.AST]:
    # Statements only, not every expression node: ast.walk made the keys cost 0.6 s a build.
    todo: list[ast.AST] = list(reversed(body))
    while todo:
        node = todo.pop()
        yield node
        for field in _BLOCKS:
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                todo.extend(reversed(inner))


def module_graph(
    src: Mapping[str, bytes] | None = None, root: str = PACKAGE
) -> dict[str, frozenset[str]]:
    """Module -> the modules of ``root`` it imports directly (and the packages holding it)."""
    src = sources(root) if src is None else src
    graph: dict[str, frozenset[str]] = {}
    known = frozenset(src)
    for name, source in src.items():
        deps = set(_imported(name, source, known, root))
        # The packages holding the module run when it is imported; the root's own __init__ is
        # left out (a facade that re-exports everything would make every module depend on all).
        parts = name.split(".")
        top = len(root.split("."))
        deps.update(
            p for p in (".".join(parts[:i]) for i in range(top + 1, len(parts))) if p in src
        )
        deps.discard(name)
        graph[name] = frozenset(deps)
    return graph


def dependencies(
    modules: Iterable[str], src: Mapping[str, bytes] | None = None, root: str = PACKAGE
) -> list[str]:
    """``modules`` and every module of ``root`` they reach, sorted."""
    graph = module_graph(src, root)
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in graph:
            raise KeyError(f"{name} is not a module of {root}")
        seen.add(name)
        todo.extend(graph[name] - seen)
    return sorted(seen)


def code_hash(
    modules: Iterable[str], src: Mapping[str, bytes] | None = None, root: str = PACKAGE
) -> str:
    """A hash of the source of ``modules`` and all they reach within ``root``."""
    src = sources(root) if src is None else src
    h = hashlib.sha1()
    for name in dependencies(modules, src, root):
        h.update(name.encode() + b"\0" + src[name] + b"\0")
    return h.hexdigest()[:12]
