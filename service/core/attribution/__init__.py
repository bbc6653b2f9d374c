"""Attributions: who is reported as saying what, through which cue, with which stance.

Starts from the cues of one sentence (reporting verbs, "selon / according to" phrases, unnamed
source phrases, quotes) and reads source and content off the dependency parse, with pattern
fallbacks where the small spaCy pipelines stumble (French quotes, incises, headlines).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from service.core.cues import Cue, SentenceCues, quote_spans
from service.core.lexicon import LEXICON_DIR, get_lexicon
from service.core.syntax import climb, root_of

SUBJECT_DEPS = ("nsubj", "nsubj:pass", "nsubjpass", "expl:subj", "csubj")
CONTENT_DEPS = ("ccomp", "xcomp", "parataxis")
OBJECT_DEPS = ("obj", "dobj", "attr", "obl:arg")
_PUNCT_TRIM = " \t,;:.!?—–-()"
_DETERMINERS = {"fr": ("le ", "la ", "les ", "l'", "un ", "une ", "des ", "du ", "de la ", "de l'", "d'", "ce ", "cette ", "ces "),
                "en": ("the ", "a ", "an ", "this ", "these ", "those ")}


@dataclass
class Span:
    text: str
    start: int
    end: int

    def to_json(self, offset: int = 0) -> dict:
        return {"text": self.text, "start": self.start + offset, "end": self.end + offset}


@dataclass
class Attribution:
    type: str  # direct_quote | indirect | according_to | unnamed_source
    source: Span | None
    cue: Span
    lemma: str
    stance: str
    content: Span | None
    main_clause: bool

    def to_json(self, offset: int = 0) -> dict:
        cue = self.cue.to_json(offset)
        cue["lemma"] = self.lemma
        return {"type": self.type, "source": self.source.to_json(offset) if self.source else None,
                "cue": cue, "stance": self.stance,
                "content": self.content.to_json(offset) if self.content else None,
                "main_clause": self.main_clause}


@lru_cache(maxsize=None)
def generic_sources(lang: str) -> frozenset[str]:
    """Head nouns of anonymous sources ("officials", "des sources proches du dossier")."""
    path = LEXICON_DIR / lang / "unnamed_sources.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")[1:] if path.exists() else []
    return frozenset(x.strip().lower() for x in lines if x.strip())


def _span(text: str, start: int, end: int) -> Span | None:
    """A trimmed span of ``text``, or None if nothing is left."""
    while start < end and text[start] in _PUNCT_TRIM:
        start += 1
    while end > start and text[end - 1] in _PUNCT_TRIM:
        end -= 1
    if end <= start:
        return None
    if end < len(text) and text[end] == ")" and text.count("(", start, end) > text.count(")", start, end):
        end += 1  # "NoName057(16)"
    return Span(text[start:end], start, end)


def _tok_span(text: str, first, last) -> Span | None:
    return _span(text, first.idx, last.idx + len(last))


def _cut(span: Span | None, text: str, quotes, stop: int | None = None) -> Span | None:
    """Keep a source phrase out of quotes and before ``stop`` (the cue)."""
    if span is None:
        return None
    start, end = span.start, span.end
    for qs, qe in quotes:
        if qs <= start < qe:
            start = qe
        if start < qs < end:
            end = qs
    if stop is not None and start < stop < end:
        end = stop
    return _span(text, start, end)


def _verb_token(doc, cue: Cue):
    span = doc.char_span(cue.start, cue.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX")]
    return verbs[-1] if verbs else span[-1]


REFLEXIVES = {"se", "s'"}
GROUP_AUXILIARIES = {"avoir", "être", "have", "be"}
COMPLEMENTIZERS = ("que", "qu'", "that")


def _group_start(verb, cue: Cue) -> int:
    """Token index where the verb group starts: auxiliaries of any verb in the cue ("a laissé
    entendre", "a opposé un démenti"), then a reflexive clitic ("s'est vanté", "se sont dits")."""
    doc = verb.doc
    span = doc.char_span(cue.start, cue.end, alignment_mode="expand") or doc[verb.i:verb.i + 1]
    start = span.start
    for tok in list(span) + [verb]:
        for child in tok.children:
            if child.dep_.split(":")[0] in ("aux", "auxpass") and child.i < tok.i and tok.i - child.i <= 4:
                start = min(start, child.i)
    while start > 0 and doc[start - 1].pos_ == "AUX" and doc[start - 1].lemma_ in GROUP_AUXILIARIES:
        start -= 1
    if start > 0 and doc[start - 1].lower_ in REFLEXIVES:
        start -= 1
    return start


def _cue_span(text: str, verb, cue: Cue) -> Span:
    """The verb group: auxiliaries, reflexive clitic and, for a French gerund, "en"."""
    start, end = min(cue.start, verb.doc[_group_start(verb, cue)].idx), cue.end
    if verb.i > 0 and verb.doc[verb.i - 1].lower_ == "en" and "Part" in verb.morph.get("VerbForm"):
        start = min(start, verb.doc[verb.i - 1].idx)
    return Span(text[start:end], start, end)


def _subject(verb):
    """The verb's subject; the one nearest before it, relative pronouns ("who") last."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.pos_ not in ("ADV", "ADP")
                and not _has_case(c)]
    if verb.tag_ == "VBG" or "Part" in verb.morph.get("VerbForm") and "Pres" in verb.morph.get("Tense"):
        subjects = [c for c in subjects if c.i < verb.i]  # "describing it as": "it" is the object
    if not subjects:
        return None
    subjects.sort(key=lambda c: ("Rel" in c.morph.get("PronType") or c.tag_ in ("WP", "WDT"),
                                 c.i > verb.i, abs(verb.i - c.i)))
    return subjects[0]


RELATIVE_PRONOUNS = {"qui", "que", "qu'", "dont", "lequel", "laquelle", "who", "which", "that", "whom"}
CLITICS = {"l'", "le", "la", "les", "se", "s'", "me", "m'", "te", "t'", "lui", "leur", "y", "en"}
_CLAUSAL = ("acl", "relcl", "advcl", "ccomp", "parataxis")


# Time words the parser takes for an inverted subject: "a estimé jeudi la présidente".
TIME_NOUNS = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier", "matin", "soir",
              "midi", "semaine", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre", "monday", "tuesday", "wednesday", "thursday",
              "friday", "saturday", "sunday", "yesterday", "today", "week"}


# Heads of sentence-initial time phrases ("Le lendemain, X a dit", "The next day, X said").
TIME_WORDS = {"lendemain", "veille", "jour", "jours", "soir", "soirée", "nuit", "an", "année", "mois", "heure", "heures",
              "fois", "temps", "moment", "day", "days", "night", "morning", "evening", "year", "month", "time", "weekend"}


def _inverted_relative(verb, group_start: int, subj) -> bool:
    """"une hypothèse que conteste son avocat": object relative, subject after the verb."""
    doc = verb.doc
    return group_start > 0 and doc[group_start - 1].lower_ in ("que", "qu'") and (
        subj is None or subj.i > verb.i or subj.lower_ in RELATIVE_PRONOUNS)


def _has_case(tok) -> bool:
    """A prepositional phrase ("sur X", "lors du conseil"), not a bare noun phrase."""
    return any(c.dep_ == "case" and c.i < tok.i for c in tok.children)


def _incise_subject(verb):
    """"..., a déclaré le Premier ministre." - the noun phrase right after the verb (the parser
    often calls it an object); bare noun phrases first, subjects before objects."""
    rights = [c for c in verb.rights if c.pos_ in ("NOUN", "PROPN", "PRON") and not _has_case(c)
              and c.lower_ not in TIME_NOUNS]
    groups = (("nsubj", "nsubj:pass", "expl:subj"), OBJECT_DEPS, ("obl", "nmod", "appos", "npadvmod", "obl:mod"))
    if verb.lang_ == "en":  # the English parser marks "said the company" as a subject; an object is the content
        groups = (groups[0], ("attr",), groups[2])
    for deps in groups:
        for child in rights:
            if child.dep_ in deps:
                return child
    return None


def _antecedent(verb):
    """The noun a relative clause hangs from: "un voisin qui disait ..." -> "voisin"."""
    tok = verb
    for _ in range(4):
        if tok.dep_.split(":")[-1] in ("relcl",) or tok.dep_ in ("acl:relcl", "relcl"):
            nominal = tok.head.pos_ == "ADJ" and any(c.dep_ == "det" for c in tok.head.children)  # "un voisin" tagged ADJ
            return tok.head if tok.head.pos_ in ("NOUN", "PROPN", "PRON") or nominal else None
        if tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def _glued(a, b) -> bool:
    """Two tokens of one hyphenated word ("état" "-" "major", "Pays-Bas")."""
    return not a.whitespace_ and (a.text.endswith("-") or b.text.startswith("-") or a.text == "-" or b.text == "-")


def _noun_phrase(text: str, head, quotes, stop: int | None = None, verb=None) -> Span | None:
    """The head's phrase without the clauses set off by commas (or holding the cue verb) and
    without relative pronouns; restrictive modifiers ("a poll published on Sunday") stay."""
    tokens = [head] + [t for t in head.subtree if t.i != head.i]
    skip = set()
    doc = head.doc
    for child in (c for t in tokens for c in t.children):  # also "A spokesman for the minister, who ..."
        if child.dep_.split(":")[0] in _CLAUSAL and child.i > head.i:
            set_off = child.left_edge.i > 0 and doc[child.left_edge.i - 1].text in (",", "(", "\u2013", "\u2014")
            holds_verb = verb is not None and child.left_edge.i <= verb.i <= child.right_edge.i
            anonymous = child.left_edge.lower_ in RELATIVE_PRONOUNS and any(
                w in t.lower_ for t in child.subtree for w in ANONYMITY_WORDS)  # "a diplomat who requested anonymity"
            if set_off or holds_verb or anonymous:
                skip.update(t.i for t in child.subtree)
    kept = sorted(t.i for t in tokens if t.i not in skip)
    # Keep the contiguous run around the head.
    lo = hi = head.i
    while lo - 1 in kept:
        lo -= 1
    while hi + 1 in kept:
        hi += 1
    while lo > 0 and _glued(doc[lo - 1], doc[lo]):
        lo -= 1
    if lo > 0 and doc[lo - 1].pos_ == "DET" and doc[lo - 1].head.i in range(lo, hi + 1):
        lo -= 1
    while hi + 1 < len(doc) and _glued(doc[hi], doc[hi + 1]):
        hi += 1
    while hi + 1 < len(doc) and doc[hi + 1].pos_ == "PROPN" and doc[hi + 1].head.i == head.head.i != head.i:
        hi = max(hi + 1, doc[hi + 1].right_edge.i)  # "le chanteur Malik Bensaïd" parsed as two subjects
    if head.pos_ == "PROPN" and lo > 0 and head.dep_ in SUBJECT_DEPS:
        title = doc[lo - 1]
        title = climb(title, lambda t: t.head.i != head.head.i and t.head.i < lo)
        if title.head.i == head.head.i and title.dep_ in SUBJECT_DEPS and title.pos_ == "NOUN" and \
                title.right_edge.i == lo - 1:
            lo = title.left_edge.i  # "the state news agency Anadolu reported": the title is a second subject
    while lo < hi and (doc[lo].lower_ in RELATIVE_PRONOUNS or doc[lo].dep_ == "case" and doc[lo].head.i == head.i
                       and doc[lo].lower_ not in CONTRACTED_ARTICLES):
        lo += 1
    if verb is not None and head.i < verb.i and lo > 1 and doc[lo - 1].lower_ in ("et", "and") and head.dep_ in SUBJECT_DEPS:
        other = doc[lo - 2]  # "Les syndicats et le patronat ont dénoncé": both subjects
        other = climb(other, lambda t: t.head.i != head.head.i and t.head.i < lo - 1)
        if other.head.i == head.head.i and other.dep_ in SUBJECT_DEPS and other.pos_ in ("NOUN", "PROPN") or \
                other.dep_ == "conj" and other.head.i == head.i:
            lo = other.left_edge.i
    if verb is not None and head.i < verb.i and lo > 1 and doc[lo - 1].text == "," and hi + 1 < len(doc) and \
            doc[hi + 1].text == "," and doc[lo].lower_ not in RELATIVE_PRONOUNS | {"whose"} and doc[lo].pos_ in ("DET", "PROPN"):
        j = lo - 2  # "Le porte-parole de l'état-major, le colonel Pierre Lenoir, a confirmé": the title too
        while j > 0 and (_np_token(doc[j - 1]) or _glued(doc[j - 1], doc[j])) and doc[j - 1].text != ",":
            j -= 1
        segment = doc[j:lo - 1]
        opener = j == 0 or doc[j - 1].text == "," and j >= 2  # "Speaking to the BBC, the head of the NHS, X, said"
        if opener and segment[0].pos_ in ("DET", "PROPN") and any(t.pos_ in ("NOUN", "PROPN") for t in segment) and \
                not any(t.pos_ in ("VERB", "AUX", "NUM") or t.lower_ in TIME_NOUNS | TIME_WORDS for t in segment):
            lo = j
    if verb is not None and head.i > verb.i and doc.lang_ == "fr":
        for k in range(head.i + 1, hi + 1):  # "a assuré mardi le ministre sur France Inter": not the medium
            if doc[k].lower_ in SPEAKER_ADJUNCT_PREPOSITIONS:
                hi = k - 1
                break
    for k in range(lo + 1, hi):  # "son président, Jean-Marc Ollier, lors d'une conférence": not the adjunct
        if doc[k].text == "," and doc[k + 1].pos_ == "ADP" or doc[k].text == "," and doc[k + 1].lower_ == "lors":
            hi = k - 1
            break
    if verb is not None and head.i > verb.i and hi + 2 < len(doc) and doc[hi + 1].text == ",":
        hi = _apposition_end(doc, hi)
    return _cut(_tok_span(text, doc[lo], doc[hi]), text, quotes, stop)


def _apposition_end(doc, hi: int) -> int:
    """A speaker after the verb with an apposition the parse left out: "a réagi le président de la
    fédération, Étienne Morvan." / "reconnaît Paul Fabre, éleveur à Aurillac, qui ...". The
    apposition is a name after a title, or a bare noun phrase after a name, and ends the clause."""
    k = hi + 2
    first = doc[k]
    if first.pos_ == "PROPN" and (doc[hi].pos_ != "PROPN" or k + 1 < len(doc) and doc[k + 1].pos_ == "PROPN"):
        ok = lambda t: t.pos_ == "PROPN" or t.text.startswith("-")  # noqa: E731
    elif doc[hi].pos_ == "PROPN" and first.pos_ == "NOUN" and first.is_lower:
        ok = lambda t: t.pos_ in ("NOUN", "PROPN", "ADJ", "DET") or t.lower_ in NP_INNER_ADPS | {"à", "au", "aux", "en", "in", "at"}  # noqa: E731
    else:
        return hi
    end = k
    while end + 1 < len(doc) and ok(doc[end + 1]):
        end += 1
    after = doc[end + 1] if end + 1 < len(doc) else None
    if after is None or after.text in (",", ".", "!", "?", ";") or after.is_quote:
        return end
    return hi


NP_INNER_ADPS = {"de", "du", "des", "d'", "of"}
# After a speaker that follows the verb, where the adjuncts of the verb begin.
SPEAKER_ADJUNCT_PREPOSITIONS = {"sur", "dans", "lors", "devant", "pendant", "durant", "auprès"}
# A contracted article belongs to the source: "Aux dires des habitants" -> "des habitants".
CONTRACTED_ARTICLES = {"du", "des", "au", "aux"}
PREVERBAL_CLITICS = CLITICS | {"ne", "n'", "nous", "vous", "me", "m'", "te", "t'"}


def _np_token(tok) -> bool:
    if tok.pos_ in ("DET", "NOUN", "PROPN", "ADJ", "NUM", "X"):
        return tok.lower_ not in RELATIVE_PRONOUNS
    if tok.pos_ == "ADP":
        return tok.lower_ in NP_INNER_ADPS
    return tok.text in ("-", "'", "’") or tok.text.startswith("-")


def _np_before(text: str, doc, char_end: int) -> Span | None:
    """The noun phrase just before ``char_end`` (past object clitics and one aside set off by
    commas): "Le chauffard, dont le permis ..., a prétendu" -> "Le chauffard". A fallback for
    subjects the parser missed."""
    i = max((t.i for t in doc if t.idx + len(t) <= char_end), default=-1)
    while i >= 0 and doc[i].lower_ in PREVERBAL_CLITICS:
        i -= 1
    if i >= 0 and doc[i].text == ",":
        j = i - 1
        while j >= 0 and doc[j].text not in (",", ":", ";", "«", "»", '"', "\u201c", "\u201d"):
            j -= 1
        if j < 0 or doc[j].text != ",":
            return None
        i = j - 1
    if i < 0:
        return None
    if doc[i].pos_ == "PRON" and doc[i].lower_ not in RELATIVE_PRONOUNS and doc[i].lower_ not in CLITICS:
        return _tok_span(text, doc[i], doc[i])
    if doc[i].pos_ not in ("NOUN", "PROPN", "ADJ", "NUM", "X"):
        return None
    k = i
    while k > 0 and _np_token(doc[k - 1]) and i - k < 12:
        k -= 1
    while k < i and doc[k].pos_ == "ADP":
        k += 1
    if not any(t.pos_ in ("NOUN", "PROPN") for t in doc[k:i + 1]):
        return None
    return _tok_span(text, doc[k], doc[i])


def _controller(verb):
    """Subject of the clause a participle or gerund depends on. After a comma it is the main
    clause's ("Le chef ... a assuré qu'il ..., tout en admettant que" -> "Le chef"), otherwise
    the nearest verb's with a subject."""
    doc = verb.doc
    first = verb.i - 1 if verb.i > 0 and doc[verb.i - 1].lower_ == "en" else verb.i
    while first > 0 and doc[first - 1].lower_ in ("tout", "en"):
        first -= 1
    if first > 0 and doc[first - 1].text == ",":
        root = root_of(verb)
        if root.i != verb.i and _subject(root) is not None:
            return _subject(root)
    head = verb.head
    for _ in range(6):
        if head.pos_ in ("VERB", "AUX") and _subject(head) is not None:
            return _subject(head)
        if head.head.i == head.i:
            break
        head = head.head
    return None


def _agent(verb):
    """The agent of a passive participle: "une prévision jugée « optimiste » par le HCFP"."""
    for child in verb.children:
        if child.dep_ in ("obl:agent", "agent"):
            if child.pos_ == "ADP":  # English: agent -> "by" -> pobj
                child = next((c for c in child.children if c.dep_ == "pobj"), None)
            return child
        if child.dep_.startswith("obl") and child.pos_ in ("NOUN", "PROPN", "PRON") and any(
                c.dep_ == "case" and c.lower_ in ("par", "by") for c in child.children):
            return child  # not "par ailleurs"
    return None


def _after_aside(subj, group_start: int) -> bool:
    """"The mayor, who was elected in 2020, has denied": the subject, then an aside set off by
    commas, then the verb (not an incise)."""
    doc = subj.doc
    return doc[group_start - 1].text == "," and subj.right_edge.i >= group_start - 2 and any(
        doc[k].text == "," for k in range(max(subj.left_edge.i - 1, 0), group_start - 1))  # not "Ce n'est « pas le moment » de ..., a jugé X"


def _incise(verb, group_start: int, subj) -> bool:
    """"P, a déclaré X." / "« Q », a-t-il lancé": the verb group follows a comma or a quote and
    has no subject of its own before it."""
    doc = verb.doc
    after_break = group_start > 0 and doc[group_start - 1].text in (",", "»", "\u201d", '"', ";")
    if after_break and doc[group_start - 1].text == ",":
        opener = next((doc[k + 1] for k in range(group_start - 2, -1, -1) if doc[k].text == ","), None)
        if opener is not None and (opener.lower_ in RELATIVE_PRONOUNS or "Part" in opener.morph.get("VerbForm")):
            return False  # "Le chauffard, dont le permis ..., a prétendu": an aside, then the verb
    if after_break and doc.lang_ == "fr" and not _finite_group(doc, group_start) and verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return False  # "Le suspect aurait, d'après X, reconnu les faits": a participle after an aside
    if after_break and subj is not None and subj.i < group_start:
        commas = [k for k in range(subj.i + 1, group_start) if doc[k].text == ","]
        if len(commas) >= 2 and any(doc[k].pos_ == "VERB" for k in range(commas[0], commas[-1])):
            return False  # "The figures, the ministry said, showed a fall": the main verb after an incise
    if after_break and doc[group_start - 1].text == "," and (subj is None or subj.i > verb.i):
        opening = next((k for k in range(group_start - 2, 0, -1) if doc[k].text == ","), None)
        if opening is not None and _finite_group(doc, opening + 1) and doc[opening + 1].pos_ in ("AUX", "VERB") and \
                not any(doc[k].pos_ in ("VERB", "AUX") or doc[k].is_quote for k in range(0, opening)):
            return False  # "Les chiffres, a précisé le ministère, montrent une baisse": after the incise
    return after_break and (subj is None or subj.i < group_start and not _after_aside(subj, group_start))


def _finite_group(doc, group_start: int) -> bool:
    """The verb group starts with a finite verb, past a reflexive clitic ("s'est félicité")."""
    k = group_start
    while k < len(doc) - 1 and doc[k].lower_ in REFLEXIVES:
        k += 1
    return "Fin" in doc[k].morph.get("VerbForm")


def _passive_subject(subj) -> bool:
    """A passive subject with a passive auxiliary ("a été jugé", "could be announced"); the French
    parser also calls "nsubj:pass" some subjects of "a confirmé"."""
    return subj is not None and subj.dep_ in ("nsubj:pass", "nsubjpass") and any(
        c.dep_ in ("aux:pass", "auxpass") for c in subj.head.children)


def _source_for_verb(text: str, verb, quotes, cue: Cue | None = None):
    doc = verb.doc
    subj = _subject(verb)
    if _passive_subject(subj):
        # "Le projet a été jugé « inconstitutionnel » par des juristes": the agent speaks, not the subject.
        agent = _agent(verb)
        return _noun_phrase(text, agent, quotes, verb=verb) if agent is not None else None
    if subj is not None and subj.lower_ in CLITICS:
        subj = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.lower_ not in CLITICS), None)
    if subj is not None and subj.lower_ in ("nous", "vous") and subj.i < verb.i:
        # "On nous répète que": "nous" is an object clitic after the subject
        other = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i < subj.i]
        subj = other[0] if other else subj
    reporter = _main_conjunct(verb)
    if reporter is not None:
        subj = _subject(reporter)  # "affirme que le gouvernement savait et dénonce ..."
    if subj is None and verb.dep_.split(":")[0] in ("conj", "xcomp") and verb.head.i != verb.i:
        subj = _subject(verb.head)  # "X a démenti et a ajouté que ..."
    group_start = _group_start(verb, cue) if cue is not None else verb.i
    present_participle = verb.tag_ == "VBG" or "Part" in verb.morph.get("VerbForm") and "Pres" in verb.morph.get("Tense")
    as_frame = any(c.dep_ == "mark" and c.lower_ in ("as", "comme") and c.i < verb.i for c in verb.children)
    if _incise(verb, group_start, subj) and not present_participle or _inverted_relative(verb, group_start, subj) or (
            as_frame and subj is None):  # "Comme l'a rappelé le président, P"
        # Incise after a comma or a quote, "une thèse que conteste X": the subject follows the verb.
        subj = _incise_subject(verb) or subj
    participle = "Part" in verb.morph.get("VerbForm") and "Pres" in verb.morph.get("Tense")
    gerund = verb.tag_ == "VBG" or participle
    if subj is None and participle and verb.i > 0 and doc[verb.i - 1].lower_ != "en":
        absolute = _np_before(text, doc, verb.idx)  # ", sa présidente jugeant « prématuré » ..."
        if absolute is not None and doc[verb.i - 1].pos_ in ("NOUN", "PROPN") and \
                text[:absolute.start].rstrip().endswith(","):
            return absolute
        if verb.dep_.split(":")[0] == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
            subj = verb.head  # "des articles de presse faisant état de ..."
    if subj is None and gerund:
        subj = _controller(verb)
    if subj is None and "Part" in verb.morph.get("VerbForm") or subj is None and verb.tag_ == "VBN":
        subj = _agent(verb)
        if subj is not None:
            return _noun_phrase(text, subj, quotes, verb=verb)
    if subj is None:
        if "Inf" in verb.morph.get("VerbForm") or gerund or doc.lang_ == "en":  # the English parser finds its subjects
            return None
        return _np_before(text, doc, doc[group_start].idx)
    if subj.text.startswith("-") and subj.pos_ == "PRON":  # "a-t-il dit" -> "il"
        return _span(text, subj.idx + 1, subj.idx + len(subj))
    if subj.lower_ in RELATIVE_PRONOUNS or "Rel" in subj.morph.get("PronType"):
        antecedent = _antecedent(verb)
        if antecedent is None and subj.i > 0 and doc[subj.i - 1].text == ",":
            return _np_before(text, doc, doc[subj.i - 1].idx)  # "..., a indiqué la préfecture, qui évoque ..."
        if antecedent is None:
            return _np_before(text, doc, subj.idx)
        subj = antecedent
    return _noun_phrase(text, subj, quotes, stop=verb.idx if subj.i < verb.i else None, verb=verb)


