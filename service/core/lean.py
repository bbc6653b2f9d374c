"""A fitted pipeline's feature step and linear models, applied without scikit-learn's per-call
machinery.

For one sentence, ``FeatureUnion.transform`` spends more time in joblib's dispatch, metadata
routing and parameter validation than in the features themselves, and every ``check_array``
first asks narwhals whether its input is a dataframe (about 0.1 ms a call, ten calls a
``/v1/score`` request). ``transform`` gives the same matrix, bit for bit (sklearn's own rule:
each part times its weight, sparse parts stacked to CSR), calling each transformer directly, and
a TF-IDF vectorizer's weighting directly on sklearn's counts (``tfidf``; character n-grams
counted word by word, each word once, ``char_wb_counts``; words and clause words a document at
once, ``vocab_counts``); ``lean_checks`` skips
the parameter validation and finiteness scans that fitted estimators repeat on every call, and
lets our own estimators take the CSR rows our feature step built as they are (``rows_for``).
The golden outputs (tests/test_golden.py) and tests/test_lean.py hold the equality.

    X = transform(pipe[:-1], ["Le club aurait transmis une offre."])
"""
from __future__ import annotations

import weakref
from array import array
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l1, inplace_csr_row_normalize_l2
from sklearn.utils.validation import validate_data

ENABLED = True  # False: sklearn's own path (bench/bench_score.py measures both in one run)
_TRUSTED: ContextVar[bool] = ContextVar("lean_trusted", default=False)
_NORMALIZE = {"l2": inplace_csr_row_normalize_l2, "l1": inplace_csr_row_normalize_l1, None: None}


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
            parts.append(Xt if weight is None or weight == 1 else Xt * weight)  # x * 1.0 is x
        if any(sparse.issparse(p) for p in parts):
            return sparse.hstack(parts).tocsr()
        return np.hstack(parts)
    if type(step) is TfidfVectorizer:
        return tfidf(step, X)
    return step.transform(X)


def tfidf(vec: TfidfVectorizer, docs):
    """``vec.transform(docs)``: sklearn's counts, then ``TfidfTransformer.transform``'s
    arithmetic in its order (sublinear tf, idf, row norm by sklearn's own in-place routine)
    without its two input checks."""
    if not ENABLED or vec.norm not in _NORMALIZE or vec.binary:
        return vec.transform(docs)
    if _by_word(vec):
        X = char_wb_counts(vec, docs)
    elif _fitted_words(vec):
        X = vocab_counts(vec, docs)
    else:
        X = CountVectorizer.transform(vec, docs)
    if not (sparse.issparse(X) and X.format == "csr" and X.dtype in (np.float32, np.float64)):
        return vec._tfidf.transform(X, copy=False)  # an unusual dtype: sklearn converts it
    if vec.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    if vec.use_idf:
        X.data *= vec.idf_[X.indices]
    if _NORMALIZE[vec.norm] is not None:
        _NORMALIZE[vec.norm](X)
    return X


def _by_word(vec) -> bool:
    return vec.analyzer == "char_wb" and vec.input == "content" and getattr(vec, "vocabulary_", None) is not None


def _fitted_words(vec) -> bool:
    return ((vec.analyzer == "word" or callable(vec.analyzer)) and vec.input == "content"
            and isinstance(getattr(vec, "vocabulary_", None), dict))


def vocab_counts(vec, docs):
    """``CountVectorizer.transform(vec, docs)`` for ``analyzer="word"`` or a callable one: each
    document's features looked up and counted at once (``Counter``, in C) instead of sklearn's
    loop a feature at a time, and a word analyzer's bigrams made by one ``zip`` (the counts do
    not depend on the order the features come in: the columns are sorted at the end, as sklearn
    sorts them).

        vocab_counts(vec, ["Il a plu."]) equals vec's own counts, bit for bit
    """
    if isinstance(docs, str):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    vocabulary, analyze = vec.vocabulary_, _word_analyzer(vec)
    indices: list[int] = []
    values, indptr = array("i"), [0]
    for doc in docs:
        counts = Counter(map(vocabulary.get, analyze(doc)))
        counts.pop(None, None)  # out of the vocabulary
        indices.extend(counts.keys())
        values.extend(counts.values())
        indptr.append(len(indices))
    index = _index_dtype(indptr[-1])
    X = sparse.csr_matrix((np.frombuffer(values, dtype=np.intc), np.asarray(indices, dtype=index),
                           np.asarray(indptr, dtype=index)), shape=(len(indptr) - 1, len(vocabulary)), dtype=vec.dtype)
    X.sort_indices()
    if vec.binary:
        X.data.fill(1)
    return X


