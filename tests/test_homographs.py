"""The parse repair for French verbs the tagger reads as nouns, and names it reads as pronouns or
adverbs (service/core/homographs.py)."""
import pytest

from service.core.homographs import homographs, known_word, misread_name, misread_verb
from service.core.lexicon import normalise
from service.core.nlp import get_nlp, parse


@pytest.mark.parametrize("text, word, lemma", [
    ("Le syndicat juge la mesure insuffisante.", "juge", "juger"),
    ("Le maire juge que la fête était réussie.", "juge", "juger"),
    ("L'ordre des médecins alerte sur une pénurie de médicaments.", "alerte", "alerter"),
    ("L'opposition critique le projet de loi.", "critique", "critiquer"),
    ("Un diplomate européen juge l'accord déséquilibré.", "juge", "juger"),
    ("Le ministre dément catégoriquement avoir reçu de l'argent.", "dément", "démentir"),  # stock: ADV amod
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


@pytest.mark.parametrize("text, name, dep", [
    ("Macron a assuré que la France tiendrait bon.", "Macron", "nsubj"),     # stock: ADV advmod
    ("Emmanuel Macron a assuré que la France tiendrait bon.", "Macron", "flat:name"),
    ("« Nous ne reculerons pas », a assuré Macron.", "Macron", "nsubj"),
    ("Poutine a affirmé que la Russie ne reculerait pas.", "Poutine", "nsubj"),  # stock: PRON
    ("Bluesky a franchi la barre des 30 millions d'utilisateurs.", "Bluesky", "nsubj"),
])
def test_a_misread_name_is_parsed_as_a_name(text, name, dep, lang="fr"):
    nlp = get_nlp(lang)
    stock = nlp(normalise(text))
    assert stock[misread_name(stock, lang, nlp)].text == name  # the tagger's own reading: PRON, ADV, NOUN
    doc = parse([text], lang)[0]
    tok = next(t for t in doc if t.text == name)
    assert (tok.pos_, tok.dep_, tok.lemma_) == ("PROPN", dep, name)
    assert doc.text == stock.text and [t.idx for t in doc] == [t.idx for t in stock]


@pytest.mark.parametrize("text", [
    "Hier, le gouvernement a présenté son budget.",             # a known adverb
    "Rien ne dit que l'opposition parviendra à s'unir.",         # a known pronoun
    "Beaucoup pensent que la fermeture du bureau de poste annonce celle de l'école.",
    "Tandis que Moscou parle d'un incident, l'incendie continue.",  # part of a conjunction
    "Kiev affirme avoir détruit un navire russe.",               # the lemmatizer knows "kiev"
])
def test_known_words_are_not_taken_for_names(text):
    nlp = get_nlp("fr")
    assert misread_name(nlp(normalise(text)), "fr", nlp) is None


@pytest.mark.parametrize("text, name, dep", [
    ("Starmer said the government would act.", "Starmer", "nsubj"),      # stock: NOUN, lemma "starmer"
    ("Farage claimed the election was rigged.", "Farage", "nsubj"),
])
def test_an_english_subject_misread_as_a_noun_is_a_name(text, name, dep):
    test_a_misread_name_is_parsed_as_a_name(text, name, dep, lang="en")


@pytest.mark.parametrize("text", [
    "Chipmakers could lose as much as $30 billion in annual revenue.",  # a plural
    "Smartphone makers are expected to raise prices next year.",         # a compound
    "Sentencing is scheduled for March 28.",                              # a passive subject
    "Prices rose again in March.",                                         # a known word
])
def test_english_common_nouns_are_not_taken_for_names(text):
    nlp = get_nlp("en")
    assert misread_name(nlp(normalise(text)), "en", nlp) is None


def test_known_words_come_from_the_pipelines_own_lists():
    nlp = get_nlp("fr")
    assert known_word(nlp, "hier") and known_word(nlp, "rien") and known_word(nlp, "beaucoup")
    assert not known_word(nlp, "macron") and not known_word(nlp, "poutine")
    assert not known_word(get_nlp("en"), "starmer") and known_word(get_nlp("en"), "price")


def test_the_repaired_name_is_the_source(classifier):
    from service.core.analysis import analyze

    result = analyze(classifier, "Macron a assuré que la France tiendrait bon.", "fr")
    (att,) = result["sentences"][0]["attributions"]
    assert (att["source"]["text"], att["cue"]["text"], att["sourcing"]) == ("Macron", "a assuré", "named")
