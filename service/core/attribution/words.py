"""The word lists of the attribution rules: data in ``lexicons/<lang>/attribution_words.tsv``.

A rule that asks "is this one of those words" names a list declared here (with its purpose, which
the catalogue prints), and the words live in one TSV file per language (columns ``list``, ``word``).
Adding a word is adding a line. ``words(name)`` reads the list of every language at once, which is
how the extractor has always looked words up (a French time word stays one in an English sentence
that quotes French); ``words(name, lang=lang)`` reads one language's, for the rules that choose
by language. Both are read once.
"""
from __future__ import annotations

import csv
from functools import lru_cache

from service.core.lexicon import LEXICON_DIR, SUPPORTED_LANGS

FILE_NAME = "attribution_words.tsv"

LISTS = {
    # verb groups and clitics
    "reflexives": "Reflexive clitics that open a verb group (\"s'est vanté\").",
    "group_auxiliaries": "Lemmas of the auxiliaries that belong to a verb group (\"a laissé entendre\").",
    "clitics": "Object clitics: never a subject, skipped before a verb.",
    "negation_particles": "Negation particles between a subject and its verb (\"ne\", \"n'\").",
    "object_pronouns": "Pronouns that are objects when they follow another subject (\"On nous répète\").",
    "gerund_openers": "Words before a French gerund (\"tout en admettant\").",
    # relatives and complementizers
    "relative_pronouns": "Relative pronouns: a relative subject is its antecedent, never the source.",
    "possessive_relatives": "Possessive relatives (\"whose\"), which open a speaker's aside too.",
    "aside_relatives": "Relatives that open an aside on a \"selon X\" source (\"..., qui ...\").",
    "subject_relatives": "Subject relatives that open an aside with no comma (\"a diplomat who ...\").",
    "object_relatives": "Object relatives before an inverted subject (\"une hypothèse que conteste X\").",
    "ce_relatives": "Relatives after \"ce\" that take up the whole claim (\", ce que X a démenti\").",
    "question_complementizers": "Complementizers of an indirect question (\"whether\", \"si\"): what follows is asked, not reported.",
    "complementizers": "Complementizers that open a content clause (\"que\", \"that\").",
    # time
    "time_nouns": "Time words the parser takes for an inverted subject (\"a estimé jeudi la présidente\").",
    "time_words": "Heads of sentence-initial time phrases (\"Le lendemain, X a dit\").",
    "adjunct_openers": "Words that open an adjunct before a complementizer (\"It emerged on Monday that\").",
    # prepositions
    "np_inner_adps": "Prepositions inside a noun phrase (\"le ministère de l'Intérieur\").",
    "speaker_adjunct_prepositions": "After a speaker that follows the verb, where the verb's adjuncts begin.",
    "apposition_prepositions": "Prepositions inside an apposition after a name (\"éleveur à Aurillac\").",
    "contracted_articles": "Contracted articles that belong to the source (\"Aux dires des habitants\").",
    "content_prepositions": "Prepositions that open a reported content (\"dément tout projet de\", \"about\").",
    "recipient_prepositions": "Prepositions of what a support verb's noun answers (\"a opposé un démenti à\").",
    "charge_prepositions": "Prepositions of the charge after an addressee (\"accused X of lying\").",
    "agent_prepositions": "Prepositions of a passive agent (\"par\", \"by\").",
    "frame_markers": "Words that frame a qualification or a reporting clause (\"comme\", \"as\").",
    "purpose_prepositions": "Openers of a purpose or time adjunct that ends a content (\"pour justifier\").",
    "inclusion_words": "Prepositions that look like participles (\"including\").",
    # lemmas of reporting verbs
    "request_lemmas": "Calls and requests: they report no claim (\"réclame le maintien des lits\").",
    "wish_lemmas": "Wishes: with an infinitive and no clause, an intention, no claim (\"hopes to return\"; \"hopes that\" reports).",
    "outbreak_lemmas": "Verbs whose reflexive form with no complement means \"broke out\" (\"un incendie s'est déclaré\").",
    "order_lemmas": "Verbs of saying that give an order with \"to\" / \"de\" + infinitive (\"was told to pull over\").",
    "forecast_lemmas": "Forecasts: a report with an object or a clause (\"prévoit une hausse\"); with their subject's own infinitive a plan (\"prévoit de fermer\", \"expects to finish\").",
    "provision_subjects": "Texts whose \"prévoit\" states what they provide, not a forecast (\"Le texte prévoit une amende\").",
    "clause_only_lemmas": "Verbs that report a claim only with a \"que/that\" clause (recommendations).",
    "complement_only_lemmas": "Verbs that report a claim only with a clause, an infinitive or a predicate (threats; \"is considering a sale\" reports nothing).",
    "finding_lemmas": "Verbs of finding: a report only with a complement or a finder (\"found the body\" is none).",
    "showing_lemmas": "Verbs of showing: a report unless their subject is no finder (\"The patient showed no sign\" is none; \"The video shows\").",
    "finder_nouns": "Subjects whose finding is a report (\"A study found a link\", \"the inquiry found\").",
    "naming_qualifiers": "Qualifiers that doubt a claim unless a name or a quoted phrase follows (\"the so-called ceasefire\"; \"the so-called Magnificent Seven\").",
    "impersonal_subjects": "Impersonal subjects of \"it is false to say\" / \"il est faux de dire\": the author judges, nobody reports.",
    "rejection_lemmas": "Verbs that deny a claim only when their object is one (\"rejected the allegations\"; \"rejected the bill\" is a vote).",
    "withholding_lemmas": "Verbs that deny a claim unless they withhold something from someone (\"was denied bail\", \"denied the appeal\").",
    "withheld_nouns": "Objects that make \"deny\" a refusal, not a denial (\"denied the appeal\", \"denied bail\").",
    "claim_nouns": "Objects that make a rejection a denial: claims, reports, accusations (\"a rejeté ces accusations\").",
    "addressee_lemmas": "Verbs whose object is the person addressed or judged, not the claim.",
    "qualifying_lemmas": "Verbs whose quote is a qualification of their object (\"a jugé X « irréaliste »\").",
    "non_claim_objects": "Objects of a speech act that reports no claim (\"a dit adieu\").",
    # subjects and sources
    "negative_subjects": "Subjects that negate the reporting (\"Nobody has claimed\").",
    "negative_determiners": "Determiners that negate a subject (\"Aucun groupe n'a revendiqué\").",
    "anonymity_words": "Parts of words that mark an anonymity aside (\"who requested anonymity\").",
    "subject_first_phrases": "Source phrases whose source is the subject before them (\"X was quoted as saying\").",
    "split_prepositions": "Source prepositions split from the noun phrase they introduce (\"Selon\").",
    "sourceless_after_preposition": "Words after \"selon\" that make the phrase a source by itself (\"selon nos\").",
    "relative_selon": "Relatives after \"selon\" (\"les informations selon lesquelles\").",
    "determiners": "Determiners left out of a source's grouping key.",
    "name_particles": "Particles that open a surname (\"Le Pen\", \"van der Berg\"): a capitalised one is part of a name.",
    "singular_articles": "Singular indefinite articles of an apposed noun glued to a plural speaker (\"a charge ministers deny\").",
    # clause boundaries
    "coordinators": "Coordinators between two verbs of one subject (\"a démenti et a ajouté\").",
    "subject_coordinators": "Coordinators between two subjects that speak together (\"X et Y ont dénoncé\").",
    "contrast_words": "After a comma, a contrast that belongs to the reporting clause (\", while\").",
    "trailing_words": "After a comma, words that open material outside a complement clause.",
    "infinitive_openers": "Words that may open an infinitive content (\"ne pas\", \"de\", \"not\").",
    "totality_determiners": "Determiners of a denied object (\"a démenti tout accord\").",
    "negation_words": "Negation words between a verb and its infinitive content (\"ne pas avoir vu\").",
}