def _nearest_quote(verb, cue: Cue, quotes, text: str):
    """A quote the verb introduces or closes: adjacent, not containing the verb."""
    best = None
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    for qs, qe in quotes:
        if qs <= cue.start < qe:
            continue
        gap = cue.start - qe if qe <= cue.start else qs - cue.end
        between = text[qe:cue.start] if qe <= cue.start else text[cue.end:qs]
        # "“Q,” the union's general secretary, Maria Lopez, said": only the speaker in between
        speaker_between = qe <= cue.start and gap <= 120 and any(qe <= c.left_edge.idx and c.idx < cue.start
                                                                 for c in subjects)
        if (gap <= 40 or speaker_between) and not any(c in between for c in ".!?") or (
                qs > cue.end and between.strip().endswith(":")):
            # A quote split by the incise: the first fragment ("“Q1,” X said, “Q2.”").
            split = qe <= cue.start and (between.strip().startswith(",") or text[qs:qe].rstrip("\"\u201d\u2019»' ").endswith(
                ",")) and any(cue.end < qs2 and text[cue.end:qs2].strip() in (",", "") for qs2, _ in quotes)
            key = (not split, gap)
            if best is None or key < best[0]:
                best = (key, qs, qe)
    return None if best is None else Span(text[best[1]:best[2]], best[1], best[2])


