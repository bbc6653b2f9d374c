"""How strongly: lexicon strengths, the ordinal estimator, the sourcing rules, the markers and
the guide's level rule, and training with or without the new fields. No served model needed."""
from __future__ import annotations

import csv

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import check_estimator

from service.core.analysis import sentence_analysis
from service.core.cues import find_cues
from service.core.features import build_pipeline
from service.core.lexicon import LEXICON_DIR, get_lexicon
from service.core.nlp import parse
from service.core.strength.features import STRENGTH_FEATURES, StrengthCues, main_attributions, sentence_evidence
from service.core.strength.markers import StrengthInput, find_markers, rule_level
from service.core.strength.ordinal import OrdinalLogisticRegression
from service.core.strength.sourcing import attribution_sourcing, span_sourcing
from service.core.strength.words import strength_words
from service.core.vocabulary import LEVELS
from training.corpus import Example
from training.strength import fit_language


# --- lexicons -------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", ["hedges.tsv", "boosters.tsv", "reporting_verbs.tsv", "quote_verbs.tsv",
                                  "strength_markers.tsv"])
def test_every_entry_carries_a_strength(lang, name):
    rows = list(csv.DictReader(open(LEXICON_DIR / lang / name, encoding="utf-8"), delimiter="\t"))
    assert rows and all(r["strength"] in LEVELS for r in rows), [r for r in rows if r["strength"] not in LEVELS][:3]


def test_lexicon_strengths_are_loaded():
    fr, en = get_lexicon("fr"), get_lexicon("en")
    assert fr.verbs_by_lemma["prétendre"].strength == "doubted"
    assert fr.verbs_by_lemma["confirmer"].strength == "emphatic"
    assert en.verbs_by_lemma["say"].strength == "stated"
    assert en.verbs_by_lemma["deny"].strength == "doubted"
    words = strength_words("fr")
    assert words.cue_level("hedge", "pourrait") == "possible"
    assert words.cue_level("hedge", "devrait") == "probable"
    assert words.cue_level("booster", "Sans aucun doute") == "emphatic"
    assert strength_words("en").cue_level("hedge", "is expected to") == "probable"


def test_phrase_openers_hold_the_first_word_of_every_phrase_of_a_role():
    """``may_open`` lets the framing look-up skip most sentences; it must never skip a phrase."""
    for lang in ("fr", "en"):
        words = strength_words(lang)
        for key, roles in words.roles.items():
            for role in roles:
                assert words.may_open(key[0], role), (lang, key, role)
    fr = strength_words("fr")
    assert fr.may_open("selon", "framing") and fr.may_open("aux", "framing")
    assert not fr.may_open("le", "framing") and not strength_words("en").may_open("the", "framing")


def test_the_strength_column_leaves_the_cues_as_they_were():
    cue = find_cues("Le ministre prétend que la réforme pourrait échouer.", "fr")[0]
    assert cue.to_json() == {"text": "prétend", "type": "reporting_verb", "start": 12, "end": 19,
                             "main_clause": True, "lemma": "prétendre", "stance": "distancing"}


# --- the ordinal estimator ------------------------------------------------------------------------
def test_ordinal_model_passes_sklearn_checks():
    check_estimator(OrdinalLogisticRegression())


def _ordinal_data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    z = X @ np.array([2.0, -1.0, 0.5, 0.0]) + rng.logistic(size=n) * 0.5
    y = np.digitize(z, [-2.0, -0.5, 0.5, 2.0])
    return X, np.array(LEVELS)[y]


def test_ordinal_score_orders_within_and_across_classes():
    X, y = _ordinal_data()
    model = OrdinalLogisticRegression(C=10.0, order=LEVELS).fit(X, y)
    assert list(model.classes_) == list(LEVELS)
    score, pred = model.score_and_level(X)
    ranks = np.array([LEVELS.index(p) for p in pred])
    order = np.argsort(score)
    assert np.all(np.diff(ranks[order]) >= 0)  # the class never drops as the score rises
    assert (score >= 0).all() and (score <= 1).all()
    assert (pred == y).mean() > 0.55  # the data's own noise allows about 0.6
    w = model.coef_ / np.linalg.norm(model.coef_)
    assert w @ (np.array([2.0, -1.0, 0.5, 0.0]) / np.linalg.norm([2.0, -1.0, 0.5, 0.0])) > 0.99
    assert np.allclose(model.predict_proba(X).sum(axis=1), 1.0)
    assert np.array_equal(model.predict_score(X), score)
    assert (model.predict(X) == pred).mean() > 0.9  # the most probable class: mostly the median


