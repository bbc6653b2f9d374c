"""Shared fixtures: the shipped model, loaded once, and a Flask app serving it."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from service.storage.registry import ROOT_DEFAULT, Registry
from service.web import create_app

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = (ROOT / "seeds" / "000_2061794f87552b70.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def classifier():
    return Registry(ROOT_DEFAULT).load_active()


@pytest.fixture(scope="session")
def app():
    app = create_app({"TESTING": True, "LOAD_MODEL": "sync"})
    assert app.extensions["model_store"].ready, app.extensions["model_store"].error
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


def copy_active_model(root: Path) -> Path:
    """A registry at ``root`` holding a copy of the shipped active version, so tests that write
    (retrain, activate, tamper) never touch models/."""
    active = Registry(ROOT_DEFAULT).active_version()
    shutil.copytree(ROOT_DEFAULT / active, root / active)
    (root / "ACTIVE").write_text(active + "\n")
    return root


@pytest.fixture()
def registry_dir(tmp_path):
    return copy_active_model(tmp_path / "models")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``python -m service`` on a free 127.0.0.1 port; ``start`` waits (bounded) for readiness.
    Without ``threads`` it runs the default server (sync workers, one request at a time each)."""

    def __init__(self, model_dir: Path, env: dict | None = None, workers: int = 1, threads: int | None = None):
        self.model_dir = Path(model_dir)
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        self.proc = None

    def start(self, timeout: float = 90) -> "LiveServer":
        threads = ["--threads", str(self.threads)] if self.threads else []
        self.proc = subprocess.Popen([sys.executable, "-m", "service", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--model-dir", str(self.model_dir), "--workers", str(self.workers), *threads],
                                     cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}: {self.proc.stderr.read().decode()}")
            try:
                with _NO_PROXY.open(self.url + "/v1/health/ready", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass  # not listening yet, or 503 while the model loads
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server was not ready after {timeout} s")

    def stop(self) -> str:
        """Stop the server; returns what it logged."""
        if self.proc is None:
            return ""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.stderr.read().decode("utf-8", "replace")


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def copy_version(root: Path, name: str, tamper: bool = False) -> str:
    """Copy the active version of registry ``root`` as version ``name`` (its card says so);
    ``tamper`` flips one byte of the copy's artifact, so its sha256 no longer matches the card."""
    active = Registry(root).active_version()
    shutil.copytree(root / active, root / name)
    card = json.loads((root / name / "card.json").read_text())
    (root / name / "card.json").write_text(json.dumps(dict(card, version=name)))
    if tamper:
        art = root / name / "model.joblib"
        data = bytearray(art.read_bytes())
        data[len(data) // 2] ^= 0xFF
        art.write_bytes(bytes(data))
    return name


def process_state(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) of a process from /proc, or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0], int(fields[1])
    except (OSError, ValueError, IndexError):
        return None


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    state = process_state(pid)
    return state is not None and state[0] not in ("Z", "X")


def poll(probe, until, timeout: float, interval: float = 0.2):
    """Call ``probe`` until ``until(value)`` holds or ``timeout`` seconds pass; the last value."""
    deadline = time.monotonic() + timeout
    value = probe()
    while not until(value) and time.monotonic() < deadline:
        time.sleep(interval)
        value = probe()
    return value
