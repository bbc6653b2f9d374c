"""The labelled corpus: loader errors name file, line and reason; the shipped corpus meets its spec."""
import json

import pytest

from training.corpus import (
    DEFAULT_TEST,
    DEFAULT_TRAIN,
    Corpus,
    CorpusError,
    Example,
    check_disjoint,
    load_files,
    near_duplicates,
    parse_text,
)


def _problems(data, name="f.jsonl", fmt=None):
    with pytest.raises(CorpusError) as info:
        parse_text(data, name, fmt)
    return [(p.line, p.reason) for p in info.value.problems]


def test_jsonl_errors_name_line_and_reason():
    data = "\n".join([
        json.dumps({"text": "Il pleut.", "lang": "fr", "label": "asserted"}),
        "{not json",
        json.dumps({"text": "Il pleut.", "lang": "fr"}),
        json.dumps({"text": "Il pleut.", "lang": "de", "label": "asserted"}),
        json.dumps({"text": "Il pleut.", "lang": "fr", "label": "maybe"}),
        json.dumps({"text": "   ", "lang": "fr", "label": "none"}),
        json.dumps({"text": 3, "lang": "fr", "label": "none"}),
        json.dumps(["a", "list"]),
    ])
    problems = _problems(data)
    assert [line for line, _ in problems] == [2, 3, 4, 5, 6, 7, 8]
    reasons = dict(problems)
    assert "bad JSON" in reasons[2]
    assert "missing field(s): label" in reasons[3]
    assert "unknown language 'de'" in reasons[4]
    assert "unknown label 'maybe'" in reasons[5]
    assert reasons[6] == "empty text"
    assert "must be strings" in reasons[7]
    assert "JSON object" in reasons[8]


def test_csv_reads_same_columns_and_reports_lines():
    data = 'text,lang,label,id\n"Selon l\'AFP, il pleut.",fr,attributed,a1\n"It may rain.",en,hedged,a2\n'
    examples = parse_text(data, "c.csv")
    assert [(e.lang, e.label, e.id) for e in examples] == [("fr", "attributed", "a1"), ("en", "hedged", "a2")]
    bad = 'text,lang,label\n"ok",en,asserted\n"multi\nline",en,bogus\n'
    assert _problems(bad, "c.csv") == [(4, "unknown label 'bogus'; expected one of asserted, attributed, hedged, none")]
    assert "lacks column(s): label" in _problems("text,lang\nx,en\n", "c.csv")[0][1]


def test_error_message_names_the_file(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text('{"text": "x", "lang": "fr", "label": "asserted"}\n{"text": ""}\n', encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_files([path])
    assert f"{path}:2: missing field(s): lang, label" in str(info.value)


def test_same_text_in_train_and_test_is_refused():
    train = Corpus([Example("Il pleut.", "fr", "asserted", source="train.jsonl:1", line=1)])
    test = Corpus([Example("il pleut.", "fr", "asserted", source="test.jsonl:7", line=7)])
    with pytest.raises(CorpusError) as info:
        check_disjoint(train, test)
    assert "test.jsonl:7" in str(info.value) and "train.jsonl:1" in str(info.value)


def test_near_duplicate_detector_flags_templates():
    a = Example("Le ministre de l'Intérieur a annoncé mardi la fermeture de trois centres.", "fr", "attributed")
    b = Example("Le ministre de l'Intérieur a annoncé mercredi la fermeture de trois centres.", "fr", "attributed")
    c = Example("Les pompiers ont maîtrisé l'incendie en fin de soirée.", "fr", "asserted")
    pairs = near_duplicates([a, b, c])
    assert [(p[0].text, p[1].text) for p in pairs] == [(a.text, b.text)]


@pytest.fixture(scope="module")
def shipped():
    return load_files([DEFAULT_TRAIN]), load_files([DEFAULT_TEST])


def test_shipped_corpus_size_and_balance(shipped):
    train, test = shipped
    both = Corpus(train.examples + test.examples)
    assert len(both) >= 2000
    for lang, counts in both.counts().items():
        total = sum(counts.values())
        assert total >= 900, lang
        for label in ("asserted", "attributed", "hedged"):
            assert counts[label] / total >= 0.20, (lang, label)
        assert counts["none"] / total >= 0.05, lang


def test_shipped_split_is_80_20_stratified_and_disjoint(shipped):
    train, test = shipped
    check_disjoint(train, test)
    tr, te = train.counts(), test.counts()
    for lang in tr:
        for label, n in tr[lang].items():
            share = te[lang][label] / (n + te[lang][label])
            assert 0.17 <= share <= 0.23, (lang, label, share)


def test_shipped_corpus_has_no_near_duplicates(shipped):
    train, test = shipped
    pairs = near_duplicates(train.examples + test.examples, threshold=0.8)
    assert pairs == [], [(a.text, b.text) for a, b, _ in pairs[:5]]
