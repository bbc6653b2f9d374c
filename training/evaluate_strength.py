"""Evaluate a model's strength outputs: the test split and the held-out minimal pairs.

    python -m training.evaluate_strength [--model models/<version>] [--data seeds/test.jsonl]
                                         [--pairs seeds/strength_pairs.jsonl] [--json]

Per language, on the labelled rows: level accuracy and mean absolute error in levels (rows
with a gold level), Spearman between commitment and the gold level, sourcing macro-F1 over the
five classes (the served sourcing: ``none`` unless the sentence is labelled attributed). On the
pairs and triples (ordered weakest to strongest, never trained on): the share of pairs of
sentences with different gold levels (classes) that commitment (the sourcing class, ordered
none < vague < anonymous < identified < named) puts in the right order; a tie is a miss.
"""
from __future__ import annotations

import argparse
import json
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import f1_score

from service.core.classifier import Classifier
from service.core.strength.inputs import inputs_for
from service.core.vocabulary import LEVELS, SOURCING
from training.corpus import DEFAULT_TEST, SEEDS_DIR
from training.evaluate import model_and_corpus

DEFAULT_PAIRS = SEEDS_DIR / "strength_pairs.jsonl"
IDENTIFIABILITY = ("none", "vague", "anonymous", "identified", "named")  # weakest first


def predict_strength(clf: Classifier, texts: list[str], lang: str, triage: bool = True) -> list:
    """One ``SentenceStrength`` per sentence, as ``analyze`` would compute it for the sentence
    standing alone (raw commitment and level, whatever the label); ``triage=False``: every
    sentence parsed."""
    scored = clf.score(texts, lang, triage=triage)
    preds = scored.predictions()
    parsed = scored.features.get("full", ([], None))[0]
    return clf.sentence_strength(scored, preds, inputs_for(texts, lang, parsed), lang)


def strength_report(clf: Classifier, corpus, triage: bool = True) -> dict:
    """Test-split figures per language (see the module docstring). Training's card records them
    with ``triage=False`` (the models' own figures, whatever the service's triage)."""
    out = {}
    for lang in sorted(corpus.counts()):
        if not clf.has_strength(lang):
            out[lang] = {"error": f"the model has no {lang} strength model"}
            continue
        rows = [e for e in corpus.by_lang(lang) if e.level or e.sourcing]  # the claims
        results = predict_strength(clf, [e.text for e in rows], lang, triage=triage)
        leveled = [(e, r) for e, r in zip(rows, results) if e.level]
        gold = np.array([LEVELS.index(e.level) for e, _ in leveled])
        pred = np.array([LEVELS.index(r.level) for _, r in leveled])
        score = np.array([r.commitment for _, r in leveled])
        sourced = [(e.sourcing, r.sourcing) for e, r in zip(rows, results) if e.sourcing]
        out[lang] = {
            "n": len(leveled),
            "level_accuracy": round(float((gold == pred).mean()), 4),
            "level_mae": round(float(np.abs(gold - pred).mean()), 4),
            "spearman": round(float(spearmanr(score, gold).statistic), 4),
            "sourcing_macro_f1": round(float(f1_score([g for g, _ in sourced], [p for _, p in sourced],
                                                      labels=list(SOURCING), average="macro", zero_division=0)), 4),
            "sourcing_n": len(sourced),
        }
    return out


def pairs_report(clf: Classifier, items: list[dict]) -> dict:
    """Share of correctly ordered pairs, per language and kind."""
    out: dict = {}
    for lang in sorted({it["lang"] for it in items}):
        if not clf.has_strength(lang):
            continue
        mine = [it for it in items if it["lang"] == lang]
        texts = [s for it in mine for s in it["sentences"]]
        results = iter(predict_strength(clf, texts, lang))
        tally = {"commitment": [0, 0], "sourcing": [0, 0]}
        for it in mine:
            got = [next(results) for _ in it["sentences"]]
            if it["kind"] == "commitment":
                gold, value = [LEVELS.index(g) for g in it["gold"]], [r.commitment for r in got]
            else:
                gold = [IDENTIFIABILITY.index(g) for g in it["gold"]]
                value = [IDENTIFIABILITY.index(r.sourcing) for r in got]
            for i, j in combinations(range(len(gold)), 2):
                if gold[i] != gold[j]:
                    tally[it["kind"]][1] += 1
                    tally[it["kind"]][0] += (value[i] - value[j]) * (gold[i] - gold[j]) > 0
        out[lang] = {kind: {"pairs": n, "in_order": round(ok / n, 4) if n else None}
                     for kind, (ok, n) in tally.items()}
    return out


def read_pairs(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def format_report(clf, results: dict) -> list[str]:
    lines = [f"model {clf.name} {clf.version}"]
    for lang, res in results["test"].items():
        lines.append(f"[{lang}] {res['error']}" if "error" in res else
                     f"[{lang}] test split, {res['n']} claims: level accuracy {res['level_accuracy']:.3f}, "
                     f"MAE {res['level_mae']:.3f} levels, Spearman(commitment, level) {res['spearman']:.3f}; "
                     f"sourcing macro-F1 {res['sourcing_macro_f1']:.3f} ({res['sourcing_n']} sentences)")
    lines += [f"[{lang}] pairs in the right order: commitment {res['commitment']['in_order']} "
              f"({res['commitment']['pairs']} pairs), sourcing {res['sourcing']['in_order']} "
              f"({res['sourcing']['pairs']} pairs)" for lang, res in results["pairs"].items()]
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.evaluate_strength", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="a model folder (default: the active version in models/)")
    ap.add_argument("--data", nargs="+", default=[str(DEFAULT_TEST)], help="labelled files (default: the test split)")
    ap.add_argument("--pairs", default=str(DEFAULT_PAIRS), help="minimal pairs and triples (JSONL)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    loaded = model_and_corpus(args.model, args.data)
    if loaded is None:
        return 2
    clf, corpus = loaded
    if clf.strength is None:
        print(f"error: model {clf.version} has no strength models (trained before them); retrain it", file=sys.stderr)
        return 2
    results = {"test": strength_report(clf, corpus), "pairs": pairs_report(clf, read_pairs(args.pairs))}
    if args.json:
        print(json.dumps({"model": clf.version, **results}, indent=2))
        return 0
    print("\n".join(format_report(clf, results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
