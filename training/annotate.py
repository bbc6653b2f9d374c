"""Annotation tools round trip: the model's pre-annotations go out to Label Studio or doccano, and
the tools' exports come back as corpus rows.

    python -m training.annotate export --data FILE --format label-studio|doccano [--out OUT] [--model-dir DIR]
    python -m training.annotate import EXPORT --format label-studio|doccano [--out OUT.jsonl]

Annotators correct the model instead of labelling from nothing. An imported row is checked (each
span's text is ``text[start:end]``, the labels are known, each Source/Content has one Cue), so a
bad export cannot reach training data. A failing task is reported with its id or line and the
reason, the good rows are still written, and the exit code is 1. ``export`` reads corpus JSONL/CSV
(the label may be missing) or plain sentences, one per line, one task each. It detects a missing
``lang``, and ``id``, ``note`` and the current label (``corpus_label``) go with the task.

Label Studio: "Basic Label Studio JSON format" tasks with ``predictions``, for the labelling
configuration ``training/label_studio.xml`` (documented there). Import reads the "JSON" export and
keeps the latest annotation of each task that was not cancelled.

doccano: an "Intent Detection and Slot Filling" project, the only type with categories and spans in
one JSONL. ``entities`` is [[start, end, "Source"|"Cue"|"Content"]], and ``cats`` holds the label,
"level:<level>" and "sourcing:<class>". There are no relations or per-span attributes, so the
model's attributions travel in the metadata (``model_attributions``, which doccano re-exports).
They tie each Source/Content to its Cue and supply each Cue's type, stance, main_clause and lemma.
An added Source/Content joins the only Cue. An added Cue needs Label Studio, and so do nested
attributions, because this project type drops overlapping spans (``export`` counts those). The id
goes as ``row_id``, since doccano's export writes its own ``id`` over a metadata one.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from service.core.analysis import analyze
from service.core.classifier import Classifier
from service.core.language import detect
from service.core.segment import Sentence
from service.core.vocabulary import LABELS, STANCES, SUPPORTED_LANGS
from service.storage.artifacts import ModelError
from service.storage.registry import POINTER, ROOT_DEFAULT, Registry
from training.corpus import MAX_TEXT_CHARS

LS, DOCCANO = "label-studio", "doccano"
FORMATS = (LS, DOCCANO)
XML_CONFIG = Path(__file__).with_name("label_studio.xml")
TEXT, SPAN = "text", "span"  # label_studio.xml: the Text object tag and the span Labels control
ROLES = {"Source": "source", "Cue": "cue", "Content": "content"}
ATTR_TYPES = ("direct_quote", "indirect", "according_to", "unnamed_source")
LEVELS = ("doubted", "possible", "probable", "stated", "emphatic")
SOURCINGS = ("named", "identified", "anonymous", "vague", "none")
SENTENCE_CHOICES = ("label", "level", "sourcing")
CUE_CHOICES = ("attr_type", "stance", "main_clause")  # per-region, on Cue spans; plus the TextArea "lemma"


# ---- export ---------------------------------------------------------------------------------------

def read_rows(data: bytes, name: str = "", langs=SUPPORTED_LANGS) -> tuple[list[dict], list[dict]]:
    """Sentences to pre-annotate, and a {"line", "reason"} for each unusable one (``langs``: the
    languages the model serves)."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [{"line": data[:exc.start].count(b"\n") + 1, "reason": "not valid UTF-8"}]
    lines, raw, problems = content.splitlines(), [], []
    if name.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(content))
        if "text" not in (reader.fieldnames or []):
            return [], [{"line": 1, "reason": "the CSV header has no text column"}]
        raw = [(reader.line_num, row) for row in reader]
    elif next((s.strip() for s in lines if s.strip()), "").startswith("{"):
        for i, line in enumerate(lines, 1):
            try:
                raw += [(i, json.loads(line))] if line.strip() else []
            except json.JSONDecodeError as exc:
                problems.append({"line": i, "reason": f"bad JSON: {exc.msg} (column {exc.colno})"})
    else:
        raw = [(i, {"text": line}) for i, line in enumerate(lines, 1) if line.strip()]
    rows = []
    for line, row in raw:
        out = _input_row(row, langs)
        if isinstance(out, str):
            problems.append({"line": line, "reason": out})
        else:
            rows.append(out)
    return rows, sorted(problems, key=lambda p: p["line"])


