"""Verbs of saying that, by their complements, state an intention, an order, a plan or an event
rather than report a claim: "hopes to return", "told residents to leave", "un incendie s'est
déclaré", "prévoit de fermer". Each test is read by the cues stage (``cue.may_report``) and, through
``cue.reports_no_claim_itself``, by the classifier's features and the strength model's sourcing.
"""
from __future__ import annotations

from service.core.attribution import tree
from service.core.attribution.context import VerbCue
from service.core.attribution.rules import rule
from service.core.attribution.words import words


@rule("cues", example=("fr", "Un incendie s'est déclaré dans la nuit dans un entrepôt de Vénissieux."), expect=None)
def outbreaks_report_nothing(v: VerbCue):
    """The reflexive "se déclarer" with no attribute, clause or object means "broke out" ("Un
    incendie s'est déclaré dans la nuit", "L'épidémie s'est déclarée en mars"): no report; "Le
    maire s'est déclaré favorable au projet" still reports (lists ``outbreak_lemmas``)."""
    return breaks_out(v.verb, v.lemma) or None


def breaks_out(verb, lemma: str) -> bool:
    """``outbreaks_report_nothing``'s test."""
    if lemma not in words("outbreak_lemmas"):
        return False
    children = list(verb.children)
    return any(c.lower_ in words("reflexives") for c in children) and not any(
        c.dep_.split(":")[0] in ("xcomp", "ccomp", "obj", "dobj", "iobj", "acomp") for c in children)


@rule("cues", example=("en", "Officials told residents to leave their homes."), expect=None)
def wishes_and_orders_report_nothing(v: VerbCue):
    """A wish with an infinitive ("She hopes to return", "Il espère revenir": an intention, a fact
    about its subject, guide rule 6) or an order with "to / de" + infinitive ("was told to pull
    over", "told residents to leave", "a dit aux habitants de rester chez eux") reports no claim;
    with a "that / que" clause they still report ("hopes that", "a dit que"), and so does "dire"
    + a bare infinitive ("dit avoir vu")."""
    return wishes_or_orders(v.verb, v.lemma) or None


def wishes_or_orders(verb, lemma: str) -> bool:
    """``wishes_and_orders_report_nothing``'s test (also read by the strength model's sourcing)."""
    if lemma not in words("wish_lemmas", "order_lemmas") or any(c.dep_ == "ccomp" for c in verb.children):
        return False
    marked = lemma not in words("wish_lemmas")
    children = list(verb.children)
    # its xcomp, or an infinitive the parse hung on its indirect object ("dit aux habitants de rester")
    objects = [c for c in children if c.dep_ in ("obl:arg", "iobj", "dative", "dobj", "obj")]
    found = [c for c in children if c.dep_ == "xcomp"] + [g for c in objects for g in c.children if g.dep_ == "acl"]
    return any(_infinitive(t, verb, marked) for t in found)


def _infinitive(tok, verb, marked: bool) -> bool:
    """An infinitive after the verb; ``marked``: with "to" or "de" ("told to", "dit de")."""
    if "Inf" not in tok.morph.get("VerbForm") or tok.i < verb.i:
        return False
    return not marked or any(c.lower_ in ("to", "de", "d'") and c.dep_ in ("aux", "mark") for c in tok.children)


@rule("cues", example=("fr", "Le groupe prévoit de fermer deux usines l'an prochain."), expect=None)
def plans_report_nothing(v: VerbCue):
    """A forecast verb reports a claim with an object or a clause ("L'Insee prévoit une hausse",
    "Analysts expect inflation to ease", "P, anticipe l'Observatoire"); with its subject's own
    infinitive it is a plan ("prévoit de fermer", "expects to finish"), alone it is nothing ("than
    markets anticipate", "comme prévu"), and a text's "prévoit" is what it provides ("Le texte
    prévoit une amende")."""
    return forecasts_no_outcome(v.verb, v.lemma) or None


def forecasts_no_outcome(verb, lemma: str) -> bool:
    """``plans_report_nothing``'s test (lists ``forecast_lemmas``, ``provision_subjects``)."""
    if lemma not in words("forecast_lemmas"):
        return False
    children = list(verb.children)
    subject = next((c for c in children if c.dep_ in tree.SUBJECT_DEPS), None)
    if subject is not None and subject.lemma_.lower() in words("provision_subjects"):
        return True
    if verb.dep_ == "parataxis" and verb.head.i < verb.i:
        return False  # a tail report: "P, anticipe l'Observatoire"
    return not any(c.dep_ == "ccomp" or c.dep_ in ("obj", "dobj") and c.i > verb.i for c in children)
