"""Export: the model's pre-annotations as Label Studio tasks or doccano lines."""
from __future__ import annotations

import csv
import io
import json

from service.core.analysis import analyze
from service.core.classifier import Classifier
from service.core.language import detect
from service.core.segment import Sentence
from service.core.vocabulary import SUPPORTED_LANGS
from training.annotate.formats import CUE_CHOICES, LABELS, LS, SPAN, TEXT, tool
from training.corpus import MAX_TEXT_CHARS


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
    make = _ls_task if tool(fmt) == LS else _doccano_line
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

