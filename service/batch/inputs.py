"""Batch inputs: JSONL, CSV and Parquet files of articles, cut into partitions of records.

A partition is a fixed-size chunk of one input file's rows, named from that file and the chunk
number, so a run that is stopped and started again finds the same partitions and skips the ones
already written (see ``service.batch.tables``). A record that cannot be read is kept as an error
for its partition, never a reason to stop the run.
"""
from __future__ import annotations

import csv
import glob
import hashlib
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from service.core.text import text_problem

INPUT_KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet",
               ".html": "html", ".htm": "html"}
PAGE_COLUMNS = ("title", "author", "date", "site_name", "url")  # kept from a web page's metadata
REQUIRED = ("id", "text")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article texts are longer than csv's 128 KiB default


class ArchiveError(ValueError):
    """A problem with an input file or the output folder; the message names the file."""


class RecordError(ValueError):
    """One input record that cannot be analysed; the run goes on without it."""

    def __init__(self, reason: str, article_id: str | None = None):
        super().__init__(reason)
        self.reason, self.article_id = reason, article_id


# --- input ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InputFile:
    path: Path        # as given (after glob expansion); reported as ``source_file``
    kind: str         # jsonl | csv | parquet
    rows: int

    def partitions(self, size: int) -> int:
        return math.ceil(self.rows / size)

    def partition_name(self, chunk: int) -> str:
        """``<file name>-<hash of its absolute path>-<chunk>``: stable across runs, unique across
        folders holding files of the same name."""
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", self.path.name)[:80]
        digest = hashlib.sha1(str(self.path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:10]
        return f"{stem}-{digest}-{chunk:05d}"


@dataclass
class Malformed:
    """A row that could not even be read as a record (bad CSV row)."""

    reason: str


@dataclass
class Partition:
    name: str
    source_file: str
    records: list[tuple[int, object]] = field(default_factory=list)  # (row, dict | JSONL bytes | Malformed)


@dataclass
class Article:
    id: str
    text: str
    lang: str | None       # None: detect
    extra: dict            # passed-through columns


def open_inputs(patterns: list[str]) -> list[InputFile]:
    """Expand globs, check each file's kind and required columns, count its rows."""
    paths: list[Path] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            matched = sorted(glob.glob(pattern, recursive=True))
            if not matched:
                raise ArchiveError(f"{pattern}: no file matches this pattern")
            paths.extend(Path(m) for m in matched if not Path(m).is_dir())
        else:
            path = Path(pattern)
            if not path.exists():
                raise ArchiveError(f"{pattern}: no such file")
            if path.is_dir():
                raise ArchiveError(f"{pattern}: is a directory; give files or a glob such as {pattern}/*.jsonl")
            paths.append(path)
    seen, inputs = set(), []
    for path in paths:
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        kind = INPUT_KINDS.get(path.suffix.lower())
        if kind is None:
            raise ArchiveError(f"{path}: unknown input type {path.suffix or '(no suffix)'!r}; "
                               f"expected one of {', '.join(sorted(INPUT_KINDS))}")
        inputs.append(InputFile(path, kind, _count_rows(path, kind)))
    return inputs


def _count_rows(path: Path, kind: str) -> int:
    if kind == "html":
        return 1  # a page is one article
    if kind == "parquet":
        meta = _parquet_file(path)
        _check_columns(path, meta.schema_arrow.names)
        return meta.metadata.num_rows
    return sum(1 for _ in _records(path, kind))


def _check_columns(path: Path, columns: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in columns and not (c == "text" and "html" in columns)]
    if missing:
        raise ArchiveError(f"{path}: no {' or '.join(repr(c) for c in missing)} column "
                           f"(columns: {', '.join(columns) or 'none'})")


def _parquet_file(path: Path):
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a damaged or foreign file
        raise ArchiveError(f"{path}: unreadable Parquet file ({exc})") from None


def _records(path: Path, kind: str) -> Iterator[tuple[int, object]]:
    """(row, payload) for every record: row is the 1-based line for JSONL and CSV (the CSV
    header is line 1), the 1-based row for Parquet."""
    try:
        if kind == "jsonl":
            with open(path, "rb") as fh:
                for line_no, line in enumerate(fh, 1):
                    if line.strip():
                        yield line_no, line
        elif kind == "csv":
            yield from _csv_records(path)
        elif kind == "html":
            yield 1, {"id": path.stem, "html": path.read_bytes()}
        else:
            row = 0
            for batch in _parquet_file(path).iter_batches(batch_size=1024):
                for record in batch.to_pylist():
                    row += 1
                    yield row, record
    except ArchiveError:
        raise
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except Exception as exc:
        raise ArchiveError(f"{path}: unreadable {kind} file ({type(exc).__name__}: {exc})") from None


def _csv_records(path: Path) -> Iterator[tuple[int, object]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if header is None:
                raise ArchiveError(f"{path}: empty CSV file (expected a header line)")
            _check_columns(path, header)
            prev = reader.line_num
            for fields in reader:
                start, prev = prev + 1, reader.line_num
                if not fields or fields == [""]:
                    continue
                if len(fields) != len(header):
                    yield start, Malformed(f"{len(fields)} fields where the header has {len(header)}")
                    continue
                yield start, dict(zip(header, fields))
        except UnicodeDecodeError as exc:
            raise ArchiveError(f"{path}: line {_first_bad_utf8_line(path)}: not valid UTF-8 ({exc.reason}); "
                               "CSV input must be UTF-8") from None
        except csv.Error as exc:
            raise ArchiveError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None


def _first_bad_utf8_line(path: Path) -> int | str:
    with open(path, "rb") as fh:
        for line_no, line in enumerate(fh, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return line_no
    return "?"


def iter_partitions(inp: InputFile, size: int, wanted: Callable[[str], bool]) -> Iterator[Partition]:
    """The file's partitions in order, skipping (without keeping their rows) those not wanted."""
    chunk, current = 0, None
    for i, (row, payload) in enumerate(_records(inp.path, inp.kind)):
        if i % size == 0:
            if current is not None:
                yield current
            name = inp.partition_name(chunk)
            current = Partition(name, str(inp.path)) if wanted(name) else None
            chunk += 1
        if current is not None:
            current.records.append((row, payload))
    if current is not None:
        yield current


def to_article(payload) -> Article:
    """An input record as an ``Article``, or a ``RecordError`` saying what is wrong with it."""
    if isinstance(payload, Malformed):
        raise RecordError(payload.reason)
    passthrough = _json_passthrough if isinstance(payload, bytes) else _clean
    if isinstance(payload, bytes):
        try:
            payload = json.loads(payload.decode("utf-8"))
        except UnicodeDecodeError:
            raise RecordError("line is not valid UTF-8") from None
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = f"{exc.msg} (column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else "nesting too deep"
            raise RecordError(f"malformed JSON: {msg}") from None
        if not isinstance(payload, dict):
            raise RecordError(f"a JSON object was expected, got {type(payload).__name__}")
    article_id = payload.get("id")
    if isinstance(article_id, float) and article_id.is_integer():
        article_id = int(article_id)
    if article_id is None or article_id == "":
        raise RecordError("missing id")
    if isinstance(article_id, bool) or not isinstance(article_id, (str, int)):
        raise RecordError(f"id must be a string or an integer, got {type(article_id).__name__}")
    article_id = _clean(str(article_id))
    text, page = payload.get("text"), {}
    if (text is None or text == "") and payload.get("html"):
        text, page = _page(payload["html"], article_id)
    if text is None:
        raise RecordError("missing text", article_id)
    if not isinstance(text, str):
        raise RecordError(f"text must be a string, got {type(text).__name__}", article_id)
    problem = text_problem(text)
    if problem:
        raise RecordError("empty text" if problem == "empty" else "text contains unpaired surrogate characters",
                          article_id)
    lang = payload.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise RecordError(f"lang must be a string, got {type(lang).__name__}", article_id)
    lang = (lang or page.pop("lang", None) or "").strip().lower()
    extra = {k: passthrough(v) for k, v in payload.items() if k not in ("id", "text", "lang", "html")}
    extra.update({k: v for k, v in page.items() if k not in extra})
    return Article(article_id, text, None if lang in ("", "auto") else lang, extra)


def _page(html, article_id: str) -> tuple[str, dict]:
    """A web page's main text and its metadata (title, author, date, site_name, url, lang)."""
    from service.core.html import HTMLError, extract_article

    if not isinstance(html, (str, bytes)):
        raise RecordError(f"html must be a string, got {type(html).__name__}", article_id)
    try:
        page = extract_article(html)
    except HTMLError as exc:
        raise RecordError(f"{exc.code}: {exc}", article_id) from None
    meta = page.document.to_json()
    return page.text, {**{k: meta[k] for k in PAGE_COLUMNS}, "lang": meta["lang"]}


def _clean(value):
    """Strings that Parquet can store: unpaired surrogates (possible in JSON) become '?'."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _json_passthrough(value):
    """JSON scalars stay as they are; objects and arrays are kept as JSON text."""
    if isinstance(value, (dict, list)):
        return _clean(json.dumps(value, ensure_ascii=False))
    return _clean(value)
