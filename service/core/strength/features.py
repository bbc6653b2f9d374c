"""Strength cue features: what the markers, the guide's rule and the sourcing rules say about a
sentence, as a few dozen named numbers that the strength models read beside the label
pipeline's n-gram features (computed once, see ``Classifier.score``)."""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from service.core.strength.markers import (
    KINDS,
    SCOPES,
    StrengthInput,
    find_markers,
    rule_level,
)
from service.core.strength.sourcing import attribution_sourcing, span_sourcing
from service.core.lexicon import get_lexicon
from service.core.strength.words import strength_words
from service.core.vocabulary import LEVELS, SOURCING, STANCES

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


def strength_features(inp: StrengthInput) -> dict[str, float]:
    """The strength cue features of one sentence, by name (see ``STRENGTH_FEATURES``)."""
    from service.core.cues import starts_with_condition

    markers, rule, sourcing = sentence_evidence(inp)
    f = dict.fromkeys(STRENGTH_FEATURES, 0.0)
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
    main = [cls for a, cls in zip(inp.attributions, sourcing) if a.get("main_clause")]
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
    CGT, ...", "To some, ..."), the class of the subject of a main verb of saying or attitude
    ("Certains s'inquiètent ...": the verbs of ``reporting_verbs.tsv`` by lemma, and the attitude
    verbs of ``source_words.tsv``, those heading attributed training sentences the rules missed),
    and whether that verb is an agentless passive ("it is believed that", "il a été annoncé que",
    "is considered": the guide's vague passive reports)."""
    words = strength_words(inp.lang)
    tokens, front = inp.found.tokens, "none"
    for k in (1, 2, 3):
        if len(tokens) > k and words.role(tuple(t for t, _, _ in tokens[:k]), "framing"):
            comma = inp.found.norm.find(",", tokens[k][1])
            if 0 < comma - tokens[k][1] <= 80:
                front = span_sourcing(inp.text[tokens[k][1]:comma], inp.lang, inp.doc, tokens[k][1])
            break
    subject, agentless = "none", False
    if inp.doc is not None:
        root = next((t for t in inp.doc if t.dep_ == "ROOT"), None)
        lemma = root.lemma_.lower() if root is not None else ""
        attitude = words.role(lemma, "attitude_verb") or lemma in get_lexicon(inp.lang).verbs_by_lemma
        subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubj:pass")), None) if attitude else None
        deps = {c.dep_ for c in root.children} if attitude else set()
        agentless = bool(deps & {"auxpass", "aux:pass"}) and not deps & {"agent", "obl:agent"}
        if subj is not None:
            first, last = min(t.idx for t in subj.subtree), max(t.idx + len(t) for t in subj.subtree)
            subject = span_sourcing(inp.text[first:last], inp.lang, inp.doc, first)
    return front, subject, agentless


class StrengthCues(TransformerMixin, BaseEstimator):
    """``StrengthInput`` objects -> sparse matrix of strength cue features.

    ``fit`` remembers the feature set, so a saved model keeps working if features are added."""

    def fit(self, X, y=None):
        self.feature_names_ = tuple(STRENGTH_FEATURES)
        return self

    def transform(self, X):
        check_is_fitted(self, "feature_names_")
        names = self.feature_names_
        mat = np.zeros((len(X), len(names)))
        for i, inp in enumerate(X):
            feats = strength_features(inp)
            mat[i] = [feats.get(n, 0.0) for n in names]
        return sparse.csr_matrix(mat)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "feature_names_")
        return np.asarray([f"strength__{n}" for n in self.feature_names_], dtype=object)
