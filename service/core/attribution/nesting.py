"""Nesting stage: attributions seen together.

A verb's infinitive cue inside another verb's content is part of that content; a content stops
before trailing material that carries another cue; a trailing "selon X" frames the claim before
it; two figures with two "selon" phrases each keep their own.
"""
from __future__ import annotations

import bisect

from service.core.attribution import tree
from service.core.attribution.context import Sentence
from service.core.attribution.rules import rule
from service.core.attribution.spans import Attribution, Span, span
from service.core.attribution.words import words


def nest_verbs(s: Sentence, verbal: list[Attribution]) -> list[Attribution]:
    """The verb attributions, without those nested in another's content, with contents cut before
    trailing material that holds another cue."""
    if s.doc is None:
        return verbal
    kept = [a for a in verbal if not infinitive_inside_another_content(s, a, verbal)]
    cuts = None
    for a in kept:
        for b in kept:
            if b is not a and a.content and a.content.start < b.cue.start < a.content.end:
                cuts = _trailing_commas(s) if cuts is None else cuts
                a.content = content_stops_before_a_trailing_cue(s, a.content, b.cue.start, cuts) or a.content
    return kept


@rule("nesting", example=("en", ("The ministry purported to show that the protesters had been paid by foreign "
                                 "groups, but the documents it released were undated.")),
      expect={"source": "The ministry", "cue": "purported",
              "content": "to show that the protesters had been paid by foreign groups"})
def infinitive_inside_another_content(s: Sentence, a: Attribution, verbal: list[Attribution]):
    """An infinitive cue inside another verb's content is part of that content ("a raconté avoir été menacée")."""
    inside = any(b is not a and b.content and b.content.start <= a.cue.start < b.content.end for b in verbal)
    verb = tree.verb_token(s.doc, a.cue.start, a.cue.end)
    return inside and verb is not None and tree.non_finite(verb, a.cue) or None


def _trailing_commas(s: Sentence) -> list[int]:
    """Offsets of the commas, outside quotes, that open trailing material: an apposition to the
    clause ("..., une thèse que ..."), "ce que", a relative, a gerund or participle ("tout en
    admettant", "saying")."""
    starts = [t.idx for t in s.doc]
    out = []
    for k, ch in enumerate(s.text):
        if ch != "," or any(qs < k < qe for qs, qe in s.quotes):
            continue
        j = bisect.bisect_right(starts, k)
        tok = s.doc[j] if j < len(s.doc) else None
        if tok is not None and (tok.lower_ in words("trailing_words") or tok.pos_ == "DET" or tree.gerund(tok)):
            out.append(k)
    return out


@rule("nesting", example=("fr", ("Le gouvernement a annoncé mardi un plan de 2 milliards d'euros pour les "
                                 "agriculteurs, qui le jugent « très insuffisant ».")),
      expect={"source": "Le gouvernement", "cue": "a annoncé",
              "content": "un plan de 2 milliards d'euros pour les agriculteurs"})
def content_stops_before_a_trailing_cue(s: Sentence, content: Span, nested: int, cuts: list[int]):
    """A content ends before the trailing material (after a comma) that holds another attribution's cue."""
    j = bisect.bisect_left(cuts, nested) - 1
    if j < 0 or cuts[j] < content.start:
        return None
    return span(s.text, content.start, cuts[j])


def tails(s: Sentence, out: list[Attribution]) -> None:
    """Adjust the contents around trailing "selon X" phrases (the three rules below)."""
    trailing_selon_frames_the_whole_claim(s, out)
    selon = [a for a in out if a.lemma in words("split_prepositions")]
    first_figure_ends_before_the_second(s, selon)
    second_figure_has_its_own_number(s, selon)


@rule("nesting", example=("fr", ("Le maire s'est dit « très inquiet » de la situation, selon un communiqué de la "
                                 "mairie.")),
      expect={"cue": "s'est dit", "content": "« très inquiet » de la situation"})
def trailing_selon_frames_the_whole_claim(s: Sentence, out: list[Attribution]):
    """A "selon X" after a comma frames the whole claim: another kind of attribution's content stops before it."""
    trailing = [b for b in out
                if b.lemma in words("split_prepositions") and s.text[:b.cue.start].rstrip().endswith(",")]
    for a in out:
        for b in trailing:
            if a.content and b.type != a.type and a.content.start < b.cue.start < a.content.end:
                a.content = span(s.text, a.content.start, s.text.rfind(",", 0, b.cue.start)) or a.content


@rule("nesting", example=("fr", ("Selon le ministère de l'Intérieur, 80 000 personnes ont manifesté en France, 500 "
                                 "000 selon la CGT.")),
      expect={"source": "le ministère de l'Intérieur", "content": "80 000 personnes ont manifesté en France"})
def first_figure_ends_before_the_second(s: Sentence, selon: list[Attribution]):
    """"Selon X, P, Q selon Y": X's content ends before Y's figure."""
    for a in selon:
        for b in selon:
            comma = s.text.rfind(",", 0, b.cue.start)
            if a is b or not a.content or not (a.content.start < b.cue.start < a.content.end) or comma < 0:
                continue
            if a.cue.start < b.cue.start and comma > a.content.start:
                a.content = span(s.text, a.content.start, comma) or a.content


@rule("nesting", example=("fr", ("Selon le ministère de l'Intérieur, 80 000 personnes ont manifesté en France, 500 "
                                 "000 selon la CGT.")),
      expect={"source": "la CGT", "cue": "selon", "content": "500 000", "main_clause": False})
def second_figure_has_its_own_number(s: Sentence, selon: list[Attribution]):
    """"..., 500 000 selon Y" after another "selon": Y's content is its own figure, in a subordinate position."""
    for a in selon:
        others = [b for b in selon if b is not a and a.content and a.content.start <= b.cue.start < a.content.end]
        comma = s.text.rfind(",", 0, a.cue.start)
        if others and a.content.end <= a.cue.start and comma > max(b.cue.start for b in others):
            a.content = span(s.text, comma + 1, a.cue.start) or a.content
            a.main_clause = False
