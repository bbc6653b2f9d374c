"""When two sentences are the same sentence: one key for the corpus's train/test disjointness,
its de-duplication, the merging of users' rows and the feedback store."""
from __future__ import annotations

from service.core.lexicon import normalise


def sentence_key(text: str) -> str:
    """Case, typographic apostrophes and runs of white space do not make another sentence."""
    return " ".join(normalise(text).casefold().split())
