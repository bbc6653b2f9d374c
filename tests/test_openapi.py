"""The OpenAPI document is valid and describes what the endpoints really return."""
import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.conftest import SEED_ARTICLE


@pytest.fixture(scope="module")
def spec(app):
    doc = app.test_client().get("/v1/openapi.json").get_json()
    validate(doc)
    return doc


def _check(spec, path, method, resp):
    responses = spec["paths"][path][method]["responses"]
    assert str(resp.status_code) in responses, (path, resp.status_code)
    content = responses[str(resp.status_code)].get("content", {}).get("application/json")
    assert content is not None
    schema = dict(content["schema"], components=spec["components"])
    errors = sorted(Draft202012Validator(schema).iter_errors(resp.get_json()), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_every_route_is_documented(app, spec):
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule), m.lower()) for r in app.url_map.iter_rules()
              if r.rule.startswith("/v1/") for m in r.methods - {"HEAD", "OPTIONS"}}
    documented = {(p, m) for p, ops in spec["paths"].items() for m in ops}
    assert routes == documented


def test_real_responses_match_the_document(client, spec):
    cases = [
        ("/v1/analyze", "post", {"text": SEED_ARTICLE, "lang": "fr"}),
        ("/v1/analyze", "post", {"text": "Officials said the toll could rise.", "lang": "auto"}),
        ("/v1/analyze", "post", {"text": ""}),
        ("/v1/analyze", "post", {"text": "Der Hund bellt laut im Garten.", "lang": "de"}),
        ("/v1/score", "post", {"sentences": ["It may rain.", "Read more:"], "lang": "en"}),
        ("/v1/score", "post", {"sentences": ["x"] * 1001}),
    ]
    for path, method, body in cases:
        _check(spec, path, method, client.post(path, json=body))
    _check(spec, "/v1/analyze", "post", client.post("/v1/analyze", data="nope", content_type="text/plain"))
    for path in ("/v1/health/live", "/v1/health/ready", "/v1/model"):
        _check(spec, path, "get", client.get(path))
