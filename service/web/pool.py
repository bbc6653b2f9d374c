"""Where analysis runs: in the request's thread (``InlineAnalysis``: tests, tools) or in a pool of
processes beside the web front (``ProcessAnalysis``: the server).

The server's front only routes, checks and answers; the analysis processes hold the model. This
keeps ``/v1/health/live`` and every light endpoint answering while all cores analyse; a request
waits for the first free process (a fair queue across all of them, so the latency tail stays
short); a request that runs past its budget has its process killed and replaced, and its client
still gets a JSON error, as does the client of a process that dies (out of memory, say).
"""
from __future__ import annotations

import json
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from service.web.problems import APIError

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
GRACE_S = 5.0  # past its budget, a process has this long to answer before it is killed


class InlineAnalysis:
    """Analysis in the calling thread, with the budget checked between sentences."""

    def __init__(self, store):
        self.store = store

    def status(self) -> dict:
        store = self.store
        clf = store.current()
        return {"ready": clf is not None, "version": store.version, "error": store.error,
                "name": clf.name if clf is not None else None, "languages": store.languages()}

    def card(self) -> dict | None:
        clf = self.store.current()
        return clf.card if clf is not None else None

    def run(self, op: str, payload: dict, budget: float | None) -> tuple[int, bytes, dict]:
        from service.web.tasks import run_task

        clf = self.store.current()
        if clf is None:
            payload = dict(payload, not_ready=self.store.error)
        return run_task(clf, op, payload, budget)

    def load_active(self) -> tuple[str | None, str | None]:
        """(served version, error) after loading the active version."""
        self.store.load()
        return self.store.version, self.store.error

    def close(self) -> None:
        pass


@dataclass
class _Worker:
    pid: int
    conn: Connection


class ProcessAnalysis:
    """``workers`` analysis processes forked from one zygote (``service.web.pool_worker``)."""

    def __init__(self, registry, workers: int, queue_timeout: float = 60.0, retire_rss: int = 1536 << 20):
        self.registry, self.size, self.queue_timeout, self.retire_rss = registry, workers, queue_timeout, retire_rss
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._ctl_lock = threading.Lock()
        self._state = {"ready": False, "version": None, "error": None}
        self._alive = 0
        self._count = threading.Lock()
        self._closed = False
        self._zygote = None
        self._ctl = None
        self._start_zygote()
        threading.Thread(target=self._keep, name="analysis-pool", daemon=True).start()

    # --- the front's view ------------------------------------------------------------------------
    def status(self) -> dict:
        state = dict(self._state)
        card = self.card() if state["version"] else None
        return {"ready": state["ready"] and self._alive > 0, "version": state["version"], "error": state["error"],
                "name": (card or {}).get("name", "claim-presentation"),
                "languages": tuple((card or {}).get("languages") or ("en", "fr"))}

    def card(self) -> dict | None:
        version = self._state["version"]
        try:
            return self.registry.card(version) if version else None
        except Exception:
            return None

    def run(self, op: str, payload: dict, budget: float | None) -> tuple[int, bytes, dict]:
        """(status, JSON body, label counts) of one request, run by the first free process."""
        try:
            worker = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise APIError(503, "busy", f"every analysis process stayed busy for {self.queue_timeout:.0f} s; retry later",
                           headers={"Retry-After": "10"}) from None
        try:
            worker.conn.send((op, payload, budget))
            if not worker.conn.poll(None if budget is None else budget + GRACE_S):
                self._lose(worker, kill=True)
                raise APIError(503, "deadline_exceeded", f"the analysis ran past its budget of {budget:.1f} s and was "
                                                         "stopped; send a shorter text, or split it")
            status, body, info = worker.conn.recv()
        except (EOFError, OSError):
            self._lose(worker, kill=True)
            raise APIError(503, "worker_lost", "the analysis process stopped (out of memory?) before it answered; "
                                               "it has been replaced, retry", headers={"Retry-After": "1"}) from None
        self._note(info)
        if info.get("retire"):
            self._lose(worker, kill=False)
        else:
            self._idle.put(worker)
        return status, body, info.get("stats") or {}

    def load_active(self) -> tuple[str | None, str | None]:
        """Have one process load the active version now; (served version, error)."""
        try:
            self.run("load", {}, None)
        except APIError as exc:
            return self._state["version"], exc.message
        return self._state["version"], self._state["error"]

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            worker.conn.close()
        if self._zygote is not None and self._zygote.poll() is None:
            self._zygote.kill()

    # --- processes -------------------------------------------------------------------------------
    def _start_zygote(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cmd = [sys.executable, "-m", "service.web.pool_worker", "--model-dir", str(self.registry.root),
               "--control-fd", str(theirs.fileno()), "--retire-rss", str(self.retire_rss)]
        self._zygote = subprocess.Popen(cmd, cwd=ROOT, pass_fds=[theirs.fileno()])
        theirs.close()
        self._ctl = ours

    def _keep(self) -> None:
        """Read the zygote's messages; ask for workers until there are ``size``; restart it if it dies."""
        backoff = 1.0
        while not self._closed:
            try:
                data, fds, _, _ = socket.recv_fds(self._ctl, 4096, 1)
            except OSError:
                data, fds = b"", []
            if not data:
                if self._closed:
                    return
                self._state.update(ready=False, error="the analysis processes are restarting")
                log.error("the analysis zygote exited (%s); restarting it", self._zygote.poll())
                time.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                self._start_zygote()
                continue
            message = json.loads(data)
            if message["event"] == "ready":
                backoff = 1.0
                self._note(message)
                for _ in range(self.size - self._alive):
                    self._spawn()
            elif message["event"] == "spawned" and fds:
                with self._count:
                    self._alive += 1
                self._note(message)
                self._idle.put(_Worker(message["pid"], Connection(fds[0])))

    def _spawn(self) -> None:
        with self._ctl_lock:
            try:
                socket.send_fds(self._ctl, [b'{"cmd": "spawn"}'], [])
            except OSError:
                pass  # the keeper restarts the zygote, which spawns the missing workers

    def _lose(self, worker: _Worker, kill: bool) -> None:
        with self._count:
            self._alive -= 1
        if kill:
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        worker.conn.close()
        if not self._closed:
            self._spawn()

    def _note(self, info: dict) -> None:
        if info.get("version") or info.get("error"):
            self._state.update(version=info.get("version") or self._state["version"], error=info.get("error"))
        if info.get("version"):
            self._state["ready"] = True
