"""Batch outputs: each partition's tables written atomically, and the tables read back whole.

Each output file is written under a hidden temporary name and renamed into place: a reader, or a
resumed run, never sees half of one.

Output layout (``--out DIR``)::

    DIR/_batch.json                 settings the partitions were written with (checked on resume)
    DIR/articles/<partition>.parquet  one row per analysed article (summary + passed-through columns)
    DIR/sentences/<partition>.parquet one row per sentence
    DIR/errors/<partition>.jsonl      records that could not be analysed
    DIR/errors.jsonl                  all of those, gathered at the end of each run

``read_table`` reads a table back whole (pandas), whatever the format.
"""
from __future__ import annotations

import fcntl
import io
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from service.batch.inputs import ArchiveError, Article, InputFile, Partition
from service.core.vocabulary import LABELS, SOURCING
from service.storage.atomic import atomic_write_bytes

FORMATS = ("parquet", "jsonl")
TABLES = ("articles", "sentences")
MANIFEST = "_batch.json"
ERRORS = "errors.jsonl"
SHARES = (*LABELS, "unattributed_asserted")


write_file = atomic_write_bytes  # every output file is written whole or not at all


# --- output tables ----------------------------------------------------------------------------
def _schemas():
    import pyarrow as pa

    sentences = pa.schema([("id", pa.string()), ("source_file", pa.string()), ("row", pa.int64()),
                           ("index", pa.int64()), ("start", pa.int64()), ("end", pa.int64()),
                           ("text", pa.string()), ("label", pa.string()),
                           *[(f"score_{lab}", pa.float64()) for lab in LABELS],
                           ("cues", pa.string()), ("attributions", pa.string()),
                           ("commitment", pa.float64()), ("level", pa.string()), ("sourcing", pa.string()),
                           ("strength_cues", pa.string())])
    articles = pa.schema([("id", pa.string()), ("source_file", pa.string()), ("row", pa.int64()),
                          ("lang", pa.string()), ("lang_detected", pa.bool_()), ("sentences", pa.int64()),
                          *[(f"count_{lab}", pa.int64()) for lab in LABELS],
                          *[(f"share_{s}", pa.float64()) for s in SHARES],
                          ("sources", pa.string()), ("claims_as_fact", pa.string()),
                          ("claims", pa.int64()), ("assertiveness", pa.float64()),
                          *[(f"sourcing_{cls}", pa.float64()) for cls in SOURCING]])
    return sentences, articles


def _strength_cells(columns: dict, strength: dict | None) -> None:
    """A sentence's strength (null cells with a model that has no strength models)."""
    strength = strength or {}
    columns["commitment"].append(strength.get("commitment"))
    columns["level"].append(strength.get("level"))
    columns["sourcing"].append(strength.get("sourcing"))
    columns["strength_cues"].append(_dumps(strength["cues"]) if "cues" in strength else None)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Analysed:
    row: int
    article: Article
    lang: str
    detected: bool
    result: dict  # service.core.analysis.analyze output


def encode_partition(part: Partition, analysed: list[Analysed], errors: list[dict], fmt: str) -> dict[str, bytes]:
    """The partition's three output files, as bytes (built where the work ran)."""
    import pyarrow as pa

    sentence_schema, article_schema = _schemas()
    sentences = {name: [] for name in sentence_schema.names}
    articles = {name: [] for name in article_schema.names}
    extra_names: list[str] = []
    for a in analysed:
        key = (a.article.id, part.source_file, a.row)
        for s in a.result["sentences"]:
            for name, value in zip(("id", "source_file", "row", "index", "start", "end", "text", "label"),
                                   (*key, s["index"], s["start"], s["end"], s["text"], s["label"])):
                sentences[name].append(value)
            for lab in LABELS:
                sentences[f"score_{lab}"].append(s["scores"][lab])
            sentences["cues"].append(_dumps(s["cues"]))
            sentences["attributions"].append(_dumps(s["attributions"]))
            _strength_cells(sentences, s.get("strength"))
        summary = a.result["summary"]
        for name, value in zip(("id", "source_file", "row", "lang", "lang_detected", "sentences"),
                               (*key, a.lang, a.detected, summary["sentences"])):
            articles[name].append(value)
        for lab in LABELS:
            articles[f"count_{lab}"].append(summary["counts"][lab])
        for s in SHARES:
            articles[f"share_{s}"].append(summary["shares"][s])
        articles["sources"].append(_dumps(summary["sources"]))
        articles["claims_as_fact"].append(_dumps(summary["claims_as_fact"]))
        assertiveness, sourcing = summary.get("assertiveness") or {}, summary.get("sourcing") or {}
        articles["claims"].append(assertiveness.get("claims"))
        articles["assertiveness"].append(assertiveness.get("mean"))
        for cls in SOURCING:
            articles[f"sourcing_{cls}"].append(sourcing.get(cls) if assertiveness.get("claims") else None)
        for k in a.article.extra:
            if k not in extra_names:
                extra_names.append(k)
    sentence_table = pa.table(sentences, schema=sentence_schema)
    article_table = pa.table(articles, schema=article_schema)
    for k in extra_names:
        values = [a.article.extra.get(k) for a in analysed]
        name = k if k not in article_schema.names else f"input_{k}"
        article_table = article_table.append_column(name, _column(values))
    error_lines = "".join(_dumps(e) + "\n" for e in errors).encode("utf-8")
    return {"sentences": _encode(sentence_table, fmt), "articles": _encode(article_table, fmt), "errors": error_lines}


