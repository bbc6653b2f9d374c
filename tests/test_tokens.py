"""``tokens.columns`` reads the same attributes as spaCy's Tokens, on real parses and odd trees."""
from __future__ import annotations

import random

import pytest
from spacy.tokens import Doc

from service.core import tokens
from service.core.nlp import get_nlp, parse
from service.core.tokens import Columns, columns
from tests.test_syntax import odd_doc
from training.corpus import DEFAULT_TEST, load_files

FIELDS = ("Mood", "VerbForm", "Tense", "PronType", "Number", "Person", "Gender")


def assert_same(doc) -> None:
    cols = Columns(doc)
    assert len(cols) == len(doc)
    for tok in doc:
        i = tok.i
        assert (cols.idx[i], cols.end[i]) == (tok.idx, tok.idx + len(tok)), tok.text
        assert cols.lower[i] == tok.lower_ and cols.lemma[i] == tok.lemma_.lower()
        assert (cols.pos[i], cols.tag[i], cols.dep[i]) == (tok.pos_, tok.tag_, tok.dep_)
        assert cols.head[i] == tok.head.i
        assert cols.punct_or_space[i] == (tok.is_punct or tok.is_space)
        for field in FIELDS:
            assert cols.morph(i, field) == tok.morph.get(field), (tok.text, field, str(tok.morph))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_columns_equal_the_tokens_on_the_test_split(lang):
    texts = [e.text for e in load_files([DEFAULT_TEST]).by_lang(lang)][:300]
    texts += ["« Non ! »  a-t-il dit (1) ,, «", "", " ", "Il aurait menti\u00a0: « je ne sais pas »."]
    for doc in parse(texts, lang):
        assert_same(doc)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_columns_equal_the_tokens_on_hand_made_trees(lang):
    rng = random.Random(7)
    words = "Le ministre a dit qu' il pourrait , selon lui , venir .".split()
    for _ in range(30):
        assert_same(odd_doc(lang, words, rng))


def test_several_values_of_one_field_come_apart():
    vocab = get_nlp("fr").vocab
    doc = Doc(vocab, words=["qui", "vient"], morphs=["PronType=Int,Rel", "Mood=Cnd|VerbForm=Fin"])
    assert doc[0].morph.get("PronType") == ["Int", "Rel"]
    assert_same(doc)
    assert columns(doc).morph(1, "Mood") == ["Cnd"] and columns(doc).morph(0, "Mood") == []


def test_columns_are_kept_on_the_parse_and_their_memory_is_bounded(monkeypatch):
    doc = parse(["Il aurait menti au juge, selon l'avocat."], "fr")[0]
    assert columns(doc) is columns(doc)
    monkeypatch.setattr(tokens, "MAX_MORPHS", 2)
    monkeypatch.setattr(tokens, "MAX_NAMES", 3)
    for table in (tokens._MORPHS, tokens._NAMES, tokens._LOWERED):
        table.clear()
    assert_same(doc)  # every string and morphology read again through tables that keep overflowing
    cols = Columns(doc)
    for i in range(len(doc)):
        assert cols.morph(i, "Mood") == doc[i].morph.get("Mood")
    assert len(tokens._MORPHS) <= 2 and len(tokens._NAMES) <= 3 and len(tokens._LOWERED) <= 3


def test_cached_columns_share_one_string_per_word():
    """Parses kept in the cache hold references to one string per word, not a copy each."""
    a, b = parse(["Le juge aurait menti.", "Un juge aurait parlé."], "fr")
    ca, cb = Columns(a), Columns(b)
    assert ca.lower[1] == "juge" and ca.lower[1] is cb.lower[1] and ca.lemma[2] is cb.lemma[2]
    assert ca.pos[1] is cb.pos[1] and ca.dep[0] is cb.dep[0]
