"""Train the claim-presentation model and write a versioned artifact with its model card.

    python -m training.train                       # the shipped corpus in seeds/, into models/
    python -m training.train --data mine.jsonl     # shipped corpus + your rows (--mode extend)
    python -m training.train --data mine.csv --mode replace

Same data and seed give the same model and the same metrics.
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from tqdm import tqdm

from training.classifier import MODES, Classifier
from training.corpus import DEFAULT_TEST, DEFAULT_TRAIN, Corpus, CorpusError, check_disjoint, load_files
from training.features import LABELS, pipeline_for_mode
from training.metrics import classification_report
from training.registry import ROOT_DEFAULT, Registry

MODEL_NAME = "claim-presentation"


def library_versions() -> dict:
    import joblib
    import sklearn
    import spacy

    from training.nlp import SPACY_MODELS

    out = {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
           "spacy": spacy.__version__, "numpy": np.__version__, "joblib": joblib.__version__}
    from importlib.metadata import PackageNotFoundError, version

    for lang, pkg in SPACY_MODELS.items():
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out


def _eval(pipe, texts, labels) -> dict:
    proba = pipe.predict_proba(texts)
    classes = list(pipe.classes_)
    proba = proba[:, [classes.index(lab) for lab in LABELS]]
    pred = [LABELS[i] for i in proba.argmax(axis=1)]
    return classification_report(labels, pred, proba)


def train(train_corpus: Corpus, test_corpus: Corpus | None, seed: int = 0, progress: bool = True,
          cv_folds: int = 5, on_step=None) -> tuple[Classifier, dict]:
    """Fit one pipeline per language and mode; return the classifier and its metrics."""
    langs = sorted(train_corpus.counts())
    steps = [(lang, mode) for lang in langs for mode in MODES]
    pipelines: dict = {mode: {} for mode in MODES}
    metrics: dict = {mode: {"cv": {}, "test": {}} for mode in MODES}
    bar = tqdm(steps, desc="training", unit="model", disable=not progress, file=sys.stderr)
    for done, (lang, mode) in enumerate(bar):
        bar.set_postfix_str(f"{lang}/{mode}")
        examples = train_corpus.by_lang(lang)
        texts, labels = [e.text for e in examples], [e.label for e in examples]
        pipe = pipeline_for_mode(lang, mode, seed=seed)
        min_class = min(labels.count(lab) for lab in set(labels))
        folds = min(cv_folds, min_class)
        if folds >= 2 and len(set(labels)) > 1:
            cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
            proba = cross_val_predict(clone(pipe), texts, labels, cv=cv, method="predict_proba")
            classes = sorted(set(labels))
            full = np.zeros((len(texts), len(LABELS)))
            for j, lab in enumerate(classes):
                full[:, LABELS.index(lab)] = proba[:, j]
            pred = [LABELS[i] for i in full.argmax(axis=1)]
            metrics[mode]["cv"][lang] = classification_report(labels, pred, full)
        pipe.fit(texts, labels)
        pipelines[mode][lang] = pipe
        if test_corpus is not None and test_corpus.by_lang(lang):
            test = test_corpus.by_lang(lang)
            metrics[mode]["test"][lang] = _eval(pipe, [e.text for e in test], [e.label for e in test])
        if on_step:
            on_step(done + 1, len(steps))
    return Classifier(pipelines), metrics


def make_card(train_corpus: Corpus, test_corpus: Corpus | None, metrics: dict, seed: int,
              data_files: list[str], mode: str) -> dict:
    created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    data_hash = train_corpus.sha256()
    return {
        "name": MODEL_NAME,
        "version": f"{created:%Y%m%d-%H%M%S}-{data_hash[:8]}",
        "created": created.isoformat(),
        "labels": list(LABELS),
        "languages": sorted(train_corpus.counts()),
        "seed": seed,
        "libraries": library_versions(),
        "training_data": {"sha256": data_hash, "files": data_files, "mode": mode,
                          "counts": train_corpus.counts(), "n": len(train_corpus)},
        "test_data": {"sha256": test_corpus.sha256() if test_corpus else None,
                      "counts": test_corpus.counts() if test_corpus else {}},
        "metrics": metrics,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", nargs="*", default=[], help="extra labelled files (JSONL or CSV)")
    ap.add_argument("--mode", choices=("extend", "replace"), default="extend",
                    help="extend: shipped corpus + --data (default); replace: --data only")
    ap.add_argument("--train", default=str(DEFAULT_TRAIN), help="the shipped training split")
    ap.add_argument("--test", default=str(DEFAULT_TEST), help="held-out test split for the card")
    ap.add_argument("--model-dir", "--out", dest="model_dir", default=str(ROOT_DEFAULT),
                    help="model registry folder (default: models/)")
    ap.add_argument("--activate", choices=("always", "never", "if_first"), default="if_first",
                    help="make the new version active (default: only if none is)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    if args.mode == "replace" and not args.data:
        ap.error("--mode replace needs --data FILE...")
    files = ([args.train] if args.mode == "extend" else []) + list(args.data)
    try:
        train_corpus = load_files(files)
        test_corpus = load_files([args.test]) if args.test else None
        if test_corpus is not None:
            check_disjoint(train_corpus, test_corpus)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    clf, metrics = train(train_corpus, test_corpus, seed=args.seed, progress=not args.quiet)
    card = make_card(train_corpus, test_corpus, metrics, args.seed, [Path(f).name for f in files], args.mode)
    registry = Registry(Path(args.model_dir))
    out = clf.save(registry.path(card["version"]), card)
    if args.activate == "always" or (args.activate == "if_first" and registry.active_version() is None):
        registry.activate(card["version"])
    print(f"wrote {out}")
    for lang, rep in metrics["full"]["test"].items():
        fast = metrics["fast"]["test"].get(lang, {})
        print(f"  test {lang}: macro-F1 {rep['macro_f1']:.3f} (fast {fast.get('macro_f1', float('nan')):.3f}), "
              f"accuracy {rep['accuracy']:.3f}, Brier {rep['calibration']['brier']:.3f}, "
              f"ECE {rep['calibration']['ece']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
