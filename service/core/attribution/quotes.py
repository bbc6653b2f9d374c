"""Quotations next to a reporting verb (content stage), and the colon-quote pattern (cues stage).

``nearest_quote`` finds the quote a verb introduces or closes; ``quote_content`` decides, with the
``QUOTE_RULES`` in order, whether that quote is the content (a direct quote), only part of a longer
complement, or no content at all. ``colon_quotes`` reads "Speaker : « Q »" where no verb says it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from service.core.attribution import tree
from service.core.attribution.incise import is_incise
from service.core.attribution.rules import first, rule
from service.core.attribution.spans import (
    Attribution,
    Span,
    clause_end_span,
    exact,
    span,
)
from service.core.attribution.words import words

if TYPE_CHECKING:
    from service.core.attribution.context import Sentence, VerbCue

_CLOSING = "\"\u201d\u2019»' "


def nearest_quote(v: VerbCue) -> Span | None:
    """A quote the verb introduces or closes: adjacent (or across its speaker), not containing the verb;
    the first fragment of a quote the incise splits wins."""
    text, cue, best = v.text, v.cue, None
    for qs, qe in v.quotes:
        if qs <= cue.start < qe:
            continue
        gap = cue.start - qe if qe <= cue.start else qs - cue.end
        between = text[qe:cue.start] if qe <= cue.start else text[cue.end:qs]
        if (gap <= 40 or speaker_between_the_quote_and_its_verb(v, qs, qe, gap)) and not any(
                c in between for c in ".!?") or (qs > cue.end and between.strip().endswith(":")):
            key = (not split_quote_gives_its_first_fragment(v, qs, qe, between), gap)
            if best is None or key < best[0]:
                best = (key, qs, qe)
    return None if best is None else exact(text, best[1], best[2])


@rule("content", example=("en", ("\"I never signed that document,\" former water board director Patrick Sowerby "
                                 "insisted.")),
      expect={"source": "former water board director Patrick Sowerby", "cue": "insisted",
              "content": "\"I never signed that document,\"", "type": "direct_quote"})
def speaker_between_the_quote_and_its_verb(v: VerbCue, qs: int, qe: int, gap: int):
    """A quote up to 120 characters before the verb counts as adjacent when only its speaker is in between."""
    return qe <= v.cue.start and gap <= 120 and any(
        qe <= c.left_edge.idx and c.idx < v.cue.start for c in v.verb.children if c.dep_ in tree.SUBJECT_DEPS) or None


@rule("content", example=("en", "\"We expect growth to slow,\" the bank's chief economist said, \"but not to stall.\""),
      expect={"source": "the bank's chief economist", "content": "\"We expect growth to slow,\""})
def split_quote_gives_its_first_fragment(v: VerbCue, qs: int, qe: int, between: str):
    """A quote the incise splits ("“Q1,” X said, “Q2.”") gives its first fragment."""
    text, cue = v.text, v.cue
    return qe <= cue.start and (between.strip().startswith(",") or text[qs:qe].rstrip(_CLOSING).endswith(",")) and any(
        cue.end < qs2 and text[cue.end:qs2].strip() in (",", "") for qs2, _ in v.quotes) or None


def quote_content(v: VerbCue, quote: Span):
    """(content, is a direct quote) for a quote next to the verb: the first of ``QUOTE_RULES`` that applies."""
    verb = v.verb
    holder = next((c for c in verb.children if c.i > verb.i and c.left_edge.idx <= quote.start <
                   c.right_edge.idx + len(c.right_edge)), None)
    answer = first(QUOTE_RULES, v, quote, holder)
    if answer is None and holder is not None:  # a complement of the verb holds the quote
        answer = first(HELD_QUOTE_RULES, v, quote, holder)
    return answer or (None, False)


@rule("content", example=("fr", "Ce n'est « pas le moment » de relâcher l'effort, a jugé la ministre."),
      expect={"source": "la ministre", "cue": "a jugé", "content": "Ce n'est « pas le moment » de relâcher l'effort",
              "type": "indirect"})
def clause_before_the_quote_is_the_content(v: VerbCue, quote: Span, holder):
    """A quote before the verb that ends a longer clause ("P « Q », a indiqué X") leaves the whole clause."""
    if quote.start < v.cue.start:
        lead = v.text[:quote.start].strip()
        if lead and not lead.endswith((":", "-", "\u2013", "\u2014")):
            return None, False


@rule("content", example=("en", "“We will not back down,” the prime minister said on Tuesday."),
      expect={"source": "the prime minister", "cue": "said", "content": "“We will not back down,”",
              "type": "direct_quote"})
def quote_before_the_verb(v: VerbCue, quote: Span, holder):
    """A quote that opens the sentence (or follows a colon or a dash) and precedes the verb is a direct quote."""
    if quote.start < v.cue.start:
        return quote, True


@rule("content", example=("fr", "Un témoin raconte avoir vu « une boule de feu »."),
      expect={"source": "Un témoin", "cue": "raconte", "content": "avoir vu « une boule de feu »"})
def infinitive_before_the_quote(v: VerbCue, quote: Span, holder):
    """A French infinitive between the verb and the quote opens the content ("raconte avoir vu « ... »"): the
    French parse often hangs the quote on the verb, the English one keeps it in the infinitive clause."""
    lead_in = [t for t in v.doc if v.cue.end <= t.idx < quote.start]
    inf = next((t for t in lead_in if tree.infinitive(t) or t.tag_ == "TO"), None)
    if inf is not None and v.verb.lang_ == "fr" and not any(t.text in (",", ";", ":") for t in lead_in):
        start = next((t for t in lead_in if t.i >= inf.i - 2 and (
            t.i == inf.i or t.lower_ in words("infinitive_openers"))), inf)
        return clause_end_span(v.text, start.idx), False


@rule("content", example=("fr", "L'entraîneur du PSG a dit « ne pas comprendre » la décision de l'arbitre."),
      expect={"content": "« ne pas comprendre » la décision de l'arbitre"})
def quote_followed_by_its_object(v: VerbCue, quote: Span, holder):
    """A quote right after the verb and followed by a noun phrase is part of a longer complement."""
    nxt = next((t for t in v.doc if t.idx >= quote.end), None)
    if v.lemma not in words("qualifying_lemmas") and not v.text[v.cue.end:quote.start].strip() and nxt is not None and \
            nxt.pos_ in ("DET", "NOUN", "PROPN") and not nxt.is_punct:
        return clause_end_span(v.text, quote.start), False


@rule("content", example=("fr", "Retraites : le Medef juge la réforme « insuffisante »"),
      expect={"source": "le Medef", "cue": "juge", "content": "« insuffisante »", "type": "direct_quote"})
def bare_quote_is_the_content(v: VerbCue, quote: Span, holder):
    """A quote that no complement of the verb holds is a direct quote (from the words before it, if the
    parse hangs them on the quote mark: "a affirmé n'avoir « aucune information »")."""
    if holder is not None and holder.dep_ == "punct" and holder.left_edge.idx < quote.start and \
            v.doc[holder.left_edge.i].pos_ in ("ADV", "AUX", "VERB", "PART"):
        return span(v.text, holder.left_edge.idx, quote.end), False
    if holder is None or holder.dep_ == "punct":
        return quote, True


@rule("content", example=("en", "The company rejected the claims, saying they were \"without foundation\"."),
      expect={"cue": "rejected", "content": "the claims"})
def quote_in_another_clause(v: VerbCue, quote: Span, holder):
    """A quote inside a clause set off by a comma (a relative, a participle) belongs to that clause."""
    set_off = holder.left_edge.i > 0 and v.doc[holder.left_edge.i - 1].text == ","
    if set_off and (holder.left_edge.lower_ in words("relative_pronouns") or tree.gerund(holder)):
        return None, False


@rule("content", example=("fr", ("Les pompiers ont maîtrisé le feu, a précisé la préfecture, qui évoque des dégâts « "
                                 "considérables ».")),
      expect={"cue": "a précisé", "content": "Les pompiers ont maîtrisé le feu"})
def quote_in_the_speakers_aside(v: VerbCue, quote: Span, holder):
    """A quote in an aside on the speaker of an incise ("a précisé la préfecture, qui évoque « ... »") is not
    the content."""
    if holder.i > v.verb.i and is_incise(v.verb, v.group_start, v.subject) and \
            holder.i == getattr(tree.incise_subject(v.verb), "i", -1):
        return None, False


@rule("content", example=("fr", ("Le maire a justifié la hausse de la taxe foncière par « l'explosion des coûts de "
                                 "l'énergie ».")),
      expect={"source": "Le maire", "cue": "a justifié", "content": "la hausse de la taxe foncière"})
def quote_in_the_subject_or_an_adjunct(v: VerbCue, quote: Span, holder):
    """A quote inside the verb's subject or a prepositional adjunct is not the content."""
    if holder.dep_ in tree.SUBJECT_DEPS or tree.has_case(holder) and holder.dep_.startswith("obl:mod"):
        return None, False