def _input_row(row, langs) -> dict | str:
    if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
        return "missing text"
    text = row["text"].strip()
    if len(text) > MAX_TEXT_CHARS:
        return f"text longer than {MAX_TEXT_CHARS} characters (one sentence expected)"
    lang = str(row.get("lang") or "").strip().lower() or detect(text)[0]
    if lang not in langs:
        return f"language {lang!r} is not served by the model ({', '.join(langs)})"
    label = str(row.get("label") or "").strip().lower()
    if label and label not in LABELS:
        return f"unknown label {row['label']!r}; expected one of {', '.join(LABELS)}"
    out = {"text": text, "lang": lang, **{k: row[k] for k in ("id", "note") if row.get(k) not in (None, "")}}
    return dict(out, corpus_label=label) if label else out


def export_tasks(rows: list[dict], fmt: str, clf: Classifier) -> list[dict]:
    """Label Studio tasks or doccano JSONL objects carrying the model's predictions. Each row is
    analysed as one sentence (offsets index the row's text), batched per language."""
    preds: list[dict] = [{}] * len(rows)
    for lang in sorted({r["lang"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["lang"] == lang]
        sentences = [Sentence(rows[i]["text"], 0, len(rows[i]["text"])) for i in idx]
        for i, res in zip(idx, analyze(clf, "", lang, sentences)["sentences"]):
            preds[i] = res
    make = _ls_task if _fmt(fmt) == LS else _doccano_line
    return [make(n, row, pred, clf.version) for n, (row, pred) in enumerate(zip(rows, preds), 1)]


def _strength(pred: dict) -> dict:
    """level / sourcing when the model gives them (a "strength" dict), never for a "none" sentence."""
    s = pred.get("strength")
    if not isinstance(s, dict) or pred["label"] == "none":
        return {}
    return {k: s[k] for k in ("level", "sourcing") if s.get(k)}


def _ls_task(n: int, row: dict, pred: dict, version: str) -> dict:
    result = [{"id": f"t{n}-{name}", "from_name": name, "to_name": TEXT, "type": "choices",
               "value": {"choices": [value]}} for name, value in [("label", pred["label"]), *_strength(pred).items()]]
    regions: dict[tuple, str] = {}

    def region(role: str, span: dict, a: dict | None = None) -> str:
        key = (role, span["start"], span["end"])
        if key not in regions:
            regions[key] = rid = f"t{n}-r{len(regions) + 1}"
            value = {"start": span["start"], "end": span["end"], "text": span["text"]}
            result.append({"id": rid, "from_name": SPAN, "to_name": TEXT, "type": "labels",
                           "value": dict(value, labels=[role])})
            if a is not None:  # the Cue's per-region results share its region's id
                for name, choice in zip(CUE_CHOICES, (a["type"], a["stance"], str(a["main_clause"]).lower())):
                    result.append({"id": rid, "from_name": name, "to_name": TEXT, "type": "choices",
                                   "value": dict(value, choices=[choice])})
                result.append({"id": rid, "from_name": "lemma", "to_name": TEXT, "type": "textarea",
                               "value": dict(value, text=[span["lemma"]])})  # TextArea's "text" wins, as in LS
        return regions[key]

    for a in pred["attributions"]:
        cue = region("Cue", a["cue"], a)
        pairs = [(region("Source", a["source"]), cue)] if a["source"] else []
        pairs += [(cue, region("Content", a["content"]))] if a["content"] else []
        result += [{"from_id": f, "to_id": t, "type": "relation", "direction": "right", "labels": []} for f, t in pairs]
    data = {k: row[k] for k in ("text", "lang", "id", "note", "corpus_label") if k in row}
    return {"data": data, "predictions": [{"model_version": version, "score": pred["scores"][pred["label"]],
                                           "result": result}]}


def _doccano_line(n: int, row: dict, pred: dict, version: str) -> dict:
    spans = {(s["start"], s["end"], role) for a in pred["attributions"]
             for role, s in (("Source", a["source"]), ("Cue", a["cue"]), ("Content", a["content"])) if s}
    line = {"text": row["text"], "entities": [list(s) for s in sorted(spans)],
            "cats": [pred["label"], *(f"{k}:{v}" for k, v in _strength(pred).items())],
            **{k: row[k] for k in ("lang", "note", "corpus_label") if k in row}}
    if "id" in row:
        line["row_id"] = row["id"]
    return dict(line, model_version=version, model_attributions=pred["attributions"])


def overlapping(entities: list) -> bool:
    """Whether doccano's Intent Detection and Slot Filling project would drop some of these spans."""
    spans = sorted((e[0], e[1]) for e in entities)
    return any(b[0] < a[1] for a, b in zip(spans, spans[1:]))


# ---- import ---------------------------------------------------------------------------------------

def import_export(data: bytes, fmt: str) -> tuple[list[dict], list[dict]]:
    """Corpus rows from a Label Studio "JSON" export or a doccano JSONL export, plus a problem
    {"id" and/or "line", "reason"} for each task or line that cannot be converted. It does no I/O and
    needs no model, so the HTTP admin endpoint can call it on an upload."""
    fmt = _fmt(fmt)
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [{"line": data[:exc.start].count(b"\n") + 1, "reason": "not valid UTF-8"}]
    rows, problems = [], []
    for where, fields in (_ls_fields(content) if fmt == LS else _doccano_fields(content)):
        row = _to_row(fields) if isinstance(fields, dict) else None
        if row is None:
            problems.append({**where, "reason": fields if isinstance(fields, str) else "; ".join(fields["errors"])})
        else:
            rows.append(row)
    return rows, problems


def _fmt(fmt: str) -> str:
    if (fmt := str(fmt).strip().lower().replace("_", "-")) not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt


def _fields(text, lang, row_id, note) -> dict:
    """What one task says, whichever tool: spans are {key: (label, start, end, text shown or None)}."""
    return {"text": text, "lang": lang, "id": row_id, "note": note, "label": [], "level": [], "sourcing": [],
            "spans": {}, "links": [], "attrs": {}, "errors": []}


def _ls_fields(content: str):
    try:
        tasks = json.loads(content)
    except json.JSONDecodeError as exc:
        yield {"line": exc.lineno}, f"bad JSON: {exc.msg} (column {exc.colno})"
        return
    if not isinstance(tasks, list):
        yield {"line": 1}, "expected a JSON list of tasks (Label Studio's JSON export)"
        return
    for i, task in enumerate(tasks, 1):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            yield {"id": f"#{i}"}, "not a task with data (use Label Studio's JSON export, not JSON_MIN)"
        else:
            yield {"id": task.get("id", f"#{i}")}, _ls_task_fields(task)


def _ls_task_fields(task: dict) -> dict | str:
    annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict)]
    done = [a for a in annotations if not a.get("was_cancelled")]
    if not done:
        return "only cancelled annotations" if annotations else "no annotation"
    ann = max(done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""),
                                   a["id"] if isinstance(a.get("id"), int) else 0))
    data = task["data"]
    f = _fields(data.get("text"), data.get("lang"), data.get("id"), data.get("note"))
    for r in ann.get("result") or []:
        kind, name, rid = r.get("type"), r.get("from_name"), r.get("id")
        value = r.get("value") if isinstance(r.get("value"), dict) else {}
        if kind == "relation":
            f["links"].append((r.get("from_id"), r.get("to_id")))
        elif kind == "choices" and name in SENTENCE_CHOICES:
            f[name].extend(value.get("choices") or [])
        elif kind == "choices" and name in CUE_CHOICES:
            f["attrs"].setdefault(rid, {})[name] = (value.get("choices") or [None])[0]
        elif kind == "textarea" and name == "lemma":
            f["attrs"].setdefault(rid, {})["lemma"] = (value.get("text") or [None])[0]
        elif kind == "labels" and name == SPAN:
            labels = value.get("labels") or []
            f["spans"][rid] = (labels[0] if len(labels) == 1 else labels, value.get("start"), value.get("end"),
                               value.get("text"))
        else:
            f["errors"].append(f"unexpected {kind!r} result from {name!r} (is the project's labelling "
                               f"configuration {XML_CONFIG.name}?)")
    return f


