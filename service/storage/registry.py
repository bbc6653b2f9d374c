"""The model registry: one folder per version and an ``ACTIVE`` pointer file.

The pointer is switched atomically (write, fsync, rename), so a reader always finds a complete
version; a version folder appears only once fully written (see ``atomic_directory``).
``python -m training.registry`` manages it from the command line.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from service.storage.artifacts import CARD, ModelError, load_model
from service.storage.atomic import atomic_write_text, remove_stale_partials

if TYPE_CHECKING:
    from service.core.classifier import Classifier

ROOT_DEFAULT = Path(__file__).resolve().parents[2] / "models"
POINTER = "ACTIVE"
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class Registry:
    def __init__(self, root: Path = ROOT_DEFAULT):
        self.root = Path(root)

    def path(self, version: str) -> Path:
        if not _VERSION.match(version or ""):
            raise ModelError(f"invalid version name {version!r}")
        return self.root / version

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and (p / CARD).is_file())

    def card(self, version: str) -> dict:
        try:
            return json.loads((self.path(version) / CARD).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"version {version}: unreadable card ({exc})") from None

    def active_version(self) -> str | None:
        try:
            version = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return version or None

    def activate(self, version: str) -> None:
        if version not in self.versions():
            raise ModelError(f"no such version: {version}")
        atomic_write_text(self.root / POINTER, version + "\n")

    def delete(self, version: str) -> None:
        if version == self.active_version():
            raise ModelError(f"version {version} is active; activate another one first")
        if version not in self.versions():
            raise ModelError(f"no such version: {version}")
        shutil.rmtree(self.path(version))

    def cleanup(self) -> list[Path]:
        """Remove half-written versions left by a killed trainer."""
        return remove_stale_partials(self.root) if self.root.is_dir() else []

    def describe(self) -> list[dict]:
        """Every version with its test metrics, newest first."""
        active = self.active_version()
        out = []
        for version in reversed(self.versions()):
            try:
                card = self.card(version)
            except ModelError as exc:
                out.append({"version": version, "active": version == active, "error": str(exc)})
                continue
            test = card.get("metrics", {}).get("full", {}).get("test", {})
            out.append({"version": version, "active": version == active, "created": card.get("created"),
                        "training_data": {k: card.get("training_data", {}).get(k) for k in ("sha256", "n", "mode")},
                        "test_macro_f1": {lang: rep.get("macro_f1") for lang, rep in test.items()}})
        return out

    def load_active(self) -> Classifier:
        version = self.active_version()
        if version is None:
            raise ModelError(f"{self.root}: no active model (missing {POINTER} file)")
        return load_model(self.path(version))


def model_or_active(path: str | None, root: Path = ROOT_DEFAULT):
    """The model in folder ``path``, or the registry's active version without one (the CLIs' and
    benchmarks' ``--model``)."""
    return load_model(Path(path)) if path else Registry(root).load_active()
