"""Every endpoint and every error, through Flask's test client."""
import json

import pytest

from tests.conftest import SEED_ARTICLE


def _error(resp, status, code):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.is_json
    body = resp.get_json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_analyze_seed_article(client):
    resp = client.post("/v1/analyze", json={"text": SEED_ARTICLE, "lang": "fr"})
    assert resp.status_code == 200
    timing = resp.headers["Server-Timing"]  # the app's own time, for clients and load tests
    assert timing.startswith("app;dur=") and float(timing.split("=")[1]) > 0
    body = resp.get_json()
    assert body["lang"] == "fr" and body["detected"] is False
    assert body["model"]["name"] and body["model"]["version"]
    sents = body["sentences"]
    assert len(sents) == 17
    for i, s in enumerate(sents):
        assert s["index"] == i
        assert SEED_ARTICLE[s["start"]:s["end"]] == s["text"]
        assert abs(sum(s["scores"].values()) - 1.0) < 0.01
        assert s["label"] == max(s["scores"], key=s["scores"].get)
        for cue in s["cues"]:
            assert SEED_ARTICLE[cue["start"]:cue["end"]] == cue["text"]
            assert s["start"] <= cue["start"] < cue["end"] <= s["end"]
    labels = {s["text"]: s["label"] for s in sents}
    assert labels["Lire plus :"] == "none"
    assert labels["Syrie : l’armée dément la prise d’Abou Kamal par Daech"] == "attributed"
    headline = next(s for s in sents if s["text"].startswith("Syrie :"))
    assert any(c["type"] == "reporting_verb" and c["text"] == "dément" for c in headline["cues"])
    hedged = next(s for s in sents if s["text"].startswith("S’ils avaient réussi"))
    assert hedged["label"] == "hedged"
    assert any(c["type"] in ("conditional", "hedge") and "auraient" in c["text"] for c in hedged["cues"])
    summary = body["summary"]
    assert summary["sentences"] == 17
    assert sum(summary["counts"].values()) == 17
    assert summary["counts"]["asserted"] == 14
    assert abs(sum(summary["shares"][lab] for lab in summary["counts"]) - 1.0) < 0.01
    # 14 asserted sentences, one of which carries an attribution ("en prétextant que").
    assert summary["shares"]["unattributed_asserted"] == round(13 / 17, 4)


def test_analyze_detects_language(client):
    resp = client.post("/v1/analyze", json={"text": "Officials said the toll could rise. The storm hit the coast on Monday."})
    body = resp.get_json()
    assert resp.status_code == 200 and body["lang"] == "en" and body["detected"] is True
    assert [s["label"] for s in body["sentences"]] == ["attributed", "asserted"]


def test_analyze_unsupported_language_lists_supported(client):
    err = _error(client.post("/v1/analyze", json={"text": "Der Hund bellt.", "lang": "de"}), 422, "unsupported_language")
    assert err["supported"] == ["en", "fr"] and err["field"] == "lang"
    err = _error(client.post("/v1/analyze", json={"text": "Der Bundestag hat heute über das neue Gesetz abgestimmt, "
                                                          "und die Mehrheit der Abgeordneten war dafür."}),
                 422, "unsupported_language")
    assert err["detected"] == "de"


def test_score_keeps_input_order(client):
    sentences = ["Lire plus :", "Selon l'OSDH, 20 civils auraient été tués.", "Le club aurait transmis une offre.",
                 "L'armée a repoussé l'attaque."]
    resp = client.post("/v1/score", json={"sentences": sentences, "lang": "fr"})
    assert resp.status_code == 200
    results = resp.get_json()["results"]
    assert [r["label"] for r in results] == ["none", "attributed", "hedged", "asserted"]
    fast = client.post("/v1/score", json={"sentences": sentences, "lang": "fr", "mode": "fast"}).get_json()["results"]
    assert len(fast) == 4 and all(set(r["scores"]) == {"asserted", "attributed", "hedged", "none"} for r in fast)


@pytest.mark.parametrize("body, code, field", [
    ({}, "missing_field", "text"),
    ({"text": 5}, "invalid_field", "text"),
    ({"text": "   \n "}, "empty_text", "text"),
    ({"text": "Il pleut.", "lang": 3}, "invalid_field", "lang"),
    ({"text": "a\ud800b", "lang": "fr"}, "invalid_field", "text"),
])
def test_analyze_bad_fields(client, body, code, field):
    # json.dumps escapes lone surrogates as \ud800, as a real client would send them
    err = _error(client.post("/v1/analyze", data=json.dumps(body), content_type="application/json"), 400, code)
    assert err["field"] == field


