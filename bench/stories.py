"""Story clustering speed and memory on top of stored layers, on a synthetic stream.

The stream is made of :class:`storyline.link.stories.StoryInput` records as
``inputs_from_store`` would read them (terms, entities, numbers, quotes, a lead embedding),
generated lazily in stream order: stories of one kind that share most of their words (a common
vocabulary) and differ by a few names, places, ages and distinctive terms, with follow-ups days
to weeks later, over about three years. Articles per CPU second of the clustering (the
machine is shared, so wall-clock time says more about the neighbours) and the peak RSS (which
only grows) are printed at checkpoints, so a memory that grows with the stream shows.

    python -m bench.stories [--articles 100000]
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np

from storyline.link.stories import StoryIndex, StoryInput, story_input

TARGET = 2000.0
"""Articles per second the clustering should reach on stored layers (issue 11)."""
_COMMON = [f"common{i}" for i in range(400)]
_DIM = 384


def synthetic_stream(n: int, seed: int = 7) -> Iterator[StoryInput]:
    """``n`` articles in stream order; about 60% of stories have one article."""
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    start = date(2015, 1, 1)
    days = 3 * 365
    per_day = max(1, n // days)
    open_stories: list[tuple[int, list[str], list[str], str, np.ndarray]] = []
    made = 0
    story_no = 0
    for day in range(days + 1):
        today = start + timedelta(days=day)
        batch = per_day if day < days else n - made
        for _ in range(batch):
            if made >= n:
                return
            if open_stories and rng.random() < 0.35:
                _born, words, names, place, base = open_stories[rng.randrange(len(open_stories))]
            else:
                story_no += 1
                words = [f"w{story_no}x{k}" for k in range(6)]
                names = [f"person:name{story_no} surname{story_no % 997}"]
                place = f"place:town{story_no % 300}"
                base = np_rng.standard_normal(_DIM).astype(np.float32)
                if rng.random() < 0.4:
                    open_stories.append((day, words, names, place, base))
            vector = base + 0.6 * np_rng.standard_normal(_DIM).astype(np.float32)
            vector /= np.linalg.norm(vector)
            body = " ".join(rng.sample(_COMMON, 60) + rng.sample(words, 4))
            text = f"{body}\n{' '.join(rng.sample(_COMMON, 40))} aged {rng.randrange(15, 80)}."
            made += 1
            yield story_input(
                f"a{made:07d}",
                text,
                title=" ".join(rng.sample(words, 2) + rng.sample(_COMMON, 4)),
                published=today.isoformat(),
                outlet=f"outlet{rng.randrange(20)}",
                entities=[(names[0], 2.0), (place, 1.0)],
                quotes=[" ".join(rng.sample(_COMMON, 8))],
                embedding=vector,
            )
        # Stories stop getting follow-ups after a few weeks.
        open_stories = [s for s in open_stories if day - s[0] < 40]


def run(n: int) -> float:
    # Inputs are made ahead in chunks, outside the timed part: the bench measures clustering,
    # not the feature extraction that reading the stored layers costs.
    index = StoryIndex()
    stream = synthetic_stream(n)
    done = 0
    clock = 0.0
    checkpoints = {n // 4, n // 2, 3 * n // 4, n}
    print(f"{'articles':>9} {'stories':>8} {'art/s':>7} {'peak RSS MB':>12}")
    while done < n:
        chunk = [a for _, a in zip(range(2000), stream, strict=False)]
        if not chunk:
            break
        t0 = time.process_time()
        for a in chunk:
            index.add(a)
        clock += time.process_time() - t0
        before = done
        done += len(chunk)
        if any(before < c <= done for c in checkpoints):
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            print(f"{done:>9} {len(index.stories):>8} {done / clock:>7.0f} {peak / 2**20:>12.1f}")
    rate = done / clock if clock else 0.0
    verdict = "ok" if rate >= TARGET else f"below target {TARGET:.0f}"
    print(f"story clustering: {rate:.0f} articles/s ({verdict})")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    run(args.articles)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
