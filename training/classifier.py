"""The one entry point to the model: sentences + language -> label and four probabilities.

Evaluation, the HTTP service and batch jobs all call ``Classifier.predict``. A model folder holds
``model.joblib`` (a dict of fitted pipelines: mode -> language -> Pipeline) and ``card.json``,
whose ``artifact_sha256`` is checked before the pickle is ever loaded.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np

from training.atomic import atomic_directory
from training.features import LABELS

ARTIFACT = "model.joblib"
CARD = "card.json"
MODES = ("full", "fast")
CHUNK = 1024
# Longer sentences are not parsed: the fast pipeline labels them (a run-on paragraph or a pasted
# table is no sentence a parse helps with, and its parse and attributions cost far more).
PARSE_LIMIT = 1500


class ModelError(RuntimeError):
    """A model folder that cannot be served: missing files, checksum mismatch, bad content."""


@dataclass
class Prediction:
    label: str
    scores: dict[str, float]

    def to_json(self) -> dict:
        return {"label": self.label, "scores": self.scores}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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

    # --- persistence -------------------------------------------------------------------------
    def artifact_bytes(self) -> bytes:
        """The joblib artifact. Vectorizers' introspection-only attributes are dropped first: the
        set of pruned terms (large, pickled in hash order) and the id() of their stop-word list,
        so the same data and seed give the same bytes."""
        for by_lang in self.pipelines.values():
            for pipe in by_lang.values():
                for _, step in pipe.named_steps["features"].transformer_list:
                    for vec in (step, getattr(step, "vectorizer_", None)):
                        for attr in ("stop_words_", "_stop_words_id"):
                            if hasattr(vec, attr):
                                delattr(vec, attr)
        buf = io.BytesIO()
        joblib.dump({"format": 1, "pipelines": self.pipelines}, buf, compress=3)
        return buf.getvalue()

    def save(self, directory: Path, card: dict) -> Path:
        """Write artifact and card atomically into ``directory`` (which must not exist)."""
        directory = Path(directory)
        if directory.exists():
            raise ModelError(f"{directory} already exists")
        data = self.artifact_bytes()
        card = dict(card, artifact=ARTIFACT, artifact_sha256=hashlib.sha256(data).hexdigest())
        with atomic_directory(directory) as tmp:
            (tmp / ARTIFACT).write_bytes(data)
            (tmp / CARD).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        self.card = card
        return directory

    @staticmethod
    def verify(directory: Path) -> dict:
        """The model card, once the artifact's sha256 matches it (nothing is unpickled)."""
        directory = Path(directory)
        card_path, art_path = directory / CARD, directory / ARTIFACT
        if not card_path.is_file() or not art_path.is_file():
            raise ModelError(f"{directory}: expected {CARD} and {ARTIFACT}")
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"{card_path}: unreadable model card ({exc})") from None
        expected = card.get("artifact_sha256") if isinstance(card, dict) else None
        actual = sha256_file(art_path)
        if not expected or actual != expected:
            raise ModelError(f"{art_path}: sha256 {actual} does not match the card ({expected}); refusing to load")
        return card

    @classmethod
    def load(cls, directory: Path) -> "Classifier":
        """Load a model folder after checking the artifact against the card's sha256."""
        card = cls.verify(directory)
        art_path = Path(directory) / ARTIFACT
        payload = joblib.load(art_path)
        if not isinstance(payload, dict) or payload.get("format") != 1 or "full" not in payload.get("pipelines", {}):
            raise ModelError(f"{art_path}: not a model artifact of this project")
        return cls(payload["pipelines"], card)
