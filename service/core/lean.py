"""A fitted pipeline's feature step, applied without scikit-learn's per-call machinery.

For one sentence, ``FeatureUnion.transform`` spends more time in joblib's dispatch, metadata
routing and parameter validation than in the features themselves (about 2 ms of an 8 ms
``/v1/score`` call). ``transform`` gives the same matrix, bit for bit (sklearn's own rule: each
part times its weight, sparse parts stacked to CSR), calling each transformer directly;
``lean_checks`` skips the parameter validation and finiteness scans that fitted estimators repeat
on every call (our feature rows are finite by construction). The golden outputs
(tests/test_golden.py) and tests/test_lean.py hold the equality.

    X = transform(pipe[:-1], ["Le club aurait transmis une offre."])
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import sklearn
from scipy import sparse
from sklearn.pipeline import FeatureUnion, Pipeline

ENABLED = True  # False: sklearn's own path (bench/bench_score.py measures both in one run)


def transform(step, X):
    """``step.transform(X)`` for a fitted Pipeline, FeatureUnion or transformer."""
    if not ENABLED:
        return step.transform(X)
    if isinstance(step, Pipeline):
        for _, part in step.steps:
            if part not in (None, "passthrough"):
                X = transform(part, X)
        return X
    if isinstance(step, FeatureUnion):
        weights = step.transformer_weights or {}
        parts = []
        for name, part in step.transformer_list:
            if part == "drop":
                continue
            if part == "passthrough":
                return step.transform(X)  # not used by our pipelines: leave it to sklearn
            Xt = transform(part, X)
            weight = weights.get(name)
            parts.append(Xt if weight is None else Xt * weight)
        if any(sparse.issparse(p) for p in parts):
            return sparse.hstack(parts).tocsr()
        return np.hstack(parts)
    return step.transform(X)


@contextmanager
def lean_checks():
    if not ENABLED:
        yield
        return
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        yield
