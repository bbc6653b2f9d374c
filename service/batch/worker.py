"""The work of one batch process: load the driver's model once, then analyse partitions.

Both engines run ``analyze_partition`` in their worker processes (a process pool's initializer
or the Dask plugin calls ``load_worker_model`` first); the model is kept for all the tasks of the
process.
"""
from __future__ import annotations

import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from service.batch.inputs import Partition, RecordError, to_article
from service.batch.tables import Analysed, encode_partition
from service.core.classifier import Classifier
from service.core.deadline import Deadline, DeadlineExceeded
from service.core.language import UnsupportedLanguage, resolve_language
from service.storage.artifacts import ARTIFACT, CARD, ModelError, load_model
from service.storage.heap import settle_heap
from service.storage.registry import Registry

_MODEL: Classifier | None = None
_MODEL_PATH: str | None = None
_LOAD_ERROR: str | None = None
_BARRIER = None  # set in pool processes: the warm-up tasks meet there


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
    article_budget: float | None = None  # seconds; an article that runs longer goes to the errors file


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


def load_worker_model(directory: str | Path) -> None:
    """Load the classifier and both spaCy pipelines into this process, once; a failure is kept
    and reported by every task (rather than killing a pool or a worker)."""
    global _MODEL, _MODEL_PATH, _LOAD_ERROR
    if _MODEL is not None and _MODEL_PATH == str(directory):
        return
    try:
        clf = load_model(Path(directory))
        clf.warm_up()
        settle_heap()  # the model's objects leave the garbage collector's rounds (service.storage.heap)
        _MODEL, _MODEL_PATH, _LOAD_ERROR = clf, str(directory), None
    except Exception as exc:  # a broken artifact can raise anything
        _MODEL, _MODEL_PATH = None, None
        _LOAD_ERROR = f"cannot load the model from {directory}: {type(exc).__name__}: {exc}"


def unload_worker_model() -> None:
    global _MODEL, _MODEL_PATH
    _MODEL, _MODEL_PATH = None, None


def pool_initializer(directory: str, barrier) -> None:
    global _BARRIER
    import signal

    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    threadpool_limits(1)  # one core per process: the processes are the parallelism (Dask does the same)
    _BARRIER = barrier
    load_worker_model(directory)


def _model() -> Classifier:
    if _MODEL is None:
        raise RuntimeError(_LOAD_ERROR or "no model loaded in this worker process")
    return _MODEL


def _resolve_lang(requested: str | None, text: str, supported: tuple[str, ...]) -> tuple[str, bool]:
    try:
        return resolve_language(requested, text, supported)
    except UnsupportedLanguage as exc:
        if exc.detected:
            raise RecordError(f"detected language {exc.lang!r} (p={exc.probability:.2f}) is not supported; "
                              f"supported: {', '.join(supported)}") from None
        raise RecordError(f"language {exc.lang!r} is not supported; supported: {', '.join(supported)}") from None


def analyze_partition(part: Partition, settings: Settings) -> PartitionResult:
    """Analyse every record of one partition with ``service.core.analysis.analyze``; a record that
    fails becomes an error row and the partition goes on."""
    from service.core.analysis import analyze

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
            result = analyze(clf, article.text, lang, deadline=Deadline(settings.article_budget))
            analysed.append(Analysed(row, article, lang, detected, result))
        except DeadlineExceeded as exc:
            errors.append({"id": article_id, "source_file": part.source_file, "row": row,
                           "reason": f"{exc} (--article-budget)"})
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


def ready(timeout: float) -> int:
    """Pool warm-up task: returns once every process has loaded the model (see LocalEngine)."""
    _model()
    _BARRIER.wait(timeout)
    return os.getpid()
