"""The strength markers of one sentence and the guide's rule for the level they give.

A marker is a cue with a level (hedges, boosters, reporting verbs and the French conditional
from the cue lexicons, plus the strength-only markers) and a scope: ``main`` (the main claim),
``content`` (the content of a main-clause attribution: "Officials said the toll *could* rise"),
``adjunct`` (a gerund or participle clause: "…, en *prétextant* que …", "…, *claiming* that …")
or ``sub`` (another subordinate clause). Neither of the last two changes the main claim's level;
adjuncts are kept apart because the parse finds them reliably, unlike some other subordinates.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from service.core.attribution.cue import lacks_its_complement, rejects_no_claim
from service.core.attribution.words import words
from service.core.clauses import in_main_clause
from service.core.cues import SentenceCues, starts_with_condition
from service.core.lexicon import grammar_words
from service.core.strength.words import strength_words
from service.core.syntax import climb, token_at
from service.core.vocabulary import LEVELS

STATED = LEVELS.index("stated")
CONDITIONAL_LEVEL = "possible"  # the rumour conditional: "Le club aurait transmis une offre"
NEGATED_DENIAL_LEVEL = "possible"  # "n'a pas exclu que", "did not rule out"
SCOPES = ("main", "content", "sub", "adjunct")
KINDS = ("hedge", "booster", "conditional", "marker", "reporting_verb")


@dataclass
class StrengthInput:
    """What the strength models read about one sentence besides its n-gram features.

    ``attributions`` are the API's attribution objects with offsets into ``text``."""

    text: str
    lang: str
    found: SentenceCues
    attributions: list = field(default_factory=list)
    doc: object = None
    evidence: tuple | None = field(default=None, repr=False, compare=False)  # see features.sentence_evidence
    candidates: tuple | None = field(default=None, repr=False, compare=False)  # see features.candidate_sources


@dataclass(frozen=True)
class Marker:
    text: str
    start: int
    end: int
    kind: str
    level: str
    scope: str
    negated: bool = False

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)

    def effect(self) -> str:
        return "lowers" if self.rank < STATED else "raises"


def find_markers(inp: StrengthInput) -> list[Marker]:
    """Every marker of the sentence that signals a level, in text order."""
    words = strength_words(inp.lang)
    contents = [(a["content"]["start"], a["content"]["end"]) for a in inp.attributions
                if a.get("main_clause") and a.get("content")]

    def scope(main: bool, start: int) -> str:
        if main:
            return "main"
        if any(s <= start < e for s, e in contents):
            return "content"
        return "adjunct" if _adjunct(inp.doc, start) else "sub"

    out, taken = [], set()
    for c in inp.found.cues:
        if c.type == "conditional":
            level = CONDITIONAL_LEVEL
        elif c.type in ("hedge", "booster", "reporting_verb"):
            level = words.cue_level(c.type, c.text, c.lemma)
        else:
            continue
        if c.type == "reporting_verb" and reports_nothing(inp, c):
            continue  # "The Senate rejected the bill": no report, no level of its own
        if c.type == "reporting_verb" and c.negated:
            if c.stance != "denial":
                continue  # "n'a pas confirmé": a fact about not saying, no level of its own
            level = NEGATED_DENIAL_LEVEL
        if c.type in ("conditional", "hedge") and future_in_the_past(inp, c.start, c.type == "conditional"):
            taken.add((c.start, c.end))
            continue
        if level:
            out.append(Marker(c.text, c.start, c.end, c.type, level, scope(c.main_clause, c.start), c.negated))
            taken.add((c.start, c.end))
    for m in words.markers.find(inp.found.tokens):
        if naming_qualifier_quotes_a_name(inp.text, m.start, m.end, inp.lang):
            continue
        if (m.start, m.end) not in taken and not any(s <= m.start < e for s, e in taken):
            main = _main_at(inp.doc, m.start)
            out.append(Marker(inp.text[m.start:m.end], m.start, m.end, "marker", m.entry.strength, scope(main, m.start)))
    out.sort(key=lambda m: (m.start, m.end))
    return out


def naming_qualifier_quotes_a_name(text: str, start: int, end: int, lang: str) -> bool:
    """"so-called" / "soi-disant" before a capitalised name or a quoted phrase only quotes what
    something is called ("the so-called Magnificent Seven", "le soi-disant « plan B »"): no
    doubt of its own (guide rule 5); before a plain noun it disputes the claim ("the so-called
    ceasefire collapsed": ``doubted``)."""
    if text[start:end].lower() not in words("naming_qualifiers", lang=lang):
        return False
    rest = text[end:].lstrip()
    return bool(rest) and (rest[0].isupper() or rest[0] in "«\"\u201c\u2018'")


