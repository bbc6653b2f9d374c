"""An ordinal classifier: proportional-odds (all-threshold) logistic regression.

One weight vector ``w`` and increasing thresholds ``theta_k``: P(y > k) = sigmoid(w.x - theta_k).
It is fitted as one binary logistic regression on K-1 copies of the data, copy k asking "is y
above class k?" with its own threshold column (Li & Lin, 2007), so scikit-learn's (liblinear)
solver does the work: deterministic, sparse-friendly, and L2-regularised like the label model.

Because every class boundary shares ``w``, the latent score ``w.x`` orders sentences, and both
``predict_score`` (the expected class index scaled to 0..1) and the level ``score_and_level``
gives are increasing functions of it: a number that orders sentences within and across classes,
consistent with the level. That level is the median class, the interval between thresholds that
holds the score (P(y > k) >= 0.5 exactly for the boundaries below it). ``predict`` keeps
scikit-learn's contract (the most probable class, argmax of ``predict_proba``), which a wide
middle class distorts: "stated" spans about 7 logits and would take scores below its lower
threshold ("The strike is likely to disrupt flights": 0.65 against a boundary at 0.86).
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from service.core.lean import rows_for


class OrdinalLogisticRegression(ClassifierMixin, BaseEstimator):
    """Proportional-odds logistic regression.

    ``order``: the classes from lowest to highest (default: sorted). ``threshold_scale``: the
    threshold columns' value; a large one leaves the thresholds almost unpenalised."""

    def __init__(self, C: float = 1.0, order=None, class_weight=None, threshold_scale: float = 10.0,
                 max_iter: int = 1000, tol: float = 1e-4):
        self.C = C
        self.order = order
        self.class_weight = class_weight
        self.threshold_scale = threshold_scale
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y):
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64)
        check_classification_targets(y)
        present = np.unique(y)
        if self.order is None:
            self.classes_ = present
        else:
            self.classes_ = np.asarray(list(self.order))
            unknown = np.setdiff1d(present, self.classes_)
            if unknown.size:
                raise ValueError(f"classes {unknown.tolist()} are not in order={list(self.order)}")
        if present.size < 2:
            raise ValueError(f"this solver needs samples of at least 2 classes; got one class: {present[0]!r}")
        codes = np.searchsorted(self.classes_, y) if self.order is None else \
            np.array([list(self.classes_).index(v) for v in y])
        k = len(self.classes_)
        weights = np.ones(len(y))
        if self.class_weight is not None:
            used = np.unique(codes)
            cw = compute_class_weight(self.class_weight, classes=used, y=codes)
            weights = cw[np.searchsorted(used, codes)]
        X = sparse.csr_matrix(X)
        blocks, targets = [], []
        for j in range(k - 1):
            col = sparse.csr_matrix((np.full(X.shape[0], self.threshold_scale),
                                     (np.arange(X.shape[0]), np.full(X.shape[0], j))), shape=(X.shape[0], k - 1))
            blocks.append(sparse.hstack([X, col], format="csr"))
            targets.append(codes > j)
        Xe, ye = sparse.vstack(blocks, format="csr"), np.concatenate(targets)
        # liblinear's trust-region Newton solver: deterministic, and fast on sparse n-grams
        lr = LogisticRegression(C=self.C, fit_intercept=False, solver="liblinear", max_iter=self.max_iter,
                                tol=self.tol, random_state=0)
        lr.fit(Xe, ye, sample_weight=np.tile(weights, k - 1))
        coef = lr.coef_[0]
        self.coef_ = coef[:X.shape[1]].copy()
        # sigmoid(w.x + s*c_j) = sigmoid(w.x - theta_j); forced increasing so probabilities are >= 0
        self.thresholds_ = np.maximum.accumulate(-self.threshold_scale * coef[X.shape[1]:])
        self.n_iter_ = np.asarray(lr.n_iter_, dtype=np.int32).reshape(-1)
        return self

    def latent(self, X) -> np.ndarray:
        """The score w.x that orders sentences."""
        check_is_fitted(self, "coef_")
        X = rows_for(self, X, dtype=np.float64)
        return np.asarray(X @ self.coef_).reshape(-1)

    def cumulative_proba(self, X) -> np.ndarray:
        """P(y > class k) for k = 0 .. K-2, one row per sample."""
        return self._above(self.latent(X))

    def _above(self, z: np.ndarray) -> np.ndarray:
        return expit(z[:, None] - self.thresholds_[None, :])

    def predict_proba(self, X) -> np.ndarray:
        return self._class_proba(self.cumulative_proba(X))

    @staticmethod
    def _class_proba(above: np.ndarray) -> np.ndarray:
        n = above.shape[0]
        upper = np.hstack([np.ones((n, 1)), above])
        lower = np.hstack([above, np.zeros((n, 1))])
        return np.clip(upper - lower, 0.0, 1.0)

    def predict(self, X) -> np.ndarray:
        """The most probable class (scikit-learn's contract with ``predict_proba``); the service's
        level is ``score_and_level``'s median class."""
        proba = self.predict_proba(X)  # checks that the model is fitted
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_score(self, X) -> np.ndarray:
        """The expected class index, scaled to 0..1 (0: surely the lowest class)."""
        return self.cumulative_proba(X).mean(axis=1)

    def score_and_level(self, X, fixed=None) -> tuple[np.ndarray, np.ndarray]:
        """``(predict_score(X), the median class)`` from one pass over X. The class is the number of
        thresholds the latent score reaches: a score of 0.65 with thresholds [-1.19, 0.86] is
        the second of three classes. ``fixed``: per row, a class index the row must get, or -1
        (``within``)."""
        check_is_fitted(self, "coef_")
        z = self.latent(X)
        if fixed is not None:
            z = self.within(z, np.asarray(fixed))
        above = self._above(z)
        return above.mean(axis=1), self.classes_[np.count_nonzero(above >= 0.5, axis=1)]

    def within(self, z: np.ndarray, codes: np.ndarray, margin: float = 1.0) -> np.ndarray:
        """Latent scores moved inside the interval of class ``codes[i]`` (-1: left alone), so that
        a class decided elsewhere keeps the score consistent with it. A score already inside
        stays; one above (below) goes under the upper (over the lower) threshold, by at most
        ``margin`` or half the interval, still increasing with the score it had: the order among
        the moved ones is kept."""
        theta = self.thresholds_
        lo = np.where(codes > 0, theta[np.clip(codes - 1, 0, len(theta) - 1)], -np.inf)
        hi = np.where((codes >= 0) & (codes < len(theta)), theta[np.clip(codes, 0, len(theta) - 1)], np.inf)
        gap = np.where(np.isfinite(hi - lo), (hi - lo) / 2, margin)
        step = np.minimum(margin, gap)
        out = z.copy()
        over = (codes >= 0) & (z >= hi)
        under = (codes >= 0) & (z < lo)
        # step / (1 + distance) shrinks as the distance grows: the farther out, the nearer the edge
        out[over] = hi[over] - step[over] / (1 + np.minimum(z[over] - hi[over], 1e6))
        out[under] = lo[under] + step[under] / (1 + np.minimum(lo[under] - z[under], 1e6))
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # One direction for all classes: an ordinal model, not a general multi-class one, so it
        # cannot reach check_estimator's accuracy on unordered blobs.
        tags.classifier_tags.poor_score = True
        return tags
