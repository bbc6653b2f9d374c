"""``python -m service.batch.report``: grouped shares, top sources, month derivation, CSV/PNG/HTML output.

The article table is written by the batch writer itself (``tables.encode_partition``) from
hand-made sentence results summarised by ``service.core.analysis.summarize``, so the figures can be
checked by hand and no model is needed.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from service.batch import inputs, report, tables
from service.core.analysis import summarize

PNG = b"\x89PNG\r\n\x1a\n"


def _sentence(i, label, source=None, stance="neutral"):
    attributions = []
    if source:
        attributions.append({"type": "indirect", "source": {"text": source, "start": 0, "end": len(source)},
                             "cue": {"text": "said", "start": 0, "end": 4, "lemma": "say"}, "stance": stance,
                             "content": None, "main_clause": True})
    scores = {lab: 0.1 for lab in ("asserted", "attributed", "hedged", "none")}
    scores[label] = 0.7
    return {"index": i, "text": f"Sentence {i}.", "start": 0, "end": 12, "label": label, "scores": scores,
            "cues": [], "attributions": attributions}


ARTICLES = [  # id, lang, outlet, date, sentences
    ("a1", "en", "Outlet A", "2025-01-15",
     [("asserted",), ("asserted",), ("attributed", "The minister"), ("hedged",)]),
    ("a2", "en", "Outlet A", "2025-02-03T23:30:00-05:00", [("attributed", "the Minister", "denial"), ("none",)]),
    ("b1", "fr", "Outlet B", None,
     [("asserted",), ("attributed", "Le ministre", "endorsing"), ("attributed", "la police", "distancing")]),
    ("b2", "fr", "Outlet B", "14/03/2025", [("attributed", "La police")]),
    ("c1", "en", None, "2025-01-02", [("hedged",)]),
]


def _write_run(root, fmt="parquet", articles=ARTICLES):
    out = tables.OutputDir(root, fmt)
    out.check_manifest({"format": fmt, "partition_size": 2, "model_version": "test-model"}, [])
    for chunk in range(0, len(articles), 2):
        part = inputs.Partition(f"synthetic-{chunk:05d}", "synthetic.jsonl")
        analysed = []
        for row, (aid, lang, outlet, date, spec) in enumerate(articles[chunk:chunk + 2], chunk + 1):
            sentences = [_sentence(i, *s) for i, s in enumerate(spec)]
            extra = {"outlet": outlet, "date": date}
            analysed.append(tables.Analysed(row, inputs.Article(aid, "…", lang, extra), lang, False,
                                             {"sentences": sentences, "summary": summarize(sentences, lang)}))
        out.write(part.name, tables.encode_partition(part, analysed, [], fmt))
    return root


@pytest.mark.parametrize("fmt", tables.FORMATS)
def test_groups_pool_shares_over_sentences(tmp_path, fmt):
    run = _write_run(tmp_path / "run", fmt)
    assert report.main([str(run), "--by", "outlet"]) == 0
    groups = pd.read_csv(run / "report" / "groups.csv").set_index("outlet")
    assert list(groups.index) == ["(none)", "Outlet A", "Outlet B"]
    a, b = groups.loc["Outlet A"], groups.loc["Outlet B"]
    assert (a["articles"], a["sentences"], b["articles"], b["sentences"]) == (2, 6, 2, 4)
    assert (a["share_asserted"], a["share_attributed"], a["share_hedged"], a["share_none"]) == (
        0.3333, 0.3333, 0.1667, 0.1667)
    assert (b["share_asserted"], b["share_attributed"], b["share_hedged"]) == (0.25, 0.75, 0.0)
    assert (a["share_unattributed_asserted"], b["share_unattributed_asserted"]) == (0.3333, 0.25)


def test_sources_merge_across_articles_with_stances(tmp_path):
    run = _write_run(tmp_path / "run")
    assert report.main([str(run), "--by", "outlet"]) == 0
    sources = pd.read_csv(run / "report" / "sources.csv")
    a = sources[sources["outlet"] == "Outlet A"]
    assert len(a) == 1  # "The minister" and "the Minister": one source
    assert a.iloc[0][["source", "articles", "claims", "neutral", "denial"]].tolist() == ["The minister", 2, 2, 1, 1]
    b = sources[sources["outlet"] == "Outlet B"].set_index("rank")
    assert b.loc[1, ["source", "articles", "claims", "neutral", "distancing"]].tolist() == ["La police", 2, 2, 1, 1]  # a tie: the first name in sort order
    assert b.loc[2, ["source", "claims", "endorsing"]].tolist() == ["Le ministre", 1, 1]


def test_month_from_date_column(tmp_path):
    run = _write_run(tmp_path / "run")
    assert report.main([str(run), "--by", "outlet", "--by", "month", "--out", str(tmp_path / "rep")]) == 0
    groups = pd.read_csv(tmp_path / "rep" / "groups.csv", dtype=str)
    assert list(zip(groups["outlet"], groups["month"], groups["articles"])) == [
        ("(none)", "2025-01", "1"), ("Outlet A", "2025-01", "1"), ("Outlet A", "2025-02", "1"),
        ("Outlet B", "(none)", "1"), ("Outlet B", "2025-03", "1")]
    assert (tmp_path / "rep" / "trend.png").read_bytes().startswith(PNG)


def test_month_of_dates_in_several_forms():
    import datetime as dt

    dates = ["2024-12-31T23:59:00+09:00", dt.date(2024, 2, 29), pd.Timestamp("2023-07-01"), "not a date",
             None, "March 5, 2022"]
    assert report.month_of(dates) == ["2024-12", "2024-02", "2023-07", "(none)", "(none)", "2022-03"]
    assert report.month_of(pd.Series(pd.to_datetime(["2021-05-06", None]))) == ["2021-05", "(none)"]


def test_html_page_is_self_contained(tmp_path):
    run = _write_run(tmp_path / "run")
    assert report.main([str(run), "--by", "outlet", "--by", "month"]) == 0
    out = run / "report"
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["shares.png", "sources.png", "trend.png", "unattributed.png"]
    for name in pngs:
        assert (out / name).read_bytes().startswith(PNG)
    page = (out / "report.html").read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert len(refs) == 4 and all(r.startswith("data:image/png;base64,") for r in refs)
    assert "<script" not in page and "<link" not in page and "url(" not in page and "@import" not in page
    assert "Outlet A" in page and "la police" in page and "test-model" in page


def test_no_by_is_one_group(tmp_path):
    run = _write_run(tmp_path / "run")
    assert report.main([str(run)]) == 0
    groups = pd.read_csv(run / "report" / "groups.csv")
    assert groups[["group", "articles", "sentences"]].values.tolist() == [["all", 5, 11]]


def test_errors_are_clear(tmp_path, capsys):
    run = _write_run(tmp_path / "run", articles=[(a, lang, o, None, s) for a, lang, o, _, s in ARTICLES])
    cases = [([str(tmp_path / "missing")], "missing: no such directory"),
             ([str(tmp_path)], f"{tmp_path}: no article table"),
             ([str(run), "--by", "country"], "the article table has no column 'country' (columns: id,"),
             ([str(run), "--by", "outlet", "--top", "0"], "--top must be at least 1")]
    for argv, message in cases:
        with pytest.raises(SystemExit) as exc:
            report.main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, err
    # a date column of nulls still groups by month: every article is "(none)"
    assert report.main([str(run), "--by", "month", "--out", str(tmp_path / "r")]) == 0
    assert pd.read_csv(tmp_path / "r" / "groups.csv")["month"].tolist() == ["(none)"]


def test_month_needs_a_date_column(tmp_path, capsys):
    run = tmp_path / "run"
    out = tables.OutputDir(run, "parquet")
    out.check_manifest({"format": "parquet", "partition_size": 1, "model_version": "m"}, [])
    part = inputs.Partition("p-00000", "x.jsonl")
    sentences = [_sentence(0, "asserted")]
    analysed = [tables.Analysed(1, inputs.Article("x", "…", "en", {"outlet": "A"}), "en", False,
                                 {"sentences": sentences, "summary": summarize(sentences, "en")})]
    out.write(part.name, tables.encode_partition(part, analysed, [], "parquet"))
    with pytest.raises(SystemExit):
        report.main([str(run), "--by", "month"])
    assert "--by month derives the month from a 'date' column" in capsys.readouterr().err


def test_records_the_batch_skipped_are_reported(tmp_path, capsys):
    run = _write_run(tmp_path / "run")
    errors = [{"id": "x9", "source_file": "feed.jsonl", "row": 7, "reason": "text is empty"},
              {"id": None, "source_file": "feed.jsonl", "row": 12, "reason": "analysis ran longer than 120 s (--article-budget)"}]
    (run / tables.ERRORS).write_text("".join(__import__("json").dumps(e) + "\n" for e in errors) + "not json\n",
                                     encoding="utf-8")
    assert report.main([str(run), "--by", "outlet"]) == 0
    printed = capsys.readouterr().out
    assert "3 record(s) the batch skipped are not in the figures" in printed and "skipped.csv" in printed
    skipped = pd.read_csv(run / "report" / "skipped.csv")
    assert skipped["row"].tolist()[:2] == [7, 12]
    assert skipped["reason"].tolist() == ["text is empty", "analysis ran longer than 120 s (--article-budget)",
                                          "unreadable line 3 of errors.jsonl"]
    page = (run / "report" / "report.html").read_text(encoding="utf-8")
    assert "3 record(s) the batch skipped are not in the figures" in page
    assert "Records the batch skipped" in page and "feed.jsonl" in page and "text is empty" in page


def test_no_skipped_records_no_skipped_file(tmp_path, capsys):
    run = _write_run(tmp_path / "run")
    assert report.main([str(run)]) == 0
    assert not (run / "report" / "skipped.csv").exists()
    assert "record(s) the batch skipped" not in capsys.readouterr().out
    assert "Records the batch skipped" not in (run / "report" / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"a\")", "+33 6 12", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"])
def test_report_csv_never_starts_a_cell_with_a_formula(tmp_path, name):
    articles = [("a1", "en", name, "2025-01-15", [("attributed", name), ("asserted",)])]
    run = _write_run(tmp_path / "run", articles=articles)
    assert report.main([str(run), "--by", "outlet"]) == 0
    for csv_name in ("groups.csv", "sources.csv"):
        table = pd.read_csv(run / "report" / csv_name, keep_default_na=False)
        cells = [str(v) for v in table.to_numpy().ravel()]
        assert "'" + name in cells, (csv_name, cells)
        assert not any(c.startswith(("=", "+", "@")) for c in cells)
    groups = pd.read_csv(run / "report" / "groups.csv")
    assert groups["articles"].tolist() == [1]  # numbers stay numbers


def test_report_and_page_share_one_palette():
    """The report's colours are the page's light-theme colours, read from app.css."""
    from pathlib import Path

    from service.batch import report_charts
    from service.core.vocabulary import LABELS, PALETTE, STANCES

    css = (Path(report.__file__).parent.parent / "web" / "static" / "app.css").read_text(encoding="utf-8")
    light = css[css.index(":root"):css.index("@media (prefers-color-scheme: dark)")]
    declared = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", light))
    assert {lab: declared[f"{lab}-strong"] for lab in LABELS} == {lab: PALETTE[lab] for lab in LABELS}
    assert {st: declared[st] for st in STANCES} == {st: PALETTE[st] for st in STANCES}
    assert report_charts.PALETTE is PALETTE
