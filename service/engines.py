"""Where partitions are analysed: this machine's cores (processes) or a Dask cluster.

Both engines run the same task, ``analyze_partition``: a partition's records in, its encoded
output files out. Rows are read and files written by the driver only, so the workers need no
shared file system, and both engines write the same bytes for the same input. Each worker process
loads the model once (a pool initializer, or a Dask worker plugin that ships the model files to
workers, so every worker serves the very version the driver resolved) and keeps it for all its
tasks.
"""
from __future__ import annotations

import os
import resource
import sys
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from service.archive import Analysed, Partition, RecordError, encode_partition, to_article
from training.classifier import ARTIFACT, CARD, Classifier, ModelError
from training.registry import Registry

_MODEL: Classifier | None = None
_MODEL_PATH: str | None = None
_LOAD_ERROR: str | None = None
_BARRIER = None  # set in pool processes: the warm-up tasks meet there


class EngineError(RuntimeError):
    """An engine that cannot start (unreachable scheduler, no worker)."""


@dataclass(frozen=True)
class ModelRef:
    """The model version resolved once by the driver; every worker loads exactly this one."""

    directory: Path
    version: str

    @classmethod
    def active(cls, model_dir: Path) -> "ModelRef":
        registry = Registry(Path(model_dir))
        version = registry.active_version()
        if version is None:
            raise ModelError(f"{model_dir}: no active model (missing ACTIVE file)")
        directory = registry.path(version)
        if not (directory / CARD).is_file() or not (directory / ARTIFACT).is_file():
            raise ModelError(f"{directory}: active model folder lacks {CARD} or {ARTIFACT}")
        return cls(directory, version)


@dataclass
class Settings:
    fmt: str
    max_chars: int


@dataclass
class PartitionResult:
    name: str
    files: dict[str, bytes]
    records: int
    articles: int
    sentences: int
    errors: int
    pid: int
    peak_rss: int  # bytes, the worker process's peak resident memory so far
    cpu_s: float   # CPU time the worker spent on this partition


# --- the task -----------------------------------------------------------------------------------
def load_model(directory: str | Path) -> None:
    """Load the classifier and both spaCy pipelines into this process, once; a failure is kept
    and reported by every task (rather than killing a pool or a worker)."""
    global _MODEL, _MODEL_PATH, _LOAD_ERROR
    if _MODEL is not None and _MODEL_PATH == str(directory):
        return
    try:
        from training.nlp import get_nlp

        clf = Classifier.load(Path(directory))
        for lang in clf.languages:
            get_nlp(lang)
            clf.predict(["Warm-up sentence."], lang)
        _MODEL, _MODEL_PATH, _LOAD_ERROR = clf, str(directory), None
    except Exception as exc:  # a broken artifact can raise anything
        _MODEL, _MODEL_PATH = None, None
        _LOAD_ERROR = f"cannot load the model from {directory}: {type(exc).__name__}: {exc}"


def unload_model() -> None:
    global _MODEL, _MODEL_PATH
    _MODEL, _MODEL_PATH = None, None


def _pool_initializer(directory: str, barrier) -> None:
    global _BARRIER
    import signal

    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    threadpool_limits(1)  # one core per process: the processes are the parallelism (Dask does the same)
    _BARRIER = barrier
    load_model(directory)


def _model() -> Classifier:
    if _MODEL is None:
        raise RuntimeError(_LOAD_ERROR or "no model loaded in this worker process")
    return _MODEL


def _resolve_lang(requested: str | None, text: str, supported: tuple[str, ...]) -> tuple[str, bool]:
    if requested is None:
        from service.language import detect

        lang, prob = detect(text)
        if lang not in supported:
            raise RecordError(f"detected language {lang!r} (p={prob:.2f}) is not supported; "
                              f"supported: {', '.join(supported)}")
        return lang, True
    if requested not in supported:
        raise RecordError(f"language {requested!r} is not supported; supported: {', '.join(supported)}")
    return requested, False


def analyze_partition(part: Partition, settings: Settings) -> PartitionResult:
    """Analyse every record of one partition with ``service.analysis.analyze``; a record that
    fails becomes an error row and the partition goes on."""
    from service.analysis import analyze

    cpu0 = time.process_time()
    clf = _model()
    analysed, errors = [], []
    for row, payload in part.records:
        article_id = None
        try:
            article = to_article(payload)
            article_id = article.id
            if len(article.text) > settings.max_chars:
                raise RecordError(f"text has {len(article.text)} characters, more than --max-chars "
                                  f"{settings.max_chars}")
            lang, detected = _resolve_lang(article.lang, article.text, clf.languages)
            analysed.append(Analysed(row, article, lang, detected, analyze(clf, article.text, lang)))
        except RecordError as exc:
            errors.append({"id": exc.article_id or article_id, "source_file": part.source_file, "row": row,
                           "reason": exc.reason})
        except Exception as exc:  # one bad article must not stop a run over millions
            errors.append({"id": article_id, "source_file": part.source_file, "row": row,
                           "reason": f"analysis failed: {type(exc).__name__}: {exc}"})
    files = encode_partition(part, analysed, errors, settings.fmt)
    return PartitionResult(part.name, files, len(part.records), len(analysed),
                           sum(len(a.result["sentences"]) for a in analysed), len(errors),
                           os.getpid(), peak_rss(), time.process_time() - cpu0)


def load_error() -> str | None:
    """Why this process has no model, if it has none (asked of every Dask worker at start)."""
    return None if _MODEL is not None else (_LOAD_ERROR or "the model plugin has not run")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BrokenProcessPool):
        return "a worker process died (killed, or out of memory?)"
    return f"{type(exc).__name__}: {exc}"


