"""Labelled corpus: loading and validation of JSONL and CSV files.

Every problem is reported with file, line and reason, all at once, so a user can fix a file in
one pass; nothing downstream ever sees an invalid row.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from service.core.lexicon import SUPPORTED_LANGS, normalise
from service.core.text import sentence_key, text_problem
from service.core.vocabulary import LABELS, LEVELS, SOURCING

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
DEFAULT_TRAIN = SEEDS_DIR / "train.jsonl"
DEFAULT_TEST = SEEDS_DIR / "test.jsonl"
REQUIRED = ("text", "lang", "label")
MAX_TEXT_CHARS = 5000


@dataclass(frozen=True)
class Example:
    text: str
    lang: str
    label: str
    id: str = ""
    note: str = ""
    source: str = ""  # "file:line", for error messages
    line: int = 0
    level: str | None = None  # strength: how firmly the claim is put (None: not labelled, or no claim)
    sourcing: str | None = None  # strength: how identifiable its source is

    def to_json(self) -> dict:
        out = {"text": self.text, "lang": self.lang, "label": self.label}
        optional = {"level": self.level, "sourcing": self.sourcing, "id": self.id, "note": self.note}
        return dict(out, **{k: v for k, v in optional.items() if v})


@dataclass
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "reason": self.reason}


class CorpusError(ValueError):
    """One or more invalid rows; ``problems`` lists each with file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} invalid row(s):\n{shown}{more}")


@dataclass
class Corpus:
    examples: list[Example] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.examples)

    def by_lang(self, lang: str) -> list[Example]:
        return [e for e in self.examples if e.lang == lang]

    def counts(self) -> dict[str, dict[str, int]]:
        out = {lang: dict.fromkeys(LABELS, 0) for lang in SUPPORTED_LANGS}
        for e in self.examples:
            out[e.lang][e.label] += 1
        return {lang: c for lang, c in out.items() if sum(c.values())}

    def sha256(self) -> str:
        """Order-independent hash of the (text, lang, label[, level, sourcing]) rows."""
        h = hashlib.sha256()
        for line in sorted(json.dumps([e.text, e.lang, e.label] + ([e.level, e.sourcing] if e.level or e.sourcing else []),
                                      ensure_ascii=False) for e in self.examples):
            h.update(line.encode("utf-8"))
            h.update(b"\n")
        return h.hexdigest()


def _validate_row(row, name: str, line: int, problems: list[Problem]) -> Example | None:
    if not isinstance(row, dict):
        problems.append(Problem(name, line, "expected a JSON object with text, lang and label"))
        return None
    missing = [k for k in REQUIRED if k not in row or row[k] is None]
    if missing:
        problems.append(Problem(name, line, f"missing field(s): {', '.join(missing)}"))
        return None
    wrong = [k for k in REQUIRED if not isinstance(row[k], str)]
    wrong += [k for k in ("id", "note") if row.get(k) is not None and not isinstance(row[k], (str, int))]
    if wrong:
        problems.append(Problem(name, line, f"field(s) {', '.join(wrong)} must be strings"))
        return None
    text, lang, label = row["text"], row["lang"].strip().lower(), row["label"].strip().lower()
    problem = text_problem(text)
    if problem:
        problems.append(Problem(name, line, "empty text" if problem == "empty"
                                else "text contains unpaired surrogate characters"))
        return None
    if len(text) > MAX_TEXT_CHARS:
        problems.append(Problem(name, line, f"text longer than {MAX_TEXT_CHARS} characters (one sentence expected)"))
        return None
    if lang not in SUPPORTED_LANGS:
        problems.append(Problem(name, line, f"unknown language {row['lang']!r}; expected one of {', '.join(SUPPORTED_LANGS)}"))
        return None
    if label not in LABELS:
        problems.append(Problem(name, line, f"unknown label {row['label']!r}; expected one of {', '.join(LABELS)}"))
        return None
    strength = {}
    for key, allowed in (("level", LEVELS), ("sourcing", SOURCING)):
        value = row.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            problems.append(Problem(name, line, f"unknown {key} {value!r}; expected one of {', '.join(allowed)} or null"))
            return None
        if label == "none":
            problems.append(Problem(name, line, f"a 'none' sentence makes no claim: {key} must be null"))
            return None
        strength[key] = value.strip().lower()
    return Example(text.strip(), lang, label, str(row.get("id") or ""), str(row.get("note") or ""),
                   f"{name}:{line}", line, **strength)


def parse_jsonl(data: str, name: str, problems: list[Problem]) -> list[Example]:
    out = []
    for i, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, i, f"bad JSON: {exc.msg} (column {exc.colno})"))
            continue
        except RecursionError:
            problems.append(Problem(name, i, "bad JSON: nested too deep"))
            continue
        except ValueError as exc:  # an integer of more than 4,300 digits
            problems.append(Problem(name, i, f"bad JSON: {exc}"))
            continue
        ex = _validate_row(row, name, i, problems)
        if ex:
            out.append(ex)
    return out


