"""``/v1/score`` with one new sentence a request, in process (Flask's test client, the shipped
model), with the lean feature path (``service.core.lean``) and with scikit-learn's own path, in
the same run, alternating rounds, and with the lean path but every sentence parsed (no triage,
``service.core.triage``); beside the spaCy parse of the same sentences alone. ``lean`` is the
service as shipped; ``sklearn`` parses every sentence too (the path before both changes).

    python bench/bench_score.py [--n 600] [--rounds 3]

Every request carries a sentence never seen before (a numbered corpus sentence), so no parse cache
serves it. Figures: median milliseconds per request over the rounds, per path, and the ratio.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.core import lean, triage  # noqa: E402
from service.core.lexicon import normalise  # noqa: E402
from service.core.nlp import get_nlp  # noqa: E402
from service.web import create_app  # noqa: E402
from training.corpus import DEFAULT_TEST, load_files  # noqa: E402
import figures  # noqa: E402  (bench/ is the script's folder, first on sys.path)


def fresh(n: int, tag: str) -> list[tuple[str, str]]:
    """n (lang, sentence) pairs, both languages, each made new by ``tag``."""
    corpus = load_files([DEFAULT_TEST])
    base = [(e.lang, e.text) for e in corpus.examples if e.label != "none"]
    return [(lang, f"{text.rstrip('.')} ({tag}{i}).") for i, (lang, text) in enumerate(base[i % len(base)] for i in range(n))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=600, help="requests per path and round")
    ap.add_argument("--rounds", type=int, default=3)
    figures.add_option(ap)
    args = ap.parse_args(argv)
    app = create_app({"TESTING": True, "LOAD_MODEL": "sync"})
    client = app.test_client()
    for lang in ("fr", "en"):  # warm up outside the timings
        for pair in fresh(40, f"w{lang}"):
            client.post("/v1/score", json={"sentences": [pair[1]], "lang": pair[0]})
    times: dict[str, list[float]] = {"lean": [], "untriaged": [], "sklearn": [], "parse alone": []}
    for r in range(args.rounds):
        for path in ("sklearn", "untriaged", "lean"):
            lean.ENABLED = path != "sklearn"
            triage.ENABLED = path == "lean"
            pairs = fresh(args.n, f"{path}{r}-")
            t0 = time.perf_counter()
            for lang, text in pairs:
                resp = client.post("/v1/score", json={"sentences": [text], "lang": lang})
                assert resp.status_code == 200, resp.get_data(as_text=True)
            times[path].append((time.perf_counter() - t0) / len(pairs) * 1000)
        pairs = fresh(args.n, f"p{r}-")
        t0 = time.perf_counter()
        for lang, text in pairs:
            get_nlp(lang)(normalise(text))
        times["parse alone"].append((time.perf_counter() - t0) / len(pairs) * 1000)
    lean.ENABLED = triage.ENABLED = True
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"/v1/score, one new sentence a request, in process ({args.n} requests x {args.rounds} rounds, median):")
    for k, v in med.items():
        print(f"  {k:12s} {v:6.2f} ms/request   (rounds: {', '.join(f'{x:.2f}' for x in times[k])})")
    print(f"  lean / sklearn path: {med['lean'] / med['sklearn']:.2f}x; lean beyond the parse: "
          f"{med['lean'] - med['parse alone']:.2f} ms (sklearn path: {med['sklearn'] - med['parse alone']:.2f} ms)")
    figures.write(args.figures, {"lean_ms": med["lean"], "untriaged_ms": med["untriaged"], "sklearn_ms": med["sklearn"],
                                 "parse_ms": med["parse alone"]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
