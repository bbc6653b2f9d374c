"""User corrections, stored in SQLite beside the model registry.

Duplicates and conflicts: one row per (language, sentence text). The same correction sent again
only increments ``count``. A different label for the same sentence replaces the stored one (the
most recent correction wins) and increments ``conflicts``, so a reviewer can find disputed rows.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

from service.core.text import sentence_key
from training.corpus import Example

FILENAME = "feedback.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    context TEXT,
    count INTEGER NOT NULL DEFAULT 1,
    conflicts INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (lang, key)
)
"""


def _key(text: str) -> str:
    return sentence_key(text)


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def add(self, text: str, lang: str, label: str, context: str | None = None,
            max_rows: int | None = None) -> dict | None:
        """Store one correction; returns the stored row and what happened (created|duplicate|updated),
        or None when the store is full and the sentence is new. One write transaction, taken before
        the read (BEGIN IMMEDIATE), so two server processes storing the same sentence cannot race."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        key = _key(text)
        with self._lock:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                row = db.execute("SELECT id, label FROM feedback WHERE lang = ? AND key = ?", (lang, key)).fetchone()
                if row is None:
                    if max_rows is not None and db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] >= max_rows:
                        db.execute("ROLLBACK")
                        return None
                    db.execute("INSERT INTO feedback (lang, text, key, label, context, created, updated) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)", (lang, text.strip(), key, label, context, now, now))
                    status = "created"
                elif row[1] == label:
                    db.execute("UPDATE feedback SET count = count + 1, updated = ? WHERE id = ?", (now, row[0]))
                    status = "duplicate"
                else:
                    db.execute("UPDATE feedback SET label = ?, context = COALESCE(?, context), count = count + 1, "
                               "conflicts = conflicts + 1, updated = ? WHERE id = ?", (label, context, now, row[0]))
                    status = "updated"
                stored = db.execute("SELECT id, lang, text, label, count, conflicts, created, updated FROM feedback "
                                    "WHERE lang = ? AND key = ?", (lang, key)).fetchone()
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            finally:
                db.close()
        names = ("id", "lang", "text", "label", "count", "conflicts", "created", "updated")
        return {"status": status, "feedback": dict(zip(names, stored))}

    def count(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]

    def rows(self) -> list[dict]:
        with self._connect() as db:
            cur = db.execute("SELECT id, lang, text, label, context, count, conflicts, created, updated "
                             "FROM feedback ORDER BY id")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

    def examples(self) -> list[Example]:
        return [Example(r["text"], r["lang"], r["label"], f"feedback-{r['id']}",
                        f"feedback x{r['count']}" + (f", {r['conflicts']} conflicting" if r["conflicts"] else ""),
                        f"{FILENAME}:{r['id']}", r["id"]) for r in self.rows()]

    def export_jsonl(self) -> str:
        """The corpus format of seeds/, so an export can be reviewed and trained on as it is."""
        return "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in self.examples())
