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
configuration ``training/annotate/label_studio.xml`` (documented there). Import reads the "JSON" export and
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
from training.annotate.formats import DOCCANO, FORMATS, LS, XML_CONFIG  # noqa: E402,F401
from training.annotate.importing import import_export  # noqa: E402,F401


def __getattr__(name):  # export needs the model's code; loaded only when asked for
    if name in ("export_tasks", "read_rows", "overlapping"):
        from training.annotate import export

        return getattr(export, name)
    raise AttributeError(name)
