"""service.core.lean: a fitted pipeline's feature step applied directly gives sklearn's matrix,
bit for bit, and the same probabilities, on the shipped pipelines (every language and mode)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from service.core.lean import lean_checks, transform

SENTENCES = {
    "fr": ["Selon l'OSDH, 20 civils auraient été tués.", "Le club aurait transmis une offre.", "Lire plus :",
           "« Nous n'avons rien vu », a déclaré le maire, Hugo Lemaire, jeudi soir.", "?"],
    "en": ["Officials said the toll could rise.", "The policy has clearly failed.", "Sign up for our newsletter.",
           '"We will not back down," the union leader told reporters on Monday.', "!"],
}


@pytest.mark.parametrize("mode", ["full", "fast"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_same_matrix_and_probabilities_as_sklearn(classifier, lang, mode):
    pipe = classifier.pipelines[mode][lang]
    for batch in ([s] for s in SENTENCES[lang]):  # one sentence a call, as /v1/score gets them
        expected = pipe[:-1].transform(batch)
        with lean_checks():
            got = transform(pipe[:-1], batch)
            proba = pipe[-1].predict_proba(got)
        assert sparse.issparse(got) and got.format == "csr" and got.dtype == expected.dtype
        assert got.shape == expected.shape and (got != expected).nnz == 0
        assert np.array_equal(proba, pipe[-1].predict_proba(expected))
    whole = SENTENCES[lang]
    assert (transform(pipe[:-1], whole) != pipe[:-1].transform(whole)).nnz == 0


def test_weights_dropped_parts_and_dense_unions_follow_sklearn():
    texts = ["alpha beta gamma", "beta gamma delta", "gamma delta epsilon"]
    union = FeatureUnion([("words", TfidfVectorizer()), ("skip", "drop"),
                          ("len", FunctionTransformer(lambda X: np.array([[len(t)] for t in X], dtype=float)))],
                         transformer_weights={"words": 2.0, "len": 0.5}).fit(texts)
    assert (transform(union, texts) != union.transform(texts)).nnz == 0
    dense = FeatureUnion([("a", FunctionTransformer(lambda X: np.ones((len(X), 2)))),
                          ("b", FunctionTransformer(lambda X: np.zeros((len(X), 1))))]).fit(texts)
    assert np.array_equal(transform(dense, texts), dense.transform(texts))
    pipe = Pipeline([("union", union), ("scale", FunctionTransformer(lambda X: X * 3))]).fit(texts)
    assert (transform(pipe, texts) != pipe.transform(texts)).nnz == 0
