"""Language resources shared by every family: the spaCy pipeline and its bounded parsing
(``nlp``), sentence embeddings (``embeddings``). Nothing here imports a family."""
