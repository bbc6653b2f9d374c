"""Serve the API: ``python -m service [--host H] [--port P] [--model-dir D] [--threads N] [--workers W]``.

Each flag has an environment equivalent: HOST, PORT, MODEL_DIR, THREADS, WORKERS. One worker
(the default) runs waitress; several run gunicorn's threaded workers, one process per core, since
analysis is CPU-bound Python and one process uses one core. Workers share the model registry
(each watches its ``ACTIVE`` pointer), the job records and the feedback database.
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

from training.registry import ROOT_DEFAULT  # noqa: E402


def _gunicorn(args) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{args.host}:{args.port}", "workers": args.workers,
                               "threads": args.threads, "worker_class": "gthread", "timeout": 120,
                               "graceful_timeout": 30, "loglevel": os.environ.get("LOG_LEVEL", "info").lower(),
                               "proc_name": "framing"}.items():
                self.cfg.set(key, value)

        def load(self):
            from service import create_app

            # Each worker loads its model before it accepts a connection (no 503 from a cold worker).
            return create_app({"MODEL_DIR": args.model_dir, "LOAD_MODEL": "sync"})

    Server().run()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m service", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    ap.add_argument("--model-dir", default=os.environ.get("MODEL_DIR", str(ROOT_DEFAULT)))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "4")), help="threads per worker")
    ap.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "1")), help="worker processes")
    args = ap.parse_args(argv)
    if args.workers < 1 or args.threads < 1:
        ap.error("--workers and --threads must be at least 1")
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("service").info("listening on http://%s:%d (model dir %s, %d worker(s) x %d threads)",
                                      args.host, args.port, args.model_dir, args.workers, args.threads)
    if args.workers > 1:
        _gunicorn(args)
        return 0
    from waitress import serve

    from service import create_app

    serve(create_app({"MODEL_DIR": args.model_dir}), host=args.host, port=args.port, threads=args.threads,
          ident="framing", channel_timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