def _doccano_fields(content: str):
    for i, raw in enumerate(content.splitlines(), 1):
        try:
            line = json.loads(raw) if raw.strip() else None
        except json.JSONDecodeError as exc:
            yield {"line": i}, f"bad JSON: {exc.msg} (column {exc.colno})"
            continue
        if not isinstance(line, dict):
            if line is not None:
                yield {"line": i}, "expected a JSON object"
            continue
        f = _fields(line.get("text"), line.get("lang"), line.get("row_id"), line.get("note"))
        if "cats" not in line and "entities" not in line:
            f["errors"].append("no cats or entities: export an Intent Detection and Slot Filling project")
        for cat in line.get("cats") or []:
            key, _, value = str(cat).partition(":")
            if value and key in ("level", "sourcing"):
                f[key].append(value)
            else:
                f["label"].append(cat)
        for e in line.get("entities") or []:
            if isinstance(e, list) and len(e) == 3:
                f["spans"][(e[2], e[0], e[1])] = (e[2], e[0], e[1], None)
            else:
                f["errors"].append(f"entity {e!r} is not [start, end, label]")
        for a in line.get("model_attributions") or []:
            _carry(f, a)
        yield ({"line": i, "id": line["id"]} if "id" in line else {"line": i}), f


def _carry(f: dict, a) -> None:
    """Restore what doccano cannot annotate, from the exported prediction whose Cue is still there."""
    cue = ("Cue", a["cue"].get("start"), a["cue"].get("end")) if isinstance(a, dict) and isinstance(
        a.get("cue"), dict) else None
    if cue in f["spans"]:
        f["attrs"][cue] = {"attr_type": a.get("type"), "stance": a.get("stance"), "lemma": a["cue"].get("lemma"),
                           "main_clause": str(a.get("main_clause")).lower()}
        for label in ("Source", "Content"):
            span = a.get(label.lower())
            key = (label, span.get("start"), span.get("end")) if isinstance(span, dict) else None
            if key in f["spans"]:
                f["links"].append((key, cue))


