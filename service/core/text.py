"""When two sentences are the same sentence: one key for the corpus's train/test disjointness,
its de-duplication, the merging of users' rows and the feedback store."""
from __future__ import annotations

from service.core.lexicon import normalise


def sentence_key(text: str) -> str:
    """Case, typographic apostrophes and runs of white space do not make another sentence."""
    return " ".join(normalise(text).casefold().split())


def text_problem(value: str) -> str | None:
    """What makes a string no text to analyse, checked the same way for API requests, batch
    records and corpus rows: ``"empty"`` (blank) or ``"surrogates"`` (unpaired surrogates, which
    JSON can carry and UTF-8 cannot store); None when it is fine."""
    if not value.strip():
        return "empty"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogates"
    return None
