"""Bounded walks over a dependency parse.

A spaCy token's ``head`` is a new Python object on every access, so ``tok.head is not tok`` is
never false, and parsers do produce odd trees: a whitespace token that is its own head with the
label ``dep``, several roots, a noun root that is its own head. Every climb from a token to its
ancestors goes through this module, which compares token indices and never takes more steps than
the sentence has tokens, whatever the tree looks like (tests/test_syntax.py builds such trees).
"""
from __future__ import annotations

from typing import Callable, Iterator


def token_at(doc, char: int):
    """The token covering character ``char`` of ``doc`` (None if there is none)."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def is_root(tok) -> bool:
    """A token with no head above it: its own head (whatever its label says)."""
    return tok.head.i == tok.i


def head_of(tok):
    """The token's head, or None at a root."""
    head = tok.head
    return None if head.i == tok.i else head


def ancestors(tok) -> Iterator:
    """The token's heads, nearest first, ending at a root; at most ``len(doc)`` of them, so a
    cycle in a hand-made tree cannot loop."""
    steps = len(tok.doc)
    while steps > 0:
        head = tok.head
        if head.i == tok.i:
            return
        yield head
        tok, steps = head, steps - 1


def climb(tok, go_on: Callable):
    """The first token, from ``tok`` up its heads, for which ``go_on`` is false (or the root)."""
    for head in ancestors(tok):
        if not go_on(tok):
            return tok
        tok = head
    return tok


def root_of(tok):
    """The root of the token's tree."""
    return climb(tok, lambda t: True)
