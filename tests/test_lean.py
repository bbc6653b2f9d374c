"""service.core.lean: a fitted pipeline's feature step applied directly gives sklearn's matrix,
bit for bit, and the same probabilities, on the shipped pipelines (every language and mode)."""
from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from service.core.lean import csr_from_dense, hstack_dense, lean_checks, transform

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


# --- the TF-IDF weighting, trusted rows and linear predictions ------------------------------------
TEXTS = ["alpha beta gamma", "beta beta gamma delta", "", "gamma delta epsilon alpha", "zeta"]


@pytest.mark.parametrize("options", [
    {"sublinear_tf": True, "dtype": np.float32}, {"norm": "l1"}, {"norm": None, "use_idf": False},
    {"smooth_idf": False, "ngram_range": (1, 2)}, {"binary": True}, {"analyzer": "char_wb", "ngram_range": (2, 3)},
])
def test_tfidf_weighting_is_sklearns_bit_for_bit(options):
    from service.core.lean import tfidf

    vec = TfidfVectorizer(**options).fit(TEXTS)
    for batch in (TEXTS, [TEXTS[1]], [""], ["unseen words only"]):
        got, expected = tfidf(vec, batch), vec.transform(batch)
        assert got.format == "csr" and got.dtype == expected.dtype and got.shape == expected.shape
        assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
        assert np.array_equal(got.data, expected.data)


def test_trusted_rows_only_inside_lean_checks_and_only_when_they_fit():
    from sklearn.linear_model import LogisticRegression

    from service.core.lean import rows_for

    X = sparse.random(40, 6, density=0.5, format="csr", random_state=0)
    model = LogisticRegression().fit(X, np.arange(40) % 2)
    with lean_checks():
        assert rows_for(model, X) is X  # taken as it is
        assert rows_for(model, X.toarray()) is not X  # dense: validated (converted)
        with pytest.raises(ValueError, match="features"):
            rows_for(model, sparse.random(3, 5, density=0.5, format="csr"))
        assert rows_for(model, X, dtype=np.float32).dtype == np.float32  # another dtype: converted
    bad = X.copy()
    bad.data[0] = np.nan
    with lean_checks():
        assert rows_for(model, bad) is bad
    with pytest.raises(ValueError, match="NaN"):  # outside: sklearn's validate_data
        rows_for(model, bad)
    with pytest.raises(ValueError, match="features"):
        rows_for(model, sparse.random(3, 5, density=0.5, format="csr"))


@pytest.mark.parametrize("classes", [2, 4])
def test_linear_predict_is_the_estimators_own(classes):
    from sklearn.linear_model import LogisticRegression

    from service.core.lean import linear_predict

    rng = np.random.RandomState(0)
    X = sparse.csr_matrix(rng.rand(120, 8))
    y = np.array(["a", "b", "c", "d"][:classes])[rng.randint(0, classes, 120)]
    model = LogisticRegression().fit(X, y)
    with lean_checks():
        got = linear_predict(model, X)
    assert got.dtype == model.predict(X).dtype and np.array_equal(got, model.predict(X))


def test_rows_for_converts_what_sklearn_converts():
    """Outside the trusted path, scikit-learn's default: object arrays become numbers."""
    from sklearn.linear_model import LogisticRegression

    from service.core.lean import rows_for

    X = np.arange(12, dtype=float).reshape(6, 2)
    model = LogisticRegression().fit(X, [0, 1] * 3)
    for context in (lean_checks, nullcontext):
        with context():
            assert rows_for(model, X.astype(object)).dtype == np.float64


def _char_vectorizers():
    from service.storage.registry import model_or_active

    clf = model_or_active(None)
    for lang, pipe in clf.pipelines["full"].items():
        for name, part in pipe.steps[0][1].transformer_list:
            if getattr(part, "analyzer", None) == "char_wb":
                yield lang, part