def _one(values: list, allowed, name: str, errors: list, required: bool = False) -> str | None:
    values = sorted({str(v) for v in values})
    if len(values) == 1 and values[0] in allowed:
        return values[0]
    if len(values) > 1:
        errors.append(f"several {name}s: {', '.join(values)}")
    elif values:
        errors.append(f"unknown {name} {values[0]!r}; expected one of {', '.join(allowed)}")
    elif required:
        errors.append(f"no {name} chosen")
    return None


def _to_row(f: dict) -> dict | None:
    """The corpus row, or None with the reasons in ``f["errors"]``."""
    errors, text = f["errors"], f["text"]
    if not isinstance(text, str) or not text.strip():
        errors.append("missing text")
        return None
    lead = len(text) - len(text.lstrip())  # corpus rows are stripped: the offsets shift with them
    if len(text.strip()) > MAX_TEXT_CHARS:
        errors.append(f"text longer than {MAX_TEXT_CHARS} characters (one sentence expected)")
    lang = f["lang"].strip().lower() if isinstance(f["lang"], str) and f["lang"].strip() else detect(text)[0]
    if lang not in SUPPORTED_LANGS:
        errors.append(f"language {lang!r} is not supported ({', '.join(SUPPORTED_LANGS)}); set the task's lang")
    label = _one(f["label"], LABELS, "label", errors, required=True)
    level, sourcing = _one(f["level"], LEVELS, "level", errors), _one(f["sourcing"], SOURCINGS, "sourcing", errors)
    if label == "none" and (level or sourcing):
        errors.append("a 'none' sentence has no level or sourcing")
    spans = {}
    for key, (role, start, end, shown) in f["spans"].items():
        if not isinstance(role, str) or role not in ROLES:
            errors.append(f"span {start}-{end}: label {role!r}; expected one of {', '.join(ROLES)}")
        elif not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
            errors.append(f"{role} span {start}-{end} is outside the text ({len(text)} characters)")
        elif isinstance(shown, str) and shown != text[start:end]:
            errors.append(f"{role} span {start}-{end} is {shown!r} but the text there is {text[start:end]!r}")
        elif text[start:end] != text[start:end].strip():
            errors.append(f"{role} span {start}-{end} {text[start:end]!r} begins or ends with whitespace")
        else:
            spans[key] = (ROLES[role], start - lead, end - lead, text[start:end])
    attributions = _attributions(spans, f["links"], f["attrs"], errors)
    if errors:
        return None
    row = {"text": text.strip(), "lang": lang, "label": label}
    row.update({k: v for k, v in (("id", f["id"]), ("note", f["note"]), ("level", level), ("sourcing", sourcing))
                if v not in (None, "")})
    return dict(row, attributions=attributions)


