"""Two baselines every evaluation prints beside the model: majority class and lexicon rules."""
from __future__ import annotations

from collections import Counter

from service.core.cues import find_cues, starts_with_condition


def majority_predict(train_labels: list[str], n: int) -> list[str]:
    """The most frequent training label for every sentence (ties: alphabetical)."""
    counts = Counter(train_labels)
    label = min(counts, key=lambda lab: (-counts[lab], lab))
    return [label] * n


def lexicon_rule(text: str, lang: str) -> str:
    """Hand rules over the lexicon cues only (no parse, no learning).

    Furniture and questions are ``none``; a main-clause reporting verb, a "selon / according to"
    phrase, an unnamed-source phrase or an opening quote make ``attributed``; a main-clause hedge
    or conditional, or an opening "si / if" clause, make ``hedged``; anything else is ``asserted``.
    """
    cues = find_cues(text, lang)
    types = {(c.type, c.main_clause) for c in cues}
    kinds = {c.type for c in cues}
    if "furniture" in kinds or "question" in kinds:
        return "none"
    if {("reporting_verb", True), ("according_to", True), ("unnamed_source", True)} & types:
        return "attributed"
    if any(c.type == "quote" and c.start <= 1 for c in cues):
        return "attributed"
    if {("hedge", True), ("conditional", True)} & types or starts_with_condition(text):
        return "hedged"
    return "asserted"


def lexicon_predict(texts: list[str], lang: str) -> list[str]:
    return [lexicon_rule(t, lang) for t in texts]