def test_char_ngrams_counted_word_by_word_are_sklearns(monkeypatch):
    """The shipped model's character n-gram counts, word by word, equal sklearn's on corpus
    sentences and on damaged ones (doubled and odd spaces, tabs, stray quotes, notes), also once
    the remembered words overflow."""
    from sklearn.feature_extraction.text import CountVectorizer

    from service.core import lean
    from training.corpus import DEFAULT_TEST, load_files

    corpus = load_files([DEFAULT_TEST])
    found = list(_char_vectorizers())
    assert {lang for lang, _ in found} == {"fr", "en"}
    for lang, vec in found:
        texts = [e.text for e in corpus.by_lang(lang)][:200]
        texts += ["", "  ", "Il  a\tdit\u00a0: « oui » (1)\n\nfin", "\u2009\u202fx\x1cy\x1dz", "L'ONU-Habitat prévoit 3,5 %"]
        expected = CountVectorizer.transform(vec, texts)
        for limit in (lean.MAX_WORDS, 7):
            monkeypatch.setattr(lean, "MAX_WORDS", limit)
            lean._WORD_GRAMS.pop(vec, None)
            got = lean.char_wb_counts(vec, texts)
            assert got.dtype == expected.dtype and got.shape == expected.shape and expected.nnz > 1000
            assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
            assert np.array_equal(got.data, expected.data)
            assert 0 < len(lean._WORD_GRAMS[vec]) <= limit
        for few in ([], ["x"], ["", ""]):  # batch edges: no row, one row, rows without n-grams
            got, want = lean.char_wb_counts(vec, few), CountVectorizer.transform(vec, few)
            assert got.shape == want.shape and (got != want).nnz == 0 and got.indptr.dtype == want.indptr.dtype
        with pytest.raises(ValueError):
            lean.char_wb_counts(vec, "a string")


def test_csr_from_dense_is_scipys_matrix_bit_for_bit():
    rng = np.random.default_rng(3)
    shapes = [(0, 0), (0, 5), (3, 0), (1, 41), (17, 140), (40, 7)]
    for shape in shapes:
        for dtype in (np.float64, np.float32, np.int64):
            mat = (rng.random(shape) * (rng.random(shape) < 0.3) * 5).astype(dtype)
            mat[:1] = -mat[:1]  # negative values and -0.0 are non-zeros as scipy sees them
            got, want = csr_from_dense(mat), sparse.csr_matrix(mat)
            assert got.shape == want.shape and got.dtype == want.dtype
            assert got.indices.dtype == want.indices.dtype and got.indptr.dtype == want.indptr.dtype
            for part in ("data", "indices", "indptr"):
                assert np.array_equal(getattr(got, part), getattr(want, part)), (shape, dtype, part)
            got.check_format(full_check=True)


def test_hstack_dense_is_scipys_stack_bit_for_bit():
    rng = np.random.default_rng(5)
    for n, width, extra in [(0, 4, 3), (1, 0, 5), (3, 6, 0), (1, 25187, 146), (20, 300, 136), (57, 40, 9)]:
        for density in (0.0, 0.05, 0.6):
            left = sparse.random(n, width, density=density, format="csr", random_state=rng)
            if left.nnz:
                left.data[0] = 0.0  # an explicit zero is kept, as scipy keeps it
            mat = rng.random((n, extra)) * (rng.random((n, extra)) < 0.3)
            if n > 1:
                mat[1] = -0.0
            for right in (mat, mat.astype(np.float32)):
                got, want = hstack_dense(left, right), sparse.hstack([left, csr_from_dense(right)], format="csr")
                assert got.shape == want.shape and got.dtype == want.dtype, (n, width, extra)
                assert got.indices.dtype == want.indices.dtype and got.indptr.dtype == want.indptr.dtype
                for part in ("data", "indices", "indptr"):
                    assert np.array_equal(getattr(got, part), getattr(want, part)), (n, width, extra, part)
                got.check_format(full_check=True)


