"""No parse, however odd, may hang the analysis: walks over a tree are bounded.

Parsers produce trees the rules were not written for (a whitespace token that is its own head with
the label ``dep``, several roots, a noun root that heads itself). These tests build such trees by
hand, run the whole analysis on them, and check that no module climbs a tree outside
``service.core.syntax``.
"""
import ast
import random
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from spacy.tokens import Doc

from service.core import nlp as nlp_module
from service.core.analysis import analyze
from service.core.nlp import get_nlp
from service.core.syntax import ancestors, climb, head_of, is_root, root_of

ROOT = Path(__file__).resolve().parent.parent
DEPS = ["ROOT", "dep", "conj", "parataxis", "appos", "nsubj", "nsubj:pass", "ccomp", "xcomp", "acl:relcl",
        "relcl", "acl", "advcl", "case", "mark", "obl", "obl:agent", "obj", "aux", "cop", "punct", "det",
        "cc", "fixed", "prep", "pobj", "agent"]
POS = ["VERB", "AUX", "NOUN", "PROPN", "PRON", "ADP", "DET", "ADJ", "ADV", "PUNCT", "SPACE", "SCONJ", "CCONJ"]
MORPHS = ["", "VerbForm=Fin|Mood=Ind", "VerbForm=Part|Tense=Pres", "VerbForm=Inf", "Mood=Cnd|VerbForm=Fin",
          "VerbForm=Part|Tense=Past", "PronType=Rel"]
SENTENCES = {
    "fr": ["« Certaines nuits , il n' y a plus un brancard de libre .   ( 1 ) » Interrogé par Les Décodeurs , "
           "l' entourage du ministre reconnaît une « approche » .",
           "Selon le rapport annuel du ministère de la santé publique et des solidarités de la République",
           "Le porte-parole , qui a requis l' anonymat , a déclaré que le président aurait démissionné , "
           "ce que l' état-major a démenti , selon des sources concordantes .",
           "Les chiffres , a précisé le ministère , montrent une baisse , tout en admettant que"],
    "en": ["\u201c We will not back down , \u201d the minister said , according to officials who spoke on "
           "condition of anonymity .",
           "The company denied reports that it could be sold , while analysts said the deal was likely .",
           "As the chancellor pointed out , the figures , the ministry said , showed a fall"],
}


