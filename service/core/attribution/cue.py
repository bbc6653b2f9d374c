"""Cues stage: which cues of the sentence report a claim, and how far each cue reaches.

``select`` sorts the sentence's cues into reporting verbs (with their token) and source phrases;
``may_report`` and ``reports`` drop the verbs that report no claim, before and after their content
is known; ``phrase_is_no_cue`` drops phrases that only qualify something else; ``verb_group``
gives the text of a verb cue.
"""
from __future__ import annotations

from service.core.attribution import tree
from service.core.attribution.content import Said
from service.core.attribution.context import Sentence, VerbCue
from service.core.attribution.intents import (breaks_out, forecasts_no_outcome, outbreaks_report_nothing,
                                              plans_report_nothing, wishes_and_orders_report_nothing,
                                              wishes_or_orders)
from service.core.attribution.rules import first, rule, settle
from service.core.attribution.spans import Attribution, Span, exact, in_quote
from service.core.attribution.words import words
from service.core.cues import Cue
from service.core.lexicon import get_lexicon, grammar_words


def select(s: Sentence) -> tuple[list[VerbCue], list[Cue]]:
    """The sentence's reporting verbs (those a parse gives a token) and source phrases, in text order."""
    verbs, phrases = [], []
    for cue in s.cues:
        if cue.type == "reporting_verb":
            if negated_verbs_report_nothing(cue) or compounds_are_no_cues(s, cue):
                continue
            verb = tree.verb_token(s.doc, cue.start, cue.end) if s.doc is not None else None
            if verb is not None:
                verbs.append(VerbCue(s, verb, cue, cue.lemma, cue.stance or "neutral"))
        elif cue.type in ("according_to", "unnamed_source"):
            found = verb_in_an_unnamed_phrase(s, cue)
            if found is not None:
                verbs.append(found)
            else:
                phrases.append(cue)
    return verbs, phrases


@rule("cues", example=("en", "Customs and Border Protection did not respond to a request for comment."), expect=None)
def negated_verbs_report_nothing(cue: Cue):
    """A negated reporting verb reports nothing ("did not respond"), except a denial ("n'exclut pas")."""
    return cue.negated and cue.stance != "denial" or None


@rule("cues", example=("fr", "La Russie a peut-être sous-estimé la capacité de résistance des villes de l'Est."),
      expect=None)
def compounds_are_no_cues(s: Sentence, cue: Cue):
    """A verb form inside a hyphenated compound ("la soi-disant trêve") is no cue."""
    return cue.start > 0 and s.text[cue.start - 1] == "-" or None


@rule("cues", example=("en", "Officials said the toll could rise."),
      expect={"type": "unnamed_source", "source": "Officials", "cue": "said", "content": "the toll could rise"})
def verb_in_an_unnamed_phrase(s: Sentence, cue: Cue):
    """"officials said", "sources say": a source phrase whose verb has its subject inside the phrase is
    that verb's cue, with an unnamed source."""
    lexicon = get_lexicon(s.lang).verbs_by_lemma
    found = s.doc.char_span(cue.start, cue.end, alignment_mode="expand") if s.doc is not None else None
    verb = next((t for t in found or () if t.pos_ == "VERB" and t.lemma_.lower() in lexicon), None)
    anonymity = any(w in cue.text.lower() for w in words("anonymity_words"))
    if verb is not None and "-" not in cue.text and not anonymity and any(
            c.dep_ in tree.SUBJECT_DEPS and found.start <= c.i < found.end for c in verb.children):
        entry = lexicon[verb.lemma_.lower()]
        vcue = Cue("reporting_verb", verb.text, verb.idx, verb.idx + len(verb), main_clause=cue.main_clause)
        return VerbCue(s, verb, vcue, entry.lemma, entry.stance, unnamed=True)


def may_report(v: VerbCue) -> bool:
    """Whether the verb may report a claim at all, judged by its lemma and complements."""
    return not first((requests_report_no_claim, recommendations_need_a_clause, threats_need_a_complement,
                      findings_need_a_finder_or_a_complement, rejections_need_a_claim,
                      anonymity_wishes_report_nothing, impersonal_infinitives_report_nothing,
                      wishes_and_orders_report_nothing, outbreaks_report_nothing, plans_report_nothing,
                      first_person_inside_a_quote_is_the_quote), v)


