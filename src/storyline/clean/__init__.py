"""Cleaning: remove what is not news (appeals, prompts, widgets, captions, repeats, furniture),
keeping every removal with its reason."""

from __future__ import annotations

from storyline.clean.boilerplate import score_line
from storyline.clean.cleaner import Cleaner, clean_text
from storyline.clean.furniture import furniture_keys, line_keys
from storyline.clean.repeats import find_repeats, line_key

__all__ = [
    "Cleaner",
    "clean_text",
    "find_repeats",
    "furniture_keys",
    "line_key",
    "line_keys",
    "score_line",
]
