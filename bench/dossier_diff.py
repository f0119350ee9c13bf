"""Are two dossiers the same? ``python -m bench.dossier_diff OLD.json NEW.json``, or
``python -m bench.dossier_diff OLD.json --store STORE`` to compare with the dossier made from a
store alone (``dossier_from_store`` of its last build; a build that stored no corpus results
has them assembled and stored first, so give it a copy of a store you want untouched).

The comparison the contract allows: key order never matters; fields present only in NEW are
additions ("fields may be added freely"), not differences; list order is not compared (a
list of records is matched by ``id`` when its records have one, any other list item by
item), except with ``--order``. Every difference is printed with its path
(``entities[e-keir-starmer].roles[2].date``); the exit status is 1 when there is any, 0
otherwise. Order changes and added fields are counted and listed as notes."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Comparison", "compare", "main"]


@dataclass(slots=True)
class Comparison:
    differences: list[str] = field(default_factory=list)
    reordered: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.differences


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "..."


def _equal_scalar(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def _compare(old: Any, new: Any, path: str, out: Comparison, order: bool) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key, value in old.items():
            if key not in new:
                out.differences.append(f"{path}.{key}: missing in NEW (was {_show(value)})")
            else:
                _compare(value, new[key], f"{path}.{key}", out, order)
        out.added.extend(f"{path}.{key}" for key in new if key not in old)
    elif isinstance(old, list) and isinstance(new, list):
        _compare_lists(old, new, path, out, order)
    elif (
        type(old) is not type(new)
        and not (
            isinstance(old, int | float)
            and isinstance(new, int | float)
            and not isinstance(old, bool)
            and not isinstance(new, bool)
        )
    ) or (not isinstance(old, dict | list) and not _equal_scalar(old, new)):
        out.differences.append(f"{path}: {_show(old)} -> {_show(new)}")


def _has_ids(items: Sequence[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and "id" in i for i in items)


def _compare_lists(old: list[Any], new: list[Any], path: str, out: Comparison, order: bool) -> None:
    if _has_ids(old) and (not new or _has_ids(new)):
        by_id = {str(i["id"]): i for i in new}
        old_ids = [str(i["id"]) for i in old]
        for item in old:
            other = by_id.get(str(item["id"]))
            where = f"{path}[{item['id']}]"
            if other is None:
                out.differences.append(f"{where}: missing in NEW")
            else:
                _compare(item, other, where, out, order)
        known = set(old_ids)
        for item in new:
            if str(item["id"]) not in known:
                out.differences.append(f"{path}[{item['id']}]: only in NEW {_show(item)}")
        new_ids = [str(i["id"]) for i in new if str(i["id"]) in known]
        if new_ids != [i for i in old_ids if i in by_id]:
            (out.differences if order else out.reordered).append(f"{path}: order differs")
        return
    # Items without ids: each old item takes the first unused new item it equals (fields only
    # in NEW allowed); the rest are differences.
    used = [False] * len(new)
    matched: list[int] = []
    unmatched: list[int] = []
    for n, item in enumerate(old):
        hit = None
        for m, other in enumerate(new):
            if not used[m]:
                probe = Comparison()
                _compare(item, other, "", probe, order)
                if probe.same:
                    hit = m
                    out.added.extend(f"{path}[{n}]{a}" for a in probe.added)
                    break
        if hit is None:
            unmatched.append(n)
        else:
            used[hit] = True
            matched.append(hit)
    extra = [m for m, u in enumerate(used) if not u]
    if len(unmatched) == 1 and len(extra) == 1:
        # One item changed in place: say what changed inside it.
        _compare(old[unmatched[0]], new[extra[0]], f"{path}[{unmatched[0]}]", out, order)
    else:
        for n in unmatched:
            out.differences.append(f"{path}[{n}]: missing in NEW {_show(old[n])}")
        for m in extra:
            out.differences.append(f"{path}[{m}]: only in NEW {_show(new[m])}")
    if matched != sorted(matched):
        (out.differences if order else out.reordered).append(f"{path}: order differs")


def compare(old: Any, new: Any, *, order: bool = False) -> Comparison:
    """The differences between two dossiers (or any two JSON values), as the contract sees
    them; with ``order``, list order counts too."""
    out = Comparison()
    _compare(old, new, "$", out, order)
    return out


def _from_store(location: str) -> Any:
    from storyline.errors import StorylineError
    from storyline.link.corpus import assemble_corpus
    from storyline.output.dossier import dossier_from_store, dossier_json
    from storyline.store import open_store

    try:
        with open_store(location) as store:
            build = store.last_build()
            if build is None:
                raise SystemExit(f"{location}: the store has no finished build")
            if not store.has_corpus(build):
                with store.transaction():
                    store.put_corpus(build, assemble_corpus(store, build, errors=[]))
            return json.loads(dossier_json(dossier_from_store(store, build)))
    except StorylineError as exc:
        raise SystemExit(f"{location}: {exc}") from exc


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dossier_diff", description=__doc__)
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path, nargs="?")
    parser.add_argument("--store", help="NEW is the dossier made from this store (path or URL)")
    parser.add_argument("--order", action="store_true", help="list order is a difference too")
    parser.add_argument("--notes", action="store_true", help="list reorderings and added fields")
    args = parser.parse_args(argv)
    if (args.new is None) == (args.store is None):
        parser.error("give NEW.json or --store STORE (one of them)")
    loaded = []
    for path in (args.old, args.new) if args.new is not None else (args.old,):
        try:
            loaded.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            print(f"{path}: cannot read a dossier: {exc}", file=sys.stderr)
            return 2
    if args.store is not None:
        loaded.append(_from_store(args.store))
    result = compare(loaded[0], loaded[1], order=args.order)
    for line in result.differences:
        print(line)
    if args.notes:
        for line in result.reordered:
            print(f"note: {line}")
        for line in result.added:
            print(f"note: added {line}")
    print(
        f"{len(result.differences)} differences, {len(result.reordered)} lists reordered, "
        f"{len(result.added)} fields only in NEW",
        file=sys.stderr,
    )
    return 0 if result.same else 1


if __name__ == "__main__":
    sys.exit(main())
