"""Every attribution rule on its own example: the example gives the attribution the rule promises,
and switching the rule off changes the output (so each rule has a sentence that needs it).
Also: the catalogue is up to date, and the word-list files are well formed."""
import csv

import pytest

from service.core.attribution import extract
from service.core.attribution.catalogue import CATALOGUE, render
from service.core.attribution.rules import STAGES, all_rules, disabled
from service.core.attribution.words import FILE_NAME, LISTS, words
from service.core.cues import analyze_cues
from service.core.lexicon import GRAMMAR_LISTS, LEXICON_DIR, SUPPORTED_LANGS
from service.core.nlp import parse

RULES = all_rules()


def _attributions(lang: str, text: str) -> list:
    doc = parse([text], lang)[0]
    return extract(analyze_cues(text, lang, doc), lang, doc)


def _fields(a) -> dict:
    return {"type": a.type, "source": a.source.text if a.source else None, "cue": a.cue.text,
            "content": a.content.text if a.content else None, "stance": a.stance, "lemma": a.lemma,
            "main_clause": a.main_clause}


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_the_example_gives_what_the_rule_promises(rule):
    got = [_fields(a) for a in _attributions(rule.lang, rule.example)]
    if rule.expect is None:
        assert got == []
    else:
        assert any(all(a[k] == v for k, v in rule.expect.items()) for a in got), (rule.expect, got)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_the_example_needs_its_rule(rule):
    with_rule = [a.to_json() for a in _attributions(rule.lang, rule.example)]
    with disabled(rule.name):
        without = [a.to_json() for a in _attributions(rule.lang, rule.example)]
    assert without != with_rule


def test_disabled_switches_back_on_and_knows_every_rule():
    rule = next(r for r in RULES if r.expect is not None)
    before = [a.to_json() for a in _attributions(rule.lang, rule.example)]
    with disabled(rule.name):
        assert [a.to_json() for a in _attributions(rule.lang, rule.example)] != before
    assert [a.to_json() for a in _attributions(rule.lang, rule.example)] == before
    with pytest.raises(KeyError), disabled("no_such_rule"):
        pass


def test_every_stage_has_named_rules_with_examples():
    assert {r.stage for r in RULES} == set(STAGES)
    assert len({r.name for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.purpose.endswith((".", ")")) and r.lang in SUPPORTED_LANGS and r.example.strip(), r.name


def test_the_catalogue_is_up_to_date():
    assert CATALOGUE.read_text(encoding="utf-8") == render(), \
        "docs/attribution_rules.md is out of date: run python -m service.core.attribution.catalogue"




@pytest.mark.parametrize("lang", SUPPORTED_LANGS)
@pytest.mark.parametrize("file_name, declared", [(FILE_NAME, set(LISTS)), ("grammar_words.tsv", set(GRAMMAR_LISTS))])
def test_word_list_files_are_well_formed(lang, file_name, declared):
    lines = (LEXICON_DIR / lang / file_name).read_text(encoding="utf-8").split("\n")
    assert lines[0] == "list\tword" and lines[-1] == "" and "" not in lines[1:-1]
    rows = list(csv.reader(lines[1:-1], delimiter="\t", quoting=csv.QUOTE_NONE))
    assert all(len(r) == 2 for r in rows)
    assert {name for name, _ in rows} <= declared
    assert len(set(map(tuple, rows))) == len(rows), "a word repeats within a list"
    for name, word in rows:
        assert word == word.strip() and word == word.lower() and "\u2019" not in word, (name, word)


def test_every_declared_list_has_words():
    assert all(words(name) for name in LISTS)
