"""How far a source's noun phrase reaches (source stage).

``noun_phrase`` starts from the head's subtree without its set-off clauses and widens or narrows
it with the rules below, in order. ``np_before`` is the fallback for subjects the parser missed.
"""
from __future__ import annotations

from dataclasses import dataclass

from service.core.attribution.rules import rule
from service.core.attribution.spans import cut, tok_span
from service.core.attribution.tree import SUBJECT_DEPS
from service.core.attribution.words import words
from service.core.syntax import climb

_CLAUSAL = ("acl", "relcl", "advcl", "ccomp", "parataxis")


@dataclass
class Phrase:
    """A noun phrase being bounded: tokens ``lo`` to ``hi`` around ``head``."""

    head: object
    verb: object  # the reporting verb, if the phrase is its speaker
    lo: int
    hi: int

    @property
    def doc(self):
        return self.head.doc

    @property
    def before_verb(self) -> bool:
        return self.verb is not None and self.head.i < self.verb.i

    @property
    def after_verb(self) -> bool:
        return self.verb is not None and self.head.i > self.verb.i


def noun_phrase(text: str, head, quotes, stop: int | None = None, verb=None):
    """The head's phrase without the clauses set off by commas (or holding the cue verb) and
    without relative pronouns; restrictive modifiers ("a poll published on Sunday") stay."""
    tokens = [head] + [t for t in head.subtree if t.i != head.i]
    skip = set()
    for child in (c for t in tokens for c in t.children):  # also "A spokesman for the minister, who ..."
        if child.dep_.split(":")[0] in _CLAUSAL and child.i > head.i and (
                set_off_clauses_leave_the_source(child, verb) or anonymity_asides_leave_the_source(child)):
            skip.update(t.i for t in child.subtree)
    kept = {t.i for t in tokens if t.i not in skip}
    p = Phrase(head, verb, head.i, head.i)
    while p.lo - 1 in kept:  # the contiguous run around the head
        p.lo -= 1
    while p.hi + 1 in kept:
        p.hi += 1
    hyphenated_words_stay_whole(p, -1)
    determiner_joins_its_noun(p)
    hyphenated_words_stay_whole(p, 1)
    for adjust in BOUNDARY_RULES:
        adjust(p)
    return cut(tok_span(text, p.doc[p.lo], p.doc[p.hi]), text, quotes, stop)


@rule("source", example=("en", "A spokesman for the minister, who was in Paris, said no decision had been taken."),
      expect={"source": "A spokesman for the minister", "cue": "said"})
def set_off_clauses_leave_the_source(child, verb):
    """A clause set off by a comma or a dash, or one that holds the reporting verb, is no part of the source."""
    doc = child.doc
    set_off = child.left_edge.i > 0 and doc[child.left_edge.i - 1].text in (",", "(", "\u2013", "\u2014")
    return set_off or verb is not None and child.left_edge.i <= verb.i <= child.right_edge.i or None


@rule("source", example=("en", "A senior official who spoke on condition of anonymity said the talks had failed."),
      expect={"source": "A senior official", "content": "the talks had failed"})
def anonymity_asides_leave_the_source(child):
    """A relative clause asking for anonymity qualifies the source and is no part of it."""
    return child.left_edge.lower_ in words("relative_pronouns") and any(
        w in t.lower_ for t in child.subtree for w in words("anonymity_words")) or None


def glued(a, b) -> bool:
    """Two tokens of one hyphenated word ("état" "-" "major", "Pays-Bas")."""
    return not a.whitespace_ and (a.text.endswith("-") or b.text.startswith("-") or a.text == "-" or b.text == "-")


@rule("source", example=("fr", "Celle-ci conclut que la dette a doublé."),
      expect={"source": "Celle-ci", "cue": "conclut", "content": "que la dette a doublé"})
def hyphenated_words_stay_whole(p: Phrase, step: int):
    """A hyphenated word at either end of the phrase stays whole ("Celle-ci", "l'état-major").

    ``step`` -1 widens the start, 1 the end; ``noun_phrase`` runs the start before the determiner
    rule and the end after it, as the determiner rule looks at the word before the phrase."""
    doc = p.doc
    if step < 0:
        while p.lo > 0 and glued(doc[p.lo - 1], doc[p.lo]):
            p.lo -= 1
    else:
        while p.hi + 1 < len(doc) and glued(doc[p.hi], doc[p.hi + 1]):
            p.hi += 1


