"""Every row of the performance table in one command, each beside its baseline measured in the
same run, plus the peak memory of each benchmark's process.

    python bench/bench_all.py [--quick] [--skip train,batch,...] [--keep-logs DIR]

Runs the benchmarks below one after another (each in its own process, so that one's caches and
memory do not help or hurt the next), reads the figures each writes with ``--figures`` and
prints the table. Their own full output goes to ``--keep-logs`` (default: a temporary folder,
shown at the end). Rows and their baselines:

- memory (bench_memory.py): the service with 2 analysis processes, total PSS and one process's
  RSS at rest (no baseline: the target is absolute);
- http (bench_http.py): ``/v1/analyze`` of the seed article with new text each request, 8
  clients, p99; baseline: the same article every time (its parses cached);
- classifier (bench_classifier.py): in-process analysis per sentence vs the spaCy parse alone;
  fast mode sentences/s vs the full model;
- score (bench_score.py): ``/v1/score`` with one sentence, in process, lean path vs
  scikit-learn's own path;
- train (bench_train.py): ``python -m training.train`` with one process per core vs ``--jobs 1``,
  same artifact bytes;
- batch (bench_batch.py): 2 local processes vs 1, Dask LocalCluster vs the local engine.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = {  # name: (script, arguments, quick arguments)
    "memory": ("bench_memory.py", ["--workers", "2"], ["--workers", "2"]),
    "http": ("bench_http.py", ["--requests", "200"], ["--requests", "60"]),
    "classifier": ("bench_classifier.py", ["--n", "6000"], ["--n", "2000"]),
    "score": ("bench_score.py", ["--n", "400", "--rounds", "3"], ["--n", "150", "--rounds", "2"]),
    "train": ("bench_train.py", [], []),
    "batch": ("bench_batch.py", ["--articles", "800"], ["--articles", "200"]),
}


def run(name: str, quick: bool, logs: Path) -> tuple[dict | None, float, float]:
    """(figures or None if it failed, seconds, peak RSS of its process tree's largest waited
    process in MiB)."""
    script, full, short = BENCHES[name]
    out = logs / f"{name}.json"
    cmd = [sys.executable, str(HERE / script), *(short if quick else full), "--figures", str(out)]
    t0 = time.perf_counter()
    with open(logs / f"{name}.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=HERE.parent)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    if proc.returncode != 0 or not out.exists():
        return None, seconds, peak
    return json.loads(out.read_text(encoding="utf-8")), seconds, peak


def rows(f: dict) -> list[tuple[str, str, str, str]]:
    """(measure, baseline in this run, now, target) for each figure found."""
    out = []

    def get(bench: str, key: str):
        return (f.get(bench) or {}).get(key)

    if get("memory", "pss_rest_mib") is not None:
        out.append(("service memory, 2 workers, total PSS at rest", "-", f"{get('memory', 'pss_rest_mib'):.0f} MiB",
                    "<= 700 MB"))
        out.append(("one analysis process at rest, RSS", "-", f"{get('memory', 'worker_rss_rest_mib'):.0f} MiB",
                    "<= 450 MB"))
    if get("http", "analyze_c8_p99_ms") is not None:
        out.append(("/v1/analyze, seed article, new text each request, 8 clients, p99",
                    f"{get('http', 'analyze=_c8_p99_ms'):.0f} ms (same text, parses cached)",
                    f"{get('http', 'analyze_c8_p99_ms'):.0f} ms", "<= 120 ms"))
    if get("classifier", "analysis_ms") is not None:
        out.append(("in-process analysis of new news text, per sentence",
                    f"{get('classifier', 'parse_ms'):.2f} ms (spaCy parse alone); "
                    f"{get('classifier', 'analysis_untriaged_ms'):.2f} ms (every sentence parsed)",
                    f"{get('classifier', 'analysis_ms'):.2f} ms "
                    f"({get('classifier', 'analysis_ms') / get('classifier', 'parse_ms'):.2f}x the parse; "
                    f"{get('classifier', 'triage_skipped_share'):.1%} not parsed)", "<= 1.2 ms"))
        out.append(("fast mode (no parse)", f"{get('classifier', 'full_per_s'):,.0f}/s (full model)",
                    f"{get('classifier', 'fast_per_s'):,.0f} sentences/s", ">= 30,000"))
    if get("score", "lean_ms") is not None:
        out.append(("/v1/score with one sentence, in-process", f"{get('score', 'sklearn_ms'):.2f} ms (sklearn path)",
                    f"{get('score', 'lean_ms'):.2f} ms ({get('score', 'lean_ms') / get('score', 'sklearn_ms'):.2f}x; "
                    f"parse alone {get('score', 'parse_ms'):.2f} ms)", "<= 1.5 ms"))
    if get("train", "many_s") is not None:
        out.append(("python -m training.train on the shipped corpus", f"{get('train', 'one_s'):.0f} s (--jobs 1)",
                    f"{get('train', 'many_s'):.0f} s (--jobs {get('train', 'jobs')}); same bytes: "
                    f"{get('train', 'same_bytes')}", "<= 60 s, same bytes"))
    if get("batch", "two_vs_one") is not None:
        out.append(("batch, 2 processes vs 1 / Dask LocalCluster vs local", "1.00 (1 process) / 1.00 (local)",
                    f"{get('batch', 'two_vs_one'):.2f}x / {get('batch', 'dask_vs_local'):.2f}", ">= 1.85x / >= 0.95"))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller runs (minutes, noisier figures)")
    ap.add_argument("--skip", default="", help=f"comma-separated, of: {', '.join(BENCHES)}")
    ap.add_argument("--keep-logs", metavar="DIR", help="where each benchmark's output goes")
    args = ap.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(BENCHES)
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    logs = Path(args.keep_logs or tempfile.mkdtemp(prefix="bench-all-"))
    logs.mkdir(parents=True, exist_ok=True)
    found, processes = {}, []
    for name in BENCHES:
        if name in skip:
            continue
        print(f"running {BENCHES[name][0]} ...", flush=True)
        figures, seconds, peak = run(name, args.quick, logs)
        found[name] = figures
        processes.append((name, seconds, peak, figures is not None))
    print(f"\n{'measure':68} {'baseline (same run)':38} {'now':44} target")
    for measure, base, now, target in rows(found):
        print(f"{measure:68} {base:38} {now:44} {target}")
    print("\nper benchmark: wall time, peak RSS of its own process (servers and workers are reported by the"
          " benchmark itself, see its log)")
    for name, seconds, peak, ok in processes:
        print(f"  {name:10} {seconds:7.1f} s  {peak:7.0f} MiB  {'ok' if ok else 'FAILED, see ' + str(logs / (name + '.log'))}")
    print(f"logs: {logs}")
    return 0 if all(ok for *_, ok in processes) else 1


if __name__ == "__main__":
    sys.exit(main())