def reports_no_claim_itself(verb, lemma: str) -> bool:
    """A wish or an order with an infinitive, an outbreak, a forecast with no outcome, or a verb
    that reports only with a complement without one ("unveiled its budget", "menace les
    récoltes"): the verb reports nothing whatever its content (the classifier's features and the
    strength model's sourcing ask this too)."""
    return (wishes_or_orders(verb, lemma) or breaks_out(verb, lemma) or forecasts_no_outcome(verb, lemma)
            or needs_a_complement_it_lacks(verb, lemma))


@rule("cues", example=("en", "It is false to say that the firm was close to collapse."), expect=None)
def impersonal_infinitives_report_nothing(v: VerbCue):
    """An infinitive of saying after an impersonal "it is / il est + adjective" ("It is false to
    say that", "Il serait faux de dire que", "It would be wrong to suggest that") is the author's
    own judgement of the claim, nobody's report (its level comes from the strength markers)."""
    verb, head = v.verb, v.verb.head
    judged = head.pos_ == "ADJ" or any(c.dep_ == "acomp" and c.pos_ == "ADJ" for c in head.children)
    if tree.infinitive(verb) and head.i != verb.i and judged:  # not "Il a tenu à dire que"
        subj = tree.subject(head)
        return subj is not None and subj.lower_ in words("impersonal_subjects") or None


@rule("cues", example=("fr", "Le syndicat réclame le maintien des postes."), expect=None)
def requests_report_no_claim(v: VerbCue):
    """Calls and requests report no claim ("a demandé la relaxe", "réclame le maintien des lits")."""
    return v.lemma in words("request_lemmas") or None


@rule("cues", example=("fr", "« C'est une catastrophe », résume un habitant, qui souhaite l'anonymat."),
      expect={"source": "un habitant", "cue": "résume", "content": "« C'est une catastrophe »"})
def anonymity_wishes_report_nothing(v: VerbCue):
    """A wish for anonymity reports no claim ("qui souhaite l'anonymat"; with an infinitive, "qui
    souhaite garder l'anonymat", ``wishes_and_orders_report_nothing`` says so first)."""
    return any(w in t.lower_ for t in _objects(v.verb) for w in words("anonymity_words")) or None


def _objects(verb, depth: int = 0) -> list:
    """The verb's objects and infinitives, and theirs, without the clauses that hang on them
    ("résume un habitant qui souhaite ...": "un habitant", not its relative clause)."""
    out = []
    for c in verb.children:
        if c.dep_.split(":")[0] in ("obj", "dobj", "xcomp"):
            out.append(c)
            if depth < 4:
                out.extend(_objects(c, depth + 1))
    return out


def _complement_after(verb, deps) -> bool:
    return any(c.dep_ in deps and c.i > verb.i for c in verb.children)


PREDICATE_DEPS = ("ccomp", "xcomp", "oprd")  # a clause, an infinitive or a predicate after the verb


def lacks_its_complement(verb, lemma: str) -> bool:
    """A verb that reports only with a complement, without one: a threat or "consider" with a
    plain object, "find" with one unless an inquiry or a study finds (the attribution rules below
    and the strength model's sourcing rules both ask)."""
    if _complement_after(verb, PREDICATE_DEPS) or any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children):
        return False  # a clause after the verb, or before it in a tail report ("P, the team found")
    if lemma in words("complement_only_lemmas"):
        return True
    if lemma in words("finding_lemmas", "showing_lemmas"):
        subject = next((c for c in verb.children if c.dep_ in tree.SUBJECT_DEPS), None)
        if subject is None:  # "Les chiffres, a précisé le ministère, montrent": the parse lost it
            return lemma in words("finding_lemmas")
        return subject.lemma_.lower() not in words("finder_nouns")
    return False


@rule("cues", example=("fr", "Les autorités recommandent de ne pas consommer l'eau du robinet."), expect=None)
def recommendations_need_a_clause(v: VerbCue):
    """A recommendation reports a claim only with a "que/that" clause ("recommandent de ne pas consommer" is a call)."""
    return v.lemma in words("clause_only_lemmas") and not _complement_after(v.verb, ("ccomp",)) or None


