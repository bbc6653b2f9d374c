"""The one entry point to the model: sentences + language -> label and four probabilities.

Evaluation, the HTTP service and batch jobs all call ``Classifier.predict``; how a classifier is
written to and read from a model folder is ``service.storage.artifacts``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from service.core.vocabulary import LABELS

CHUNK = 1024
# Longer sentences are not parsed: the fast pipeline labels them (a run-on paragraph or a pasted
# table is no sentence a parse helps with, and its parse and attributions cost far more).
PARSE_LIMIT = 1500


@dataclass
class Prediction:
    label: str
    scores: dict[str, float]

    def to_json(self) -> dict:
        return {"label": self.label, "scores": self.scores}


class Classifier:
    def __init__(self, pipelines: dict, card: dict | None = None):
        self.pipelines = pipelines
        self.card = card or {}

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.pipelines["full"]))

    @property
    def name(self) -> str:
        return self.card.get("name", "claim-presentation")

    @property
    def version(self) -> str:
        return self.card.get("version", "unversioned")

    def predict_proba(self, sentences: list[str], lang: str, fast: bool = False) -> np.ndarray:
        """Probabilities in ``LABELS`` order, one row per sentence."""
        if lang not in self.pipelines["full"]:
            raise ValueError(f"unsupported language {lang!r}; supported: {', '.join(self.languages)}")
        if not sentences:
            return np.zeros((0, len(LABELS)))
        sentences = list(sentences)
        if fast:
            return self._proba(self.pipelines["fast"][lang], sentences)
        long = [i for i, s in enumerate(sentences) if len(s) > PARSE_LIMIT]
        if not long:
            return self._proba(self.pipelines["full"][lang], sentences)
        short = [i for i, s in enumerate(sentences) if len(s) <= PARSE_LIMIT]
        out = np.zeros((len(sentences), len(LABELS)))
        out[long] = self._proba(self.pipelines["fast"][lang], [sentences[i] for i in long])
        if short:
            out[short] = self._proba(self.pipelines["full"][lang], [sentences[i] for i in short])
        return out

    @staticmethod
    def _proba(pipe, sentences: list[str]) -> np.ndarray:
        # Chunks keep each chunk's parses in the parse cache for all feature steps, and bound memory.
        proba = np.vstack([pipe.predict_proba(sentences[i:i + CHUNK]) for i in range(0, len(sentences), CHUNK)])
        order = [list(pipe.classes_).index(lab) for lab in LABELS]
        return proba[:, order]

    def predict(self, sentences: list[str], lang: str, fast: bool = False) -> list[Prediction]:
        proba = self.predict_proba(sentences, lang, fast=fast)
        out = []
        for row in proba:
            scores = {lab: round(float(p), 4) for lab, p in zip(LABELS, row)}
            out.append(Prediction(LABELS[int(np.argmax(row))], scores))
        return out
