"""What the two scripts that score a model on ../shared/bench share: reading its files, choosing
the model, and printing the results (evaluation only: nothing is trained or tuned on them)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sklearn.metrics import accuracy_score, precision_recall_fscore_support

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.storage.registry import model_or_active  # noqa: E402


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def binary_scores(gold: list[bool], pred: list[bool]) -> dict:
    p, r, f, _ = precision_recall_fscore_support(gold, pred, average="binary", zero_division=0)
    return {"n": len(gold), "precision": round(float(p), 4), "recall": round(float(r), 4),
            "f1": round(float(f), 4), "accuracy": round(float(accuracy_score(gold, pred)), 4)}


def evaluation_main(doc: str, run, argv=None, fast_option: bool = False, needs_strength: bool = False) -> int:
    """Parse the common options, load the model, ``run(clf, bench_dir, fast)`` -> {name: figures},
    print them (or their JSON). Exit 2 with a message when the files or the model are missing."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parent.parent
    ap.add_argument("--bench-dir", default=str(root.parent / "shared" / "bench"))
    ap.add_argument("--model", help="model folder (default: the active version)")
    if fast_option:
        ap.add_argument("--fast", action="store_true", help="the fast (no parse) model")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    bench, fast = Path(args.bench_dir), getattr(args, "fast", False)
    if not (bench / "science_certainty.jsonl").exists():
        print(f"error: no benchmark files in {bench}", file=sys.stderr)
        return 2
    clf = model_or_active(args.model)
    if needs_strength and not clf.has_strength("en"):
        print(f"error: model {clf.version} has no English strength model", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    results = run(clf, bench, fast)
    if args.json:
        print(json.dumps({"model": clf.version, "fast": fast, "results": results}, indent=2))
        return 0
    print(f"model {clf.version}{' (fast mode)' if fast else ''}; {time.perf_counter() - t0:.1f} s")
    for name, res in results.items():
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in res.items()))
    return 0