@rule("cues", example=("fr", "La sécheresse menace les récoltes de blé."), expect=None)
def threats_need_a_complement(v: VerbCue):
    """A threat reports a claim only with a clause or an infinitive ("la famine menace deux millions de
    personnes" reports nothing)."""
    return needs_a_complement_it_lacks(v.verb, v.lemma) or None


def needs_a_complement_it_lacks(verb, lemma: str) -> bool:
    """``threats_need_a_complement``'s test: a ``complement_only_lemmas`` verb without one."""
    return lemma in words("complement_only_lemmas") and lacks_its_complement(verb, lemma)


@rule("cues", example=("en", "Police found the body of a woman in a flat on Sunday."), expect=None)
def findings_need_a_finder_or_a_complement(v: VerbCue):
    """"find" reports a finding with a clause or a predicate ("found that", "found him guilty", "P, the team found") or
    when an inquiry, a study or researchers find ("A study found a link"); "Police found the body",
    "The club has found a buyer" report nothing. "show" / "montrer" likewise, except that a
    subject the parse lost counts as a finder ("The patient showed no sign of infection" reports
    nothing; "The video shows soldiers firing" does)."""
    return v.lemma in words("finding_lemmas", "showing_lemmas") and lacks_its_complement(v.verb, v.lemma) or None


@rule("cues", example=("en", "The Senate rejected the bill by 52 votes to 48."), expect=None)
def rejections_need_a_claim(v: VerbCue):
    """"reject", "dismiss", "rejeter" deny a claim only when what they reject is one ("rejected
    the allegations", "a rejeté ces accusations", a clause); a bill, an appeal or a manager
    rejected or dismissed is an act, not a report. "deny" is one too when it withholds ("was
    denied bail", "could deny England victory", "denied the appeal")."""
    return rejects_no_claim(v.verb, v.lemma) or None


def rejects_no_claim(verb, lemma: str) -> bool:
    """Whether a rejection verb (``rejection_lemmas``) has an object, or passive subject, that is
    a noun other than a claim noun (``claim_nouns``) and no clause or "as" judgement after it, or
    a withholding verb (``withholding_lemmas``) has someone it withholds from or a thing it
    withholds (``withheld_nouns``). Also read by the strength markers and sourcing."""
    if lemma in words("withholding_lemmas"):
        deps = {c.dep_ for c in verb.children}
        thing = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        return bool(deps & {"dative", "iobj"}) or (thing is not None and (
            bool(deps & {"nsubjpass", "nsubj:pass"}) or thing.lemma_.lower() in words("withheld_nouns")))
    if lemma not in words("rejection_lemmas") or _complement_after(verb, PREDICATE_DEPS):
        return False
    if tree.framed_complement(verb.children, ("prep", "obl", "obl:arg", "obl:mod", "advcl"), words("frame_markers")):
        return False  # "dismissed the fine as absurd": a judgement, reported
    thing = next((c for c in verb.children if c.dep_ in ("dobj", "obj", "nsubjpass", "nsubj:pass")), None)
    return thing is not None and thing.pos_ in ("NOUN", "PROPN") and \
        thing.lemma_.lower() not in words("claim_nouns") and thing.lower_ not in words("claim_nouns")


def reports(v: VerbCue, said: Said, source: Span | None) -> bool:
    """Whether the verb, now that its content and source are known, reports a claim."""
    if not said.inverted:  # an inverted incise ("P, estime-t-il") always does
        if not first(REPORT_TESTS, v, said.content) or negative_subjects_report_nothing(v):
            return False
        if adjectives_are_no_cues(v):
            return False
    if said.content is None and cues_inside_a_quote_need_a_content(v):
        return False
    return not (source is None and not said.inverted and nouns_need_a_source(v))


@rule("cues", example=("fr", "Le président de l'Assemblée a refusé de commenter l'affaire."), expect=None)
def infinitives_need_a_clause(v: VerbCue, content):
    """An infinitive cue ("refused to comment", "pour justifier") reports only with a complement clause."""
    if tree.non_finite(v.verb, v.cue) and not any(c.dep_ == "ccomp" for c in v.verb.children):
        return False


@rule("cues", example=("fr", "Le ministre a dit adieu à ses collaborateurs vendredi."), expect=None)
def speech_acts_without_a_claim(v: VerbCue, content):
    """"a dit adieu", "said goodbye": a speech act that reports no claim."""
    if any(c.lower_ in words("non_claim_objects") for c in v.verb.children if c.i > v.verb.i):
        return False