def test_ordinal_class_is_the_interval_that_holds_the_score():
    """The median class, not the most probable one: with a wide middle class, a score just below
    its lower threshold is the class below ("is likely to": probable, not stated)."""
    model = OrdinalLogisticRegression(order=("possible", "probable", "stated", "emphatic"))
    model.classes_ = np.asarray(model.order)
    model.coef_ = np.array([1.0])
    model.thresholds_ = np.array([-1.19, 0.86, 8.2])
    X = np.array([[-2.0], [0.0], [0.65], [0.9], [5.0], [9.0]])
    assert list(model.score_and_level(X)[1]) == ["possible", "probable", "probable", "stated", "stated", "emphatic"]
    # the most probable class at 0.65 is the wide "stated" one: scikit-learn's predict, not the level
    assert model.predict(X[2:3])[0] == "stated"


def test_scores_moved_into_a_decided_class_keep_their_order():
    """``within``: a row with a decided class gets it, with a score inside that class's interval;
    rows already inside and rows left alone (-1) keep their score; the moved rows keep their order."""
    model = OrdinalLogisticRegression(order=LEVELS)
    model.classes_ = np.asarray(LEVELS)
    model.coef_ = np.array([1.0])
    model.thresholds_ = np.array([-3.0, -1.0, 1.0, 6.0])
    z = np.array([-0.5, -0.2, 3.0, 0.0, -5.0, 9.0, 2.0, -40.0])
    codes = np.array([0, 0, 1, 2, 4, 3, -1, 2])
    X = z[:, None]
    score, level = model.score_and_level(X, codes)
    moved = model.within(z, codes)
    assert list(level[:6]) == ["doubted", "doubted", "possible", "probable", "emphatic", "stated"]
    assert level[7] == "probable" and level[6] == model.score_and_level(X[6:7])[1][0] == "stated"
    assert moved[3] == z[3] and moved[6] == z[6]  # inside already / not decided
    assert moved[0] < moved[1] < -3.0  # two "doubted" rows from above, in their order
    assert -1.0 <= moved[7] < moved[3]  # from far below: just inside the lower threshold
    assert 6.0 <= moved[4] and 1.0 <= moved[5] < 6.0
    assert np.array_equal(score, model.score_and_level(moved[:, None])[0])


def test_ordinal_model_is_deterministic_and_follows_conventions():
    X, y = _ordinal_data()
    a = OrdinalLogisticRegression(order=LEVELS).fit(X, y)
    b = clone(a).fit(X, y)
    assert np.array_equal(a.predict_score(X), b.predict_score(X))
    assert clone(a).get_params() == {"C": 1.0, "order": LEVELS, "class_weight": None, "threshold_scale": 10.0,
                                     "max_iter": 1000, "tol": 1e-4}
    with pytest.raises(ValueError, match="not in order"):
        OrdinalLogisticRegression(order=("a", "b")).fit(X, y)


def test_strength_cross_validation_is_the_same_in_one_process_and_in_two():
    """``training.train --jobs N`` runs the strength folds in N processes: same figures, same threshold."""
    from types import SimpleNamespace

    from scipy import sparse

    from training.strength import cross_validate

    X, y = _ordinal_data(n=200)
    X = sparse.csr_matrix(X)
    rng = np.random.RandomState(1)
    sources = np.array(["named", "vague", "none", "anonymous"])[(X[:, 0].toarray().ravel() > 0).astype(int)
                                                               + 2 * (rng.rand(200) > 0.5)]
    rows = [SimpleNamespace(sourcing=s) for s in sources]
    args = (X, X, rows, y, list(range(200)), sources, 0, 5)
    one, two = cross_validate(*args, jobs=1), cross_validate(*args, jobs=2)
    assert one == two and {"level_accuracy", "sourcing_macro_f1", "threshold"} <= set(one)


