"""Article analysis: text -> sentences -> labels, cues, attributions -> article summary.

The HTTP API and batch jobs both call ``analyze``; every offset indexes the input text.
"""
from __future__ import annotations

from collections import Counter

from service.core.attribution import extract, normalise_source
from service.core.classifier import PARSE_LIMIT, Classifier
from service.core.cues import analyze_cues
from service.core.deadline import NO_DEADLINE, Deadline
from service.core.nlp import with_parses
from service.core.segment import Sentence, split_sentences
from service.core.strength.markers import StrengthInput
from service.core.strength.summary import claims_as_fact, strength_summary
from service.core.vocabulary import LABELS, STANCES

CLAIMS_AS_FACT = 5
PRONOUNS = {"il", "elle", "ils", "elles", "on", "he", "she", "they", "it", "we", "i", "nous", "je"}


# A sentence with more attribution cues than this gets no attributions (their cost grows with the
# product of cues and tokens; no news sentence holds that many).
MAX_ATTRIBUTION_CUES = 40
ATTRIBUTION_CUE_TYPES = ("reporting_verb", "according_to", "unnamed_source", "quote")


def analyze(clf: Classifier, text: str, lang: str, sentences: list[Sentence] | None = None,
            deadline: Deadline = NO_DEADLINE, triage: bool = True) -> dict:
    """Degraded, documented cases: a sentence over ``PARSE_LIMIT`` characters is labelled without a
    parse (lexicon cues, no attributions), one with over ``MAX_ATTRIBUTION_CUES`` cues gets no
    attributions; either says so in ``degraded``. ``deadline`` is checked between sentences. With
    ``triage``, sentences that need no parse (``service.core.triage``) skip it."""
    if sentences is None:
        sentences = split_sentences(text, lang)
    plain = [s.text for s in sentences]
    plan = clf.plan(plain, lang, triage=triage)
    texts = with_parses(plain, lang, deadline=deadline, limit=PARSE_LIMIT, skip=plan.fast)
    deadline.check()
    scored = clf.score(texts, lang, plan=plan)
    preds = scored.predictions()
    strength = clf.has_strength(lang)
    results, inputs = [], []
    for i, (sent, text, pred) in enumerate(zip(sentences, texts, preds)):
        if i % 16 == 0:
            deadline.check(f" ({i} of {len(sentences)} sentences done)")
        doc = getattr(text, "doc", None)
        found, attributions, degraded = sentence_analysis(sent.text, lang, doc)
        result = {
            "index": i, "text": sent.text, "start": sent.start, "end": sent.end,
            "label": pred.label, "scores": pred.scores,
            "cues": [dict(c.to_json(), start=c.start + sent.start, end=c.end + sent.start) for c in found.cues],
            "attributions": [a.to_json(sent.start) for a in attributions],
        }
        if degraded:
            result["degraded"] = degraded
        results.append(result)
        if strength:
            inputs.append(StrengthInput(sent.text, lang, found, [a.to_json() for a in attributions], doc))
    if strength:
        add_strength(results, clf.sentence_strength(scored, preds, inputs, lang), sentences)
    return {"sentences": results, "summary": summarize(results, lang)}


def sentence_analysis(text: str, lang: str, doc) -> tuple:
    """(cues, attributions, degraded) of one sentence: no parse, no attributions ("long_sentence");
    over ``MAX_ATTRIBUTION_CUES`` attribution cues, none either ("too_many_cues")."""
    found = analyze_cues(text, lang, doc)
    if doc is None:  # a long sentence, or one the triage found no cue in
        return found, [], "long_sentence" if len(text) > PARSE_LIMIT else None
    if sum(c.type in ATTRIBUTION_CUE_TYPES for c in found.cues) > MAX_ATTRIBUTION_CUES:
        return found, [], "too_many_cues"
    return found, extract(found, lang, doc), None


def add_strength(results: list[dict], strengths: list, sentences: list[Sentence]) -> None:
    """Each sentence's ``strength`` and each attribution's ``sourcing``, appended to its keys."""
    for result, st, sent in zip(results, strengths, sentences):
        if st is None:
            continue
        result["strength"] = st.to_json(sent.start)
        for att, cls in zip(result["attributions"], st.attribution_sourcing):
            att["sourcing"] = cls


def summarize(results: list[dict], lang: str) -> dict:
    n = len(results)
    counts = dict.fromkeys(LABELS, 0)
    for r in results:
        counts[r["label"]] += 1
    shares = {lab: round(c / n, 4) if n else 0.0 for lab, c in counts.items()}
    facts = [r for r in results if r["label"] == "asserted" and not r["attributions"]]
    shares["unattributed_asserted"] = round(len(facts) / n, 4) if n else 0.0
    if any("strength" in r for r in results):
        summary = {"sentences": n, "counts": counts, "shares": shares, "sources": group_sources(results, lang),
                   "claims_as_fact": claims_as_fact(results, CLAIMS_AS_FACT)}
        return dict(summary, **strength_summary(results))
    facts.sort(key=lambda r: (-r["scores"]["asserted"], r["index"]))
    return {
        "sentences": n, "counts": counts, "shares": shares, "sources": group_sources(results, lang),
        "claims_as_fact": [{"index": r["index"], "text": r["text"], "score": r["scores"]["asserted"]}
                           for r in facts[:CLAIMS_AS_FACT]],
    }


def group_sources(results: list[dict], lang: str) -> list[dict]:
    """One entry per source: mentions grouped case- and determiner-insensitively; a pronoun joins
    the last named source before it; "l'armée" joins "l'armée syrienne" when it can mean no other."""
    mentions: list[tuple[str, int, dict]] = []  # (key, sentence index, attribution)
    last_named = None
    for r in results:
        for a in r["attributions"]:
            if a["source"] is None:
                continue
            key = normalise_source(a["source"]["text"], lang)
            if not key:
                continue
            if key in PRONOUNS:
                if last_named is None:
                    continue
                key = last_named
            else:
                last_named = key
            mentions.append((key, r["index"], a))
    keys = {k for k, _, _ in mentions}
    merge = {}
    for k in keys:
        longer = [other for other in keys if other != k and other.startswith(k + " ")]
        if len(longer) == 1:
            merge[k] = longer[0]
    groups: dict[str, dict] = {}
    for key, index, a in mentions:
        key = merge.get(key, key)
        g = groups.setdefault(key, {"name": a["source"]["text"], "mentions": [], "claims": 0, "sentences": [],
                                    "cues": Counter(), "stances": dict.fromkeys(STANCES, 0)})
        if normalise_source(a["source"]["text"], lang) == key and len(a["source"]["text"]) > len(g["name"]):
            g["name"] = a["source"]["text"]
        g["mentions"].append(a["source"])
        g["claims"] += 1
        if index not in g["sentences"]:
            g["sentences"].append(index)
        g["cues"][a["cue"]["lemma"]] += 1
        g["stances"][a["stance"]] += 1
    out = []
    for g in groups.values():
        g["cues"] = [lemma for lemma, _ in g["cues"].most_common()]
        out.append(g)
    out.sort(key=lambda g: (-g["claims"], g["sentences"][0]))
    return out
