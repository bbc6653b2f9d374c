"""The analysis processes of the server: a zygote that loads the model once, and the workers it
forks, which share the model's pages with it.

``python -m service.web.pool_worker --model-dir DIR --control-fd N`` is the zygote; the web front
(``service.web.pool``) starts it and asks it for workers over a Unix socket (SOCK_SEQPACKET: one
message per datagram, and a new worker's socket travels as a file descriptor). The zygote is
single-threaded, so forking it is safe; it loads the active model, warms it up and freezes the
garbage collector's view of it (``gc.freeze``), so the workers' copies of those pages stay shared.
A worker serves one request at a time on its own socket and leaves when the front closes it.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import signal
import socket
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from service.storage.heap import settle_heap

PR_SET_PDEATHSIG = 1
# Libraries the analysis processes must not load (about 60 MB each, never used to serve).
NOT_SERVED = ("pandas", "pyarrow", "polars", "dask", "distributed", "matplotlib")


class _NotServed:
    """An import hook that makes ``NOT_SERVED`` look uninstalled (ImportError, nothing in sys.modules)."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in NOT_SERVED:
            raise ModuleNotFoundError(f"{name} is not loaded in the analysis processes", name=name)
        return None


def die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent (the front) dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


def send(ctl: socket.socket, message: dict, fds: tuple[int, ...] = ()) -> None:
    socket.send_fds(ctl, [json.dumps(message).encode("utf-8")], list(fds))


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()


def serve(conn: Connection, store, retire_rss: int) -> None:
    """One worker: requests in, ``(status, body, info)`` out, until the front hangs up."""
    from service.web.tasks import run_task

    while True:
        try:
            op, payload, budget = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        clf = store.current()
        stats = {}
        if op == "load":
            store.load()
            status, body = 200, b""
        else:
            if clf is None:
                payload = dict(payload, not_ready=store.error)
            status, body, stats = run_task(clf, op, payload, budget)
        rss = rss_bytes()
        info = {"version": store.version, "error": store.error, "rss": rss, "retire": rss > retire_rss,
                "stats": stats}
        try:
            conn.send((status, body, info))
        except (OSError, EOFError):
            os._exit(0)
        if info["retire"]:
            os._exit(0)  # memory kept after a big request goes with the process; the front forks another


def zygote(model_dir: Path, ctl: socket.socket, retire_rss: int) -> None:
    from service.storage.model_store import ModelStore

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    store = ModelStore(model_dir)
    store.load()
    settle_heap()
    send(ctl, {"event": "ready", "version": store.version, "error": store.error})
    while True:
        try:
            data, _, _, _ = socket.recv_fds(ctl, 4096, 0)
        except OSError:
            return
        if not data:
            return  # the front is gone
        command = json.loads(data)
        if command.get("cmd") != "spawn":
            continue
        if store.registry.active_version() not in (store.version, None):
            store.load()  # workers forked from now on start with the new version
            settle_heap()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            ctl.close()
            ours.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                serve(Connection(theirs.detach()), store, retire_rss)
            finally:
                os._exit(0)
        theirs.close()
        send(ctl, {"event": "spawned", "pid": pid, "version": store.version, "error": store.error}, (ours.fileno(),))
        ours.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m service.web.pool_worker")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--control-fd", type=int, required=True)
    ap.add_argument("--retire-rss", type=int, default=1536 << 20)
    args = ap.parse_args(argv)
    die_with_parent()
    sys.meta_path.insert(0, _NotServed())  # scikit-learn imports pandas when it can; serving never needs it
    try:  # below the web front: with every core analysing, health checks and light requests still get a core
        os.nice(5)
    except OSError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    ctl = socket.socket(fileno=args.control_fd)
    zygote(Path(args.model_dir), ctl, args.retire_rss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