# --- markers and the guide's level rule -----------------------------------------------------------
def _input(text: str, lang: str) -> StrengthInput:
    doc = parse([text], lang)[0]
    found, attributions, _ = sentence_analysis(text, lang, doc)
    return StrengthInput(text, lang, found, [a.to_json() for a in attributions], doc)


@pytest.mark.parametrize("text, lang, level", [
    ("Le club aurait transmis une offre de 40 millions.", "fr", "possible"),
    ("La croissance devrait ralentir l'an prochain.", "fr", "probable"),
    ("Il est indéniable que l'incendie est criminel.", "fr", "emphatic"),
    ("L'incendie pourrait être criminel.", "fr", "possible"),
    ("Le ministre prétend que la réforme a réussi.", "fr", "doubted"),
    ("Le ministre a confirmé que l'usine devrait rouvrir.", "fr", "probable"),
    ("Le ministre n'a pas exclu que l'usine ferme.", "fr", "possible"),
    # the future seen from a past report is no hedge; a rumour's conditional perfect and a
    # report in the present still are (future_in_the_past)
    ("Son avocat a annoncé qu'il ferait appel dès lundi.", "fr", "stated"),
    ("La préfète affirmait que les restrictions seraient levées jeudi.", "fr", "stated"),
    ("L'ONG a affirmé que vingt civils auraient été tués.", "fr", "possible"),
    ("Le ministre annonce que la réforme entrerait en vigueur en janvier.", "fr", "possible"),
    ("Il a ajouté que la taxe, si elle était maintenue, coûterait des emplois.", "fr", "possible"),
    ("Le ministre a déclaré que la réforme pourrait être reportée.", "fr", "possible"),
    # "so-called" before a name only quotes it (naming_qualifier_quotes_a_name)
    ("The so-called Magnificent Seven tech stocks lost a trillion dollars.", "en", "stated"),
    ("Le soi-disant « plan B » du gouvernement tient en deux pages.", "fr", "stated"),
    # "it is false to say that" presents the claim as false (guide rule 3)
    ("It is false to say that the firm was close to collapse.", "en", "doubted"),
    ("Il serait faux de dire que la ville est en faillite.", "fr", "doubted"),
    # a rejection denies a claim, not a bill; a finding needs a finder (reports_nothing)
    ("MPs rejected the amendment on Tuesday.", "en", "stated"),
    ("The suspect was denied bail.", "en", "stated"),
    ("The company denied any wrongdoing.", "en", "doubted"),
    ("The patient showed no sign of infection.", "en", "stated"),
    ("The board rejected claims that the accounts had been falsified.", "en", "doubted"),
    # tentative findings are probable; a legal "enquête préliminaire" is no hedge
    ("Le parquet a ouvert une enquête préliminaire pour favoritisme.", "fr", "stated"),
    ("Selon des résultats préliminaires, la participation atteint 62 %.", "fr", "probable"),
    ("S'ils avaient réussi à contrôler cette route, ils auraient pu briser leur encerclement.", "fr", "possible"),
    ("Si la digue avait cédé, des milliers d'habitants auraient été inondés.", "fr", "possible"),  # parse: "sub"
    ("Officials said the toll could rise.", "en", "possible"),
    ("The clinic's director acknowledged that patients had been infected.", "en", "emphatic"),
    ("The so-called ceasefire collapsed on Monday.", "en", "doubted"),
    ("The plant closed on Monday, a decision that could cost 300 jobs.", "en", "stated"),
    ("Wholesale gas prices peaked in October.", "en", "stated"),
])
def test_rule_level_follows_the_guide(text, lang, level):
    inp = _input(text, lang)
    assert rule_level(find_markers(inp), inp) == level


