"""Analyse news archives in bulk, resumably: ``python -m service.batch INPUT... --out DIR``.

INPUT: JSONL, CSV or Parquet files, or globs, of articles with ``id``, ``text`` and an optional
``lang`` (missing, empty or "auto": detected); every other column (outlet, date, url ...) is
passed through to the article table. Each fixed-size chunk of an input file (a partition) is
analysed with ``service.core.analysis.analyze`` and written atomically to DIR/articles/ and
DIR/sentences/; a record that cannot be analysed goes to DIR/errors.jsonl and the run goes on.
Running the same command again skips the partitions already written.

Engines: ``local`` (default) uses --processes processes of this machine; ``dask`` runs the same
partitions as tasks on the Dask cluster at --scheduler, or on a LocalCluster of --processes
single-threaded workers when no address is given.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from service.batch.engines import (
    DaskEngine,
    EngineError,
    LocalEngine,
    ModelRef,
    Settings,
)
from service.batch.inputs import ArchiveError, InputFile, iter_partitions, open_inputs
from service.batch.tables import FORMATS, OutputDir
from service.storage.artifacts import ModelError
from service.storage.registry import ROOT_DEFAULT

PROG = "python -m service.batch"


@dataclass
class RunStats:
    engine: str
    workers: int
    articles: int = 0
    sentences: int = 0
    errors: int = 0
    written: int = 0
    skipped: int = 0
    startup_s: float = 0.0
    elapsed_s: float = 0.0
    peak_rss: dict[int, int] = field(default_factory=dict)  # worker pid -> peak resident bytes
    worker_cpu_s: float = 0.0   # CPU time the workers spent on partitions
    driver_cpu_s: float = 0.0   # this process's CPU time while analysing, its own work only (reading rows,
                                # writing files, a LocalCluster's scheduler)

    @property
    def work_s(self) -> float:
        """Wall time spent analysing, without the start-up of the workers."""
        return max(self.elapsed_s - self.startup_s, 1e-9)


def run_batch(inputs: list[InputFile], out_dir: Path, model: ModelRef, *, fmt: str = "parquet",
              partition_size: int = 500, engine: str = "local", processes: int | None = None,
              scheduler: str | None = None, max_chars: int = 200_000, article_budget: float | None = 120.0,
              progress: bool = True) -> RunStats:
    """Analyse every partition of ``inputs`` not yet in ``out_dir``; the library form of the CLI."""
    t0 = time.perf_counter()
    processes = processes or os.cpu_count() or 1
    settings = Settings(fmt, max_chars, article_budget)
    out = OutputDir(out_dir, fmt)
    with out.locked():
        out.check_manifest({"format": fmt, "partition_size": partition_size, "model_version": model.version},
                           inputs)
        todo: dict[str, int] = {}
        for inp in inputs:
            for chunk in range(inp.partitions(partition_size)):
                name = inp.partition_name(chunk)
                if not out.is_done(name):
                    todo[name] = min(partition_size, inp.rows - chunk * partition_size)
        total = sum(inp.partitions(partition_size) for inp in inputs)
        runner = (DaskEngine(model, settings, processes, scheduler) if engine == "dask"
                  else LocalEngine(model, settings, processes))
        stats = RunStats(engine, processes, skipped=total - len(todo))
        if todo:
            where = f"the Dask cluster at {scheduler}" if scheduler else (
                f"a Dask LocalCluster of {processes} workers" if engine == "dask"
                else f"{processes} local process{'es' if processes > 1 else ''}")
            _say(progress, f"{sum(todo.values())} records in {len(todo)} partitions to analyse "
                           f"({stats.skipped} already done); starting {where} ...")
            with runner:
                stats.startup_s, stats.workers = runner.startup_s, runner.workers
                cpu_ready = time.process_time()
                parts = (p for inp in inputs for p in iter_partitions(inp, partition_size, todo.__contains__))
                with _progress_bar(sum(todo.values()), progress) as bar:
                    for result in runner.imap_unordered(parts):
                        out.write(result.name, result.files)
                        stats.written += 1
                        stats.articles += result.articles
                        stats.sentences += result.sentences
                        stats.errors += result.errors
                        stats.peak_rss[result.pid] = max(stats.peak_rss.get(result.pid, 0), result.peak_rss)
                        stats.worker_cpu_s += result.cpu_s
                        bar.update(result.records)
                        bar.set_postfix_str(f"{stats.sentences} sentences, {stats.errors} errors", refresh=False)
                stats.driver_cpu_s = time.process_time() - cpu_ready - (stats.worker_cpu_s if runner.in_process else 0)
        out.gather_errors()
    stats.elapsed_s = time.perf_counter() - t0
    return stats


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass

    def set_postfix_str(self, s, refresh=True):
        pass


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="article", dynamic_ncols=True, smoothing=0.05)


def _say(enabled: bool, message: str) -> None:
    if enabled:
        print(message, file=sys.stderr, flush=True)


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an integer") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive integer")
    return n


def _positive_float(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not x > 0:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number of seconds")
    return x


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", metavar="INPUT", help="JSONL, CSV or Parquet files, or globs (quoted)")
    ap.add_argument("--out", required=True, metavar="DIR", help="output folder (created; reused to resume)")
    ap.add_argument("--format", choices=FORMATS, default="parquet", help="output tables format (default parquet)")
    ap.add_argument("--partition-size", type=_positive_int, default=500, metavar="N",
                    help="input rows per partition, the unit of work and of resumption (default 500)")
    ap.add_argument("--engine", choices=("local", "dask"), default="local")
    ap.add_argument("--processes", type=_positive_int, default=os.cpu_count() or 1, metavar="N",
                    help="local processes, or LocalCluster workers (default: the number of cores)")
    ap.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (--engine dask)")
    ap.add_argument("--model-dir", default=os.environ.get("MODEL_DIR", str(ROOT_DEFAULT)), metavar="DIR",
                    help="model registry; its ACTIVE version is used (default models/, or $MODEL_DIR)")
    ap.add_argument("--max-chars", type=_positive_int, default=200_000, metavar="N",
                    help="longer texts are reported as errors (default 200000)")
    ap.add_argument("--article-budget", type=_positive_float, default=120.0, metavar="SECONDS",
                    help="an article whose analysis runs longer goes to the errors file (default 120)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar or start-up messages")
    return ap


def main(argv=None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    if args.scheduler and args.engine != "dask":
        ap.error("--scheduler needs --engine dask")
    try:
        inputs = open_inputs(args.inputs)
        model = ModelRef.active(Path(args.model_dir))
    except (ArchiveError, ModelError) as exc:
        ap.error(str(exc))
    try:
        stats = run_batch(inputs, Path(args.out), model, fmt=args.format, partition_size=args.partition_size,
                          engine=args.engine, processes=args.processes, scheduler=args.scheduler,
                          max_chars=args.max_chars, article_budget=args.article_budget,
                          progress=not args.no_progress)
    except ArchiveError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except EngineError as exc:
        print(f"{PROG}: error: {exc}\n(the partitions written so far are kept: the same command resumes)",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted; the partitions written so far are kept: run the same command again "
              "to resume", file=sys.stderr)
        return 130
    out = Path(args.out)
    if not stats.written:
        print(f"nothing to do: all {stats.skipped} partitions are already in {out}")
    else:
        print(f"{stats.articles} articles, {stats.sentences} sentences, {stats.errors} errors in "
              f"{stats.elapsed_s:.1f} s ({stats.articles / stats.elapsed_s:.1f} articles/s; "
              f"workers ready after {stats.startup_s:.1f} s)")
        print(f"{stats.written} partitions written, {stats.skipped} already done; "
              f"tables in {out}/articles and {out}/sentences ({args.format}), errors in {out}/errors.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