def _word_analyzer(vec):
    """``vec.build_analyzer()``; for unigrams and bigrams without stop words, the same features
    (as a multiset) with the bigrams joined pairwise."""
    if vec.analyzer != "word" or vec.ngram_range != (1, 2) or vec.get_stop_words() is not None:
        return vec.build_analyzer()
    decode, preprocess, tokenize = vec.decode, vec.build_preprocessor(), vec.build_tokenizer()

    def analyze(doc):
        words = tokenize(preprocess(decode(doc)))
        return words + list(map(" ".join, zip(words, words[1:])))

    return analyze


# vectorizer -> word -> the columns of its n-grams (a column once per occurrence), about 150 bytes a word
_WORD_GRAMS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_INT_SIZE = np.dtype(np.intc).itemsize  # bytes of one column in a word's array("i")
MAX_WORDS = 20_000  # words remembered per vectorizer (a few MB); the memory starts again past this


def char_wb_counts(vec, docs):
    """``CountVectorizer.transform(vec, docs)`` for ``analyzer="char_wb"``: its n-grams never cross
    a word's edge, so a document's counts are the sum of its words' counts, and each word's are
    looked up once (sklearn's own ``_char_wb_ngrams`` makes them) instead of in every sentence.

        char_wb_counts(vec, ["Il a plu."]) equals vec's own counts, bit for bit
    """
    if isinstance(docs, str):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    memo = _WORD_GRAMS.setdefault(vec, {})
    vocabulary, preprocess = vec.vocabulary_, vec.build_preprocessor()

    def columns(word: str):
        found = memo.get(word)
        if found is None:
            if len(memo) >= MAX_WORDS:
                memo.clear()
            found = memo[word] = array("i", [c for c in map(vocabulary.get, vec._char_wb_ngrams(word))
                                             if c is not None])
        return found

    # Each document's columns, one occurrence each, as the bytes of its words' int arrays; then
    # counted for the whole batch at once: (row, column) pairs sorted, equal ones counted.
    grams = [b"".join(map(columns, vec._white_spaces.sub(" ", preprocess(vec.decode(doc))).split()))
             for doc in docs]
    n, width = len(grams), len(vocabulary)
    cols = np.frombuffer(b"".join(grams), dtype=np.intc).astype(np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), [len(g) // _INT_SIZE for g in grams])
    pairs, counts = np.unique(rows * max(width, 1) + cols, return_counts=True)
    index = np.int32 if len(pairs) <= np.iinfo(np.int32).max else np.int64  # as sklearn chooses
    indptr = np.zeros(n + 1, dtype=index)
    np.cumsum(np.bincount(pairs // max(width, 1), minlength=n), out=indptr[1:])
    X = sparse.csr_matrix((counts.astype(np.intc), (pairs % max(width, 1)).astype(index), indptr),
                          shape=(n, width), dtype=vec.dtype)
    X.sort_indices()
    if vec.binary:
        X.data.fill(1)
    return X


def _index_dtype(*sizes: int):
    return np.int32 if max(sizes, default=0) <= np.iinfo(np.int32).max else np.int64


def csr_from_dense(mat):
    """``sparse.csr_matrix(mat)`` for a 2-D array: its non-zeros row by row, without scipy's
    detour through a COO matrix (a request's few rows cost half as much).

        csr_from_dense(np.array([[0.0, 2.0]])) equals sparse.csr_matrix(...) bit for bit
    """
    mat = np.asarray(mat)
    if not (ENABLED and mat.ndim == 2):
        return sparse.csr_matrix(mat)
    rows, cols = np.nonzero(mat)
    index = _index_dtype(len(rows), *mat.shape)
    indptr = np.zeros(mat.shape[0] + 1, dtype=index)
    np.cumsum(np.bincount(rows, minlength=mat.shape[0]), out=indptr[1:])
    return sparse.csr_matrix((mat[rows, cols], cols.astype(index), indptr), shape=mat.shape)


def hstack_dense(csr, mat):
    """``sparse.hstack([csr, csr_from_dense(mat)], format="csr")`` built at once: each row's
    entries of ``csr``, then its non-zeros of ``mat`` (scipy's stacking costs about 60 µs a call,
    twice a request, for the strength models' few rows).

        hstack_dense(csr_matrix([[1.0, 0.0]]), np.array([[0.0, 2.0]])) equals scipy's bit for bit
    """
    mat = np.asarray(mat)
    if not (ENABLED and sparse.issparse(csr) and csr.format == "csr" and mat.ndim == 2
            and mat.shape[0] == csr.shape[0]):
        return sparse.hstack([csr, csr_from_dense(mat)], format="csr")
    n, width = csr.shape
    rows, cols = np.nonzero(mat)
    index = _index_dtype(csr.nnz + len(rows), n, width + mat.shape[1])
    indptr = np.zeros(n + 1, dtype=index)
    np.cumsum(np.diff(csr.indptr) + np.bincount(rows, minlength=n), out=indptr[1:])
    data = np.empty(indptr[-1], dtype=np.result_type(csr.dtype, mat.dtype))
    indices = np.empty(indptr[-1], dtype=index)
    # A row's entries of csr move down by the non-zeros of mat in the rows above it; the k-th
    # non-zero of mat (row-major) lands after its row's csr entries: k + csr.indptr[row + 1].
    shift = indptr[:-1] - csr.indptr[:-1]
    at = np.arange(csr.nnz) + np.repeat(shift, np.diff(csr.indptr))
    data[at], indices[at] = csr.data, csr.indices
    at = np.arange(len(rows)) + csr.indptr[1:][rows]
    data[at], indices[at] = mat[rows, cols], cols + width
    return sparse.csr_matrix((data, indices, indptr), shape=(n, width + mat.shape[1]))


def rows_for(estimator, X, dtype="numeric"):
    """``validate_data(estimator, X, accept_sparse="csr", reset=False, dtype=dtype)``, except
    inside ``lean_checks`` for a numeric CSR matrix of the fitted width (and of ``dtype``, when
    one is asked): rows our feature step built, taken as they are."""
    if (_TRUSTED.get() and sparse.issparse(X) and X.format == "csr"
            and X.shape[1] == getattr(estimator, "n_features_in_", None)
            and (X.dtype.kind in "biuf" if isinstance(dtype, str) and dtype == "numeric" else X.dtype == dtype)):
        return X
    return validate_data(estimator, X, accept_sparse="csr", reset=False, dtype=dtype)


def linear_predict(estimator, X) -> np.ndarray:
    """``estimator.predict(X)`` for a fitted scikit-learn linear classifier, with ``rows_for``'s
    check: ``LinearClassifierMixin``'s decision function and class choice."""
    if not (ENABLED and _TRUSTED.get() and hasattr(estimator, "coef_")):
        return estimator.predict(X)
    X = rows_for(estimator, X)
    scores = np.asarray(X @ estimator.coef_.T) + estimator.intercept_
    if scores.shape[1] == 1:
        return estimator.classes_[(scores.ravel() > 0).astype(int)]
    return estimator.classes_[scores.argmax(axis=1)]


@contextmanager
def lean_checks():
    if not ENABLED:
        yield
        return
    token = _TRUSTED.set(True)
    try:
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            yield
    finally:
        _TRUSTED.reset(token)
