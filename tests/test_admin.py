"""Registry, retraining and feedback over HTTP (Flask test client, isolated registry folders)."""
import json

import pytest

from service.storage.registry import Registry
from service.web import create_app
from tests.conftest import copy_version, poll
from training.corpus import DEFAULT_TEST, DEFAULT_TRAIN

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def admin_client(registry_dir):
    app = create_app({"TESTING": True, "LOAD_MODEL": "sync", "MODEL_DIR": str(registry_dir), "ADMIN_TOKEN": TOKEN})
    return app.test_client()


def _rows(path, n_per_cell):
    """The first n rows of every language x label cell."""
    out, seen = [], {}
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        cell = (row["lang"], row["label"])
        if seen.get(cell, 0) < n_per_cell:
            seen[cell] = seen.get(cell, 0) + 1
            out.append({k: row[k] for k in ("text", "lang", "label")})
    return out


def test_admin_endpoints_are_403_without_a_configured_token(registry_dir):
    app = create_app({"TESTING": True, "LOAD_MODEL": "none", "MODEL_DIR": str(registry_dir)})
    resp = app.test_client().post("/v1/models", data="{}", content_type="application/x-ndjson", headers=AUTH)
    assert resp.status_code == 403
    assert "ADMIN_TOKEN" in resp.get_json()["error"]["message"]


