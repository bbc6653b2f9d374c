"""Annotation tools: pre-annotated tasks out to Label Studio / doccano, their exports back in as
checked corpus rows, and the round trip between the two."""
import copy
import os
import signal
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from service.core.analysis import analyze
from service.core.segment import Sentence
from service.core.vocabulary import LABELS, STANCES
from training.annotate import cli as annotate
from training.annotate import export as annotate_export
from training.annotate.export import export_tasks, overlapping, read_rows
from training.annotate.formats import (
    ATTR_TYPES,
    CUE_CHOICES,
    LEVELS,
    SOURCINGS,
    XML_CONFIG,
)
from training.annotate.importing import import_export
from training.corpus import validate_text

DATA = Path(__file__).resolve().parent / "data"
LS_EXPORT = DATA / "label_studio_export.json"
DOCCANO_EXPORT = DATA / "doccano_export.jsonl"
INPUT = [
    {"text": "« Je ne suis pas inquiet, a-t-il lancé, on a le groupe pour aller chercher le titre. »", "lang": "fr",
     "label": "attributed", "id": "fr-a-0004"},
    {"text": "Le suspect a expliqué aux enquêteurs qu'il avait agi seul, a indiqué le procureur.", "lang": "fr"},
    {"text": "Officials said the toll could rise.", "lang": "en", "note": "unnamed officials"},
    {"text": "Selon l'OSDH, 20 civils auraient été tués.", "id": 17},
    {"text": "Where is the money?"},
    {"text": "Repair crews were working through the morning in sub-zero temperatures in the Kharkiv region.",
     "lang": "en", "label": "asserted"},
]


def _jsonl(items) -> bytes:
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in items).encode()


@pytest.fixture(scope="module")
def rows():
    rows, problems = read_rows(_jsonl(INPUT), "input.jsonl")
    assert problems == [] and len(rows) == len(INPUT)
    return rows


@pytest.fixture(scope="module")
def ls_tasks(classifier, rows):
    return export_tasks(rows, "label-studio", classifier)


@pytest.fixture(scope="module")
def doccano_lines(classifier, rows):
    return export_tasks(rows, "doccano", classifier)


@pytest.fixture(scope="module")
def expected(classifier, rows):
    """The rows the pre-annotations stand for, straight from ``analyze``, one sentence per row."""
    out = []
    for r in rows:
        [s] = analyze(classifier, r["text"], r["lang"], [Sentence(r["text"], 0, len(r["text"]))])["sentences"]
        strength = s.get("strength") or {}  # level and sourcing of a claim, when the model gives them
        out.append({"text": r["text"], "lang": r["lang"], "label": s["label"],
                    **{k: r[k] for k in ("id", "note") if k in r},
                    **{k: strength[k] for k in ("level", "sourcing") if strength.get(k) and s["label"] != "none"},
                    # the tools keep spans, cue lemma, stance and clause; a span's sourcing is the rules' again
                    "attributions": [{k: v for k, v in a.items() if k != "sourcing"} for a in s["attributions"]]})
    return out


def accept_predictions(tasks: list[dict]) -> list[dict]:
    """A Label Studio JSON export in which an annotator submitted each prediction unchanged: the
    results are copied with their ids, as Label Studio does when a prediction becomes an annotation."""
    out = []
    for n, task in enumerate(tasks, 1):
        result = [dict(r, origin="prediction") for r in copy.deepcopy(task["predictions"][0]["result"])]
        annotation = {"id": 1000 + n, "completed_by": 1, "result": result, "was_cancelled": False, "ground_truth": False,
                      "created_at": "2026-03-02T10:00:00.000000Z", "updated_at": "2026-03-02T10:00:00.000000Z",
                      "lead_time": 3.2, "task": n, "project": 1}
        out.append({"id": n, "data": task["data"], "annotations": [annotation], "predictions": [], "project": 1})
    return out


