"""Token helpers shared by the stages: the verb group, its subject, agent and controller.

They read the dependency parse and decide nothing on their own; the rules that use them do. Every
walk up the tree goes through ``service.core.syntax``, which is bounded and compares indices.
"""
from __future__ import annotations

import re
from itertools import chain, islice

from service.core import clauses
from service.core.attribution.words import words
from service.core.syntax import ancestors, climb, root_of

SUBJECT_DEPS = ("nsubj", "nsubj:pass", "nsubjpass", "expl:subj", "csubj")
OBJECT_DEPS = ("obj", "dobj", "attr", "obl:arg")
INVERSION_CLITIC = re.compile(r"-(?:t-)?(il|elle|on|ils|elles)\b", re.IGNORECASE)  # "estime-t-il", "dit-elle"


def verb_token(doc, start: int, end: int):
    """The cue's verb: its last verb or auxiliary, else its last token."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX")]
    return verbs[-1] if verbs else span[-1]


def present_participle(tok) -> bool:
    return "Part" in tok.morph.get("VerbForm") and "Pres" in tok.morph.get("Tense")


def gerund(tok) -> bool:
    """An English -ing form or a French present participle ("saying", "jugeant")."""
    return tok.tag_ == "VBG" or present_participle(tok)


def infinitive(tok) -> bool:
    return "Inf" in tok.morph.get("VerbForm")


def participle(tok) -> bool:
    return "Part" in tok.morph.get("VerbForm")


def framed_complement(children, deps, frame: frozenset) -> bool:
    """Whether one of ``children`` with a dependency in ``deps`` is, or is introduced by, a frame
    marker (``frame``: "as", "comme"): "is widely regarded as a failure", "dismissed the fine as
    absurd"."""
    return any(c.lower_ in frame or any(g.lower_ in frame and g.dep_ in ("case", "mark") for g in c.children)
               for c in children if c.dep_ in deps)


def relative(tok) -> bool:
    """A relative pronoun; not an acronym spelled like one ("The WHO said")."""
    if len(tok.text) > 1 and tok.text.isupper():
        return False
    return tok.lower_ in words("relative_pronouns") or "Rel" in tok.morph.get("PronType")


def has_case(tok) -> bool:
    """A prepositional phrase ("sur X", "lors du conseil"), not a bare noun phrase."""
    return any(c.dep_ == "case" and c.i < tok.i for c in tok.children)


def group_start(verb, cue) -> int:
    """Token index where the verb group starts: auxiliaries of any verb in the cue ("a laissé
    entendre", "a opposé un démenti"), then a reflexive clitic ("s'est vanté", "se sont dits")."""
    doc = verb.doc
    span = doc.char_span(cue.start, cue.end, alignment_mode="expand") or doc[verb.i:verb.i + 1]
    start = span.start
    for tok in list(span) + [verb]:
        for child in tok.children:
            if child.dep_.split(":")[0] in ("aux", "auxpass") and child.i < tok.i and tok.i - child.i <= 4:
                start = min(start, child.i)
    while start > 0 and doc[start - 1].pos_ == "AUX" and doc[start - 1].lemma_ in words("group_auxiliaries"):
        start -= 1
    if start > 0 and doc[start - 1].lower_ in words("reflexives"):
        start -= 1
    return start


def finite_group(doc, start: int) -> bool:
    """The verb group starts with a finite verb, past a reflexive clitic ("s'est félicité")."""
    k = start
    while k < len(doc) - 1 and doc[k].lower_ in words("reflexives"):
        k += 1
    return "Fin" in doc[k].morph.get("VerbForm") or misread_participle(doc[k]) or misread_infinitive(doc[k])


# The past participles of a French first-group verb ("résumer", "aller") end in -é(e)(s).
_FR_FIRST_GROUP_PARTICIPLE = ("é", "ée", "és", "ées")


def misread_participle(tok) -> bool:
    """A French "-er" verb form the tagger took for a past participle though it cannot be one:
    "résume" (only "résumé(e)(s)" are participles of "résumer") is finite."""
    return (tok.lang_ == "fr" and tok.lemma_.endswith("er") and "Part" in tok.morph.get("VerbForm")
            and "Past" in tok.morph.get("Tense") and not tok.lower_.endswith(_FR_FIRST_GROUP_PARTICIPLE))