@rule("source", example=("fr", "L'état-major ukrainien a démenti la perte de la ville."),
      expect={"source": "L'état-major ukrainien", "cue": "a démenti", "content": "la perte de la ville"})
def determiner_joins_its_noun(p: Phrase):
    """A determiner just before the phrase whose noun is in it belongs to it."""
    doc = p.doc
    if p.lo > 0 and doc[p.lo - 1].pos_ == "DET" and doc[p.lo - 1].head.i in range(p.lo, p.hi + 1):
        p.lo -= 1


@rule("source", example=("fr", "« On a pris une leçon », a lâché le troisième ligne Gaël Dumont."),
      expect={"source": "le troisième ligne Gaël Dumont", "cue": "a lâché", "content": "« On a pris une leçon »"})
def name_parsed_as_a_second_subject(p: Phrase):
    """A name the parser hung on the verb as another subject continues the phrase ("le chanteur Malik Bensaïd")."""
    doc, head = p.doc, p.head
    while p.hi + 1 < len(doc) and doc[p.hi + 1].pos_ == "PROPN" and doc[p.hi + 1].head.i == head.head.i != head.i:
        p.hi = max(p.hi + 1, doc[p.hi + 1].right_edge.i)


@rule("source", example=("en", ("Turkey's parliament approved Sweden's NATO bid, the state news agency Anadolu "
                                "reported.")),
      expect={"source": "the state news agency Anadolu", "cue": "reported",
              "content": "Turkey's parliament approved Sweden's NATO bid"})
def title_parsed_as_a_second_subject(p: Phrase):
    """A title the parser made another subject of the verb stays with the name after it."""
    head, lo = p.head, p.lo
    if head.pos_ == "PROPN" and lo > 0 and head.dep_ in SUBJECT_DEPS:
        title = climb(p.doc[lo - 1], lambda t: t.head.i != head.head.i and t.head.i < lo)
        if title.head.i == head.head.i and title.dep_ in SUBJECT_DEPS and title.pos_ == "NOUN" and \
                title.right_edge.i == lo - 1:
            p.lo = title.left_edge.i


@rule("source", example=("fr", "Le film a été jugé « trop violent » par la commission de classification."),
      expect={"source": "la commission de classification", "cue": "a été jugé", "content": "« trop violent »"})
def no_relative_or_preposition_in_front(p: Phrase):
    """A source starts after a relative pronoun or its own preposition, but keeps a contracted article."""
    doc, head = p.doc, p.head
    while p.lo < p.hi and (doc[p.lo].lower_ in words("relative_pronouns") or doc[p.lo].dep_ == "case" and
                           doc[p.lo].head.i == head.i and doc[p.lo].lower_ not in words("contracted_articles")):
        p.lo += 1


@rule("source", example=("fr", "Marine Le Pen a affirmé que son groupe voterait la censure."),
      expect={"source": "Marine Le Pen", "cue": "a affirmé", "content": "que son groupe voterait la censure"})
def first_name_before_a_particle_name(p: Phrase):
    """A capitalised word just before a name that opens with a capitalised particle ("Le Pen",
    "van der Berg") is the name's first word, whatever the parser made of it ("Marine": the navy)."""
    doc = p.doc
    first = doc[p.lo]
    if (p.lo > 0 and _particle(first) and p.head.pos_ == "PROPN" and doc[p.lo - 1].is_title
            and doc[p.lo - 1].pos_ in ("NOUN", "PROPN", "ADJ") and doc[p.lo - 1].whitespace_):
        p.lo -= 1
    k = p.hi + 1  # "a déclaré Marine Le Pen": the rest of the name after the phrase
    if doc[p.hi].is_title and k + 1 < len(doc) and _particle(doc[k]) and doc[k + 1].pos_ == "PROPN":
        p.hi = k + 1


def _particle(tok) -> bool:
    return tok.text[:1].isupper() and tok.lower_ in words("name_particles")


@rule("source", example=("en", "Critics say the new tax will hit pensioners hardest, a charge ministers deny."),
      expect={"source": "ministers", "cue": "deny"})
