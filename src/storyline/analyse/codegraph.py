"""Which analysis code each component runs: the import graph of ``storyline.analyse``, read from
the source (every ``import``, at module level or inside a function), so that a component's cache
key covers exactly the modules it can reach and an edit to one module re-runs only the
components that depend on it.

Importing ``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` too, so a module's packages
count as its dependencies. Imports of modules outside ``storyline.analyse`` are not followed: the
analysis reads nothing else of the project (the spaCy model and its version are the build's own
part of the key).
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

__all__ = ["PACKAGE", "code_hash", "dependencies", "module_graph", "sources"]

PACKAGE = "storyline.analyse"
_ROOT = Path(__file__).resolve().parent


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


@lru_cache(maxsize=1)
def sources() -> Mapping[str, bytes]:
    """Every module of the analysis package: dotted name -> source bytes."""
    return {_module_name(path, _ROOT): path.read_bytes() for path in sorted(_ROOT.rglob("*.py"))}


def _imported(name: str, source: bytes, known: Iterable[str]) -> set[str]:
    modules = set(known)
    is_package = any(m.startswith(name + ".") for m in modules)
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename=name)):
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
            if target.startswith(PACKAGE):
                found.add(target)
    found.discard(name)
    return found


def module_graph(src: Mapping[str, bytes] | None = None) -> dict[str, frozenset[str]]:
    """Module -> the analysis modules it imports directly (and the packages holding it)."""
    src = sources() if src is None else src
    graph: dict[str, frozenset[str]] = {}
    for name, source in src.items():
        deps = _imported(name, source, src)
        parts = name.split(".")
        deps.update(p for p in (".".join(parts[:i]) for i in range(2, len(parts))) if p in src)
        deps.discard(name)
        graph[name] = frozenset(deps)
    return graph


def dependencies(modules: Iterable[str], src: Mapping[str, bytes] | None = None) -> list[str]:
    """``modules`` and every analysis module they reach, sorted."""
    graph = module_graph(src)
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in graph:
            raise KeyError(f"{name} is not a module of {PACKAGE}")
        seen.add(name)
        todo.extend(graph[name] - seen)
    return sorted(seen)


def code_hash(modules: Iterable[str], src: Mapping[str, bytes] | None = None) -> str:
    """A hash of the source of ``modules`` and all they reach."""
    src = sources() if src is None else src
    h = hashlib.sha1()
    for name in dependencies(modules, src):
        h.update(name.encode() + b"\0" + src[name] + b"\0")
    return h.hexdigest()[:12]