def _result(future, name: str) -> PartitionResult:
    try:
        return future.result()
    except Exception as exc:
        raise EngineError(f"partition {name} failed: {_describe(exc)}") from exc


def peak_rss() -> int:
    """This process's peak resident memory, in bytes. Linux: VmHWM, which starts afresh at exec
    (ru_maxrss would carry the parent's peak into a spawned worker); elsewhere ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _ready(timeout: float) -> int:
    """Pool warm-up task: returns once every process has loaded the model (see LocalEngine)."""
    _model()
    _BARRIER.wait(timeout)
    return os.getpid()


# --- engines ------------------------------------------------------------------------------------
class LocalEngine:
    """``processes`` worker processes on this machine (spawned, so safe beside threads); with one
    process the work runs in this process, with no pool to start."""

    name = "local"

    def __init__(self, model: ModelRef, settings: Settings, processes: int):
        self.model, self.settings, self.processes = model, settings, processes
        self.pool: ProcessPoolExecutor | None = None
        self.startup_s = 0.0

    @property
    def workers(self) -> int:
        return self.processes

    @property
    def in_process(self) -> bool:
        return self.processes == 1

    def __enter__(self) -> "LocalEngine":
        t0 = time.perf_counter()
        if self.processes == 1:
            load_model(self.model.directory)  # kept for later runs in this process
            if _LOAD_ERROR:
                raise EngineError(_LOAD_ERROR)
        else:
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")
            barrier = ctx.Barrier(self.processes)
            self.pool = ProcessPoolExecutor(self.processes, mp_context=ctx,
                                            initializer=_pool_initializer,
                                            initargs=(str(self.model.directory), barrier))
            # One warm-up task per process, each waiting for the others: when they return, every
            # process has its model, so the timings that follow measure work, not start-up.
            futures = [self.pool.submit(_ready, 600.0) for _ in range(self.processes)]
            try:
                for f in futures:
                    f.result()
            except BaseException as exc:
                self._stop()
                if isinstance(exc, Exception):
                    raise EngineError(f"the worker processes could not start: {_describe(exc)}") from None
                raise
        self.startup_s = time.perf_counter() - t0
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._stop(wait=exc_type is None)

    def _stop(self, wait: bool = False) -> None:
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        if not wait:
            for proc in list(getattr(pool, "_processes", {}).values()):  # running tasks too
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def imap_unordered(self, parts: Iterable[Partition]) -> Iterator[PartitionResult]:
        if self.pool is None:
            for part in parts:
                yield analyze_partition(part, self.settings)
            return
        parts, pending = iter(parts), {}
        limit = 2 * self.processes  # enough queued to keep every process busy, few rows in memory
        while True:
            while len(pending) < limit:
                part = next(parts, None)
                if part is None:
                    break
                pending[self.pool.submit(analyze_partition, part, self.settings)] = part.name
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in sorted(done, key=pending.get):
                name = pending.pop(f)
                yield _result(f, name)


class DaskEngine:
    """Partitions as Dask tasks, on the cluster at ``scheduler`` or on a ``LocalCluster`` of
    ``processes`` single-threaded workers."""

    name = "dask"
    in_process = False

    def __init__(self, model: ModelRef, settings: Settings, processes: int, scheduler: str | None = None):
        self.model, self.settings, self.processes, self.scheduler = model, settings, processes, scheduler
        self.client = self.cluster = None
        self.startup_s = 0.0
        self.workers = processes

    def __enter__(self) -> "DaskEngine":
        import logging

        from distributed import Client, LocalCluster

        from service.dask_plugin import ModelPlugin

        t0 = time.perf_counter()
        try:
            if self.scheduler:
                try:
                    self.client = Client(self.scheduler, timeout="20s")
                except (OSError, TimeoutError) as exc:
                    raise EngineError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
                try:
                    self.client.wait_for_workers(1, timeout=120)
                except TimeoutError:
                    raise EngineError(f"no worker has joined the Dask scheduler at {self.scheduler} "
                                      "within 120 s") from None
            else:
                self.cluster = LocalCluster(n_workers=self.processes, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.WARNING)
                self.client = Client(self.cluster)
            self.workers = sum(self.client.nthreads().values())
            try:
                self.client.register_plugin(ModelPlugin(self.model), name=ModelPlugin.name)
                failed = {addr: err for addr, err in self.client.run(load_error).items() if err}
                self.client.submit(load_error, pure=False).result()  # a task through the scheduler
            except Exception as exc:
                raise EngineError(f"the Dask cluster cannot run this project's tasks ({_describe(exc)}); the "
                                  "scheduler and every worker need this project on their PYTHONPATH and the "
                                  "same requirements installed") from None
            if failed:
                addr, err = sorted(failed.items())[0]
                raise EngineError(f"{len(failed)} Dask worker(s) could not load the model, e.g. {addr}: {err}")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.startup_s = time.perf_counter() - t0
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def imap_unordered(self, parts: Iterable[Partition]) -> Iterator[PartitionResult]:
        from distributed import as_completed

        parts = iter(parts)
        queue = as_completed()

        names = {}

        def submit() -> bool:
            part = next(parts, None)
            if part is None:
                return False
            future = self.client.submit(analyze_partition, part, self.settings, pure=False,
                                        key=f"framing-{part.name}-{uuid.uuid4().hex[:8]}")
            names[future.key] = part.name
            queue.add(future)
            return True

        for _ in range(2 * max(self.workers, 1)):  # enough queued to keep every worker busy
            if not submit():
                break
        for future in queue:
            result = _result(future, names.pop(future.key))
            future.release()
            submit()
            yield result
