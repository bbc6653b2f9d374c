"""Strength cue features: what the markers, the guide's rule and the sourcing rules say about a
sentence, as a few dozen named numbers that the strength models read beside the label
pipeline's n-gram features (computed once, see ``Classifier.score``)."""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from service.core.attribution.cue import lacks_its_complement, rejects_no_claim, reports_no_claim_itself
from service.core.attribution.tree import framed_complement
from service.core.attribution.words import words
from service.core.cues import NEGATIONS, starts_with_condition
from service.core.lean import csr_from_dense
from service.core.lexicon import get_lexicon, grammar_words
from service.core.strength.markers import (
    KINDS,
    SCOPES,
    StrengthInput,
    find_markers,
    rule_level,
)
from service.core.strength.sourcing import attribution_sourcing, span_sourcing
from service.core.strength.words import strength_words
from service.core.tokens import columns
from service.core.vocabulary import LEVELS, SOURCING, STANCES

# What an attitude adjective's content or object hangs on: "confident that", "worried about".
COMPLEMENTS = frozenset({"ccomp", "prep", "obl", "obl:arg", "advcl", "xcomp", "acl"})

STRENGTH_FEATURES = (
    *[f"m_{kind}_{scope}_{level}" for kind in KINDS for scope in SCOPES for level in LEVELS],
    *[f"weakest_{scope}_{level}" for scope in ("main", "content") for level in LEVELS],
    *[f"rule_{level}" for level in LEVELS], "rule_index",
    *[f"rv_negated_{stance}" for stance in STANCES],
    "condition_clause", "question", "quote_whole", "main_attribution", "attributions",
    *[f"src_main_{cls}" for cls in SOURCING], *[f"src_any_{cls}" for cls in SOURCING],
    *[f"src_front_{cls}" for cls in SOURCING], *[f"src_subject_{cls}" for cls in SOURCING],
    "src_agentless_report",
)


def sentence_evidence(inp: StrengthInput) -> tuple[list, str, list[str]]:
    """(markers, rule level, sourcing class of each attribution): computed once per sentence,
    read by the features and by the API's explanations."""
    cached = inp.evidence
    if cached is None:
        markers = find_markers(inp)
        sourcing = [attribution_sourcing(a, inp.text, inp.lang, inp.doc) for a in inp.attributions]
        cached = inp.evidence = (markers, rule_level(markers, inp), sourcing)
    return cached


def main_attributions(attributions: list[dict], classes: list[str]) -> list[tuple[dict, str]]:
    """The main-clause attributions with their sourcing classes (``sentence_evidence``'s third
    part), in sentence order: the ones that speak for the sentence's claim."""
    return [(a, cls) for a, cls in zip(attributions, classes) if a.get("main_clause")]


def strength_features(inp: StrengthInput) -> dict[str, float]:
    """The strength cue features of one sentence, by name (see ``STRENGTH_FEATURES``; a feature
    not given is 0)."""
    markers, rule, sourcing = sentence_evidence(inp)
    f: dict[str, float] = {}
    weakest: dict[str, int] = {}
    for m in markers:
        f[f"m_{m.kind}_{m.scope}_{m.level}"] = 1.0
        if m.scope in ("main", "content") and m.kind != "reporting_verb":
            weakest[m.scope] = min(weakest.get(m.scope, 9), m.rank)
        if m.kind == "reporting_verb" and m.negated and m.scope == "main":
            f["rv_negated_denial"] = 1.0
    for c in inp.found.cues:
        if c.type == "reporting_verb" and c.negated and c.main_clause and c.stance != "denial":
            f[f"rv_negated_{c.stance or 'neutral'}"] = 1.0
        elif c.type == "question":
            f["question"] = 1.0
    for scope, rank in weakest.items():
        f[f"weakest_{scope}_{LEVELS[rank]}"] = 1.0
    f[f"rule_{rule}"] = 1.0
    f["rule_index"] = LEVELS.index(rule) / (len(LEVELS) - 1)
    f["condition_clause"] = float(starts_with_condition(inp.text))
    norm = inp.found.norm.strip()
    f["quote_whole"] = float(sum(e - s for s, e in inp.found.quotes) > 0.85 * max(len(norm), 1))
    main = [cls for _, cls in main_attributions(inp.attributions, sourcing)]
    f["main_attribution"] = float(bool(main))
    f["attributions"] = min(len(inp.attributions), 3) / 3
    f[f"src_main_{main[0] if main else 'none'}"] = 1.0
    for cls in sourcing or ["none"]:
        f[f"src_any_{cls}"] = 1.0
    front, subject, agentless = candidate_sources(inp)
    f[f"src_front_{front}"] = 1.0
    f[f"src_subject_{subject}"] = 1.0
    f["src_agentless_report"] = float(agentless)
    return f


