"""Sentence -> features, and the scikit-learn pipeline that turns them into a calibrated label.

Word and character n-grams learn the vocabulary of a language; the cue features (from the
lexicons, the conditional mood and the parse) carry what generalises across topics: whether a
reporting verb or a hedge governs the main clause or only a subordinate one.
"""
from __future__ import annotations

import math
from operator import itemgetter

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from service.core.attribution.cue import reports_no_claim_itself
from service.core.attribution.tree import verb_token
from service.core.calibrated import CalibratedLinearClassifier
from service.core.clauses import main_clause_mask, tail_incise_at
from service.core.cues import analyze_cues, quote_spans, starts_with_condition
from service.core.lean import csr_from_dense, tfidf
from service.core.lexicon import SUPPORTED_LANGS, grammar_words, normalise
from service.core.tokens import columns
from service.core.vocabulary import LABELS  # noqa: F401 (re-exported for old artifacts' imports)

CUE_FEATURES = (
    "rv_main", "rv_sub", "rv_main_neutral", "rv_main_endorsing", "rv_main_distancing",
    "rv_main_denial", "rv_main_negated", "rv_after_quote", "rv_first_token", "rv_last_tokens", "rv_tail_incise",
    "according_main", "according_sub", "according_start", "unnamed_main", "unnamed_sub",
    "hedge_main_modal", "hedge_main_forecast", "hedge_main_adverb", "hedge_main_verb",
    "hedge_main_frame", "hedge_sub", "booster",
    "cond_main", "cond_sub", "cond_with_condition_clause", "condition_clause",
    "quote_any", "quote_share", "quote_start", "quote_whole", "quote_unclosed",
    "question", "furniture", "imperative", "no_finite_verb", "colon_prefix", "colon_end",
    "final_stop",
    "first_person", "log_tokens", "short",
)
# First-person words (the author's own voice): lexicons/<lang>/grammar_words.tsv.
_FIRST_PERSON = {lang: grammar_words(lang, "first_person") for lang in SUPPORTED_LANGS}


