"""Serve the API with waitress: ``python -m service [--host H] [--port P] [--model-dir D] [--threads N]``.

Each flag has an environment equivalent: HOST, PORT, MODEL_DIR, THREADS.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys

from training.registry import ROOT_DEFAULT


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    ap.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    ap.add_argument("--model-dir", default=os.environ.get("MODEL_DIR", str(ROOT_DEFAULT)))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "4")))
    args = ap.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from waitress import serve

    from service import create_app

    app = create_app({"MODEL_DIR": args.model_dir})
    logging.getLogger("service").info("listening on http://%s:%d (model dir %s)", args.host, args.port, args.model_dir)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="framing", channel_timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
