"""``python -m service.batch``: outputs, errors file, passthrough, formats, resumption, engines.

One small archive made from the labelled corpus; the model is a copy of the active one in a
temporary registry, so a retraining in the work tree cannot change it mid-test. Runs with one
process analyse in the test process (the model is loaded once for the whole module); the pool and
the Dask engine are started once each, in the last test.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from service.batch import run as batch
from service.batch import tables as batch_tables
from service.batch import worker
from service.core.analysis import analyze
from service.storage.registry import ROOT_DEFAULT, Registry

ROOT = Path(__file__).resolve().parent.parent
GERMAN = "Die Regierung hat am Dienstag ein neues Gesetz beschlossen, das die Steuern für Familien senkt."
BAD_LINES = {  # JSONL line number -> (line, expected id, reason starts with)
    3: ("{bad json", None, "malformed JSON"),
    8: (json.dumps({"id": "no-text", "outlet": "Le Temps"}), "no-text", "missing text"),
    12: (json.dumps({"id": "blank", "text": "  \n "}), "blank", "empty text"),
    17: (json.dumps({"text": "A sentence with no id."}), None, "missing id"),
    21: (json.dumps({"id": "de-detected", "text": GERMAN}), "de-detected", "detected language 'de'"),
    26: (json.dumps({"id": "de-given", "text": GERMAN, "lang": "de"}), "de-given", "language 'de' is not supported"),
    30: ("[1, 2]", None, "a JSON object was expected"),
}
N_GOOD = 26
PART = 6  # rows per partition: 33 rows -> 6 partitions


def _good_articles(n: int) -> list[dict]:
    rng = random.Random(7)
    corpus = [json.loads(line) for line in (ROOT / "seeds" / "test.jsonl").read_text(encoding="utf-8").splitlines()]
    by_lang = {lang: [e["text"] for e in corpus if e["lang"] == lang] for lang in ("en", "fr")}
    out = []
    for i in range(n):
        lang = ("en", "fr")[i % 2]
        art = {"id": f"art-{i:03d}", "text": " ".join(rng.sample(by_lang[lang], rng.randint(2, 4))),
               "outlet": ("Le Monde", "Reuters", "Le Temps")[i % 3],
               "date": f"2025-{1 + i % 4:02d}-{1 + i % 27:02d}", "url": f"https://example.org/{i}"}
        if i % 4:           # every fourth article without lang: detected
            art["lang"] = lang
        if i == 5:
            art["tags"] = ["politics", "eu"]  # nested values pass through as JSON text
        out.append(art)
    return out


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    registry = Registry(ROOT_DEFAULT)
    version = registry.active_version()
    root = tmp_path_factory.mktemp("models")
    shutil.copytree(registry.path(version), root / version)
    (root / "ACTIVE").write_text(version + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def archive_file(tmp_path_factory) -> Path:
    good = iter(_good_articles(N_GOOD))
    lines = []
    for line_no in range(1, N_GOOD + len(BAD_LINES) + 1):
        lines.append(BAD_LINES[line_no][0] if line_no in BAD_LINES else json.dumps(next(good), ensure_ascii=False))
    path = tmp_path_factory.mktemp("archive") / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(inputs, out, model_dir, *extra) -> int:
    return batch.main([*map(str, inputs), "--out", str(out), "--model-dir", str(model_dir),
                       "--partition-size", str(PART), "--no-progress", *map(str, extra)])


@pytest.fixture(scope="module")
def reference(archive_file, model_dir, tmp_path_factory) -> Path:
    """The archive analysed in this process (local engine, one process)."""
    out = tmp_path_factory.mktemp("reference") / "out"
    assert _run([archive_file], out, model_dir, "--processes", 1) == 0
    return out


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {t: batch_tables.read_table(out, t) for t in batch_tables.TABLES}


def test_tables_hold_what_analyze_returns(reference, archive_file):
    tables = _tables(reference)
    articles, sentences = tables["articles"], tables["sentences"]
    inputs = {a["id"]: a for a in _good_articles(N_GOOD)}
    assert list(articles["id"]) == sorted(inputs)  # partition order = input order here
    clf = worker._model()
    for art in articles.itertuples(index=False):
        source = inputs[art.id]
        assert art.lang == ("en", "fr")[int(art.id[-3:]) % 2]
        assert art.lang_detected is ("lang" not in source)
        expected = analyze(clf, source["text"], art.lang)
        summary = expected["summary"]
        assert art.sentences == summary["sentences"]
        assert [getattr(art, f"count_{k}") for k in summary["counts"]] == list(summary["counts"].values())
        assert {k: getattr(art, f"share_{k}") for k in summary["shares"]} == summary["shares"]
        assert json.loads(art.sources) == summary["sources"]
        assert json.loads(art.claims_as_fact) == summary["claims_as_fact"]
        rows = sentences[(sentences["id"] == art.id)].sort_values("index")
        assert len(rows) == len(expected["sentences"])
        for row, s in zip(rows.itertuples(index=False), expected["sentences"]):
            assert (row.index, row.start, row.end, row.text, row.label) == (
                s["index"], s["start"], s["end"], s["text"], s["label"])
            assert source["text"][row.start:row.end] == row.text
            assert {k: getattr(row, f"score_{k}") for k in s["scores"]} == s["scores"]
            assert json.loads(row.attributions) == s["attributions"]
            assert json.loads(row.cues) == s["cues"]
            assert (row.source_file, row.row) == (str(archive_file), art.row)


def test_passthrough_columns(reference):
    articles = batch_tables.read_table(reference, "articles").set_index("id")
    for source in _good_articles(N_GOOD):
        row = articles.loc[source["id"]]
        assert (row["outlet"], row["date"], row["url"]) == (source["outlet"], source["date"], source["url"])
        assert "text" not in articles.columns
    assert json.loads(articles.loc["art-005", "tags"]) == ["politics", "eu"]
    assert pd.isna(articles.loc["art-006", "tags"])


def test_errors_file_names_id_file_row_and_reason(reference, archive_file, capsys):
    errors = [json.loads(line) for line in (reference / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["row"] for e in errors] == sorted(BAD_LINES)
    for e in errors:
        _, expected_id, reason = BAD_LINES[e["row"]]
        assert e["id"] == expected_id
        assert e["source_file"] == str(archive_file)
        assert e["reason"].startswith(reason), e


def test_summary_line_counts(archive_file, model_dir, tmp_path, capsys):
    assert _run([archive_file], tmp_path / "out", model_dir, "--processes", 1) == 0
    out = capsys.readouterr().out
    n_sentences = len(batch_tables.read_table(tmp_path / "out", "sentences"))
    assert f"{N_GOOD} articles, {n_sentences} sentences, {len(BAD_LINES)} errors in " in out
    assert "6 partitions written, 0 already done" in out


def test_resume_redoes_only_missing_partition(archive_file, model_dir, reference, tmp_path, capsys):
    out = tmp_path / "out"
    assert _run([archive_file], out, model_dir, "--processes", 1) == 0
    files = sorted(out.glob("*/*.parquet")) + sorted(out.glob("errors/*.jsonl"))
    assert len(files) == 3 * 6
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files}
    victim = out / "sentences" / sorted(p.name for p in (out / "sentences").iterdir())[3]
    victim.unlink()
    (out / "articles" / f".{victim.name}.x1y2.tmp").write_bytes(b"half a file")  # a killed write
    capsys.readouterr()
    assert _run([archive_file], out, model_dir, "--processes", 1) == 0
    assert "1 partitions written, 5 already done" in capsys.readouterr().out
    stem = victim.name.removesuffix(".parquet")
    for p, (mtime, data) in before.items():
        assert p.read_bytes() == data  # identical content, the redone partition included
        if stem not in p.name:
            assert p.stat().st_mtime_ns == mtime, f"{p} was rewritten"
    assert not list(out.glob("*/.*.tmp"))
    for table, df in _tables(out).items():
        pd.testing.assert_frame_equal(df, _tables(reference)[table])
    assert _run([archive_file], out, model_dir, "--processes", 1) == 0
    assert "nothing to do: all 6 partitions are already in" in capsys.readouterr().out


def test_crash_mid_partition_leaves_no_half_written_partition(archive_file, model_dir, reference, tmp_path,
                                                              monkeypatch):
    out, writes = tmp_path / "out", []
    real = batch_tables.write_file

    def crash_on_third_articles_file(path, data):
        if path.parent.name == "articles":
            writes.append(path)
            if len(writes) == 3:
                raise KeyboardInterrupt  # as a Ctrl-C or a kill between two files would
        real(path, data)

    monkeypatch.setattr(batch_tables, "write_file", crash_on_third_articles_file)
    assert _run([archive_file], out, model_dir, "--processes", 1) == 130
    monkeypatch.setattr(batch_tables, "write_file", real)
    assert len(list((out / "articles").glob("*.parquet"))) == 2
    assert _run([archive_file], out, model_dir, "--processes", 1) == 0
    for table, df in _tables(out).items():
        pd.testing.assert_frame_equal(df, _tables(reference)[table])
    assert (out / "errors.jsonl").read_bytes() == (reference / "errors.jsonl").read_bytes()


def test_a_failing_or_too_long_article_becomes_an_error_row(model_dir, tmp_path, monkeypatch):
    import service.core.analysis

    good = _good_articles(4)
    # Make the 4th article strictly the longest, whatever the corpus sampling gave.
    good[3]["text"] += " " + "x" * (max(len(a["text"]) for a in good) - len(good[3]["text"]) + 1)
    path = tmp_path / "few.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in good), encoding="utf-8")
    real = service.core.analysis.analyze

    def analyze_failing_on_second(clf, text, lang, sentences=None, **kwargs):
        if text == good[1]["text"]:
            raise ValueError("boom")
        return real(clf, text, lang, sentences, **kwargs)

    monkeypatch.setattr(service.core.analysis, "analyze", analyze_failing_on_second)
    limit = len(good[3]["text"]) - 1  # only the 4th is over it
    assert _run([path], tmp_path / "out", model_dir, "--processes", 1, "--max-chars", limit) == 0
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert [(e["id"], e["row"]) for e in errors] == [("art-001", 2), ("art-003", 4)]
    assert errors[0]["reason"] == "analysis failed: ValueError: boom"
    assert errors[1]["reason"] == f"text has {limit + 1} characters, more than --max-chars {limit}"
    assert list(batch_tables.read_table(tmp_path / "out", "articles")["id"]) == ["art-000", "art-002"]


def test_an_article_past_its_budget_is_an_error_row_and_the_run_goes_on(model_dir, tmp_path, capsys):
    good = _good_articles(3)
    path = tmp_path / "slow.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in good), encoding="utf-8")
    out = tmp_path / "out"
    assert _run([path], out, model_dir, "--processes", 1, "--article-budget", "0.000001") == 0
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["id"] for e in errors] == [a["id"] for a in good]
    assert all("budget" in e["reason"] and "--article-budget" in e["reason"] for e in errors)
    capsys.readouterr()
    assert _run([path], out, model_dir, "--processes", 1, "--article-budget", "0.000001") == 0
    assert "nothing to do" in capsys.readouterr().out  # --resume: the partition is written, errors and all


def test_resume_refuses_other_settings(archive_file, model_dir, reference, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    assert _run([archive_file], out, model_dir, "--processes", 1, "--partition-size", 7) == 1
    assert "partition_size = 6, this run has 7" in capsys.readouterr().err


def test_csv_and_parquet_inputs_with_jsonl_output(archive_file, model_dir, reference, tmp_path):
    good = _good_articles(8)
    csv_path, pq_path = tmp_path / "a.csv", tmp_path / "b.parquet"
    pd.DataFrame(good).drop(columns=["tags"]).to_csv(csv_path, index=False)
    table = pa.table({"id": [a["id"] for a in good], "text": [a["text"] for a in good],
                      "lang": [a.get("lang") for a in good], "outlet": [a["outlet"] for a in good],
                      "date": [dt.date.fromisoformat(a["date"]) for a in good],
                      "words": [len(a["text"].split()) for a in good]})
    pq.write_table(table, pq_path)
    out = tmp_path / "out"
    assert _run([csv_path, str(tmp_path / "*.parquet")], out, model_dir, "--processes", 1, "--format", "jsonl") == 0
    assert sorted(p.suffix for p in (out / "articles").iterdir()) == [".jsonl"] * 4  # 2 files x 2 partitions
    articles = batch_tables.read_table(out, "articles")
    from_csv = articles[articles["source_file"] == str(csv_path)].reset_index(drop=True)
    from_pq = articles[articles["source_file"] == str(pq_path)].reset_index(drop=True)
    assert list(from_csv["row"]) == list(range(2, 10))  # CSV: line numbers, the header is line 1
    assert list(from_pq["row"]) == list(range(1, 9))
    assert list(from_pq["words"]) == [len(a["text"].split()) for a in good]  # typed column stays typed
    assert list(from_pq["date"]) == [a["date"] for a in good]
    assert list(from_csv["url"]) == [a["url"] for a in good]
    # Same articles, same analysis, whatever the input and output formats.
    ref = batch_tables.read_table(reference, "articles").set_index("id").loc[[a["id"] for a in good]].reset_index()
    cols = [c for c in ref.columns if c not in ("source_file", "row", "tags", "date", "url")]
    for got in (from_csv, from_pq):
        pd.testing.assert_frame_equal(got[cols], ref[cols], check_dtype=False)
    first = sorted((out / "sentences").glob("*.jsonl"))[0].read_text(encoding="utf-8").splitlines()[0]
    assert json.loads(first)["id"] == "art-000" and isinstance(json.loads(first)["attributions"], str)


@pytest.mark.parametrize("setup, message", [
    (lambda d: None, "missing.jsonl: no such file"),
    (lambda d: (d / "bad.parquet").write_bytes(b"not parquet at all"), "bad.parquet: unreadable Parquet file"),
    (lambda d: (d / "x.csv").write_text("id,body\n1,hello\n"), "x.csv: no 'text' column (columns: id, body)"),
    (lambda d: (d / "x.txt").write_text("hello"), "x.txt: unknown input type '.txt'"),
    (lambda d: None, "nothing*.jsonl: no file matches this pattern"),
])
def test_cli_errors_name_the_file(tmp_path, capsys, setup, message):
    setup(tmp_path)
    name = message.split(":")[0]
    with pytest.raises(SystemExit) as exc:
        batch.main([str(tmp_path / name), "--out", str(tmp_path / "out")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_rejects_scheduler_without_dask(tmp_path, capsys, archive_file):
    with pytest.raises(SystemExit):
        batch.main([str(archive_file), "--out", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1"])
    assert "--scheduler needs --engine dask" in capsys.readouterr().err


def test_report_on_batch_output(reference, tmp_path):
    from service import report

    assert report.main([str(reference), "--by", "outlet", "--by", "month", "--out", str(tmp_path)]) == 0
    groups = pd.read_csv(tmp_path / "groups.csv")
    assert groups["articles"].sum() == N_GOOD
    assert set(groups["outlet"]) == {"Le Monde", "Reuters", "Le Temps"}
    assert (tmp_path / "report.html").stat().st_size > 0


def test_pool_and_dask_match_in_process_row_for_row(archive_file, model_dir, reference, tmp_path):
    """The pool (2 processes) and Dask (LocalCluster of 2 workers) write what one process writes."""
    for engine in ("local", "dask"):
        out = tmp_path / engine
        assert _run([archive_file], out, model_dir, "--engine", engine, "--processes", 2) == 0
        for table, df in _tables(out).items():
            pd.testing.assert_frame_equal(df, _tables(reference)[table])
        assert (out / "errors.jsonl").read_bytes() == (reference / "errors.jsonl").read_bytes()


def test_local_cluster_workers_do_not_sample_their_task_thread_nor_trim_at_every_free():
    """The LocalCluster the Dask engine starts has the profiler and GIL monitor off in its workers,
    and does not start them with Dask's MALLOC_TRIM_THRESHOLD_ (nor leak it into the driver,
    whose later pool processes would inherit it)."""
    import os

    import dask
    from distributed import Client

    from service.batch.engines import LOCAL_CLUSTER_CONFIG, local_cluster

    monitors = ("distributed.worker.profile.enabled", "distributed.admin.system-monitor.gil.enabled")
    driver_trim = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    with local_cluster(1) as cluster, Client(cluster) as client:
        seen = client.run(lambda: ({key: dask.config.get(key) for key in monitors},
                                   os.environ.get("MALLOC_TRIM_THRESHOLD_")))
    assert set(monitors) < set(LOCAL_CLUSTER_CONFIG)
    assert list(seen.values()) == [({key: False for key in monitors}, driver_trim)]
    assert driver_trim != "65536" and os.environ.get("MALLOC_TRIM_THRESHOLD_") == driver_trim
    assert dask.config.get("distributed.worker.profile.enabled") is True  # the driver's own config is untouched
    assert dask.config.get("distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_") == 65536


def test_a_worker_freezes_the_loaded_model_out_of_the_collectors_rounds(model_dir):
    """After loading, the worker's objects are frozen (``service.storage.heap``): full collections
    no longer walk the model's objects."""
    import gc

    version = (model_dir / "ACTIVE").read_text().strip()
    worker.unload_worker_model()
    gc.unfreeze()
    try:
        worker.load_worker_model(model_dir / version)
        assert worker.load_error() is None
        assert gc.get_freeze_count() > 100_000  # spaCy's and scikit-learn's objects, hundreds of thousands
    finally:
        gc.unfreeze()


def test_a_model_that_cannot_load_stops_the_run_with_a_message(archive_file, model_dir, tmp_path, capsys):
    """Last in this file: it leaves the test process without a loaded model."""
    broken = tmp_path / "models"
    shutil.copytree(model_dir, broken)
    version = (broken / "ACTIVE").read_text().strip()
    card = json.loads((broken / version / "card.json").read_text())
    (broken / version / "card.json").write_text(json.dumps(dict(card, artifact_sha256="0" * 64)))
    assert _run([archive_file], tmp_path / "out", broken, "--processes", 1) == 1
    err = capsys.readouterr().err
    assert "cannot load the model" in err and "does not match the card" in err and "Traceback" not in err