# A reporting verb's noun object is the reported claim ("dément la perte", "a revendiqué l'attaque",
# "denied reports"), except for verbs whose object is the person addressed or judged.
CONTENT_PREPOSITIONS = {"de", "d'", "du", "des", "sur", "contre", "of", "on", "about", "against"}
ADDRESSEE_LEMMAS = {"tell", "inform", "notify", "advise", "warn", "assure", "reassure", "remind", "urge", "accuse",
                    "blame", "criticize", "praise", "condemn", "informer", "avertir", "prévenir", "rassurer",
                    "accuser", "exhorter", "saluer", "critiquer", "fustiger", "épingler", "blâmer", "maintenir"}
# Recommendations report a claim only with a "que/that" clause ("recommandent de ne pas consommer"
# is a call), threats only with a clause or an infinitive ("la famine menace deux millions de
# personnes", "threatened further strikes" report nothing).
CLAIM_ONLY_WITH_CLAUSE = {"recommander", "recommend", "préconiser"}
CLAIM_ONLY_WITH_COMPLEMENT = {"menacer", "threaten"}
# "a dit adieu", "said goodbye": a speech act with no claim.
NON_CLAIM_OBJECTS = {"adieu", "goodbye", "farewell", "bonjour", "hello", "merci", "thanks"}
# Calls and requests report no claim ("a demandé la relaxe", "réclame le maintien des lits").
REQUEST_LEMMAS = {"demander", "réclamer", "exiger", "requérir", "appeler à", "exhorter", "urge", "call for", "call on",
                  "demand"}


