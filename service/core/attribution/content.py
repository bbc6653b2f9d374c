"""Content stage: what is reported.

For a reporting verb, ``of_verb`` first reads an inverted incise off the surface ("P, estime-t-il."),
else asks the ``CONTENT_RULES`` in order: the first that applies gives (content, is a direct quote).
``bounds.py`` then trims what the parse got wrong. For a "selon X" phrase, ``of_phrase`` takes the
rest of the clause.
"""
from __future__ import annotations

from dataclasses import dataclass

from service.core.attribution import tree
from service.core.attribution.context import VerbCue
from service.core.attribution.incise import is_incise
from service.core.attribution.quotes import quote_content
from service.core.attribution.rules import NOTHING, first, rule, settle
from service.core.attribution.spans import (
    Span,
    clause_end_span,
    exact,
    span,
    subtree_span,
    topic_end,
)
from service.core.attribution.words import words


@dataclass
class Said:
    """A verb's content as found, before ``bounds`` trims it."""

    content: Span | None
    is_quote: bool  # a direct quote
    inverted: bool = False  # read off an inverted incise, not the parse


def of_verb(v: VerbCue) -> Said:
    """The content of a reporting verb (``Said.content`` None: it has none)."""
    inverted = first((quote_split_by_an_inverted_incise, inverted_clitic_incise), v)
    if inverted is not None:
        return Said(*inverted, inverted=True)
    return Said(*(first(CONTENT_RULES, v) or (None, False)))


def _incise_lead(v: VerbCue):
    """(start of the verb group, end of what precedes it) if a comma or a quote precedes it."""
    start = v.doc[v.group_start].idx
    lead = v.text[:start].rstrip()
    if lead.endswith((",", "»", "\u201d", '"')):
        return start, len(lead) - 1 if lead.endswith(",") else len(lead)
    return None


@rule("content", example=("fr", "« Je ne suis pas inquiet, a-t-il lancé, on a le groupe. »"),
      expect={"source": "il", "cue": "a-t-il lancé", "content": "« Je ne suis pas inquiet"})
def quote_split_by_an_inverted_incise(v: VerbCue):
    """A quote split by "a-t-il lancé" gives its first fragment, even when the parse loses the verb."""
    lead = _incise_lead(v)
    if lead is not None:
        inside = next(((qs, qe) for qs, qe in v.quotes if qs < lead[0] < qe), None)
        if inside is not None and "-" in v.text[lead[0]:v.cue.end + 8]:
            return span(v.text, inside[0], lead[1]), True


@rule("content", example=("fr", "Le projet est « mort-né », estime-t-il."),
      expect={"source": "il", "cue": "estime-t-il", "content": "Le projet est « mort-né »"})
def inverted_clitic_incise(v: VerbCue):
    """"P, estime-t-il.": P is the content, even when the parse loses the verb."""
    lead = _incise_lead(v)
    if lead is not None and tree.INVERSION_CLITIC.match(v.text, v.cue.end):
        content = span(v.text, topic_end(v.text), lead[1])
        return content, content is not None and any((qs, qe) == (content.start, content.end) for qs, qe in v.quotes)


@rule("content", example=("en", "As the governor pointed out on Monday, the reservoirs are full."),
      expect={"source": "the governor", "cue": "pointed out", "content": "the reservoirs are full"})
def as_frame_content(v: VerbCue):
    """"As X pointed out, P" / "Comme l'a rappelé X, P": the content is P."""
    verb, doc = v.verb, v.doc
    if verb.dep_ == "advcl" and verb.i < verb.head.i and any(
            c.dep_ == "mark" and c.lower_ in words("frame_markers") and c.i < verb.i for c in verb.children):
        nxt = verb.right_edge.i + 1
        end = max(verb.head.right_edge.i, verb.head.i)
        if nxt <= end:
            return span(v.text, doc[nxt].idx, doc[end].idx + len(doc[end])), False


