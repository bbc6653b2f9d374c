"""Evaluation figures: per-label precision/recall/F1, macro-F1, accuracy, confusion, calibration."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from service.core.vocabulary import LABELS


def classification_report(y_true, y_pred, proba=None, labels=LABELS) -> dict:
    labels = list(labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out = {
        "n": int(len(y_true)),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4) if len(y_true) else 0.0,
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
        "per_label": {lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                            "f1": round(float(f[i]), 4), "support": int(s[i])}
                      for i, lab in enumerate(labels)},
        "confusion": {"labels": labels,
                      "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()},
    }
    if proba is not None:
        out["calibration"] = calibration(y_true, np.asarray(proba), labels)
    return out


def calibration(y_true, proba: np.ndarray, labels=LABELS, n_bins: int = 10) -> dict:
    """Multi-class Brier score and expected calibration error of the top label."""
    labels = list(labels)
    idx = np.array([labels.index(y) for y in y_true])
    onehot = np.zeros_like(proba)
    onehot[np.arange(len(idx)), idx] = 1.0
    brier = float(np.mean(np.sum((proba - onehot) ** 2, axis=1))) if len(idx) else 0.0
    conf = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == idx).astype(float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ece, bins = 0.0, []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        if not mask.any():
            continue
        acc, c = float(correct[mask].mean()), float(conf[mask].mean())
        ece += mask.mean() * abs(acc - c)
        bins.append({"range": [round(float(lo), 2), round(float(hi), 2)], "n": int(mask.sum()),
                     "confidence": round(c, 4), "accuracy": round(acc, 4)})
    return {"brier": round(brier, 4), "ece": round(float(ece), 4), "bins": bins}
