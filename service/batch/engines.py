"""Where partitions are analysed: this machine's cores (processes) or a Dask cluster.

Both engines run the same task, ``analyze_partition``: a partition's records in, its encoded
output files out. Rows are read and files written by the driver only, so the workers need no
shared file system, and both engines write the same bytes for the same input. Each worker process
loads the model once (a pool initializer, or a Dask worker plugin that ships the model files to
workers, so every worker serves the very version the driver resolved) and keeps it for all its
tasks.
"""
from __future__ import annotations

import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator

from service.batch import worker
from service.batch.inputs import Partition
from service.batch.worker import ModelRef, PartitionResult, Settings, analyze_partition


class EngineError(RuntimeError):
    """An engine that cannot start (unreachable scheduler, no worker)."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BrokenProcessPool):
        return "a worker process died (killed, or out of memory?)"
    return f"{type(exc).__name__}: {exc}"


def _result(future, name: str) -> PartitionResult:
    try:
        return future.result()
    except Exception as exc:
        raise EngineError(f"partition {name} failed: {_describe(exc)}") from exc


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
            worker.load_worker_model(self.model.directory)  # kept for later runs in this process
            if worker.load_error():
                raise EngineError(worker.load_error())
        else:
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")
            barrier = ctx.Barrier(self.processes)
            self.pool = ProcessPoolExecutor(self.processes, mp_context=ctx,
                                            initializer=worker.pool_initializer,
                                            initargs=(str(self.model.directory), barrier))
            # One warm-up task per process, each waiting for the others: when they return, every
            # process has its model, so the timings that follow measure work, not start-up.
            futures = [self.pool.submit(worker.ready, 600.0) for _ in range(self.processes)]
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


# Dask's monitors that sample a worker's task thread: the statistical profiler (its stack every
# 10 ms) and the GIL monitor (every 1 ms). On CPU-bound partitions they cost about 8% of the
# analysis time (bench/bench_batch.py). And Dask starts its workers with MALLOC_TRIM_THRESHOLD_
# =65536, so that glibc hands freed memory back to the system at once: every parse's arrays are
# then given back and faulted in again, 0.28-0.32 ms of system time a sentence (+15-20% CPU) in a
# process analysing news; unset here, the workers trim as the local engine's processes do. All
# three only on the LocalCluster we start (a user's own cluster keeps its settings).
LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False,
                        "distributed.admin.system-monitor.gil.enabled": False,
                        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


def local_cluster(processes: int):
    """A ``LocalCluster`` of ``processes`` single-threaded worker processes (nannies pass them
    ``LOCAL_CLUSTER_CONFIG``)."""
    import logging

    import dask
    from distributed import LocalCluster

    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return LocalCluster(n_workers=processes, threads_per_worker=1, processes=True,
                            dashboard_address=None, silence_logs=logging.WARNING)


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
        from distributed import Client

        from service.batch.dask_plugin import ModelPlugin

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
                self.cluster = local_cluster(self.processes)
                self.client = Client(self.cluster)
            self.workers = sum(self.client.nthreads().values())
            try:
                self.client.register_plugin(ModelPlugin(self.model), name=ModelPlugin.name)
                failed = {addr: err for addr, err in self.client.run(worker.load_error).items() if err}
                self.client.submit(worker.load_error, pure=False).result()  # a task through the scheduler
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
