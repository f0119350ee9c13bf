"""Entities: names and honorifics (``names``), roles and titles (``roles``), pronoun and
nominal coreference (``coref``) and the per-article resolution into entities (``resolve``)."""