def _subtree_span(text: str, tok) -> Span | None:
    return _span(text, tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge))


QUALIFYING_LEMMAS = {"juger", "qualifier", "décrire", "describe", "praise", "tout"}


def _quote_content(text: str, verb, cue: Cue, quote: Span, stance: str = "neutral", lemma: str = ""):
    """(content, is a direct quote) for a quote next to the verb. A quote inside a longer
    complement ("se targue de protéger « ... » dans le monde", "évoque « des tensions » entre ...")
    gives that complement; a quote inside the incise subject's phrase is not the content."""
    if quote.start < cue.start:
        lead = text[:quote.start].strip()
        if lead and not lead.endswith((":", "-", "\u2013", "\u2014")):
            return None, False  # "P « Q », a indiqué X": the whole clause is the content
        return quote, True
    lead_in = [t for t in verb.doc if cue.end <= t.idx < quote.start]
    infinitive = next((t for t in lead_in if "Inf" in t.morph.get("VerbForm") or t.tag_ == "TO"), None)
    if infinitive is not None and verb.lang_ == "fr" and not any(t.text in (",", ";", ":") for t in lead_in):
        first = next((t for t in lead_in if t.i >= infinitive.i - 2 and (
            t.i == infinitive.i or t.lower_ in ("ne", "n'", "de", "d'", "à", "not", "never"))), infinitive)
        return _clause_end_span(text, first.idx), False  # "raconte avoir vu « une boule de feu »" (French parses
        # often hang the quote on the reporting verb; English ones keep it in the infinitive clause)
    nxt = next((t for t in verb.doc if t.idx >= quote.end), None)
    if lemma not in QUALIFYING_LEMMAS and text[cue.end:quote.start].strip() == "" and nxt is not None and \
            nxt.pos_ in ("DET", "NOUN", "PROPN") and not nxt.is_punct:
        return _clause_end_span(text, quote.start), False  # "a dit « ne pas comprendre » la décision"
    holder = next((c for c in verb.children if c.i > verb.i and c.left_edge.idx <= quote.start <
                   c.right_edge.idx + len(c.right_edge)), None)
    if holder is not None and holder.dep_ == "punct" and holder.left_edge.idx < quote.start and \
            verb.doc[holder.left_edge.i].pos_ in ("ADV", "AUX", "VERB", "PART"):
        return _span(text, holder.left_edge.idx, quote.end), False  # "a affirmé n'avoir « aucune information »"
    if holder is None or holder.dep_ == "punct":
        return quote, True
    set_off = holder.left_edge.i > 0 and verb.doc[holder.left_edge.i - 1].text == ","
    if set_off and (holder.left_edge.lower_ in RELATIVE_PRONOUNS or holder.tag_ == "VBG" or (
            "Part" in holder.morph.get("VerbForm") and "Pres" in holder.morph.get("Tense"))):
        return None, False  # "rejected the claims, saying ... « Q »", "..., qui évoque « Q »": another clause
    start = _group_start(verb, cue)
    if holder.i > verb.i and _incise(verb, start, _subject(verb)) and holder.i == getattr(_incise_subject(verb), "i", -1):
        return None, False  # "P, a précisé la préfecture, qui évoque « ... »": the speaker's aside
    if holder.dep_ in SUBJECT_DEPS or _has_case(holder) and holder.dep_.startswith("obl:mod"):
        return None, False
    if holder.lower_ in ("as", "comme") or any(c.dep_ == "case" and c.lower_ in ("as", "comme") for c in holder.children):
        if stance == "denial":
            return None, False  # "dismissed the story as “nonsense”": the rejected object
        return quote, True  # "praised the novel as “audacious”": the qualification
    start = min(holder.left_edge.idx, quote.start)
    end = max(holder.right_edge.idx + len(holder.right_edge), quote.end)
    if lemma in QUALIFYING_LEMMAS and holder.dep_ in OBJECT_DEPS and (
            holder.idx < quote.start and end <= quote.end or holder.idx >= quote.end):  # "juge « peu probable » un accord"
        return quote, True  # "a jugé la proposition « irréaliste »": the qualification
    span = _span(text, start, end)
    if span is None or (span.start, span.end) == (quote.start, quote.end):
        return quote, True
    return span, False


def _support_verb_content(text: str, verb, cue: Cue) -> Span | None:
    """"a opposé un démenti catégorique à des articles ...": the à-phrase after the cue's noun;
    "a fait état de trois blessés": the de-phrase right after it."""
    after = next((t for t in verb.doc[verb.i + 1:] if t.idx >= cue.end), None)
    if after is not None and after.lower_ in CONTENT_PREPOSITIONS:
        return _clause_end_span(text, after.idx)
    for tok in verb.doc[verb.i + 1:]:
        if tok.idx >= cue.end and tok.lower_ in ("à", "au", "aux", "to"):
            return _clause_end_span(text, tok.idx)
    return None