@rule("content", example=("en", ("The company said in a statement that it had fixed the flaw, adding that no data "
                                 "was lost.")),
      expect={"source": "The company", "cue": "said", "content": "that it had fixed the flaw"})
def complement_clause_after_the_verb(v: VerbCue):
    """A complement clause after the verb is the content, and wins over a quote it contains (keeping the
    quote's closing mark when the clause ends inside it)."""
    verb, quote = v.verb, v.nearest_quote
    after = [c for c in verb.children if c.dep_ == "ccomp" and not set_off_clause_is_another_claim(v, c)
             and c.i > verb.i]
    if after:
        found = subtree_span(v.text, after[0])
        found = settle(clause_starts_at_its_complementizer(v, after[0], found), found)
        if quote is None or quote.end <= v.cue.start or (
                found and found.start <= quote.start and quote.end <= found.end + 2):
            if found and quote and quote.end > found.end:  # the clause ends inside the quote: keep its closing mark
                found = exact(v.text, found.start, quote.end)
            return found, False


@rule("content", example=("fr", "Il s'agit d'une « erreur technique », a assuré la SNCF, qui promet un remboursement."),
      expect={"source": "la SNCF", "cue": "a assuré", "content": "Il s'agit d'une « erreur technique »"})
def set_off_clause_is_another_claim(v: VerbCue, clause):
    """A clause after a comma opened by a gerund (or, after an incise, by a relative) is not the verb's complement."""
    doc, gs, left = v.doc, v.group_start, clause.left_edge
    incise = gs > 0 and doc[gs - 1].text in (",", "»", "\u201d", '"')
    return left.i > 0 and doc[left.i - 1].text == "," and (
        left.tag_ == "VBG" or incise and left.lower_ in words("relative_pronouns") and left.i > v.verb.i) or None


@rule("content", example=("en", "Washington ought to make clear that further arms sales depend on compliance."),
      expect={"source": "Washington", "cue": "to make clear",
              "content": "that further arms sales depend on compliance"})
def clause_starts_at_its_complementizer(v: VerbCue, clause, found: Span | None):
    """A complement clause starts at its "que" / "that", not at an adjunct the parse put before it."""
    mark = next((c for c in clause.children if c.dep_ == "mark" and c.lower_ in words("complementizers")), None)
    if found is not None and mark is not None and found.start < mark.idx:
        return span(v.text, mark.idx, found.end) or NOTHING


@rule("content", example=("fr", "« Nous ne céderons pas », a déclaré le Premier ministre."),
      expect={"type": "direct_quote", "content": "« Nous ne céderons pas »"})
def quote_next_to_the_verb(v: VerbCue):
    """A quote the verb introduces or closes gives the content (see the quote rules)."""
    if v.nearest_quote is not None:
        content, is_quote = quote_content(v, v.nearest_quote)
        if content is not None:
            return content, is_quote


@rule("content", example=("fr", "La hausse des prix va ralentir, a estimé jeudi la présidente de la Banque centrale."),
      expect={"cue": "a estimé", "content": "La hausse des prix va ralentir"})
def incise_follows_its_content(v: VerbCue):
    """"P, a estimé jeudi X.": what precedes the incise (past a headline's topic) is the content."""
    if is_incise(v.verb, v.group_start, v.subject) and tree.finite_group(v.doc, v.group_start):
        return span(v.text, topic_end(v.text), v.doc[v.group_start - 1].idx), False


@rule("content", example=("fr", ("Les enquêteurs estiment que le suspect a agi seul, une hypothèse que conteste son "
                                 "avocat.")),
      expect={"source": "son avocat", "cue": "conteste", "content": None})
def object_relative_has_no_content(v: VerbCue):
    """In "une hypothèse que conteste X" the content is the antecedent, outside the verb's clause: none."""
    if tree.inverted_relative(v.verb, v.group_start, v.subject):
        return None, False


@rule("content", example=("en", "The protest was peaceful, organisers said, though police reported several arrests."),
      expect={"source": "organisers", "cue": "said", "content": "The protest was peaceful"})