def candidate_sources(inp: StrengthInput) -> tuple[str, str, bool]:
    """Sources the attribution rules may miss: the class of a fronted framing phrase ("Pour la
    CGT, ...", "To some, ..."), the class of the subject of the main predicate of saying or
    attitude (``attitude_predicate``), and whether that verb is an agentless passive that reports
    something (``passive_reports``: "it is believed that", "il a été annoncé que", "is said to
    be", "is regarded as": the guide's vague passive reports; not "No injuries were reported",
    nor the hedge "is expected to"). Computed
    once per sentence: the features read it, and so does ``model.unreported_source``."""
    if inp.candidates is None:
        inp.candidates = _candidate_sources(inp)
    return inp.candidates


def _candidate_sources(inp: StrengthInput) -> tuple[str, str, bool]:
    words = strength_words(inp.lang)
    tokens, front = inp.found.tokens, "none"
    k = words.opening_frame([t for t, _, _ in tokens[:4]])  # "Pour la CGT, …", "To some, …"
    if k:
        comma = inp.found.norm.find(",", tokens[k][1])
        hedge = any(c.type == "hedge" and c.start < comma for c in inp.found.cues)  # "Selon toute vraisemblance,"
        if 0 < comma - tokens[k][1] <= 80 and not hedge and _names_someone(inp.doc, tokens[k][1], comma, inp.lang):
            front = span_sourcing(inp.text[tokens[k][1]:comma], inp.lang, inp.doc, tokens[k][1])
    subject, agentless = "none", False
    root = _root(inp.doc) if inp.doc is not None else None
    children = list(root.children) if root is not None else []  # read by every test below
    kind = attitude_predicate(root, inp.lang, children) if root is not None else ""
    if kind:
        deps = {c.dep_ for c in children}
        hedge = any(c.type == "hedge" and c.start <= root.idx < c.end for c in inp.found.cues)  # "is expected to"
        agentless = (kind == "verb" and not hedge and bool(deps & {"auxpass", "aux:pass"})
                     and not deps & {"agent", "obl:agent"} and passive_reports(root, deps, inp.lang, children))
        # A passive verb's subject is what is reported ("Il a été décidé que", "La réforme a été
        # annoncée"), except after an attitude participle ("Les syndicats sont convaincus que").
        subjects = ("nsubj", "nsubj:pass") if kind == "adjective" else ("nsubj",)
        subj = next((c for c in children if c.dep_ in subjects), None)
        if (subj is not None and not _not_a_report(root, kind, inp.lang, children)
                and not starts_with_condition(inp.text) and subj.lower_ not in grammar_words(inp.lang, "first_person")):
            left, right = subj.left_edge, subj.right_edge  # the subtree's first and last tokens
            first, last = left.idx, right.idx + len(right)
            subject = span_sourcing(inp.text[first:last], inp.lang, inp.doc, first)
    return front, subject, agentless


def _names_someone(doc, start: int, end: int, lang: str) -> bool:
    """A fronted "For X," / "Pour X," names a source only if X holds a noun or a pronoun that is
    no time word or holiday ("For now, the offer remains", "Pour l'instant, aucune piste n'est
    écartée", "Pour la première fois", "Pour Noël" name nobody); without a parse, assume it does."""
    span = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
    if span is None:
        return True
    time, lookup = words("time_words", "time_nouns", lang=lang), strength_words(lang)
    return any(t.pos_ in ("NOUN", "PROPN", "PRON") and t.lower_ not in time and not lookup.role(t.lower_, "calendar")
               for t in span)


def _root(doc):
    """The first token labelled ROOT (read from the parse's columns: no Token made per word)."""
    dep = columns(doc).dep
    return doc[dep.index("ROOT")] if "ROOT" in dep else None


def passive_reports(root, deps: set, lang: str, children: list | None = None) -> bool:
    """Whether a passive verb of saying or attitude reports something: a clause ("it is believed
    that"), or, unless its subject is the one addressed ("was told to leave", "was urged to"), an
    infinitive or a predicate ("is said to be", "is considered one of the best", "is widely
    regarded as a failure", "est considéré comme le plus ambitieux"): guide rule 6."""
    if "ccomp" in deps:
        return True
    if root.lemma_.lower() in words("addressee_lemmas", "request_lemmas", lang=lang):
        return False
    if deps & {"xcomp", "oprd"}:
        return True
    return framed_complement(root.children if children is None else children, ("prep", "obl", "obl:arg"),
                             words("frame_markers", lang=lang))  # "as", "comme"