def apposed_noun_before_a_plural_speaker(p: Phrase):
    """"a charge ministers deny": the singular "a charge" the parser glued to a plural speaker is the
    apposition the speaker's clause describes (a relative clause without "that"), not the speaker."""
    doc, head = p.doc, p.head
    if not (p.before_verb and p.lo > 0 and doc[p.lo - 1].text == "," and doc[p.lo].lower_ in words("singular_articles")
            and doc[p.lo].head.i == head.i and head.tag_ == "NNS"):
        return
    if p.lo + 2 <= head.i and doc[p.lo + 1].dep_ == "compound" and doc[p.lo + 1].tag_ == "NN":
        p.lo += 2  # the apposed noun is one word: "an accusation company bosses reject" keeps "company"


@rule("source", example=("fr", "Les syndicats et le patronat ont dénoncé un texte « déséquilibré »."),
      expect={"source": "Les syndicats et le patronat", "cue": "ont dénoncé"})
def coordinated_subjects_speak_together(p: Phrase):
    """Two coordinated subjects before the verb are one source."""
    doc, head, lo = p.doc, p.head, p.lo
    if p.before_verb and lo > 1 and doc[lo - 1].lower_ in words("subject_coordinators") and head.dep_ in SUBJECT_DEPS:
        other = climb(doc[lo - 2], lambda t: t.head.i != head.head.i and t.head.i < lo - 1)
        if other.head.i == head.head.i and other.dep_ in SUBJECT_DEPS and other.pos_ in ("NOUN", "PROPN") or \
                other.dep_ == "conj" and other.head.i == head.i:
            p.lo = other.left_edge.i


@rule("source", example=("fr", "Le porte-parole de l'état-major, le colonel Pierre Lenoir, a confirmé la frappe."),
      expect={"source": "Le porte-parole de l'état-major, le colonel Pierre Lenoir", "cue": "a confirmé",
              "content": "la frappe"})
def title_before_an_apposed_name(p: Phrase):
    """A name between commas after a title at the head of the clause keeps the title."""
    doc, lo = p.doc, p.lo
    if not (p.before_verb and lo > 1 and doc[lo - 1].text == "," and p.hi + 1 < len(doc) and doc[p.hi + 1].text == ","
            and doc[lo].lower_ not in words("relative_pronouns", "possessive_relatives")
            and doc[lo].pos_ in ("DET", "PROPN")):
        return
    j = lo - 2
    while j > 0 and (_np_token(doc[j - 1]) or glued(doc[j - 1], doc[j])) and doc[j - 1].text != ",":
        j -= 1
    segment = doc[j:lo - 1]
    opener = j == 0 or doc[j - 1].text == "," and j >= 2  # "Speaking to the BBC, the head of the NHS, X, said"
    if opener and segment[0].pos_ in ("DET", "PROPN") and any(t.pos_ in ("NOUN", "PROPN") for t in segment) and \
            not any(t.pos_ in ("VERB", "AUX", "NUM") or t.lower_ in words("time_nouns", "time_words") for t in segment):
        p.lo = j


@rule("source", example=("fr", "La réforme sera maintenue, a assuré mardi le ministre sur France Inter."),
      expect={"source": "le ministre", "content": "La réforme sera maintenue"})
def speaker_stops_before_the_medium(p: Phrase):
    """A French speaker after the verb ends where the verb's adjuncts begin ("sur France Inter")."""
    if p.after_verb and p.doc.lang_ == "fr":
        for k in range(p.head.i + 1, p.hi + 1):
            if p.doc[k].lower_ in words("speaker_adjunct_prepositions"):
                p.hi = k - 1
                break


@rule("source", example=("fr", "Le chômage a atteint 7,4 %, a indiqué l'Insee mardi."),
      expect={"source": "l'Insee", "cue": "a indiqué"})
def speaker_stops_before_a_time_word(p: Phrase):
    """A speaker after the verb ends before a bare time word the parser hung on it ("l'Insee mardi")."""
    if p.after_verb:
        for k in range(p.head.i + 1, p.hi + 1):
            if p.doc[k].lower_ in words("time_nouns") and p.doc[k - 1].pos_ not in ("ADP", "DET"):
                p.hi = k - 1
                break


@rule("source", example=("fr", "Le trafic sera perturbé jeudi, a prévenu mercredi la direction de la SNCF."),
      expect={"source": "la direction de la SNCF", "cue": "a prévenu"})
def speaker_starts_after_a_time_word(p: Phrase):
    """A speaker after the verb starts after the bare time words the parser hung on it ("mercredi la direction")."""
    while p.after_verb and p.lo < p.head.i and p.doc[p.lo].lower_ in words("time_nouns"):
        p.lo += 1