@pytest.mark.parametrize("body, status, code", [
    ({"sentences": "not a list"}, 400, "invalid_field"),
    ({"sentences": []}, 400, "empty_sentences"),
    ({"sentences": ["ok", 3]}, 400, "invalid_field"),
    ({"sentences": ["ok", "  "]}, 400, "empty_text"),
    ({"sentences": ["x" * 5001], "lang": "en"}, 400, "sentence_too_long"),
    ({"sentences": ["Il pleut."] * 1001, "lang": "fr"}, 413, "too_many_sentences"),
    ({"sentences": ["Il pleut."], "lang": "fr", "mode": "turbo"}, 400, "invalid_field"),
])
def test_score_bad_input(client, body, status, code):
    _error(client.post("/v1/score", json=body), status, code)


def test_malformed_json_and_wrong_types(client):
    _error(client.post("/v1/analyze", data="{bad", content_type="application/json"), 400, "malformed_json")
    _error(client.post("/v1/analyze", data=b"\xff\xfe", content_type="application/json"), 400, "malformed_json")
    _error(client.post("/v1/analyze", data="[1, 2]", content_type="application/json"), 400, "invalid_body")
    _error(client.post("/v1/analyze", data="[" * 100000, content_type="application/json"), 400, "malformed_json")


def test_content_type_must_be_json(client):
    _error(client.post("/v1/analyze", data="text=hello", content_type="application/x-www-form-urlencoded"),
           415, "unsupported_media_type")
    _error(client.post("/v1/score", data=json.dumps({"sentences": ["a"]})), 415, "unsupported_media_type")


def test_body_over_one_mebibyte_is_413(client):
    big = json.dumps({"text": "Il pleut. " * 110000})
    assert len(big) > 1 << 20
    _error(client.post("/v1/analyze", data=big, content_type="application/json"), 413, "payload_too_large")


def test_too_many_sentences_in_analyze_is_413(app, client):
    limit = app.config["MAX_ANALYZE_SENTENCES"]
    text = "\n".join(f"Ligne {i}." for i in range(limit + 1))
    _error(client.post("/v1/analyze", json={"text": text, "lang": "fr"}), 413, "too_many_sentences")


def test_404_and_405_are_json(client):
    _error(client.get("/v1/nope"), 404, "not_found")
    resp = client.get("/v1/analyze")
    _error(resp, 405, "method_not_allowed")
    assert "POST" in resp.headers["Allow"]


def test_health_model_and_docs(client, classifier):
    assert client.get("/v1/health/live").get_json() == {"status": "ok"}
    ready = client.get("/v1/health/ready")
    assert ready.status_code == 200 and ready.get_json()["model"]["version"] == classifier.version
    card = client.get("/v1/model").get_json()
    assert card["version"] == classifier.version
    assert card["training_data"]["sha256"] and card["metrics"]["full"]["test"]["fr"]["macro_f1"] > 0
    docs = client.get("/docs")
    assert docs.status_code == 200 and b"/static/docs.js" in docs.data
    assert b"https://" not in docs.data
    js = client.get("/static/docs.js")
    assert js.status_code == 200 and b"/v1/openapi.json" in js.data


def test_readiness_is_503_before_the_model_loads(tmp_path):
    from service.web import create_app

    app = create_app({"TESTING": True, "LOAD_MODEL": "none", "MODEL_DIR": str(tmp_path)})
    client = app.test_client()
    assert client.get("/v1/health/live").status_code == 200
    resp = client.get("/v1/health/ready")
    assert resp.status_code == 503 and resp.get_json()["status"] == "loading"
    _error(client.post("/v1/score", json={"sentences": ["Il pleut."], "lang": "fr"}), 503, "model_not_ready")
    app.extensions["model_store"].load()  # empty registry: stays unavailable, says why
    resp = client.get("/v1/health/ready")
    assert resp.status_code == 503 and resp.get_json()["status"] == "unavailable"
    err = _error(client.get("/v1/model"), 503, "model_not_ready")
    assert "no active model" in err["message"]