def test_markers_have_scopes_and_effects():
    inp = _input("Officials said the toll could rise, clearly.", "en")
    markers = {m.text: m for m in find_markers(inp)}
    assert markers["could"].scope == "content" and markers["could"].effect() == "lowers"
    assert markers["clearly"].effect() == "raises"


def test_strength_cue_features_follow_sklearn_conventions():
    inputs = [_input("Le club aurait transmis une offre.", "fr"), _input("Selon certains, il pleut.", "fr")]
    est = StrengthCues().fit(inputs)
    out = est.transform(inputs).toarray()
    names = list(est.get_feature_names_out())
    assert out.shape == (2, len(STRENGTH_FEATURES)) == (2, len(names))
    assert out[0, names.index("strength__rule_possible")] == 1.0
    assert out[1, names.index("strength__src_main_vague")] == 1.0
    with pytest.raises(Exception):
        StrengthCues().transform(inputs)  # not fitted


# --- sourcing rules: one example each --------------------------------------------------------------
@pytest.mark.parametrize("text, lang, expected", [
    # a person: a name in the span, after a title or a role, or apposed; a personal pronoun
    ("Selon le capitaine Éric Vallet, le fugitif a été aperçu près d'Aubenas.", "fr", "named"),
    ("Councillor Pauline Searle says the festival will not return next year.", "en", "named"),
    ("Le préfet du Loiret, Jean Morin, a annoncé que le pont serait fermé.", "fr", "named"),
    ("Selon le maire, Hugo Lemaire, la navette sera gratuite dès juillet.", "fr", "named"),
    ("« Nous ne céderons pas », a-t-elle déclaré.", "fr", "named"),
    # an organisation or a role that picks out one source; a named body's document
    ("Selon la gendarmerie, le fugitif a été aperçu près d'Aubenas.", "fr", "identified"),
    ("La Banque de France pense que la récession a été évitée.", "fr", "identified"),
    ("The water authority insists the dam poses no risk.", "en", "identified"),
    ("Selon un rapport de la Cour des comptes, la moitié des ponts sont en mauvais état.", "fr", "identified"),
    ("Kiev dément toute frappe sur la ville.", "fr", "identified"),
    ("According to Bloomberg, the bank is preparing job cuts.", "en", "identified"),  # an outlet
    ("D'après Mediapart, le ministre aurait menti aux députés.", "fr", "identified"),
    # a real but unnamed source: indefinite or bare plural nouns, unnamed-source phrases
    ("Selon une source policière, le suspect était connu des services.", "fr", "anonymous"),
    ("Des économistes pensent que la récession a été évitée de justesse.", "fr", "anonymous"),
    ("Engineers insist the dam poses no risk to the town.", "en", "anonymous"),
    ("Selon nos informations, le président du club a proposé sa démission.", "fr", "anonymous"),
    # nobody one could check: quantifiers, rumour, hearsay phrases, agentless reports
    ("Selon certains, le festival ne sera pas reconduit.", "fr", "vague"),
    ("On dit que l'ambassadeur a été rappelé.", "fr", "vague"),
    ("Le chef étoilé, dit-on, va ouvrir un bistrot sur le port.", "fr", "vague"),
    ("The ambassador has reportedly been recalled for consultations.", "en", "vague"),
    ("Critics say the project is far too big for the town.", "en", "vague"),
    ("D'après la rumeur, le conducteur a pris la fuite.", "fr", "vague"),
])
def test_each_sourcing_rule(text, lang, expected):
    inp = _input(text, lang)
    _, _, classes = sentence_evidence(inp)
    main = [c for a, c in zip(inp.attributions, classes) if a["main_clause"]] or classes
    assert main and main[0] == expected, (inp.attributions, classes)


