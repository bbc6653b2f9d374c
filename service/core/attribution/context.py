"""What the rules look at: the sentence (``Sentence``) and one reporting verb in it (``VerbCue``).

Rules take these instead of long argument lists, and the facts several rules need (the verb
group's start, the parser's subject) are computed once, on first use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from service.core.attribution import tree
from service.core.attribution.quotes import nearest_quote
from service.core.cues import Cue


@dataclass
class Sentence:
    text: str
    quotes: list  # (start, end) of every quotation, marks included
    lang: str
    doc: object  # the spaCy parse, or None
    cues: list  # every cue of the sentence (service.core.cues.Cue)
    used_quotes: set = field(default_factory=set)  # quotes that became a verb's direct-quote content

    @cached_property
    def unnamed_phrases(self) -> list:
        return [c for c in self.cues if c.type == "unnamed_source"]


@dataclass
class VerbCue:
    """A reporting verb token with its cue, lemma and lexical stance."""

    sentence: Sentence
    verb: object
    cue: Cue
    lemma: str
    stance: str
    unnamed: bool = False  # found in an unnamed-source phrase ("officials said")

    @property
    def text(self) -> str:
        return self.sentence.text

    @property
    def quotes(self) -> list:
        return self.sentence.quotes

    @property
    def doc(self):
        return self.verb.doc

    @cached_property
    def group_start(self) -> int:
        """Token index where the verb group starts (auxiliaries, reflexive clitic)."""
        return tree.group_start(self.verb, self.cue)

    @cached_property
    def subject(self):
        """The parser's subject of the verb (see ``tree.subject``)."""
        return tree.subject(self.verb)

    @cached_property
    def gerund(self) -> bool:
        return tree.gerund(self.verb)

    @cached_property
    def nearest_quote(self):
        """The quote the verb introduces or closes (see ``quotes.nearest_quote``), or None."""
        return nearest_quote(self)