def reports_nothing(inp: StrengthInput, cue) -> bool:
    """A reporting verb that the attribution rules say reports nothing by its complements lends
    no level: a rejection of no claim ("MPs rejected the amendment", "was denied bail":
    ``rejects_no_claim``), a finding with no finder or complement ("The patient showed no sign
    of infection", "is considering a sale": ``lacks_its_complement``)."""
    if inp.doc is None or cue.lemma not in words("rejection_lemmas", "withholding_lemmas", "finding_lemmas",
                                                 "showing_lemmas", "complement_only_lemmas"):
        return False
    tok = token_at(inp.doc, cue.start)
    return tok is not None and (rejects_no_claim(tok, cue.lemma) or lacks_its_complement(tok, cue.lemma))


def future_in_the_past(inp: StrengthInput, char: int, conditional: bool = False) -> bool:
    """A bare conditional ("ferait", "serait", "aurait lieu") in the content of a report in a
    past tense is the future seen from the past, no hedge: "Son avocat a annoncé qu'il ferait
    appel" is ``stated`` (guide rule 2). Not a conditional perfect, the rumour's ("a affirmé que
    vingt civils auraient été tués"), nor a modal ("pourrait"), nor one under a condition inside
    the content ("a ajouté que la mesure, si elle était maintenue, coûterait des emplois").
    ``conditional``: the cue rules found the mood already (the tagger may have missed it)."""
    doc = inp.doc
    tok = token_at(doc, char) if doc is not None and inp.attributions else None
    if tok is None or not (conditional or "Cnd" in tok.morph.get("Mood")) or tok.dep_ == "aux:tense":
        return False
    if tok.lemma_.lower() in grammar_words(inp.lang, "modal_verbs"):
        return False
    if tok.pos_ == "AUX" and tok.lemma_.lower() not in grammar_words(inp.lang, "tense_auxiliaries"):
        return False
    report = next((a for a in inp.attributions if a.get("main_clause") and a.get("content")
                   and a["content"]["start"] <= char < a["content"]["end"]), None)
    if report is None:
        return False
    cue, content = report["cue"], report["content"]
    past = any(set(t.morph.get("Tense")) & {"Past", "Imp"} for t in doc if cue["start"] <= t.idx < cue["end"])
    marks = grammar_words(inp.lang, "condition_marks")
    return past and not any(t.lower_.rstrip("'’") in marks for t in doc
                            if content["start"] <= t.idx < content["end"])


def _adjunct(doc, char: int) -> bool:
    """A gerund or participle heading an adverbial clause ("en prétextant", "claiming")."""
    tok = token_at(doc, char) if doc is not None else None
    if tok is None:
        return False
    if "Part" in tok.morph.get("VerbForm") and tok.i > 0 and doc[tok.i - 1].lower_ == "en":
        return True  # French gerund
    return tok.tag_ in ("VBG", "VBN") and tok.dep_ == "advcl"


def _main_at(doc, char: int) -> bool:
    """A marker inside a noun phrase ("the so-called ceasefire") belongs to its noun's clause."""
    tok = token_at(doc, char) if doc is not None else None
    if tok is None:
        return True
    return in_main_clause(climb(tok, lambda t: t.dep_.split(":")[0] in _NP_INTERNAL))


_NP_INTERNAL = ("amod", "advmod", "compound", "punct", "fixed", "flat", "nmod")


def rule_level(markers: list[Marker], inp: StrengthInput) -> str:
    """The guide's rules: the main reporting verb sets the base (endorsing: emphatic, neutral:
    stated, distancing or denial: doubted), the weakest marker on the main claim (or, for a
    report, on its content) lowers it, a booster raises a plain statement to emphatic, and a
    hypothetical ("si...", "had the dam failed") is possible."""
    verb = next((m for m in markers if m.kind == "reporting_verb" and m.scope == "main" and not m.negated), None)
    reported = verb is not None or any(a.get("main_clause") for a in inp.attributions)
    scopes = ("main", "content") if reported else ("main",)
    lowering = [m.rank for m in markers if m.scope in scopes and m.kind != "reporting_verb" and m.rank < STATED]
    lowering += [m.rank for m in markers if m.kind == "reporting_verb" and m.negated and m.scope == "main"]
    rank = verb.rank if verb is not None else STATED
    if lowering:
        rank = min(rank, min(lowering))
    if starts_with_condition(inp.text):
        comma = inp.text.find(",")  # the consequence after the condition: main, whatever the parse says
        if any(m.kind in ("hedge", "conditional") and (m.scope == "main" or 0 < comma < m.start) for m in markers):
            rank = min(rank, LEVELS.index("possible"))
    if rank == STATED and verb is None and any(m.scope == "main" and m.rank > STATED for m in markers):
        rank = LEVELS.index("emphatic")
    return LEVELS[rank]


def explaining(markers: list[Marker], inp: StrengthInput) -> list[Marker]:
    """The markers that move the main claim away from a plain statement (the API's cues)."""
    reported = any(m.kind == "reporting_verb" and m.scope == "main" for m in markers) or \
        any(a.get("main_clause") for a in inp.attributions)
    scopes = ("main", "content") if reported else ("main",)
    return [m for m in markers if m.scope in scopes and m.rank != STATED]
