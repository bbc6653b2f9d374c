"""Hostile and malformed input, in-process: a clear 4xx (or a JSON 503 past the budget), never a
500, never lost data. (The same through a real server: tests/test_server.py.)"""
import json
import multiprocessing
import shutil
import time

import pytest

from service.storage.feedback import FeedbackStore
from service.storage.model_store import ModelStore
from service.web import create_app
from tests.conftest import copy_version

TOKEN = "t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def admin_app(registry_dir):
    return create_app({"TESTING": True, "LOAD_MODEL": "sync", "MODEL_DIR": str(registry_dir), "ADMIN_TOKEN": TOKEN})


def _error(resp, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    err = resp.get_json()["error"]
    assert set(err) >= {"code", "message", "field"}
    if code:
        assert err["code"] == code, err
    return err


@pytest.mark.parametrize("path", ["/v1/analyze", "/v1/score", "/v1/feedback"])
def test_a_json_integer_of_5000_digits_is_a_400(client, path):
    body = '{"text": "Il pleut.", "lang": "fr", "sentences": ["x"], "label": "none", "n": ' + "9" * 5000 + "}"
    _error(client.post(path, data=body, content_type="application/json"), 400, "malformed_json")


@pytest.mark.parametrize("field", ["text", "context"])
def test_a_lone_surrogate_in_feedback_is_a_400(admin_app, field):
    body = {"text": "Le club aurait transmis une offre.", "lang": "fr", "label": "hedged", "context": "ok"}
    body[field] = "caf\ud800"
    raw = json.dumps(body)  # \ud800 stays escaped: valid JSON, unpaired surrogate once decoded
    err = _error(admin_app.test_client().post("/v1/feedback", data=raw, content_type="application/json"), 400)
    assert err["field"] == field


@pytest.mark.parametrize("upload", ["[" * 100_000, '{"text": "' + "a" * 1_100_000 + '", "lang": "fr", "label": "none"}',
                                    "\x00\x01" * 1000], ids=["deep-nesting", "huge-line", "binary"])
def test_uploads_that_break_parsers_are_a_400_with_lines(admin_app, upload):
    resp = admin_app.test_client().post("/v1/models", data=upload.encode(), content_type="application/x-ndjson",
                                        headers=AUTH)
    err = _error(resp, 400, "invalid_data")
    assert err["problems"] and all("line" in p and p["reason"] for p in err["problems"])


def test_every_response_says_what_it_may_load(client):
    for path in ("/", "/docs", "/v1/health/live", "/v1/openapi.json", "/static/app.js", "/nope"):
        resp = client.get(path)
        assert "default-src 'none'" in resp.headers["Content-Security-Policy"], path
        assert resp.headers["X-Content-Type-Options"] == "nosniff", path
    assert "script-src 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_an_untrusted_host_header_is_refused(registry_dir):
    app = create_app({"TESTING": True, "LOAD_MODEL": "none", "MODEL_DIR": str(registry_dir),
                      "TRUSTED_HOSTS": ["localhost", "127.0.0.1"]})
    c = app.test_client()
    assert c.get("/v1/health/live", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    _error(c.get("/v1/health/live", headers={"Host": "rebind.attacker.example"}), 400)


def test_feedback_is_bounded(registry_dir):
    app = create_app({"TESTING": True, "LOAD_MODEL": "sync", "MODEL_DIR": str(registry_dir), "ADMIN_TOKEN": TOKEN,
                      "FEEDBACK_RATE_LIMIT": "5 per minute", "FEEDBACK_MAX_ROWS": 3})
    c = app.test_client()
    _error(c.post("/v1/feedback", json={"text": "x" * 6000, "lang": "fr", "label": "none"}), 413, "text_too_long")
    codes = [c.post("/v1/feedback", json={"text": f"Phrase numéro {i}.", "lang": "fr", "label": "asserted"}).status_code
             for i in range(4)]
    assert codes == [201, 201, 201, 507]  # the store holds 3 sentences at most
    _error(c.post("/v1/feedback", json={"text": "Encore une.", "lang": "fr", "label": "asserted"}), 429)
    _error(c.get("/v1/feedback"), 401)
    assert len(c.get("/v1/feedback", headers=AUTH).get_json()["feedback"]) == 3


def _add_same(args):
    path, i = args
    return FeedbackStore(path).add("Une toute nouvelle phrase.", "fr", "hedged" if i % 2 else "asserted")["status"]


def test_two_processes_storing_one_new_sentence_lose_nothing(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        statuses = pool.map(_add_same, [(path, i) for i in range(16)])
    assert statuses.count("created") == 1
    row = FeedbackStore(path).rows()[0]
    assert row["count"] == 16


def test_a_request_past_its_budget_is_a_json_503(registry_dir):
    app = create_app({"TESTING": True, "LOAD_MODEL": "sync", "MODEL_DIR": str(registry_dir),
                      "ANALYZE_BUDGET_S": 0.2, "ANALYZE_BUDGET_CHARS_PER_S": 1e12})
    text = "".join(f"Le ministre n°{i} a déclaré que la réforme {i} serait adoptée. " for i in range(1500))
    err = _error(app.test_client().post("/v1/analyze", json={"text": text, "lang": "fr"}), 503, "deadline_exceeded")
    assert "budget" in err["message"]
    assert app.test_client().post("/v1/analyze", json={"text": "Il pleut.", "lang": "fr"}).status_code == 200


def test_a_corrupted_active_version_falls_back_to_the_last_good_one(registry_dir):
    good = (registry_dir / "ACTIVE").read_text().strip()
    bad = copy_version(registry_dir, "99991231-000000-damaged0", tamper=True)
    (registry_dir / "ACTIVE").write_text(bad + "\n")
    store = ModelStore(registry_dir, warm_up=False)
    assert store.load() and store.version == good
    assert bad in store.error and str(registry_dir) not in store.error  # names the version, not the path


def test_a_process_that_could_not_load_takes_a_later_activation(tmp_path, registry_dir):
    empty = tmp_path / "empty"
    empty.mkdir()
    store = ModelStore(empty, watch_interval=0.0, warm_up=False)
    assert not store.load() and store.current() is None and "no active model" in store.error
    good = (registry_dir / "ACTIVE").read_text().strip()
    shutil.copytree(registry_dir / good, empty / good)
    (empty / "ACTIVE").write_text(good + "\n")
    store.current()  # notices the pointer and loads in the background
    for _ in range(200):
        if store.current() is not None:
            break
        time.sleep(0.1)
    assert store.version == good
