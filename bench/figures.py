"""The figures channel between each benchmark and ``bench/bench_all.py``: every benchmark
accepts ``--figures FILE`` and, besides printing, writes its named numbers there as JSON."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def add_option(ap) -> None:
    ap.add_argument("--figures", metavar="FILE", help="also write the figures as JSON to FILE (bench/bench_all.py)")


def write(path: str | None, figures: dict) -> None:
    """Atomically, so that a reader never sees half a file."""
    if not path:
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".figures-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(figures, fh, indent=2)
    os.replace(tmp, target)
