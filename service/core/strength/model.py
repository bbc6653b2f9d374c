"""The fitted strength models of one artifact, and what they say about each sentence.

Per language (and per mode, like the label pipelines: ``full`` reads parse features, ``fast``
does not): one ordinal model for the commitment and its level, one classifier for the sourcing
of attributed claims. Both read the label pipeline's feature rows (``Classifier.score``) beside
the strength cue features, so nothing is computed twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from service.core.strength.features import StrengthCues, sentence_evidence
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
        rows, cues = sparse.csr_matrix(union_rows), self.cues.transform(inputs)
        keep = [i for i, n in enumerate(self.cues.feature_names_) if not n.startswith(self.ordinal_skip)]
        return (sparse.hstack([rows, cues[:, keep] * self.cue_weight], format="csr"),
                sparse.hstack([rows, cues * self.sourcing_weight], format="csr"))

    def sourcing_of(self, X, inputs: list[StrengthInput]) -> list[str]:
        """The classifier's class, except that a person the attribution rules name wins over its
        ``identified`` or ``anonymous`` (see ``named_person_wins``); no classifier: the rule
        class of the main attribution."""
        learned = [str(c) for c in self.sourcing.predict(X)] if self.sourcing is not None else [None] * len(inputs)
        out = []
        for inp, cls in zip(inputs, learned):
            _, _, classes = sentence_evidence(inp)
            main = [c for a, c in zip(inp.attributions, classes) if a.get("main_clause")]
            rule = main[0] if main else None
            out.append(named_person_wins(cls, rule) if cls is not None else rule or "vague")
        return out


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
            scores = model.ordinal.predict_score(X)
            levels = model.ordinal.predict(X)
            sourcing = model.sourcing_of(Xs, batch)
            learned_none = model.sourcing is not None and "none" in model.sourcing.classes_
            for i, inp, score, level, source in zip(rows, batch, scores, levels, sourcing):
                markers, _, classes = sentence_evidence(inp)
                label = labels[i]
                if not learned_none and label != "attributed":
                    source = "none"  # a classifier of attributed claims only: the label decides
                out[i] = SentenceStrength(label, float(score), str(level), source,
                                          explaining(markers, inp), classes)
        return out


def named_person_wins(learned: str, rule: str | None) -> str:
    """A named person found by the rules makes the sourcing ``named`` when the classifier only
    saw a body or an unnamed source: "Selon le maire, Hugo Lemaire, ..." (the n-grams read "le
    maire"; the apposed name is what makes the source checkable)."""
    return "named" if rule == "named" and learned in ("identified", "anonymous") else learned


def level_index(levels) -> np.ndarray:
    return np.array([LEVELS.index(lv) for lv in levels])
