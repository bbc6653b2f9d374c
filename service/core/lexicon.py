"""Per-language lexicons (data files under ``lexicons/<lang>/``) and a fast phrase matcher.

Lexicons are data, not code: reporting verbs with their stance, "selon / according to" phrases,
hedges, boosters and page-furniture openers. Matching works on a light word tokenisation so it
costs almost nothing per sentence and needs no parser.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from service.core.vocabulary import STANCES, SUPPORTED_LANGS  # noqa: F401 (re-exported)

LEXICON_DIR = Path(__file__).parent / "lexicons"

# Words are letters/digits; apostrophes and hyphens separate them ("l'armée", "a-t-il").
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Same-length normalisation: typographic apostrophes become straight ones (an opening
    single quote ‘ is kept: it opens a quotation).

    Length is preserved so offsets computed on the normalised text index the original.
    """
    return text.replace("\u2019", "'").replace("\u02bc", "'")


def word_tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased word tokens with their character offsets."""
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(tok for tok, _, _ in word_tokens(normalise(phrase)))


@dataclass(frozen=True)
class Entry:
    """One lexicon entry; ``kind`` is the file it came from."""

    kind: str  # reporting_verb | according_to | unnamed_source | hedge | booster | furniture
    phrase: str
    lemma: str = ""
    stance: str = "neutral"
    subkind: str = ""  # hedges: modal | forecast | adverb | verb | frame
    requires_quote: bool = False  # "lancer", "laugh": a verb of saying only next to a quote
    strength: str = ""  # the commitment level the entry signals (vocabulary.LEVELS), from its file


@dataclass(frozen=True)
class Match:
    entry: Entry
    first: int  # index of the first word token
    last: int  # index of the last word token (inclusive)
    start: int  # character offsets
    end: int


class PhraseMatcher:
    """Greedy longest-match of multi-word phrases over word tokens."""

    def __init__(self, entries: list[Entry], keys: list[tuple[str, ...]]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], Entry]]] = {}
        for key, entry in zip(keys, entries):
            if key:
                self._by_first.setdefault(key[0], []).append((key, entry))
        for cands in self._by_first.values():
            cands.sort(key=lambda c: -len(c[0]))

    def __len__(self) -> int:
        return sum(len(c) for c in self._by_first.values())

    def may_start(self, word: str) -> bool:
        """Whether some phrase starts with ``word``."""
        return word in self._by_first

    def find(self, tokens: list[tuple[str, int, int]]) -> list[Match]:
        """Left to right, the longest phrase at each word that can start one; a match's words
        are not tried again."""
        by_first = self._by_first
        words = [t[0] for t in tokens]
        out: list[Match] = []
        free = 0  # the first word not inside a match
        for i in [j for j, w in enumerate(words) if w in by_first]:
            if i < free:
                continue
            for key, entry in by_first[words[i]]:
                k = len(key)
                if k == 1 or tuple(words[i:i + k]) == key:
                    out.append(Match(entry, i, i + k - 1, tokens[i][1], tokens[i + k - 1][2]))
                    free = i + k
                    break
        return out


def _read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in rows]


# The lists of grammar_words.tsv and who reads them: cues.py (subordinators, negations),
# features.py (first_person), strength/features.py (modal_verbs).
GRAMMAR_LISTS = ("subordinators", "negations", "first_person", "modal_verbs", "tense_auxiliaries", "condition_marks",
                 "manner_hedges", "parse_triggers", "verb_endings")


@lru_cache(maxsize=None)
def grammar_words(lang: str, name: str) -> frozenset[str]:
    """One list of ``lexicons/<lang>/grammar_words.tsv`` (``GRAMMAR_LISTS``): grammar, not
    lexicon content."""
    if name not in GRAMMAR_LISTS:
        raise KeyError(f"no grammar list {name!r}")
    return frozenset(r["word"] for r in _read_tsv(LEXICON_DIR / lang / "grammar_words.tsv") if r["list"] == name)


class Lexicon:
    """All cue lexicons of one language."""

    def __init__(self, lang: str, directory: Path = LEXICON_DIR):
        if lang not in SUPPORTED_LANGS:
            raise ValueError(f"unsupported language {lang!r}; supported: {', '.join(SUPPORTED_LANGS)}")
        self.lang = lang
        base = directory / lang
        entries: list[Entry] = []
        keys: list[tuple[str, ...]] = []
        self.verbs_by_lemma: dict[str, Entry] = {}
        for filename, requires_quote in (("reporting_verbs.tsv", False), ("quote_verbs.tsv", True)):
            for row in _read_tsv(base / filename):
                lemma = row["lemma"].lower()
                entry = Entry("reporting_verb", lemma, lemma=lemma, stance=row.get("stance") or "neutral",
                              requires_quote=requires_quote, strength=row.get("strength") or "")
                self.verbs_by_lemma[lemma] = entry
                forms = {f.strip().lower() for f in (row.get("forms") or "").split(",") if f.strip()}
                forms.add(lemma)
                for form in sorted(forms):
                    entries.append(Entry("reporting_verb", form, lemma=lemma, stance=entry.stance,
                                         requires_quote=requires_quote, strength=entry.strength))
                    keys.append(_phrase_key(form))
        for row in _read_tsv(base / "source_phrases.tsv"):
            entries.append(Entry(row["type"], row["phrase"].lower(), stance=row.get("stance") or "neutral"))
            keys.append(_phrase_key(row["phrase"]))
        for row in _read_tsv(base / "hedges.tsv"):
            entries.append(Entry("hedge", row["phrase"].lower(), subkind=row.get("kind") or "adverb",
                                 strength=row.get("strength") or ""))
            keys.append(_phrase_key(row["phrase"]))
        for row in _read_tsv(base / "boosters.tsv"):
            entries.append(Entry("booster", row["phrase"].lower(), strength=row.get("strength") or ""))
            keys.append(_phrase_key(row["phrase"]))
        # Longest match across all kinds: "selon nos informations" beats "selon".
        self.matcher = PhraseMatcher(entries, keys)
        self.entries = tuple(zip(keys, entries))  # (phrase key, entry): lookups by matched words
        self.furniture = PhraseMatcher(
            [Entry("furniture", r["phrase"].lower()) for r in _read_tsv(base / "furniture.tsv")],
            [_phrase_key(r["phrase"]) for r in _read_tsv(base / "furniture.tsv")],
        )

    def match(self, tokens: list[tuple[str, int, int]]) -> list[Match]:
        return self.matcher.find(tokens)

    def furniture_prefix(self, tokens: list[tuple[str, int, int]]) -> Match | None:
        """A page-furniture phrase that opens the sentence, if any (none can unless a phrase
        starts with the first word: most sentences need no match)."""
        if not tokens or not self.furniture.may_start(tokens[0][0]):
            return None
        hits = self.furniture.find(tokens[:6])
        return hits[0] if hits and hits[0].first == 0 else None


@lru_cache(maxsize=None)
def get_lexicon(lang: str) -> Lexicon:
    return Lexicon(lang)
