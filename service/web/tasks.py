"""The analysis requests as plain functions: a payload in, ``(status, JSON bytes)`` out.

They run where the model is: in the request's own thread (in-process mode, the tests) or in a
process of the analysis pool (the server), and give the same bytes either way. No Flask here.
"""
from __future__ import annotations

import json

from service.core.analysis import analyze
from service.core.classifier import PARSE_LIMIT, Classifier
from service.core.deadline import Deadline, DeadlineExceeded
from service.core.language import UnsupportedLanguage, resolve_language
from service.core.nlp import with_parses
from service.core.segment import split_sentences
from service.web.problems import APIError


def dump_json(obj) -> bytes:
    """Exactly Flask's ``jsonify`` bytes with this app's settings (compact, key order kept)."""
    return (json.dumps(obj, ensure_ascii=False, sort_keys=False, separators=(",", ":")) + "\n").encode("utf-8")


def run_task(clf: Classifier | None, op: str, payload: dict, budget: float | None) -> tuple[int, bytes, dict]:
    """Run one request; every failure becomes the API's JSON error. The third value counts the
    labels given, for the service's metrics."""
    try:
        if clf is None:
            raise APIError(503, "model_not_ready", payload.get("not_ready") or "the model is still loading; retry shortly",
                           headers={"Retry-After": "5"})
        result = TASKS[op](clf, payload, Deadline(budget))
        return 200, dump_json(result), label_counts(result)
    except APIError as exc:
        return exc.status, dump_json(exc.body()), {}
    except DeadlineExceeded as exc:
        return 503, dump_json(APIError(503, "deadline_exceeded", f"{exc}; send a shorter text, or split it").body()), {}


def label_counts(result: dict) -> dict:
    rows = result.get("sentences") or result.get("results") or []
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    return {"lang": result.get("lang"), "labels": counts}


def language(requested: str, sample: str, supported: tuple[str, ...]) -> tuple[str, bool]:
    """The language to use and whether it was detected, or the API's 422."""
    if not requested.strip():
        requested = "?"  # an empty lang is no language, not "auto"
    try:
        return resolve_language(requested, sample, supported)
    except UnsupportedLanguage as exc:
        if exc.detected:
            raise APIError(422, "unsupported_language",
                           f"detected language {exc.lang!r} is not supported; supported: {', '.join(supported)}",
                           "lang", {"detected": exc.lang, "supported": list(supported)}) from None
        raise APIError(422, "unsupported_language",
                       f"language {requested.strip().lower()!r} is not supported; use one of {', '.join(supported)} "
                       "or auto", "lang", {"supported": list(supported)}) from None


def analyze_task(clf: Classifier, payload: dict, deadline: Deadline) -> dict:
    if "html" in payload:
        return page_task(clf, payload, deadline)
    return _analyze_text(clf, payload["text"], payload["lang"], payload["max_sentences"], deadline)


def _analyze_text(clf: Classifier, text: str, requested: str, limit: int, deadline: Deadline) -> dict:
    lang, detected = language(requested, text, clf.languages)
    sentences = split_sentences(text, lang)
    if len(sentences) > limit:
        raise APIError(413, "too_many_sentences",
                       f"the text has {len(sentences)} sentences, more than {limit}; split it or use /v1/score", "text")
    result = analyze(clf, text, lang, sentences, deadline=deadline)
    return {"lang": lang, "detected": detected, "model": {"name": clf.name, "version": clf.version}, **result}


HTML_STATUS = {"too_large": 413}


def page_task(clf: Classifier, payload: dict, deadline: Deadline) -> dict:
    """A web page: its main text is extracted, then analysed; the page's declared language is used
    for "auto" when the model knows it. The response adds that ``text`` and the ``document``."""
    from service.core.html import HTMLError, extract_article

    try:
        page = extract_article(payload["html"])
    except HTMLError as exc:
        raise APIError(HTML_STATUS.get(exc.code, 422), exc.code, str(exc), "html") from None
    deadline.check()
    requested = payload["lang"]
    if requested.strip().lower() == "auto" and page.document.lang in clf.languages:
        requested = page.document.lang
    result = _analyze_text(clf, page.text, requested, payload["max_sentences"], deadline)
    head = {k: result.pop(k) for k in ("lang", "detected", "model")}
    return {**head, "text": page.text, "document": page.document.to_json(), **result}


def score_task(clf: Classifier, payload: dict, deadline: Deadline) -> dict:
    sentences = payload["sentences"]
    lang, _ = language(payload["lang"], "\n".join(sentences), clf.languages)
    fast = payload["mode"] == "fast"
    plan = None
    if not fast:  # parsed once, within the budget (longer sentences and the triaged are not parsed)
        plan = clf.plan(sentences, lang)
        sentences = with_parses(sentences, lang, deadline=deadline, limit=PARSE_LIMIT, skip=plan.fast)
    deadline.check()
    preds = clf.predict(sentences, lang, fast=fast, strength=True, plan=plan)
    return {"lang": lang, "model": {"name": clf.name, "version": clf.version}, "results": [p.to_json() for p in preds]}


TASKS = {"analyze": analyze_task, "score": score_task}
