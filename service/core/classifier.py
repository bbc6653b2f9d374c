"""The one entry point to the model: sentences + language -> label and four probabilities, and,
with a strength-capable artifact, how strongly each sentence puts its claim.

Evaluation, the HTTP service and batch jobs all call ``Classifier.predict``; how a classifier is
written to and read from a model folder is ``service.storage.artifacts``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from service.core import triage as triage_rules
from service.core.lean import lean_checks, transform
from service.core.vocabulary import LABELS

CHUNK = 1024
# Longer sentences are not parsed: the fast pipeline labels them (a run-on paragraph or a pasted
# table is no sentence a parse helps with, and its parse and attributions cost far more).
PARSE_LIMIT = 1500


@dataclass
class Prediction:
    label: str
    scores: dict[str, float]
    strength: dict | None = None  # SentenceStrength.to_json(), with predict(strength=True)

    def to_json(self) -> dict:
        out = {"label": self.label, "scores": self.scores}
        if self.strength is not None:
            out["strength"] = self.strength
        return out


@dataclass
class Scored:
    """Label probabilities and the feature rows they were read from.

    ``features[mode] = (sentence indices, their rows of the mode's FeatureUnion output)``: the
    strength models read these rows, so a sentence's features are computed once."""

    proba: np.ndarray
    features: dict = field(default_factory=dict)

    def predictions(self) -> list[Prediction]:
        best = np.argmax(self.proba, axis=1).tolist() if len(self.proba) else []
        return [Prediction(LABELS[i], {lab: round(p, 4) for lab, p in zip(LABELS, row)})
                for i, row in zip(best, self.proba.tolist())]


@dataclass
class Plan:
    """The sentences the fast pipeline labels (indices, ascending), their probabilities in
    ``LABELS`` order and their feature rows."""

    fast: list[int]
    proba: np.ndarray
    X: object


class Classifier:
    def __init__(self, pipelines: dict, card: dict | None = None, strength=None):
        self.pipelines = pipelines
        self.card = card or {}
        self.strength = strength  # service.core.strength.model.StrengthModels, or None (older artifacts)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.pipelines["full"]))

    @property
    def name(self) -> str:
        return self.card.get("name", "claim-presentation")

    @property
    def version(self) -> str:
        return self.card.get("version", "unversioned")

    def has_strength(self, lang: str) -> bool:
        return self.strength is not None and self.strength.supports(lang)

    def plan(self, sentences: list[str], lang: str, triage: bool = True) -> Plan:
        """Which sentences the fast pipeline labels, scored: those over ``PARSE_LIMIT`` and, with
        ``triage``, those that need no parse (``service.core.triage``). ``analyze`` asks first, so
        that it parses only the others."""
        self._check_lang(lang)
        triage = triage and triage_rules.ENABLED
        long = {i for i, s in enumerate(sentences) if len(s) > PARSE_LIMIT}
        rows = [i for i, s in enumerate(sentences) if i in long or (triage and not triage_rules.needs_parse(s, lang))]
        if not rows:
            return Plan([], np.zeros((0, len(LABELS))), None)
        proba, X = self._score(self.pipelines["fast"][lang], [sentences[i] for i in rows])
        keep = [j for j, i in enumerate(rows) if i in long or proba[j].max() >= triage_rules.FAST_CONFIDENCE]
        return Plan([rows[j] for j in keep], proba[keep], X[keep])

    def score(self, sentences: list[str], lang: str, fast: bool = False, triage: bool = True,
              plan: Plan | None = None) -> Scored:
        """Probabilities in ``LABELS`` order, one row per sentence, with their feature rows. The
        full pipeline scores the sentences the ``plan`` (by default ``self.plan``) leaves it."""
        self._check_lang(lang)
        sentences = list(sentences)
        if not sentences:
            return Scored(np.zeros((0, len(LABELS))))
        out = Scored(np.zeros((len(sentences), len(LABELS))))
        if fast:
            proba, X = self._score(self.pipelines["fast"][lang], sentences)
            out.proba[:] = proba
            out.features["fast"] = (list(range(len(sentences))), X)
            return out
        if plan is None:
            plan = self.plan(sentences, lang, triage=triage)
        skipped = set(plan.fast)
        rows = [i for i in range(len(sentences)) if i not in skipped]
        if rows:
            proba, X = self._score(self.pipelines["full"][lang], [sentences[i] for i in rows])
            out.proba[rows] = proba
            out.features["full"] = (rows, X)
        if plan.fast:
            out.proba[plan.fast] = plan.proba
            out.features["fast"] = (plan.fast, plan.X)
        return out

    def _check_lang(self, lang: str) -> None:
        if lang not in self.pipelines["full"]:
            raise ValueError(f"unsupported language {lang!r}; supported: {', '.join(self.languages)}")

    def predict_proba(self, sentences: list[str], lang: str, fast: bool = False, triage: bool = True) -> np.ndarray:
        """Probabilities in ``LABELS`` order, one row per sentence."""
        return self.score(sentences, lang, fast=fast, triage=triage).proba

    @staticmethod
    def features(pipe, sentences: list[str]):
        """The rows of the pipeline's feature step (what its classifier, and the strength models,
        read). Sentences given as ``ParsedText`` are not parsed again; plain strings are parsed
        by the first parse-reading step, and chunking keeps a chunk's parses in the cache for the
        next one."""
        with lean_checks():
            rows = [transform(pipe[:-1], sentences[i:i + CHUNK]) for i in range(0, len(sentences), CHUNK)]
        return rows[0] if len(rows) == 1 else sparse.vstack(rows, format="csr")

    @classmethod
    def _score(cls, pipe, sentences: list[str]) -> tuple[np.ndarray, object]:
        final = pipe[-1]
        X = cls.features(pipe, sentences)
        with lean_checks():
            proba = final.predict_proba(X)
        order = [list(final.classes_).index(lab) for lab in LABELS]
        return proba[:, order], X

    def predict(self, sentences: list[str], lang: str, fast: bool = False, strength: bool = False,
                triage: bool = True, plan: Plan | None = None) -> list[Prediction]:
        """Labels and scores; with ``strength`` (and a strength-capable model), each prediction
        also carries its ``strength`` (offsets into its own sentence)."""
        scored = self.score(sentences, lang, fast=fast, triage=triage, plan=plan)
        preds = scored.predictions()
        if strength and self.has_strength(lang) and preds:
            from service.core.strength.inputs import inputs_for

            parsed = scored.features.get("full", ([], None))[0]
            results = self.sentence_strength(scored, preds, inputs_for(list(sentences), lang, parsed), lang)
            for pred, result in zip(preds, results):
                if result is not None:
                    pred.strength = result.to_json()
        return preds

    def sentence_strength(self, scored: Scored, preds: list[Prediction], inputs: list, lang: str) -> list:
        """One ``SentenceStrength`` (or None) per sentence, from the rows ``score`` computed."""
        if not self.has_strength(lang):
            return [None] * len(preds)
        with lean_checks():
            return self.strength.predict(lang, scored.features, inputs, [p.label for p in preds])

    def warm_up(self) -> None:
        """Load each language's spaCy pipeline and run one sentence through every stage (label,
        strength), so that the first request does not pay for it; the server and the batch
        workers call this after loading a model."""
        from service.core.nlp import get_nlp

        for lang in self.languages:
            get_nlp(lang)
            self.predict(["Warm-up sentence."], lang, strength=True)
