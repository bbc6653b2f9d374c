"""Article analysis: text -> sentences -> labels, cues, attributions -> article summary.

The HTTP API and batch jobs both call ``analyze``; every offset indexes the input text.
"""
from __future__ import annotations

from training.classifier import Classifier
from training.cues import find_cues
from training.features import LABELS
from training.nlp import parse
from training.segment import Sentence, split_sentences

CLAIMS_AS_FACT = 5


def analyze(clf: Classifier, text: str, lang: str, sentences: list[Sentence] | None = None) -> dict:
    if sentences is None:
        sentences = split_sentences(text, lang)
    texts = [s.text for s in sentences]
    preds = clf.predict(texts, lang)
    docs = parse(texts, lang) if texts else []
    results = []
    for i, (sent, pred, doc) in enumerate(zip(sentences, preds, docs)):
        cues = find_cues(sent.text, lang, doc)
        results.append({
            "index": i, "text": sent.text, "start": sent.start, "end": sent.end,
            "label": pred.label, "scores": pred.scores,
            "cues": [dict(c.to_json(), start=c.start + sent.start, end=c.end + sent.start) for c in cues],
            "attributions": [],
        })
    return {"sentences": results, "summary": summarize(results)}


def summarize(results: list[dict]) -> dict:
    n = len(results)
    counts = dict.fromkeys(LABELS, 0)
    for r in results:
        counts[r["label"]] += 1
    shares = {lab: round(c / n, 4) if n else 0.0 for lab, c in counts.items()}
    facts = [r for r in results if r["label"] == "asserted" and not r["attributions"]]
    facts.sort(key=lambda r: (-r["scores"]["asserted"], r["index"]))
    return {
        "sentences": n, "counts": counts, "shares": shares, "sources": [],
        "claims_as_fact": [{"index": r["index"], "text": r["text"], "score": r["scores"]["asserted"]}
                           for r in facts[:CLAIMS_AS_FACT]],
    }