def doccano_round(lines: list[dict]) -> list[dict]:
    """What doccano's Intent Detection and Slot Filling project exports after importing ``lines``:
    its own id, text, the other keys as metadata, sorted cats and entities (overlaps dropped, as
    its span cleaner does without "allow overlapping"), Comments."""
    out = []
    for n, line in enumerate(lines, 1):
        kept, last = [], -1
        for start, end, label in sorted(map(tuple, line["entities"])):
            if start >= last:
                kept.append([start, end, label])
                last = end
        meta = {k: v for k, v in line.items() if k not in ("text", "cats", "entities")}
        out.append({"id": n, "text": line["text"], **meta, "cats": sorted(line["cats"]), "entities": kept,
                    "Comments": []})
    return out


# ---- export ---------------------------------------------------------------------------------------

def test_label_studio_tasks_are_valid(ls_tasks, rows):
    assert len(ls_tasks) == len(rows)
    for task, row in zip(ls_tasks, rows):
        text = task["data"]["text"]
        assert task["data"]["lang"] == row["lang"] and text == row["text"]
        [prediction] = task["predictions"]
        assert prediction["model_version"] and 0 <= prediction["score"] <= 1
        results = prediction["result"]
        regions = {r["id"]: r["value"] for r in results if r["type"] == "labels"}
        for v in regions.values():
            assert text[v["start"]:v["end"]] == v["text"] and v["text"] == v["text"].strip()
        for r in results:
            if r["type"] in ("choices", "textarea") and "start" in r["value"]:  # per-region: on a Cue region
                region = regions[r["id"]]
                assert region["labels"] == ["Cue"] and (r["value"]["start"], r["value"]["end"]) == (
                    region["start"], region["end"])
            if r["type"] == "relation":
                pair = (regions[r["from_id"]]["labels"][0], regions[r["to_id"]]["labels"][0])
                assert pair in (("Source", "Cue"), ("Cue", "Content"))
        [choices] = [r["value"]["choices"] for r in results if r.get("from_name") == "label"]
        assert choices in [[lab] for lab in LABELS]
    region_ids = [r["id"] for t in ls_tasks for r in t["predictions"][0]["result"] if r["type"] == "labels"]
    assert len(region_ids) == len(set(region_ids))  # unique across the whole file
    assert ls_tasks[0]["data"] == {"text": INPUT[0]["text"], "lang": "fr", "id": "fr-a-0004",
                                   "corpus_label": "attributed"}
    assert ls_tasks[4]["data"] == {"text": "Where is the money?", "lang": "en"}  # lang detected


def test_doccano_lines_are_valid(doccano_lines, rows, expected):
    for line, row, want in zip(doccano_lines, rows, expected):
        assert line["text"] == row["text"] and line["lang"] == row["lang"]
        strength = [f"{k}:{want[k]}" for k in ("level", "sourcing") if k in want]
        assert line["cats"] == [want["label"], *strength] and line["cats"][0] in LABELS
        for start, end, label in line["entities"]:
            assert label in ("Source", "Cue", "Content") and 0 <= start < end <= len(line["text"])
        for a in line["model_attributions"]:
            for role in ("source", "cue", "content"):
                if a[role]:
                    assert [a[role]["start"], a[role]["end"], role.title()] in line["entities"]
                    assert line["text"][a[role]["start"]:a[role]["end"]] == a[role]["text"]
    assert doccano_lines[3]["row_id"] == 17 and "id" not in doccano_lines[3]
    assert overlapping(doccano_lines[0]["entities"])  # the pronoun source inside "a-t-il lancé"


def test_label_studio_config_matches_the_tasks(ls_tasks):
    root = ET.parse(XML_CONFIG).getroot()
    [text_tag] = root.iter("Text")
    controls = {el.get("name"): el for el in root.iter() if el.get("toName")}
    assert all(el.get("toName") == text_tag.get("name") for el in controls.values())
    values = {name: [c.get("value") for c in el if c.tag in ("Choice", "Label")] for name, el in controls.items()}
    assert values["label"] == list(LABELS) and values["level"] == list(LEVELS)
    assert values["sourcing"] == list(SOURCINGS) and values["attr_type"] == list(ATTR_TYPES)
    assert values["stance"] == list(STANCES) and values["main_clause"] == ["true", "false"]
    assert values["span"] == ["Source", "Cue", "Content"] and controls["lemma"].tag == "TextArea"
    kinds = {"choices": "Choices", "labels": "Labels", "textarea": "TextArea"}
    for task in ls_tasks:
        assert "$" + next(iter(task["data"])) == text_tag.get("value")
        for r in task["predictions"][0]["result"]:
            if r["type"] == "relation":
                continue
            control = controls[r["from_name"]]
            assert r["to_name"] == text_tag.get("name") and control.tag == kinds[r["type"]]
            per_region = r["from_name"] in CUE_CHOICES + ("lemma",)
            assert (control.get("perRegion") == "true") == per_region
            for value in r["value"].get("choices", []) + r["value"].get("labels", []):
                assert value in values[r["from_name"]]


