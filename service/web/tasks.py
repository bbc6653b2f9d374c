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
from service.core.nlp import parse
from service.core.segment import split_sentences
from service.web.problems import APIError


def dump_json(obj) -> bytes:
    """Exactly Flask's ``jsonify`` bytes with this app's settings (compact, key order kept)."""
    return (json.dumps(obj, ensure_ascii=False, sort_keys=False, separators=(",", ":")) + "\n").encode("utf-8")


def run_task(clf: Classifier | None, op: str, payload: dict, budget: float | None) -> tuple[int, bytes]:
    """Run one request; every failure becomes the API's JSON error."""
    try:
        if clf is None:
            raise APIError(503, "model_not_ready", payload.get("not_ready") or "the model is still loading; retry shortly",
                           headers={"Retry-After": "5"})
        return 200, dump_json(TASKS[op](clf, payload, Deadline(budget)))
    except APIError as exc:
        return exc.status, dump_json(exc.body())
    except DeadlineExceeded as exc:
        return 503, dump_json(APIError(503, "deadline_exceeded", f"{exc}; send a shorter text, or split it").body())


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
    text = payload["text"]
    lang, detected = language(payload["lang"], text, clf.languages)
    sentences = split_sentences(text, lang)
    limit = payload["max_sentences"]
    if len(sentences) > limit:
        raise APIError(413, "too_many_sentences",
                       f"the text has {len(sentences)} sentences, more than {limit}; split it or use /v1/score", "text")
    result = analyze(clf, text, lang, sentences, deadline=deadline)
    return {"lang": lang, "detected": detected, "model": {"name": clf.name, "version": clf.version}, **result}


def score_task(clf: Classifier, payload: dict, deadline: Deadline) -> dict:
    sentences = payload["sentences"]
    lang, _ = language(payload["lang"], "\n".join(sentences), clf.languages)
    fast = payload["mode"] == "fast"
    if not fast:  # warms the parse cache within the budget (longer sentences are not parsed)
        parse([s for s in sentences if len(s) <= PARSE_LIMIT], lang, deadline=deadline)
    deadline.check()
    preds = clf.predict(sentences, lang, fast=fast)
    return {"lang": lang, "model": {"name": clf.name, "version": clf.version}, "results": [p.to_json() for p in preds]}


TASKS = {"analyze": analyze_task, "score": score_task}
