"""Serve the API: ``python -m service [--host H] [--port P] [--model-dir D] [--workers W] [--threads T]``.

Each flag has an environment equivalent: HOST, PORT, MODEL_DIR, WORKERS, THREADS. The server is
gunicorn running one web front (threaded: it routes, checks and answers, and holds no model)
beside ``--workers`` analysis processes (default: one per core) that share one loaded model
(``service.web.pool``). Analysis is CPU-bound Python, so one process uses one core; requests
wait in one fair queue for the first free process, so the latency tail stays short, while health
checks, the page and the admin endpoints answer at once. ``--threads`` is how many requests the
front holds at a time (default 32; slow clients each hold one). Workers share the registry
(each follows its ``ACTIVE`` pointer), the job records and the feedback database.
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

# One BLAS thread per process, set before numpy loads: the parse's matrices are small, a second
# BLAS thread does not speed one request up, and under load it only competes with the other
# requests (or worker processes) for the same cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from gunicorn.app.base import BaseApplication  # noqa: E402

# The registry's default folder, named here so that the server's master process imports no
# analysis code (service.storage.registry.ROOT_DEFAULT is the same folder).
ROOT_DEFAULT = Path(__file__).resolve().parent.parent / "models"

LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1", "[::1]"]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _child_exit(server, worker) -> None:
    """A web process ended: its live gauges go, its counts stay (prometheus_client multiprocess)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def metrics_dir() -> str:
    """A fresh folder where the web processes keep their metrics (``/metrics`` adds them up)."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="framing-metrics-")
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def trusted_hosts(host: str) -> list[str] | None:
    """Host headers to accept. Bound to the loopback, only loopback names (a web page elsewhere
    cannot reach the service through DNS rebinding); otherwise ``TRUSTED_HOSTS`` (comma-separated)
    or any."""
    configured = os.environ.get("TRUSTED_HOSTS")
    if configured:
        return [h.strip() for h in configured.split(",") if h.strip()]
    if host in ("127.0.0.1", "localhost", "::1"):
        return LOOPBACK_NAMES
    return None


class Server(BaseApplication):
    """gunicorn with one threaded front; the front starts the analysis processes."""

    def __init__(self, args):
        self.args = args
        super().__init__()

    def load_config(self):
        args = self.args
        settings = {"bind": f"{args.host}:{args.port}", "workers": 1, "threads": args.threads,
                    "worker_class": "gthread", "timeout": 60, "graceful_timeout": 30, "keepalive": 5,
                    "proc_name": "framing", "control_socket_disable": True, "child_exit": _child_exit,
                    "loglevel": os.environ.get("LOG_LEVEL", "info").lower()}
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self):
        from service.web import create_app

        return create_app({"MODEL_DIR": self.args.model_dir, "ANALYSIS_WORKERS": self.args.workers,
                           "TRUSTED_HOSTS": trusted_hosts(self.args.host)})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m service", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    ap.add_argument("--model-dir", default=os.environ.get("MODEL_DIR", str(ROOT_DEFAULT)))
    ap.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", cores())),
                    help="analysis processes (default: one per core)")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "32")),
                    help="requests the web front holds at a time (default 32)")
    args = ap.parse_args(argv)
    if args.workers < 1 or args.threads < 2:
        ap.error("--workers must be at least 1 and --threads at least 2")
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("service").info("listening on http://%s:%d (model dir %s, %d analysis process(es), "
                                      "%d front thread(s))", args.host, args.port, args.model_dir, args.workers,
                                      args.threads)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir()
    Server(args).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