@rule("content", example=("en", "The singer's spokesman dismissed the story as \"complete nonsense\"."),
      expect={"source": "The singer's spokesman", "cue": "dismissed", "content": "the story"})
def quote_after_as_qualifies(v: VerbCue, quote: Span, holder):
    """A quote after "as" / "comme" is the qualification, except after a denial, where the object is what is
    rejected."""
    if holder.lower_ in words("frame_markers") or any(
            c.dep_ == "case" and c.lower_ in words("frame_markers") for c in holder.children):
        return (None, False) if v.stance == "denial" else (quote, True)


@rule("content", example=("fr", "Le chef de file des écologistes a jugé la proposition « irréaliste »."),
      expect={"source": "Le chef de file des écologistes", "cue": "a jugé", "content": "« irréaliste »"})
def qualification_of_the_object(v: VerbCue, quote: Span, holder):
    """After a qualifying verb ("juger", "describe"), a quote next to the object, before it ("juge « peu
    probable » un accord") or after it, is the qualification."""
    end = max(holder.right_edge.idx + len(holder.right_edge), quote.end)
    if v.lemma in words("qualifying_lemmas") and holder.dep_ in tree.OBJECT_DEPS and (
            holder.idx < quote.start and end <= quote.end or holder.idx >= quote.end):
        return quote, True