def _content_for_verb(text: str, verb, cue: Cue, quotes, lemma: str, stance: str):
    """(content span, is a direct quote). A complement clause wins over a quote it contains."""
    doc = verb.doc
    if verb.dep_ == "advcl" and verb.i < verb.head.i and any(
            c.dep_ == "mark" and c.lower_ in ("as", "comme") and c.i < verb.i for c in verb.children):
        nxt = verb.right_edge.i + 1  # "As the chancellor pointed out, P" / "Comme l'a rappelé X, P": P
        end = max(verb.head.right_edge.i, verb.head.i)
        if nxt <= end:
            return _span(text, doc[nxt].idx, doc[end].idx + len(doc[end])), False
    gs = _group_start(verb, cue)
    incise = gs > 0 and doc[gs - 1].text in (",", "»", "\u201d", '"')
    clauses = [c for c in verb.children if c.dep_ == "ccomp"
               and not (c.left_edge.i > 0 and doc[c.left_edge.i - 1].text == "," and (
                   c.left_edge.tag_ == "VBG" or incise and c.left_edge.lower_ in RELATIVE_PRONOUNS and c.left_edge.i > verb.i))]
    after = [c for c in clauses if c.i > verb.i]
    quote = _nearest_quote(verb, cue, quotes, text)
    if after:
        span = _subtree_span(text, after[0])
        mark = next((c for c in after[0].children if c.dep_ == "mark" and c.lower_ in COMPLEMENTIZERS), None)
        if span is not None and mark is not None and span.start < mark.idx:
            span = _span(text, mark.idx, span.end)  # "a assuré mardi sur France Inter que P": from "que"
        if quote is None or quote.end <= cue.start or (span and span.start <= quote.start and quote.end <= span.end + 2):
            if span and quote and quote.end > span.end:
                span = Span(text[span.start:quote.end], span.start, quote.end)  # keep the closing mark
            return span, False
    if quote is not None:
        content, is_quote = _quote_content(text, verb, cue, quote, stance, lemma)
        if content is not None:
            return content, is_quote
    start = _group_start(verb, cue)
    subj = _subject(verb)
    if _incise(verb, start, subj) and _finite_group(verb.doc, start):
        return _span(text, _topic_end(text), verb.doc[start - 1].idx), False  # "P, a estimé jeudi X." -> P
    if _inverted_relative(verb, start, subj):
        return None, False  # "que conteste son avocat": the antecedent is the content
    if subj is not None and subj.i < verb.i and verb.dep_ in ("parataxis", "ccomp") and subj.lower_ not in RELATIVE_PRONOUNS and \
            subj.left_edge.i > 0 and verb.doc[subj.left_edge.i - 1].text == "," and verb.head.i < subj.i:
        return _span(text, _topic_end(text), verb.doc[subj.left_edge.i - 1].idx), False  # "P, X said."
    if lemma not in ADDRESSEE_LEMMAS:
        objects = [c for c in verb.children if c.dep_ in OBJECT_DEPS and c.i > verb.i and c.pos_ != "PRON"
                   and not _has_case(c)]
        objects.sort(key=lambda c: (c.dep_ not in ("obj", "dobj"), c.i))
        for child in objects:
            if child.idx < cue.end:  # "a opposé un démenti": the noun belongs to the cue
                return _support_verb_content(text, verb, cue), False
            return _subtree_span(text, child), False
    if lemma in ADDRESSEE_LEMMAS:  # "accused her opponent of lying": the of-phrase
        for obj in (c for c in verb.children if c.dep_ in OBJECT_DEPS and c.i > verb.i):
            prep = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ in ("of", "over", "for")), None)
            if prep is not None:
                return _subtree_span(text, prep), False
    for child in verb.children:
        if child.dep_ == "xcomp" and child.i > verb.i:
            return _subtree_span(text, child), False
    for child in verb.children:
        if child.dep_ == "obl:arg" and child.i > verb.i and any(
                c.dep_ == "case" and c.lower_ in CONTENT_PREPOSITIONS for c in child.children):
            return _subtree_span(text, child), False  # "faisant état d'une base", "ont alerté sur ..."
    # Reporting clause after its content: "North Korea fired a missile, the military said."
    before = [c for c in verb.children if c.dep_ in ("ccomp", "parataxis") and c.i < verb.i]
    if before:
        return _subtree_span(text, before[0]), False
    return _surface_content(text, verb, cue), False


def _verb_form(verb) -> tuple:
    """Tense signature of a verb group: the verb's form and its auxiliaries ("a estimé" and "a relaxé"
    match; "said" and "had shown" do not)."""
    auxes = [c for c in verb.children if c.dep_.split(":")[0] in ("aux", "auxpass", "cop") and c.i < verb.i]
    cop = next((c for c in auxes if c.dep_ == "cop"), None)
    if cop is not None:  # "was (in) Paris", "est coûteux": the copula carries the tense
        auxes.remove(cop)
        verb = cop
    form = verb.tag_ if verb.lang_ == "en" else tuple(verb.morph.get(k) for k in ("VerbForm", "Mood", "Tense", "Person"))
    form = tuple(tuple(x) for x in form) if isinstance(form, tuple) else form
    return form, tuple(sorted(c.lower_ for c in auxes))


COORDINATORS = {"et", "mais", "puis", "and", "but", "then"}


def _coordinator(verb):
    """The "and" / "et" before a conjunct: its child in French, its head's child in English."""
    return next((c for c in list(verb.children) + list(verb.head.children)
                 if c.lower_ in COORDINATORS and c.dep_ == "cc" and verb.head.i < c.i < verb.i), None)


def _main_conjunct(verb):
    """A verb the parser put inside a complement clause although it is coordinated with the reporting
    verb: "The judge said the defendant had shown no remorse and jailed him", "affirme que le
    gouvernement savait et dénonce ...". Returns the reporting verb, or None."""
    if verb.dep_ != "conj" or any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return None
    head = climb(verb.head, lambda t: t.dep_ == "conj")
    if head.dep_ not in ("ccomp", "parataxis") or head.head.i == head.i:
        return None
    reporter = head.head
    if reporter.pos_ not in ("VERB", "AUX") or _coordinator(verb) is None:
        return None
    form = _verb_form(verb)
    if not (form == _verb_form(reporter) != _verb_form(head)):
        return None
    # French finite forms carry mood, tense and person, so a match is a sign ("affirme ... et dénonce");
    # English past forms do not ("said the firm had grown and hired"): there only a repeated
    # auxiliary is ("has said ... and has ...").
    return reporter if verb.lang_ == "fr" or form[1] else None


# After a comma, a contrast that belongs to the reporting clause, not to the content.
CONTRAST_WORDS = {"while", "whereas", "tandis", "alors"}


def _refine_content(text: str, verb, cue: Cue, content: Span | None, stance: str, quotes) -> Span | None:
    """Boundaries the parse gets wrong: a coordinated main verb or a trailing apposition to the
    clause ("..., a figure that could not be verified") or a participle clause is not part of the
    content; a content never holds its own cue; a last prepositional phrase stays in."""
    if content is None:
        return None
    doc = verb.doc
    start, end = content.start, content.end
    if start < cue.start < end:  # "which officials believe was caused by ...": after the cue
        start = cue.end
    toks = [t for t in doc if start <= t.idx < end]
    for t in toks:
        main = _main_conjunct(t) if t.pos_ in ("VERB", "AUX") else None
        if main is not None and main.i == verb.i:
            cc = _coordinator(t)
            if cc is not None and cc.idx > start:
                end = min(end, cc.idx)
    relative = "relcl" in verb.dep_ or any(c.lower_ in RELATIVE_PRONOUNS and c.dep_ in SUBJECT_DEPS + OBJECT_DEPS
                                            for c in verb.children)
    rest_end = None
    for t in toks:
        if t.text != "," or t.idx >= end or any(qs < t.idx < qe for qs, qe in quotes):
            continue
        after = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if relative and after is not None and after.pos_ in ("AUX", "VERB") and (
                "Fin" in after.morph.get("VerbForm") or after.tag_ in ("VBP", "VBZ", "VBD", "MD")):
            end = t.idx  # "The rebels, whose spokesman contends that P, have withdrawn": the aside ends
            break
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        while nxt is not None and nxt.lower_ in CLITICS and nxt.i + 1 < len(doc):
            nxt = doc[nxt.i + 1]
        if nxt is None:
            continue
        if rest_end is None:  # ``end`` is fixed until the loop breaks
            rest_end = max(t2.idx + len(t2) for t2 in toks if t2.idx < end)
        trailing = nxt.right_edge.idx + len(nxt.right_edge) >= rest_end
        if nxt.lower_ in CONTRAST_WORDS or nxt.lower_ == "ce" and nxt.i + 1 < len(doc) and \
                doc[nxt.i + 1].lower_ in ("que", "qu'", "qui", "dont"):
            end = t.idx  # "..., while ...", "..., ce que l'état-major a démenti": about the whole claim
            break
        if nxt.pos_ == "DET" and nxt.head.pos_ == "NOUN" and nxt.head.i > t.i and any(
                c.dep_ in ("relcl", "acl:relcl") or c.dep_ == "acl" and c.left_edge.lower_ in RELATIVE_PRONOUNS
                for c in nxt.head.children) and \
                nxt.head.right_edge.idx + len(nxt.head.right_edge) >= rest_end:
            end = t.idx  # "..., a figure that could not be verified", "..., une information que ..."
            break
        clitic_participle = nxt.i > t.i + 1 and nxt.lower_.endswith("ant")  # ", les qualifiant de ..."
        if clitic_participle or (nxt.tag_ == "VBG" or "Part" in nxt.morph.get("VerbForm") and "Pres" in nxt.morph.get(
                "Tense")) and trailing and nxt.head.i < t.i and nxt.dep_ != "prep" and nxt.lower_ not in ("including", "excluding"):
            end = t.idx  # "ces accusations, les qualifiant de ..."
            break
    if stance == "denial":  # "dismissed the allegations as “baseless”": the rejected object
        for t in toks:
            if t.lower_ in ("as", "comme") and t.idx < end and t.head.i < t.i and t.head.idx >= start \
                    and t.head.pos_ in ("NOUN", "PROPN", "PRON"):
                end = min(end, t.idx)
    span = _span(text, start, end)
    if span is None:
        return None
    if span.end == content.end:
        span = _last_phrase(text, verb, cue, span) or span
    return span


