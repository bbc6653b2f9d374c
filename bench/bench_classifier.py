"""Throughput of the classifier entry point, beside the spaCy parse alone, in one process.

    python bench/bench_classifier.py [--n 10000]

Sentences come from the labelled corpus (both languages), made unique by a numbered suffix where
the corpus is shorter than --n, so no cache can serve a repeat. Targets (issue 2): fast mode
>= 10,000 sentences/s; full model <= 1.5x the parse alone; (issue 11) with a strength-capable
model (--model), the analysis with strength <= 1.1x the same analysis without it (article by
article, alternately, each article's best of three). The model's objects are frozen out of the
garbage collector's rounds first, as the service's and the batch's processes do. The analysis is
timed with the triage (issue 12: sentences that need no parse skip it) and without it.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.core.analysis import analyze  # noqa: E402
from service.core.classifier import Classifier  # noqa: E402
from service.core.lexicon import normalise  # noqa: E402
from service.core.nlp import clear_cache, get_nlp  # noqa: E402
from service.storage.heap import settle_heap  # noqa: E402
from service.storage.registry import model_or_active  # noqa: E402
from training.corpus import DEFAULT_TEST, DEFAULT_TRAIN, load_files  # noqa: E402
import figures  # noqa: E402  (bench/ is the script's folder, first on sys.path)


def sentences(n: int) -> dict[str, list[str]]:
    corpus = load_files([DEFAULT_TRAIN, DEFAULT_TEST])
    out = {}
    for lang in ("fr", "en"):
        base = [e.text for e in corpus.by_lang(lang)]
        want = n // 2
        out[lang] = [base[i % len(base)] if i < len(base) else f"{base[i % len(base)]} ({i // len(base)})"
                     for i in range(want)]
    return out


def consume(docs) -> None:
    for _ in docs:
        pass


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--model", help="a model folder (default: the active version in models/)")
    figures.add_option(ap)
    args = ap.parse_args(argv)
    clf = model_or_active(args.model)
    data = sentences(args.n)
    n = sum(len(v) for v in data.values())
    for lang in data:  # load models and warm up outside the timings (spaCy's first batches are slow)
        consume(get_nlp(lang).pipe([normalise(t) for t in data[lang][:1500]], batch_size=256))
        clf.predict(data[lang][:50], lang)
        clf.predict(data[lang][:50], lang, fast=True)
    # As the service's and the batch's processes do once their model is loaded: its objects leave
    # the garbage collector's rounds (service.storage.heap).
    settle_heap()
    clear_cache()
    parse_s = min(sum(timed(lambda lang=lang: consume(get_nlp(lang).pipe([normalise(t) for t in data[lang]],
                                                                          batch_size=256))) for lang in data)
                  for _ in range(2))
    clear_cache()
    full_s = sum(timed(lambda lang=lang: clf.predict(data[lang], lang, triage=False)) for lang in data)
    fast_s = sum(timed(lambda lang=lang: clf.predict(data[lang], lang, fast=True)) for lang in data)
    # Article analysis with attributions (segmentation, labels, cues, attributions, summary),
    # on articles of 20 sentences, one per line.
    articles = {lang: ["\n".join(data[lang][i:i + 20]) for i in range(0, len(data[lang]), 20)] for lang in data}

    def analysis(model, triage: bool = True) -> float:
        clear_cache()
        return sum(timed(lambda lang=lang: [analyze(model, a, lang, triage=triage) for a in articles[lang]])
                   for lang in data)

    def paired(plain, model, rounds: int = 3) -> tuple[float, float]:
        """Each article analysed without and then with the strength models, parsed anew each
        time, ``rounds`` times; the sums of each article's best times. Alternating article by
        article keeps the machine's drifts (which move whole runs by 10% here) out of the ratio."""
        best: dict = {}
        for _ in range(rounds):
            for lang in data:
                for k, a in enumerate(articles[lang]):
                    for name, m in (("plain", plain), ("strength", model)):
                        clear_cache()
                        t = timed(lambda: analyze(m, a, lang))
                        key = (name, lang, k)
                        best[key] = min(best.get(key, t), t)
        return (sum(t for key, t in best.items() if key[0] == "plain"),
                sum(t for key, t in best.items() if key[0] == "strength"))

    plain_s = None
    # With and without the triage (service.core.triage), alternately, best of two each.
    runs = [(analysis(clf), analysis(clf, triage=False)) for _ in range(2)]
    analysis_s, untriaged_s = (min(r[j] for r in runs) for j in (0, 1))
    skipped = sum(len(clf.plan(data[lang], lang).fast) for lang in data)
    if clf.strength is not None:  # the same articles with and without the strength models
        plain_s, strength_s = paired(Classifier(clf.pipelines, clf.card), clf)
    print(f"model {clf.version}, {n} sentences (fr {len(data['fr'])}, en {len(data['en'])}), one process")
    print(f"  spaCy parse alone   {n / parse_s:10.0f} sentences/s  ({parse_s:6.2f} s)")
    print(f"  full model, all parsed {n / full_s:10.0f} sentences/s  ({full_s:6.2f} s)  "
          f"cost {full_s / parse_s:.2f}x the parse alone (target <= 1.5x)")
    print(f"  fast mode (no parse){n / fast_s:10.0f} sentences/s  ({fast_s:6.2f} s)  target >= 10,000/s")
    print(f"  analysis + attributions {1000 * analysis_s / n:6.2f} ms/sentence vs parse alone "
          f"{1000 * parse_s / n:.2f} ms/sentence: {analysis_s / parse_s:.2f}x (target <= 1.5x)")
    print(f"    every sentence parsed (no triage) {1000 * untriaged_s / n:6.2f} ms/sentence; the triage sends "
          f"{skipped / n:.1%} of the sentences to the fast model: {analysis_s / untriaged_s:.2f}x")
    if plain_s is not None:
        print(f"  analysis with strength {1000 * strength_s / n:6.2f} ms/sentence vs without "
              f"{1000 * plain_s / n:.2f} ms/sentence: {strength_s / plain_s:.3f}x (target <= 1.1x; article by "
              f"article, best of 3 each)")
    figures.write(args.figures, {
        "parse_per_s": n / parse_s, "full_per_s": n / full_s, "fast_per_s": n / fast_s,
        "parse_ms": 1000 * parse_s / n, "analysis_ms": 1000 * analysis_s / n,
        "analysis_untriaged_ms": 1000 * untriaged_s / n, "triage_skipped_share": skipped / n,
        "analysis_without_strength_ms": None if plain_s is None else 1000 * plain_s / n,
        "analysis_with_strength_ms": None if plain_s is None else 1000 * strength_s / n})
    return 0


if __name__ == "__main__":
    sys.exit(main())
