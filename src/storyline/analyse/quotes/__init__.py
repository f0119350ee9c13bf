"""Quotes: quotation marks found once (``marks``), speech cues (``cues``), speakers
(``speakers``) and the attribution that joins them into direct, partial and indirect quotes
(``attribute``)."""
