"""Fault tests against a real server on 127.0.0.1: a killed trainer, a swap under load,
a tampered artifact, a malformed upload. Every loop is bounded in count and time."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from service.storage.registry import Registry
from tests.conftest import LiveServer, copy_version, poll, process_state
from training.corpus import DEFAULT_TRAIN

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "fault-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def server(registry_dir):
    srv = Server(registry_dir).start()
    yield srv
    srv.stop()


def Server(model_dir: Path) -> LiveServer:
    return LiveServer(model_dir, env={"ADMIN_TOKEN": TOKEN, "LOG_LEVEL": "WARNING"})


def _score(url: str) -> httpx.Response:
    return httpx.post(url + "/v1/score", json={"sentences": ["Selon l'AFP, le club aurait signé."], "lang": "fr"},
                      timeout=30)


def _trainer_pids(registry_dir) -> list[int]:
    """Trainers writing to this test's registry (other tests' trainers may still be running)."""
    out = subprocess.run(["pgrep", "-f", f"training.train --model-dir {registry_dir} .*--status-file"],
                         capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def test_killed_trainer_leaves_no_version_and_old_model_serves(server, registry_dir):
    before = Registry(registry_dir).versions()
    resp = httpx.post(server.url + "/v1/models?activate=always", headers=AUTH, timeout=30,
                      content=json.dumps({"text": "Le maire a inauguré la médiathèque samedi.", "lang": "fr",
                                          "label": "asserted"}), )
    assert resp.status_code == 415  # content type is checked before anything starts
    resp = httpx.post(server.url + "/v1/models?activate=always", headers={**AUTH, "Content-Type": "application/x-ndjson"},
                      content=json.dumps({"text": "Le maire a inauguré la médiathèque samedi.", "lang": "fr",
                                          "label": "asserted"}), timeout=30)
    assert resp.status_code == 202, resp.text
    job_id = resp.json()["job"]["id"]
    def get_job():
        return httpx.get(f"{server.url}/v1/jobs/{job_id}", timeout=10).json()["job"]

    # Wait until it is really training (extend mode: the whole corpus).
    job = poll(get_job, lambda j: j["state"] == "training", timeout=60)
    time.sleep(2)
    pids = _trainer_pids(registry_dir)
    # the trainer, and with two cores one forked process per language
    trainers = [p for p in pids if (process_state(p) or ("", 0))[1] not in pids]
    assert len(trainers) == 1 and job["state"] == "training", (pids, job)
    os.kill(trainers[0], signal.SIGKILL)
    job = poll(get_job, lambda j: j["state"] == "failed", timeout=30)
    assert job["state"] == "failed" and "SIGKILL" in job["reason"]
    assert poll(lambda: _trainer_pids(registry_dir), lambda left: not left, timeout=10) == []  # none trains on
    assert Registry(registry_dir).versions() == before  # no partial version is visible
    assert _score(server.url).status_code == 200
    models = httpx.get(server.url + "/v1/models", timeout=10).json()
    assert [v["version"] for v in models["versions"]] == before
    # A restarted service comes up on the active version and sweeps the dead trainer's leftovers.
    server.stop()
    restarted = Server(registry_dir).start()
    try:
        ready = httpx.get(restarted.url + "/v1/health/ready", timeout=10).json()
        assert ready["model"]["version"] == before[0]
        assert not list(registry_dir.glob(".tmp-*"))
    finally:
        restarted.stop()


def test_swap_under_load_fails_no_request(server, registry_dir):
    active = Registry(registry_dir).active_version()
    other = copy_version(registry_dir, "copy-" + active)
    sent, failed, stop = [0], [], threading.Event()

    def client():
        with httpx.Client(timeout=30) as http:
            for _ in range(2000):
                if stop.is_set():
                    break
                r = http.post(server.url + "/v1/analyze", json={"text": "Officials said the toll could rise.",
                                                                "lang": "en"})
                sent[0] += 1
                if r.status_code != 200:
                    failed.append((r.status_code, r.text[:200]))

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    versions = []
    for target in [other, active, other, active]:
        r = httpx.post(f"{server.url}/v1/models/{target}/activate", headers=AUTH, timeout=60)
        assert r.status_code == 200, r.text
        versions.append(httpx.get(server.url + "/v1/health/ready", timeout=10).json()["model"]["version"])
        time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    print(f"swap under load: {sent[0]} requests, {len(failed)} failed")
    assert versions == [other, active, other, active]
    assert sent[0] > 20 and failed == []


def test_tampered_active_pointer_is_refused_and_logged(server, registry_dir):
    active = Registry(registry_dir).active_version()
    copy_version(registry_dir, "tampered", tamper=True)
    # Someone switches the pointer behind the service's back (e.g. the registry CLI on another host).
    (registry_dir / "ACTIVE").write_text("tampered\n")
    for _ in range(6):  # the watcher looks at the pointer about once a second
        assert _score(server.url).status_code == 200
        time.sleep(0.5)
    assert httpx.get(server.url + "/v1/health/ready", timeout=10).json()["model"]["version"] == active
    log = server.stop()
    assert "refused model version tampered" in log and "does not match" in log


def test_malformed_upload_is_rejected_with_line_numbers(server, registry_dir):
    good = json.loads(open(DEFAULT_TRAIN, encoding="utf-8").readline())
    body = json.dumps(good) + "\n" + '{"text": "x", "lang": "fr"}\n' + "not json\n"
    r = httpx.post(server.url + "/v1/models", content=body, timeout=30,
                   headers={**AUTH, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 400
    assert [p["line"] for p in r.json()["error"]["problems"]] == [2, 3]
    assert Registry(registry_dir).versions() == [Registry(registry_dir).active_version()]
    assert _trainer_pids(registry_dir) == []


def test_writer_killed_mid_write_leaves_only_a_hidden_folder(tmp_path):
    """kill -9 while a version folder is being written: readers never see it; cleanup removes it."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from service.storage.atomic import atomic_directory\n"
        "with atomic_directory(Path(sys.argv[1]) / 'v2') as tmp:\n"
        "    (tmp / 'card.json').write_text('{}')\n"
        "    (tmp / 'model.joblib').write_bytes(b'half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    root = tmp_path / "models"
    root.mkdir()
    proc = subprocess.run([sys.executable, "-c", code, str(root)], cwd=ROOT, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert len(list(root.glob(".tmp-*"))) == 1
    reg = Registry(root)
    assert reg.versions() == [] and not (root / "v2").exists()
    assert len(reg.cleanup()) == 1 and not list(root.glob(".tmp-*"))


def test_several_worker_processes_serve_and_share_the_registry(registry_dir):
    srv = LiveServer(registry_dir, env={"ADMIN_TOKEN": TOKEN, "LOG_LEVEL": "WARNING"}, workers=2).start()
    try:
        with httpx.Client(timeout=30) as http:
            codes = [http.post(srv.url + "/v1/score", json={"sentences": ["It may rain."], "lang": "en"}).status_code
                     for _ in range(20)]
            assert codes == [200] * 20
            other = copy_version(registry_dir, "copy-" + Registry(registry_dir).active_version())
            assert http.post(f"{srv.url}/v1/models/{other}/activate", headers=AUTH).status_code == 200
            # The other worker follows the ACTIVE pointer within seconds.
            versions = poll(lambda: {http.get(srv.url + "/v1/health/ready").json()["model"]["version"]
                                     for _ in range(10)}, lambda v: v == {other}, timeout=20, interval=0.5)
            assert versions == {other}
    finally:
        srv.stop()
