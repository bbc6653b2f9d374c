"""Content boundaries the parse gets wrong (content stage).

``bounded`` trims a verb's content: an indirect content loses a coordinated main verb, trailing
material after a comma and, after a denial, the "as ..." qualification, and keeps a last
prepositional phrase the parse hung on the verb; a direct quote keeps a phrase that completes it;
every content keeps its closing quotation mark.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from service.core.attribution import tree
from service.core.attribution.content import Said
from service.core.attribution.context import VerbCue
from service.core.attribution.rules import rule
from service.core.attribution.spans import Span, exact, in_quote, span
from service.core.attribution.words import words


def bounded(v: VerbCue, said: Said) -> Said:
    content, is_quote = said.content, said.is_quote
    if not is_quote:
        content = _refine(v, content)
    elif content is not None and content.start > v.cue.end and v.lemma not in words("qualifying_lemmas"):
        longer = quote_with_its_last_phrase(v, content)
        if longer is not None:
            content, is_quote = longer, False
    if content is not None:
        content = content_keeps_its_closing_quote(v, content) or content
    return Said(content, is_quote, said.inverted)


@dataclass
class Cut:
    """An indirect content being trimmed: ``start`` to ``end``, and its tokens."""

    v: VerbCue
    start: int
    end: int
    toks: list = field(default_factory=list)

    @cached_property
    def rest_end(self) -> int:
        """Where the content's last token ends (``end`` does not move until a comma cut is made)."""
        return max(t.idx + len(t) for t in self.toks if t.idx < self.end)

    @cached_property
    def relative(self) -> bool:
        """The verb is in a relative clause ("whose spokesman contends that ...")."""
        verb = self.v.verb
        return "relcl" in verb.dep_ or any(c.lower_ in words("relative_pronouns") and c.dep_ in
                                           tree.SUBJECT_DEPS + tree.OBJECT_DEPS for c in verb.children)


def _refine(v: VerbCue, content: Span | None) -> Span | None:
    if content is None:
        return None
    doc = v.doc
    c = Cut(v, content.start, content.end)
    content_starts_after_its_cue(c)
    c.toks = [t for t in doc if c.start <= t.idx < c.end]
    coordinated_main_verb_leaves_the_content(c)
    agent_leaves_the_content(c)
    for t in c.toks:
        if t.text != "," or t.idx >= c.end or in_quote(v.quotes, t.idx) or t.i + 1 >= len(doc):
            continue
        if any(cut_here(c, t) for cut_here in COMMA_CUTS):
            c.end = t.idx
            break
    denial_leaves_the_qualification(c)
    found = span(v.text, c.start, c.end)
    if found is None:
        return None
    if found.end == content.end:
        found = last_prepositional_phrase_stays(v, found) or found
    return found


@rule("content", example=("en", ("The fire, which investigators believe was started deliberately, destroyed the "
                                 "warehouse.")),
      expect={"source": "investigators", "cue": "believe", "content": "was started deliberately"})
def content_starts_after_its_cue(c: Cut):
    """A content never holds its own cue ("which officials believe was caused by"): it starts after it."""
    if c.start < c.v.cue.start < c.end:
        c.start = c.v.cue.end


@rule("content", example=("fr", "Le maire a estimé que le projet était trop coûteux et a annulé la réunion."),
      expect={"source": "Le maire", "cue": "a estimé", "content": "que le projet était trop coûteux"})
def coordinated_main_verb_leaves_the_content(c: Cut):
    """A verb coordinated with the reporting verb but parsed inside its content ends the content."""
    for t in c.toks:
        main = tree.main_conjunct(t) if t.pos_ in ("VERB", "AUX") else None
        if main is not None and main.i == c.v.verb.i:
            cc = tree.coordinator(t)
            if cc is not None and cc.idx > c.start:
                c.end = min(c.end, cc.idx)


@rule("content", example=("fr", "C'est une prévision jugée optimiste par le Haut Conseil des finances publiques."),
      expect={"source": "le Haut Conseil des finances publiques", "cue": "jugée", "content": "optimiste"})
