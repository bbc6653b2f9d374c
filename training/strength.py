"""Fit the strength models beside the label pipelines (``training.train`` calls ``fit_language``).

Rows with a ``level`` train the ordinal model, attributed rows with a ``sourcing`` the sourcing
classifier; rows without them train the label only, and a language without any gets no
strength model. The "uncertain" threshold on commitment is chosen by cross-validation on the
training split. Defaults were chosen by 5-fold cross-validation on the training split.
"""
from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from service.core.classifier import Classifier
from service.core.strength.features import StrengthCues
from service.core.strength.inputs import inputs_for
from service.core.strength.model import SOURCE_CLASSES, LanguageStrength, marked_levels
from service.core.strength.ordinal import OrdinalLogisticRegression
from service.core.vocabulary import LEVELS, SOURCING

ORDINAL_C = 1.0
CUE_WEIGHT = 3.0
SOURCING_C = 4.0
SOURCING_WEIGHT = 1.0
SOURCING_ALL = True  # the sourcing classifier learns "none" too (else: attributed claims only)
ORDINAL_SKIP = ("src_front_", "src_subject_")  # candidate sources say little about commitment
MIN_ROWS = 10  # fewer rows with a level: no strength model for the language
UNCERTAIN = {"doubted", "possible", "probable"}


def make_models(seed: int = 0) -> tuple[OrdinalLogisticRegression, LogisticRegression]:
    ordinal = OrdinalLogisticRegression(C=ORDINAL_C, order=LEVELS)
    sourcing = LogisticRegression(C=SOURCING_C, class_weight="balanced", max_iter=3000, random_state=seed)
    return ordinal, sourcing


def fit_language(pipe, examples: list, lang: str, mode: str, seed: int = 0, cv_folds: int = 5, jobs: int = 1):
    """(LanguageStrength or None, cross-validated figures) for one language and mode; ``jobs``
    processes run the cross-validation folds (the fitted models stay in this process)."""
    rows = [e for e in examples if e.level and e.label != "none"]
    if len(rows) < MIN_ROWS or len({e.level for e in rows}) < 2:
        return None, {}
    texts = [e.text for e in rows]
    union = Classifier.features(pipe, texts)
    inputs = inputs_for(texts, lang, parsed=list(range(len(texts))) if mode == "full" else [])
    cues = StrengthCues().fit(inputs)
    model = LanguageStrength(cues, None, None, cue_weight=CUE_WEIGHT, sourcing_weight=SOURCING_WEIGHT,
                             ordinal_skip=ORDINAL_SKIP)
    X, Xs = model.matrices(union, inputs)
    levels = np.array([e.level for e in rows])
    wanted = SOURCING if SOURCING_ALL else SOURCE_CLASSES
    src_rows = [i for i, e in enumerate(rows) if e.sourcing in wanted and (SOURCING_ALL or e.label == "attributed")]
    sources = np.array([rows[i].sourcing for i in src_rows])
    ordinal, sourcing = make_models(seed)
    model.ordinal = ordinal.fit(X, levels)
    if len(set(sources)) >= 2:
        model.sourcing = sourcing.fit(Xs[src_rows], sources)
    cv = cross_validate(X, Xs, rows, levels, src_rows, sources, seed, cv_folds, jobs,
                        marked_levels(model.ordinal.classes_, inputs))
    model.threshold = cv.pop("threshold", None)
    return model, cv


def _ordinal_fold(X, levels, marked, train, test, seed: int):
    with threadpool_limits(1):  # the same arithmetic in this process and in a worker
        m = clone(make_models(seed)[0]).fit(X[train], levels[train])
        return "ordinal", test, m.score_and_level(X[test], marked[test])


def _sourcing_fold(Xs, sources, train, test, seed: int):
    with threadpool_limits(1):  # lbfgs's vector sums depend on the BLAS threads
        m = clone(make_models(seed)[1]).fit(Xs[train], sources[train])
        return "sourcing", test, m.predict(Xs[test])


def cross_validate(X, Xs, rows, levels, src_rows, sources, seed: int, cv_folds: int, jobs: int = 1,
                   marked=None) -> dict:
    """Out-of-fold commitment and sourcing on the training split: figures for the card and the
    commitment threshold below which a claim reads as uncertain. ``marked``: the guide's levels
    the service imposes (``model.marked_levels``), applied to the folds' predictions as they are
    to the service's. The folds are independent fits:
    ``jobs`` processes run them, each fold on one BLAS thread, so the figures do not depend on it."""
    codes = np.array([LEVELS.index(lv) for lv in levels])
    folds = min(cv_folds, int(np.bincount(codes).max()))
    if folds < 2:
        return {}
    score, pred = np.zeros(len(rows)), np.empty(len(rows), dtype=object)
    strat = np.array([lv if (levels == lv).sum() >= folds else "rare" for lv in levels])
    marked = np.full(len(rows), -1) if marked is None else np.asarray(marked)
    tasks = [delayed(_ordinal_fold)(X, levels, marked, train, test, seed)
             for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, strat)
             if len(set(levels[train])) >= 2]
    source_pred = dict.fromkeys(range(len(rows)), "none")
    counts = {c: int((sources == c).sum()) for c in set(sources)}
    src_folds = min(folds, min(counts.values())) if len(counts) >= 2 else 0
    if src_folds >= 2:
        Xs = Xs[src_rows]
        tasks += [delayed(_sourcing_fold)(Xs, sources, train, test, seed)
                  for train, test in StratifiedKFold(src_folds, shuffle=True, random_state=seed).split(Xs, sources)]
    for kind, test, result in Parallel(n_jobs=min(jobs, len(tasks)) if jobs > 1 else None)(tasks):
        if kind == "ordinal":
            score[test], pred[test] = result
        else:
            for i, p in zip(test, result):
                source_pred[src_rows[i]] = str(p)
    pred_codes = np.array([LEVELS.index(p) if p else 2 for p in pred])
    out = {"n": len(rows), "level_accuracy": round(float((pred_codes == codes).mean()), 4),
           "level_mae": round(float(np.abs(pred_codes - codes).mean()), 4),
           "spearman": round(float(spearmanr(score, codes).statistic), 4)}
    if src_folds >= 2:
        gold = list(sources)
        predicted = [source_pred[i] for i in src_rows]
        out["sourcing_macro_f1"] = round(float(f1_score(gold, predicted, average="macro")), 4)
    uncertain = np.array([lv in UNCERTAIN or rows[i].sourcing == "vague" for i, lv in enumerate(levels)])
    vague = np.array([source_pred[i] == "vague" for i in range(len(rows))])
    out["threshold"], out["uncertain_f1"] = choose_threshold(score, vague, uncertain)
    return out


def choose_threshold(score: np.ndarray, vague: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """The commitment threshold that maximises the F1 of "uncertain" (commitment below it, or a
    vague source) against the gold "uncertain" (a level below stated, or a vague source); the
    middle of the best plateau, so the choice does not sit on one sentence."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    f1s = np.array([f1_score(gold, (score < t) | vague, zero_division=0) for t in grid])
    best = np.flatnonzero(f1s >= f1s.max() - 1e-9)
    return float(grid[best[len(best) // 2]]), round(float(f1s.max()), 4)
