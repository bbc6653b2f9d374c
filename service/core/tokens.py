"""A parse's token attributes as plain lists, read once a sentence.

``for tok in doc`` makes a new spaCy Token object at every step, and ``tok.morph.get`` parses the
morphology string at every call; the cue, clause and feature passes read the same few attributes
of every token several times a sentence. ``columns(doc)`` reads them once (``Doc.to_array``) and
keeps them on the (cached) parse; tests/test_tokens.py holds them equal to the Tokens' own.

    cols = columns(nlp("Il aurait menti."))
    cols.pos == ["PRON", "AUX", "VERB", "PUNCT"]; cols.morph(1, "Mood") == ["Cnd"]
"""
from __future__ import annotations

from spacy.attrs import DEP, HEAD, IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, LOWER, MORPH, POS, TAG

_ATTRS = [IDX, LENGTH, LOWER, LEMMA, POS, TAG, DEP, HEAD, MORPH, IS_PUNCT, IS_SPACE]
# Morphology string hash -> {field: values}, as ``MorphAnalysis.get`` splits them. A model knows
# a few thousand analyses; past this many the memory starts again (hand-made docs can add more).
_MORPHS: dict[int, dict[str, list[str]]] = {}
MAX_MORPHS = 20_000
# String hash -> string (word forms, tags, labels), and lemma hash -> lower-cased lemma; past
# this many entries (a few MB) each starts again.
_NAMES: dict[int, str] = {}
_LOWERED: dict[int, str] = {}
MAX_NAMES = 50_000


class Columns:
    """One parse's tokens, attribute by attribute (index ``i`` is ``doc[i]``): ``idx``, ``end``
    (character offsets), ``lower``, ``lemma`` (lower-cased, as the cue passes compare it),
    ``pos``, ``tag``, ``dep``, ``head`` (absolute index), ``punct_or_space``."""

    __slots__ = ("idx", "end", "lower", "lemma", "pos", "tag", "dep", "head", "punct_or_space",
                 "_morph", "_strings")

    def __init__(self, doc):
        n = len(doc)
        idx, length, lower, lemma, pos, tag, dep, head, morph, punct, space = (
            doc.to_array(_ATTRS).T.tolist() if n else [[] for _ in _ATTRS])
        strings = self._strings = doc.vocab.strings
        self.idx = idx
        self.end = [i + k for i, k in zip(idx, length)]
        self.lower = _names(strings, lower, _NAMES)
        self.lemma = _names(strings, lemma, _LOWERED)
        self.pos = _names(strings, pos, _NAMES)
        self.tag = _names(strings, tag, _NAMES)
        self.dep = _names(strings, dep, _NAMES)
        # HEAD is relative, stored as an unsigned 64-bit integer: back to a signed offset.
        self.head = [i + (h - (1 << 64) if h >= 1 << 63 else h) for i, h in enumerate(head)]
        self._morph = morph
        self.punct_or_space = [bool(a or b) for a, b in zip(punct, space)]

    def __len__(self) -> int:
        return len(self.idx)

    def morph(self, i: int, field: str) -> list[str]:
        """``doc[i].morph.get(field)``: the field's values (an empty list if it has none)."""
        key = self._morph[i]
        feats = _MORPHS.get(key)
        if feats is None:
            if len(_MORPHS) >= MAX_MORPHS:
                _MORPHS.clear()
            feats = _MORPHS[key] = _fields(self._strings[key] if key else "")
        return feats.get(field, [])


def _names(strings, hashes: list[int], table: dict) -> list[str]:
    """The strings of ``hashes``, one shared object per string (``table``: ``_NAMES``, or
    ``_LOWERED`` for lower-cased lemmas): a cached parse's columns hold references, not copies
    (about 2 KB less a sentence)."""
    out = []
    for h in hashes:
        name = table.get(h)
        if name is None:
            if len(table) >= MAX_NAMES:
                table.clear()
            name = table[h] = strings[h].lower() if table is _LOWERED else strings[h]
        out.append(name)
    return out


def _fields(analysis: str) -> dict[str, list[str]]:
    """"Mood=Cnd|PronType=Int,Rel" -> {"Mood": ["Cnd"], "PronType": ["Int", "Rel"]} ("_": none)."""
    out: dict[str, list[str]] = {}
    for feature in analysis.split("|"):
        field, sep, value = feature.partition("=")
        if sep:
            out.setdefault(field, []).extend(value.split(","))
    return out


def columns(doc) -> Columns:
    """The parse's ``Columns``, made once and kept on it."""
    cols = doc.user_data.get("columns")
    if cols is None or len(cols) != len(doc):
        cols = doc.user_data["columns"] = Columns(doc)
    return cols
