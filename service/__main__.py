"""Serve the API: ``python -m service [--host H] [--port P] [--model-dir D] [--workers W] [--threads T]``.

Each flag has an environment equivalent: HOST, PORT, MODEL_DIR, WORKERS, THREADS. The server is
gunicorn. Analysis is CPU-bound Python, so one process uses one core: by default there is one
worker process per core, each handling one request at a time (gunicorn's sync workers). Waiting
requests then queue in the kernel and go to whichever worker is free first, which keeps the
latency tail short (threaded workers pin keep-alive connections to one worker; README, Speed,
compares the modes). ``--threads`` above 1 switches to
threaded workers (keep-alive connections, tolerant of slow clients, for use without a buffering
proxy in front). Workers share the model registry (each follows its ``ACTIVE`` pointer), the job
records and the feedback database.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys

# One BLAS thread per process, set before numpy loads: the parse's matrices are small, a second
# BLAS thread does not speed one request up, and under load it only competes with the other
# requests (or worker processes) for the same cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from gunicorn.app.base import BaseApplication  # noqa: E402

from service.storage.registry import ROOT_DEFAULT  # noqa: E402


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Server(BaseApplication):
    """gunicorn, configured from our flags; each worker builds the app and loads its model
    before it accepts a connection, so no worker answers 503 while cold."""

    def __init__(self, args):
        self.args = args
        super().__init__()

    def load_config(self):
        args = self.args
        settings = {"bind": f"{args.host}:{args.port}", "workers": args.workers, "threads": args.threads,
                    "worker_class": "sync" if args.threads == 1 else "gthread",
                    "timeout": 120, "graceful_timeout": 30, "proc_name": "framing",
                    "loglevel": os.environ.get("LOG_LEVEL", "info").lower()}
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self):
        from service.web import create_app

        return create_app({"MODEL_DIR": self.args.model_dir, "LOAD_MODEL": "sync"})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m service", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    ap.add_argument("--model-dir", default=os.environ.get("MODEL_DIR", str(ROOT_DEFAULT)))
    ap.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", cores())),
                    help="worker processes (default: one per core)")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "1")),
                    help="threads per worker (default 1: sync workers; more: threaded workers)")
    args = ap.parse_args(argv)
    if args.workers < 1 or args.threads < 1:
        ap.error("--workers and --threads must be at least 1")
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("service").info("listening on http://%s:%d (model dir %s, %d worker(s) x %d thread(s))",
                                      args.host, args.port, args.model_dir, args.workers, args.threads)
    Server(args).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
