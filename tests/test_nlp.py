import pytest
import spacy

from service.core.attribute_rules import DirectAnnotations, TableMatcher, _condition, _token_test, match_by_table
from service.core.lexicon import normalise
from service.core.nlp import SPACY_MODELS, get_nlp
from training.corpus import DEFAULT_TEST, DEFAULT_TRAIN, load_files


def _reading(doc) -> list[tuple]:
    """Every token attribute the service reads."""
    return [(t.text, t.idx, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i, str(t.morph), t.is_punct, t.is_space,
             t.like_num, t.is_stop, t.lower_) for t in doc]


# Forms the attribute ruler's several-token, regex and dependency rules are about.
CONTRACTIONS = ["I ain't gonna say it, y'all.", "Let's go, c'mon!", "There is a cat. There's a dog.",
                "He gets it and got it.", "Nothin' works.", "Give it to me and you.", "They do have it.",
                "It was him, not me; he didn't know whether to do it.", "What's that?  Who did it?\n\nNo."]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lean_pipeline_parses_like_spacys_own(lang):
    """The service's pipeline leaves out the model's string table, indexes the lemmatizer's words
    as sets and multiplies with numpy rather than BLIS (savings in memory and time); it must parse
    exactly as spaCy's own does."""
    nlp = get_nlp(lang)
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert table and all(isinstance(words, frozenset) for words in table.values())
    assert not nlp.get_pipe("tok2vec").model.ops.use_blis  # numpy's matmul: faster, same parses
    from threadpoolctl import threadpool_info

    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
    stock = spacy.load(SPACY_MODELS[lang], exclude=["ner"])
    assert stock.get_pipe("tok2vec").model.ops.use_blis
    assert isinstance(nlp.get_pipe("attribute_ruler").match, TableMatcher)
    assert isinstance(nlp.get_pipe("attribute_ruler").set_annotations, DirectAnnotations)
    assert all(isinstance(words, list) for words in stock.get_pipe("lemmatizer").lookups.get_table("lemma_index").values())
    assert len(stock.vocab.strings) > 80000 > 20000 > len(get_nlp.__wrapped__(lang).vocab.strings)
    texts = [normalise(e.text) for e in load_files([DEFAULT_TEST]).by_lang(lang)][:300]
    texts += ["Xqzvb wrtpl a déclaré que l'ONU-Habitat prévoit 3,5 % de hausse d'ici 2030 (1).", "« Non », dit-il."]
    texts += CONTRACTIONS
    ours = [_reading(doc) for doc in nlp.pipe(texts)]
    theirs = [_reading(doc) for doc in stock.pipe(texts)]
    assert ours == theirs


@pytest.mark.parametrize("endpoint", ["analyze", "score"])
def test_each_sentence_is_parsed_once(classifier, monkeypatch, endpoint):
    """The analysis hands its parses to the features, the attributions and the strength model
    (``ParsedText``): with the parse cache off, spaCy still sees each sentence once, and never
    the plain statement the triage leaves to the fast model."""
    from service.core import nlp as nlp_module
    from service.core.analysis import analyze
    from service.web.tasks import score_task

    monkeypatch.setattr(nlp_module, "CACHE_SIZE", 0)
    nlp_module.clear_cache()
    nlp = get_nlp("fr")
    seen = []
    real_pipe = nlp.pipe

    def counting_pipe(texts, **kwargs):
        texts = list(texts)
        seen.extend(texts)
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", counting_pipe)
    sentences = ["Le ministre a déclaré que la réforme serait retirée.", "Selon la police, il pourrait pleuvoir.",
                 "L'usine a fermé lundi."]
    if endpoint == "analyze":
        result = analyze(classifier, " ".join(sentences), "fr")
        assert [s["text"] for s in result["sentences"]] == sentences
        assert all("strength" in s for s in result["sentences"])
    else:
        from service.core.deadline import NO_DEADLINE

        result = score_task(classifier, {"sentences": sentences, "lang": "fr", "mode": "full"}, NO_DEADLINE)
        assert all("strength" in r for r in result["results"])
    assert classifier.plan(sentences, "fr").fast == [2]
    assert sorted(seen) == sorted(sentences[:2])


def test_parsed_text_is_its_string():
    from service.core.nlp import ParsedText, docs_of

    doc = get_nlp("en")("It rained.")
    text = ParsedText.of("It rained.", doc)
    assert text == "It rained." and text.doc is doc
    assert docs_of([text], "en")[0] is doc
    assert [t.text for t in docs_of(["It rained."], "en")[0]] == ["It", "rained", "."]
    import pickle

    assert type(pickle.loads(pickle.dumps(text))) is str  # a Doc never travels to another process


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_table_matcher_gives_the_attribute_rulers_matches(lang):
    """Every corpus sentence (and the contractions): the table gives the very matches, in the
    very order, that spaCy's Matcher gives the ruler."""
    nlp = get_nlp(lang)
    ruler = nlp.get_pipe("attribute_ruler")
    table = ruler.match
    stock = type(ruler).match.__get__(ruler)
    corpus = load_files([DEFAULT_TRAIN, DEFAULT_TEST]).by_lang(lang)
    texts = [normalise(e.text) for e in corpus] + CONTRACTIONS
    docs = list(nlp.pipe(texts, disable=["attribute_ruler", "lemmatizer"]))
    assert sum(len(table(doc)) for doc in docs) > len(docs)  # rules do fire
    assert [table(doc) for doc in docs] == [stock(doc) for doc in docs]
    if lang == "en":
        assert table.rest  # "gonna", "y'all": several tokens, through the small Matcher
        assert any(m[3] - m[2] == 2 for doc in docs for m in table(doc))


