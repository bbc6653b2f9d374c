"""The served model: loaded once from the registry, swapped atomically when ``ACTIVE`` changes.

Requests take a reference to the current classifier at their start, so a swap never affects a
request in flight. A version whose artifact fails its checksum is refused and logged; the store
keeps serving what it has.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from service.core.classifier import Classifier
from service.storage.artifacts import ModelError, load_model
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
        """The classifier to use for one request; checks the pointer at most once per interval."""
        now = time.monotonic()
        if self._clf is not None and now - self._last_check >= self.watch_interval:
            self._last_check = now
            active = self.registry.active_version()
            if active and active != self._version and active not in self._refused:
                threading.Thread(target=self.load, name="model-swap", daemon=True).start()
        return self._clf

    # --- loading -------------------------------------------------------------------------------
    def load(self) -> bool:
        """Load the active version; on failure keep the current model. Returns True on a swap."""
        with self._lock:
            version = self.registry.active_version()
            if version is None:
                self._error = f"no active model in {self.registry.root}"
                log.error(self._error)
                return False
            if version == self._version:
                return False
            try:
                clf = load_model(self.registry.path(version))
                if self.warm_up:
                    for lang in clf.languages:
                        clf.predict(["Warm-up sentence."], lang)
            except (ModelError, OSError, ValueError) as exc:
                self._refused.add(version)
                self._error = f"refused model version {version}: {exc}"
                log.error(self._error)
                return False
            except Exception as exc:  # a broken pickle can raise anything
                self._refused.add(version)
                self._error = f"refused model version {version}: {type(exc).__name__}: {exc}"
                log.error(self._error)
                return False
            self._clf, self._version, self._error = clf, version, None
            self._last_check = time.monotonic()
            log.info("serving model %s", version)
            return True

    def load_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.load, name="model-load", daemon=True)
        thread.start()
        return thread
