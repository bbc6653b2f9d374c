"""Source stage: who speaks.

For a reporting verb, ``of_verb`` starts from the parser's subject, lets the ``SPEAKER_RULES``
move it (or answer outright), then takes the noun phrase of the token left (``phrase.py``). For
a "selon X" / "according to X" phrase, ``of_phrase`` reads the noun phrase after it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from service.core.attribution import tree
from service.core.attribution.context import Sentence, VerbCue
from service.core.attribution.incise import is_incise
from service.core.attribution.phrase import noun_phrase, np_before
from service.core.attribution.rules import NOTHING, first, rule, settle
from service.core.attribution.spans import Attribution, Span, exact, span
from service.core.attribution.words import ordered, words
from service.core.syntax import climb


@dataclass
class Speaker:
    """The token the rules so far take for the speaker (the parser's subject at first)."""

    tok: object


def of_verb(v: VerbCue) -> Span | None:
    """The source of a reporting verb, or None."""
    speaker = Speaker(v.subject)
    answer = first(SPEAKER_RULES, v, speaker)
    subj = speaker.tok
    if answer is not None or subj is None:  # (no subject left: only with rules switched off)
        return settle(answer, None)
    return noun_phrase(v.text, subj, v.quotes, stop=v.verb.idx if subj.i < v.verb.i else None, verb=v.verb)


@rule("source", example=("fr", "Le film a été jugé « trop violent » par la commission de classification."),
      expect={"source": "la commission de classification", "cue": "a été jugé", "content": "« trop violent »"})
def passive_agent_speaks(v: VerbCue, s: Speaker):
    """In a true passive the agent speaks, not the subject; without an agent no one does."""
    if tree.passive_subject(s.tok):
        agent = tree.agent(v.verb)
        return (noun_phrase(v.text, agent, v.quotes, verb=v.verb) if agent is not None else None) or NOTHING


@rule("source", example=("fr", ("Le chef de l'État, qui recevait les syndicats à l'Élysée, leur a garanti que la "
                                "réforme ne toucherait pas aux carrières longues.")),
      expect={"source": "Le chef de l'État", "cue": "a garanti",
              "content": "que la réforme ne toucherait pas aux carrières longues"})
def clitics_are_no_subject(v: VerbCue, s: Speaker):
    """An object clitic the parser took for the subject gives way to the verb's other subject."""
    if s.tok is not None and s.tok.lower_ in words("clitics"):
        s.tok = next((c for c in v.verb.children
                      if c.dep_ in tree.SUBJECT_DEPS and c.lower_ not in words("clitics")), None)


@rule("source", example=("fr", "Le rectorat nous a confirmé que les écoles resteraient fermées."),
      expect={"source": "Le rectorat", "cue": "a confirmé", "content": "que les écoles resteraient fermées"})
def object_pronoun_after_the_subject(v: VerbCue, s: Speaker):
    """"nous" / "vous" after another subject is an object ("On nous répète que")."""
    if s.tok is not None and s.tok.lower_ in words("object_pronouns") and s.tok.i < v.verb.i:
        other = [c for c in v.verb.children if c.dep_ in tree.SUBJECT_DEPS and c.i < s.tok.i]
        s.tok = other[0] if other else s.tok


@rule("source", example=("fr", "Le syndicat affirme que la direction « savait » et dénonce un « scandale »."),
      expect={"source": "Le syndicat", "cue": "dénonce", "content": "un « scandale »"})
def misparsed_conjunct_shares_the_subject(v: VerbCue, s: Speaker):
    """A verb coordinated with the reporting verb but parsed inside its clause has that verb's subject."""
    reporter = tree.main_conjunct(v.verb)
    if reporter is not None:
        s.tok = tree.subject(reporter)


@rule("source", example=("en", "The minister denied the report and added that talks would go on."),
      expect={"source": "The minister", "cue": "added"})
def conjunct_shares_the_subject(v: VerbCue, s: Speaker):
    """A coordinated or controlled verb with no subject has its head's ("X a démenti et a ajouté que")."""
    verb = v.verb
    if s.tok is None and verb.dep_.split(":")[0] in ("conj", "xcomp") and verb.head.i != verb.i:
        s.tok = tree.subject(verb.head)


@rule("source", example=("fr", ("Les syndicats réclament une hausse des salaires et dénoncent « un mépris total » de "
                                "la direction.")),
      expect={"source": "Les syndicats", "cue": "dénoncent"})
def conjunct_of_an_object_shares_its_verbs_subject(v: VerbCue, s: Speaker):
    """A finite verb the parser coordinated with the previous verb's object ("réclament une hausse et
    dénoncent") has that verb's subject, when both verbs have the same form."""
    verb = v.verb
    if s.tok is None and verb.dep_ == "conj" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        owner = climb(verb.head, lambda t: t.pos_ not in ("VERB", "AUX"))
        if owner.i < verb.i and owner.pos_ in ("VERB", "AUX") and tree.verb_form(owner) == tree.verb_form(verb):
            s.tok = tree.subject(owner)


@rule("source", example=("fr", "Il a par ailleurs promis des renforts."),
      expect={"source": "Il", "content": "des renforts"})
def auxiliary_read_as_the_verb_lends_its_subject(v: VerbCue, s: Speaker):
    """An auxiliary the parser made the main verb ("Il a par ailleurs promis": "promis" its clause) has the subject."""
    verb, head = v.verb, v.verb.head
    if s.tok is None and verb.dep_ == "ccomp" and head.i < verb.i and head.lemma_ in words("group_auxiliaries"):
        s.tok = tree.subject(head)


@rule("source", example=("fr", "La hausse des prix va ralentir, a estimé jeudi la présidente de la Banque centrale."),
      expect={"source": "la présidente de la Banque centrale", "cue": "a estimé"})
def incise_speaker_follows_the_verb(v: VerbCue, subj):
    """In an incise after a comma or a quote, the speaker follows the verb."""
    return is_incise(v.verb, v.group_start, subj) and not v.gerund or None


@rule("source", example=("fr", ("Les enquêteurs estiment que le suspect a agi seul, une hypothèse que conteste son "
                                "avocat.")),
      expect={"source": "son avocat", "cue": "conteste"})
def object_relative_inverts_the_subject(v: VerbCue, subj):
    """After an object relative ("une hypothèse que conteste X"), the speaker follows the verb."""
    return tree.inverted_relative(v.verb, v.group_start, subj) or None


@rule("source", example=("fr", "Comme l'a rappelé le président, la dette reste élevée."),
      expect={"source": "le président", "cue": "a rappelé", "content": "la dette reste élevée"})
def as_frame_speaker_follows(v: VerbCue, subj):
    """In "Comme l'a rappelé X, P" / "As X pointed out", the speaker follows the verb."""
    return subj is None and any(c.dep_ == "mark" and c.lower_ in words("frame_markers") and c.i < v.verb.i
                                for c in v.verb.children) or None


@rule("source", example=("fr", "Le club « avance selon le plan », assure son président."),
      expect={"source": "son président", "cue": "assure", "content": "Le club « avance selon le plan »"})
def speaker_after_the_verb(v: VerbCue, s: Speaker):
    """Where the speaker follows the verb, it is the noun phrase right after it (often parsed as an object)."""
    if first((incise_speaker_follows_the_verb, object_relative_inverts_the_subject, as_frame_speaker_follows),
             v, s.tok):
        s.tok = tree.incise_subject(v.verb) or s.tok


@rule("source", example=("fr", "Le texte a été adopté, sa présidente jugeant « prématuré » tout recours."),
      expect={"source": "sa présidente", "cue": "jugeant"})
def absolute_participle_subject(v: VerbCue, s: Speaker):
    """A French present participle after a comma and a noun phrase has that phrase for subject."""
    verb, doc = v.verb, v.doc
    if s.tok is None and tree.present_participle(verb) and verb.i > 0 and doc[verb.i - 1].lower_ != "en":
        absolute = np_before(v.text, doc, verb.idx)
        if absolute is not None and doc[verb.i - 1].pos_ in ("NOUN", "PROPN") and \
                v.text[:absolute.start].rstrip().endswith(","):
            return absolute


@rule("source", example=("fr", ("La Chine a opposé un démenti catégorique à des articles de presse faisant état "
                                "d'une base militaire au Cambodge.")),
      expect={"source": "des articles de presse", "cue": "faisant état",
              "content": "d'une base militaire au Cambodge"})
def participle_speaks_for_its_noun(v: VerbCue, s: Speaker):
    """A present participle that modifies a noun has that noun for speaker ("des articles faisant état de")."""
    verb = v.verb
    if s.tok is None and tree.present_participle(verb) and verb.i > 0 and v.doc[verb.i - 1].lower_ != "en" and \
            verb.dep_.split(":")[0] == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        s.tok = verb.head


@rule("source", example=("fr", ("Le syndicat a dénoncé la réforme, tout en reconnaissant que des avancées avaient "
                                "été obtenues.")),
      expect={"source": "Le syndicat", "cue": "en reconnaissant"})
def gerund_has_its_controller(v: VerbCue, s: Speaker):
    """A gerund or participle with no subject has the subject of the clause it depends on."""
    if s.tok is None and v.gerund:
        s.tok = tree.controller(v.verb)


@rule("source", example=("fr", "Une prévision jugée « optimiste » par le HCFP a été retenue."),
      expect={"source": "le HCFP", "cue": "jugée"})
def participle_agent_speaks(v: VerbCue, s: Speaker):
    """A past participle with no subject has its agent for speaker ("jugée « optimiste » par le HCFP")."""
    verb = v.verb
    if s.tok is None and (tree.participle(verb) or verb.tag_ == "VBN"):
        agent = tree.agent(verb)
        if agent is not None:
            return noun_phrase(v.text, agent, v.quotes, verb=verb) or NOTHING


@rule("source", example=("fr", "Municipales : le maire de Rennes accusé de favoritisme dans un marché public"),
      expect={"source": None, "cue": "accusé"})
def past_participle_of_its_noun_has_no_speaker(v: VerbCue, s: Speaker):
    """A past participle that modifies a noun, with no agent, says something about that noun,
    which is not its speaker: a headline's "le maire accusé de favoritisme" (the accused). French
    only: an English verb with no subject has no source anyway (next rule)."""
    verb = v.verb
    if s.tok is None and v.doc.lang_ == "fr" and tree.participle(verb) and not tree.present_participle(verb) and \
            verb.dep_.split(":")[0] == "acl" and v.group_start == verb.i:
        return NOTHING


@rule("source", example=("en", "“Every legal vote will be counted,” the county recorder said in a video posted on X."),
      expect={"source": None, "cue": "posted", "content": "“Every legal vote will be counted,”"})
def no_subject_no_source(v: VerbCue, s: Speaker):
    """An infinitive, a gerund or an English verb with no subject has no source (the English parser finds
    its subjects; a French verb has a fallback, next rule)."""
    if s.tok is None and (tree.infinitive(v.verb) or v.gerund or v.doc.lang_ == "en"):
        return NOTHING


@rule("source", example=("fr", "Le chauffard, dont le permis avait été suspendu, a prétendu ne pas avoir vu le feu."),
      expect={"source": "Le chauffard", "cue": "a prétendu"})
def noun_phrase_before_the_verb(v: VerbCue, s: Speaker):
    """A French verb whose subject the parser missed has the noun phrase before its group."""
    if s.tok is None:
        return np_before(v.text, v.doc, v.doc[v.group_start].idx) or NOTHING


@rule("source", example=("fr", "« Nous gagnerons », a-t-il dit."), expect={"source": "il", "cue": "a-t-il dit"})
def inverted_pronoun_subject(v: VerbCue, s: Speaker):
    """An inverted pronoun ("a-t-il dit") is the speaker without its hyphen."""
    subj = s.tok
    if subj is not None and subj.lower_ == "-t" and subj.i + 1 < len(v.doc) and v.doc[subj.i + 1].text.startswith("-"):
        subj = v.doc[subj.i + 1]  # "a-t-elle précisé": the parse may take the euphonic "-t" for the subject
    if subj is not None and subj.text.startswith("-") and (subj.pos_ == "PRON" or subj.i > 0 and v.doc[subj.i - 1].lower_ == "-t"):
        return span(v.text, subj.idx + 1, subj.idx + len(subj)) or NOTHING


@rule("source", example=("fr", ("Les pompiers ont maîtrisé l'incendie vers minuit, a indiqué la préfecture, qui "
                                "évoque des dégâts « considérables ».")),
      expect={"source": "la préfecture", "cue": "évoque"})
def relative_after_an_incise(v: VerbCue, s: Speaker):
    """A relative after a comma with no antecedent in the parse speaks for the phrase before the comma."""
    subj, doc = s.tok, v.doc
    if subj is not None and tree.relative(subj) and tree.antecedent(v.verb) is None and subj.i > 0 and \
            doc[subj.i - 1].text == ",":
        return np_before(v.text, doc, doc[subj.i - 1].idx) or NOTHING


@rule("source", example=("fr", ("Les pompiers, prévenus par un voisin qui affirmait avoir senti du gaz, sont "
                                "intervenus.")),
      expect={"source": "un voisin", "cue": "affirmait"})
def relative_subject_is_its_antecedent(v: VerbCue, s: Speaker):
    """A relative pronoun speaks for its antecedent (else for the noun phrase before it)."""
    if s.tok is not None and tree.relative(s.tok):
        antecedent = tree.antecedent(v.verb)
        if antecedent is None:
            return np_before(v.text, v.doc, s.tok.idx) or NOTHING
        s.tok = antecedent


SPEAKER_RULES = (passive_agent_speaks, clitics_are_no_subject, object_pronoun_after_the_subject,
                 misparsed_conjunct_shares_the_subject, conjunct_shares_the_subject,
                 conjunct_of_an_object_shares_its_verbs_subject,
                 auxiliary_read_as_the_verb_lends_its_subject, speaker_after_the_verb,
                 absolute_participle_subject, participle_speaks_for_its_noun, gerund_has_its_controller,
                 participle_agent_speaks, past_participle_of_its_noun_has_no_speaker, no_subject_no_source,
                 noun_phrase_before_the_verb,
                 inverted_pronoun_subject, relative_after_an_incise, relative_subject_is_its_antecedent)


@rule("source", example=("fr", "Les négociations « avancent bien », affirme-t-on à Bercy."),
      expect={"source": "on", "cue": "affirme-t-on", "content": "Les négociations « avancent bien »"})
def inverted_clitic_joins_the_cue(v: VerbCue, a: Attribution):
    """An inverted clitic after the verb ("affirme-t-on", "estime-t-il") is part of the cue and is the source."""
    clitic = tree.INVERSION_CLITIC.match(v.text, a.cue.end)
    if clitic:
        a.cue = exact(v.text, a.cue.start, clitic.end())
        a.source = exact(v.text, clitic.start(1), clitic.end(1))
        if a.content is not None and a.content.start <= a.cue.start < a.content.end:
            a.content = span(v.text, a.content.start, a.cue.start)


def of_phrase(s: Sentence, cue) -> Span | None:
    """The noun phrase after "selon" / "according to": up to the next clause break (or, for
    "X was quoted as saying", the subject before the phrase)."""
    before = subject_before_a_passive_phrase(s, cue)
    if before is not None:
        return settle(before, None)
    text, end = s.text, len(s.text)
    for mark in (",", ";", ":", " - ", " – ", " — ", "«", "\u201c", '"', "("):
        k = text.find(mark, cue.end)
        if k != -1:
            end = min(end, k)
    found = span(text, cue.end, end)
    if found is None:
        return None
    for narrow in (anonymity_relative_leaves_the_selon_source, long_selon_source_keeps_its_first_noun):
        found = settle(narrow(s, found), found)
        if found is None:
            return None
    return found


@rule("source", example=("en", "Two officials were quoted as saying the talks had failed."),
      expect={"source": "Two officials", "cue": "were quoted as saying", "content": "the talks had failed"})
def subject_before_a_passive_phrase(s: Sentence, cue):
    """"X was quoted as saying P", "if X is to be believed": the source is the subject before the phrase."""
    if s.doc is not None and s.text[cue.start:cue.end].lower() in words("subject_first_phrases"):
        return np_before(s.text, s.doc, cue.start) or NOTHING


@rule("source", example=("en", "The talks have stalled, according to a senior diplomat who requested anonymity."),
      expect={"source": "a senior diplomat", "cue": "according to", "content": "The talks have stalled"})
def anonymity_relative_leaves_the_selon_source(s: Sentence, found: Span):
    """"according to a senior diplomat who requested anonymity": the source ends before "who"."""
    anonymity = re.search(r"\s(?:who|qui)\s[^,]*(?:anonym|named|nommé)", found.text, re.IGNORECASE)
    if anonymity:
        return span(s.text, found.start, found.start + anonymity.start()) or NOTHING


@rule("source", example=("fr", ("Selon l'avocat de la famille le dossier aurait été transmis au parquet national "
                                "antiterroriste jeudi.")),
      expect={"source": "l'avocat de la famille", "cue": "Selon",
              "content": "le dossier aurait été transmis au parquet national antiterroriste jeudi"})
def long_selon_source_keeps_its_first_noun(s: Sentence, found: Span):
    """A source of more than 12 tokens keeps the subtree of its first noun."""
    if s.doc is None:
        return None
    toks = s.doc.char_span(found.start, found.end, alignment_mode="expand")
    if toks is not None and len(toks) > 12:
        for t in toks:
            if t.pos_ in ("NOUN", "PROPN", "PRON"):
                head = climb(t, lambda h: toks.start <= h.head.i < toks.end and h.head.pos_ in ("NOUN", "PROPN"))
                return span(s.text, max(found.start, head.left_edge.idx),
                            min(found.end, head.right_edge.idx + len(head.right_edge))) or NOTHING
    return None


def normalise_source(name: str, lang: str) -> str:
    """Grouping key: case- and determiner-insensitive."""
    key = " ".join(name.replace("\u2019", "'").lower().split())
    determiners = (d if d.endswith("'") else d + " " for d in ordered("determiners", lang))
    for det in sorted(determiners, key=len, reverse=True):
        if key.startswith(det):
            key = key[len(det):]
            break
    return key.strip()
