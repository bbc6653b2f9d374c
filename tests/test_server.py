"""The real server under load and faults (127.0.0.1): liveness while every process analyses,
a hard deadline, a process that dies, a trainer that outlives its web process."""
import json
import os
import signal
import socket
import subprocess
import threading
import time

import httpx
import pytest

from tests.conftest import SEED_ARTICLE, LiveServer, poll

TOKEN = "srv-t0ken"


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _analysis_workers(server: LiveServer) -> list[int]:
    """The analysis processes: children of the zygote, itself a child of the front."""
    (front,) = _children(server.proc.pid)
    zygotes = [p for p in _children(front) if "pool_worker" in _cmdline(p)]
    return [w for z in zygotes for w in _children(z)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.conftest import copy_active_model

    models = copy_active_model(tmp_path_factory.mktemp("srv") / "models")
    srv = LiveServer(models, workers=2, env={"ADMIN_TOKEN": TOKEN, "ANALYZE_BUDGET_S": "2",
                                             "ANALYZE_BUDGET_MAX_S": "2"}).start()
    poll(lambda: len(_analysis_workers(srv)), lambda n: n == 2, timeout=60)
    yield srv
    srv.stop()


def test_liveness_answers_within_a_second_while_every_process_analyses(server):
    article = (SEED_ARTICLE + "\n") * 20  # ~50 KB, a few seconds of analysis
    stop, latencies, statuses = threading.Event(), [], []

    def load():
        with httpx.Client(timeout=60) as c:
            while not stop.is_set():
                statuses.append(c.post(server.url + "/v1/analyze", json={"text": article, "lang": "fr"}).status_code)

    threads = [threading.Thread(target=load) for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    with httpx.Client(timeout=10) as probe:
        for _ in range(25):
            t0 = time.perf_counter()
            assert probe.get(server.url + "/v1/health/live").status_code == 200
            latencies.append(time.perf_counter() - t0)
            time.sleep(0.15)
    stop.set()
    for t in threads:
        t.join()
    assert statuses and set(statuses) <= {200, 503}
    assert max(latencies) < 1.0, latencies


def _raw(server: LiveServer, data: bytes, timeout: float = 10) -> bytes:
    host, port = server.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_a_broken_chunked_body_is_a_json_400(server):
    reply = _raw(server, b"POST /v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), reply[:300]
    assert json.loads(body)["error"]["code"] in ("malformed_body", "bad_request")


def test_slow_clients_do_not_block_liveness(server):
    host, port = server.url.split("//")[1].split(":")
    slow = [socket.create_connection((host, int(port))) for _ in range(4)]
    try:
        for s in slow:
            s.sendall(b"POST /v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never more
        t0 = time.perf_counter()
        assert httpx.get(server.url + "/v1/health/live", timeout=10).status_code == 200
        assert time.perf_counter() - t0 < 1.0
    finally:
        for s in slow:
            s.close()


def test_a_frozen_process_is_killed_at_its_deadline_and_replaced(server):
    before = _analysis_workers(server)
    for pid in before:
        os.kill(pid, signal.SIGSTOP)  # as if stuck in an endless loop
    try:
        t0 = time.perf_counter()
        resp = httpx.post(server.url + "/v1/analyze", json={"text": "Il pleut.", "lang": "fr"}, timeout=60)
        elapsed = time.perf_counter() - t0
    finally:
        for pid in before:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
    assert resp.status_code == 503 and resp.json()["error"]["code"] == "deadline_exceeded", resp.text
    assert "was stopped" in resp.json()["error"]["message"]  # by the front: the process could not answer
    assert elapsed < 30  # budget (2 s) + grace (5 s), with room for a loaded machine; gunicorn's kill is 60 s
    ok = poll(lambda: httpx.post(server.url + "/v1/analyze", json={"text": "Il pleut.", "lang": "fr"}, timeout=30),
              lambda r: r.status_code == 200, timeout=30)
    assert ok.status_code == 200
    assert poll(lambda: len(_analysis_workers(server)), lambda n: n == 2, timeout=30) == 2


def test_a_process_that_dies_mid_request_leaves_a_json_error(server):
    article = (SEED_ARTICLE + "\n") * 15
    result = {}

    def post():
        result["resp"] = httpx.post(server.url + "/v1/analyze", json={"text": article, "lang": "fr"}, timeout=60)

    workers = _analysis_workers(server)
    t = threading.Thread(target=post)
    t.start()
    time.sleep(0.4)
    busy = [p for p in workers if open(f"/proc/{p}/stat").read().split()[2] == "R"] or workers
    for pid in busy:
        os.kill(pid, signal.SIGKILL)  # out of memory, say
    t.join()
    resp = result["resp"]
    assert resp.headers["content-type"].startswith("application/json")
    assert resp.status_code in (200, 503), resp.text  # 200 if the request ran on a process not killed
    if resp.status_code == 503:
        assert resp.json()["error"]["code"] == "worker_lost"
    assert poll(lambda: httpx.post(server.url + "/v1/score", json={"sentences": ["Il pleut."], "lang": "fr"},
                                   timeout=30).status_code, lambda s: s == 200, timeout=30) == 200


def test_a_process_past_its_memory_limit_is_replaced_after_answering(tmp_path):
    """``ANALYSIS_RETIRE_MB``: here every request leaves its process past the limit; each is still
    answered, and a fresh fork serves the next one."""
    from tests.conftest import copy_active_model

    srv = LiveServer(copy_active_model(tmp_path / "models"), workers=1, env={"ANALYSIS_RETIRE_MB": "1"}).start()
    try:
        seen = []
        for text in ("Il pleut.", "Selon le maire, la route est coupée.", "Officials said it may rain."):
            (pid,) = poll(lambda: _analysis_workers(srv), lambda pids: len(pids) == 1 and pids[0] not in seen,
                          timeout=30)
            seen.append(pid)
            r = httpx.post(srv.url + "/v1/score", json={"sentences": [text]}, timeout=30)
            assert r.status_code == 200 and r.json()["results"][0]["label"], r.text
        assert len(set(seen)) == 3
    finally:
        srv.stop()


def _metric(url: str, name: str, **labels) -> float:
    text = httpx.get(url + "/metrics", timeout=10).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_count_requests_and_labels_across_processes(server):
    before = _metric(server.url, "framing_http_requests_total", endpoint="/v1/analyze", status="200")
    labels_before = _metric(server.url, "framing_sentences_analysed_total", lang="fr")
    for _ in range(3):
        r = httpx.post(server.url + "/v1/analyze", json={"text": "Il pleut. Selon le maire, la route est coupée.",
                                                         "lang": "fr"}, timeout=30)
        assert r.status_code == 200
    assert _metric(server.url, "framing_http_requests_total", endpoint="/v1/analyze", status="200") == before + 3
    assert _metric(server.url, "framing_sentences_analysed_total", lang="fr") == labels_before + 6
    assert _metric(server.url, "framing_model_info", ready="true") == 1
    assert "framing_http_request_duration_seconds_bucket" in httpx.get(server.url + "/metrics", timeout=10).text


def test_a_trainer_outlives_its_web_process(server, tmp_path):
    served = _metric(server.url, "framing_http_requests_total")
    rows = [json.loads(line) for line in open("seeds/train.jsonl", encoding="utf-8")][::12]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"}
    resp = httpx.post(server.url + "/v1/models?mode=replace&activate=never", content=data.encode(), headers=auth,
                      timeout=30)
    assert resp.status_code == 202, resp.text
    job_id = resp.json()["job"]["id"]
    (front,) = _children(server.proc.pid)
    trainers = [p for p in _children(front) if "training.train" in _cmdline(p)]
    assert len(trainers) == 1
    os.kill(front, signal.SIGKILL)  # gunicorn starts another front
    assert poll(lambda: _children(server.proc.pid), lambda c: c and c != [front], timeout=30) != [front]
    assert open(f"/proc/{trainers[0]}/cmdline", "rb").read()  # still training
    busy = poll(lambda: httpx.post(server.url + "/v1/models?mode=replace&activate=never", content=data.encode(),
                                   headers=auth, timeout=30), lambda r: r.status_code != 503, timeout=60)
    assert busy.status_code == 409, busy.text  # the orphan still holds the training lock
    job = poll(lambda: httpx.get(f"{server.url}/v1/jobs/{job_id}", timeout=10).json()["job"],
               lambda j: j["state"] in ("succeeded", "failed"), timeout=300)
    assert job["state"] == "succeeded" and job["version"], job  # recorded to its end by the trainer itself
    assert _metric(server.url, "framing_http_requests_total") >= served  # the killed front's counts remain