def clause_before_a_reporting_clause(v: VerbCue):
    """"P, X said." parsed as a clause inside P: P before the comma is the content."""
    verb, subj, doc = v.verb, v.subject, v.doc
    if subj is not None and subj.i < verb.i and verb.dep_ in ("parataxis", "ccomp") and \
            subj.lower_ not in words("relative_pronouns") and subj.left_edge.i > 0 and \
            doc[subj.left_edge.i - 1].text == "," and verb.head.i < subj.i:
        return span(v.text, topic_end(v.text), doc[subj.left_edge.i - 1].idx), False


def _first_object(v: VerbCue):
    objects = [c for c in v.verb.children if c.dep_ in tree.OBJECT_DEPS and c.i > v.verb.i and c.pos_ != "PRON"
               and not tree.has_case(c)]
    return min(objects, key=lambda c: (c.dep_ not in ("obj", "dobj"), c.i), default=None)


@rule("content", example=("fr", "Le maire a apporté un démenti formel aux rumeurs de fermeture de la maternité."),
      expect={"source": "Le maire", "cue": "a apporté un démenti",
              "content": "aux rumeurs de fermeture de la maternité"})
def support_verb_complement(v: VerbCue):
    """"a opposé un démenti à X", "a fait état de X": the cue holds the noun, the content follows it."""
    obj = _first_object(v) if v.lemma not in words("addressee_lemmas") else None
    if obj is not None and obj.idx < v.cue.end:
        after = next((t for t in v.doc[v.verb.i + 1:] if t.idx >= v.cue.end), None)
        if after is not None and after.lower_ in words("content_prepositions"):
            return clause_end_span(v.text, after.idx), False
        for tok in v.doc[v.verb.i + 1:]:
            if tok.idx >= v.cue.end and tok.lower_ in words("recipient_prepositions"):
                return clause_end_span(v.text, tok.idx), False
        return None, False


@rule("content", example=("fr", "L'état-major ukrainien a démenti la perte de la ville."),
      expect={"source": "L'état-major ukrainien", "cue": "a démenti", "content": "la perte de la ville"})
def object_is_the_claim(v: VerbCue):
    """A reporting verb's noun object is the claim ("dément la perte"), except after a verb of address
    ("tell", "accuser"), whose object is a person."""
    obj = _first_object(v) if v.lemma not in words("addressee_lemmas") else None
    if obj is not None:
        return subtree_span(v.text, obj), False


@rule("content", example=("en", "Harris, who was speaking in Ohio, accused her rival of lying about the economy."),
      expect={"source": "Harris", "cue": "accused", "content": "of lying about the economy"})
def charge_after_the_addressee(v: VerbCue):
    """After a verb of address, the charge is the content: "accused her opponent of lying"."""
    if v.lemma in words("addressee_lemmas"):
        for obj in (c for c in v.verb.children if c.dep_ in tree.OBJECT_DEPS and c.i > v.verb.i):
            prep = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ in words("charge_prepositions")),
                        None)
            if prep is not None:
                return subtree_span(v.text, prep), False


@rule("content", example=("fr", "Le syndicat a menacé de bloquer les raffineries."),
      expect={"source": "Le syndicat", "cue": "a menacé", "content": "de bloquer les raffineries"})
def infinitive_complement(v: VerbCue):
    """An infinitive complement (xcomp) after the verb is the content."""
    for child in v.verb.children:
        if child.dep_ == "xcomp" and child.i > v.verb.i:
            return subtree_span(v.text, child), False


@rule("content", example=("fr", "Les CFF tablent sur une réouverture partielle dès lundi matin."),
      expect={"source": "Les CFF", "cue": "tablent sur", "content": "sur une réouverture partielle dès lundi matin"})
def prepositional_complement(v: VerbCue):
    """A complement opened by "de", "sur", "about" ... is the content ("faisant état d'une base", "ont alerté sur")."""
    for child in v.verb.children:
        if child.dep_ == "obl:arg" and child.i > v.verb.i and any(
                c.dep_ == "case" and c.lower_ in words("content_prepositions") for c in child.children):
            return subtree_span(v.text, child), False


