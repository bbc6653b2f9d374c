"""The report's strength columns: assertiveness and sourcing shares per group, pooled over claims,
with bootstrap intervals (fixed seed) and a chart. Hand-made sentence results, no model."""
from __future__ import annotations

import pandas as pd

from service.batch import inputs, report, tables
from service.core.analysis import summarize
from service.core.vocabulary import SOURCING


def _sentence(i, label, commitment=None, level=None, sourcing="none"):
    scores = dict.fromkeys(("asserted", "attributed", "hedged", "none"), 0.1)
    scores[label] = 0.7
    strength = {"commitment": commitment, "level": level, "sourcing": sourcing, "cues": []}
    return {"index": i, "text": f"Sentence {i}.", "start": 0, "end": 12, "label": label, "scores": scores,
            "cues": [], "attributions": [], "strength": strength}


ARTICLES = [  # id, outlet, sentences
    ("a1", "A", [("asserted", 0.8, "stated"), ("hedged", 0.3, "possible"), ("none",)]),
    ("a2", "A", [("attributed", 0.6, "stated", "named"), ("asserted", 0.9, "emphatic")]),
    ("b1", "B", [("attributed", 0.2, "doubted", "vague"), ("attributed", 0.7, "stated", "anonymous")]),
    ("b2", "B", [("asserted", 0.7, "stated")]),
]


def _write_run(root):
    out = tables.OutputDir(root, "parquet")
    out.check_manifest({"format": "parquet", "partition_size": 2, "model_version": "test-model"}, [])
    part = inputs.Partition("synthetic-00000", "synthetic.jsonl")
    analysed = []
    for row, (aid, outlet, spec) in enumerate(ARTICLES, 1):
        sentences = [_sentence(i, *s) for i, s in enumerate(spec)]
        analysed.append(tables.Analysed(row, inputs.Article(aid, "…", "en", {"outlet": outlet}), "en", False,
                                        {"sentences": sentences, "summary": summarize(sentences, "en")}))
    out.write(part.name, tables.encode_partition(part, analysed, [], "parquet"))
    return root


def test_tables_carry_each_sentence_and_article_strength(tmp_path):
    run = _write_run(tmp_path / "run")
    sentences = tables.read_table(run, "sentences")
    assert list(sentences["level"][:2]) == ["stated", "possible"] and pd.isna(sentences["level"].iloc[2])
    assert sentences["commitment"].iloc[0] == 0.8 and pd.isna(sentences["commitment"].iloc[2])
    articles = tables.read_table(run, "articles").set_index("id")
    assert articles.loc["a1", "claims"] == 2 and articles.loc["a1", "assertiveness"] == 0.55
    assert articles.loc["b1", "sourcing_vague"] == 0.5 and articles.loc["b1", "sourcing_anonymous"] == 0.5


def test_report_adds_assertiveness_and_sourcing_with_intervals(tmp_path):
    run = _write_run(tmp_path / "run")
    assert report.main([str(run), "--by", "outlet"]) == 0
    groups = pd.read_csv(run / "report" / "groups.csv").set_index("outlet")
    for name in ("assertiveness", *[f"sourcing_{c}" for c in SOURCING]):
        assert {name, f"{name}_lo", f"{name}_hi"} <= set(groups.columns)
        assert (groups[f"{name}_lo"] <= groups[name] + 1e-9).all() and (groups[name] <= groups[f"{name}_hi"] + 1e-9).all()
    a, b = groups.loc["A"], groups.loc["B"]
    assert (a["claims"], b["claims"]) == (4, 3)
    assert a["assertiveness"] == 0.65 and b["assertiveness"] == 0.5333  # pooled over claims
    assert a["sourcing_named"] == 0.25 and b["sourcing_vague"] == 0.3333
    assert (run / "report" / "strength.png").read_bytes().startswith(b"\x89PNG")
    assert "How strongly claims are made" in (run / "report" / "report.html").read_text(encoding="utf-8")
    again = tmp_path / "again"
    assert report.main([str(run), "--by", "outlet", "--out", str(again)]) == 0
    assert (again / "groups.csv").read_bytes() == (run / "report" / "groups.csv").read_bytes()  # fixed seed
