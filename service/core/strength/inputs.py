"""``StrengthInput`` for sentences scored on their own (``/v1/score``, evaluation, training):
the same parse, cues and attributions as ``analyze`` gives each sentence of an article."""
from __future__ import annotations

from service.core.analysis import sentence_analysis
from service.core.nlp import docs_of
from service.core.strength.markers import StrengthInput


def inputs_for(sentences: list[str], lang: str, parsed: list[int] | None = None) -> list[StrengthInput]:
    """``parsed``: the sentences the ``full`` pipeline scored (default: all), with the parse they
    carry (``ParsedText``) or else parsed; the others, like long sentences in ``analyze``, are
    read without a parse."""
    parsed = list(range(len(sentences))) if parsed is None else list(parsed)
    docs = dict(zip(parsed, docs_of([sentences[i] for i in parsed], lang))) if parsed else {}
    out = []
    for i, text in enumerate(sentences):
        doc = docs.get(i)
        found, attributions, _ = sentence_analysis(text, lang, doc)
        out.append(StrengthInput(text, lang, found, [a.to_json() for a in attributions], doc))
    return out
