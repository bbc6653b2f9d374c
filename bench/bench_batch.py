"""Throughput of batch analysis: local engine with 1 and 2 processes, Dask on a 2-worker LocalCluster.

    python bench/bench_batch.py [--articles 2000] [--partition-size 50] [--repeat 1] [--keep DIR]

The archive is synthetic: articles of 8-15 sentences of one language drawn from the labelled corpus
(seeds/train.jsonl + seeds/test.jsonl), with outlet and date columns. A corpus sentence used again
gets a numbered marker, so no parse cache serves a repeat. Each run starts from an empty output
folder; rates are over the analysis time (workers ready to last partition written), start-up (model
and spaCy loaded in every process) is shown apart, and so is the whole wall time.

Targets (batch issue): 2 processes >= 1.7x one process; Dask LocalCluster within 20% of the local
engine at the same number of processes. The machine has 2 cores: the driver (reading rows, writing
files) shares them with the workers.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.batch.worker import ModelRef, peak_rss  # noqa: E402
from service.batch.inputs import open_inputs  # noqa: E402
from service.batch.run import run_batch  # noqa: E402
from service.batch.tables import read_table  # noqa: E402
from service.storage.registry import ROOT_DEFAULT  # noqa: E402
from training.corpus import DEFAULT_TEST, DEFAULT_TRAIN, load_files  # noqa: E402
import figures  # noqa: E402  (bench/ is the script's folder, first on sys.path)

OUTLETS = ("Le Monde", "Reuters", "AFP", "The Guardian", "Le Figaro")
_TAIL = re.compile(r"([.!?…]*[\"'»”’)]*\s*)$")


def make_archive(path: Path, n: int, seed: int = 2026) -> None:
    corpus = load_files([DEFAULT_TRAIN, DEFAULT_TEST])
    pools = {lang: [e.text for e in corpus.by_lang(lang)] for lang in ("en", "fr")}
    used: dict[str, int] = {}
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            lang = rng.choice(("en", "fr"))
            sentences = []
            for text in rng.sample(pools[lang], rng.randint(8, 15)):
                k = used.get(text, 0)
                used[text] = k + 1
                if k:  # unique text: insert a marker before the closing punctuation
                    m = _TAIL.search(text)
                    text = f"{text[:m.start()]} ({k}){m.group(1)}"
                sentences.append(text)
            article = {"id": f"bench-{i:06d}", "text": " ".join(sentences), "lang": lang,
                       "outlet": rng.choice(OUTLETS), "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
            fh.write(json.dumps(article, ensure_ascii=False) + "\n")


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--partition-size", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=1, metavar="N", help="run the three configurations N times; "
                    "ratios use the best run of each (other load on the machine only slows a run down)")
    ap.add_argument("--keep", metavar="DIR", help="keep the archive and outputs here")
    ap.add_argument("--model-dir", default=str(ROOT_DEFAULT), metavar="DIR", help="model registry (default models/)")
    figures.add_option(ap)
    args = ap.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        archive = work / "archive.jsonl"
        make_archive(archive, args.articles)
        inputs = open_inputs([str(archive)])
        active = ModelRef.active(Path(args.model_dir))
        registry = work / "models"  # a private copy: a retraining in the work tree cannot pull it away
        shutil.rmtree(registry, ignore_errors=True)
        shutil.copytree(active.directory, registry / active.version)
        (registry / "ACTIVE").write_text(active.version + "\n", encoding="utf-8")
        model = ModelRef.active(registry)
        print(f"model {model.version}; {args.articles} articles, partitions of {args.partition_size}; "
              f"{os.cpu_count()} cores; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        configs = [("local", 1), ("local", 2), ("dask", 2)] * args.repeat
        results, tables = {}, {}
        for engine, processes in configs:
            out = work / f"out-{engine}-{processes}"
            shutil.rmtree(out, ignore_errors=True)
            stats = run_batch(inputs, out, model, partition_size=args.partition_size, engine=engine,
                              processes=processes, progress=False)
            label = f"{engine} x{processes}"
            if label not in results or stats.sentences / stats.work_s > results[label].sentences / results[label].work_s:
                results[label] = stats  # best of --repeat runs
            tables[label] = read_table(out, "articles")
            per_process = sorted(stats.peak_rss.values())
            print(f"  {label:9} {stats.articles / stats.work_s:7.1f} articles/s {stats.sentences / stats.work_s:8.1f} "
                  f"sentences/s  (analysis {stats.work_s:6.1f} s, start-up {stats.startup_s:5.1f} s, wall "
                  f"{stats.elapsed_s:6.1f} s = {stats.articles / stats.elapsed_s:5.1f} articles/s); "
                  f"{stats.articles} articles, {stats.sentences} sentences, {stats.errors} errors")
            print(f"  {'':9} workers: {stats.worker_cpu_s:6.1f} CPU s = {stats.worker_cpu_s / stats.work_s:4.2f} cores busy, "
                  f"{stats.sentences / stats.worker_cpu_s:6.1f} sentences per CPU s; driver: {stats.driver_cpu_s:5.1f} CPU s; "
                  f"peak RSS per worker process: {', '.join(mib(r) for r in per_process)}")
        print(f"  driver process peak RSS: {mib(peak_rss())} (it was also the worker of 'local x1')")
        one, two, dask = (results[k] for k in ("local x1", "local x2", "dask x2"))
        rate = {k: s.sentences / s.work_s for k, s in results.items()}
        wall = {k: s.sentences / s.elapsed_s for k, s in results.items()}
        print(f"best of {args.repeat} run(s) each:" if args.repeat > 1 else "", end="\n" if args.repeat > 1 else "")
        print(f"ratios (analysis time): local x2 / local x1 = {rate['local x2'] / rate['local x1']:.2f} (target >= 1.70); "
              f"dask x2 / local x2 = {rate['dask x2'] / rate['local x2']:.2f} (target >= 0.80)")
        print(f"ratios (wall time incl. start-up): local x2 / local x1 = {wall['local x2'] / wall['local x1']:.2f}; "
              f"dask x2 / local x2 = {wall['dask x2'] / wall['local x2']:.2f}")
        same = all(tables[k].equals(tables["local x1"]) for k in tables)
        print(f"identical article tables across the three runs: {same}; "
              f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        assert one.articles == two.articles == dask.articles
        figures.write(args.figures, {"two_vs_one": rate["local x2"] / rate["local x1"],
                                     "dask_vs_local": rate["dask x2"] / rate["local x2"], "same_tables": same,
                                     "one_per_s": rate["local x1"], "two_per_s": rate["local x2"],
                                     "dask_per_s": rate["dask x2"]})
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
