"""Parse only what needs a parse (service/core/triage.py): each first-pass rule, the plan, and the
outputs of the sentences it does not parse, beside the same sentences parsed."""
import pytest

from service.core import triage
from service.core.analysis import analyze
from service.core.classifier import PARSE_LIMIT
from service.core.cues import SURFACE_MEMO_CHARS, _surface_cues, analyze_cues
from service.core.nlp import clear_cache
from training.corpus import DEFAULT_TEST, load_files

PLAIN_FR = "Le trafic a repris lundi matin sur la ligne entre Lyon et Grenoble."
PLAIN_EN = "The bridge reopened to traffic on Monday morning after two weeks of repairs."


@pytest.fixture()
def untriaged():
    triage.ENABLED = False
    yield
    triage.ENABLED = True


@pytest.mark.parametrize("text,lang", [(PLAIN_FR, "fr"), (PLAIN_EN, "en"),
                                       ("Le trafic a-t-il repris lundi ?", "fr")])
def test_a_plain_statement_or_question_needs_no_parse(text, lang):
    assert not triage.needs_parse(text, lang)


@pytest.mark.parametrize("rule,text,lang", [
    ("a cue", "Le ministre a déclaré lundi que le trafic avait repris.", "fr"),
    ("a conditional cue", "Le bilan serait de trente morts.", "fr"),
    ("a quote", "Le maire a parlé d'un « désastre » pour la commune.", "fr"),
    ("a complementizer", "Nobody knows whether the bridge is safe.", "en"),
    ("a modal", "The bridge would reopen to traffic on Monday.", "en"),
    ("a modal", "Le pont doit rouvrir lundi.", "fr"),
    ("a strength marker", "Il est indéniable que le pont a rouvert.", "fr"),
    ("a verb stem", "Les déclarations du maire ont surpris le conseil.", "fr"),
    ("a framing phrase", "Pour Le Figaro, le gouvernement a perdu la main.", "fr"),
    ("a framing phrase", "To some, the battle has been wrongly located.", "en"),
])
def test_each_rule_keeps_the_parse(rule, text, lang):
    assert triage.needs_parse(text, lang), rule


def test_a_word_that_begins_like_a_reporting_verb_keeps_the_parse():
    stems = triage.verb_stems("en")
    assert triage.begins_like_a_verb("announcing", stems)
    assert not triage.begins_like_a_verb("bridge", stems)


def test_the_plan_sends_confident_plain_statements_to_the_fast_model(classifier):
    texts = [PLAIN_FR, "Le ministre a déclaré lundi que le trafic avait repris.", "x " * (PARSE_LIMIT // 2 + 1)]
    plan = classifier.plan(texts, "fr")
    assert plan.fast == [0, 2]
    assert plan.proba[0].max() >= triage.FAST_CONFIDENCE
    assert classifier.plan(texts, "fr", triage=False).fast == [2]  # a long sentence is never parsed


def test_an_unsure_fast_model_keeps_the_parse(classifier, monkeypatch):
    monkeypatch.setattr(triage, "FAST_CONFIDENCE", 1.01)
    assert classifier.plan([PLAIN_FR], "fr").fast == []


def test_a_sentence_not_parsed_gets_the_fast_models_scores_and_a_plain_strength(classifier):
    got = analyze(classifier, PLAIN_EN, "en")["sentences"][0]
    fast = classifier.predict([PLAIN_EN], "en", fast=True)[0]
    assert got["label"] == "asserted" and got["scores"] == fast.scores
    assert "degraded" not in got and got["attributions"] == []
    assert got["strength"]["level"] == "stated" and got["strength"]["sourcing"] == "none"


def test_without_the_triage_the_same_sentence_is_parsed_with_the_same_label(classifier, untriaged):
    got = analyze(classifier, PLAIN_EN, "en")["sentences"][0]
    full = classifier.predict([PLAIN_EN], "en", triage=False)[0]
    assert got["scores"] == full.scores and got["label"] == "asserted"
    assert got["scores"] != classifier.predict([PLAIN_EN], "en", fast=True)[0].scores


def test_score_and_analyze_agree_on_a_sentence_not_parsed(client):
    one = client.post("/v1/score", json={"sentences": [PLAIN_FR], "lang": "fr"}).get_json()["results"][0]
    art = client.post("/v1/analyze", json={"text": PLAIN_FR, "lang": "fr"}).get_json()["sentences"][0]
    assert one["label"] == art["label"] and one["scores"] == art["scores"]
    assert one["strength"]["commitment"] == art["strength"]["commitment"]


def test_outputs_do_not_depend_on_what_is_cached(classifier):
    text = f"{PLAIN_FR} Le ministre a déclaré que le pont était sûr. {PLAIN_EN}"
    clear_cache()
    cold = analyze(classifier, text, "fr")
    warm = analyze(classifier, text, "fr")
    assert cold == warm


def test_labels_on_the_test_split_are_those_of_every_sentence_parsed(classifier):
    """The triage's promise (issue 12: macro-F1 within 0.005): on our test split the fast model
    gives the label the full one gives to every sentence it takes, and it takes some."""
    corpus = load_files([DEFAULT_TEST])
    for lang in ("fr", "en"):
        texts = [e.text for e in corpus.by_lang(lang)][:300]
        skipped = classifier.plan(texts, lang).fast
        assert len(skipped) >= 0.1 * len(texts)
        on = [p.label for p in classifier.predict([texts[i] for i in skipped], lang)]
        off = [p.label for p in classifier.predict([texts[i] for i in skipped], lang, triage=False)]
        assert sum(a == b for a, b in zip(on, off)) >= 0.99 * len(skipped)


def test_the_surface_cue_memo_keeps_news_sentences_only():
    clear_cache()
    analyze_cues(PLAIN_FR, "fr")
    assert _surface_cues.cache_info().currsize == 1
    analyze_cues("Le pont a rouvert. " * (SURFACE_MEMO_CHARS // 10), "fr")
    assert _surface_cues.cache_info().currsize == 1
    clear_cache()
    assert _surface_cues.cache_info().currsize == 0
