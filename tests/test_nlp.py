import pytest
import spacy

from service.core.lexicon import normalise
from service.core.nlp import SPACY_MODELS, get_nlp
from training.corpus import DEFAULT_TEST, load_files


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lemma_index_as_sets_keeps_every_lemma(lang):
    """The set-based lemma index (a speed-up) must give exactly spaCy's own lemmas."""
    nlp = get_nlp(lang)
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert table and all(isinstance(words, frozenset) for words in table.values())
    stock = spacy.load(SPACY_MODELS[lang], exclude=["ner"])
    assert all(isinstance(words, list) for words in stock.get_pipe("lemmatizer").lookups.get_table("lemma_index").values())
    texts = [normalise(e.text) for e in load_files([DEFAULT_TEST]).by_lang(lang)][:300]
    ours = [[t.lemma_ for t in doc] for doc in nlp.pipe(texts)]
    theirs = [[t.lemma_ for t in doc] for doc in stock.pipe(texts)]
    assert ours == theirs