@lru_cache(maxsize=None)
def _table(lang: str) -> dict[str, tuple[str, ...]]:
    path = LEXICON_DIR / lang / FILE_NAME
    table: dict[str, list[str]] = {}
    if not path.exists():  # a language without attribution rules
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["list"] not in LISTS:
                raise ValueError(f"{path}: list {row['list']!r} is not declared in {__name__}.LISTS")
            table.setdefault(row["list"], []).append(row["word"])
    return {name: tuple(ws) for name, ws in table.items()}


@lru_cache(maxsize=None)
def ordered(name: str, lang: str) -> tuple[str, ...]:
    """One language's list, in file order."""
    if name not in LISTS:
        raise KeyError(f"no word list {name!r}")
    return _table(lang).get(name, ())


@lru_cache(maxsize=None)
def words(*names: str, lang: str | None = None) -> frozenset[str]:
    """The words of one or more lists as a set: one language's, or (no ``lang``) every language's."""
    return frozenset(w for name in names for code in ((lang,) if lang else SUPPORTED_LANGS)
                     for w in ordered(name, code))


@lru_cache(maxsize=None)
def generic_sources(lang: str) -> frozenset[str]:
    """Head nouns of anonymous sources ("officials", "des sources proches du dossier")."""
    path = LEXICON_DIR / lang / "unnamed_sources.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")[1:] if path.exists() else []
    return frozenset(x.strip().lower() for x in lines if x.strip())
