"""Cost grows about linearly with the input, however pathological: ``python bench/bench_linear.py``.

For each kind of hostile input (one huge sentence, thousands of cues or quotes in one sentence,
thousands of tiny sentences, runs of punctuation, unclosed quotes ...), the analysis of the
input at sizes n, 2n, 4n and 8n is timed in this process (the shipped model, no deadline), and
the ratio of each time to the previous one is printed: linear cost gives about 2.0. A kind whose
worst ratio exceeds 2.6 is flagged.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.core.analysis import analyze  # noqa: E402
from service.core.nlp import clear_cache  # noqa: E402
from service.storage.registry import Registry  # noqa: E402

UNITS = {  # kind -> (language, the unit repeated n times)
    "one long sentence, many clauses": ("fr", "le ministre a déclaré que la réforme serait adoptée, "),
    "reporting clause x n (one sentence)": ("fr", "Le ministre a déclaré que "),
    "quotes x n (one sentence)": ("fr", "« Non », a dit le maire, "),
    "selon x n (one sentence)": ("fr", "selon le préfet, "),
    "tiny sentences": ("fr", "Il pleut. "),
    "quoted sentences": ("en", "\u201cWe will win,\u201d she said. "),
    "unclosed quotes": ("fr", "« a "),
    "punctuation run": ("en", "."),
    "bullets without punctuation": ("en", "\u2022 officials said the plan may fail\n"),
    "doubled spaces and notes": ("fr", "Le préfet  a confirmé (1) que la route  serait fermée.  "),
}


def timed(clf, lang: str, text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clear_cache()
        t0 = time.perf_counter()
        analyze(clf, text, lang)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=12_000, help="size of the smallest input (default 12000)")
    ap.add_argument("--steps", type=int, default=4, help="sizes: chars x 1, 2, 4 ... (default 4 sizes)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    clf = Registry().load_active()
    for lang in clf.languages:
        analyze(clf, "Warm-up sentence. Il pleut.", lang)
    print(f"{'input':38} " + " ".join(f"{args.chars * 2 ** k:>9,}c" for k in range(args.steps)) + "   ratios")
    flagged = []
    for kind, (lang, unit) in UNITS.items():
        times = []
        for k in range(args.steps):
            n = max(1, args.chars * 2 ** k // len(unit))
            times.append(timed(clf, lang, unit * n, args.repeat))
        ratios = [b / a for a, b in zip(times, times[1:]) if a > 0]
        worst = max(ratios) if ratios else 0.0
        if worst > 2.6:
            flagged.append(kind)
        print(f"{kind:38} " + " ".join(f"{t * 1000:9.1f}ms" for t in times) + "   "
              + " ".join(f"{r:.2f}" for r in ratios) + ("   <- superlinear" if worst > 2.6 else ""))
    print("every kind about linear (each doubling at most 2.6x the time)" if not flagged
          else f"superlinear: {', '.join(flagged)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
