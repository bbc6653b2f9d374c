"""Source phrases: "selon X", "according to X", "reportedly", "selon nos informations".

A phrase cue is split from the noun phrase it introduces (cues stage), that noun phrase is the
source (``source.of_phrase``) and the rest of the clause is the content (``of_phrase`` here).
Phrases the lexicon misses ("Aux dires des", "Pour l'économiste X") are found by ``extra_phrases``.
"""
from __future__ import annotations

import re

from service.core.attribution.context import Sentence
from service.core.attribution.phrase import np_before
from service.core.attribution.rules import NOTHING, first, rule, settle
from service.core.attribution.spans import Attribution, Span, exact, span, topic_end
from service.core.attribution.words import ordered, words
from service.core.cues import Cue
from service.core.lexicon import grammar_words
from service.core.strength.words import strength_words


def _alternatives(names) -> str:
    return "|".join(re.escape(w) for w in sorted(names))


# After a "selon X" at the head of the sentence, an aside on X: ", consulté par l'AFP," / " qui ... ,".
_ASIDE = re.compile(r"\s*,\s*(?:" + _alternatives(words("aside_relatives")) + r"|[\w-]+(?:é|ée|és|ées|ed|ant|ing))\b"
                    r"[^,;:«»“”\"]*,", re.IGNORECASE)
_BARE_ASIDE = re.compile(r"\s+(?:" + _alternatives(words("subject_relatives")) + r")\b[^,;:«»“”\"]*,", re.IGNORECASE)


@rule("cues", example=("fr", "Selon des sources proches du dossier, l'accord serait signé lundi."),
      expect={"source": "des sources proches du dossier", "cue": "Selon", "content": "l'accord serait signé lundi"})
def selon_is_split_from_its_source(s: Sentence, cue: Cue):
    """"Selon des sources concordantes" is the cue "Selon" and the source after it, unless the phrase names
    no one ("selon nos informations")."""
    low = s.text[cue.start:cue.end].lower().replace("\u2019", "'")
    for prep in ordered("split_prepositions", s.lang):
        rest = low[len(prep):].strip()
        if low.startswith(prep + " ") and not any(
                rest == x or rest.startswith(x + " ") for x in words("sourceless_after_preposition")):
            return Cue("according_to", s.text[cue.start:cue.start + len(prep)], cue.start, cue.start + len(prep),
                       lemma=prep, stance=cue.stance, main_clause=cue.main_clause)


@rule("cues", example=("fr", "La rumeur veut que le club soit vendu."),
      expect={"cue": "La rumeur veut", "content": "que le club soit vendu"})
def complementizer_leaves_the_phrase(s: Sentence, cue: Cue):
    """"La rumeur veut que": the complementizer opens the content, not the cue."""
    low = s.text[cue.start:cue.end].lower().replace("\u2019", "'")
    for comp in words("complementizers"):
        if low.endswith(" " + comp):
            end = cue.end - len(comp) - 1
            return Cue(cue.type, s.text[cue.start:end], cue.start, end, lemma=cue.lemma, stance=cue.stance,
                       main_clause=cue.main_clause)


def split(s: Sentence, cue: Cue) -> Cue:
    return selon_is_split_from_its_source(s, cue) or complementizer_leaves_the_phrase(s, cue) or cue


@rule("source", example=("fr", "Le parquet a démenti les informations selon lesquelles le suspect aurait avoué."),
      expect={"type": "unnamed_source", "source": "les informations", "cue": "selon lesquelles",
              "content": "le suspect aurait avoué"})
def selon_lesquelles(s: Sentence, cue: Cue):
    """"les informations selon lesquelles P": the antecedent is the source, P the content."""
    rest = s.text[cue.end:].lstrip()
    rel = next((r for r in words("relative_selon") if rest.lower().startswith(r)), None)
    if rel is None or s.doc is None:
        return None
    end = cue.end + (len(s.text[cue.end:]) - len(rest)) + len(rel)
    return Attribution("unnamed_source", np_before(s.text, s.doc, cue.start), exact(s.text, cue.start, end),
                       cue.lemma or "selon", cue.stance or "neutral", span(s.text, end, len(s.text)), False)