def _last_phrase(text: str, verb, cue: Cue, span: Span) -> Span | None:
    """A content with the last prepositional phrase of the sentence, which the parse hung on the verb:
    "a démenti tout contact avec l'attaquant", "évoque « des tensions » entre le directeur et ...";
    None if the rest of the sentence is no such phrase."""
    if span.end <= cue.end:
        return None
    doc = verb.doc
    rest = [t for t in doc if t.idx >= span.end]
    while rest and rest[-1].is_punct and rest[-1].text in ".!?":
        rest = rest[:-1]
    if rest and rest[0].lower_ in ("pour", "afin", "sans", "avant", "après", "for", "without", "before", "after") and any(
            "Inf" in t.morph.get("VerbForm") or t.tag_ == "VBG" for t in rest):
        return None  # "a allégué des « raisons » pour justifier la fermeture": a purpose adjunct
    if rest and (rest[0].pos_ == "ADP" or rest[0].lower_ == "lors") and not any(
            t.pos_ in ("VERB", "AUX") and "Inf" not in t.morph.get("VerbForm") or t.pos_ == "SCONJ"
            or t.text in (",", ";", ":", "(", "-", "\u2013", "\u2014") or t.is_quote for t in rest):
        return _span(text, span.start, rest[-1].idx + len(rest[-1]))
    return None


def _close_quote(text: str, span: Span | None, quotes) -> Span | None:
    """A content that ends inside a quotation keeps its closing mark."""
    if span is None:
        return None
    for qs, qe in quotes:
        if qs < span.end < qe and text[span.end:qe].strip(" .,;!?") in ("»", "\u201d", '"', "'", "\u2019"):
            return Span(text[span.start:qe], span.start, qe)
    return span


def _topic_end(text: str) -> int:
    """Where a headline's topic prefix ends ("Législatives : ...", "Nucléaire iranien : ...")."""
    colon = text.find(":")
    if 0 < colon and len(text[:colon].split()) <= 4 and not any(q in text[:colon] for q in "«\u201c\""):
        return colon + 1
    return 0


_CLAUSE_BREAKS = re.compile(r"[,;:]")


def _clause_end_span(text: str, start: int) -> Span | None:
    """From ``start`` to the next clause break outside quotes (or the end of the sentence)."""
    quotes = quote_spans(text)
    for m in _CLAUSE_BREAKS.finditer(text, start):
        k = m.start()
        if not any(qs < k < qe for qs, qe in quotes) and not (
                text[k] == "," and text[k - 1:k].isdigit() and text[k + 1:k + 2].isdigit()):
            return _span(text, start, k)
    return _span(text, start, len(text))


def _surface_content(text: str, verb, cue: Cue) -> Span | None:
    """Where the parse gives no complement: "P, a expliqué X." -> P; "a prétendu ne pas avoir vu
    ..." / "que ..." right after the verb -> the rest of the sentence."""
    doc = verb.doc
    start = _group_start(verb, cue)
    subj = _subject(verb)
    if start > 0 and doc[start - 1].text == "," and _finite_group(doc, start) and (
            subj is None or subj.i > verb.i or subj.i >= start):  # "a-t-il lancé": inside the group
        return _span(text, 0, doc[start - 1].idx)
    last_word = cue.text.lower().rsplit(" ", 1)[-1]
    if (" " in cue.text and last_word in CONTENT_PREPOSITIONS) or verb.pos_ not in ("VERB", "AUX"):
        after = doc[verb.i + 1] if verb.i + 1 < len(doc) else None  # "table sur une croissance", "dément tout projet"
        if after is not None and after.pos_ in ("DET", "NOUN", "PROPN", "NUM"):
            return _clause_end_span(text, after.idx)
    nxt = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in ("tout", "toute", "tous", "toutes", "aucun", "aucune") and \
            nxt.i + 1 < len(doc) and doc[nxt.i + 1].pos_ == "NOUN":
        return _clause_end_span(text, nxt.idx)  # "a démenti tout accord avec le joueur"
    while nxt is not None and nxt.lower_ in ("ne", "n'", "pas", "jamais", "plus") and nxt.i + 1 < len(doc):
        nxt = doc[nxt.i + 1]
    if nxt is not None and (nxt.lower_ in COMPLEMENTIZERS or "Inf" in nxt.morph.get("VerbForm")):
        return _span(text, doc[verb.i + 1].idx, len(text))
    return None


def _is_generic(source: Span | None, lang: str, doc) -> bool:
    if source is None:
        return False
    span = doc.char_span(source.start, source.end, alignment_mode="expand")
    if span is None:
        return False
    if any(t.pos_ == "PROPN" for t in span):
        return False
    nouns = [t for t in span if t.pos_ in ("NOUN", "PRON")]
    generic = generic_sources(lang)
    return bool(nouns) and (nouns[0].lower_ in generic or nouns[0].lemma_.lower() in generic)


def _clause_content(text: str, cue: Cue, source: Span | None, quotes) -> Span | None:
    """For "selon X, ..." / "..., according to X": the rest of the sentence outside cue+source;
    a phrase in mid-clause ("The club, according to the BBC, has ...") leaves the whole clause."""
    lo = cue.start
    hi = source.end if source else cue.end
    aside = re.match(r"\s*,\s*(?:qui|who|which|dont|whose|[\w-]+(?:é|ée|és|ées|ed|ant|ing))\b[^,;:«»“”\"]*,", text[hi:],
                     re.IGNORECASE) or re.match(r"\s+(?:qui|who)\b[^,;:«»“”\"]*,", text[hi:], re.IGNORECASE)
    if aside and cue.start == 0 or aside and text[:cue.start].strip() == "":
        hi += aside.end()  # "Selon l'acte d'accusation, consulté par l'AFP, P": the aside is the source's
    before, after = _span(text, 0, lo), _span(text, hi, len(text))
    if after is not None and after.text.split(" ", 1)[0].lower() in ("who", "qui", "which", "whose", "dont"):
        comma = text.find(",", after.start)  # "..., according to a diplomat who requested anonymity": the source's
        after = _span(text, comma + 1, len(text)) if comma != -1 else None
    if before is None:
        words = after.text.split() if after else []
        comp = next((k for k, w in enumerate(words[:6]) if w.lower() in ("that", "que") or w.lower().startswith("qu'")), None)
        if comp and cue.type == "unnamed_source" and not any(w.endswith(",") for w in words[:comp]) and \
                words[0].lower() in ("on", "in", "at", "last", "this", "yesterday", "today", "lundi", "mardi", "mercredi",
                                     "jeudi", "vendredi", "samedi", "dimanche", "hier", "ce", "cette", "le", "dans", "en"):
            k = after.start + len(" ".join(words[:comp])) + 1  # "It emerged on Monday that ...": after the adjunct
            if text[k:].startswith(words[comp]):
                return _span(text, k, len(text))
        return after
    if after is None:
        return _span(text, max(before.start, _topic_end(text)), before.end)  # "Retraites : P, selon X"
    left, right = text[before.end:lo], text[hi:after.start]
    if left.strip() in (",", "") and right.strip() in (",", "") and ("," in left) == ("," in right):
        return _span(text, _topic_end(text), len(text))  # "The militia reportedly seized ...", ", selon X,"
    if len(before.text) >= len(after.text):
        return _span(text, max(before.start, _topic_end(text)), before.end)  # "Législatives : P, selon X"
    return after


def _phrase_source(text: str, cue: Cue, doc) -> Span | None:
    """The noun phrase after "selon" / "according to": up to the next clause break."""
    end = len(text)
    for mark in (",", ";", ":", " - ", " – ", " — ", "«", "\u201c", '"', "("):
        k = text.find(mark, cue.end)
        if k != -1:
            end = min(end, k)
    span = _span(text, cue.end, end)
    if span is None:
        return None
    anonymity = re.search(r"\s(?:who|qui)\s[^,]*(?:anonym|named|nommé)", span.text, re.IGNORECASE)
    if anonymity:  # "according to a senior diplomat who requested anonymity"
        span = _span(text, span.start, span.start + anonymity.start())
    if doc is not None:
        toks = doc.char_span(span.start, span.end, alignment_mode="expand")
        if toks is not None and len(toks) > 12:
            # Keep the first noun phrase: the subtree of the first noun after the cue.
            for t in toks:
                if t.pos_ in ("NOUN", "PROPN", "PRON"):
                    head = climb(t, lambda h: toks.start <= h.head.i < toks.end and h.head.pos_ in ("NOUN", "PROPN"))
                    return _span(text, max(span.start, head.left_edge.idx),
                                 min(span.end, head.right_edge.idx + len(head.right_edge)))
    return span


def _non_finite(verb, cue: Cue) -> bool:
    """An infinitive cue ("pour justifier", "declined to comment", "avoir été menacée")."""
    doc = verb.doc
    first = doc[_group_start(verb, cue)]
    return "Inf" in first.morph.get("VerbForm") and first.lower_.endswith(("er", "ir", "re", "oir")) or (
        first.tag_ == "VB" and first.i > 0 and doc[first.i - 1].lower_ == "to") or first.tag_ == "TO"


