"""Build the fixed train/test split of the labelled corpus (run once; the split is committed).

    python -m training.split seeds/parts/*.jsonl

Drops exact and near duplicates (keeping the first), then puts 20% of every language x label
cell in ``seeds/test.jsonl`` and the rest in ``seeds/train.jsonl``, with a fixed seed.
"""
from __future__ import annotations

import argparse
import random
import sys

from service.core.text import sentence_key
from training.corpus import (
    DEFAULT_TEST,
    DEFAULT_TRAIN,
    CorpusError,
    load_files,
    near_duplicates,
    write_jsonl_atomic,
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.split", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--test-share", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--threshold", type=float, default=0.8, help="near-duplicate cosine threshold")
    ap.add_argument("--append", action="store_true",
                    help="split FILES the same way and add them to the existing split (which stays as it is)")
    args = ap.parse_args(argv)
    try:
        corpus = load_files(args.files)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    existing = load_files([DEFAULT_TRAIN, DEFAULT_TEST]).examples if args.append else []
    seen, unique = {(e.lang, sentence_key(e.text)) for e in existing}, []
    for e in corpus.examples:
        key = (e.lang, sentence_key(e.text))
        if key not in seen:
            seen.add(key)
            unique.append(e)
    drop = {id(b) for a, b, _ in near_duplicates(existing + unique, args.threshold)} - {id(e) for e in existing}
    kept = [e for e in unique if id(e) not in drop]
    print(f"{len(corpus)} rows, {len(corpus) - len(unique)} exact and {len(drop)} near duplicates dropped")
    rng = random.Random(args.seed)
    train, test = [], []
    cells: dict = {}
    for e in kept:
        cells.setdefault((e.lang, e.label), []).append(e)
    for key in sorted(cells):
        group = cells[key]
        rng.shuffle(group)
        n_test = round(len(group) * args.test_share)
        test.extend(group[:n_test])
        train.extend(group[n_test:])
    order = {id(e): i for i, e in enumerate(kept)}
    train.sort(key=lambda e: order[id(e)])
    test.sort(key=lambda e: order[id(e)])
    if args.append:
        old = load_files([DEFAULT_TRAIN]).examples, load_files([DEFAULT_TEST]).examples
        train, test = old[0] + train, old[1] + test
    write_jsonl_atomic(DEFAULT_TRAIN, train)
    write_jsonl_atomic(DEFAULT_TEST, test)
    print(f"train {len(train)} -> {DEFAULT_TRAIN}\ntest {len(test)} -> {DEFAULT_TEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