def misread_infinitive(tok) -> bool:
    """A French verb the tagger took for an infinitive (``clauses.misread_infinitive``)."""
    return tok.lang_ == "fr" and clauses.misread_infinitive(tok.morph.get("VerbForm"), tok.lower_)


def non_finite(verb, cue) -> bool:
    """An infinitive cue ("pour justifier", "declined to comment", "avoir été menacée")."""
    doc = verb.doc
    first = doc[group_start(verb, cue)]
    return infinitive(first) and not clauses.misread_infinitive(first.morph.get("VerbForm"), first.lower_) or (
        first.tag_ == "VB" and first.i > 0 and doc[first.i - 1].lower_ == "to") or first.tag_ == "TO"


def subject(verb):
    """The verb's subject; the one nearest before it, relative pronouns ("who") last."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.pos_ not in ("ADV", "ADP")
                and not has_case(c)]
    if gerund(verb):
        subjects = [c for c in subjects if c.i < verb.i]  # "describing it as": "it" is the object
    if not subjects:
        return None
    subjects.sort(key=lambda c: ("Rel" in c.morph.get("PronType") or c.tag_ in ("WP", "WDT"),
                                 c.i > verb.i, abs(verb.i - c.i)))
    return subjects[0]


def passive_subject(subj) -> bool:
    """A passive subject with a passive auxiliary ("a été jugé", "could be announced"); the French
    parser also calls "nsubj:pass" some subjects of "a confirmé"."""
    return subj is not None and subj.dep_ in ("nsubj:pass", "nsubjpass") and any(
        c.dep_ in ("aux:pass", "auxpass") for c in subj.head.children)


def agent(verb):
    """The agent of a passive participle: "une prévision jugée « optimiste » par le HCFP" (or of
    its predicate, where the parser hangs it there: "jugée optimiste par le HCFP")."""
    found = _own_agent(verb)
    # Only a passive looks into its predicate: not "se sont dits « préoccupés » par l'escalade".
    if found is None and (verb.dep_.startswith("acl") or any(c.dep_ in ("aux:pass", "auxpass") for c in verb.children)):
        predicates = (c for c in verb.children if c.dep_ in ("xcomp", "oprd") and c.i > verb.i)
        found = next((a for a in map(_own_agent, predicates) if a is not None), None)
    return found


def _own_agent(verb):
    for child in verb.children:
        if child.dep_ in ("obl:agent", "agent"):
            if child.pos_ == "ADP":  # English: agent -> "by" -> pobj
                child = next((c for c in child.children if c.dep_ == "pobj"), None)
            return None if child is None or rate_or_means(child) else child
        if child.dep_.startswith("obl") and child.pos_ in ("NOUN", "PROPN", "PRON") and any(
                c.dep_ == "case" and c.lower_ in words("agent_prepositions") for c in child.children):
            return None if rate_or_means(child) else child  # not "par ailleurs"
    return None


def rate_or_means(noun) -> bool:
    """A bare common noun after "par" / "by" is a rate or a means, not an agent: "estimé à 20
    millions d'euros par jour", "envoyé par courrier", "sold by weight" (English bare plurals
    stay agents: "criticised by economists")."""
    if noun.pos_ != "NOUN" or any(c.dep_.split(":")[0] in ("det", "nummod", "poss", "amod", "compound", "nmod")
                                  for c in noun.children):
        return False
    return noun.lang_ == "fr" or noun.tag_ == "NN"


def antecedent(verb):
    """The noun a relative clause hangs from: "un voisin qui disait ..." -> "voisin"."""
    for tok in islice(chain([verb], ancestors(verb)), 4):
        if tok.dep_.split(":")[-1] in ("relcl",) or tok.dep_ in ("acl:relcl", "relcl"):
            # "un voisin" tagged ADJ
            nominal = tok.head.pos_ == "ADJ" and any(c.dep_ == "det" for c in tok.head.children)
            return tok.head if tok.head.pos_ in ("NOUN", "PROPN", "PRON") or nominal else None
    return None


def controller(verb):
    """Subject of the clause a participle or gerund depends on. After a comma it is the main
    clause's ("Le chef ... a assuré qu'il ..., tout en admettant que" -> "Le chef"), otherwise
    the nearest verb's with a subject."""
    doc = verb.doc
    first = verb.i - 1 if verb.i > 0 and doc[verb.i - 1].lower_ == "en" else verb.i
    while first > 0 and doc[first - 1].lower_ in words("gerund_openers"):
        first -= 1
    if first > 0 and doc[first - 1].text == ",":
        root = root_of(verb)
        if root.i != verb.i and subject(root) is not None:
            return subject(root)
    for head in islice(chain([verb.head], ancestors(verb.head)), 6):
        if head.pos_ in ("VERB", "AUX") and subject(head) is not None:
            return subject(head)
    return None


