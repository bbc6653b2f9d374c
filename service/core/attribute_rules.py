"""spaCy's attribute ruler, matched by table look-up: the same matches for a fraction of the cost.

The English pipeline's ``attribute_ruler`` holds 179 rules (the tag map and the morphology
exceptions: ``{"TAG": "NN"} -> POS NOUN``, ``{"LOWER": "'s", "TAG": "VBZ"} -> LEMMA be``...),
nearly all of one token, and runs them through spaCy's general ``Matcher``: about 0.4 ms a
sentence, a third of the English parse. A one-token rule depends only on a few attributes of the
token, so the rules that hold for a given (tag, lower form, dependency...) are worked out once and
looked up after, keyed by the attributes' hashes read for the whole sentence at once. Rules of
several tokens stay with a ``Matcher`` of their own. The matches are applied as the ruler's
``set_annotations`` applies them, without the Span and Tokens it makes for each
(``DirectAnnotations``). tests/test_nlp.py checks the matches against spaCy's on the corpus, and
every token attribute against spaCy's own pipeline.
"""
from __future__ import annotations

import re

from spacy.attrs import DEP, IS_SPACE, LOWER, ORTH, POS, TAG
from spacy.matcher import Matcher
from spacy.tokens._retokenize import set_token_attrs

# Matcher attribute -> how to read it from a token (the attributes the shipped rules test).
READERS = {
    "TAG": lambda t: t.tag_,
    "POS": lambda t: t.pos_,
    "DEP": lambda t: t.dep_,
    "LOWER": lambda t: t.lower_,
    "ORTH": lambda t: t.text,
    "IS_SPACE": lambda t: t.is_space,
}
ATTR_IDS = {"TAG": TAG, "POS": POS, "DEP": DEP, "LOWER": LOWER, "ORTH": ORTH, "IS_SPACE": IS_SPACE}
NOTHING = frozenset()
MAX_KEYS = 50_000  # token readings remembered; the memory starts again past this


def _condition(spec):
    """For one attribute's pattern value (a value, or {"IN"|"NOT_IN"|"REGEX": ...}): the set of
    values it accepts, or a predicate, or None for a form this module does not read (the rule
    then stays with the Matcher).

        _condition({"IN": ["is", "'s"]}) == {"is", "'s"}
    """
    if not isinstance(spec, dict):
        return {spec}
    if len(spec) != 1:
        return None
    (op, arg), = spec.items()
    if op == "IN" and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
        return set(arg)
    if op == "NOT_IN" and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
        banned = set(arg)
        return lambda value: value not in banned
    if op == "REGEX" and isinstance(arg, str):
        pattern = re.compile(arg)
        return lambda value: bool(pattern.search(value))
    return None


def _token_test(token_pattern: dict):
    """[(attribute, condition)] for a one-token pattern, or None if any part is not readable."""
    tests = []
    for attr, spec in token_pattern.items():
        cond = _condition(spec)
        if attr not in READERS or cond is None or isinstance(spec, bool) != (attr == "IS_SPACE"):
            return None
        tests.append((attr, cond))
    return tests