def test_sourcing_of_sourceless_attributions_and_bare_spans():
    cue = {"text": "reportedly", "start": 0, "end": 10, "lemma": "reportedly"}
    assert attribution_sourcing({"type": "unnamed_source", "source": None, "cue": cue, "stance": "neutral"},
                                "x", "en") == "vague"
    quote = {"type": "direct_quote", "source": None, "cue": {"text": "«", "lemma": ""}, "stance": "neutral"}
    assert attribution_sourcing(quote, "« Oui. »", "fr") == "named"  # a quote carrying on a speaker's words
    passive = {"type": "indirect", "source": None, "cue": {"text": "annoncé", "lemma": "annoncer"}, "stance": "neutral"}
    assert attribution_sourcing(passive, "Il a été annoncé que...", "fr") == "vague"
    assert span_sourcing("des bruits de couloir", "fr") == "vague"
    assert span_sourcing("les observateurs", "fr") == "vague"
    assert span_sourcing("des observateurs internationaux", "fr") == "anonymous"
    assert span_sourcing("the WHO", "en") == "identified"
    assert span_sourcing("a spokesperson for UEFA", "en") == "identified"
    # guide rule 4: a quantifier with its group is anonymous, without one vague
    assert [span_sourcing(s, lang) for s, lang in (("Certains habitants", "fr"), ("de nombreux médecins", "fr"),
                                                  ("many analysts", "en"), ("certains", "fr"), ("some", "en"),
                                                  ("certains observateurs", "fr"))] == \
        ["anonymous", "anonymous", "anonymous", "vague", "vague", "vague"]


@pytest.mark.parametrize("span, lang, expected", [
    ("Tourist board chair Sylvia King", "en", "named"),          # a title just before the name wins
    ("Attorney General Merrick Garland", "en", "named"),          # a title inside the run, then a name
    ("the Attorney General's office", "en", "identified"),        # titles with no name after them
    ("le directeur général Jean Dupont", "fr", "named"),
    ("La Direction générale des finances publiques", "fr", "identified"),
    ("Peru's president", "en", "identified"),                    # a possessor names whose role it is
    ("Nepal's tourism department", "en", "identified"),
    ("Peru's president, Dina Boluarte", "en", "named"),
    # capitalised words that name nobody (not_a_name, _modifier, affiliation)
    ("Minister", "en", "identified"),                              # a headline's bare title
    ("a report released on Monday", "en", "anonymous"),           # a day is no person
    ("A senior Treasury official", "en", "anonymous"),            # a body's name modifying the head
    ("Goldman Sachs analysts", "en", "identified"),
    ("analysts at Barclays", "en", "identified"),                  # a run after "at" is a body
    ("un analyste chez Natixis", "fr", "anonymous"),
    ("Theresa May", "en", "named"),
    ("May", "en", "named"),                                        # the month is not listed
    ("Smith and Jones", "en", "named"),                            # before a particle: no modifier
    ("It", "en", "identified"),                                    # "It said": the body named before
    ("Le maire de Nantes", "fr", "identified"),                    # a title's complement is no name
    ("le ministre du Budget", "fr", "identified"),
])
def test_a_name_after_a_title_is_a_person(span, lang, expected):
    assert span_sourcing(span, lang) == expected


# --- sources the attribution rules did not report: one example each ------------------------------
@pytest.mark.parametrize("text, lang, served", [
    # a fronted "pour X" / "to X" (guide rule 3)
    ("Pour des historiens, la bataille a été mal datée.", "fr", "anonymous"),
    ("To some, the old bridge was never safe.", "en", "vague"),
    # the subject of a main verb or adjective of attitude (rule 1)
    ("Many dread a wave of bakery closures this winter.", "en", "vague"),
    ("Analysts are confident gas prices will fall this winter.", "en", "anonymous"),
    ("Des propriétaires s'inquiètent d'une hausse de la taxe foncière.", "fr", "anonymous"),
    # an agentless passive that reports a clause (rule 6)
    ("It was decided that the fireworks would be cancelled.", "en", "vague"),
    # ... or an infinitive or a predicate, unless its subject is the one addressed
    ("The minister is said to be furious.", "en", "vague"),
    ("The plan is widely regarded as a failure.", "en", "vague"),
    ("Le projet est considéré comme le plus ambitieux d'Europe.", "fr", "vague"),
    ("He was told to leave the building.", "en", "none"),
    ("Le gouvernement considère plusieurs pistes.", "fr", "none"),  # no complement: no report
    ("Police found the body of a woman on Sunday.", "en", "none"),  # a find, not a finding
    # not sources: a negated verb, an intention, a bare attitude, a hedge, no reported clause,
    # the author's own "je", a fronted hedge, a modal
    ("Police did not comment on the arrest.", "en", "none"),
    ("L'armée n'a communiqué aucun bilan.", "fr", "none"),
    ("The company expects to hire 200 people.", "en", "none"),
    ("Regulators remain sceptical.", "en", "none"),
    ("Sales are expected to slow.", "en", "none"),
    ("No injuries were reported.", "en", "none"),
    ("Je crains que le pays ne devienne ingouvernable.", "fr", "none"),
    ("Selon toute vraisemblance, la mesure sera étendue en 2027.", "fr", "none"),
    ("Rain could yet deny the club a first title.", "en", "none"),
])
def test_an_unreported_source_replaces_a_learned_none(text, lang, served):
    from service.core.strength.model import unreported_source

    inp = _input(text, lang)
    assert unreported_source("none", inp) == served
    assert unreported_source("identified", inp) == "identified"  # the classifier's source stands


