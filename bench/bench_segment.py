"""Sentence splitting: accuracy and speed of ``service.core.segment.split_sentences`` beside the raw
segmenters, in one run.

    python bench/bench_segment.py [--rounds 3]

Corpus sentences (both languages) are shuffled (fixed seed) and joined by a space into paragraphs
of 3 and 7 sentences; a paragraph counts as right when the splitter gives back exactly its
sentences. Baselines: sentencex alone, and pysbd alone when it is installed (it is not a
dependency: ``pip install pysbd==0.3.4`` to see it). About 40% of paragraphs hold a headline or
caption without final punctuation, which no splitter can find inside a line; real articles put
those on their own line, where every line break ends a sentence.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.core.segment import split_sentences  # noqa: E402
from training.corpus import DEFAULT_TEST, DEFAULT_TRAIN, load_files  # noqa: E402


def paragraphs(lang: str, rounds: int) -> list[list[str]]:
    sents = [e.text.strip() for e in load_files([DEFAULT_TRAIN, DEFAULT_TEST]).by_lang(lang)]
    rng = random.Random(1)
    out = []
    for _ in range(rounds):
        rng.shuffle(sents)
        for size in (3, 7):
            out += [sents[i:i + size] for i in range(0, len(sents) - size, size)]
    return out


def splitters(lang: str) -> dict:
    out = {"ours": lambda text: [s.text for s in split_sentences(text, lang)]}
    from sentencex import segment

    out["sentencex alone"] = lambda text: [s.strip() for s in segment(lang, text) if s.strip()]
    try:
        import pysbd
    except ImportError:
        print("(pysbd not installed: no pysbd baseline)")
    else:
        seg = pysbd.Segmenter(language=lang, clean=False)
        out["pysbd alone"] = lambda text: [s.strip() for s in seg.segment(text) if s.strip()]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"{'lang':5}{'splitter':18}{'paragraphs':>11}{'exact':>8}{'ms/paragraph':>14}")
    for lang in ("fr", "en"):
        groups = paragraphs(lang, args.rounds)
        texts = [" ".join(g) for g in groups]
        for name, split in splitters(lang).items():
            split(texts[0])  # warm up (lexicons, segmenter objects)
            t0 = time.perf_counter()
            outs = [split(t) for t in texts]
            elapsed = time.perf_counter() - t0
            right = sum(out == g for out, g in zip(outs, groups))
            print(f"{lang:5}{name:18}{len(groups):>11}{right / len(groups):>8.3f}{1000 * elapsed / len(groups):>14.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
