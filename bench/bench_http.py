"""HTTP load on a real server at 127.0.0.1, beside the in-process cost of the same work.

    python bench/bench_http.py [--requests 300] [--workers W] [--threads T]

Starts ``python -m service`` (its defaults: a threaded web front, one analysis process per core) on a free loopback
port, then for 1, 8 and 32 concurrent clients (a bounded asyncio + httpx client) sends a fixed
number of requests to ``/v1/score`` (one sentence) and ``/v1/analyze`` (the seed article), every
request with text the server's parse cache has not seen (corpus sentences; seed-article variants
with numbered sentences), plus ``analyze=``: the identical seed article every time (its parses
then come from the cache). Prints requests/s and p50/p99 latency, and at one client the HTTP
overhead: p50 latency minus the same work timed in this process, and minus the app time the
server reports in ``Server-Timing``. Targets (issue 3): HTTP overhead <= 2 ms at p50;
``/v1/analyze`` of the seed article p99 <= 100 ms at 8 concurrent clients.
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Imported first: it sets the server's BLAS threads before numpy loads, so the in-process
# reference below runs with the same setting as the server.
from service.__main__ import cores  # noqa: E402
import figures  # noqa: E402  (bench/ is the script's folder, first on sys.path)

SEED = (ROOT / "seeds" / "000_2061794f87552b70.txt").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def seed_variant(i: int) -> str:
    """The seed article with every sentence made unique (no cache can serve it), same length class."""
    return SEED.replace(".", f" ({i}).").replace("Lire plus :", f"Lire plus ({i}) :")


def sentences() -> list[str]:
    from training.corpus import DEFAULT_TEST, DEFAULT_TRAIN, load_files

    return [e.text for e in load_files([DEFAULT_TRAIN, DEFAULT_TEST]).by_lang("fr")]


async def _load(url: str, bodies, concurrency: int, total: int) -> tuple[float, list[float], int, list[float]]:
    """Elapsed seconds, client latencies, failures, and the app times the server reported."""
    latencies: list[float] = []
    app_times: list[float] = []
    failures = 0
    queue: asyncio.Queue = asyncio.Queue()
    for _ in range(total):
        queue.put_nowait(None)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        async def worker():
            nonlocal failures
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                body = next(bodies)
                t0 = time.perf_counter()
                resp = await client.post(url, json=body)
                latencies.append(time.perf_counter() - t0)
                failures += resp.status_code != 200
                timing = resp.headers.get("server-timing", "")
                if timing.startswith("app;dur="):
                    app_times.append(float(timing.split("=", 1)[1]) / 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    return elapsed, latencies, failures, app_times


def _sequential(port: int, path: str, bodies, total: int) -> tuple[float, float]:
    """p50 latency and p50 server-reported app time (seconds) for one client sending requests one
    after another with the standard library's lean HTTP client (keep-alive whenever the server
    offers it): the overhead figure then holds little of the load tool's own cost."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, app_times = [], []
    for _ in range(total):
        payload = json.dumps(next(bodies))
        t0 = time.perf_counter()
        conn.request("POST", path, payload, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        latencies.append(time.perf_counter() - t0)
        if resp.status != 200:
            raise RuntimeError(f"{path} answered {resp.status}")
        app_times.append(float(resp.getheader("Server-Timing").split("=", 1)[1]) / 1000)
        if resp.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()
    return statistics.median(latencies), statistics.median(app_times)


def in_process(pool: list[str]) -> dict[str, float]:
    """p50 of the same work without HTTP: the classifier / analysis called directly, on texts
    the parse cache has never seen, as in the load test."""
    from service.core.analysis import analyze
    from service.storage.registry import ROOT_DEFAULT, Registry

    clf = Registry(ROOT_DEFAULT).load_active()
    out = {}
    work = {"score": lambda i: clf.predict([pool[-1 - i]], "fr"),
            "analyze": lambda i: analyze(clf, seed_variant(-1 - i), "fr")}
    for name, fn in work.items():
        fn(1000)
        times = []
        for i in range(60):
            t0 = time.perf_counter()
            fn(i)
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=300, help="requests per endpoint and concurrency level")
    ap.add_argument("--workers", type=int, default=None, help="server processes (default: the server's, one per core)")
    ap.add_argument("--threads", type=int, default=None, help="front threads (default: the server's)")
    figures.add_option(ap)
    args = ap.parse_args(argv)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "service", "--port", str(port)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    server = subprocess.Popen(cmd,
                              cwd=ROOT, env=dict(os.environ, LOG_LEVEL="WARNING"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(base + "/v1/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            print("error: the server did not become ready", file=sys.stderr)
            return 2
        pool = sentences()
        local = in_process(pool)
        workers = args.workers or cores()
        kind = f"analysis process(es) behind a front of {args.threads or 'the default number of'} thread(s)"
        print(f"server: gunicorn, {workers} {kind} on {cores()} core(s), 127.0.0.1:{port}; "
              f"{args.requests} requests per cell")
        print(f"in-process p50: score {1000 * local['score']:.2f} ms, analyze(seed) {1000 * local['analyze']:.2f} ms")
        score_bodies = ({"sentences": [pool[i % (len(pool) - 100)]], "lang": "fr"} for i in range(10 ** 9))
        analyze_bodies = ({"text": seed_variant(i), "lang": "fr"} for i in range(10 ** 9))
        same_bodies = ({"text": SEED, "lang": "fr"} for _ in range(10 ** 9))
        cases = {"score": ("/v1/score", score_bodies), "analyze": ("/v1/analyze", analyze_bodies),
                 "analyze=": ("/v1/analyze", same_bodies)}
        print("\nHTTP overhead at p50, one client (http.client, one request after another):")
        for name, (path, bodies) in cases.items():
            _sequential(port, path, bodies, 20)  # warm up
            lat, app = _sequential(port, path, bodies, args.requests)
            vs_local = f", {1000 * (lat - local[name]):+.2f} ms vs in-process" if name in local else ""
            print(f"  {name:10} latency {1000 * lat:7.2f} ms, app {1000 * app:7.2f} ms: "
                  f"{1000 * (lat - app):+.2f} ms vs the server's app time{vs_local} (target <= 2 ms)")
        print("\nLoad (asyncio + httpx, keep-alive pool of one connection per client):")
        print(f"{'endpoint':10}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'fail':>6}  note")
        found = {"in_process_analyze_ms": 1000 * local["analyze"], "in_process_score_ms": 1000 * local["score"]}
        for name, (path, bodies) in cases.items():
            asyncio.run(_load(base + path, bodies, 4, 40))  # warm up
            for concurrency in (1, 8, 32):
                elapsed, lat, failures, app = asyncio.run(_load(base + path, bodies, concurrency, args.requests))
                p50, p99 = 1000 * _percentile(lat, 0.5), 1000 * _percentile(lat, 0.99)
                note = f"app time p50 {1000 * statistics.median(app):.2f} ms" if concurrency == 1 and app else ""
                if name.startswith("analyze") and concurrency == 8:
                    note = f"p99 target <= 100 ms: {'met' if p99 <= 100 else 'NOT met'}"
                print(f"{name:10}{concurrency:>8}{len(lat) / elapsed:>9.1f}{p50:>9.2f}{p99:>9.2f}{failures:>6}  {note}")
                found[f"{name}_c{concurrency}_p99_ms"] = p99
                found[f"{name}_c{concurrency}_per_s"] = len(lat) / elapsed
        figures.write(args.figures, found)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
