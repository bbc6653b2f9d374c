"""Issue 12's "parse only what needs a parse", measured: a lexicon-only first pass sends the
sentences that cannot carry an attribution, a conditional or a hedge to the fast (no-parse)
model; the others are parsed as always. This script prints what that would save and cost.

    python bench/bench_triage.py [--model DIR] [--bench-dir ../shared/bench] [--lite]

The first pass is conservative (a sentence is parsed if the lexicon scan finds any cue but a
question mark or page furniture, a quote, "que"/"that"/"whether", a strength marker, or a word
that starts like a reporting, attitude or homograph verb). Printed per language on the test
split: the share of sentences it skips, label macro-F1 with and without it, the two models'
accuracy on the skipped sentences, and the analysis time per sentence both ways (same run, parse
cache cleared); on PolNeAR (evaluation only): the share skipped and the attributed F1 both ways.
``--lite`` also trains, on the training split, the full pipeline without its parse parts (word
and character n-grams, lexicon cues) and prints the triaged macro-F1 with it in place of the fast
model. Not shipped: see README, "Speed" (the fast model is worse on the sentences it would take).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.core.cues import analyze_cues  # noqa: E402
from service.core.lexicon import LEXICON_DIR, _read_tsv, get_lexicon  # noqa: E402
from service.core.nlp import clear_cache  # noqa: E402
from service.core.strength.words import strength_words  # noqa: E402
from service.storage.registry import model_or_active  # noqa: E402
from training.corpus import DEFAULT_TEST, DEFAULT_TRAIN, load_files  # noqa: E402

COMPLEMENTIZERS = {"fr": {"que", "qu"}, "en": {"that", "whether"}}
STEM_ENDINGS = {"fr": r"(er|ir|re|e)$", "en": r"(e|y)$"}


def verb_stems(lang: str) -> frozenset[str]:
    """Stems of the reporting verbs, attitude words and French verb homographs: a word that
    starts with one may be an inflection the surface lexicon lacks (the parse finds it by lemma)."""
    words = list(get_lexicon(lang).verbs_by_lemma)
    words += [r["phrase"].lower() for r in _read_tsv(LEXICON_DIR / lang / "source_words.tsv")
              if r["role"].startswith("attitude")]
    words += [r["form"] for r in _read_tsv(LEXICON_DIR / lang / "verb_homographs.tsv")]
    out = set()
    for word in words:
        word = word.split()[0]
        stem = re.sub(STEM_ENDINGS[lang], "", word)
        out.add(stem if len(stem) >= 4 else word)
    return frozenset(out)


def needs_parse(text: str, lang: str, stems: frozenset[str]) -> bool:
    found = analyze_cues(text, lang, None)
    if any(c.type not in ("question", "furniture") for c in found.cues):
        return True
    words = [t for t, _, _ in found.tokens]
    if any(w in COMPLEMENTIZERS[lang] for w in words) or strength_words(lang).markers.find(found.tokens):
        return True
    return any(w[:k] in stems for w in words for k in range(4, len(w) + 1))


def triaged_labels(clf, texts: list[str], lang: str, skip: list[bool]) -> list[str]:
    keep = [i for i, s in enumerate(skip) if not s]
    out = [None] * len(texts)
    for i, p in zip(keep, clf.predict([texts[i] for i in keep], lang)):
        out[i] = p.label
    rest = [i for i, s in enumerate(skip) if s]
    for i, p in zip(rest, clf.predict([texts[i] for i in rest], lang, fast=True)):
        out[i] = p.label
    return out


def timed(fn) -> tuple[object, float]:
    clear_cache()
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model")
    ap.add_argument("--lite", action="store_true", help="also try a retrained no-parse pipeline with character n-grams")
    ap.add_argument("--bench-dir", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "bench"))
    args = ap.parse_args(argv)
    clf = model_or_active(args.model)
    clf.warm_up()
    corpus = load_files([DEFAULT_TEST])
    for lang in ("fr", "en"):
        stems = verb_stems(lang)
        examples = corpus.by_lang(lang)
        texts, gold = [e.text for e in examples], [e.label for e in examples]
        skip, t_scan = timed(lambda: [not needs_parse(t, lang, stems) for t in texts])
        # Alternated, best of two each: the second pass over the same words finds spaCy's
        # lemmatizer cache warm, which would flatter whichever way ran second.
        runs = [(timed(lambda: [p.label for p in clf.predict(texts, lang)]),
                 timed(lambda: triaged_labels(clf, texts, lang, skip))) for _ in range(2)]
        full, mixed = runs[0][0][0], runs[0][1][0]
        t_full, t_mixed = (min(r[j][1] for r in runs) for j in (0, 1))
        fast = [p.label for p in clf.predict(texts, lang, fast=True)]
        n, k = len(texts), sum(skip)
        acc = {name: sum(g == p for g, p, s in zip(gold, labels, skip) if s) / max(k, 1)
               for name, labels in (("full", full), ("fast", fast))}
        print(f"{lang} test split, {n} sentences: {k / n:.1%} skip the parse; macro-F1 "
              f"{f1_score(gold, full, average='macro'):.4f} parsed vs {f1_score(gold, mixed, average='macro'):.4f} "
              f"triaged; on the skipped: accuracy full {acc['full']:.3f}, fast {acc['fast']:.3f}; "
              f"per sentence {1000 * t_full / n:.2f} ms parsed vs {1000 * (t_mixed + t_scan) / n:.2f} ms "
              f"triaged (first pass {1000 * t_scan / n:.2f} ms)")
        if args.lite:
            from service.core.features import build_pipeline

            train = load_files([DEFAULT_TRAIN]).by_lang(lang)
            lite = build_pipeline(lang, use_parse=False).fit([e.text for e in train], [e.label for e in train])
            with_lite = [str(p) if s else f for s, f, p in zip(skip, full, lite.predict(texts))]
            print(f"  with a no-parse pipeline with character n-grams instead: macro-F1 "
                  f"{f1_score(gold, with_lite, average='macro'):.4f} triaged")
    polnear = Path(args.bench_dir) / "polnear_sentences.jsonl"
    if polnear.exists():
        import json

        rows = [json.loads(line) for line in polnear.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts = [r["text"] for r in rows]
        gold = [r["label"] == "attributed" for r in rows]
        stems = verb_stems("en")
        skip = [not needs_parse(t, "en", stems) for t in texts]
        full = [p.label == "attributed" for p in clf.predict(texts, "en")]
        mixed = [p == "attributed" for p in triaged_labels(clf, texts, "en", skip)]
        print(f"PolNeAR sentences, {len(texts)}: {sum(skip) / len(texts):.1%} skip the parse; attributed F1 "
              f"{f1_score(gold, full):.4f} parsed vs {f1_score(gold, mixed):.4f} triaged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
