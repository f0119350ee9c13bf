"""`make hostile`: a black-box suite of hostile inputs and faults against the `storyline` CLI.

Each case is a small folder: an odd input (far-off dates, texts over the parser's limit, broken
files of every format, odd file names, markup in every field) beside two good articles, or an
environment fault (read-only output, full disk, unknown ``--db`` scheme), concurrent builds on
one store, or ``kill -9`` at several points of a real build followed by a resume. Every case
checks: the exit code, no traceback, a time limit, a dossier valid against its schema and valid
UTF-8, every good article present, the bad input named in ``errors``, no markup from the data
in report.html (an HTML parser, and Chromium when playwright is installed), and no process left
behind.

    python -m bench.hostile [--only PATTERN] [--jobs N] [--keep DIR] [--list]
"""