def test_strength_is_exported_when_the_model_gives_it(classifier, rows, monkeypatch):
    def with_strength(*args, **kwargs):
        result = analyze(*args, **kwargs)
        for s in result["sentences"]:
            s["strength"] = {"level": "stated", "sourcing": "named"}
        return result

    monkeypatch.setattr(annotate_export, "analyze", with_strength)
    tasks = export_tasks(rows[2:5], "label-studio", classifier)
    lines = export_tasks(rows[2:5], "doccano", classifier)
    imported, problems = import_export(json.dumps(accept_predictions(tasks)).encode(), "label-studio")
    assert problems == []
    for task, line, row in zip(tasks, lines, imported):
        names = [r["from_name"] for r in task["predictions"][0]["result"] if r["type"] == "choices" and "start" not in r["value"]]
        if row["label"] == "none":  # never a level for a "none" sentence
            assert names == ["label"] and len(line["cats"]) == 1 and "level" not in row
        else:
            assert names == ["label", "level", "sourcing"]
            assert line["cats"][1:] == ["level:stated", "sourcing:named"]
            assert (row["level"], row["sourcing"]) == ("stated", "named")


# ---- import ---------------------------------------------------------------------------------------

def test_label_studio_example_export():
    rows, problems = import_export(LS_EXPORT.read_bytes(), "label-studio")
    assert [(r.get("id"), r["lang"], r["label"], r.get("level"), r.get("sourcing")) for r in rows] == [
        ("att-fr-0002", "fr", "attributed", "doubted", "identified"),  # the latest non-cancelled annotation
        (None, "en", "hedged", "probable", "none"),  # lang detected
        ("fr-n-0042", "fr", "none", None, None),
        (None, "fr", "attributed", "stated", "identified"),
    ]
    assert rows[0]["attributions"] == [{
        "type": "indirect", "source": {"text": "L'éditeur du logiciel", "start": 0, "end": 21},
        "cue": {"text": "se targue", "start": 22, "end": 31, "lemma": "se targuer"}, "stance": "distancing",
        "content": {"text": "de protéger « plus de 10 millions de postes » dans le monde", "start": 32, "end": 91},
        "main_clause": True}]
    assert rows[2]["note"] == "question" and rows[1]["attributions"] == []
    nested = rows[3]["attributions"]  # two cues, told apart by the relations
    assert [(a["source"]["text"], a["cue"]["lemma"], a["content"]["start"]) for a in nested] == [
        ("Le suspect", "expliquer", 37), ("le procureur", "indiquer", 0)]
    assert [p["id"] for p in problems] == [105, 106, 107, 108]
    reasons = [p["reason"] for p in problems]
    assert "Content span 15-52 is outside the text" in reasons[0]
    assert "unknown label 'opinion'" in reasons[1]
    assert reasons[2] == "missing text" and reasons[3] == "only cancelled annotations"


def test_doccano_example_export():
    rows, problems = import_export(DOCCANO_EXPORT.read_bytes(), "doccano")
    assert [(r.get("id"), r["label"], r.get("level"), r.get("sourcing")) for r in rows] == [
        ("en-a-0107", "attributed", "possible", "anonymous"),
        (None, "attributed", "possible", "named"),
        ("fr-s-0311", "asserted", "stated", "none"),
    ]
    assert rows[0]["attributions"][0]["cue"] == {"text": "said", "start": 10, "end": 14, "lemma": "say"}
    [selon] = rows[1]["attributions"]  # the Source added in doccano joins the only Cue
    assert selon["source"] == {"text": "l'OSDH", "start": 6, "end": 12} and selon["type"] == "according_to"
    assert rows[2]["note"] == "forecast with a date" and rows[2]["attributions"] == []
    assert [(p["line"], p["id"]) for p in problems] == [(4, 34), (5, 35), (6, 36), (7, 37)]
    reasons = [p["reason"] for p in problems]
    assert "Cue span 46-60 is outside the text" in reasons[0] and "unknown label 'opinion'" in reasons[1]
    assert reasons[2] == "missing text"
    assert "Cue 'insisted' (13-21) has no valid type, stance, main_clause, lemma" in reasons[3]


