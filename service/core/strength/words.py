"""The strength scale's word lists, all data under ``lexicons/<lang>/``.

* the ``strength`` column of the cue lexicons (hedges, boosters, reporting and quote verbs): the
  level each entry signals, read through ``Lexicon.entries`` and ``verbs_by_lemma``;
* ``strength_markers.tsv``: markers the cue lexicons lack because they do not change the label
  ("soi-disant", "so-called", "bel et bien"), matched for the strength scale only, so the API's
  ``cues`` stay as they are;
* ``source_words.tsv``: what the sourcing rules need to know about a source's words (vague
  quantifiers, determiners, titles, organisation and document nouns).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from service.core.lexicon import (
    LEXICON_DIR,
    Entry,
    PhraseMatcher,
    _read_tsv,
    normalise,
    word_tokens,
)
from service.core.vocabulary import LEVELS

MARKERS_FILE = "strength_markers.tsv"
SOURCE_WORDS_FILE = "source_words.tsv"


@lru_cache(maxsize=1 << 16)
def phrase_key(text: str) -> tuple[str, ...]:
    """Lower-cased word tokens: the key the lexicon matcher uses for a phrase (cached: the
    sourcing rules ask for the roles of the same few words many times a sentence)."""
    return tuple(tok for tok, _, _ in word_tokens(normalise(text)))


@dataclass(frozen=True)
class StrengthWords:
    """One language's strength lookups."""

    by_phrase: dict  # (cue kind, phrase key) -> level, for hedges and boosters
    by_lemma: dict  # reporting-verb lemma -> level
    markers: PhraseMatcher  # strength-only markers; entry.strength is the level
    roles: dict  # source word or phrase key -> frozenset of roles
    openers: dict  # role -> the first words of its phrases ("framing": "selon", "pour", "aux"...)

    def cue_level(self, kind: str, text: str, lemma: str = "") -> str:
        """The level a cue of the cue lexicons signals ("" when it signals none)."""
        if kind == "reporting_verb":
            return self.by_lemma.get(lemma, "")
        return self.by_phrase.get((kind, phrase_key(text)), "")

    def may_open(self, word: str, role: str) -> bool:
        """Whether a phrase of ``role`` can start with ``word``: most sentences need no look-up
        of their first one, two and three words."""
        return word in self.openers.get(role, ())

    def role(self, words: tuple[str, ...] | str, role: str) -> bool:
        key = words if isinstance(words, tuple) else phrase_key(words)
        return role in self.roles.get(key, ())

    def opening_frame(self, words: list[str]) -> int:
        """How many of the sentence's first words make an opening framing phrase ("Pour", "aux
        yeux de", "in the eyes of"), followed by at least one more word; 0 if none."""
        if not words or not self.may_open(words[0], "framing"):
            return 0
        return next((k for k in (1, 2, 3) if len(words) > k and self.role(tuple(words[:k]), "framing")), 0)


@lru_cache(maxsize=None)
def strength_words(lang: str) -> StrengthWords:
    from service.core.lexicon import get_lexicon

    lex = get_lexicon(lang)
    by_phrase = {(e.kind, key): e.strength for key, e in lex.entries
                 if e.kind in ("hedge", "booster") and e.strength in LEVELS}
    by_lemma = {lemma: e.strength for lemma, e in lex.verbs_by_lemma.items() if e.strength in LEVELS}
    base = LEXICON_DIR / lang
    rows = [r for r in _read_tsv(base / MARKERS_FILE) if r.get("strength") in LEVELS]
    markers = PhraseMatcher([Entry("strength_marker", r["phrase"].lower(), strength=r["strength"]) for r in rows],
                            [phrase_key(r["phrase"]) for r in rows])
    roles: dict = {}
    for r in _read_tsv(base / SOURCE_WORDS_FILE):
        key = phrase_key(r["phrase"])
        roles[key] = roles.get(key, frozenset()) | {r["role"]}
    openers: dict = {}
    for key, names in roles.items():
        for name in names:
            if key:
                openers.setdefault(name, set()).add(key[0])
    return StrengthWords(by_phrase, by_lemma, markers, roles, {k: frozenset(v) for k, v in openers.items()})