def test_wrong_or_missing_token_is_401(admin_client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {TOKEN}"}):
        resp = admin_client.post("/v1/models/x/activate", headers=headers)
        assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_malformed_upload_reports_every_bad_line_and_trains_nothing(admin_client, registry_dir):
    test_sentence = json.loads(open(DEFAULT_TEST, encoding="utf-8").readline())
    body = "\n".join([
        json.dumps({"text": "Le ministre a démissionné.", "lang": "fr", "label": "asserted"}),
        "{oops",
        json.dumps({"text": "It may rain.", "lang": "en", "label": "probable"}),
        json.dumps({"text": "", "lang": "en", "label": "none"}),
        json.dumps(test_sentence),
    ])
    resp = admin_client.post("/v1/models", data=body, content_type="application/x-ndjson", headers=AUTH)
    assert resp.status_code == 400
    problems = resp.get_json()["error"]["problems"]
    assert [p["line"] for p in problems] == [2, 3, 4, 5]
    assert "bad JSON" in problems[0]["reason"] and "unknown label" in problems[1]["reason"]
    assert "shipped test split" in problems[3]["reason"]
    assert Registry(registry_dir).versions() == [Registry(registry_dir).active_version()]
    assert not (registry_dir / ".jobs").exists() or not list((registry_dir / ".jobs").iterdir())


def test_upload_options_and_content_types_are_checked(admin_client):
    ok = json.dumps({"text": "Il pleut.", "lang": "fr", "label": "asserted"})
    resp = admin_client.post("/v1/models?mode=merge", data=ok, content_type="application/x-ndjson", headers=AUTH)
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == "mode"
    resp = admin_client.post("/v1/models", data=ok, content_type="application/pdf", headers=AUTH)
    assert resp.status_code == 415
    big = b"x" * (50 * 1024 * 1024 + 10)
    resp = admin_client.post("/v1/models", data=big, content_type="text/csv", headers=AUTH)
    assert resp.status_code == 413


def test_retrain_job_end_to_end_and_one_at_a_time(admin_client, registry_dir):
    rows = _rows(DEFAULT_TRAIN, 12)
    csv_body = "text,lang,label\n" + "".join(
        '"{}",{},{}\n'.format(r["text"].replace('"', '""'), r["lang"], r["label"]) for r in rows)
    resp = admin_client.post("/v1/models?mode=replace&activate=never", data=csv_body, content_type="text/csv",
                             headers=AUTH)
    assert resp.status_code == 202, resp.get_json()
    job_id = resp.get_json()["job"]["id"]
    assert resp.headers["Location"] == f"/v1/jobs/{job_id}"
    busy = admin_client.post("/v1/models", data=csv_body, content_type="text/csv", headers=AUTH)
    assert busy.status_code == 409
    too_small = admin_client.post("/v1/models?mode=replace", data=csv_body.split("\n", 30)[0] + "\n" +
                                  "\n".join(csv_body.splitlines()[1:4]), content_type="text/csv", headers=AUTH)
    assert too_small.status_code == 400 and "at least 5 examples" in too_small.get_json()["error"]["problems"][0]["reason"]
    job = poll(lambda: admin_client.get(f"/v1/jobs/{job_id}").get_json()["job"],
               lambda j: j["state"] in ("succeeded", "failed"), timeout=240, interval=0.5)
    assert job["state"] == "succeeded", job
    assert job["activated"] is False and "activate=never" in job["reason"]
    assert set(job["metrics"]["test_macro_f1"]) == {"fr", "en"}
    listing = admin_client.get("/v1/models").get_json()
    versions = {v["version"]: v for v in listing["versions"]}
    assert job["version"] in versions and not versions[job["version"]]["active"]
    old = listing["active"]
    # Roll forward to the new version, then back; the service swaps without restart.
    resp = admin_client.post(f"/v1/models/{job['version']}/activate", headers=AUTH)
    assert resp.status_code == 200 and resp.get_json() == {"active": job["version"], "previous": old}
    assert admin_client.get("/v1/health/ready").get_json()["model"]["version"] == job["version"]
    assert admin_client.delete(f"/v1/models/{job['version']}", headers=AUTH).status_code == 409
    assert admin_client.post(f"/v1/models/{old}/activate", headers=AUTH).status_code == 200
    assert admin_client.delete(f"/v1/models/{job['version']}", headers=AUTH).get_json() == {"deleted": job["version"]}
    assert admin_client.delete("/v1/models/nope", headers=AUTH).status_code == 404
    assert admin_client.get("/v1/jobs/unknown").status_code == 404


def test_tampered_version_is_refused_and_serving_continues(admin_client, registry_dir):
    reg = Registry(registry_dir)
    active = reg.active_version()
    copy_version(registry_dir, "tampered", tamper=True)
    resp = admin_client.post("/v1/models/tampered/activate", headers=AUTH)
    assert resp.status_code == 422 and "sha256" in resp.get_json()["error"]["message"]
    assert reg.active_version() == active
    assert admin_client.post("/v1/score", json={"sentences": ["Il pleut."], "lang": "fr"}).status_code == 200


def test_feedback_dedup_conflict_and_export(admin_client):
    s = "Le club aurait transmis une offre."
    r1 = admin_client.post("/v1/feedback", json={"text": s, "lang": "fr", "label": "hedged"})
    assert r1.status_code == 201 and r1.get_json()["status"] == "created"
    r2 = admin_client.post("/v1/feedback", json={"text": "  le club aurait transmis une offre. ", "lang": "fr",
                                                 "label": "hedged"})
    assert r2.status_code == 200 and r2.get_json()["feedback"]["count"] == 2
    r3 = admin_client.post("/v1/feedback", json={"text": s, "lang": "fr", "label": "attributed", "context": "..."})
    fb = r3.get_json()
    assert fb["status"] == "updated" and fb["feedback"]["label"] == "attributed" and fb["feedback"]["conflicts"] == 1
    assert admin_client.post("/v1/feedback", json={"text": s, "lang": "fr", "label": "maybe"}).status_code == 400
    assert admin_client.post("/v1/feedback", json={"text": s, "lang": "de", "label": "none"}).status_code == 422
    assert admin_client.get("/v1/feedback?format=jsonl").status_code == 401  # users' text: admins only
    export = admin_client.get("/v1/feedback?format=jsonl", headers=AUTH)
    lines = [json.loads(x) for x in export.get_data(as_text=True).splitlines()]
    assert lines == [{"text": s, "lang": "fr", "label": "attributed", "id": "feedback-1",
                      "note": "feedback x3, 1 conflicting"}]
    assert admin_client.get("/v1/feedback", headers=AUTH).get_json()["feedback"][0]["count"] == 3


def test_jobs_are_shared_between_worker_processes(registry_dir):
    """Two runners on one registry (two gunicorn workers): a job started by one is visible to the
    other, and the other refuses a second training while it runs."""
    from service.web.jobs import Busy, JobRunner

    a, b = JobRunner(registry_dir), JobRunner(registry_dir)
    rows = _rows(DEFAULT_TRAIN, 6)
    data = "\n".join(json.dumps(r) for r in rows).encode()
    job = a.submit(data, "mine.jsonl", "replace", "never", False)
    seen = b.get(job.id)
    assert seen is not None and seen.id == job.id and seen.options["mode"] == "replace"
    with pytest.raises(Busy, match=job.id):
        b.submit(data, "mine.jsonl", "replace", "never", False)
    finished = ("succeeded", "failed")
    poll(lambda: a.get(job.id).state, lambda state: state in finished, timeout=240, interval=0.5)
    assert a.get(job.id).state == "succeeded", a.get(job.id)
    assert b.get(job.id).state == "succeeded" and b.get(job.id).version == a.get(job.id).version
    assert b.get("../../etc") is None and b.get("nope") is None
    second = b.submit(data, "mine.jsonl", "replace", "never", False)  # the lock was released
    assert second.id != job.id
    poll(lambda: b.get(second.id).state, lambda state: state in finished, timeout=240, interval=0.5)


def test_finished_job_records_are_pruned_to_the_newest(tmp_path):
    from dataclasses import asdict

    from service.web.jobs import Job, JobRunner

    runner = JobRunner(tmp_path)
    runner.work_dir.mkdir()
    for i in range(7):
        job = Job(f"job{i}", state="succeeded", created=1000.0 + i, finished=2000.0 + i)
        (runner.work_dir / f"{job.id}.job.json").write_text(json.dumps(asdict(job)))
        runner.jobs[job.id] = job
    running = Job("live", state="training")
    (runner.work_dir / "live.job.json").write_text(json.dumps(asdict(running)))
    runner.prune(keep=3)
    assert sorted(p.name for p in runner.work_dir.glob("*.job.json")) == [
        "job4.job.json", "job5.job.json", "job6.job.json", "live.job.json"]
    assert runner.get("job1") is None and runner.get("job6").finished == 2006.0 and runner.get("live").state == "training"


def test_a_job_keeps_its_trainer_pid_while_the_record_has_none(tmp_path):
    """The web process writes the job record before the trainer starts (pid null); reading that
    record must not forget the pid the web process got from Popen (it kills and checks with it)."""
    import json as _json

    from service.web.jobs import Job, JobRunner

    runner = JobRunner(tmp_path)
    job = Job(id="abc123", state="running", options={})
    job.pid = 4242
    record = tmp_path / "record.json"
    record.write_text(_json.dumps({"state": "running", "pid": None, "progress": {"done": 1, "total": 4}}))
    runner._read_status(job, record)
    assert job.pid == 4242 and job.progress == {"done": 1, "total": 4}
    record.write_text(_json.dumps({"state": "training", "pid": 5151}))
    runner._read_status(job, record)
    assert job.pid == 5151 and job.state == "training"