def _column(values: list):
    """A passed-through column keeps its type; a column of mixed types becomes text."""
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return pa.array([None if v is None else v if isinstance(v, str) else _dumps_value(v) for v in values],
                        type=pa.string())


def _dumps_value(v) -> str:
    return _dumps(v) if isinstance(v, (bool, int, float, dict, list)) else str(v)


def _json_default(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _encode(table, fmt: str) -> bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False, default=_json_default) + "\n"
                       for r in table.to_pylist()).encode("utf-8")
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


# --- output folder ----------------------------------------------------------------------------
class OutputDir:
    """Where partitions land; one run at a time (a lock file), settings checked on resume."""

    def __init__(self, root: Path, fmt: str):
        self.root, self.fmt = Path(root), fmt

    def path(self, table: str, name: str) -> Path:
        ext = "jsonl" if table == "errors" else self.fmt
        return self.root / table / f"{name}.{ext}"

    def is_done(self, name: str) -> bool:
        return all(self.path(t, name).is_file() for t in (*TABLES, "errors"))

    def write(self, name: str, files: dict[str, bytes]) -> None:
        """Articles last: a partition counts as done only once all three files exist."""
        for table in ("errors", "sentences", "articles"):
            write_file(self.path(table, name), files[table])

    @contextmanager
    def locked(self):
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fh = open(self.root / ".lock", "w")
        except OSError as exc:
            raise ArchiveError(f"{self.root}: cannot create the output folder ({exc.strerror or exc})") from None
        try:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise ArchiveError(f"{self.root}: another batch run is writing to this folder") from None
            self._remove_leftovers()
            yield self
        finally:
            fh.close()

    def _remove_leftovers(self) -> None:
        """Temporary files of a run that was killed mid-write (safe: we hold the lock)."""
        for table in (*TABLES, "errors"):
            for tmp in (self.root / table).glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
        for tmp in self.root.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)

    def check_manifest(self, settings: dict, inputs: list[InputFile]) -> None:
        """Refuse to mix partitions written with other settings; then record this run's inputs."""
        path = self.root / MANIFEST
        manifest = {}
        if path.exists():
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise ArchiveError(f"{path}: unreadable ({exc})") from None
            for key, value in settings.items():
                if manifest.get(key) != value:
                    raise ArchiveError(
                        f"{self.root} holds partitions written with {key} = {manifest.get(key)!r}, "
                        f"this run has {value!r}; use the same setting or another --out folder")
        elif any((self.root / t).exists() for t in TABLES):
            raise ArchiveError(f"{self.root}: has {'/'.join(TABLES)} folders but no {MANIFEST}; use another --out folder")
        known = manifest.get("inputs", [])
        for inp in inputs:
            if str(inp.path) not in known:
                known.append(str(inp.path))
        write_file(path, (json.dumps({**settings, "inputs": known}, indent=2, ensure_ascii=False) + "\n")
                           .encode("utf-8"))

    def gather_errors(self) -> int:
        """``errors.jsonl``: every partition's errors, in partition order. Returns the count."""
        data = b"".join(p.read_bytes() for p in sorted((self.root / "errors").glob("*.jsonl")))
        write_file(self.root / ERRORS, data)
        return data.count(b"\n")

    def count_rows(self, table: str) -> int:
        files = sorted((self.root / table).glob(f"*.{self.fmt}"))
        if self.fmt == "jsonl":
            return sum(p.read_bytes().count(b"\n") for p in files)
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(p).metadata.num_rows for p in files)


def read_manifest(root: Path) -> dict:
    try:
        return json.loads((Path(root) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def read_table(root: Path, table: str):
    """A whole output table as a pandas DataFrame, rows in partition order.

    Partitions may disagree on passed-through columns (absent in one file, another type in
    another): missing values become nulls and a column of several types becomes text.
    """
    import pandas as pd
    import pyarrow as pa

    root = Path(root)
    fmt = read_manifest(root).get("format")
    if fmt is None:
        fmt = "jsonl" if any((root / table).glob("*.jsonl")) else "parquet"
    files = sorted((root / table).glob(f"*.{fmt}"))
    if fmt == "jsonl":
        records = []
        for p in files:
            records.extend(json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line)
        return pd.DataFrame.from_records(records)
    tables = [_read_parquet(p) for p in files]
    if not tables:
        sentence_schema, article_schema = _schemas()
        return (article_schema if table == "articles" else sentence_schema).empty_table().to_pandas()
    types: dict[str, set] = {}
    for t in tables:
        for f in t.schema:
            if not pa.types.is_null(f.type):
                types.setdefault(f.name, set()).add(f.type)
    mixed = {name for name, ts in types.items() if len(ts) > 1}
    if mixed:
        tables = [t.cast(pa.schema([pa.field(f.name, pa.string()) if f.name in mixed else f for f in t.schema]))
                  if any(n in mixed for n in t.schema.names) else t for t in tables]
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()


def _read_parquet(path: Path):
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except Exception as exc:
        raise ArchiveError(f"{path}: unreadable Parquet file ({exc})") from None