def test_direct_annotations_set_what_spacy_sets_and_raise_its_error():
    """Indices from the start and from the end of a match, rules that overlap (the later wins),
    and a rule whose index falls outside its match: spaCy's error, from spaCy's own method."""
    def ruler_pipeline(ours: bool, bad: bool = False):
        nlp = spacy.blank("en")
        ruler = nlp.add_pipe("attribute_ruler")
        ruler.add([[{"LOWER": "the"}, {"LOWER": "cat"}]], {"TAG": "NN", "LEMMA": "feline"}, index=-1)
        ruler.add([[{"LOWER": "the"}, {"LOWER": "cat"}]], {"TAG": "DT"}, index=0)
        ruler.add([[{"LOWER": "cat"}]], {"TAG": "NNX"})
        ruler.add([[{"IS_SPACE": True}]], {"TAG": "_SP"})
        if bad:
            ruler.add([[{"LOWER": "dog"}]], {"TAG": "NN"}, index=3)
        if ours:
            match_by_table(nlp)  # the table is made from the rules the ruler holds now
        return nlp

    texts = ["The cat saw the  cat.", "cat", "", "A dog."]
    read = lambda doc: [(t.text, t.tag_, t.lemma_) for t in doc]  # noqa: E731
    ours, stock = ruler_pipeline(True), ruler_pipeline(False)
    assert [read(d) for d in ours.pipe(texts)] == [read(d) for d in stock.pipe(texts)]
    assert read(ours("the cat"))[1] == ("cat", "NNX", "feline")
    for nlp in (ruler_pipeline(True, bad=True), ruler_pipeline(False, bad=True)):
        assert read(nlp("the cat")) == read(stock("the cat"))
        with pytest.raises(ValueError, match="E1001"):
            nlp("A dog.")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_remembered_lemmas_are_spacys_on_the_whole_corpus(lang, monkeypatch):
    """``MemoLemmas`` keys a lemma by the word, its part of speech (and, in English, its
    morphology): on every corpus sentence, read twice (the second time from memory) and with a
    memory small enough to start again, the lemmas are those of spaCy's own pipeline."""
    from service.core.nlp import MemoLemmas

    nlp = get_nlp(lang)
    memo = nlp.get_pipe("lemmatizer").pipe.__self__
    assert isinstance(memo, MemoLemmas)
    stock = spacy.load(SPACY_MODELS[lang], exclude=["ner"])
    texts = [normalise(e.text) for e in load_files([DEFAULT_TRAIN, DEFAULT_TEST]).by_lang(lang)] + CONTRACTIONS
    want = [[t.lemma_ for t in doc] for doc in stock.pipe(texts)]
    assert [[t.lemma_ for t in doc] for doc in nlp.pipe(texts)] == want
    assert [[t.lemma_ for t in doc] for doc in nlp.pipe(texts)] == want
    assert len(memo.known) > 1000
    monkeypatch.setattr(MemoLemmas, "MAX_WORDS", 50)
    memo.known.clear()
    assert [[t.lemma_ for t in doc] for doc in nlp.pipe(texts[:200])] == want[:200]
    assert 0 < len(memo.known) <= 50


def test_pattern_conditions():
    assert _condition({"IN": ["is", "'s"]}) == {"is", "'s"} and _condition("NN") == {"NN"}
    assert _condition({"NOT_IN": ["TO", ""]})("VB") and not _condition({"NOT_IN": ["TO", ""]})("")
    assert _condition({"REGEX": "^n'?t$"})("n't") and not _condition({"REGEX": "^n'?t$"})("not")
    assert _condition({"FUZZY": "x"}) is None and _condition({"IN": "is"}) is None
    assert _token_test({"IS_SPACE": True}) and _token_test({"TAG": True}) is None
    assert _token_test({"ENT_TYPE": "PERSON"}) is None


def test_table_matcher_memory_is_bounded(monkeypatch):
    from service.core import attribute_rules

    monkeypatch.setattr(attribute_rules, "MAX_KEYS", 5)
    ruler = get_nlp("en").get_pipe("attribute_ruler")
    fresh = TableMatcher(ruler)
    docs = list(get_nlp("en").pipe(CONTRACTIONS, disable=["attribute_ruler", "lemmatizer"]))
    stock = type(ruler).match.__get__(ruler)
    assert [fresh(doc) for doc in docs] == [stock(doc) for doc in docs]
    assert 0 < len(fresh.seen) <= 5
