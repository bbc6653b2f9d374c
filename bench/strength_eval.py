"""Score a model's strength outputs on the open benchmarks in ../shared/bench (evaluation only:
nothing here is trained, tuned or chosen on them).

    python bench/strength_eval.py --model DIR [--bench-dir ../shared/bench] [--json]

- science_certainty: Spearman rho between commitment and the human certainty rating (1-6),
  beside the label model's P(asserted) for reference;
- wiki_uncertainty: F1 of "uncertain" = commitment below the model's threshold (chosen by
  cross-validation on our own training split when the model was trained, stored in the
  artifact) or sourcing ``vague``. The outputs are those ``/v1/score`` serves: a sentence the
  label model calls ``none`` has no commitment and counts as certain.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import precision_recall_fscore_support

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.core.vocabulary import LABELS  # noqa: E402
from service.storage.registry import model_or_active  # noqa: E402
from training.evaluate_strength import predict_strength  # noqa: E402


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def science(clf, bench: Path) -> dict:
    rows = _read(bench / "science_certainty.jsonl")
    texts = [r["text"] for r in rows]
    results = predict_strength(clf, texts, "en")
    certainty = np.array([r["certainty"] for r in rows])
    commitment = np.array([r.commitment for r in results])
    asserted = clf.predict_proba(texts, "en")[:, LABELS.index("asserted")]
    return {"n": len(rows), "rho_commitment": round(float(spearmanr(certainty, commitment).statistic), 4),
            "rho_P_asserted": round(float(spearmanr(certainty, asserted).statistic), 4)}


def wiki(clf, bench: Path) -> dict:
    rows = _read(bench / "wiki_uncertainty.jsonl")
    results = predict_strength(clf, [r["text"] for r in rows], "en")
    threshold = clf.strength.models["full"]["en"].threshold
    pred = [r.label != "none" and (r.commitment < threshold or r.sourcing == "vague") for r in results]
    gold = [r["label"] == "uncertain" for r in rows]
    p, rec, f, _ = precision_recall_fscore_support(gold, pred, average="binary", zero_division=0)
    return {"n": len(rows), "threshold": threshold, "precision": round(float(p), 4), "recall": round(float(rec), 4),
            "f1": round(float(f), 4)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parent.parent
    ap.add_argument("--bench-dir", default=str(root.parent / "shared" / "bench"))
    ap.add_argument("--model", help="model folder (default: the active version)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    bench = Path(args.bench_dir)
    if not (bench / "science_certainty.jsonl").exists():
        print(f"error: no benchmark files in {bench}", file=sys.stderr)
        return 2
    clf = model_or_active(args.model)
    if not clf.has_strength("en"):
        print(f"error: model {clf.version} has no English strength model", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    results = {"science_certainty (Spearman)": science(clf, bench), "wiki_uncertainty": wiki(clf, bench)}
    if args.json:
        print(json.dumps({"model": clf.version, "results": results}, indent=2))
        return 0
    print(f"model {clf.version}; {time.perf_counter() - t0:.1f} s")
    for name, res in results.items():
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in res.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