@rule("cues", example=("en", "The engineer is alleged to have ignored three warnings about the faulty barrier."),
      expect=None)
def passives_without_agent_or_clause(v: VerbCue, content):
    """A passive with no agent and no clause reports nothing: no one speaks ("qui était contesté")."""
    if tree.passive_subject(v.subject) and tree.agent(v.verb) is None and not any(
            c.dep_ == "ccomp" for c in v.verb.children):
        return False


@rule("cues", example=("fr", "Un témoin raconte avoir vu « une boule de feu »."),
      expect={"source": "Un témoin", "cue": "raconte", "content": "avoir vu « une boule de feu »"})
def a_content_is_reported(v: VerbCue, content):
    """A verb with a content reports it."""
    if content is not None:
        return True


@rule("cues", example=("fr", "Le groupe a annoncé la fermeture du site, ce que les syndicats ont aussitôt contesté."),
      expect={"source": "les syndicats", "cue": "ont aussitôt contesté", "content": None})
def pronoun_object_stands_for_the_content(v: VerbCue, content):
    """A pronoun object ("l'a confirmé", "denied it") stands for a content stated elsewhere."""
    if any(c.dep_ in tree.OBJECT_DEPS and c.pos_ == "PRON" for c in v.verb.children):
        return True


@rule("cues", example=("fr", "La réforme, qui a été critiquée par les syndicats, entre en vigueur lundi."),
      expect={"source": "les syndicats", "cue": "a été critiquée", "content": None})
def passives_need_an_agent(v: VerbCue, content):
    """A passive reports only with an agent ("a deal could be announced": no one reports anything)."""
    if tree.passive_subject(v.subject):
        return tree.agent(v.verb) is not None


@rule("cues", example=("en", "It was not immediately clear whether the White House would respond."), expect=None)
def open_questions_report_nothing(v: VerbCue, content):
    """A verb without a content in a "whether / si" clause reports nothing: whether anyone will speak is asked."""
    if any(c.dep_ == "mark" and c.lower_ in words("question_complementizers") for c in v.verb.children):
        return False


@rule("cues", example=("en", "The figures, the ministry said, showed a sharp fall in crime."),
      expect={"source": "the ministry", "cue": "said", "content": None})
def own_subject_reports(v: VerbCue, content):
    """A finite verb with a subject of its own reports, even when the parse misses its content."""
    dep, subj = v.verb.dep_.split(":"), v.subject
    if dep[0] != "acl" and "relcl" not in dep and subj is not None and subj.pos_ in ("NOUN", "PROPN", "PRON") \
            and subj.lower_ not in words("relative_pronouns"):
        return True


@rule("cues", example=("en", ("Turnout in the referendum was 38%, well short of the 50% the government had said was "
                              "needed.")),
      expect={"source": "the government", "cue": "had said", "content": None})
def relative_with_its_own_subject(v: VerbCue, content):
    """A relative clause reports when its subject is not the relative pronoun ("un chiffre que contestent X")."""
    if "relcl" in v.verb.dep_.split(":"):
        return v.subject is not None and not tree.relative(v.subject)


@rule("cues", example=("en", "It is a theory rejected by most economists."),
      expect={"source": "most economists", "cue": "rejected", "content": None})
def participle_with_an_agent(v: VerbCue, content):
    """A participle modifying a noun reports when it has an agent and a marked stance ("a theory rejected by X")."""
    if v.verb.dep_.split(":")[0] == "acl":
        return v.stance != "neutral" and tree.agent(v.verb) is not None


REPORT_TESTS = (infinitives_need_a_clause, speech_acts_without_a_claim, passives_without_agent_or_clause,
                a_content_is_reported, pronoun_object_stands_for_the_content, passives_need_an_agent,
                open_questions_report_nothing, own_subject_reports, relative_with_its_own_subject, participle_with_an_agent)


@rule("cues", example=("en", "Nobody has claimed responsibility for the attack."), expect=None)
def negative_subjects_report_nothing(v: VerbCue):
    """"Nobody has claimed", "Aucun groupe n'a revendiqué": negated reporting, except for a denial."""
    subj = v.subject
    return subj is not None and v.stance != "denial" and (subj.lower_ in words("negative_subjects") or any(
        c.lower_ in words("negative_determiners") and c.i < subj.i for c in subj.children)) or None


