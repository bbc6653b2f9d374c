"""Liveness under load: ``python bench/bench_liveness.py [--clients 8] [--seconds 60]``.

Starts the real server (``python -m service``, default settings, 127.0.0.1) and, while
``--clients`` clients post ~1 MiB articles to ``/v1/analyze`` back to back, probes
``/v1/health/live`` every 0.2 s on fresh connections. Prints the probes' worst and median
latency (target: under 1 s), the big requests' outcomes (200, or the JSON 503 of a request past its
budget) and two slow-loris connections held open the whole time.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.storage.registry import ROOT_DEFAULT  # noqa: E402
from tests.conftest import SEED_ARTICLE, LiveServer  # noqa: E402

SENTENCES = [s.strip() for s in SEED_ARTICLE.replace("\n", " ").split(". ") if s.strip()]


def big_article(i: int, size: int = (1 << 20) - 4096) -> str:
    """About ``size`` bytes of news copy, numbered so that no cache helps, in long sentences (the
    seed article's, five joined by semicolons) so that it stays under the 2,000-sentence limit."""
    out, n, k = [], 0, 0
    while n < size - 3000:
        line = "; ".join(SENTENCES[(k + j) % len(SENTENCES)] for j in range(5)) + f" ({i}-{k}).\n"
        out.append(line)
        n += len(line.encode("utf-8"))
        k += 1
    return "".join(out)


OUTCOMES = ROOT / "bench" / "out" / "liveness_outcomes.jsonl"


def run_clients(url: str, clients: int) -> None:
    """``clients`` threads posting big articles back to back; each outcome is appended to OUTCOMES."""
    OUTCOMES.parent.mkdir(parents=True, exist_ok=True)
    OUTCOMES.write_text("")
    lock = threading.Lock()

    def client(k: int) -> None:
        with httpx.Client(timeout=300) as c:
            for i in range(10**6):
                body = json.dumps({"text": big_article(k * 1000 + i), "lang": "fr"}, ensure_ascii=False)
                r = c.post(url + "/v1/analyze", content=body.encode("utf-8"),
                           headers={"Content-Type": "application/json"})
                is_json = r.headers.get("content-type", "").startswith("application/json")
                code = r.json().get("error", {}).get("code", "ok") if is_json else "not-json"
                with lock, OUTCOMES.open("a") as fh:
                    fh.write(json.dumps([r.status_code, code]) + "\n")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def read_outcomes() -> Counter:
    if not OUTCOMES.exists():
        return Counter()
    return Counter(tuple(json.loads(line)) for line in OUTCOMES.read_text().splitlines() if line)


def slow_loris(url: str, stop: threading.Event) -> None:
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall(b"POST /v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(5):
            s.sendall(b"X-Slow: 1\r\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args(argv)
    server = LiveServer(ROOT_DEFAULT, workers=2).start()
    stop, outcomes, probes = threading.Event(), Counter(), []
    try:
        # The clients run in another process, so that this one's probes are not slowed by their work.
        load = multiprocessing.get_context("spawn").Process(target=run_clients, args=(server.url, args.clients),
                                                            daemon=True)
        load.start()
        threads = [threading.Thread(target=slow_loris, args=(server.url, stop), daemon=True) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(2)
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            t0 = time.perf_counter()
            try:
                ok = httpx.get(server.url + "/v1/health/live", timeout=30).status_code == 200
            except httpx.HTTPError:
                ok = False
            probes.append((time.perf_counter() - t0, ok))
            time.sleep(0.2)
        stop.set()
        load.terminate()
        outcomes.update(read_outcomes())
    finally:
        server.stop()
    latencies = [t for t, _ in probes]
    print(f"{args.clients} clients posting ~1 MiB articles, 2 slow-loris connections, {args.seconds:.0f} s")
    print(f"liveness probes: {len(probes)}, failed {sum(not ok for _, ok in probes)}, "
          f"worst {max(latencies) * 1000:.1f} ms, median {statistics.median(latencies) * 1000:.1f} ms "
          f"({'under' if max(latencies) < 1 else 'OVER'} the 1 s target)")
    print("big requests:", ", ".join(f"{s} {c}: {n}" for (s, c), n in sorted(outcomes.items())) or "none finished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
