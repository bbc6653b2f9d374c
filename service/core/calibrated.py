"""A calibrated linear classifier whose prediction is a few matrix products.

``CalibratedClassifierCV(LogisticRegression, method="sigmoid")`` gives well-calibrated scores,
but each call runs input validation for every fold and every class (dozens of checks), which
dominates the cost of scoring one sentence over HTTP. This estimator fits exactly that model,
keeps its coefficients and sigmoid parameters as arrays, and reproduces its ``predict_proba``
arithmetic (tested against scikit-learn's own output).
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from service.core.lean import rows_for


class CalibratedLinearClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression, sigmoid-calibrated per class on ``cv`` folds (probabilities averaged)."""

    def __init__(self, C: float = 8.0, cv: int = 5, class_weight="balanced", max_iter: int = 3000,
                 random_state: int = 0):
        self.C = C
        self.cv = cv
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X, y):
        X, y = validate_data(self, X, y, accept_sparse="csr")
        check_classification_targets(y)
        base = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight,
                                  random_state=self.random_state)
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        calibrated = CalibratedClassifierCV(base, method="sigmoid", cv=folds).fit(X, y)
        self.classes_ = calibrated.classes_
        self.folds_ = []
        self.n_iter_ = np.max([m.estimator.n_iter_ for m in calibrated.calibrated_classifiers_], axis=0)
        for member in calibrated.calibrated_classifiers_:
            est = member.estimator
            index = np.searchsorted(self.classes_, est.classes_)
            coef, intercept = est.coef_, est.intercept_
            a = np.array([c.a_ for c in member.calibrators], dtype=np.float64)
            b = np.array([c.b_ for c in member.calibrators], dtype=np.float64)
            self.folds_.append((coef.astype(np.float64), intercept.astype(np.float64), a, b, index))
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "folds_")
        X = rows_for(self, X)  # one check, not one per fold
        n, k = X.shape[0], len(self.classes_)
        total = np.zeros((n, k))
        for coef, intercept, a, b, index in self.folds_:
            decision = np.asarray(X @ coef.T) + intercept  # (n, classes of the fold) or (n, 1) when binary
            proba = np.zeros((n, k))
            if k == 2:
                proba[:, 1] = expit(-(a[0] * decision[:, 0] + b[0]))
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                proba[:, index] = expit(-(a * decision + b))
                denominator = proba.sum(axis=1, keepdims=True)
                proba = np.divide(proba, denominator, out=np.full_like(proba, 1 / k), where=denominator != 0)
            proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
            total += proba
        return total / len(self.folds_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "folds_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
