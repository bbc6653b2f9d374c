"""Score the shipped model on the open benchmarks in ../shared/bench (evaluation only).

    python bench/external_eval.py [--bench-dir ../shared/bench] [--model DIR] [--fast] [--json]

Their label schemes are not ours; each is mapped as its README advises:
- polnear_sentences: attributed vs not_attributed  -> our attributed vs everything else;
- wiki_uncertainty: uncertain vs certain           -> our hedged or attributed vs asserted or none;
- science_certainty: 1-6 certainty                 -> Spearman rho with P(asserted) and with -P(hedged).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent))

from open_bench import binary_scores, evaluation_main, read_rows  # noqa: E402

from service.core.vocabulary import LABELS  # noqa: E402


def run(clf, bench: Path, fast: bool) -> dict:
    out = {}
    i_att, i_hed, i_ass = LABELS.index("attributed"), LABELS.index("hedged"), LABELS.index("asserted")
    rows = read_rows(bench / "polnear_sentences.jsonl")
    proba = clf.predict_proba([r["text"] for r in rows], "en", fast=fast)
    pred = proba.argmax(axis=1)
    out["polnear_sentences (attributed vs rest)"] = binary_scores([r["label"] == "attributed" for r in rows],
                                                            list(pred == i_att))
    rows = read_rows(bench / "wiki_uncertainty.jsonl")
    proba = clf.predict_proba([r["text"] for r in rows], "en", fast=fast)
    pred = proba.argmax(axis=1)
    out["wiki_uncertainty (uncertain = hedged|attributed)"] = binary_scores(
        [r["label"] == "uncertain" for r in rows], list((pred == i_hed) | (pred == i_att)))
    out["wiki_uncertainty (uncertain = hedged only)"] = binary_scores(
        [r["label"] == "uncertain" for r in rows], list(pred == i_hed))
    rows = read_rows(bench / "science_certainty.jsonl")
    proba = clf.predict_proba([r["text"] for r in rows], "en", fast=fast)
    certainty = np.array([r["certainty"] for r in rows])
    out["science_certainty (Spearman)"] = {
        "n": len(rows),
        "rho_P_asserted": round(float(spearmanr(certainty, proba[:, i_ass]).statistic), 4),
        "rho_minus_P_hedged": round(float(spearmanr(certainty, -proba[:, i_hed]).statistic), 4),
    }
    return out


def main(argv=None) -> int:
    return evaluation_main(__doc__, run, argv, fast_option=True)


if __name__ == "__main__":
    sys.exit(main())
