"""What the extractor returns (``Span``, ``Attribution``) and the helpers that cut spans of text.

Every span is trimmed of surrounding punctuation and indexes the sentence; ``to_json`` shifts it
to the article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from service.core.cues import quote_spans

_PUNCT_TRIM = " \t,;:.!?—–-()"
_CLAUSE_BREAKS = re.compile(r"[,;:]")


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


def span(text: str, start: int, end: int) -> Span | None:
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


def exact(text: str, start: int, end: int) -> Span:
    """The span as it is, untrimmed (quotes, cues)."""
    return Span(text[start:end], start, end)


def tok_span(text: str, first, last) -> Span | None:
    return span(text, first.idx, last.idx + len(last))


def subtree_span(text: str, tok) -> Span | None:
    return span(text, tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge))


def cut(found: Span | None, text: str, quotes, stop: int | None = None) -> Span | None:
    """Keep a source phrase out of quotes and before ``stop`` (the cue)."""
    if found is None:
        return None
    start, end = found.start, found.end
    for qs, qe in quotes:
        if qs <= start < qe:
            start = qe
        if start < qs < end:
            end = qs
    if stop is not None and start < stop < end:
        end = stop
    return span(text, start, end)


def in_quote(quotes, k: int) -> bool:
    """Whether offset ``k`` is strictly inside a quotation."""
    return any(qs < k < qe for qs, qe in quotes)


def topic_end(text: str) -> int:
    """Where a headline's topic prefix ends ("Législatives : ...", "Nucléaire iranien : ...")."""
    colon = text.find(":")
    if 0 < colon and len(text[:colon].split()) <= 4 and not any(q in text[:colon] for q in "«\u201c\""):
        return colon + 1
    return 0


def clause_end_span(text: str, start: int) -> Span | None:
    """From ``start`` to the next clause break outside quotes (or the end of the sentence)."""
    quotes = quote_spans(text)
    for m in _CLAUSE_BREAKS.finditer(text, start):
        k = m.start()
        if not in_quote(quotes, k) and not (
                text[k] == "," and text[k - 1:k].isdigit() and text[k + 1:k + 2].isdigit()):
            return span(text, start, k)
    return span(text, start, len(text))
