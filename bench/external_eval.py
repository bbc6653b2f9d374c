"""Score the shipped model on the open benchmarks in ../shared/bench (evaluation only).

    python bench/external_eval.py [--bench-dir ../shared/bench] [--model DIR] [--fast] [--json]

Their label schemes are not ours; each is mapped as its README advises:
- polnear_sentences: attributed vs not_attributed  -> our attributed vs everything else;
- wiki_uncertainty: uncertain vs certain           -> our hedged or attributed vs asserted or none;
- science_certainty: 1-6 certainty                 -> Spearman rho with P(asserted) and with -P(hedged).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from service.core.classifier import Classifier
from service.core.features import LABELS  # noqa: E402
from service.storage.registry import model_or_active  # noqa: E402


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _binary(gold: list[bool], pred: list[bool]) -> dict:
    p, r, f, _ = precision_recall_fscore_support(gold, pred, average="binary", zero_division=0)
    return {"n": len(gold), "precision": round(float(p), 4), "recall": round(float(r), 4),
            "f1": round(float(f), 4), "accuracy": round(float(accuracy_score(gold, pred)), 4)}


def run(clf: Classifier, bench: Path, fast: bool) -> dict:
    out = {}
    i_att, i_hed, i_ass = LABELS.index("attributed"), LABELS.index("hedged"), LABELS.index("asserted")
    rows = _read(bench / "polnear_sentences.jsonl")
    proba = clf.predict_proba([r["text"] for r in rows], "en", fast=fast)
    pred = proba.argmax(axis=1)
    out["polnear_sentences (attributed vs rest)"] = _binary([r["label"] == "attributed" for r in rows],
                                                            list(pred == i_att))
    rows = _read(bench / "wiki_uncertainty.jsonl")
    proba = clf.predict_proba([r["text"] for r in rows], "en", fast=fast)
    pred = proba.argmax(axis=1)
    out["wiki_uncertainty (uncertain = hedged|attributed)"] = _binary(
        [r["label"] == "uncertain" for r in rows], list((pred == i_hed) | (pred == i_att)))
    out["wiki_uncertainty (uncertain = hedged only)"] = _binary(
        [r["label"] == "uncertain" for r in rows], list(pred == i_hed))
    rows = _read(bench / "science_certainty.jsonl")
    proba = clf.predict_proba([r["text"] for r in rows], "en", fast=fast)
    certainty = np.array([r["certainty"] for r in rows])
    out["science_certainty (Spearman)"] = {
        "n": len(rows),
        "rho_P_asserted": round(float(spearmanr(certainty, proba[:, i_ass]).statistic), 4),
        "rho_minus_P_hedged": round(float(spearmanr(certainty, -proba[:, i_hed]).statistic), 4),
    }
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parent.parent
    ap.add_argument("--bench-dir", default=str(root.parent / "shared" / "bench"))
    ap.add_argument("--model", help="model folder (default: the active version)")
    ap.add_argument("--fast", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    bench = Path(args.bench_dir)
    if not (bench / "polnear_sentences.jsonl").exists():
        print(f"error: no benchmark files in {bench}", file=sys.stderr)
        return 2
    clf = model_or_active(args.model)
    t0 = time.perf_counter()
    results = run(clf, bench, args.fast)
    if args.json:
        print(json.dumps({"model": clf.version, "fast": args.fast, "results": results}, indent=2))
        return 0
    print(f"model {clf.version}{' (fast mode)' if args.fast else ''}; {time.perf_counter() - t0:.1f} s")
    for name, res in results.items():
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in res.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
