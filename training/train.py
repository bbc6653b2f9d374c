"""Train the claim-presentation model and write a versioned artifact with its model card.

    python -m training.train                       # the shipped corpus in seeds/, into models/
    python -m training.train --data mine.jsonl     # shipped corpus + your rows (--mode extend)
    python -m training.train --data mine.csv --mode replace

Same data and seed give the same model and the same metrics.
"""
from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import multiprocessing
import os
import pickle
import platform
import signal
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from service.core.classifier import Classifier
from service.core.features import LABELS, pipeline_for_mode
from service.core.strength.model import StrengthModels
from service.core.text import sentence_key
from service.core.vocabulary import MODEL_MODES as MODES
from service.storage.artifacts import save_model
from service.storage.registry import ROOT_DEFAULT, Registry
from training.corpus import (
    DEFAULT_TEST,
    DEFAULT_TRAIN,
    Corpus,
    CorpusError,
    check_disjoint,
    coverage_problems,
    load_files,
)
from training.evaluate_strength import strength_report
from training.metrics import classification_report
from training.progress import Status
from training.strength import fit_language as fit_strength

MODEL_NAME = "claim-presentation"
# Below this many sentences in a language, its folds run in this process: a helper process pays
# about 10 s to load spaCy and parse the corpus, more than a small corpus's folds take.
PARALLEL_MIN_ROWS = 1000
IF_BETTER_TOLERANCE = 0.01


def library_versions() -> dict:
    import joblib
    import sklearn
    import spacy

    from service.core.nlp import SPACY_MODELS

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


def _calibration_folds(rarest: int) -> int:
    """Five folds for calibration, fewer when a label is rare (small user corpora)."""
    return max(2, min(5, rarest))


@threadpool_limits.wrap(limits=1)
def train(train_corpus: Corpus, test_corpus: Corpus | None, seed: int = 0, progress: bool = True,
          cv_folds: int = 5, on_step=None, jobs: int = 1) -> tuple[Classifier, dict]:
    """Fit one pipeline per language and mode; return the classifier and its metrics.

    One BLAS thread: L-BFGS works on vectors of 100,000 weights, too short for threads to help,
    and numpy's and scipy's two OpenBLAS pools, each spinning for cores after its call, made
    every iteration about twice as slow on two cores (squared_norm took 2.5 ms instead of 10 µs).

    ``jobs`` processes: with several languages, they train side by side in forked processes
    (each loads and parses only its own language); with one, its cross-validation folds run in
    ``jobs`` processes. Every fit runs on one BLAS thread wherever it runs, and each language's
    result crosses a pickle in one process too (the two languages' cue features would otherwise
    share one tuple, which the artifact's pickle writes once; ``artifact_bytes`` evens out the
    rest), so the models, the card and the artifact's bytes do not depend on ``jobs``."""
    langs = sorted(train_corpus.counts())
    steps = len(langs) * len(MODES)
    work = {lang: (train_corpus.by_lang(lang), test_corpus.by_lang(lang) if test_corpus is not None else [])
            for lang in langs}
    bar = tqdm(total=steps, desc="training", unit="model", disable=not progress, file=sys.stderr)
    fitted: dict = {}

    def step_done(lang: str, mode: str) -> None:
        bar.update(1)
        bar.set_postfix_str(f"{lang}/{mode}")
        if on_step:
            on_step(bar.n, steps)

    procs = min(jobs, len(langs)) if "fork" in multiprocessing.get_all_start_methods() else 1
    if procs > 1:  # each language's folds in its own process (no nested pools)
        with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            running = {pool.submit(train_language, lang, *work[lang], seed, cv_folds, 1): lang for lang in langs}
            for future in as_completed(running):
                lang = running[future]
                fitted[lang] = future.result()
                for mode in MODES:
                    step_done(lang, mode)
    else:  # through pickle as from a process, so that no object is shared across languages
        for lang in langs:
            fitted[lang] = pickle.loads(pickle.dumps(train_language(
                lang, *work[lang], seed, cv_folds, jobs, on_mode=lambda mode, lang=lang: step_done(lang, mode))))
    bar.close()
    return _assemble(fitted, langs, test_corpus)


def _die_with_parent(parent: int) -> None:
    """A language's process ends with the trainer (killed by a signal, out of memory): it would
    otherwise train on for a minute, holding the training lock it inherited. Linux's
    PR_SET_PDEATHSIG; elsewhere the process ends when it finds no one to send its result to."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the trainer died before prctl took effect
        os._exit(1)


def train_language(lang: str, examples: list, test: list, seed: int, cv_folds: int, jobs: int,
                   on_mode=None) -> dict:
    """Both modes of one language: pipelines, their metrics, strength models and the strength
    figures on the language's test rows. Runs in a forked process when languages run in parallel."""
    out: dict = {"pipelines": {}, "cv": {}, "test": {}, "strength": {}, "strength_cv": {}}
    with threadpool_limits(1):  # as in train(), for a caller that calls this directly
        for mode in MODES:
            pipe, cv_report, model, cv_strength = _fit_mode(lang, mode, examples, seed, cv_folds, jobs)
            out["pipelines"][mode] = pipe
            if cv_report is not None:
                out["cv"][mode] = cv_report
            if model is not None:  # rows without level/sourcing train the label only
                out["strength"][mode] = model
                out["strength_cv"][mode] = cv_strength
            if test:
                out["test"][mode] = _eval(pipe, [e.text for e in test], [e.label for e in test])
            if on_mode:
                on_mode(mode)
        if test and "full" in out["strength"]:
            own = Classifier({mode: {lang: p} for mode, p in out["pipelines"].items()},
                             strength=StrengthModels({mode: {lang: m} for mode, m in out["strength"].items()}))
            out["strength_test"] = strength_report(own, Corpus(test), triage=False)[lang]
    return out