@pytest.mark.parametrize("text, lang, served", [
    ("The club has already announced its next manager, according to a board member.", "en", "anonymous"),
    ("The club has reportedly already announced its next manager.", "en", "vague"),
    ("Le maire a annoncé sa démission, selon Le Monde.", "fr", "identified"),
    ("Le maire a annoncé sa démission.", "fr", None),  # one attribution frames nothing
])
def test_the_source_that_frames_another_attribution(text, lang, served):
    from service.core.strength.model import framing_source

    inp = _input(text, lang)
    _, _, classes = sentence_evidence(inp)
    assert framing_source(main_attributions(inp.attributions, classes)) == served, (inp.attributions, classes)


def test_a_lone_according_to_phrase_names_the_source():
    from service.core.strength.model import according_to_names_the_source

    phrase = {"type": "according_to", "main_clause": True, "source": {"text": "a board member"}}
    verb = {"type": "indirect", "main_clause": True, "source": {"text": "The club"}}
    assert according_to_names_the_source(main_attributions([phrase], ["anonymous"])) == "anonymous"
    assert according_to_names_the_source(main_attributions([phrase, verb], ["anonymous", "identified"])) is None  # two sources
    assert according_to_names_the_source(main_attributions([dict(phrase, source=None)], ["vague"])) is None  # no source found
    assert according_to_names_the_source(main_attributions([verb], ["identified"])) is None
    inp = _input("The club has already found its next manager, according to a board member.", "en")
    _, _, classes = sentence_evidence(inp)
    assert according_to_names_the_source(main_attributions(inp.attributions, classes)) == "anonymous"


def test_an_attributed_claim_keeps_the_source_the_rules_found():
    from service.core.strength.model import reported_source_of_a_claim

    found = [{"main_clause": True}, {"main_clause": False}]
    main = main_attributions(found, ["identified", "vague"])
    assert reported_source_of_a_claim("none", "attributed", main) == "identified"
    assert reported_source_of_a_claim("none", "hedged", main) == "none"  # not a report
    assert reported_source_of_a_claim("anonymous", "attributed", main) == "anonymous"
    assert reported_source_of_a_claim("none", "attributed", main_attributions(found[1:], ["vague"])) == "none"  # no main attribution


# --- training with and without the new fields ----------------------------------------------------
def _rows(with_strength: bool) -> list[Example]:
    texts = [("Le club a transmis une offre.", "asserted", "stated", "none"),
             ("Le club aurait transmis une offre.", "hedged", "possible", "none"),
             ("Le club devrait transmettre une offre.", "hedged", "probable", "none"),
             ("Selon certains, le club a transmis une offre.", "attributed", "stated", "vague"),
             ("Le président du club, Jean Morin, confirme l'offre.", "attributed", "emphatic", "named"),
             ("Le club dément avoir transmis une offre.", "attributed", "doubted", "identified"),
             ("Lire aussi : une offre", "none", None, None)]
    out = []
    for k in range(6):
        for text, label, level, sourcing in texts:
            text = text.replace("une offre", f"une offre n°{k}")
            out.append(Example(text, "fr", label, level=level if with_strength else None,
                               sourcing=sourcing if with_strength else None))  # none: never any
    return out