def _reports_something(verb, cue: Cue, content: Span | None, stance: str) -> bool:
    """Keep a verb cue only if it reports a content, has a subject of its own, or if its content is the antecedent of its
    relative or participial clause ("un chiffre que contestent X", "a theory rejected by X", "ce
    que l'état-major a démenti") or a pronoun ("l'a confirmé"). Drops "a dit adieu", "a demandé
    aux forces de l'ordre de ...", "qui s'exprimait", "Dans un communiqué publié dimanche"."""
    if _non_finite(verb, cue) and not any(c.dep_ == "ccomp" for c in verb.children):
        return False
    if any(c.lower_ in NON_CLAIM_OBJECTS for c in verb.children if c.i > verb.i):
        return False
    if _passive_subject(_subject(verb)) and _agent(verb) is None and not any(c.dep_ == "ccomp" for c in verb.children):
        return False  # "le projet, qui était contesté depuis des mois": no one reports anything
    if content is not None:
        return True
    if any(c.dep_ in OBJECT_DEPS and c.pos_ == "PRON" for c in verb.children):
        return True
    dep = verb.dep_.split(":")
    subj = _subject(verb)
    if _passive_subject(subj):
        return _agent(verb) is not None  # "a deal could be announced": no one reports anything
    if dep[0] != "acl" and "relcl" not in dep and subj is not None and subj.pos_ in ("NOUN", "PROPN", "PRON") \
            and subj.lower_ not in RELATIVE_PRONOUNS:
        return True  # a finite verb with its own subject: the content is only missed by the parse
    if "relcl" in dep:
        subj = _subject(verb)
        return subj is not None and subj.lower_ not in RELATIVE_PRONOUNS and "Rel" not in subj.morph.get("PronType")
    if dep[0] == "acl":
        return stance != "neutral" and _agent(verb) is not None
    return False


NEGATIVE_SUBJECTS = {"nobody", "none", "personne", "rien"}
# After a comma, what starts material that is not part of a complement clause: an apposition to
# the clause ("..., une thèse que ..."), "ce que", a relative, a gerund or participle ("tout en
# admettant", "saying").
_TRAILING_WORDS = {"ce", "tout", "en", "qui", "which", "who", "sans", "without"}


def _trailing_commas(text: str, doc, quotes) -> list[int]:
    """Offsets of the commas, outside quotes, that open trailing material (see ``_TRAILING_WORDS``),
    found once per sentence."""
    starts = [t.idx for t in doc]
    out = []
    for k, ch in enumerate(text):
        if ch != "," or any(qs < k < qe for qs, qe in quotes):
            continue
        j = bisect.bisect_right(starts, k)
        tok = doc[j] if j < len(doc) else None
        if tok is not None and (tok.lower_ in _TRAILING_WORDS or tok.pos_ == "DET" or tok.tag_ == "VBG" or (
                "Part" in tok.morph.get("VerbForm") and "Pres" in tok.morph.get("Tense"))):
            out.append(k)
    return out


def _trailing_cut(text: str, content: Span, nested: int, cuts: list[int]) -> Span:
    """Cut a content before the trailing material that holds another attribution's cue."""
    j = bisect.bisect_left(cuts, nested) - 1
    if j < 0 or cuts[j] < content.start:
        return content
    return _span(text, content.start, cuts[j]) or content


# "Selon" + a source NP is split into cue and source, even for an anonymous source; these stay whole.
SPLIT_PREPOSITIONS = {"fr": ("selon", "d'après"), "en": ("according to",)}
SOURCELESS_AFTER_PREPOSITION = {"nos", "notre", "la rumeur", "des rumeurs", "our", "reports", "media reports"}
RELATIVE_SELON = ("lequel", "laquelle", "lesquels", "lesquelles")
ANONYMITY_WORDS = ("anonymat", "anonyme", "anonymity", "named")


def _split_phrase(text: str, cue: Cue, lang: str) -> Cue:
    """"Selon des sources concordantes" -> cue "Selon" (the NP after it is the source);
    "La rumeur veut que" -> "La rumeur veut" (the complementizer opens the content)."""
    low = text[cue.start:cue.end].lower().replace("\u2019", "'")
    for prep in SPLIT_PREPOSITIONS.get(lang, ()):
        rest = low[len(prep):].strip()
        if low.startswith(prep + " ") and not any(rest == x or rest.startswith(x + " ") for x in
                                                   SOURCELESS_AFTER_PREPOSITION):
            return Cue("according_to", text[cue.start:cue.start + len(prep)], cue.start, cue.start + len(prep),
                       lemma=prep, stance=cue.stance, main_clause=cue.main_clause)
    for comp in COMPLEMENTIZERS:
        if low.endswith(" " + comp):
            end = cue.end - len(comp) - 1
            return Cue(cue.type, text[cue.start:end], cue.start, end, lemma=cue.lemma, stance=cue.stance,
                       main_clause=cue.main_clause)
    return cue


def _relative_selon(text: str, cue: Cue, doc) -> Attribution | None:
    """"les informations selon lesquelles P": the antecedent noun is the source, P the content."""
    rest = text[cue.end:].lstrip()
    rel = next((r for r in RELATIVE_SELON if rest.lower().startswith(r)), None)
    if rel is None or doc is None:
        return None
    end = cue.end + (len(text[cue.end:]) - len(rest)) + len(rel)
    source = _np_before(text, doc, cue.start)
    content = _span(text, end, len(text))
    return Attribution("unnamed_source", source, Span(text[cue.start:end], cue.start, end), cue.lemma or "selon",
                       cue.stance or "neutral", content, False)


def _nest(text: str, verbal: list[Attribution], doc, quotes) -> list[Attribution]:
    """Verb attributions seen together: an infinitive cue inside another's content is that
    content ("a raconté avoir été menacée"), and a content stops before trailing material that
    carries another cue ("..., ce que l'état-major a démenti")."""
    kept = []
    for a in verbal:
        inside = any(b is not a and b.content and b.content.start <= a.cue.start < b.content.end for b in verbal)
        verb = _verb_token(doc, Cue("reporting_verb", a.cue.text, a.cue.start, a.cue.end))
        if inside and verb is not None and _non_finite(verb, Cue("reporting_verb", a.cue.text, a.cue.start, a.cue.end)):
            continue
        kept.append(a)
    cuts = None
    for a in kept:
        for b in kept:
            if b is not a and a.content and a.content.start < b.cue.start < a.content.end:
                cuts = _trailing_commas(text, doc, quotes) if cuts is None else cuts
                a.content = _trailing_cut(text, a.content, b.cue.start, cuts)
    return kept


# Source phrases at the head of a clause that the cue lexicon misses: contracted "aux dires des/du",
# "à entendre X", and "Pour" + a title and a name ("Pour l'économiste Thomas Garnier, P"; not
# "Pour Noël" or "Pour la première fois").
EXTRA_PHRASES = {"fr": [(re.compile(r"(?:^|(?<=: ))(aux dires)(?= d(?:es|u) )", re.IGNORECASE), "aux dires de", "distancing"),
                        (re.compile(r"(?:^|(?<=: ))(à entendre)(?= )", re.IGNORECASE), "à entendre", "distancing"),
                        (re.compile(r"(?:^|(?<=: ))(pour)(?= )", re.IGNORECASE), "pour", "neutral")]}


def _extra_phrases(text: str, lang: str, doc, cues) -> list[Cue]:
    out = []
    for pattern, lemma, stance in EXTRA_PHRASES.get(lang, ()):
        for m in pattern.finditer(text):
            start, end = m.span(1)
            if any(c.start <= start < c.end or start <= c.start < end for c in cues):
                continue
            comma = text.find(",", end)
            if comma == -1:
                continue
            np_ = doc.char_span(end + 1, comma, alignment_mode="contract") if doc is not None else None
            if np_ is None or not len(np_):
                continue
            if lemma == "pour":  # a title noun, then a name, and nothing else
                pos = [t.pos_ for t in np_ if t.pos_ not in ("DET", "ADJ") and t.text not in ("-", "'", "\u2019")]
                if not (pos and pos[0] == "NOUN" and pos[-1] == "PROPN" and set(pos) <= {"NOUN", "PROPN"}
                        and np_[0].pos_ == "DET"):
                    continue
            elif not any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in np_):
                continue
            out.append(Cue("according_to", text[start:end], start, end, lemma=lemma, stance=stance, main_clause=True))
    return out


INVERSION_CLITIC = re.compile(r"-(?:t-)?(il|elle|on|ils|elles)\b", re.IGNORECASE)


def _inverted_incise_content(text: str, verb, cue: Cue, quotes):
    """(content, is a direct quote) for an incise with an inverted clitic after the verb ("P, estime-t-il.",
    "« Q », affirme-t-on à Bercy") or inside the verb group of a quote it splits ("« Q1, a-t-il lancé,
    Q2 »" -> "« Q1"). None if the cue is no such incise."""
    start = verb.doc[_group_start(verb, cue)].idx
    lead = text[:start].rstrip()
    if not lead.endswith((",", "»", "\u201d", '"')):
        return None
    end = len(lead) - 1 if lead.endswith(",") else len(lead)
    inside = next(((qs, qe) for qs, qe in quotes if qs < start < qe), None)
    if inside is not None and "-" in text[start:cue.end + 8]:
        return _span(text, inside[0], end), True  # the first fragment of the split quote
    if not INVERSION_CLITIC.match(text, cue.end):
        return None
    content = _span(text, _topic_end(text), end)
    return content, content is not None and any((qs, qe) == (content.start, content.end) for qs, qe in quotes)