def parse_csv(data: str, name: str, problems: list[Problem]) -> list[Example]:
    reader = csv.DictReader(io.StringIO(data))
    if reader.fieldnames is None:
        problems.append(Problem(name, 1, "empty CSV: expected a header with text, lang, label"))
        return []
    missing = [k for k in REQUIRED if k not in reader.fieldnames]
    if missing:
        problems.append(Problem(name, 1, f"CSV header lacks column(s): {', '.join(missing)}"))
        return []
    out = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                problems.append(Problem(name, line, "more values than header columns"))
                continue
            ex = _validate_row({k: v for k, v in row.items() if v is not None}, name, line, problems)
            if ex:
                out.append(ex)
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, f"bad CSV: {exc}"))
    return out


def validate_text(data: str | bytes, name: str, fmt: str | None = None) -> tuple[list[Example], list[Problem]]:
    """The valid examples of one file's content and a problem for every invalid row."""
    problems: list[Problem] = []
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return [], [Problem(name, data[:exc.start].count(b"\n") + 1, "not valid UTF-8")]
    if fmt is None:
        fmt = "csv" if name.lower().endswith(".csv") or (data.lstrip()[:1] not in ("{", "[", "")) else "jsonl"
    examples = (parse_csv if fmt == "csv" else parse_jsonl)(data, name, problems)
    if not examples and not problems:
        problems.append(Problem(name, 1, "no examples found"))
    return examples, problems


def parse_text(data: str | bytes, name: str, fmt: str | None = None) -> list[Example]:
    """Examples from the content of one file; ``fmt`` is "jsonl" or "csv" (else guessed)."""
    examples, problems = validate_text(data, name, fmt)
    if problems:
        raise CorpusError(problems)
    return examples


def load_files(paths) -> Corpus:
    """Read and validate files; every problem in every file is reported together."""
    problems: list[Problem] = []
    examples: list[Example] = []
    for p in paths:
        path = Path(p)
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(str(path), 0, f"cannot read file: {exc.strerror or exc}"))
            continue
        try:
            examples.extend(parse_text(data, str(path)))
        except CorpusError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CorpusError(problems)
    return Corpus(examples)


def disjoint_problems(train: Corpus, test: Corpus) -> list[Problem]:
    """Rows of ``test`` whose text is also in ``train``, reported at the test row."""
    seen = {(e.lang, sentence_key(e.text)): e for e in train.examples}
    problems = []
    for e in test.examples:
        other = seen.get((e.lang, sentence_key(e.text)))
        if other is not None:
            file, line = e.source.rsplit(":", 1)
            problems.append(Problem(file, int(line), f"the same text is in the training data ({other.source})"))
    return problems


MIN_PER_LABEL = 5


def coverage_problems(corpus: Corpus, name: str) -> list[Problem]:
    """Each language present needs every label, at least ``MIN_PER_LABEL`` times, to be learnt
    and calibrated (5-fold)."""
    problems = []
    for lang, counts in corpus.counts().items():
        short = {lab: n for lab, n in counts.items() if n < MIN_PER_LABEL}
        if short:
            detail = ", ".join(f"{lab}: {n}" for lab, n in short.items())
            problems.append(Problem(name, 0, f"{lang}: every label needs at least {MIN_PER_LABEL} examples ({detail})"))
    return problems


def check_disjoint(train: Corpus, test: Corpus) -> None:
    """The same sentence in train and test would inflate every test figure."""
    problems = disjoint_problems(train, test)
    if problems:
        raise CorpusError(problems)


def write_jsonl_atomic(path: Path, examples) -> None:
    from service.storage.atomic import atomic_write_text

    atomic_write_text(path, "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in examples))


def near_duplicates(examples: list[Example], threshold: float = 0.8) -> list[tuple[Example, Example, float]]:
    """Pairs of same-language sentences whose word uni+bigram sets have cosine >= threshold.

    Templated sentences ("X said Y" with only names swapped) teach a template, not the task.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    pairs = []
    for lang in SUPPORTED_LANGS:
        group = [e for e in examples if e.lang == lang]
        if len(group) < 2:
            continue
        vec = TfidfVectorizer(binary=True, use_idf=False, ngram_range=(1, 2), norm="l2",
                              token_pattern=r"(?u)\b\w+\b")
        mat = vec.fit_transform([normalise(e.text).lower() for e in group])
        sim = (mat @ mat.T).tocoo()
        for i, j, v in zip(sim.row, sim.col, sim.data):
            if i < j and v >= threshold:
                pairs.append((group[i], group[j], float(v)))
    return pairs
