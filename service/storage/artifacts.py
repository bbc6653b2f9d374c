"""A model folder: ``model.joblib`` (the fitted pipelines) beside ``card.json`` (what they are).

The card's ``artifact_sha256`` is checked before the pickle is ever loaded, so a damaged or
swapped artifact is refused, and an artifact is written whole or not at all.
"""
from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from service.storage.atomic import atomic_directory

if TYPE_CHECKING:  # the model's code loads only when a model does: the web front never needs it
    from service.core.classifier import Classifier

ARTIFACT = "model.joblib"
CARD = "card.json"


class ModelError(RuntimeError):
    """A model folder that cannot be served: missing files, checksum mismatch, bad content."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _intern_attribute_names(root) -> None:
    """Every model object's attribute names become the interned strings.

    A pickle writes a string once and refers back to it when the same string *object* comes
    again, and whether an estimator's attribute names are the interned strings depends on its
    history: built by ``__init__``, they are; unpickled (from a training process) into a class
    whose instances share one key table, they are not, unless an instance built here set that
    table first. Without this, the same model pickled to a few bytes more or less."""
    seen, stack = set(), [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, dict):
            stack.extend(v for v in obj.values() if not isinstance(v, (str, int, float)))
        elif isinstance(obj, (list, tuple)):
            stack.extend(obj)
        elif type(obj).__module__.split(".")[0] in ("sklearn", "service", "training") and hasattr(obj, "__dict__"):
            obj.__dict__ = {sys.intern(k) if type(k) is str else k: v for k, v in vars(obj).items()}
            stack.extend(vars(obj).values())


def artifact_bytes(clf: Classifier) -> bytes:
    """The joblib artifact. Vectorizers' introspection-only attributes are dropped first: the
    set of pruned terms (large, pickled in hash order) and the id() of their stop-word list,
    so the same data and seed give the same bytes (``_intern_attribute_names`` too)."""
    for by_lang in clf.pipelines.values():
        for pipe in by_lang.values():
            for _, step in pipe.named_steps["features"].transformer_list:
                for vec in (step, getattr(step, "vectorizer_", None)):
                    for attr in ("stop_words_", "_stop_words_id"):
                        if hasattr(vec, attr):
                            delattr(vec, attr)
    buf = io.BytesIO()
    payload = {"format": 1, "pipelines": clf.pipelines}
    if clf.strength is not None:
        payload["strength"] = clf.strength  # optional: an artifact without it serves labels only
    _intern_attribute_names(payload)
    import joblib

    joblib.dump(payload, buf, compress=3)
    return buf.getvalue()


def save_model(clf: Classifier, directory: Path, card: dict) -> Path:
    """Write artifact and card atomically into ``directory`` (which must not exist)."""
    directory = Path(directory)
    if directory.exists():
        raise ModelError(f"{directory} already exists")
    data = artifact_bytes(clf)
    card = dict(card, artifact=ARTIFACT, artifact_sha256=hashlib.sha256(data).hexdigest())
    with atomic_directory(directory) as tmp:
        (tmp / ARTIFACT).write_bytes(data)
        (tmp / CARD).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    clf.card = card
    return directory


def verify_model(directory: Path) -> dict:
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


def load_model(directory: Path) -> Classifier:
    """Load a model folder after checking the artifact against the card's sha256."""
    card = verify_model(directory)
    art_path = Path(directory) / ARTIFACT
    import joblib

    from service.core.classifier import Classifier

    payload = joblib.load(art_path)
    if not isinstance(payload, dict) or payload.get("format") != 1 or "full" not in payload.get("pipelines", {}):
        raise ModelError(f"{art_path}: not a model artifact of this project")
    return Classifier(payload["pipelines"], card, strength=payload.get("strength"))