def of_phrase(s: Sentence, cue: Cue, source: Span | None) -> Span | None:
    """The content of a source phrase: the rest of the sentence outside the cue and its source,
    the clause before it if the phrase trails, the whole clause if it sits in the middle."""
    text, hi = s.text, max(source.end, cue.end) if source else cue.end
    hi = settle(aside_on_the_selon_source(s, cue, hi), hi)
    if source and source.end <= cue.start:  # "X was quoted as saying P": X is no part of the content
        before = span(text, 0, settle(subordinator_before_the_source(s, source), source.start))
    else:
        before = span(text, 0, cue.start)
    after = span(text, hi, len(text))
    after = settle(relative_on_the_selon_source(s, after), after)
    if before is None:
        return settle(adjunct_before_the_complementizer(s, cue, after), after)
    if after is None:
        return span(text, max(before.start, topic_end(text)), before.end)  # "Retraites : P, selon X"
    return settle(first((selon_in_mid_clause, longer_side), s, cue, before, after, hi), None)


@rule("content", example=("en", "The plant will close next year, if the city authority is to be believed."),
      expect={"source": "the city authority", "cue": "is to be believed", "content": "The plant will close next year"})
def subordinator_before_the_source(s: Sentence, source: Span):
    """", if X is to be believed": the subordinator and the comma before a source are no part of the content."""
    lead = s.text[:source.start].rstrip()
    word = lead.rsplit(None, 1)[-1] if lead else ""
    if word.lower() in grammar_words(s.lang, "subordinators"):
        return len(lead[:len(lead) - len(word)].rstrip().rstrip(","))


@rule("content", example=("fr", "Selon le rapport, consulté par l'AFP, les fonds ont disparu."),
      expect={"source": "le rapport", "cue": "Selon", "content": "les fonds ont disparu"})
def aside_on_the_selon_source(s: Sentence, cue: Cue, hi: int):
    """An aside after a source at the head of the sentence (", consulté par l'AFP,") is the source's, not the
    content."""
    aside = _ASIDE.match(s.text[hi:]) or _BARE_ASIDE.match(s.text[hi:])
    if aside and cue.start == 0 or aside and s.text[:cue.start].strip() == "":
        return hi + aside.end()


@rule("content", example=("en", ("The talks have stalled, according to a diplomat who requested anonymity, and may "
                                 "collapse.")),
      expect={"cue": "according to", "source": "a diplomat"})
def relative_on_the_selon_source(s: Sentence, after: Span | None):
    """"..., according to a diplomat who requested anonymity, P": the relative is the source's; the content
    follows it."""
    if after is not None and after.text.split(" ", 1)[0].lower() in words("aside_relatives", "possessive_relatives"):
        comma = s.text.find(",", after.start)
        return (span(s.text, comma + 1, len(s.text)) if comma != -1 else None) or NOTHING


@rule("content", example=("en", "It emerged on Monday that the chief executive had sold shares."),
      expect={"cue": "It emerged", "content": "that the chief executive had sold shares"})
def adjunct_before_the_complementizer(s: Sentence, cue: Cue, after: Span | None):
    """"It emerged on Monday that P": after an unnamed phrase, the content starts at the complementizer."""
    found = after.text.split() if after else []
    comp = next((k for k, w in enumerate(found[:6])
                 if w.lower() in words("complementizers") or w.lower().startswith("qu'")), None)
    if comp and cue.type == "unnamed_source" and not any(w.endswith(",") for w in found[:comp]) and \
            found[0].lower() in words("adjunct_openers"):
        k = after.start + len(" ".join(found[:comp])) + 1
        if s.text[k:].startswith(found[comp]):
            return span(s.text, k, len(s.text)) or NOTHING


@rule("content", example=("en", "The militia reportedly seized the airport."),
      expect={"cue": "reportedly", "content": "The militia reportedly seized the airport"})
def selon_in_mid_clause(s: Sentence, cue: Cue, before: Span, after: Span, hi: int):
    """A phrase inside a clause ("The club, according to the BBC, has ...", "reportedly") leaves the whole clause."""
    left, right = s.text[before.end:cue.start], s.text[hi:after.start]
    if left.strip() in (",", "") and right.strip() in (",", "") and ("," in left) == ("," in right):
        return span(s.text, topic_end(s.text), len(s.text)) or NOTHING


@rule("content", example=("fr", "La station de ski pourrait ne pas rouvrir cet hiver, dit-on dans la vallée."),
      expect={"source": None, "cue": "dit-on", "content": "La station de ski pourrait ne pas rouvrir cet hiver"})
def longer_side(s: Sentence, cue: Cue, before: Span, after: Span, hi: int):
    """Between the text before the phrase and the text after it, the longer is the content."""
    if len(before.text) >= len(after.text):
        return span(s.text, max(before.start, topic_end(s.text)), before.end) or NOTHING
    return after


