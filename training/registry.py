"""Manage the model registry from the command line.

    python -m training.registry [--model-dir DIR] list | activate VERSION | delete VERSION
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.storage.artifacts import ModelError, verify_model
from service.storage.registry import ROOT_DEFAULT, Registry


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
            verify_model(registry.path(args.version))  # refuse an artifact that fails its checksum
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