def extract(found: SentenceCues, lang: str, doc) -> list[Attribution]:
    """All attributions of one parsed sentence; offsets index the sentence."""
    text, quotes = found.text, found.quotes
    out: list[Attribution] = []
    used_quotes: set[tuple[int, int]] = set()
    def from_verb(verb, cue: Cue, lemma: str, stance: str, unnamed: bool = False) -> None:
        if lemma in REQUEST_LEMMAS or lemma in CLAIM_ONLY_WITH_CLAUSE and not any(
                c.dep_ == "ccomp" and c.i > verb.i for c in verb.children) or lemma in CLAIM_ONLY_WITH_COMPLEMENT and not any(
                c.dep_ in ("ccomp", "xcomp") and c.i > verb.i for c in verb.children):
            return
        inverted = _inverted_incise_content(text, verb, cue, quotes)
        if inverted is not None:  # "P, estime-t-il." even when the parse loses the verb
            content, is_quote = inverted
        else:
            content, is_quote = _content_for_verb(text, verb, cue, quotes, lemma, stance)
            if not _reports_something(verb, cue, content, stance):
                return
            subj = _subject(verb)
            if subj is not None and stance != "denial" and (subj.lower_ in NEGATIVE_SUBJECTS or any(
                    c.lower_ in ("no", "aucun", "aucune", "nul", "nulle") and c.i < subj.i for c in subj.children)):
                return  # "Nobody has claimed responsibility", "No group has said": negated reporting
        if inverted is None and verb.pos_ == "ADJ" or content is None and any(qs < cue.start < qe for qs, qe in quotes):
            return  # "were “deeply worrying”", "« avancent bien »": no verb of saying
        if not is_quote:
            content = _refine_content(text, verb, cue, content, stance, quotes)
        elif content is not None and content.start > cue.end and lemma not in QUALIFYING_LEMMAS:
            longer = _last_phrase(text, verb, cue, content)  # "s'est dit « confiant » dans la capacité de ..."
            if longer is not None:
                content, is_quote = longer, False
        source = _source_for_verb(text, verb, quotes, cue)
        if source is None and verb.pos_ not in ("VERB", "AUX") and inverted is None:
            return  # "denied reports that ...", "his state had created": a noun, not a verb of saying
        content = _close_quote(text, content, quotes)
        if is_quote and content is not None:
            used_quotes.add((content.start, content.end))
        kind = "direct_quote" if is_quote else "indirect"
        if unnamed or _is_generic(source, lang, doc) or (source and any(
                p.start <= source.start < p.end for p in unnamed_phrases)):
            kind = "unnamed_source"
        cue_span = _cue_span(text, verb, cue)
        clitic = INVERSION_CLITIC.match(text, cue_span.end)
        if clitic:  # "affirme-t-on", "estime-t-il": the clitic is in the cue and is the source
            cue_span = Span(text[cue_span.start:clitic.end()], cue_span.start, clitic.end())
            source = Span(clitic.group(1), clitic.start(1), clitic.end(1))
            if content is not None and content.start <= cue_span.start < content.end:
                content = _span(text, content.start, cue_span.start)
        out.append(Attribution(kind, source, cue_span, lemma, stance, content, cue.main_clause))

    verbs_by_lemma = get_lexicon(lang).verbs_by_lemma
    unnamed_phrases = [c for c in found.cues if c.type == "unnamed_source"]
    phrases = []
    for cue in found.cues:
        if cue.type == "reporting_verb":
            if cue.negated and cue.stance != "denial":
                continue  # "did not respond to a request for comment" reports nothing; "n'exclut pas" does
            if cue.start > 0 and text[cue.start - 1] == "-":
                continue  # inside a compound: "la soi-disant trêve"
            verb = _verb_token(doc, cue) if doc is not None else None
            if verb is not None:
                from_verb(verb, cue, cue.lemma, cue.stance or "neutral")
        elif cue.type in ("according_to", "unnamed_source"):
            span = doc.char_span(cue.start, cue.end, alignment_mode="expand") if doc is not None else None
            verb = next((t for t in span or () if t.pos_ == "VERB" and t.lemma_.lower() in verbs_by_lemma), None)
            if verb is not None and "-" not in cue.text and not any(w in cue.text.lower() for w in ANONYMITY_WORDS) and any(
                    c.dep_ in SUBJECT_DEPS and span.start <= c.i < span.end for c in verb.children):
                # "officials said", "sources say": a verb whose anonymous subject is in the phrase
                entry = verbs_by_lemma[verb.lemma_.lower()]
                vcue = Cue("reporting_verb", verb.text, verb.idx, verb.idx + len(verb), main_clause=cue.main_clause)
                from_verb(verb, vcue, entry.lemma, entry.stance, unnamed=True)
                continue
            phrases.append(cue)
    out = _nest(text, out, doc, quotes) if doc is not None else out
    phrases += _extra_phrases(text, lang, doc, found.cues)
    for cue in phrases:
        if cue.type == "according_to" and any(qs < cue.start < qe for qs, qe in quotes):
            continue  # "« avance selon le plan »": inside someone's words
        if any(a.source and a.source.start <= cue.start < a.source.end for a in out):
            continue  # "Sources close to the negotiations said ...": part of a verb's source
        if any(w in cue.text.lower() for w in ANONYMITY_WORDS) and (
                out or cue.text.lower().split(" ", 1)[0] in RELATIVE_PRONOUNS):
            continue  # "..., qui a requis l'anonymat, ...": qualifies a source  # "..., qui s'exprimait sous couvert d'anonymat": qualifies a source
        relative = _relative_selon(text, cue, doc)
        if relative is not None:
            out.append(relative)
            continue
        cue = _split_phrase(text, cue, lang)
        source = _phrase_source(text, cue, doc) if cue.type == "according_to" else None
        kind = cue.type
        if kind == "according_to" and doc is not None and _is_generic(source, lang, doc):
            kind = "unnamed_source"
        content = _clause_content(text, cue, source, quotes)
        out.append(Attribution(kind, source, Span(cue.text, cue.start, cue.end), cue.lemma or cue.text.lower(),
                               cue.stance or "neutral", content, cue.main_clause))
    # "Macron : « Nous ne céderons pas »" - a speaker, a colon, a quote, no verb of saying.
    for qs, qe in quotes:
        if (qs, qe) in used_quotes:
            continue
        colon = text.rfind(":", 0, qs)
        if colon == -1 or text[colon + 1:qs].strip():
            continue
        speaker = _span(text, 0, colon)
        if speaker is None or len(speaker.text.split()) > 8 or any(
                a.content and a.content.start <= qs < a.content.end for a in out):
            continue
        out.append(Attribution("direct_quote", speaker, Span(":", colon, colon + 1), ":", "neutral",
                               Span(text[qs:qe], qs, qe), True))
    for a in out:  # "... par l'escalade à la frontière, selon un communiqué": the phrase frames the whole
        for b in out:
            if b.lemma in ("selon", "d'après", "according to") and a.content and b.type != a.type and \
                    a.content.start < b.cue.start < a.content.end and text[:b.cue.start].rstrip().endswith(","):
                a.content = _span(text, a.content.start, text.rfind(",", 0, b.cue.start)) or a.content
    tails = [a for a in out if a.lemma in ("selon", "d'après", "according to")]
    for a in tails:  # "Selon X, 80 000 personnes ont manifesté, 500 000 selon Y": two figures, two sources
        for b in tails:
            comma = text.rfind(",", 0, b.cue.start)
            if a is b or not a.content or not (a.content.start < b.cue.start < a.content.end) or comma < 0:
                continue
            if a.cue.start < b.cue.start and comma > a.content.start:
                a.content = _span(text, a.content.start, comma) or a.content
    for a in tails:
        others = [b for b in tails if b is not a and a.content and a.content.start <= b.cue.start < a.content.end]
        comma = text.rfind(",", 0, a.cue.start)
        if others and a.content.end <= a.cue.start and comma > max(b.cue.start for b in others):
            a.content = _span(text, comma + 1, a.cue.start) or a.content
            a.main_clause = False
    out.sort(key=lambda a: a.cue.start)
    return out


def normalise_source(name: str, lang: str) -> str:
    """Grouping key: case- and determiner-insensitive."""
    key = " ".join(name.replace("\u2019", "'").lower().split())
    for det in sorted(_DETERMINERS.get(lang, ()), key=len, reverse=True):
        if key.startswith(det):
            key = key[len(det):]
            break
    return key.strip()