def test_imported_rows_are_valid_corpus_rows():
    for path, fmt in ((LS_EXPORT, "label-studio"), (DOCCANO_EXPORT, "doccano")):
        rows, _ = import_export(path.read_bytes(), fmt)
        examples, problems = validate_text(_jsonl(rows), "imported.jsonl")
        assert problems == [] and len(examples) == len(rows)


def _ls(result, text="Officials said the toll could rise.", **task):
    return json.dumps([{"id": 7, "data": {"text": text, "lang": "en"}, **task,
                        "annotations": [{"id": 1, "result": result, "was_cancelled": False}]}]).encode()


def _span(rid, start, end, label, text="Officials said the toll could rise."):
    return {"id": rid, "from_name": "span", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


LABEL = {"id": "c", "from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["attributed"]}}


@pytest.mark.parametrize("result, reason", [
    ([LABEL, dict(_span("a", 0, 9, "Source"), value={"start": 0, "end": 9, "text": "Officers", "labels": ["Source"]})],
     "Source span 0-9 is 'Officers' but the text there is 'Officials'"),
    ([LABEL, _span("a", 0, 10, "Source")], "Source span 0-10 'Officials ' begins or ends with whitespace"),
    ([LABEL, _span("a", 0, 9, "Person")], "span 0-9: label 'Person'"),
    ([LABEL, _span("a", 0, 9, "Source")], "Source 'Officials' (0-9) belongs to no Cue (there is no Cue)"),
    ([dict(LABEL, value={"choices": ["attributed", "hedged"]})], "several labels: attributed, hedged"),
    ([], "no label chosen"),
    ([LABEL, {"id": "x", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["x"]}}],
     "unexpected 'choices' result from 'sentiment'"),
    ([dict(LABEL, value={"choices": ["none"]}),
      {"id": "l", "from_name": "level", "to_name": "text", "type": "choices", "value": {"choices": ["stated"]}}],
     "a 'none' sentence has no level or sourcing"),
])
def test_label_studio_bad_annotations_are_reported(result, reason):
    rows, [problem] = import_export(_ls(result), "label-studio")
    assert rows == [] and problem["id"] == 7 and reason in problem["reason"]


def test_sources_must_be_related_to_one_of_several_cues():
    text = "Officials said the toll could rise, the ministry added."
    result = [LABEL, _span("s", 0, 9, "Source", text), _span("c1", 10, 14, "Cue", text),
              _span("c2", 49, 54, "Cue", text)]
    rows, [problem] = import_export(_ls(result, text), "label-studio")
    assert "Source 'Officials' (0-9) belongs to no Cue (there are several Cues: relate it to one)" in problem["reason"]


@pytest.mark.parametrize("data, fmt, reason", [
    (b"[{\"id\": 1,", "label-studio", "bad JSON"),
    (b"{\"id\": 1}", "label-studio", "expected a JSON list of tasks"),
    (b"[{\"id\": 3, \"label\": \"x\"}]", "label-studio", "use Label Studio's JSON export, not JSON_MIN"),
    (b"[{\"id\": 3, \"data\": {\"text\": \"Hello there.\"}, \"annotations\": []}]", "label-studio", "no annotation"),
    (b"{\"text\": \"Hi\"\n", "doccano", "bad JSON"),
    (b"\xff\xfe", "doccano", "not valid UTF-8"),
])
def test_unreadable_exports_are_reported(data, fmt, reason):
    rows, [problem] = import_export(data, fmt)
    assert rows == [] and reason in problem["reason"] and ("id" in problem or "line" in problem)


def test_unknown_format_is_an_error():
    with pytest.raises(ValueError, match="unknown format"):
        import_export(b"[]", "prodigy")


# ---- round trip -----------------------------------------------------------------------------------

def test_label_studio_round_trip(ls_tasks, expected):
    rows, problems = import_export(json.dumps(accept_predictions(ls_tasks), ensure_ascii=False).encode(),
                                   "label-studio")
    assert problems == [] and rows == expected


def test_doccano_round_trip(doccano_lines, expected):
    exported = doccano_round(doccano_lines)
    rows, problems = import_export(_jsonl(exported), "doccano")
    assert problems == []
    flat = [(line, row, want) for line, row, want in zip(doccano_lines, rows, expected) if not overlapping(line["entities"])]
    assert len(flat) >= 3  # doccano drops overlapping spans: only the others survive unchanged
    for line, row, want in flat:
        assert row == want


# ---- input and CLI --------------------------------------------------------------------------------

def test_read_rows_takes_plain_lines_and_csv():
    rows, problems = read_rows("Officials said the toll could rise.\n\nLe ministre a démissionné.\n".encode(), "s.txt")
    assert [(r["text"], r["lang"]) for r in rows] == [("Officials said the toll could rise.", "en"),
                                                     ("Le ministre a démissionné.", "fr")] and problems == []
    csv_data = "text,lang,label,id\nOfficials said the toll could rise.,en,,r1\n,en,asserted,r2\nHi there,en,opinion,r3\n"
    rows, problems = read_rows(csv_data.encode(), "rows.csv")
    assert rows == [{"text": "Officials said the toll could rise.", "lang": "en", "id": "r1"}]
    assert [(p["line"], p["reason"][:12]) for p in problems] == [(3, "missing text"), (4, "unknown labe")]


def test_cli_import_writes_the_good_rows_and_fails(tmp_path, capsys):
    out = tmp_path / "rows.jsonl"
    code = annotate.main(["import", str(LS_EXPORT), "--format", "label-studio", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and len(out.read_text(encoding="utf-8").splitlines()) == 4
    assert "task 105: Content span 15-52 is outside the text" in err and "task 108: only cancelled" in err


def test_cli_export(tmp_path, capsys, classifier, monkeypatch):
    monkeypatch.setattr(annotate, "load_model", lambda model_dir: classifier)
    data = tmp_path / "input.jsonl"
    data.write_bytes(_jsonl(INPUT[2:4] + [{"text": "   ", "lang": "en"}]))
    out = tmp_path / "tasks.json"
    code = annotate.main(["export", "--data", str(data), "--format", "label-studio", "--out", str(out)])
    assert code == 1 and "line 3: missing text" in capsys.readouterr().err
    assert [t["data"]["text"] for t in json.loads(out.read_text(encoding="utf-8"))] == [r["text"] for r in INPUT[2:4]]
    code = annotate.main(["export", "--data", str(data), "--format", "doccano", "--out", str(out)])
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert code == 1 and [x["text"] for x in lines] == [r["text"] for r in INPUT[2:4]]


def test_an_export_uploads_directly_for_retraining(registry_dir):
    from service.web import create_app

    app = create_app({"TESTING": True, "LOAD_MODEL": "none", "MODEL_DIR": str(registry_dir), "ADMIN_TOKEN": "t"})
    c = app.test_client()
    auth = {"Authorization": "Bearer t"}
    bad = c.post("/v1/models?format=label-studio&activate=never", data=LS_EXPORT.read_bytes(),
                 content_type="application/json", headers=auth)
    assert bad.status_code == 400 and all(p["reason"] for p in bad.get_json()["error"]["problems"])  # its bad tasks
    rows, problems = import_export(LS_EXPORT.read_bytes(), "label-studio")
    good = [t for t in json.loads(LS_EXPORT.read_text(encoding="utf-8"))
            if str(t.get("id")) not in {str(p.get("id")) for p in problems}]
    resp = c.post("/v1/models?format=label-studio&activate=never", data=json.dumps(good).encode(),
                  content_type="application/json", headers=auth)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    assert resp.get_json()["rows"] == len(rows)
    job = app.extensions["jobs"].get(resp.get_json()["job"]["id"])
    os.kill(job.pid, signal.SIGKILL)  # the upload is what is tested here, not a full training
    assert c.post("/v1/models?format=brat", data=b"x", content_type="application/json",
                  headers=auth).status_code == 400
