"""The public JSON API (blueprint ``api``, under ``/v1``).

Requests are checked here; the analysis itself runs in ``service.web.tasks``, in this thread or
in an analysis process (``service.web.pool``), within a time budget that grows with the text.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel, ValidationError

from service.core.text import text_problem
from service.web import metrics
from service.web.openapi import openapi_document
from service.web.problems import APIError
from service.web.schema import (
    MAX_SENTENCE_CHARS,
    MAX_SENTENCES_PER_SCORE,
    AnalyzeRequest,
    ScoreRequest,
)

bp = Blueprint("api", __name__, url_prefix="/v1")


def _analysis():
    return current_app.extensions["analysis"]


def read_body() -> bytes:
    """The raw body, or a 400 when the client's framing is broken (a bad chunk size, a body
    shorter than its Content-Length)."""
    try:
        return request.get_data(cache=False)
    except Exception as exc:  # werkzeug / the server raise several types for a broken stream
        if getattr(exc, "code", None) == 413:
            raise
        raise APIError(400, "malformed_body", f"the request body could not be read ({type(exc).__name__})") from None


def parse_json_body(model: type[BaseModel]) -> BaseModel:
    """The request body as ``model``, or an APIError saying exactly what is wrong."""
    mimetype = (request.mimetype or "").lower()
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise APIError(415, "unsupported_media_type",
                       f"Content-Type must be application/json, got {request.content_type or 'none'}")
    raw = read_body()
    try:
        payload = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise APIError(400, "malformed_json", "the body is not valid UTF-8") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nesting too deep"
        raise APIError(400, "malformed_json", f"the body is not valid JSON: {msg}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise APIError(400, "malformed_json", f"the body is not valid JSON: {exc}") from None
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


def check_text(value: str, field: str) -> None:
    if text_problem(value) == "surrogates":
        raise APIError(400, "invalid_field", f"{field} contains unpaired surrogate characters", field)


def budget(chars: int) -> float:
    """Seconds a request may analyse for: a base, plus time in proportion to its length."""
    cfg = current_app.config
    return min(cfg["ANALYZE_BUDGET_S"] + chars / cfg["ANALYZE_BUDGET_CHARS_PER_S"], cfg["ANALYZE_BUDGET_MAX_S"])


def _answer(status: int, body: bytes, stats: dict) -> Response:
    if stats:
        metrics.count_sentences(stats)
    resp = Response(body, status=status, mimetype="application/json")
    if status == 503:
        resp.headers["Retry-After"] = "5"
    return resp


@bp.post("/analyze")
def analyze_route():
    req = parse_json_body(AnalyzeRequest)
    if (req.text is None) == (req.html is None):
        if req.text is None:
            raise APIError(400, "missing_field", "missing required field 'text' (or 'html', for a web page)", "text")
        raise APIError(400, "invalid_body", "send either text or html, not both", "html")
    field = "text" if req.text is not None else "html"
    value = req.text if req.text is not None else req.html
    check_text(value, field)
    if not value.strip():
        raise APIError(400, "empty_text" if field == "text" else "empty_html", f"{field} is empty", field)
    payload = {field: value, "lang": req.lang, "max_sentences": current_app.config["MAX_ANALYZE_SENTENCES"]}
    return _answer(*_analysis().run("analyze", payload, budget(len(value))))


@bp.post("/score")
def score_route():
    req = parse_json_body(ScoreRequest)
    if not req.sentences:
        raise APIError(400, "empty_sentences", "sentences must hold at least one sentence", "sentences")
    if len(req.sentences) > MAX_SENTENCES_PER_SCORE:
        raise APIError(413, "too_many_sentences",
                       f"{len(req.sentences)} sentences; at most {MAX_SENTENCES_PER_SCORE} per call", "sentences")
    for i, s in enumerate(req.sentences):
        check_text(s, f"sentences.{i}")
        if not s.strip():
            raise APIError(400, "empty_text", f"sentence {i} is empty", f"sentences.{i}")
        if len(s) > MAX_SENTENCE_CHARS:
            raise APIError(400, "sentence_too_long", f"sentence {i} is longer than {MAX_SENTENCE_CHARS} characters",
                           f"sentences.{i}")
    payload = {"sentences": req.sentences, "lang": req.lang, "mode": req.mode}
    return _answer(*_analysis().run("score", payload, budget(sum(len(s) for s in req.sentences))))


@bp.get("/health/live")
def live():
    return jsonify({"status": "ok"})


@bp.get("/health/ready")
def ready():
    status = _analysis().status()
    if not status["ready"]:
        return jsonify({"status": "unavailable" if status["error"] else "loading"}), 503
    return jsonify({"status": "ok", "model": {"name": status["name"], "version": status["version"]}})


@bp.get("/model")
def model_card():
    card = _analysis().card()
    if card is None:
        status = _analysis().status()
        raise APIError(503, "model_not_ready", status["error"] or "the model is still loading; retry shortly")
    return jsonify(card)


@bp.get("/openapi.json")
def openapi():
    return Response(json.dumps(openapi_document(), ensure_ascii=False), mimetype="application/json")
