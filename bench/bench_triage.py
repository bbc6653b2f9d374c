"""Issue 12's "parse only what needs a parse" (``service/core/triage.py``): what it saves and what
it costs, each figure with the triage and without it (every sentence parsed) in the same run.

    python bench/bench_triage.py [--model DIR] [--bench-dir ../shared/bench] [--choose]

Printed: on the test split, per language, the share of sentences not parsed, label macro-F1,
strength level accuracy, Spearman and sourcing macro-F1 both ways, and the analysis time per
sentence both ways (articles of 20 sentences, parse cache cleared, alternated, best of four); on
the attribution gold sets, the gold attributions in sentences the triage does not parse and what
the extractor finds there with their parse (the attributions the triage would lose); on
``../shared/bench`` (evaluation only, nothing is chosen on it): PolNeAR's attributed F1, wiki's
uncertainty F1 and science's Spearman, both ways. ``--choose`` prints how the confidence
threshold was chosen: out-of-fold fast and full labels on the training split (5 folds, both
pipelines), per threshold, the share the triage would take, how often the two models agree there
and how often each is right.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.core import triage  # noqa: E402
from service.core.analysis import analyze  # noqa: E402
from service.core.cues import analyze_cues  # noqa: E402
from service.core.nlp import clear_cache, parse  # noqa: E402
from service.storage.registry import model_or_active  # noqa: E402
from service.core.attribution import extract  # noqa: E402
from training.corpus import DEFAULT_TEST, DEFAULT_TRAIN, Corpus, load_files  # noqa: E402
from training.evaluate import evaluate  # noqa: E402
from training.evaluate_attributions import DEFAULT_FILES, load_gold  # noqa: E402
from training.evaluate_strength import strength_report  # noqa: E402


def both_ways(fn):
    """(fn() with the triage, fn() with every sentence parsed)."""
    try:
        triage.ENABLED = True
        on = fn()
        triage.ENABLED = False
        return on, fn()
    finally:
        triage.ENABLED = True


def timed(fn) -> float:
    clear_cache()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def test_split(clf, lang: str, corpus) -> None:
    examples = corpus.by_lang(lang)
    texts = [e.text for e in examples]
    skipped = len(clf.plan(texts, lang).fast)
    one = Corpus(examples)
    labels = both_ways(lambda: evaluate(clf, one)[lang]["model"]["macro_f1"])
    strength = both_ways(lambda: strength_report(clf, one)[lang]) if clf.has_strength(lang) else None
    articles = ["\n".join(texts[i:i + 20]) for i in range(0, len(texts), 20)]
    # Alternated, the order swapped each round, best of four each: a second pass over the same
    # words finds spaCy's lemma memo warm, which would flatter whichever way ran second.
    times: dict[bool, list[float]] = {True: [], False: []}
    for k in range(4):
        for on in ((True, False) if k % 2 == 0 else (False, True)):
            times[on].append(timed(lambda on=on: [analyze(clf, a, lang, triage=on) for a in articles]))
    t_on, t_off = min(times[True]), min(times[False])
    n = len(texts)
    print(f"{lang} test split, {n} sentences: {skipped / n:.1%} not parsed; label macro-F1 {labels[0]:.4f} "
          f"(all parsed {labels[1]:.4f}); analysis {1000 * t_on / n:.2f} ms a sentence (all parsed "
          f"{1000 * t_off / n:.2f}, {t_on / t_off:.2f}x)")
    if strength:
        on, off = strength
        print("  strength: " + ", ".join(f"{k} {on[k]:.4f} ({off[k]:.4f})" for k in
                                         ("level_accuracy", "spearman", "sourcing_macro_f1")))


def attributions(clf) -> None:
    for path in DEFAULT_FILES:
        if not path.exists():
            continue
        records = load_gold(path)
        skipped_gold = skipped_found = skipped = 0
        for lang in sorted({r["lang"] for r in records}):
            mine = [r for r in records if r["lang"] == lang]
            fast = set(clf.plan([r["text"] for r in mine], lang).fast)
            docs = parse([mine[i]["text"] for i in sorted(fast)], lang)
            for i, doc in zip(sorted(fast), docs):
                skipped += 1
                skipped_gold += len(mine[i]["attributions"])
                skipped_found += len(extract(analyze_cues(mine[i]["text"], lang, doc), lang, doc))
        print(f"{path.name}: {len(records)} sentences, {skipped} not parsed; gold attributions in them "
              f"{skipped_gold}, found there with a parse {skipped_found}")


def open_bench(clf, bench: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import external_eval
    import strength_eval
    from open_bench import read_rows

    rows = read_rows(bench / "polnear_sentences.jsonl")
    share = len(clf.plan([r["text"] for r in rows], "en").fast) / len(rows)
    pol = both_ways(lambda: external_eval.run(clf, bench, False)["polnear_sentences (attributed vs rest)"]["f1"])
    print(f"PolNeAR sentences, {len(rows)}: {share:.1%} not parsed; attributed F1 {pol[0]} (all parsed {pol[1]})")
    if clf.strength is not None:
        sci = both_ways(lambda: strength_eval.science(clf, bench)["rho_commitment"])
        wiki = both_ways(lambda: strength_eval.wiki(clf, bench)["f1"])
        print(f"science_certainty Spearman {sci[0]} (all parsed {sci[1]}); wiki_uncertainty F1 {wiki[0]} "
              f"(all parsed {wiki[1]})")


def choose() -> None:
    """Out-of-fold labels of both pipelines on the training split, per confidence threshold."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from threadpoolctl import threadpool_limits

    from service.core.features import pipeline_for_mode

    corpus = load_files([DEFAULT_TRAIN])
    for lang in ("fr", "en"):
        examples = corpus.by_lang(lang)
        texts, gold = [e.text for e in examples], np.array([e.label for e in examples])
        candidate = np.array([not triage.needs_parse(t, lang) for t in texts])
        cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        proba = {}
        with threadpool_limits(1):
            for mode in ("full", "fast"):
                pipe = pipeline_for_mode(lang, mode, seed=0).set_params(clf__cv=5)
                proba[mode] = cross_val_predict(pipe, texts, gold, cv=cv, method="predict_proba", n_jobs=2)
        classes = np.array(sorted(set(gold)))
        full, fast = classes[proba["full"].argmax(1)], classes[proba["fast"].argmax(1)]
        confidence = proba["fast"].max(1)
        print(f"{lang} training split, {len(texts)} sentences, out of fold; the lexicon scan lets "
              f"{candidate.mean():.1%} through")
        for t in (0.0, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9):
            s = candidate & (confidence >= t)
            print(f"  threshold {t:.2f}: {s.mean():6.1%} not parsed; same label {np.mean(full[s] == fast[s]):.4f}; "
                  f"right: full {np.mean(full[s] == gold[s]):.4f}, fast {np.mean(fast[s] == gold[s]):.4f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model")
    ap.add_argument("--choose", action="store_true", help="print the threshold's choice on the training split")
    ap.add_argument("--bench-dir", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "bench"))
    args = ap.parse_args(argv)
    if args.choose:
        choose()
        return 0
    clf = model_or_active(args.model)
    clf.warm_up()
    print(f"model {clf.version}; fast-model confidence threshold {triage.FAST_CONFIDENCE}")
    corpus = load_files([DEFAULT_TEST])
    for lang in ("fr", "en"):
        test_split(clf, lang, corpus)
    attributions(clf)
    if (Path(args.bench_dir) / "polnear_sentences.jsonl").exists():
        open_bench(clf, Path(args.bench_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