def test_rows_without_strength_fields_train_the_label_only():
    rows = _rows(with_strength=False)
    pipe = build_pipeline("fr", use_parse=False, char_ngrams=None).fit([e.text for e in rows], [e.label for e in rows])
    assert fit_language(pipe, rows, "fr", "fast") == (None, {})
    rows = _rows(with_strength=True)
    model, cv = fit_language(pipe, rows, "fr", "fast", cv_folds=2)
    assert model is not None and list(model.ordinal.classes_) == list(LEVELS)
    assert set(model.sourcing.classes_) == {"none", "vague", "named", "identified"}
    assert 0.05 <= model.threshold <= 0.95 and "level_accuracy" in cv


@pytest.mark.parametrize("learned, rule, served", [
    ("identified", "named", "named"),      # "Selon le maire, Hugo Lemaire, ..."
    ("anonymous", "named", "named"),
    ("none", "named", "none"),             # the classifier's "author's own claim" stands
    ("vague", "named", "vague"),
    ("identified", "anonymous", "identified"),
    ("identified", None, "identified"),
])
def test_a_named_person_found_by_the_rules_wins(learned, rule, served):
    from service.core.strength.model import named_person_wins

    assert named_person_wins(learned, rule) == served


@pytest.mark.parametrize("text, lang, served", [
    ("Le ministre soutient que la réforme a réussi.", "fr", "identified"),
    ("Les militaires ont soutenu les opérations de la milice.", "fr", "none"),  # "support", not "maintain"
    ("Officials told residents to leave their homes.", "en", "none"),  # an order reports no claim
    ("Officials told residents that the dam was safe.", "en", "anonymous"),
])
def test_a_clause_verb_needs_its_clause(text, lang, served):
    from service.core.strength.model import unreported_source

    assert unreported_source("none", _input(text, lang)) == served


def test_a_marked_level_is_the_guides():
    """``marked_levels``: the rule's class index where a marker moves the level off a plain
    statement ("prétend": doubted), -1 where it does not (the ordinal model decides)."""
    from service.core.strength.model import marked_levels

    inputs = [_input("L'avocat prétend que son client était absent.", "fr"),
              _input("Le maire a inauguré la médiathèque samedi.", "fr"),
              _input("L'incendie pourrait être criminel.", "fr")]
    assert list(marked_levels(np.asarray(LEVELS), inputs)) == [LEVELS.index("doubted"), -1, LEVELS.index("possible")]
    assert list(marked_levels(np.asarray(["stated", "possible"]), inputs)) == [-1, -1, 1]  # a class the model lacks: left alone


@pytest.mark.parametrize("text, lang, served", [
    ("For now, the offer remains on the table.", "en", "none"),    # no noun after "For": no source
    ("For once, the two camps agree on the figures.", "en", "none"),
    ("For the unions, the reform is unfair.", "en", "anonymous"),  # a noun: a source
    ("For the moment, the road remains closed.", "en", "none"),  # a time word or a holiday: no source
    ("Pour l'instant, aucune piste n'est écartée.", "fr", "none"),
    ("Pour la première fois, la ville sera entièrement piétonne.", "fr", "none"),
    ("Pour Noël, les magasins ouvriront le dimanche.", "fr", "none"),
    ("Pour la CGT, la réforme est injuste.", "fr", "identified"),
])
def test_a_fronted_phrase_without_a_noun_names_no_source(text, lang, served):
    from service.core.strength.features import candidate_sources

    assert candidate_sources(_input(text, lang))[0] == served


def test_a_headline_speaker_before_a_colon_gives_the_sourcing(app):
    resp = app.test_client().post("/v1/score", json={"lang": "en", "sentences": [
        "Chancellor: 'We will not raise income tax'", "Theresa May: 'Nothing has changed'"]})
    assert [r["strength"]["sourcing"] for r in resp.get_json()["results"]] == ["identified", "named"]
