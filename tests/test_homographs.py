"""The parse repair for French verbs the tagger reads as nouns (service/core/homographs.py)."""
import pytest

from service.core.homographs import homographs, misread_verb
from service.core.lexicon import normalise
from service.core.nlp import get_nlp, parse


@pytest.mark.parametrize("text, word, lemma", [
    ("Le syndicat juge la mesure insuffisante.", "juge", "juger"),
    ("Le maire juge que la fête était réussie.", "juge", "juger"),
    ("L'ordre des médecins alerte sur une pénurie de médicaments.", "alerte", "alerter"),
    ("L'opposition critique le projet de loi.", "critique", "critiquer"),
    ("Un diplomate européen juge l'accord déséquilibré.", "juge", "juger"),
])
def test_a_misread_verb_is_parsed_as_the_verb(text, word, lemma):
    stock = get_nlp("fr")(normalise(text))
    assert misread_verb(stock, "fr") is not None  # the tagger's own reading is the noun
    doc = parse([text], "fr")[0]
    tok = next(t for t in doc if t.text == word)
    assert (tok.pos_, tok.dep_, tok.lemma_) == ("VERB", "ROOT", lemma)
    assert doc.text == stock.text and [t.idx for t in doc] == [t.idx for t in stock]  # same words, same offsets
    assert any(t.dep_ == "nsubj" for t in tok.children)


@pytest.mark.parametrize("text", [
    "Le juge a condamné le prévenu à deux ans de prison.",  # the noun, after a determiner
    "L'alerte a été levée dans la soirée.",
    "Dernière mise à jour : 18:22",                          # no noun before it
    "Le document compte 48 pages.",                         # "compte" is not in the list
    "Le syndicat, lui, juge la mesure insuffisante.",        # punctuation right before it: left alone
])
def test_nouns_and_unlisted_forms_are_left_alone(text):
    stock = get_nlp("fr")(normalise(text))
    doc = parse([text], "fr")[0]
    assert [(t.pos_, t.dep_, t.head.i) for t in doc] == [(t.pos_, t.dep_, t.head.i) for t in stock]


def test_the_list_is_data():
    table = homographs("fr")
    assert table["juge"] == ("juger", "estime") and "compte" not in table
    assert homographs("en") == {}


def test_the_repaired_verb_reports_its_subject(classifier):
    from service.core.analysis import analyze

    result = analyze(classifier, "Le syndicat juge la mesure insuffisante.", "fr")
    (att,) = result["sentences"][0]["attributions"]
    assert (att["source"]["text"], att["cue"]["text"], att["content"]["text"]) == (
        "Le syndicat", "juge", "la mesure insuffisante")
