"""Evaluate a model folder on labelled files, beside the majority and lexicon-rule baselines.

    python -m training.evaluate --model models/<version> --data seeds/test.jsonl [--json] [--fast]
"""
from __future__ import annotations

import argparse
import json
import sys

from service.core.classifier import Classifier
from service.core.vocabulary import LABELS
from service.storage.artifacts import ModelError
from service.storage.registry import model_or_active
from training.baselines import lexicon_predict, majority_predict
from training.corpus import CorpusError, load_files
from training.metrics import classification_report


def evaluate(clf: Classifier, corpus, fast: bool = False) -> dict:
    """Per language: the model's report and both baselines' reports."""
    results = {}
    train_counts = clf.card.get("training_data", {}).get("counts", {})
    for lang in sorted(corpus.counts()):
        examples = corpus.by_lang(lang)
        texts, gold = [e.text for e in examples], [e.label for e in examples]
        if lang not in clf.languages:
            results[lang] = {"error": f"the model has no {lang} pipeline"}
            continue
        proba = clf.predict_proba(texts, lang, fast=fast)
        pred = [LABELS[i] for i in proba.argmax(axis=1)]
        counts = train_counts.get(lang) or {lab: gold.count(lab) for lab in LABELS}
        majority_labels = [lab for lab, n in counts.items() for _ in range(n)]
        results[lang] = {
            "model": classification_report(gold, pred, proba),
            "majority": classification_report(gold, majority_predict(majority_labels, len(gold))),
            "lexicon": classification_report(gold, lexicon_predict(texts, lang)),
        }
    return results


def format_table(results: dict) -> str:
    lines = []
    for lang, res in results.items():
        if "error" in res:
            lines.append(f"[{lang}] {res['error']}")
            continue
        n = res["model"]["n"]
        lines.append(f"[{lang}] {n} sentences")
        head = f"{'':14}" + "".join(f"{name:>28}" for name in ("model", "lexicon baseline", "majority baseline"))
        lines.append(head)
        lines.append(f"{'label':14}" + f"{'P     R     F1':>28}" * 3)
        for lab in LABELS:
            row = f"{lab:14}"
            for system in ("model", "lexicon", "majority"):
                p = res[system]["per_label"][lab]
                row += f"{p['precision']:>16.3f}{p['recall']:>6.3f}{p['f1']:>6.3f}"
            lines.append(row)
        for key in ("macro_f1", "accuracy"):
            lines.append(f"{key:14}" + "".join(f"{res[s][key]:>28.3f}" for s in ("model", "lexicon", "majority")))
        cal = res["model"].get("calibration")
        if cal:
            lines.append(f"{'calibration':14}{'Brier ' + format(cal['brier'], '.3f') + ', ECE ' + format(cal['ece'], '.3f'):>28}")
        lines.append("")
    return "\n".join(lines)


def model_and_corpus(model: str | None, data: list[str]) -> tuple | None:
    """(classifier, corpus) for an evaluation command, or None once the error (a file and line,
    or what is wrong with the model) is printed."""
    try:
        return model_or_active(model), load_files(data)
    except (ModelError, CorpusError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="a model folder (default: the active version in models/)")
    ap.add_argument("--data", nargs="+", required=True, help="labelled JSONL or CSV files")
    ap.add_argument("--fast", action="store_true", help="evaluate the fast (no-parse) mode")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    loaded = model_and_corpus(args.model, args.data)
    if loaded is None:
        return 2
    clf, corpus = loaded
    results = evaluate(clf, corpus, fast=args.fast)
    if args.json:
        print(json.dumps({"model": {"name": clf.name, "version": clf.version}, "fast": args.fast,
                          "results": results}, indent=2))
    else:
        print(f"model {clf.name} {clf.version}{' (fast mode)' if args.fast else ''}\n")
        print(format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