def _fit_mode(lang: str, mode: str, examples: list, seed: int, cv_folds: int, jobs: int):
    """(pipeline, cross-validated report or None, strength model or None, its figures)."""
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    pipe = pipeline_for_mode(lang, mode, seed=seed)
    min_class = min(labels.count(lab) for lab in set(labels))
    pipe.set_params(clf__cv=_calibration_folds(min_class))
    folds = min(cv_folds, min_class)
    parallel = jobs > 1 and len(texts) >= PARALLEL_MIN_ROWS  # below: process start-up costs more
    cv_report = None
    if folds >= 2 and len(set(labels)) > 1:
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        smallest_fold = min_class - -(-min_class // folds)  # rarest label's count in a training fold
        cv_pipe = clone(pipe).set_params(clf__cv=_calibration_folds(smallest_fold))
        proba = cross_val_predict(cv_pipe, texts, labels, cv=cv, method="predict_proba",
                                  n_jobs=min(jobs, folds) if parallel else None)
        classes = sorted(set(labels))
        full = np.zeros((len(texts), len(LABELS)))
        for j, lab in enumerate(classes):
            full[:, LABELS.index(lab)] = proba[:, j]
        pred = [LABELS[i] for i in full.argmax(axis=1)]
        cv_report = classification_report(labels, pred, full)
    pipe.fit(texts, labels)
    model, cv_strength = fit_strength(pipe, examples, lang, mode, seed=seed, cv_folds=cv_folds,
                                      jobs=jobs if parallel else 1)
    return pipe, cv_report, model, cv_strength


def _assemble(fitted: dict, langs: list[str], test_corpus: Corpus | None) -> tuple[Classifier, dict]:
    """The classifier and the card's metrics from each language's results, in a fixed order."""
    pipelines: dict = {mode: {} for mode in MODES}
    metrics: dict = {mode: {"cv": {}, "test": {}} for mode in MODES}
    strength: dict = {mode: {} for mode in MODES}
    metrics["strength"] = {mode: {"cv": {}} for mode in MODES}
    for lang in langs:
        got = fitted[lang]
        for mode in MODES:
            pipelines[mode][lang] = got["pipelines"][mode]
            if mode in got["cv"]:
                metrics[mode]["cv"][lang] = got["cv"][mode]
            if mode in got["strength"]:
                strength[mode][lang] = got["strength"][mode]
                metrics["strength"][mode]["cv"][lang] = got["strength_cv"][mode]
            if mode in got["test"]:
                metrics[mode]["test"][lang] = got["test"][mode]
    clf = Classifier(pipelines, strength=StrengthModels(strength) if any(strength.values()) else None)
    if clf.strength is not None and test_corpus is not None:
        report = {}
        for lang in sorted(test_corpus.counts()):
            done = fitted.get(lang, {}).get("strength_test")
            if done is None:
                done = strength_report(clf, Corpus(test_corpus.by_lang(lang)), triage=False)[lang]
            report[lang] = done
        metrics["strength"]["test"] = report
    return clf, metrics


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


def merge_later_wins(corpus: Corpus) -> Corpus:
    """One row per sentence: a user's row (later file) overrides a shipped row with the same text."""
    by_key: dict = {}
    for e in corpus.examples:
        by_key[(e.lang, sentence_key(e.text))] = e
    return Corpus(list(by_key.values()))


def should_activate(policy: str, registry: Registry, metrics: dict, test_corpus: Corpus | None) -> tuple[bool, str]:
    """``if_better``: not worse than the active model by more than 0.01 macro-F1 in any language
    on the shipped test split."""
    active = registry.active_version()
    if policy == "always":
        return True, "activation requested"
    if policy == "never":
        return False, "activation not requested (activate=never)"
    if active is None:
        return True, "no active model yet"
    if test_corpus is None:
        return False, "no test split to compare on"
    card = registry.card(active)
    old = card.get("metrics", {}).get("full", {}).get("test", {})
    if card.get("test_data", {}).get("sha256") != test_corpus.sha256() or not old:
        from training.evaluate import evaluate

        results = evaluate(registry.load_active(), test_corpus)
        old = {lang: res["model"] for lang, res in results.items() if "model" in res}
    new = metrics["full"]["test"]
    worse = [f"{lang}: {new[lang]['macro_f1']:.4f} < {old[lang]['macro_f1']:.4f} - {IF_BETTER_TOLERANCE}"
             for lang in sorted(old) if lang in new and new[lang]["macro_f1"] < old[lang]["macro_f1"] - IF_BETTER_TOLERANCE]
    missing = [lang for lang in old if lang not in new]
    if missing:
        return False, f"not activated: the new model lacks {', '.join(missing)}"
    if worse:
        return False, "not activated: test macro-F1 dropped by more than 0.01 (" + "; ".join(worse) + f") vs {active}"
    gains = ", ".join(f"{lang} {new[lang]['macro_f1']:.4f} vs {old[lang]['macro_f1']:.4f}" for lang in sorted(old))
    return True, f"test macro-F1 not lower than {active} by more than 0.01 ({gains})"


def main(argv=None) -> int:
    """The CLI: arguments, then load, check, train, save and activate, each step a few lines that
    turn its failure into a message naming the file (long because it is the command's script)."""
    ap = argparse.ArgumentParser(prog="python -m training.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", nargs="*", default=[], help="extra labelled files (JSONL or CSV)")
    ap.add_argument("--mode", choices=("extend", "replace"), default="extend",
                    help="extend: shipped corpus + --data, your rows win on the same sentence (default); "
                         "replace: --data only")
    ap.add_argument("--include-feedback", action="store_true",
                    help="add the corrections stored in <model-dir>/feedback.sqlite3")
    ap.add_argument("--train", default=str(DEFAULT_TRAIN), help="the shipped training split")
    ap.add_argument("--test", default=str(DEFAULT_TEST), help="held-out test split for the card and if_better")
    ap.add_argument("--model-dir", "--out", dest="model_dir", default=str(ROOT_DEFAULT),
                    help="model registry folder (default: models/)")
    ap.add_argument("--activate", choices=("if_better", "always", "never"), default="if_better",
                    help="if_better (default): only if test macro-F1 is not lower than the active "
                         "model's by more than 0.01 in any language; the first version is always activated")
    ap.add_argument("--status-file", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="processes: the languages side by side, or one language's cross-validation folds "
                         "(default: one per core; the model is the same)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    status = Status(args.status_file)

    if args.mode == "replace" and not args.data and not args.include_feedback:
        ap.error("--mode replace needs --data FILE... (or --include-feedback)")
    files = ([args.train] if args.mode == "extend" else []) + list(args.data)
    registry = Registry(Path(args.model_dir))
    try:
        train_corpus = load_files(files)
        if args.include_feedback:
            from service.storage.feedback import FILENAME, FeedbackStore

            train_corpus.examples.extend(FeedbackStore(registry.root / FILENAME).examples())
        train_corpus = merge_later_wins(train_corpus)
        test_corpus = load_files([args.test]) if args.test else None
        if test_corpus is not None:
            check_disjoint(train_corpus, test_corpus)
        coverage = coverage_problems(train_corpus, "training data")
        if coverage:
            raise CorpusError(coverage)
    except CorpusError as exc:
        status.update(state="failed", errors=[p.to_json() for p in exc.problems], reason="invalid data")
        print(f"error: {exc}", file=sys.stderr)
        return 2
    status.update(state="training", progress={"done": 0, "total": 2 * len(train_corpus.counts())})
    try:
        clf, metrics = train(train_corpus, test_corpus, seed=args.seed, progress=not args.quiet, jobs=max(1, args.jobs),
                             on_step=lambda done, total: status.update(progress={"done": done, "total": total}))
    except BrokenProcessPool:  # a language's process was killed (out of memory, a signal)
        reason = "a training process died before it finished (out of memory?); nothing was written"
        status.update(state="failed", reason=reason)
        print(f"error: {reason}; --jobs 1 trains in one process", file=sys.stderr)
        return 1
    card = make_card(train_corpus, test_corpus, metrics, args.seed, [Path(f).name for f in files], args.mode)
    if args.include_feedback:
        card["training_data"]["files"].append("feedback")
    base, n = card["version"], 1
    while registry.path(card["version"]).exists():
        n += 1
        card["version"] = f"{base}-{n}"
    out = save_model(clf, registry.path(card["version"]), card)
    activate, reason = should_activate(args.activate, registry, metrics, test_corpus)
    if activate:
        registry.activate(card["version"])
    summary = {lang: rep["macro_f1"] for lang, rep in metrics["full"]["test"].items()}
    status.update(state="succeeded", version=card["version"], activated=activate, reason=reason,
                  metrics={"test_macro_f1": summary})
    print(f"wrote {out}\n{'activated' if activate else 'not activated'}: {reason}")
    for lang, rep in metrics["full"]["test"].items():
        fast = metrics["fast"]["test"].get(lang, {})
        print(f"  test {lang}: macro-F1 {rep['macro_f1']:.3f} (fast {fast.get('macro_f1', float('nan')):.3f}), "
              f"accuracy {rep['accuracy']:.3f}, Brier {rep['calibration']['brier']:.3f}, "
              f"ECE {rep['calibration']['ece']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