def attitude_predicate(root, lang: str, children: list | None = None) -> str:
    """"verb" when the sentence's root is a verb of saying (``reporting_verbs.tsv``) or attitude
    (``attitude_verb`` in ``source_words.tsv``: "Critics call the budget dishonest";
    ``attitude_verb_clause`` only with a clause: "soutient que", "The BBC understands that"),
    "adjective" when it is an attitude adjective or has one as its complement ("Analysts are
    confident that", "Les syndicats sont convaincus que"), else ""."""
    words = strength_words(lang)
    lemma = root.lemma_.lower()
    if any(words.role(w, "attitude_adjective") for w in (lemma, root.lower_)):
        return "adjective"
    children = list(root.children) if children is None else children
    if any(c.dep_ == "acomp" and words.role(c.lemma_.lower(), "attitude_adjective") for c in children):
        return "adjective"
    if words.role(lemma, "attitude_verb_clause"):  # "soutient que", not "soutient les opérations"
        return "verb" if any(c.dep_ == "ccomp" for c in children) else ""
    return "verb" if words.role(lemma, "attitude_verb") or lemma in get_lexicon(lang).verbs_by_lemma else ""


def _not_a_report(root, kind: str, lang: str, children: list | None = None) -> bool:
    """The subject is not a source when the verb is negated ("Police did not comment", "L'armée
    n'a communiqué aucun bilan": facts, guide rule 7), hedged by a modal (a tagged modal or one of
    ``grammar_words.tsv``'s ``modal_verbs``: "Rain could yet deny Somerset", the author's guess),
    takes an infinitive of intention ("The company expects to hire", "La préfecture a décidé de
    fermer": plans are facts about the actor, rule 6), or when an attitude adjective has no
    complement ("Regulators remain sceptical": a fact about them), or when a verb that reports only
    with a complement has none (``lacks_its_complement``: "is considering a reshuffle")."""
    children = list(root.children) if children is None else children
    if any(c.lower_.strip("'’") in NEGATIONS for c in children):
        return True
    if lacks_its_complement(root, root.lemma_.lower()):
        return True  # "Le gouvernement considère plusieurs pistes", "Police found the body": no report
    if rejects_no_claim(root, root.lemma_.lower()):
        return True  # "The Senate rejected the bill": a vote, not a denial
    if reports_no_claim_itself(root, root.lemma_.lower()):
        return True  # "Officials told residents to leave": an order, no claim
    modals = grammar_words(lang, "modal_verbs")
    if any(c.dep_.startswith("aux") and (c.tag_ == "MD" or c.lemma_.lower() in modals) for c in children):
        return True
    adjectives = [root] + [c for c in children if c.dep_ == "acomp"]  # "are confident that", "worried about"
    if kind == "adjective" and not any(c.dep_ in COMPLEMENTS for a in adjectives for c in a.children):
        return True
    has_object = any(c.dep_ in ("dobj", "obj") for c in children)
    return not has_object and any(
        c.dep_ == "xcomp" and "Inf" in c.morph.get("VerbForm") and not any(g.dep_.startswith("nsubj") for g in c.children)
        for c in children)


class StrengthCues(TransformerMixin, BaseEstimator):
    """``StrengthInput`` objects -> sparse matrix of strength cue features.

    ``fit`` remembers the feature set, so a saved model keeps working if features are added."""

    def fit(self, X, y=None):
        self.feature_names_ = tuple(STRENGTH_FEATURES)
        return self

    def transform(self, X):
        return csr_from_dense(self.rows(X))

    def rows(self, X) -> np.ndarray:
        """``transform(X)`` as a dense array, whose columns cost nothing to pick and weight."""
        check_is_fitted(self, "feature_names_")
        column = {name: j for j, name in enumerate(self.feature_names_)}
        mat = np.zeros((len(X), len(column)))
        for i, inp in enumerate(X):
            for name, value in strength_features(inp).items():  # the few a sentence has, not all 147
                j = column.get(name)
                if j is not None:
                    mat[i, j] = value
        return mat

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "feature_names_")
        return np.asarray([f"strength__{n}" for n in self.feature_names_], dtype=object)
