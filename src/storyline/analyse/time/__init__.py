"""Time: TIMEX3 tagging (``timex``, rules as data in ``rules`` and ``lexicon``, arithmetic in
``calendar``, anchoring in ``context``) and the dated events built on it (``events``)."""