class TableMatcher:
    """``match(doc)`` of an ``AttributeRuler``. Each condition of the one-token rules gets a
    number; a token's value of an attribute maps to the numbers of the conditions it meets (a
    dictionary for "is one of", a call for "is none of" and regexes), and the tuple of those sets
    to the rules that hold, worked out on its first sight; a token reading seen before (its tag,
    lower form...) goes straight to its rules. Other rules go through a ``Matcher`` holding them
    alone."""

    def __init__(self, ruler):
        self.ruler = ruler
        strings = ruler.vocab.strings
        self.rules: list[tuple[int, int, list[frozenset]]] = []  # (attr id, match id, conditions per pattern)
        self.members: dict[str, dict] = {}  # attribute -> value -> numbers of the sets holding it
        self.calls: dict[str, list] = {}  # attribute -> [(number, predicate)]
        self.conditions = 0
        self.matcher = Matcher(ruler.vocab)
        self.rest = False
        for i, rule in enumerate(ruler.patterns):
            tests = [_token_test(p[0]) if len(p) == 1 else None for p in rule["patterns"]]
            if any(t is None for t in tests):
                self.matcher.add(str(i), rule["patterns"])
                self.rest = True
                continue
            self.rules.append((i, strings[str(i)], [frozenset(self._number(a, c) for a, c in t) for t in tests]))
        self.attrs = sorted(set(self.members) | set(self.calls))
        self.readers = [READERS[a] for a in self.attrs]
        self.attr_ids = [ATTR_IDS[a] for a in self.attrs]  # read for all tokens at once (Doc.to_array)
        self.members_of = [self.members.get(a, {}) for a in self.attrs]
        self.calls_of = [self.calls.get(a, []) for a in self.attrs]
        self.by_met: dict[tuple, list[tuple[int, int]]] = {}  # few: the combinations of conditions met
        self.seen: dict[tuple, list[tuple[int, int]]] = {}  # token readings met so far (bounded)

    def _number(self, attr: str, cond) -> int:
        """A new number for one condition of one pattern, filed under its attribute."""
        self.conditions += 1
        if callable(cond):
            self.calls.setdefault(attr, []).append((self.conditions, cond))
        else:
            values = self.members.setdefault(attr, {})
            for value in cond:
                values[value] = values.get(value, frozenset()) | {self.conditions}
        return self.conditions

    def _met(self, reading: tuple) -> tuple:
        """Per attribute, the numbers of the conditions the token's reading meets."""
        met = []
        for value, members, calls in zip(reading, self.members_of, self.calls_of):
            numbers = members.get(value, NOTHING)
            if calls:
                numbers = numbers | {n for n, call in calls if call(value)}
            met.append(numbers)
        return tuple(met)

    def _hits(self, reading: tuple) -> list[tuple[int, int]]:
        met = self._met(reading)
        hits = self.by_met.get(met)
        if hits is None:
            held = NOTHING.union(*met)
            hits = self.by_met[met] = [(attr_id, match_id) for attr_id, match_id, patterns in self.rules
                                       if any(p <= held for p in patterns)]
        return hits

    def __call__(self, doc) -> list[tuple[int, int, int, int]]:
        """The ruler's matches, as ``AttributeRuler.match`` gives them: sorted (attr id, match id,
        start, end). A token's reading is first its attributes' hashes (``Doc.to_array``, no
        Token made); their strings are read on its first sight only."""
        seen, out = self.seen, []
        rows = doc.to_array(self.attr_ids).tolist() if self.attr_ids and len(doc) else [[]] * len(doc)
        for i, row in enumerate(rows):
            key = tuple(row)
            hits = seen.get(key)
            if hits is None:
                if len(seen) >= MAX_KEYS:
                    seen.clear()
                hits = seen[key] = self._hits(tuple(read(doc[i]) for read in self.readers))
            out.extend((attr_id, match_id, i, i + 1) for attr_id, match_id in hits)
        if self.rest:
            strings = self.ruler.vocab.strings
            out.extend((int(strings[m]), m, s, e) for m, s, e in self.matcher(doc, allow_missing=True, as_spans=False))
        out.sort()
        return out


class DirectAnnotations:
    """``set_annotations(doc, matches)`` of an ``AttributeRuler``: each match's attributes set on
    its token as spaCy's does, without the ``Span`` and the two Tokens spaCy makes on the way
    (about 2 µs a token). A match whose index falls outside it goes to spaCy's own method, which
    raises its error."""

    def __init__(self, ruler):
        self.ruler = ruler
        self.spacy_set_annotations = ruler.set_annotations

    def __call__(self, doc, matches) -> None:
        attrs, indices = self.ruler.attrs, self.ruler.indices
        at = []
        for attr_id, _, start, end in matches:
            index = indices[attr_id]
            i = start + index if index >= 0 else end + index
            if not start <= i < end:
                return self.spacy_set_annotations(doc, matches)
            at.append((i, attrs[attr_id]))
        for i, values in at:
            set_token_attrs(doc[i], values)


def match_by_table(nlp) -> None:
    """Give the pipeline's attribute ruler, if any, the table matcher and direct annotations."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        ruler.match = TableMatcher(ruler)
        ruler.set_annotations = DirectAnnotations(ruler)
