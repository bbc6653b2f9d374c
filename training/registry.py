"""The model registry: one folder per version and an ``ACTIVE`` pointer file.

The pointer is switched atomically (write, fsync, rename), so a reader always finds a complete
version; a version folder appears only once fully written (see ``atomic_directory``).

    python -m training.registry [--model-dir DIR] list | activate VERSION | delete VERSION
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

from training.atomic import atomic_write_text, remove_stale_partials
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
        return Classifier.load(self.path(version))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.registry", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", default=str(ROOT_DEFAULT))
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="versions with their test macro-F1; * marks the active one")
    for name in ("activate", "delete"):
        sub.add_parser(name).add_argument("version")
    args = ap.parse_args(argv)
    registry = Registry(Path(args.model_dir))
    try:
        if args.command == "list":
            for row in registry.describe():
                f1 = ", ".join(f"{lang} {v}" for lang, v in (row.get("test_macro_f1") or {}).items())
                print(f"{'*' if row['active'] else ' '} {row['version']}  {row.get('created', '')}  "
                      f"test macro-F1: {f1 or row.get('error', '-')}")
        elif args.command == "activate":
            Classifier.verify(registry.path(args.version))  # refuse an artifact that fails its checksum
            registry.activate(args.version)
            print(f"active: {args.version}")
        else:
            registry.delete(args.version)
            print(f"deleted: {args.version}")
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
