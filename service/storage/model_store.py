"""The served model: loaded once from the registry, swapped atomically when ``ACTIVE`` changes.

Requests take a reference to the current classifier at their start, so a swap never affects a
request in flight. A version whose artifact fails its checksum (or does not load) is refused and
logged, and the store keeps serving what it has; with nothing to serve, it falls back to the
newest other version that loads, and keeps watching ``ACTIVE`` so a later activation is taken.
Messages name versions, never the server's paths.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from service.core.classifier import Classifier
from service.storage.artifacts import load_model
from service.storage.registry import Registry

log = logging.getLogger(__name__)


class ModelStore:
    def __init__(self, model_dir: Path, watch_interval: float = 1.0, warm_up: bool = True):
        self.registry = Registry(Path(model_dir))
        self.watch_interval = watch_interval
        self.warm_up = warm_up
        self._clf: Classifier | None = None
        self._version: str | None = None
        self._error: str | None = None
        self._refused: set[str] = set()
        self._lock = threading.Lock()
        self._last_check = 0.0

    # --- state ---------------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self._clf is not None

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def version(self) -> str | None:
        return self._version

    def languages(self) -> tuple[str, ...]:
        return self._clf.languages if self._clf is not None else ("en", "fr")

    def current(self) -> Classifier | None:
        """The classifier to use for one request; checks the pointer at most once per interval
        (with no model too: a process that failed to load takes the next activation)."""
        now = time.monotonic()
        if now - self._last_check >= self.watch_interval:
            self._last_check = now
            active = self.registry.active_version()
            if active and active != self._version and active not in self._refused and not self._lock.locked():
                threading.Thread(target=self.load, name="model-swap", daemon=True).start()
        return self._clf

    # --- loading -------------------------------------------------------------------------------
    def load(self) -> bool:
        """Load the active version; on failure keep the current model, or with none, the newest
        other version that loads. Returns True on a swap."""
        with self._lock:
            version = self.registry.active_version()
            if version is None:
                self._error = "no active model in the registry (no ACTIVE file)"
                log.error(self._error)
                return False
            if version == self._version:
                return False
            if self._try(version):
                return True
            if self._clf is None:
                for other in self._fallbacks(version):
                    if self._try(other):
                        self._error = f"active version {version} was refused; serving {other} instead"
                        log.error(self._error)
                        return True
            return False

    def _try(self, version: str) -> bool:
        try:
            clf = load_model(self.registry.path(version))
            if self.warm_up:
                clf.warm_up()
        except Exception as exc:  # a broken pickle can raise anything
            self._refused.add(version)
            self._error = f"refused model version {version}: {self._public(exc)}"
            log.error(self._error)
            return False
        self._clf, self._version, self._error = clf, version, None
        self._last_check = time.monotonic()
        log.info("serving model %s", version)
        return True

    def _fallbacks(self, refused: str) -> list[str]:
        """The other versions, newest first."""
        rows = [r for r in self.registry.describe() if r["version"] != refused and "error" not in r]
        return [r["version"] for r in sorted(rows, key=lambda r: (r.get("created") or "", r["version"]), reverse=True)
                if r["version"] not in self._refused]

    def _public(self, exc: Exception) -> str:
        """The reason without the server's paths: "<version>/model.joblib: ..."."""
        text = str(exc) if isinstance(exc, (OSError, ValueError, RuntimeError)) else f"{type(exc).__name__}: {exc}"
        return text.replace(str(self.registry.root.resolve()) + "/", "").replace(str(self.registry.root) + "/", "")

    def load_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.load, name="model-load", daemon=True)
        thread.start()
        return thread