def agent_leaves_the_content(c: Cut):
    """A passive's agent the parser hung inside the content ("jugée optimiste par le Haut Conseil") ends it."""
    agent = tree.agent(c.v.verb)
    if agent is not None and c.start < agent.left_edge.idx < c.end:
        c.end = agent.left_edge.idx


def _next_word(doc, comma):
    """The word after a comma, past object clitics (", les qualifiant de")."""
    nxt = doc[comma.i + 1]
    while nxt.lower_ in words("clitics") and nxt.i + 1 < len(doc):
        nxt = doc[nxt.i + 1]
    return nxt


@rule("content", example=("en", ("The rebels, whose spokesman contends that the government has broken the truce 40 "
                                 "times, have withdrawn from the talks.")),
      expect={"source": "whose spokesman", "cue": "contends",
              "content": "that the government has broken the truce 40 times"})
def aside_ends_with_its_comma(c: Cut, comma):
    """The content of a verb in a relative aside ends with the aside, before the main verb."""
    after = c.v.doc[comma.i + 1]
    return c.relative and after.pos_ in ("AUX", "VERB") and (
        "Fin" in after.morph.get("VerbForm") or after.tag_ in ("VBP", "VBZ", "VBD", "MD")) or None


@rule("content", example=("en", ("The army said it had repelled the attack, while the rebels said they had taken the "
                                 "bridge.")),
      expect={"source": "The army", "cue": "said", "content": "it had repelled the attack"})
def contrast_after_a_comma(c: Cut, comma):
    """", while ..." / ", alors que ..." belongs to the reporting clause, not to the content."""
    return _next_word(c.v.doc, comma).lower_ in words("contrast_words") or None


@rule("content", example=("fr", ("Kiev affirme avoir détruit un navire de débarquement russe au large de la Crimée, "
                                 "ce que Moscou dément.")),
      expect={"source": "Kiev", "cue": "affirme",
              "content": "avoir détruit un navire de débarquement russe au large de la Crimée"})
def ce_que_after_a_comma(c: Cut, comma):
    """", ce que ..." takes up the whole claim and is not part of it."""
    doc = c.v.doc
    nxt = _next_word(doc, comma)
    return nxt.lower_ == "ce" and nxt.i + 1 < len(doc) and doc[nxt.i + 1].lower_ in words("ce_relatives") or None


@rule("content", example=("en", ("Russia's defence ministry claimed its forces had shot down 30 drones overnight, a "
                                 "figure that could not be independently verified.")),
      expect={"source": "Russia's defence ministry", "cue": "claimed",
              "content": "its forces had shot down 30 drones overnight"})
def apposition_to_the_clause(c: Cut, comma):
    """", a figure that could not be verified": a noun with a relative that ends the sentence is about the
    whole claim, not part of it."""
    nxt = _next_word(c.v.doc, comma)
    head = nxt.head
    return nxt.pos_ == "DET" and head.pos_ == "NOUN" and head.i > comma.i and any(
        d.dep_ in ("relcl", "acl:relcl") or d.dep_ == "acl" and d.left_edge.lower_ in words("relative_pronouns")
        for d in head.children) and head.right_edge.idx + len(head.right_edge) >= c.rest_end or None


@rule("content", example=("fr", "Le Kremlin a rejeté ces accusations, les qualifiant de « propagande »."),
      expect={"source": "Le Kremlin", "cue": "a rejeté", "content": "ces accusations"})
def participle_clause_after_a_comma(c: Cut, comma):
    """A trailing participle clause (", les qualifiant de ...", ", saying ...") is not part of the content."""
    nxt = _next_word(c.v.doc, comma)
    trailing = nxt.right_edge.idx + len(nxt.right_edge) >= c.rest_end
    clitic_participle = nxt.i > comma.i + 1 and nxt.lower_.endswith("ant")
    return clitic_participle or tree.gerund(nxt) and trailing and nxt.head.i < comma.i and nxt.dep_ != "prep" and \
        nxt.lower_ not in words("inclusion_words") or None


