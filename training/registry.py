"""The model registry: one folder per version and an ``ACTIVE`` pointer file.

The pointer is switched atomically (write, fsync, rename), so a reader always finds a complete
version; a version folder appears only once fully written (see ``atomic_directory``).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from training.atomic import atomic_write_text
from training.classifier import CARD, Classifier, ModelError

ROOT_DEFAULT = Path(__file__).resolve().parent.parent / "models"
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

    def load_active(self) -> Classifier:
        version = self.active_version()
        if version is None:
            raise ModelError(f"{self.root}: no active model (missing {POINTER} file)")
        return Classifier.load(self.path(version))
