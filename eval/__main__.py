"""`make eval`: every quality evaluation, each printing its table and checking its pinned floors.

Datasets are read from outside the repo (``STORYLINE_DATASETS``, default ``../shared/datasets``);
an evaluation whose data is absent says so and is skipped.
"""

from __future__ import annotations

import importlib
import sys

EVALUATIONS = (
    "extraction",
    "quotes",
    "quotes_news",
    "entities",
    "entities_xdoc",
    "nominals",
    "timex",
    "timeline",
    "timeline_robust",
    "stories",
)


def main() -> int:
    failed = []
    for name in EVALUATIONS:
        try:
            module = importlib.import_module(f"eval.{name}")
        except ModuleNotFoundError as exc:
            print(f"== {name}: not available ({exc})")
            continue
        print(f"\n== {name}")
        code = module.main()
        if code:
            failed.append(name)
    if failed:
        print(f"\nBelow pinned floors: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