@contextmanager
def time_limit(seconds: float, what: str):
    def _raise(*_):
        raise TimeoutError(f"{what} took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def odd_doc(lang: str, words: list[str], rng: random.Random) -> Doc:
    """A tree with self-headed tokens under any label, several roots and arbitrary arcs (acyclic,
    as spaCy requires of a Doc)."""
    n = len(words)
    order = list(range(n))
    rng.shuffle(order)
    heads = [0] * n
    for pos, i in enumerate(order):
        heads[i] = i if pos == 0 or rng.random() < 0.25 else order[rng.randrange(pos)]
    spaces = [rng.random() < 0.85 for _ in words]
    vocab = get_nlp(lang).vocab
    return Doc(vocab, words=words, spaces=spaces, heads=heads,
               deps=[rng.choice(DEPS) for _ in words],
               pos=["SPACE" if w.isspace() else rng.choice(POS) for w in words],
               morphs=[rng.choice(MORPHS) for _ in words],
               lemmas=[w.lower() for w in words])


def test_ancestors_stop_at_a_self_headed_token_with_any_label():
    vocab = get_nlp("fr").vocab
    doc = Doc(vocab, words=["Il", " ", "dit"], spaces=[True, False, False], heads=[2, 1, 2],
              deps=["nsubj", "dep", "ROOT"])
    assert is_root(doc[1]) and doc[1].dep_ == "dep"
    assert list(ancestors(doc[1])) == []
    assert [t.i for t in ancestors(doc[0])] == [2]
    assert head_of(doc[1]) is None and head_of(doc[0]).i == 2
    assert climb(doc[1], lambda t: True).i == 1  # "tok.head is not tok" would loop here forever
    assert root_of(doc[0]).i == 2


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_whole_analysis_on_hand_made_odd_trees(classifier, lang):
    rng = random.Random(20261204)
    checked = 0
    for sentence in SENTENCES[lang]:
        words = [w or " " for w in sentence.split(" ")]  # extra spaces become whitespace tokens
        for _ in range(40):
            doc = odd_doc(lang, words, rng)
            text = doc.text
            nlp_module._cache[(lang, text)] = doc  # the analysis takes this parse as the text's
            with time_limit(10, f"analysis of a hand-made tree {[t.head.i for t in doc]}"):
                result = analyze(classifier, text, lang)
            for s in result["sentences"]:
                assert text[s["start"]:s["end"]] == s["text"]
                for a in s["attributions"]:
                    for span in (a["source"], a["cue"], a["content"]):
                        if span is not None:
                            assert text[span["start"]:span["end"]] == span["text"]
            checked += 1
    nlp_module.clear_cache()
    assert checked == 40 * len(SENTENCES[lang])


def test_empty_and_whitespace_docs(classifier):
    vocab = get_nlp("fr").vocab
    for words in (["\u00a0"], [" ", "."], ["«", "»"]):
        doc = Doc(vocab, words=words, spaces=[False] * len(words), heads=list(range(len(words))),
                  deps=["dep"] * len(words))
        nlp_module._cache[("fr", doc.text)] = doc
        with time_limit(10, f"analysis of {doc.text!r}"):
            analyze(classifier, doc.text, "fr")
    nlp_module.clear_cache()


REPRODUCERS = [  # from the issue: each hung a worker or cost minutes
    ("fr", "« Certaines nuits, il n'y a tout simplement plus un brancard de libre.  (1)» Interrogé par Les "
           "Décodeurs, l'entourage du ministre reconnaît une « approche »."),
    ("fr", "Selon le rapport annuel du ministère de la santé publique et des solidarités de la République "
           "française"),
    ("fr", "Le ministre a déclaré que " * 3000),
    ("fr", "." * 120000),
    ("fr", "il est venu. " * 20000),
]


@pytest.mark.parametrize("lang,text", REPRODUCERS, ids=["brancard", "selon-headline", "clause-x3000", "dots",
                                                        "tiny-sentences"])
def test_reproducers_finish_quickly(classifier, lang, text):
    with time_limit(20, f"analysis of {text[:60]!r}"):
        result = analyze(classifier, text, lang)
    assert all(text[s["start"]:s["end"]] == s["text"] for s in result["sentences"])


def _climbs_outside_syntax(path: Path) -> list[str]:
    """``while`` loops that move up to a head (``tok = tok.head``), and identity tests on tokens
    (``tok.head is not tok``)."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.While) and any(
                isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and n.value is not None and any(
                    isinstance(m, ast.Attribute) and m.attr == "head" for m in ast.walk(n.value))
                for stmt in node.body for n in ast.walk(stmt)):
            found.append(f"{path.name}:{node.lineno}: a while loop climbing .head")
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops) and any(
                isinstance(n, ast.Attribute) and n.attr == "head" for n in ast.walk(node)):
            found.append(f"{path.name}:{node.lineno}: an identity test on a token")
    return found


def test_no_rule_climbs_a_tree_by_itself():
    """Every climb goes through ``service.core.syntax``, which is bounded; a new rule with its own
    ``while tok.head ...`` loop fails here."""
    syntax = ROOT / "service" / "core" / "syntax.py"
    modules = [p for folder in ("service", "training") for p in (ROOT / folder).rglob("*.py") if p != syntax]
    found = [f for p in modules for f in _climbs_outside_syntax(p)]
    assert found == []


@pytest.mark.parametrize("lang, text, main, subordinate", [
    ("fr", "Le ministre a dit qu'il pleuvait.", ["dit", "ministre"], ["pleuvait"]),
    ("fr", "Les militaires ont soutenu les opérations, en prétextant que la ville était menacée.",
     ["soutenu"], ["prétextant", "menacée"]),
    ("en", "The minister said that prices could rise.", ["said", "minister"], ["rise", "prices"]),
    ("en", "It rained and the river rose.", ["rained", "rose"], []),
    # the parse makes the opening participle the root: the clause after its comma is still main
    ("fr", "Poursuivi pour fraude, le dirigeant nie les faits.", ["nie", "dirigeant"], []),
    ("fr", "Poursuivi pour fraude, le dirigeant a affirmé qu'il n'avait rien volé.", ["affirmé"], ["volé"]),
    # a clause headed by an adjective (or by a verb the tagger read as a noun) is still a clause
    ("fr", "Il a dit que le projet était probablement coûteux.", ["dit"], ["probablement", "coûteux"]),
    ("en", "The minister said the plan was probably too costly.", ["said"], ["probably", "costly"]),
    ("fr", "La mairie, qui anticipe une forte affluence, a réservé une salle.", ["réservé", "mairie"], ["anticipe"]),
    ("fr", "Le projet est probablement coûteux.", ["probablement", "coûteux"], []),
])
def test_main_clause_mask(lang, text, main, subordinate):
    """A token is in the main clause when its clause hangs from the root through coordination or
    parataxis only; a French gerund and a complement clause are not."""
    from service.core.clauses import main_clause_mask
    from service.core.nlp import parse

    doc = parse([text], lang)[0]
    mask = dict(zip([t.text for t in doc], main_clause_mask(doc)))
    assert all(mask[w] for w in main) and not any(mask[w] for w in subordinate)