# Source phrases at the head of a clause that the cue lexicon misses: contracted "aux dires des/du",
# "à entendre X", and "Pour" + a title and a name.
_EXTRA = {"fr": [(re.compile(r"(?:^|(?<=: ))(aux dires)(?= d(?:es|u) )", re.IGNORECASE), "aux dires de", "distancing"),
                 (re.compile(r"(?:^|(?<=: ))(à entendre)(?= )", re.IGNORECASE), "à entendre", "distancing"),
                 (re.compile(r"(?:^|(?<=: ))(pour)(?= )", re.IGNORECASE), "pour", "neutral")]}


def extra_phrases(s: Sentence) -> list[Cue]:
    out = []
    for pattern, lemma, stance in _EXTRA.get(s.lang, ()):
        accept = _pour_source if lemma == "pour" else hearsay_head_with_a_noun
        for m in pattern.finditer(s.text):
            start, end = m.span(1)
            if any(c.start <= start < c.end or start <= c.start < end for c in s.cues):
                continue
            comma = s.text.find(",", end)
            if s.doc is None or comma == -1:
                continue
            np_ = s.doc.char_span(end + 1, comma, alignment_mode="contract")
            if np_ is not None and len(np_) and accept(np_):
                out.append(Cue("according_to", s.text[start:end], start, end, lemma=lemma, stance=stance,
                               main_clause=True))
    return out


@rule("cues", example=("fr", "À entendre son entraîneur, l'équipe n'a jamais été aussi soudée."),
      expect={"source": "son entraîneur", "cue": "À entendre", "content": "l'équipe n'a jamais été aussi soudée"})
def hearsay_head_with_a_noun(np_):
    """"Aux dires des X, P" / "À entendre X, P" at the head of a clause: a source phrase the lexicon misses."""
    return any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in np_) or None


@rule("cues", example=("fr", ("Pour l'économiste Thomas Garnier, la hausse des taux risque de freiner "
                              "l'investissement.")),
      expect={"source": "l'économiste Thomas Garnier", "cue": "Pour",
              "content": "la hausse des taux risque de freiner l'investissement"})
def pour_a_titled_name(np_):
    """"Pour" + a title and a name + a comma is a source phrase ("Pour l'économiste X, P"; not "Pour Noël")."""
    pos = [t.pos_ for t in np_ if t.pos_ not in ("DET", "ADJ") and t.text not in ("-", "'", "\u2019")]
    return pos and pos[0] == "NOUN" and pos[-1] == "PROPN" and set(pos) <= {"NOUN", "PROPN"} and \
        np_[0].pos_ == "DET" or None


@rule("cues", example=("fr", "Pour la CGT, la réforme des retraites reste « injuste et brutale »."),
      expect={"source": "la CGT", "cue": "Pour", "content": "la réforme des retraites reste « injuste et brutale »"})
def pour_a_named_body_or_person(np_):
    """"Pour" + a person's full name, or + an article and an acronym or a title with its capitalised
    article, + a comma: a source phrase ("Pour Marine Tondelier, P", "Pour la CGT, P", "Pour Le
    Figaro, P"; not "Pour Noël", "Pour la France", "Pour les enfants")."""
    toks = [t for t in np_ if t.text not in ("-", "'", "\u2019")]
    if len(toks) >= 2 and toks[-1].pos_ == "PROPN" and all(t.text[:1].isupper() and t.pos_ != "DET" for t in toks):
        return True  # the tagger may read a first name as a noun ("Marine")
    if len(toks) == 2 and toks[0].pos_ == "DET" and toks[1].pos_ == "PROPN" and (
            toks[0].text[:1].isupper() or _ACRONYM.match(toks[1].text)):
        return True


@rule("cues", example=("fr", "Pour le ministre de l'Intérieur, la menace terroriste reste très élevée."),
      expect={"source": "le ministre de l'Intérieur", "cue": "Pour", "content": "la menace terroriste reste très élevée"})
def pour_a_role(np_):
    """"Pour" + an article and a person's title (``source_words.tsv``, role ``title``), with its
    complement, + a comma: a source phrase ("Pour le Premier ministre, P", "Pour la procureure de
    Lyon, P"; not "Pour les enfants", "Pour le moment", "Pour la France")."""
    toks = [t for t in np_ if t.text not in ("-", "'", "\u2019")]
    if len(toks) < 2 or toks[0].pos_ != "DET":
        return None
    titles = strength_words("fr")
    return any(titles.role(t.lower_, "title") for t in toks[1:3] if t.pos_ in ("NOUN", "PROPN", "ADJ")) or None


def _pour_source(np_):
    return pour_a_titled_name(np_) or pour_a_named_body_or_person(np_) or pour_a_role(np_)


_ACRONYM = re.compile(r"^[A-ZÀ-Ý]{2,8}$")
