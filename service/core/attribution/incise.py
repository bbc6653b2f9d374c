"""Incises: "P, a déclaré X." / "« Q », a-t-il lancé" (source stage).

A verb group right after a comma or a quote, with no subject of its own before it, is an incise:
its speaker follows it and what precedes it is its content. ``is_incise`` asks that, then lets
the ``NOT_AN_INCISE`` rules veto it: sentences where the comma opens something else.
"""
from __future__ import annotations

from service.core.attribution.rules import rule
from service.core.attribution.tree import finite_group, participle
from service.core.attribution.words import words

_BREAKS = (",", "»", "\u201d", '"', ";")


def is_incise(verb, start: int, subj) -> bool:
    """Whether the verb group starting at token ``start`` (with subject ``subj``) is an incise."""
    doc = verb.doc
    if not (start > 0 and doc[start - 1].text in _BREAKS):
        return False
    if any(veto(verb, start, subj) for veto in NOT_AN_INCISE):
        return False
    return subj is None or subj.i < start


@rule("source", example=("fr", ("Le fabricant, dont les usines tournent au ralenti, assure pouvoir livrer toutes les "
                                "commandes d'ici à Noël.")),
      expect={"source": "Le fabricant", "cue": "assure",
              "content": "pouvoir livrer toutes les commandes d'ici à Noël"})
def aside_then_verb_is_no_incise(verb, start: int, subj):
    """A relative or participle aside between commas, then the verb: the verb is the main one."""
    doc = verb.doc
    if doc[start - 1].text == ",":
        opener = next((doc[k + 1] for k in range(start - 2, -1, -1) if doc[k].text == ","), None)
        if opener is not None and (opener.lower_ in words("relative_pronouns") or participle(opener)):
            return True


@rule("source", example=("fr", "Le suspect aurait, d'après une source proche de l'enquête, reconnu les faits."),
      expect={"source": "Le suspect", "cue": "reconnu", "content": "les faits"})
def participle_after_an_aside_is_no_incise(verb, start: int, subj):
    """A French participle after an aside ("aurait, d'après X, reconnu") continues its auxiliary."""
    return verb.doc.lang_ == "fr" and not finite_group(verb.doc, start) and \
        verb.tag_ not in ("VBD", "VBZ", "VBP") or None


@rule("source", example=("en", "The figures, the ministry said, showed a sharp fall in crime."),
      expect={"source": "The figures", "cue": "showed", "content": "a sharp fall in crime"})
def main_verb_after_an_incise_is_no_incise(verb, start: int, subj):
    """"The figures, the ministry said, showed a fall": the subject, an incise, then the main verb."""
    doc = verb.doc
    if subj is not None and subj.i < start:
        commas = [k for k in range(subj.i + 1, start) if doc[k].text == ","]
        if len(commas) >= 2 and any(doc[k].pos_ == "VERB" for k in range(commas[0], commas[-1])):
            return True


@rule("source", example=("fr", "Les chiffres, a précisé le ministère, montrent une nette baisse."),
      expect={"source": "Les chiffres", "cue": "montrent", "content": "une nette baisse"})
def main_verb_after_an_inverted_incise_is_no_incise(verb, start: int, subj):
    """"Les chiffres, a précisé le ministère, montrent une baisse": the verb after the incise is the main one."""
    doc = verb.doc
    if doc[start - 1].text == "," and (subj is None or subj.i > verb.i):
        opening = next((k for k in range(start - 2, 0, -1) if doc[k].text == ","), None)
        if opening is not None and finite_group(doc, opening + 1) and doc[opening + 1].pos_ in ("AUX", "VERB") and \
                not any(doc[k].pos_ in ("VERB", "AUX") or doc[k].is_quote for k in range(opening)):
            return True


@rule("source", example=("en", "The company's founder, 'the Wizard', has denied the claims."),
      expect={"source": "The company's founder, 'the Wizard'", "cue": "has denied", "content": "the claims"})
def subject_then_aside_is_no_incise(verb, start: int, subj):
    """The subject, an aside set off by commas, then the verb ("The mayor, who was elected in 2020, has denied")."""
    doc = verb.doc
    if subj is not None and subj.i < start and doc[start - 1].text == "," and subj.right_edge.i >= start - 2 and any(
            doc[k].text == "," for k in range(max(subj.left_edge.i - 1, 0), start - 1)):
        return True  # not "Ce n'est « pas le moment » de ..., a jugé X"


@rule("source", example=("fr", "L'avocat du suspect, François Lemoine, conteste la version de la police."),
      expect={"source": "L'avocat du suspect", "cue": "conteste",
              "content": "la version de la police"})
def apposition_then_verb_is_no_incise(verb, start: int, subj):
    """Two noun phrases set off by commas, with no verb or quote among them, then the verb: a
    subject and its apposition (the parse hung the verb on the noun), not content ("Grève
    historique, affirme la CGT" has one comma: an incise)."""
    doc = verb.doc
    if doc[start - 1].text != ",":
        return None
    lead = doc[:start - 1]
    if any(t.text == "," for t in lead) and not any(t.pos_ in ("VERB", "AUX") or t.is_quote for t in lead):
        return True


NOT_AN_INCISE = (aside_then_verb_is_no_incise, participle_after_an_aside_is_no_incise,
                 main_verb_after_an_incise_is_no_incise,
                 main_verb_after_an_inverted_incise_is_no_incise, subject_then_aside_is_no_incise,
                 apposition_then_verb_is_no_incise)
