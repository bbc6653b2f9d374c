"""``python -m training.train`` on the shipped corpus, with the cross-validation folds in one
process (``--jobs 1``, the earlier code path) and in one process per core, in the same run; checks
that both write the same artifact bytes and the same card metrics.

    python bench/bench_train.py [--jobs N]

Each run trains into its own temporary registry (nothing under models/ changes).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
import figures  # noqa: E402  (bench/ is the script's folder, first on sys.path)

ROOT = Path(__file__).resolve().parent.parent


def run(jobs: int, out: Path) -> tuple[float, str, dict]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "training.train", "--model-dir", str(out), "--activate", "always",
                           "--quiet", "--jobs", str(jobs)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"training with --jobs {jobs} failed:\n{proc.stderr[-2000:]}")
    version = (out / "ACTIVE").read_text().strip()
    digest = hashlib.sha256((out / version / "model.joblib").read_bytes()).hexdigest()
    metrics = json.loads((out / version / "card.json").read_text())["metrics"]
    return seconds, digest, metrics


def _differences(a, b, path: str = "") -> list[tuple[str, object, object]]:
    """The leaves where two card metric trees differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _differences(a.get(k), b.get(k), f"{path}.{k}".lstrip("."))]
    return [] if a == b else [(path, a, b)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    figures.add_option(ap)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        one = run(1, Path(tmp) / "one")
        many = run(args.jobs, Path(tmp) / "many")
    same_bytes = one[1] == many[1]
    same_metrics = json.dumps(one[2], sort_keys=True) == json.dumps(many[2], sort_keys=True)
    differ = _differences(one[2], many[2])
    print("\n".join([
        f"training on the shipped corpus ({os.cpu_count()} cores):",
        f"  --jobs 1          {one[0]:7.1f} s",
        f"  --jobs {args.jobs:<10d} {many[0]:7.1f} s   {many[0] / one[0]:.2f}x the single-process run",
        f"  same artifact bytes: {same_bytes} (sha256 {one[1][:16]}…); same card metrics: {same_metrics}",
    ] + [f"    {path}: {a} (--jobs 1) vs {b}" for path, a, b in differ[:20]]))
    figures.write(args.figures, {"one_s": one[0], "many_s": many[0], "jobs": args.jobs, "same_bytes": same_bytes,
                                 "same_metrics": same_metrics})
    return 0


if __name__ == "__main__":
    sys.exit(main())
