"""Linking across documents: duplicates, near duplicates and rewrites."""

from storyline.link.duplicates import detect_for, fingerprint, group_edges, normalised_hash
from storyline.link.rewrite import RewriteScore, rewrite_score

__all__ = [
    "RewriteScore",
    "detect_for",
    "fingerprint",
    "group_edges",
    "normalised_hash",
    "rewrite_score",
]
