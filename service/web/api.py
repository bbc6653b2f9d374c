"""The public JSON API (blueprint ``api``, under ``/v1``)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel, ValidationError

from service.core.analysis import analyze
from service.core.language import detect
from service.core.segment import split_sentences
from service.web.errors import APIError
from service.web.schema import (
    MAX_SENTENCE_CHARS,
    MAX_SENTENCES_PER_SCORE,
    AnalyzeRequest,
    ScoreRequest,
    openapi_document,
)

bp = Blueprint("api", __name__, url_prefix="/v1")
AUTO = "auto"


def _store():
    return current_app.extensions["model_store"]


def _classifier():
    clf = _store().current()
    if clf is None:
        raise APIError(503, "model_not_ready", _store().error or "the model is still loading; retry shortly")
    return clf


def parse_json_body(model: type[BaseModel]) -> BaseModel:
    """The request body as ``model``, or an APIError saying exactly what is wrong."""
    mimetype = (request.mimetype or "").lower()
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise APIError(415, "unsupported_media_type",
                       f"Content-Type must be application/json, got {request.content_type or 'none'}")
    raw = request.get_data(cache=False)
    try:
        payload = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise APIError(400, "malformed_json", "the body is not valid UTF-8") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nesting too deep"
        raise APIError(400, "malformed_json", f"the body is not valid JSON: {msg}") from None
    if not isinstance(payload, dict):
        raise APIError(400, "invalid_body", "the body must be a JSON object")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        if err["type"] == "missing":
            raise APIError(400, "missing_field", f"missing required field {field!r}", field) from None
        raise APIError(400, "invalid_field", f"{field}: {err['msg']}", field) from None


def _check_text(value: str, field: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise APIError(400, "invalid_field", f"{field} contains unpaired surrogate characters", field) from None


def resolve_lang(requested: str, sample: str, supported: tuple[str, ...]) -> tuple[str, bool]:
    """The language to use and whether it was detected."""
    requested = requested.strip().lower()
    if requested == AUTO:
        lang, _ = detect(sample)
        if lang not in supported:
            raise APIError(422, "unsupported_language",
                           f"detected language {lang!r} is not supported; supported: {', '.join(supported)}",
                           "lang", {"detected": lang, "supported": list(supported)})
        return lang, True
    if requested not in supported:
        raise APIError(422, "unsupported_language",
                       f"language {requested!r} is not supported; use one of {', '.join(supported)} or auto",
                       "lang", {"supported": list(supported)})
    return requested, False


@bp.post("/analyze")
def analyze_route():
    req = parse_json_body(AnalyzeRequest)
    _check_text(req.text, "text")
    if not req.text.strip():
        raise APIError(400, "empty_text", "text is empty", "text")
    clf = _classifier()
    lang, detected = resolve_lang(req.lang, req.text, clf.languages)
    max_sentences = current_app.config["MAX_ANALYZE_SENTENCES"]
    sentences = split_sentences(req.text, lang)
    if len(sentences) > max_sentences:
        raise APIError(413, "too_many_sentences",
                       f"the text has {len(sentences)} sentences, more than {max_sentences}; "
                       "split it or use /v1/score", "text")
    result = analyze(clf, req.text, lang, sentences)
    return jsonify({"lang": lang, "detected": detected, "model": {"name": clf.name, "version": clf.version},
                    **result})


@bp.post("/score")
def score_route():
    req = parse_json_body(ScoreRequest)
    if not req.sentences:
        raise APIError(400, "empty_sentences", "sentences must hold at least one sentence", "sentences")
    if len(req.sentences) > MAX_SENTENCES_PER_SCORE:
        raise APIError(413, "too_many_sentences",
                       f"{len(req.sentences)} sentences; at most {MAX_SENTENCES_PER_SCORE} per call", "sentences")
    for i, s in enumerate(req.sentences):
        _check_text(s, f"sentences.{i}")
        if not s.strip():
            raise APIError(400, "empty_text", f"sentence {i} is empty", f"sentences.{i}")
        if len(s) > MAX_SENTENCE_CHARS:
            raise APIError(400, "sentence_too_long", f"sentence {i} is longer than {MAX_SENTENCE_CHARS} characters",
                           f"sentences.{i}")
    clf = _classifier()
    lang, _ = resolve_lang(req.lang, "\n".join(req.sentences), clf.languages)
    preds = clf.predict(req.sentences, lang, fast=req.mode == "fast")
    return jsonify({"lang": lang, "model": {"name": clf.name, "version": clf.version},
                    "results": [p.to_json() for p in preds]})


@bp.get("/health/live")
def live():
    return jsonify({"status": "ok"})


@bp.get("/health/ready")
def ready():
    clf = _store().current()
    if clf is None:
        status = "unavailable" if _store().error else "loading"
        return jsonify({"status": status}), 503
    return jsonify({"status": "ok", "model": {"name": clf.name, "version": clf.version}})


@bp.get("/model")
def model_card():
    return jsonify(_classifier().card)


@bp.get("/openapi.json")
def openapi():
    return Response(json.dumps(openapi_document(), ensure_ascii=False), mimetype="application/json")