def test_strength_matrices_equal_sparse_column_picking(classifier):
    """``LanguageStrength.matrices`` picks and weights the strength columns on dense rows; the
    result must be what scipy's column indexing and scalar product of the sparse rows give."""
    from service.core.strength.inputs import inputs_for

    texts = ["Le ministre aurait menti, selon une source proche du dossier.", "Il pleut.",
             "Officials said the toll could rise.", "Selon certains, il est indéniable que tout va mal."]
    model = classifier.strength.models["full"]["fr"]
    scored = classifier.score(texts, "fr")
    rows, union = scored.features["full"]
    inputs = inputs_for(texts, "fr", rows)
    X, Xs = model.matrices(union, inputs)
    cues = model.cues.transform(inputs)
    keep = [i for i, n in enumerate(model.cues.feature_names_) if not n.startswith(model.ordinal_skip)]
    for got, want in ((X, sparse.hstack([union, cues[:, keep] * model.cue_weight], format="csr")),
                      (Xs, sparse.hstack([union, cues * model.sourcing_weight], format="csr"))):
        assert got.shape == want.shape and (got != want).nnz == 0
        assert np.array_equal(got.indptr, want.indptr) and np.array_equal(got.data, want.data)


def _word_vectorizers():
    """The shipped model's word n-gram and clause-word vectorizers (full and fast pipelines)."""
    from service.storage.registry import model_or_active

    clf = model_or_active(None)
    for mode, pipes in clf.pipelines.items():
        for lang, pipe in pipes.items():
            for name, part in pipe.steps[0][1].transformer_list:
                vec = getattr(part, "vectorizer_", part)  # ClauseWords holds its vectorizer
                if isinstance(vec, TfidfVectorizer) and vec.analyzer != "char_wb":
                    yield lang, name, vec


def test_word_counts_are_sklearns_bit_for_bit():
    """The shipped word and clause-word counts equal sklearn's on corpus sentences and damaged
    ones, batch by batch and one sentence at a time; the word analyzer is the pairwise one."""
    from sklearn.feature_extraction.text import CountVectorizer

    from service.core import lean
    from service.core.features import ClauseWords
    from training.corpus import DEFAULT_TEST, load_files

    corpus = load_files([DEFAULT_TEST])
    found = list(_word_vectorizers())
    assert {(lang, name) for lang, name, _ in found} >= {("fr", "words"), ("en", "words"), ("fr", "clause")}
    for lang, name, vec in found:
        texts = [e.text for e in corpus.by_lang(lang)][:150]
        texts += ["", "  ", "Il  a\tdit\u00a0: « oui » (1)\n\nfin", "\u2009\u202fx\x1cy\x1dz", "L'ONU-Habitat prévoit 3,5 %"]
        if name == "clause":
            texts = ClauseWords(lang=lang)._docs(texts)
        else:
            assert lean._word_analyzer(vec).__name__ == "analyze"  # the pairwise bigrams, not sklearn's
        for batch in [texts] + [[t] for t in texts[:20]] + [[]]:
            got, want = lean.vocab_counts(vec, batch), CountVectorizer.transform(vec, batch)
            assert got.dtype == want.dtype and got.shape == want.shape
            assert got.indptr.dtype == want.indptr.dtype and got.indices.dtype == want.indices.dtype
            for part in ("indptr", "indices", "data"):
                assert np.array_equal(getattr(got, part), getattr(want, part)), (lang, name, part)
        assert lean.vocab_counts(vec, texts).nnz > 500


@pytest.mark.parametrize("options", [
    {"ngram_range": (1, 1)}, {"ngram_range": (1, 3)}, {"ngram_range": (2, 2)}, {"ngram_range": (1, 2)},
    {"ngram_range": (1, 2), "stop_words": ["beta"]}, {"ngram_range": (1, 2), "binary": True},
    {"analyzer": str.split}, {"ngram_range": (1, 2), "lowercase": False, "token_pattern": r"\S+"},
])
def test_word_counts_follow_every_analyzer_option(options):
    from sklearn.feature_extraction.text import CountVectorizer

    from service.core.lean import vocab_counts

    vec = TfidfVectorizer(**options).fit(TEXTS)
    for batch in (TEXTS, [TEXTS[1]], [""], ["Beta beta gamma unseen"], []):
        got, want = vocab_counts(vec, batch), CountVectorizer.transform(vec, batch)
        assert got.shape == want.shape and got.dtype == want.dtype
        for part in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(got, part), getattr(want, part))
    with pytest.raises(ValueError):
        vocab_counts(vec, "a string")