def inverted_relative(verb, start: int, subj) -> bool:
    """"une hypothèse que conteste son avocat": object relative, subject after the verb."""
    doc = verb.doc
    return start > 0 and doc[start - 1].lower_ in words("object_relatives") and (
        subj is None or subj.i > verb.i or subj.lower_ in words("relative_pronouns"))


def incise_subject(verb):
    """"..., a déclaré le Premier ministre." - the noun phrase right after the verb (the parser
    often calls it an object); bare noun phrases first, subjects before objects."""
    rights = [c for c in verb.rights if c.pos_ in ("NOUN", "PROPN", "PRON") and not has_case(c)
              and c.lower_ not in words("time_nouns")]
    groups = (("nsubj", "nsubj:pass", "expl:subj"), OBJECT_DEPS, ("obl", "nmod", "appos", "npadvmod", "obl:mod"))
    if verb.lang_ == "en":  # the English parser marks "said the company" as a subject; an object is the content
        groups = (groups[0], ("attr",), groups[2])
    for deps in groups:
        for child in rights:
            if child.dep_ in deps:
                return child
    return None


def verb_form(verb) -> tuple:
    """Tense signature of a verb group: the verb's form and its auxiliaries ("a estimé" and "a relaxé"
    match; "said" and "had shown" do not)."""
    auxes = [c for c in verb.children if c.dep_.split(":")[0] in ("aux", "auxpass", "cop") and c.i < verb.i]
    cop = next((c for c in auxes if c.dep_ == "cop"), None)
    if cop is not None:  # "was (in) Paris", "est coûteux": the copula carries the tense
        auxes.remove(cop)
        verb = cop
    if verb.lang_ == "en":
        form = verb.tag_
    else:
        form = tuple(verb.morph.get(k) for k in ("VerbForm", "Mood", "Tense", "Person"))
    form = tuple(tuple(x) for x in form) if isinstance(form, tuple) else form
    return form, tuple(sorted(c.lower_ for c in auxes))


def coordinator(verb):
    """The "and" / "et" before a conjunct: its child in French, its head's child in English."""
    return next((c for c in list(verb.children) + list(verb.head.children)
                 if c.lower_ in words("coordinators") and c.dep_ == "cc" and verb.head.i < c.i < verb.i), None)


def main_conjunct(verb):
    """A verb the parser put inside a complement clause although it is coordinated with the reporting
    verb: "The judge said the defendant had shown no remorse and jailed him", "affirme que le
    gouvernement savait et dénonce ...". Returns the reporting verb, or None."""
    if verb.dep_ != "conj" or any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return None
    head = climb(verb.head, lambda t: t.dep_ == "conj")
    if head.dep_ not in ("ccomp", "parataxis") or head.head.i == head.i:
        return None
    reporter = head.head
    if reporter.pos_ not in ("VERB", "AUX") or coordinator(verb) is None:
        return None
    form = verb_form(verb)
    if not (form == verb_form(reporter) != verb_form(head)):
        return None
    # French finite forms carry mood, tense and person, so a match is a sign ("affirme ... et dénonce");
    # English past forms do not ("said the firm had grown and hired"): there only a repeated
    # auxiliary is ("has said ... and has ...").
    return reporter if verb.lang_ == "fr" or form[1] else None
