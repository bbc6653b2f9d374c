"""A training run's job record, kept up to date by the trainer itself.

The web app starts ``python -m training.train --status-file <registry>/.jobs/<id>.job.json`` and
reads that record; because the trainer writes its own progress, result and end (and holds the
training lock through the file descriptor it inherits), a job is recorded to its end and no
second job starts even if the web process that started it is gone.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from service.storage.atomic import atomic_write_text

FINAL = ("succeeded", "failed")


class Status:
    """Progress of one run, merged into the JSON record at ``path`` (atomically replaced)."""

    def __init__(self, path: str | None):
        self.path = Path(path) if path else None
        self.data: dict = {"state": "running", "progress": {"done": 0, "total": 0}, "errors": []}
        if self.path is not None and self.path.exists():
            try:
                self.data = {**json.loads(self.path.read_text(encoding="utf-8")), "state": "running"}
            except (OSError, json.JSONDecodeError):
                pass
        self.data["pid"] = os.getpid()

    def update(self, **fields) -> None:
        self.data.update(fields)
        if fields.get("state") in FINAL:
            self.data["finished"] = time.time()
        if self.path:
            atomic_write_text(self.path, json.dumps(self.data, ensure_ascii=False))
