"""Attributions: who is reported as saying what, through which cue, with which stance.

``extract`` starts from the cues of one parsed sentence (reporting verbs, "selon / according to"
phrases, unnamed-source phrases, quotes) and runs a pipeline of stages, one module each:

    cue.py      cues      which cues report a claim; how far a cue reaches
    source.py   source    who speaks (phrase.py: how far the speaker's noun phrase reaches;
                          incise.py: "P, a déclaré X", where the speaker follows the verb)
    content.py  content   what is reported (quotes.py: quotes next to the verb;
                          bounds.py: trimming what the parse got wrong)
    stance.py   stance    the kind of attribution (named, unnamed, direct quote) and its stance
    nesting.py  nesting   attributions seen together (nested infinitives, trailing "selon")

with selon.py for source phrases, spans.py for what is returned (``Span``, ``Attribution``),
tree.py and context.py for what the rules look at, words.py for their word lists and rules.py
for the registry. ``python -m service.core.attribution.catalogue`` writes every rule, with its
example, to docs/attribution_rules.md.

Adding a rule:

1. Run the sentence through ``service.core.analysis.analyze`` (or the catalogue's examples) and
   find the stage that goes wrong: a cue that should (not) report, a wrong source, a wrong content.
2. If the rule is "one more word" (a reporting verb such as "s'insurger", a phrase such as "The BBC
   understands", a time word, a title...), add a line to the lexicon: reporting_verbs.tsv and
   source_phrases.tsv (service/core/lexicons/README.md), or the list in attribution_words.tsv
   that the rule reads (words.py names them all). No code changes.
3. Otherwise write one function in that stage's module, decorated with
   ``@rule(stage, example=(lang, sentence), expect={...})``: a one-line docstring saying why,
   a sentence that needs the rule, and the fields of the attribution it should give. Put it in the
   stage's tuple of rules (``SPEAKER_RULES``, ``CONTENT_RULES``, ``NOT_AN_INCISE``...) at the place
   where it must be tried: a rule returns None where it does not apply.
4. ``pytest tests/test_attribution_rules.py`` runs the example, and runs it again with the rule
   switched off to check that the rule is what makes the difference; then regenerate the
   catalogue, run tests/test_golden.py and ``python -m training.evaluate_attributions``.
"""
from __future__ import annotations

from service.core.attribution import (
    bounds,
    content,
    cue,
    nesting,
    quotes,
    selon,
    source,
    stance,
)
from service.core.attribution.context import Sentence, VerbCue
from service.core.attribution.source import normalise_source
from service.core.attribution.spans import Attribution, Span
from service.core.attribution.words import generic_sources
from service.core.cues import Cue, SentenceCues

__all__ = ["Attribution", "Span", "extract", "generic_sources", "normalise_source"]


def extract(found: SentenceCues, lang: str, doc) -> list[Attribution]:
    """All attributions of one parsed sentence; offsets index the sentence."""
    s = Sentence(found.text, found.quotes, lang, doc, found.cues)
    verbs, phrases = cue.select(s)  # cues: reporting verbs, source phrases
    out = [a for a in map(_from_verb, verbs) if a is not None]  # each verb: source, content, stance
    out = nesting.nest_verbs(s, out)  # nesting among verbs
    for phrase in phrases + selon.extra_phrases(s):  # each phrase: source, content, stance
        attribution = _from_phrase(s, phrase, out)
        if attribution is not None:
            out.append(attribution)
    quotes.colon_quotes(s, out)  # "Speaker : « Q »", where no cue says it
    nesting.tails(s, out)  # nesting around trailing "selon X"
    out.sort(key=lambda a: a.cue.start)
    return out


def _from_verb(v: VerbCue) -> Attribution | None:
    """One reporting verb's attribution, or None if it reports no claim."""
    if not cue.may_report(v):  # by its lemma and complements
        return None
    speaker = source.of_verb(v)
    said = content.of_verb(v)
    if not cue.reports(v, said, speaker):  # now that its source and content are known
        return None
    said = bounds.bounded(v, said)
    if said.is_quote and said.content is not None:
        v.sentence.used_quotes.add((said.content.start, said.content.end))
    a = Attribution(stance.of_verb(v, speaker, said.is_quote), speaker, cue.verb_group(v), v.lemma, v.stance,
                    said.content, v.cue.main_clause)
    source.inverted_clitic_joins_the_cue(v, a)
    return a


def _from_phrase(s: Sentence, phrase: Cue, out: list[Attribution]) -> Attribution | None:
    """One source phrase's attribution, or None if it only qualifies something else."""
    if cue.phrase_is_no_cue(s, phrase, out):
        return None
    relative = selon.selon_lesquelles(s, phrase)
    if relative is not None:
        return relative
    phrase = selon.split(s, phrase)
    speaker = source.of_phrase(s, phrase) if phrase.type == "according_to" else None
    return Attribution(stance.of_phrase(s, phrase, speaker), speaker, Span(phrase.text, phrase.start, phrase.end),
                       phrase.lemma or phrase.text.lower(), phrase.stance or "neutral",
                       selon.of_phrase(s, phrase, speaker), phrase.main_clause)
