"""``python -m training.annotate export|import``; see the package's docstring."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.core.classifier import Classifier
from service.storage.artifacts import ModelError
from service.storage.artifacts import load_model as load_version
from service.storage.registry import POINTER, ROOT_DEFAULT, Registry
from training.annotate import __doc__ as DOC
from training.annotate.export import export_tasks, overlapping, read_rows
from training.annotate.formats import DOCCANO, FORMATS, LS
from training.annotate.importing import import_export


def load_model(model_dir: str | Path) -> Classifier:
    """A registry root (with an ACTIVE pointer) or one version's folder."""
    path = Path(model_dir)
    return Registry(path).load_active() if (path / POINTER).exists() else load_version(path)


def _run(args) -> int:
    path = Path(args.data if args.command == "export" else args.export)
    try:
        data = path.read_bytes()
        clf = load_model(args.model_dir) if args.command == "export" else None
    except (OSError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if clf is None:
        rows, problems = import_export(data, args.format)
        out, summary = rows, f"{len(rows)} row(s) written, {len(problems)} rejected"
    else:
        rows, problems = read_rows(data, path.name, clf.languages)
        out = export_tasks(rows, args.format, clf) if rows else []
        summary = f"{len(out)} task(s) written, {len(problems)} row(s) skipped"
        nested = sum(overlapping(t["entities"]) for t in out) if args.format == DOCCANO else 0
        if nested:
            print(f"note: {nested} task(s) have overlapping spans, which doccano's Intent Detection and Slot Filling "
                  f"project drops: annotate those in Label Studio", file=sys.stderr)
    lines = [json.dumps(item, ensure_ascii=False) for item in out]
    ls_tasks = clf is not None and args.format == LS  # a JSON list, one task a line; else JSONL
    text = "[\n" + ",\n".join(lines) + "\n]\n" if ls_tasks else "".join(x + "\n" for x in lines)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for p in problems:
        where = f"task {p['id']}" if "line" not in p else f"line {p['line']}" + (f" (id {p['id']})" if "id" in p else "")
        print(f"{path}: {where}: {p['reason']}", file=sys.stderr)
    print(summary, file=sys.stderr)
    return 1 if problems else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.annotate", description=DOC,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="tasks with the model's pre-annotations")
    ex.add_argument("--data", required=True, help="corpus JSONL/CSV (label optional) or one sentence a line")
    ex.add_argument("--model-dir", default=str(ROOT_DEFAULT), help="registry root or one version's folder")
    im = sub.add_parser("import", help="corpus JSONL rows from a tool's export")
    im.add_argument("export", help="Label Studio JSON export or doccano JSONL export")
    for p in (ex, im):
        p.add_argument("--format", required=True, choices=FORMATS)
        p.add_argument("--out", help="output file (default: stdout)")
    return _run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