def sentence_features(text: str, lang: str, doc=None) -> dict[str, float]:
    """The cue features of one sentence, by name (see ``CUE_FEATURES``). Long because it is a flat
    list of independent features, one or two lines each, in ``CUE_FEATURES`` order; each reads the
    same cues, so splitting it would pass them around for nothing."""
    found = analyze_cues(text, lang, doc)
    cues, norm, tokens, quotes = found.cues, found.norm, found.tokens, found.quotes
    f = dict.fromkeys(CUE_FEATURES, 0.0)
    last_quote_end = max((e for _, e in quotes), default=-1)
    for c in cues:
        t, main = c.type, c.main_clause
        if t == "reporting_verb":
            # A wish or an order with an infinitive ("She hopes to return"; guide rule 6), an
            # outbreak ("Un incendie s'est déclaré") or a verb that needs a complement without
            # one ("Le club a dévoilé son maillot") is no reporting verb for the label either.
            verb = verb_token(doc, c.start, c.end) if doc is not None else None
            if verb is not None and reports_no_claim_itself(verb, c.lemma):
                continue
            if main and c.negated:
                f["rv_main_negated"] = 1.0
            elif main:
                f["rv_main"] = 1.0
                f["rv_main_" + (c.stance or "neutral")] = 1.0
                if verb is not None and tail_incise_at(doc, verb.i):  # "P, ont annoncé les autorités"
                    f["rv_tail_incise"] = 1.0
            else:
                f["rv_sub"] = 1.0
            if last_quote_end != -1 and c.start >= last_quote_end:
                f["rv_after_quote"] = 1.0
            if tokens and c.start == tokens[0][1]:
                f["rv_first_token"] = 1.0
            if tokens and c.end >= tokens[max(0, len(tokens) - 4)][1]:
                f["rv_last_tokens"] = 1.0
        elif t == "according_to":
            f["according_main" if main else "according_sub"] = 1.0
            if tokens and c.start <= tokens[min(2, len(tokens) - 1)][1]:
                f["according_start"] = 1.0
        elif t == "unnamed_source":
            f["unnamed_main" if main else "unnamed_sub"] = 1.0
        elif t == "hedge":
            if main:
                f["hedge_main_" + (c.subkind if c.subkind in ("modal", "forecast", "adverb", "verb", "frame") else "adverb")] = 1.0
            else:
                f["hedge_sub"] = 1.0
        elif t == "booster":
            f["booster"] = 1.0
        elif t == "conditional":
            f["cond_main" if main else "cond_sub"] = 1.0
        elif t == "question":
            f["question"] = 1.0
        elif t == "furniture":
            f["furniture"] = 1.0
    if quotes:
        f["quote_any"] = 1.0
        inside = sum(e - s for s, e in quotes)
        f["quote_share"] = inside / max(len(norm.strip()), 1)
        first_char = len(norm) - len(norm.lstrip())
        f["quote_start"] = float(quotes[0][0] <= first_char)
        f["quote_whole"] = float(f["quote_share"] > 0.85)
        f["quote_unclosed"] = float(quotes[-1][1] == len(norm) and norm.rstrip()[-1:] not in "»\u201d\"")
    if starts_with_condition(text):
        f["condition_clause"] = 1.0
        if f["cond_main"] or f["hedge_main_modal"]:
            f["cond_with_condition_clause"] = 1.0
    head = norm[:40]
    f["colon_prefix"] = float(" : " in head or ": " in head[:30])
    f["colon_end"] = float(norm.rstrip().endswith(":"))
    # A sentence that ends in a full stop is written as prose; page furniture rarely is. This
    # keeps short statements ("Il pleut.") apart from short furniture ("Météo").
    f["final_stop"] = float(norm.rstrip(" \t»\"\u201d\u2019')").endswith((".", "!", "…")))
    first_person = _FIRST_PERSON[lang]
    f["first_person"] = float(any(tok in first_person and not any(qs <= s < qe for qs, qe in quotes)
                                  for tok, s, _ in tokens))
    f["log_tokens"] = math.log1p(len(tokens)) / 4.0
    f["short"] = float(len(tokens) <= 4)
    if doc is not None:
        f["no_finite_verb"], f["imperative"] = _verb_facts(doc, lang)
    return f


def _verb_facts(doc, lang: str) -> tuple[float, float]:
    """(no finite verb, imperative root), cached on the parse."""
    facts = doc.user_data.get("verb_facts")
    if facts is None:
        cols = columns(doc)
        finite = any("Fin" in cols.morph(i, "VerbForm") or tag in ("VBD", "VBZ", "VBP", "MD")
                     for i, tag in enumerate(cols.tag))
        root = next((i for i, dep in enumerate(cols.dep) if dep == "ROOT"), None)
        imperative = False
        if root is not None:
            if lang == "fr":
                imperative = "Imp" in cols.morph(root, "Mood")
            else:  # a root's children: the tokens it heads, itself aside
                imperative = (cols.tag[root] == "VB" and root == 0
                              and not any(h == root and j != root and cols.dep[j].startswith("nsubj")
                                          for j, h in enumerate(cols.head)))
        facts = doc.user_data["verb_facts"] = (float(not finite), float(imperative))
    return facts


class CueFeatures(TransformerMixin, BaseEstimator):
    """Cue features of raw sentences of one language.

    ``use_parse`` adds the spaCy parse (main vs subordinate clause, mood); without it the
    transformer is a pure lexicon scan, fast enough for bulk scoring.
    """

    def __init__(self, lang: str = "fr", use_parse: bool = True):
        self.lang = lang
        self.use_parse = use_parse

    def fit(self, X, y=None):
        # Remember the feature set: a saved model keeps working if features are added later.
        self.feature_names_ = tuple(CUE_FEATURES)
        return self

    def transform(self, X):
        check_is_fitted(self, "feature_names_")
        texts = list(X)
        docs = None
        if self.use_parse:
            from service.core.nlp import docs_of

            docs = docs_of(texts, self.lang)
        values = itemgetter(*self.feature_names_)  # a row's values in column order, read at once
        rows = [values(sentence_features(text, self.lang, docs[i] if docs else None)) for i, text in enumerate(texts)]
        return csr_from_dense(np.array(rows, dtype=np.float64).reshape(len(texts), len(self.feature_names_)))

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"cue__{n}" for n in self.feature_names_], dtype=object)