COMMA_CUTS = (aside_ends_with_its_comma, contrast_after_a_comma, ce_que_after_a_comma, apposition_to_the_clause,
              participle_clause_after_a_comma)


@rule("content", example=("en", "China's foreign ministry dismissed the allegations as “disinformation”."),
      expect={"source": "China's foreign ministry", "cue": "dismissed", "content": "the allegations"})
def denial_leaves_the_qualification(c: Cut):
    """After a denial, "dismissed the allegations as “baseless”": the content is the rejected object."""
    if c.v.stance == "denial":
        for t in c.toks:
            if t.lower_ in words("frame_markers") and t.idx < c.end and t.head.i < t.i and t.head.idx >= c.start \
                    and t.head.pos_ in ("NOUN", "PROPN", "PRON"):
                c.end = min(c.end, t.idx)


def _last_phrase(v: VerbCue, found: Span) -> Span | None:
    """The content with the rest of the sentence, if that is one prepositional phrase (no verb,
    no break); None otherwise."""
    if found.end <= v.cue.end:
        return None
    rest = [t for t in v.doc if t.idx >= found.end]
    while rest and rest[-1].is_punct and rest[-1].text in ".!?":
        rest = rest[:-1]
    if purpose_adjunct_stays_out(rest):
        return None
    agent = tree.agent(v.verb) if tree.participle(v.verb) or v.verb.tag_ == "VBN" else None
    if agent is not None and rest and agent.left_edge.i <= rest[0].i <= agent.right_edge.i:
        return None  # "jugé efficace par la HAS": the agent is the speaker (agent_leaves_the_content)
    if rest and (rest[0].pos_ == "ADP" or rest[0].lower_ == "lors") and not any(
            t.pos_ in ("VERB", "AUX") and not tree.infinitive(t) or t.pos_ == "SCONJ"
            or t.text in (",", ";", ":", "(", "-", "\u2013", "\u2014") or t.is_quote for t in rest):
        return span(v.text, found.start, rest[-1].idx + len(rest[-1]))
    return None


@rule("content", example=("fr", "Le ministère a allégué des « raisons techniques » pour justifier le report du vote."),
      expect={"cue": "a allégué", "content": "des « raisons techniques »"})
def purpose_adjunct_stays_out(rest: list):
    """A purpose or time adjunct with a verb ("pour justifier ...") is the speaker's, not the claim's."""
    return rest and rest[0].lower_ in words("purpose_prepositions") and any(
        tree.infinitive(t) or t.tag_ == "VBG" for t in rest) or None


@rule("content", example=("fr", "Le club a démenti tout contact avec l'attaquant lors du mercato."),
      expect={"cue": "a démenti", "content": "tout contact avec l'attaquant lors du mercato"})
def last_prepositional_phrase_stays(v: VerbCue, found: Span):
    """A last prepositional phrase the parse hung on the verb ("tout contact avec X") belongs to the content."""
    return _last_phrase(v, found)


@rule("content", example=("fr", "Le défenseur s'est dit « blessé » par les sifflets de son propre public."),
      expect={"source": "Le défenseur", "cue": "s'est dit",
              "content": "« blessé » par les sifflets de son propre public", "type": "indirect"})
def quote_with_its_last_phrase(v: VerbCue, quote: Span):
    """A quote after the verb completed by a last prepositional phrase is an indirect content with that phrase."""
    return _last_phrase(v, quote)


@rule("content", example=("en", ("\"We did nothing wrong,\" the coach said, adding that the referee had \"lost "
                                 "control\".")),
      expect={"source": "the coach", "cue": "adding", "content": "that the referee had \"lost control\""})
def content_keeps_its_closing_quote(v: VerbCue, content: Span):
    """A content that ends inside a quotation keeps its closing mark."""
    for qs, qe in v.quotes:
        if qs < content.end < qe and v.text[content.end:qe].strip(" .,;!?") in ("»", "\u201d", '"', "'", "\u2019"):
            return exact(v.text, content.start, qe)
