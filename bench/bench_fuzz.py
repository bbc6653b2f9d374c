"""Damaged real text (training/damage.py) through /v1/analyze, in-process (Flask test client of the
shipped model), thousands of cases: failures, timeouts, offset breaks and the slowest cases.

    python bench/bench_fuzz.py [--cases 20000] [--seed 0] [--max-chars 20000] [--workers 2] [--timeout 10]

Each worker (multiprocessing, spawn) loads the app once and generates its cases itself (case i of a
run is ``training.damage.case(seed, i, max_chars)``). A case over ``--timeout`` seconds is stopped by
SIGALRM, recorded and skipped. Every failure, timeout and offset break is written to
bench/out/fuzz_failures.jsonl with its reproducer. Exits 0 always; the last line says whether the
target (0 failures, 0 timeouts, 0 offset breaks) was met.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import queue
import signal
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.damage import case, offset_problems  # noqa: E402

OUT = ROOT / "bench" / "out" / "fuzz_failures.jsonl"
_client = None
_timeout = 10.0


class CaseTimeout(BaseException):
    """Raised by SIGALRM; not an Exception, so the app's error handler cannot turn it into a 500."""


def _alarm(signum, frame):
    raise CaseTimeout


def _init(timeout: float) -> None:
    global _client, _timeout
    from service import create_app

    app = create_app({"LOAD_MODEL": "sync"})
    assert app.extensions["model_store"].ready, app.extensions["model_store"].error
    _client, _timeout = app.test_client(), timeout
    signal.signal(signal.SIGALRM, _alarm)


def run_case(args: tuple[int, int, int]) -> dict:
    """One case: its outcome (ok, 4xx, failed, timeout, offsets), time and, unless ok, reproducer."""
    seed, i, max_chars = args
    lang, text, what = case(seed, i, max_chars)
    out = {"i": i, "lang": lang, "chars": len(text), "description": what}
    t0 = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, _timeout)
    try:
        resp = _client.post("/v1/analyze", json={"text": text, "lang": lang})
    except CaseTimeout:
        out.update(outcome="timeout", failed=f"over {_timeout:g} s")
    except Exception as exc:  # noqa: BLE001 - a crash outside the app's own handler
        out.update(outcome="failed", failed=f"exception {type(exc).__name__}: {exc}")
    else:
        body = resp.get_json(silent=True)
        if resp.status_code == 200 and body:
            problems = offset_problems(text, body)
            out.update(outcome="offsets", failed="; ".join(problems[:5])) if problems else out.update(outcome="ok")
        elif (400 <= resp.status_code < 500 or resp.status_code in (503, 504)) and body and "error" in body:
            out.update(outcome="4xx", code=f"{resp.status_code} {body['error'].get('code')}")
        else:
            out.update(outcome="failed", failed=f"HTTP {resp.status_code}: {resp.get_data(as_text=True)[:300]}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    out["seconds"] = time.perf_counter() - t0
    if out["outcome"] in ("timeout", "failed", "offsets"):
        out["text"] = text
    return out


def main() -> None:
    """Options, the fuzz loop and its summary in one place: the loop's counters feed the summary
    lines directly, and a reader follows one case from generation to verdict top to bottom."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-chars", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()

    OUT.parent.mkdir(parents=True, exist_ok=True)
    counts, codes, results = Counter(), Counter(), []
    done: set[int] = set()
    t0 = time.perf_counter()
    ctx = mp.get_context("spawn")
    pool = ctx.Pool(args.workers, initializer=_init, initargs=(args.timeout,))
    jobs = [(args.seed, i, args.max_chars) for i in range(args.cases)]
    # A case the alarm cannot stop (a C loop holding the GIL) stalls its worker: after a long silence
    # the run ends and the cases never answered are recorded as hard timeouts.
    stall = max(120.0, 6 * args.timeout)
    with OUT.open("w", encoding="utf-8") as fh:
        it = pool.imap_unordered(run_case, jobs)  # chunksize 1: an iterator with next(timeout)
        while len(done) < args.cases:
            try:
                r = it.next(timeout=stall + (60 if not done else 0))
            except (mp.TimeoutError, queue.Empty):
                print(f"no answer for {stall:.0f} s: stopping; unanswered cases are hard timeouts", flush=True)
                pool.terminate()
                for i in sorted(set(range(args.cases)) - done):
                    lang, text, what = case(args.seed, i, args.max_chars)
                    r = {"i": i, "lang": lang, "chars": len(text), "description": what, "outcome": "timeout",
                         "failed": "hard hang (worker stopped answering) or not run", "seconds": float("nan"), "text": text}
                    counts["timeout"] += 1
                    fh.write(json.dumps({k: r[k] for k in ("lang", "text", "description", "failed", "i")}, ensure_ascii=False) + "\n")
                break
            done.add(r["i"])
            counts[r["outcome"]] += 1
            if r["outcome"] == "4xx":
                codes[r["code"]] += 1
            if "text" in r:
                fh.write(json.dumps({"lang": r["lang"], "text": r["text"], "description": r["description"],
                                     "failed": f"{r['outcome']}: {r['failed']}", "i": r["i"]}, ensure_ascii=False) + "\n")
                fh.flush()
            results.append({k: r[k] for k in ("i", "seconds", "chars", "description")})
            if len(done) % 1000 == 0:
                print(f"  {len(done)} cases, {time.perf_counter() - t0:.0f} s", flush=True)
    pool.close()
    pool.join()
    total = time.perf_counter() - t0

    ran = sum(counts.values())
    print(f"cases run: {ran} (seed {args.seed}, max {args.max_chars} chars, {args.workers} workers, timeout {args.timeout:g} s)")
    print(f"OK: {counts['ok']}")
    print(f"4xx: {counts['4xx']}" + "".join(f"\n  {c}: {n}" for c, n in sorted(codes.items())))
    print(f"failed (500 or exception): {counts['failed']}")
    print(f"timed out: {counts['timeout']}")
    print(f"offset breaks: {counts['offsets']}")
    print("slowest cases:")
    for r in sorted(results, key=lambda r: -r["seconds"])[:5]:
        print(f"  {r['seconds']:7.2f} s  {r['chars']:6d} chars  case {r['i']}: {r['description']}")
    print(f"total: {total:.1f} s (including model loads), {ran / total:.1f} cases/s")
    bad = counts["failed"] + counts["timeout"] + counts["offsets"]
    if bad:
        print(f"reproducers: {OUT.relative_to(ROOT)}")
    print("TARGET MET: 0 failures" if not bad else f"TARGET MISSED: {bad} failing cases")


if __name__ == "__main__":
    main()