def _attributions(spans: dict, links: list, attrs: dict, errors: list) -> list[dict]:
    """One attribution per Cue, with the Source and Content related to it (the only ones when the
    sentence has one Cue), in the textual order of the cues."""
    cues = [k for k, s in spans.items() if s[0] == "cue"]
    of = {k: {"source": set(), "content": set()} for k in cues}
    linked = set()
    for a, b in links:
        if a not in spans or b not in spans:
            continue  # a relation to a rejected span, reported already
        pair = {spans[a][0]: a, spans[b][0]: b}
        if len(pair) == 2 and "cue" in pair:
            role = "source" if "source" in pair else "content"
            of[pair["cue"]][role].add(pair[role])
            linked.add(pair[role])
        else:
            errors.append(f"relation between {spans[a][0]} and {spans[b][0]}: relations link Source → Cue "
                          f"and Cue → Content")
    for k, (role, start, end, piece) in spans.items():
        if role != "cue" and k not in linked:
            if len(cues) == 1:
                of[cues[0]][role].add(k)
            else:
                why = "there is no Cue" if not cues else "there are several Cues: relate it to one"
                errors.append(f"{role.title()} {piece!r} ({start}-{end}) belongs to no Cue ({why})")
    out = []
    for k in cues:
        _, start, end, piece = spans[k]
        a = attrs.get(k, {})
        checks = (("type", a.get("attr_type") in ATTR_TYPES), ("stance", a.get("stance") in STANCES),
                  ("main_clause", a.get("main_clause") in ("true", "false")),
                  ("lemma", isinstance(a.get("lemma"), str) and a["lemma"].strip()))
        bad = [name for name, ok in checks if not ok]
        if bad:
            errors.append(f"Cue {piece!r} ({start}-{end}) has no valid {', '.join(bad)}")
        if len(of[k]["source"]) > 1 or len(of[k]["content"]) > 1:
            errors.append(f"Cue {piece!r} ({start}-{end}) has several Sources or Contents")
        if not errors:
            source, content = (_span_of(spans, of[k][role]) for role in ("source", "content"))
            out.append({"type": a["attr_type"], "source": source,
                        "cue": {"text": piece, "start": start, "end": end, "lemma": a["lemma"].strip()},
                        "stance": a["stance"], "content": content, "main_clause": a["main_clause"] == "true"})
    return sorted(out, key=lambda a: (a["cue"]["start"], a["cue"]["end"]))


def _span_of(spans: dict, keys: set) -> dict | None:
    if not keys:
        return None
    _, start, end, piece = spans[next(iter(keys))]
    return {"text": piece, "start": start, "end": end}


# ---- CLI ------------------------------------------------------------------------------------------

def load_model(model_dir: str | Path) -> Classifier:
    """A registry root (with an ACTIVE pointer) or one version's folder."""
    path = Path(model_dir)
    return Registry(path).load_active() if (path / POINTER).exists() else load_model(path)


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
    ap = argparse.ArgumentParser(prog="python -m training.annotate", description=__doc__,
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