def clause_tokens(doc, quotes) -> list[str]:
    """Lemmas and (POS, dependency) pairs tagged by where they sit: M(ain), S(ubordinate), Q(uote)."""
    out = []
    main = main_clause_mask(doc)
    cols = columns(doc)
    for i, start in enumerate(cols.idx):
        if cols.punct_or_space[i]:
            continue
        if quotes and any(a <= start < b for a, b in quotes):
            tag = "Q"
        else:
            tag = "M" if main[i] else "S"
        out.append(f"{tag}_{cols.lemma[i]}")
        out.append(f"{tag}_{cols.pos[i]}_{cols.dep[i]}")
    return out


def _identity(tokens):
    return tokens


class ClauseWords(TransformerMixin, BaseEstimator):
    """Bag of clause-tagged lemmas from the parse: "said" in the main clause and "said" in a
    relative clause are different features, which is what the labels hinge on."""

    def __init__(self, lang: str = "fr", min_df: int = 2):
        self.lang = lang
        self.min_df = min_df

    def _docs(self, X):
        from service.core.nlp import docs_of

        texts = list(X)
        out = []
        for text, doc in zip(texts, docs_of(texts, self.lang)):
            tokens = doc.user_data.get("clause_tokens")
            if tokens is None:
                tokens = doc.user_data["clause_tokens"] = clause_tokens(doc, quote_spans(normalise(text)))
            out.append(tokens)
        return out

    def fit(self, X, y=None):
        self.vectorizer_ = TfidfVectorizer(analyzer=_identity, min_df=self.min_df, sublinear_tf=True,
                                           dtype=np.float32).fit(self._docs(X))
        return self

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        return tfidf(self.vectorizer_, self._docs(X))

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"clause__{n}" for n in self.vectorizer_.get_feature_names_out()], dtype=object)


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(lowercase=True, preprocessor=_preprocess, token_pattern=r"(?u)\b\w+\b|[«»“”\"?:!]",
                           ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)


def _char_vectorizer(ngram_range=(2, 4)) -> TfidfVectorizer:
    return TfidfVectorizer(lowercase=True, preprocessor=_preprocess, analyzer="char_wb",
                           ngram_range=ngram_range, min_df=2, sublinear_tf=True, max_features=60000,
                           dtype=np.float32)


def _preprocess(text: str) -> str:
    return normalise(text).lower()


def build_pipeline(lang: str, use_parse: bool = True, C: float = 8.0, cue_weight: float = 1.0,
                   char_ngrams: tuple[int, int] | None = (2, 4), seed: int = 0) -> Pipeline:
    """Text -> (word n-grams | char n-grams | cue features [| clause-tagged lemmas]) -> calibrated
    logistic regression. Defaults were chosen by 5-fold cross-validation on the training split."""
    parts = [("words", _word_vectorizer())]
    if char_ngrams:
        parts.append(("chars", _char_vectorizer(char_ngrams)))
    parts.append(("cues", CueFeatures(lang=lang, use_parse=use_parse)))
    if use_parse:
        parts.append(("clause", ClauseWords(lang=lang)))
    weights = {name: (cue_weight if name == "cues" else 1.0) for name, _ in parts}
    features = FeatureUnion(parts, transformer_weights=weights)
    return Pipeline([("features", features), ("clf", CalibratedLinearClassifier(C=C, cv=5, random_state=seed))])


def pipeline_for_mode(lang: str, mode: str, seed: int = 0) -> Pipeline:
    """``full``: everything, including the parse. ``fast``: word n-grams and lexicon cues only,
    for bulk scoring (character n-grams cost more than they bring without the parse)."""
    if mode == "full":
        return build_pipeline(lang, use_parse=True, seed=seed)
    if mode == "fast":
        return build_pipeline(lang, use_parse=False, char_ngrams=None, seed=seed)
    raise ValueError(f"unknown mode {mode!r}")
