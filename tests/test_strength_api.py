"""Strength through the API: every sentence's ``strength``, each attribution's ``sourcing``, the
summary's ranking of claims stated as fact, and artifacts from before strength.

All but the last test need a model with strength models: the shipped one once it is retrained
with this code (``MODEL_DIR=<registry> python -m pytest tests/test_strength_api.py`` runs them
against another registry).
"""
from __future__ import annotations

import pytest

from service.core.analysis import analyze
from service.core.classifier import Classifier
from service.core.vocabulary import LEVELS, SOURCING
from service.storage.artifacts import load_model, save_model
from tests.conftest import SEED_ARTICLE

US_MILITARY = "Le lendemain, les militaires américains ont soutenu directement les opérations de Daech"
HYPOTHETICAL = "S’ils avaient réussi à contrôler cette route"


@pytest.fixture(scope="module")
def seed(app):
    resp = app.test_client().post("/v1/analyze", json={"text": SEED_ARTICLE, "lang": "fr"})
    assert resp.status_code == 200
    return resp.get_json()


def test_every_sentence_and_attribution_carries_its_strength(seed):
    for s in seed["sentences"]:
        st = s["strength"]
        assert list(st) == ["commitment", "level", "sourcing", "cues"]
        assert st["sourcing"] in SOURCING
        if s["label"] == "none":
            assert st == {"commitment": None, "level": None, "sourcing": "none", "cues": []}
            continue
        assert 0.0 <= st["commitment"] <= 1.0 and st["level"] in LEVELS
        for cue in st["cues"]:
            assert SEED_ARTICLE[cue["start"]:cue["end"]] == cue["text"] and cue["effect"] in ("lowers", "raises")
        for a in s["attributions"]:
            assert list(a)[-1] == "sourcing" and a["sourcing"] in SOURCING


def test_seed_article_levels_and_the_distancing_attribution(seed):
    by_text = {s["text"]: s for s in seed["sentences"]}
    hypothetical = next(s for t, s in by_text.items() if t.startswith(HYPOTHETICAL))
    assert hypothetical["strength"]["level"] == "possible"
    assert any(c["effect"] == "lowers" for c in hypothetical["strength"]["cues"])
    us = next(s for t, s in by_text.items() if t.startswith(US_MILITARY))
    [att] = us["attributions"]
    assert (att["stance"], att["main_clause"], att["sourcing"]) == ("distancing", False, "identified")
    assert us["strength"]["sourcing"] == "none"  # the main claim is the author's own
    for s in seed["sentences"]:
        if s["label"] == "asserted":
            assert s["strength"]["level"] == "stated", s["text"]


def test_summary_ranks_claims_as_fact_by_commitment(seed):
    summary = seed["summary"]
    assert list(summary) == ["sentences", "counts", "shares", "sources", "claims_as_fact", "assertiveness", "sourcing"]
    facts = summary["claims_as_fact"]
    assert any(f["text"].startswith(US_MILITARY) for f in facts)  # a gerund attribution no longer excludes it
    assert [f["commitment"] for f in facts] == sorted((f["commitment"] for f in facts), reverse=True)
    assert all(list(f) == ["index", "text", "score", "commitment", "level"] for f in facts)
    claims = [s for s in seed["sentences"] if s["label"] != "none"]
    strength = summary["assertiveness"]
    assert strength["claims"] == len(claims) == sum(strength["levels"].values())
    assert strength["mean"] == pytest.approx(sum(s["strength"]["commitment"] for s in claims) / len(claims), abs=1e-3)
    assert list(summary["sourcing"]) == list(SOURCING) and sum(summary["sourcing"].values()) == pytest.approx(1, abs=1e-3)


def test_score_results_carry_strength(app):
    resp = app.test_client().post("/v1/score", json={"lang": "en", "sentences": [
        "The bill may pass next week.", "The policy has clearly failed.", "Sign up for our newsletter."]})
    may, clearly, furniture = resp.get_json()["results"]
    assert may["strength"]["level"] == "possible" and may["strength"]["cues"][0]["text"] == "may"
    assert clearly["strength"]["commitment"] > may["strength"]["commitment"]
    assert furniture["strength"]["commitment"] is None


def test_an_artifact_without_strength_models_loads_and_serves_as_before(tmp_path, classifier):
    """Strength is then absent (not null): the answer is the one of a model from before strength."""
    old = Classifier(classifier.pipelines, {"name": "t", "version": "old"})
    loaded = load_model(save_model(old, tmp_path / "old", {"name": "t", "version": "old"}))
    assert loaded.strength is None and not loaded.has_strength("fr")
    result = analyze(loaded, SEED_ARTICLE, "fr")
    assert all("strength" not in s for s in result["sentences"])
    assert all("sourcing" not in a for s in result["sentences"] for a in s["attributions"])
    assert list(result["summary"]) == ["sentences", "counts", "shares", "sources", "claims_as_fact"]
    assert all(list(f) == ["index", "text", "score"] for f in result["summary"]["claims_as_fact"])
    assert loaded.predict(["It may rain."], "en", strength=True)[0].to_json().keys() == {"label", "scores"}


@pytest.mark.parametrize("lang, sentences, level", [
    ("fr", ["Le ministre a démenti toute implication dans l'affaire.", "L'avocat prétend que son client était absent.",
            "Le maire a réfuté les accusations de favoritisme."], "doubted"),
    ("en", ["The mayor rejected accusations of favouritism.", "Police alleged that the driver had been drinking.",
            "The spokesman dismissed reports that talks had taken place."], "doubted"),
    ("fr", ["Son avocat a annoncé qu'il ferait appel dès lundi.",
            "La préfecture a indiqué que la route serait fermée jusqu'à jeudi."], "stated"),
])
def test_the_report_sets_the_level(app, lang, sentences, level):
    """Guide rule 2 through /v1/score: distancing and denial reports are ``doubted`` (the ordinal
    model alone said ``possible``), below a neutral report's commitment; a past report's future
    is ``stated`` (it said ``possible``)."""
    neutral = {"fr": "Le ministre a déclaré que l'usine fermerait.", "en": "The minister said the plant would close."}
    resp = app.test_client().post("/v1/score", json={"lang": lang, "sentences": sentences + [neutral[lang]]})
    *results, said = [r["strength"] for r in resp.get_json()["results"]]
    assert [r["level"] for r in results] == [level] * len(sentences)
    assert said["level"] == "stated"
    if level == "doubted":
        assert max(r["commitment"] for r in results) < said["commitment"]
