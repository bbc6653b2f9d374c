"""Parse only what needs a parse: a sentence whose words hold nothing a parse could turn into an
attribution, a conditional, a hedge or a subordinate report, and that the fast (no-parse) model
labels with confidence, is labelled by the fast model and skips spaCy.

The parse is most of an analysis's cost, and a news article is mostly plain statements ("Le
trafic a repris lundi matin."), which the fast model labels as the full one does. Two gates, both
needed: the lexicon scan (``needs_parse``) keeps every sentence with a cue but a question mark or
page furniture, a quote, a word after which the parse decides (``parse_triggers``: "que", "that",
"whether", modal and evidential verbs), a strength marker, an opening framing phrase ("Pour la
CGT,"), or a word that begins like a reporting, attitude or homograph verb (an inflection the
surface lexicon lacks, which the parse would find by lemma); the fast model's confidence
(``FAST_CONFIDENCE``) keeps the short headlines and statements where the parse's features decide.
See README, "How it works" and "Speed".
"""
from __future__ import annotations

from functools import lru_cache

from service.core.cues import analyze_cues
from service.core.lexicon import LEXICON_DIR, _read_tsv, get_lexicon, grammar_words, normalise, word_tokens
from service.core.strength.words import strength_words

# The fast model's top probability at and above which a sentence the lexicon scan lets through
# is not parsed. Chosen on the training split, out of fold (`python bench/bench_triage.py
# --choose`): at 0.8 the fast and full models give the same label to 99.8% (French) and 99.0%
# (English) of the sentences it sends to the fast model, which is right about as often as the full
# one there (94.9% vs 95.2%, 97.4% vs 96.4%); below 0.75 they part.
FAST_CONFIDENCE = 0.8
MIN_STEM = 4  # shorter stems ("dir", "sa") would match half the vocabulary
# Off: every sentence up to PARSE_LIMIT is parsed, as before the triage (benchmarks' baseline).
ENABLED = True


@lru_cache(maxsize=None)
def verb_stems(lang: str) -> dict[str, frozenset[str]]:
    """Stems of the reporting verbs, attitude words and verb homographs ("déclar", "announc"), by
    their first ``MIN_STEM`` letters."""
    words = list(get_lexicon(lang).verbs_by_lemma)
    words += [r["phrase"].lower() for r in _read_tsv(LEXICON_DIR / lang / "source_words.tsv")
              if r["role"].startswith("attitude")]
    words += [r["form"] for r in _read_tsv(LEXICON_DIR / lang / "verb_homographs.tsv")]
    endings = sorted(grammar_words(lang, "verb_endings"), key=len, reverse=True)
    out: dict[str, set[str]] = {}
    for word in words:
        word = word.split()[0]
        stem = next((word[:-len(e)] for e in endings if word.endswith(e)), word)
        stem = stem if len(stem) >= MIN_STEM else word
        if len(stem) >= MIN_STEM:  # "dit", "say": a cue of the lexicon already
            out.setdefault(stem[:MIN_STEM], set()).add(stem)
    return {k: frozenset(v) for k, v in out.items()}


def begins_like_a_verb(word: str, stems: dict[str, frozenset[str]]) -> bool:
    """"déclarations", "announcing": the word starts with a listed stem."""
    found = stems.get(word[:MIN_STEM])
    return found is not None and any(word.startswith(s) for s in found)


def needs_parse(text: str, lang: str) -> bool:
    """True when the parse could change what the sentence says: "Il a déclaré que…" (cue), "Le
    bilan serait lourd" (conditional cue), "the minister, who announced…" ("announc" stem);
    "Le trafic a repris lundi matin." needs none. The cheap word tests come first."""
    tokens = word_tokens(normalise(text))
    words = [w for w, _, _ in tokens]
    if not grammar_words(lang, "parse_triggers").isdisjoint(words):
        return True
    stems = verb_stems(lang)
    if any(begins_like_a_verb(w, stems) for w in words):
        return True
    lookup = strength_words(lang)
    if lookup.markers.find(tokens) or lookup.opening_frame(words):  # "Pour Le Figaro, …", "To some, …"
        return True
    return any(c.type not in ("question", "furniture") for c in analyze_cues(text, lang, None).cues)