@rule("source", example=("fr", "« Il faut rester prudent », prévient un cadre du parti, sous couvert d'anonymat."),
      expect={"source": "un cadre du parti", "cue": "prévient", "content": "« Il faut rester prudent »"})
def adjunct_after_a_comma_leaves_the_speaker(p: Phrase):
    """A prepositional phrase after a comma inside the phrase is an adjunct of the verb."""
    doc = p.doc
    for k in range(p.lo + 1, p.hi):
        if doc[k].text == "," and doc[k + 1].pos_ == "ADP" or doc[k].text == "," and doc[k + 1].lower_ == "lors":
            p.hi = k - 1
            break


@rule("source", example=("fr", "« Nous avons été trahis », a réagi le président de la fédération, Étienne Morvan."),
      expect={"source": "le président de la fédération, Étienne Morvan", "cue": "a réagi"})
def apposition_after_the_speaker(p: Phrase):
    """A speaker after the verb keeps an apposition the parse left out, if it ends the clause."""
    doc, hi = p.doc, p.hi
    if p.after_verb and hi + 2 < len(doc) and doc[hi + 1].text == ",":
        p.hi = _apposition_end(doc, hi)


def _apposition_end(doc, hi: int) -> int:
    """Where "a réagi le président de la fédération, Étienne Morvan." / "reconnaît Paul Fabre, éleveur
    à Aurillac, qui ..." ends: a name after a title, or a bare noun phrase after a name; ``hi`` if none."""
    k = hi + 2
    first = doc[k]
    if first.pos_ == "PROPN" and (doc[hi].pos_ != "PROPN" or k + 1 < len(doc) and doc[k + 1].pos_ == "PROPN"):
        ok = lambda t: t.pos_ == "PROPN" or t.text.startswith("-")  # noqa: E731
    elif doc[hi].pos_ == "PROPN" and first.pos_ == "NOUN" and first.is_lower:
        inner = words("np_inner_adps", "apposition_prepositions")
        ok = lambda t: t.pos_ in ("NOUN", "PROPN", "ADJ", "DET") or t.lower_ in inner  # noqa: E731
    else:
        return hi
    end = k
    while end + 1 < len(doc) and ok(doc[end + 1]):
        end += 1
    after = doc[end + 1] if end + 1 < len(doc) else None
    if after is None or after.text in (",", ".", "!", "?", ";") or after.is_quote:
        return end
    return hi


BOUNDARY_RULES = (name_parsed_as_a_second_subject, title_parsed_as_a_second_subject,
                  no_relative_or_preposition_in_front, apposed_noun_before_a_plural_speaker,
                  first_name_before_a_particle_name,
                  coordinated_subjects_speak_together,
                  title_before_an_apposed_name, speaker_stops_before_the_medium,
                  speaker_stops_before_a_time_word, speaker_starts_after_a_time_word,
                  adjunct_after_a_comma_leaves_the_speaker,
                  apposition_after_the_speaker)


def _np_token(tok) -> bool:
    if tok.pos_ in ("DET", "NOUN", "PROPN", "ADJ", "NUM", "X"):
        return tok.lower_ not in words("relative_pronouns")
    if tok.pos_ == "ADP":
        return tok.lower_ in words("np_inner_adps")
    return tok.text in ("-", "'", "\u2019") or tok.text.startswith("-")


def np_before(text: str, doc, char_end: int):
    """The noun phrase just before ``char_end`` (past object clitics and one aside set off by
    commas): "Le chauffard, dont le permis ..., a prétendu" -> "Le chauffard". A fallback for
    subjects the parser missed."""
    i = max((t.i for t in doc if t.idx + len(t) <= char_end), default=-1)
    while i >= 0 and doc[i].lower_ in words("clitics", "negation_particles", "object_pronouns"):
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
    if doc[i].pos_ == "PRON" and doc[i].lower_ not in words("relative_pronouns", "clitics"):
        return tok_span(text, doc[i], doc[i])
    if doc[i].pos_ not in ("NOUN", "PROPN", "ADJ", "NUM", "X"):
        return None
    k = i
    while k > 0 and _np_token(doc[k - 1]) and i - k < 12:
        k -= 1
    while k < i and doc[k].pos_ == "ADP":
        k += 1
    if not any(t.pos_ in ("NOUN", "PROPN") for t in doc[k:i + 1]):
        return None
    return tok_span(text, doc[k], doc[i])
