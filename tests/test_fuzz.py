"""Thousands of malformed requests: the server always answers a JSON error below 500."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({}, optional={
        "text": json_values, "lang": st.sampled_from(["fr", "en", "auto", "de", "", "FR", None, 3]) | json_values,
        "sentences": st.lists(json_values, max_size=5) | json_values,
        "mode": st.sampled_from(["full", "fast", "x"]) | json_values,
    }).map(lambda d: json.dumps(d).encode()),
)
content_types = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain",
                                 "application/x-www-form-urlencoded", "multipart/form-data", "", "application/merge+json"])
paths = st.sampled_from(["/v1/analyze", "/v1/score", "/v1/analyze/", "/v1/model", "/v1/health/ready", "/v1/x"])
methods = st.sampled_from(["POST", "GET", "PUT", "DELETE", "PATCH"])


@settings(max_examples=2500, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(path=paths, method=methods, body=bodies, ctype=content_types)
def test_no_input_makes_a_500(app, path, method, body, ctype):
    client = app.test_client()
    resp = client.open(path, method=method, data=body, headers={"Content-Type": ctype} if ctype else {})
    assert resp.status_code < 500, (path, method, body[:100], resp.get_data(as_text=True)[:300])
    assert resp.is_json
    if resp.status_code >= 400:
        err = resp.get_json()["error"]
        assert isinstance(err["code"], str) and isinstance(err["message"], str)
