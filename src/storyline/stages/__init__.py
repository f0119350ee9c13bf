"""The stages of a build, in the order they run. Each is an object with a ``name`` and
``run(ctx)``; :func:`storyline.pipeline.build` keeps only their order."""

from __future__ import annotations

from storyline.stages.analyse import AnalyseStage
from storyline.stages.base import BuildContext, Stage
from storyline.stages.clean import CleanStage
from storyline.stages.corpus import CorpusStage
from storyline.stages.dates import DatesStage
from storyline.stages.ingest import IngestStage
from storyline.stages.link import LinkStage
from storyline.stages.outputs import OutputStage, check_out_dir
from storyline.stages.stories import StoriesStage

__all__ = [
    "AnalyseStage",
    "BuildContext",
    "CleanStage",
    "CorpusStage",
    "DatesStage",
    "IngestStage",
    "LinkStage",
    "OutputStage",
    "Stage",
    "StoriesStage",
    "check_out_dir",
]