@rule("cues", example=("fr", "L'entreprise revendique des performances comparables à celles de GPT-4o."), expect=None)
def adjectives_are_no_cues(v: VerbCue):
    """A cue the tagger reads as an adjective ("were “deeply worrying”") is no verb of saying.

    The example shows the price: the tagger takes "revendique" for an adjective there."""
    return v.verb.pos_ == "ADJ" or None


@rule("cues", example=("fr", "« Cela dit, tout a un prix. »"), expect=None)
def cues_inside_a_quote_need_a_content(v: VerbCue):
    """A cue inside someone's quoted words with no content of its own is no cue ("« avancent bien »")."""
    return in_quote(v.quotes, v.cue.start) or None


@rule("cues", example=("en", '"We expect growth to slow," the bank\'s chief economist said.'),
      expect={"type": "direct_quote", "source": "the bank's chief economist", "cue": "said",
              "content": '"We expect growth to slow,"'})
def first_person_inside_a_quote_is_the_quote(v: VerbCue):
    """"« Je pense que… »", "We expect…" inside a quote is the quoted speaker's own voice, part of
    the quote, not a report of its own."""
    return in_quote(v.quotes, v.cue.start) and v.subject is not None and \
        v.subject.lower_ in grammar_words(v.sentence.lang, "first_person") or None


@rule("cues", example=("en", "The company denied reports that it could be sold."),
      expect={"source": "The company", "cue": "denied", "content": "reports that it could be sold"})
def nouns_need_a_source(v: VerbCue):
    """A cue the parse does not take for a verb ("reports that ...") is a cue only with a source."""
    return v.verb.pos_ not in ("VERB", "AUX") or None


def verb_group(v: VerbCue) -> Span:
    """The text of a verb cue: the whole verb group, auxiliaries and reflexive clitic included ("s'est vanté")."""
    start = min(v.cue.start, v.doc[v.group_start].idx)
    return exact(v.text, settle(gerund_en_joins_the_cue(v, start), start), v.cue.end)


@rule("cues", example=("fr", ("Le syndicat a dénoncé la réforme, tout en reconnaissant que des avancées avaient été "
                              "obtenues.")),
      expect={"cue": "en reconnaissant", "content": "que des avancées avaient été obtenues"})
def gerund_en_joins_the_cue(v: VerbCue, start: int):
    """A French gerund's "en" is part of the cue ("en prétextant")."""
    verb = v.verb
    if verb.i > 0 and v.doc[verb.i - 1].lower_ == "en" and tree.participle(verb):
        return min(start, v.doc[verb.i - 1].idx)


def phrase_is_no_cue(s: Sentence, cue: Cue, out: list[Attribution]) -> bool:
    """Whether a source phrase only qualifies something else (see the three rules below)."""
    return bool(first((selon_inside_a_quote, phrase_inside_a_source, anonymity_asides_are_no_cues), s, cue, out))


@rule("cues", example=("fr", "Le club « avance selon le plan », assure son président."),
      expect={"cue": "assure", "source": "son président"})
def selon_inside_a_quote(s: Sentence, cue: Cue, out: list):
    """A "selon" inside someone's quoted words is no cue ("« avance selon le plan »")."""
    return cue.type == "according_to" and in_quote(s.quotes, cue.start) or None


@rule("cues", example=("en", "Sources close to the negotiations said a deal was near."),
      expect={"type": "unnamed_source", "source": "Sources close to the negotiations", "cue": "said"})
def phrase_inside_a_source(s: Sentence, cue: Cue, out: list):
    """A source phrase inside a verb's source is part of that source ("Sources close to the negotiations said")."""
    return any(a.source and a.source.start <= cue.start < a.source.end for a in out) or None


@rule("cues", example=("fr", "Une témoin, qui a requis l'anonymat, affirme que le conducteur roulait très vite."),
      expect={"source": "Une témoin", "cue": "affirme", "content": "que le conducteur roulait très vite"})
def anonymity_asides_are_no_cues(s: Sentence, cue: Cue, out: list):
    """"..., qui a requis l'anonymat, ...": a phrase of anonymity qualifies a source and is no cue."""
    return any(w in cue.text.lower() for w in words("anonymity_words")) and (
        out or cue.text.lower().split(" ", 1)[0] in words("relative_pronouns")) or None
