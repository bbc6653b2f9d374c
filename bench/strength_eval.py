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

import sys
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent))

from open_bench import binary_scores, evaluation_main, read_rows  # noqa: E402

from service.core.vocabulary import LABELS  # noqa: E402
from training.evaluate_strength import predict_strength  # noqa: E402


def science(clf, bench: Path) -> dict:
    rows = read_rows(bench / "science_certainty.jsonl")
    texts = [r["text"] for r in rows]
    results = predict_strength(clf, texts, "en")
    certainty = np.array([r["certainty"] for r in rows])
    commitment = np.array([r.commitment for r in results])
    asserted = clf.predict_proba(texts, "en")[:, LABELS.index("asserted")]
    return {"n": len(rows), "rho_commitment": round(float(spearmanr(certainty, commitment).statistic), 4),
            "rho_P_asserted": round(float(spearmanr(certainty, asserted).statistic), 4)}


def wiki(clf, bench: Path) -> dict:
    rows = read_rows(bench / "wiki_uncertainty.jsonl")
    results = predict_strength(clf, [r["text"] for r in rows], "en")
    threshold = clf.strength.models["full"]["en"].threshold
    pred = [r.label != "none" and (r.commitment < threshold or r.sourcing == "vague") for r in results]
    gold = [r["label"] == "uncertain" for r in rows]
    return {"threshold": threshold, **binary_scores(gold, pred)}


def run(clf, bench: Path, fast: bool = False) -> dict:
    return {"science_certainty (Spearman)": science(clf, bench), "wiki_uncertainty": wiki(clf, bench)}


def main(argv=None) -> int:
    return evaluation_main(__doc__, run, argv, needs_strength=True)


if __name__ == "__main__":
    sys.exit(main())