@rule("content", example=("fr", "Le jury a expliqué son choix par « l'urgence du propos »."),
      expect={"source": "Le jury", "cue": "a expliqué", "content": "par « l'urgence du propos »"})
def quote_inside_a_longer_complement(v: VerbCue, quote: Span, holder):
    """A quote inside a complement of the verb gives the whole complement ("se targue de protéger « ... »")."""
    start = min(holder.left_edge.idx, quote.start)
    end = max(holder.right_edge.idx + len(holder.right_edge), quote.end)
    found = span(v.text, start, end)
    if found is None or (found.start, found.end) == (quote.start, quote.end):
        return quote, True
    return found, False


QUOTE_RULES = (clause_before_the_quote_is_the_content, quote_before_the_verb, infinitive_before_the_quote,
               quote_followed_by_its_object, bare_quote_is_the_content)
HELD_QUOTE_RULES = (quote_in_another_clause, quote_in_the_speakers_aside, quote_in_the_subject_or_an_adjunct,
                    quote_after_as_qualifies, qualification_of_the_object, quote_inside_a_longer_complement)


def colon_quotes(s: Sentence, out: list[Attribution]) -> None:
    """Add to ``out`` the quotes that only a colon introduces."""
    for qs, qe in s.quotes:
        if (qs, qe) not in s.used_quotes:
            found = speaker_colon_quote(s, qs, qe, out)
            if found is not None:
                out.append(found)


@rule("cues", example=("fr", "Macron : « Nous ne céderons pas »"),
      expect={"type": "direct_quote", "source": "Macron", "cue": ":", "content": "« Nous ne céderons pas »"})
def speaker_colon_quote(s: Sentence, qs: int, qe: int, out: list[Attribution]):
    """A speaker of at most eight words, a colon, a quote: a direct quote with no verb of saying."""
    colon = s.text.rfind(":", 0, qs)
    if colon == -1 or s.text[colon + 1:qs].strip():
        return None
    speaker = span(s.text, 0, colon)
    if speaker is None or len(speaker.text.split()) > 8 or any(
            a.content and a.content.start <= qs < a.content.end for a in out):
        return None
    return Attribution("direct_quote", speaker, exact(s.text, colon, colon + 1), ":", "neutral",
                       exact(s.text, qs, qe), True)
