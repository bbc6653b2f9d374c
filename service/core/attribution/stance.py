"""Stance stage: what kind of attribution, with which stance.

The stance is lexical: the reporting verb's or the phrase's entry in ``lexicons/<lang>/`` says
neutral, endorsing, distancing or denial (README there), and a verb the lexicon gives none is
neutral. Negation is handled where the cue is chosen (``cue.py``). The kind is ``direct_quote``
or ``indirect`` for a verb, ``according_to`` or ``unnamed_source`` for a phrase, and any of them
becomes ``unnamed_source`` when the source is anonymous (the rules below).
"""
from __future__ import annotations

from service.core.attribution.context import Sentence, VerbCue
from service.core.attribution.rules import rule
from service.core.attribution.spans import Span
from service.core.attribution.words import generic_sources
from service.core.cues import Cue


def of_verb(v: VerbCue, source: Span | None, is_quote: bool) -> str:
    """The kind of a verb's attribution."""
    if v.unnamed or generic_source_is_unnamed(v.sentence, source) or source_in_an_unnamed_phrase(v.sentence, source):
        return "unnamed_source"
    return "direct_quote" if is_quote else "indirect"


def of_phrase(s: Sentence, cue: Cue, source: Span | None) -> str:
    """The kind of a source phrase's attribution."""
    if cue.type == "according_to" and s.doc is not None and generic_source_is_unnamed(s, source):
        return "unnamed_source"
    return cue.type


@rule("stance", example=("fr", "Des sources proches du dossier ont affirmé que l'accord était prêt."),
      expect={"type": "unnamed_source", "source": "Des sources proches du dossier", "cue": "ont affirmé"})
def generic_source_is_unnamed(s: Sentence, source: Span | None):
    """A source whose first noun is an anonymous head ("des sources", "officials") and that names no one is unnamed."""
    if source is None:
        return None
    found = s.doc.char_span(source.start, source.end, alignment_mode="expand")
    if found is None or any(t.pos_ == "PROPN" for t in found):
        return None
    nouns = [t for t in found if t.pos_ in ("NOUN", "PRON")]
    generic = generic_sources(s.lang)
    return bool(nouns) and (nouns[0].lower_ in generic or nouns[0].lemma_.lower() in generic) or None


@rule("stance", example=("en", "Sources close to Macron said the reshuffle was imminent."),
      expect={"source": "Sources close to Macron", "cue": "said", "content": "the reshuffle was imminent",
              "type": "unnamed_source"})
def source_in_an_unnamed_phrase(s: Sentence, source: Span | None):
    """A source inside an unnamed-source phrase of the lexicon ("de source policière") is unnamed."""
    return source and any(p.start <= source.start < p.end for p in s.unnamed_phrases) or None