@rule("content", example=("en", "North Korea fired a missile on Sunday, the South Korean military said."),
      expect={"cue": "said", "content": "North Korea fired a missile on Sunday"})
def clause_before_the_verb(v: VerbCue):
    """A reporting clause after its content: the clause the parse hangs before the verb."""
    before = [c for c in v.verb.children if c.dep_ in ("ccomp", "parataxis") and c.i < v.verb.i]
    if before:
        return subtree_span(v.text, before[0]), False


@rule("content", example=("fr", ("Des répliques peuvent encore se produire dans les jours à venir, préviennent les "
                                 "sismologues.")),
      expect={"source": "les sismologues", "cue": "préviennent",
              "content": "Des répliques peuvent encore se produire dans les jours à venir"})
def text_before_a_comma_incise(v: VerbCue):
    """Where the parse gives no complement, a finite verb group after a comma has the text before it."""
    doc, start, subj = v.doc, v.group_start, v.subject
    if start > 0 and doc[start - 1].text == "," and tree.finite_group(doc, start) and (
            subj is None or subj.i > v.verb.i or subj.i >= start):  # "a-t-il lancé": inside the group
        return span(v.text, 0, doc[start - 1].idx), False


@rule("content", example=("fr", "Le gouvernement table sur une croissance de 1 %."),
      expect={"cue": "table sur", "content": "une croissance de 1 %"})
def noun_phrase_after_a_prepositional_cue(v: VerbCue):
    """After a cue ending in a preposition ("table sur"), or one the parse did not tag as a verb, the noun
    phrase that follows is the content."""
    doc, verb = v.doc, v.verb
    if (" " in v.cue.text and v.cue.text.lower().rsplit(" ", 1)[-1] in words("content_prepositions")) or \
            verb.pos_ not in ("VERB", "AUX"):
        after = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
        if after is not None and after.pos_ in ("DET", "NOUN", "PROPN", "NUM"):
            return clause_end_span(v.text, after.idx), False


@rule("content", example=("fr", "Le club a démenti tout accord avec le joueur argentin."),
      expect={"cue": "a démenti", "content": "tout accord avec le joueur argentin"})
def denied_totality(v: VerbCue):
    """"a démenti tout accord": "tout" / "aucun" and a noun after the verb open the content."""
    doc, nxt = v.doc, v.doc[v.verb.i + 1] if v.verb.i + 1 < len(v.doc) else None
    if nxt is not None and nxt.lower_ in words("totality_determiners") and nxt.i + 1 < len(doc) and \
            doc[nxt.i + 1].pos_ == "NOUN":
        return clause_end_span(v.text, nxt.idx), False


@rule("content", example=("fr", "Le ministre dément avoir reçu de l'argent."),
      expect={"source": "Le ministre", "cue": "dément", "content": "avoir reçu de l'argent"})
def rest_after_que_or_an_infinitive(v: VerbCue):
    """A "que" or an infinitive right after the verb (past "ne pas") opens a content that runs to the end."""
    doc, verb = v.doc, v.verb
    nxt = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
    while nxt is not None and nxt.lower_ in words("negation_words") and nxt.i + 1 < len(doc):
        nxt = doc[nxt.i + 1]
    if nxt is not None and (nxt.lower_ in words("complementizers") or tree.infinitive(nxt)):
        return span(v.text, doc[verb.i + 1].idx, len(v.text)), False


CONTENT_RULES = (as_frame_content, complement_clause_after_the_verb, quote_next_to_the_verb, incise_follows_its_content,
                 object_relative_has_no_content, clause_before_a_reporting_clause, support_verb_complement,
                 object_is_the_claim, charge_after_the_addressee, infinitive_complement, prepositional_complement,
                 clause_before_the_verb,
                 # where the parse gives no complement, the surface
                 text_before_a_comma_incise, noun_phrase_after_a_prepositional_cue, denied_totality,
                 rest_after_que_or_an_infinitive)
