"""The rule registry: every attribution rule is a named function with a purpose and an example.

``@rule(stage, example=(lang, sentence), expect={...})`` registers a function under its own name;
its purpose is the first paragraph of its docstring. ``expect`` holds fields of one attribution the
example gives (``source``, ``cue``, ``content`` as text, or None; ``type``, ``stance``, ``lemma``,
``main_clause``); ``expect=None`` says the example gives no attribution at all.
tests/test_attribution_rules.py runs every example through the whole analysis, then again with the
rule switched off (``disabled``) and checks that the output changes: every rule has a sentence that
needs it, and the catalogue (``python -m service.core.attribution.catalogue``) lists them all.

A rule returns None where it does not apply, so that a stage can try its rules in a fixed order
(``first``) or run them all; a switched-off rule returns None too. A rule that applies and finds
no span answers ``NOTHING``.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

STAGES = ("cues", "source", "content", "stance", "nesting")


@dataclass(frozen=True)
class Rule:
    name: str
    stage: str
    purpose: str
    lang: str
    example: str
    expect: dict | None
    module: str


class _Nothing:
    """A rule's answer "no span" (None means that the rule does not apply)."""

    def __repr__(self) -> str:
        return "NOTHING"


NOTHING = _Nothing()
_REGISTRY: dict[str, Rule] = {}
_OFF: set[str] = set()
_FIELDS = {"type", "source", "cue", "content", "stance", "lemma", "main_clause"}


def rule(stage: str, example: tuple[str, str], expect: dict | None) -> Callable:
    """Register the decorated function as a rule of ``stage`` (see the module docstring)."""
    def register(func: Callable) -> Callable:
        name = func.__name__
        purpose = " ".join((func.__doc__ or "").strip().split("\n\n", 1)[0].split())
        if name in _REGISTRY or stage not in STAGES or not purpose or set(expect or ()) - _FIELDS:
            raise ValueError(f"rule {name}: a new name, a stage of {STAGES}, a docstring and fields of {_FIELDS}")
        _REGISTRY[name] = Rule(name, stage, purpose, example[0], example[1], expect, func.__module__)

        @functools.wraps(func)
        def apply(*args):
            if _OFF and name in _OFF:
                return None
            return func(*args)
        return apply
    return register


def first(rules, *args):
    """The answer of the first rule that applies, or None; ``NOTHING`` stays as it is."""
    for apply in rules:
        answer = apply(*args)
        if answer is not None:
            return answer
    return None


def settle(answer, otherwise):
    """A rule's answer as a value: ``otherwise`` where the rule did not apply, None for ``NOTHING``."""
    if answer is None:
        return otherwise
    return None if answer is NOTHING else answer


def all_rules() -> list[Rule]:
    """Every registered rule, stage by stage, each stage in the order its modules register them."""
    from service.core import attribution  # noqa: F401 (importing the package registers every rule)

    return sorted(_REGISTRY.values(), key=lambda r: STAGES.index(r.stage))


@contextmanager
def disabled(*names: str) -> Iterator[None]:
    """Switch rules off for the duration (tests only: the switch is global to the process)."""
    unknown = [n for n in names if n not in _REGISTRY]
    if unknown:
        raise KeyError(f"no such rule: {', '.join(unknown)}")
    before = set(_OFF)
    _OFF.update(names)
    try:
        yield
    finally:
        _OFF.clear()
        _OFF.update(before)
