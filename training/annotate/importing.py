"""Import: a tool's export back into corpus rows, every span checked, every bad task reported.

No model and no I/O here, so the HTTP admin endpoint can convert an upload in the web process.
"""
from __future__ import annotations

import json

from service.core.language import detect
from service.core.vocabulary import SUPPORTED_LANGS
from training.annotate.formats import (
    ATTR_TYPES,
    CUE_CHOICES,
    LABELS,
    LEVELS,
    LS,
    ROLES,
    SENTENCE_CHOICES,
    SOURCINGS,
    SPAN,
    STANCES,
    XML_CONFIG,
    tool,
)
from training.corpus import MAX_TEXT_CHARS


def import_export(data: bytes, fmt: str) -> tuple[list[dict], list[dict]]:
    """Corpus rows from a Label Studio "JSON" export or a doccano JSONL export, plus a problem
    {"id" and/or "line", "reason"} for each task or line that cannot be converted. It does no I/O and
    needs no model, so the HTTP admin endpoint can call it on an upload."""
    fmt = tool(fmt)
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


