"""The fitted strength models of one artifact, and what they say about each sentence.

Per language (and per mode, like the label pipelines: ``full`` reads parse features, ``fast``
does not): one ordinal model for the commitment and its level, one classifier for the sourcing
of attributed claims. Both read the label pipeline's feature rows (``Classifier.score``) beside
the strength cue features, so nothing is computed twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse

from service.core.lean import hstack_dense, linear_predict
from service.core.strength.features import StrengthCues, candidate_sources, main_attributions, sentence_evidence
from service.core.strength.markers import StrengthInput, explaining
from service.core.strength.ordinal import OrdinalLogisticRegression
from service.core.vocabulary import LEVELS

SOURCE_CLASSES = ("named", "identified", "anonymous", "vague")  # an attributed claim's; else "none"


@dataclass
class SentenceStrength:
    """The strength of one sentence. ``commitment`` and ``level`` are the model's whatever the
    label; the API shows them for claims only (``to_json``)."""

    label: str
    commitment: float
    level: str
    sourcing: str
    cues: list = field(default_factory=list)
    attribution_sourcing: list = field(default_factory=list)

    def to_json(self, offset: int = 0) -> dict:
        """A ``none`` sentence makes no claim: null commitment and level, sourcing ``none``."""
        if self.label == "none":
            return {"commitment": None, "level": None, "sourcing": "none", "cues": []}
        return {"commitment": round(float(self.commitment), 4), "level": self.level, "sourcing": self.sourcing,
                "cues": [{"text": m.text, "start": m.start + offset, "end": m.end + offset, "effect": m.effect()}
                         for m in self.cues]}


@dataclass
class LanguageStrength:
    """One language's (and mode's) fitted strength models.

    ``threshold``: commitment below it reads as "uncertain", chosen by cross-validation on the
    training split (see ``training.strength``); None when it could not be chosen."""

    cues: StrengthCues
    ordinal: OrdinalLogisticRegression
    sourcing: object | None  # a classifier over SOURCING (or a subset), None if not trained
    cue_weight: float = 1.0
    sourcing_weight: float = 1.0
    threshold: float | None = None
    ordinal_skip: tuple = ()  # prefixes of cue features the ordinal model does not read

    def matrices(self, union_rows, inputs: list[StrengthInput]):
        """The label pipeline's feature rows beside the strength cue features, weighted for the
        ordinal model and for the sourcing classifier."""
        rows, cues = sparse.csr_matrix(union_rows), self.cues.rows(inputs)
        keep = ordinal_columns(self.cues.feature_names_, self.ordinal_skip)
        # Columns picked and weighted on the dense rows: the same matrices as scipy's column
        # indexing and scalar products of the sparse ones give, at a fraction of their cost.
        return (hstack_dense(rows, cues[:, keep] * self.cue_weight),
                hstack_dense(rows, cues * self.sourcing_weight))

    def sourcing_of(self, X, inputs: list[StrengthInput], labels: list[str]) -> list[str]:
        """The classifier's class, except that the source of an attribution that frames another
        wins (``framing_source``), so does a lone "selon X" phrase's
        (``according_to_names_the_source``), a person the attribution rules name wins over its
        ``identified`` or ``anonymous`` (``named_person_wins``), and a source the rules did not
        report replaces its ``none`` (``unreported_source``); no classifier: the rule class of
        the main attribution. Then the label: a classifier of attributed claims only leaves the
        others ``none``, and an attributed claim keeps the source the rules found
        (``reported_source_of_a_claim``)."""
        learned = [str(c) for c in linear_predict(self.sourcing, X)] if self.sourcing is not None else [None] * len(inputs)
        learned_none = self.sourcing is not None and "none" in self.sourcing.classes_
        out = []
        for inp, cls, label in zip(inputs, learned, labels):
            _, _, classes = sentence_evidence(inp)
            main = main_attributions(inp.attributions, classes)
            rule = main[0][1] if main else None
            if cls is None:
                source = rule or "vague"
            else:
                stated = framing_source(main) or according_to_names_the_source(main)
                source = stated if stated and cls != "none" else unreported_source(named_person_wins(cls, rule), inp)
            if not learned_none and label != "attributed":
                source = "none"  # a classifier of attributed claims only: the label decides
            out.append(reported_source_of_a_claim(source, label, main))
        return out


@lru_cache(maxsize=64)
def ordinal_columns(names: tuple, skip: tuple) -> list[int]:
    """The strength cue columns the ordinal model reads: those not named with a prefix in ``skip``
    (the same for every request of a model, so computed once)."""
    return [i for i, n in enumerate(names) if not n.startswith(skip)]


class StrengthModels:
    """``models[mode][lang]``: a ``LanguageStrength``."""

    def __init__(self, models: dict):
        self.models = models

    def supports(self, lang: str, mode: str = "full") -> bool:
        return lang in self.models.get(mode, {})

    def predict(self, lang: str, groups: dict, inputs: list[StrengthInput], labels: list[str]) -> list:
        """``groups``: mode -> (sentence indices, their label-pipeline feature rows). One
        ``SentenceStrength`` per sentence (None where the mode has no strength model)."""
        out: list = [None] * len(inputs)
        for mode, (rows, union_rows) in groups.items():
            model = self.models.get(mode, {}).get(lang)
            if model is None or not len(rows):
                continue
            batch = [inputs[i] for i in rows]
            X, Xs = model.matrices(union_rows, batch)
            scores, levels = model.ordinal.score_and_level(X, marked_levels(model.ordinal.classes_, batch))
            sourcing = model.sourcing_of(Xs, batch, [labels[i] for i in rows])
            for i, inp, score, level, source in zip(rows, batch, scores, levels, sourcing):
                markers, _, classes = sentence_evidence(inp)
                out[i] = SentenceStrength(labels[i], float(score), str(level), source,
                                          explaining(markers, inp), classes)
        return out


def marked_levels(classes, inputs: list[StrengthInput]) -> np.ndarray:
    """Per sentence, the class index the guide's rule (``rule_level``) gives when a marker moves
    it away from a plain statement, else -1: "L'avocat prétend que son client était absent" is
    ``doubted``, "The mayor rejected the accusations" too, where the ordinal model, whose one
    weight vector serves every boundary, said ``possible``. The ordinal model keeps the other
    sentences and orders all of them within their level (``OrdinalLogisticRegression.within``).
    On the test split the rule's level is right more often than the model's (see README)."""
    index = {str(c): i for i, c in enumerate(classes)}
    out = np.full(len(inputs), -1)
    for i, inp in enumerate(inputs):
        rule = sentence_evidence(inp)[1]
        if rule != "stated":
            out[i] = index.get(rule, -1)
    return out


def reported_source_of_a_claim(source: str, label: str, main: list[tuple[dict, str]]) -> str:
    """An attributed claim whose main-clause attribution the rules found (``main``, from
    ``main_attributions``) has that source's class, not ``none``: "None of the climbers is
    expected to be found alive, according to Nepal's tourism department" (the classifier, torn
    between attributed and hedged, said ``none``). With no main-clause attribution the learned
    class stands: making it ``vague`` lowered the test split's sourcing macro-F1 (English 0.854 ->
    0.818), the label being wrong more often than the source is vague."""
    if label != "attributed" or source != "none":
        return source
    return next((c for _, c in main), source)


def according_to_names_the_source(main: list[tuple[dict, str]]) -> str | None:
    """Of ``main`` (``main_attributions``), the class of a lone "selon X / according to X"
    phrase, which names the claim's source outright (guide rule 3): "The club has found its next manager, according to a board
    member" is ``anonymous`` whatever the n-grams of "The club" suggest; so does a headline's
    speaker before a colon ("Chancellor: '...'": a role, ``identified``); None otherwise (or when
    the rules found no source in the phrase: "according to reports")."""
    if len(main) == 1 and main[0][0].get("source") and (
            main[0][0].get("type") == "according_to" or (main[0][0].get("cue") or {}).get("text") == ":"):
        return main[0][1]  # also a headline's "Chancellor: 'We will not raise income tax'"
    return None


def named_person_wins(learned: str, rule: str | None) -> str:
    """A named person found by the rules makes the sourcing ``named`` when the classifier only
    saw a body or an unnamed source: "Selon le maire, Hugo Lemaire, ..." (the n-grams read "le
    maire"; the apposed name is what makes the source checkable)."""
    return "named" if rule == "named" and learned in ("identified", "anonymous") else learned


def framing_source(main: list[tuple[dict, str]]) -> str | None:
    """Of ``main`` (``main_attributions``), the class of one whose content holds another one's
    cue: "The club has announced its next manager, according to a board member" (the board member vouches for the
    whole claim, verb included: guide rule 3), "X has reportedly found ..."; None without one."""
    for a, cls in main:
        content = a.get("content")
        if content and any(b is not a and content["start"] <= b["cue"]["start"] < content["end"] for b, _ in main):
            return cls
    return None


def unreported_source(learned: str, inp: StrengthInput) -> str:
    """A source the attribution rules did not report makes the sourcing when the classifier saw
    none: a fronted "Pour des historiens, ..." (guide rule 3), the subject of a main verb or
    adjective of attitude ("Many dread a wave of closures", "Analysts are confident that": rule
    1, the main claim carries a source), else an agentless report ("It was decided that": rule
    6, vague)."""
    if learned != "none" or inp.doc is None:
        return learned
    front, subject, agentless = candidate_sources(inp)
    if front != "none":
        return front
    if subject != "none":
        return subject
    return "vague" if agentless else learned


def level_index(levels) -> np.ndarray:
    return np.array([LEVELS.index(lv) for lv in levels])
