"""Model registry, retraining jobs and feedback over HTTP (blueprint ``admin``, under ``/v1``).

Writes that change the served model, and reading the stored corrections (they hold users' text),
need ``Authorization: Bearer <ADMIN_TOKEN>``; the model list and job states stay open. Anyone may
send a correction, within a size cap, a rate limit per client and a cap on stored rows.
"""
from __future__ import annotations

import hmac
import json
from functools import wraps

from flask import Blueprint, Response, current_app, jsonify, request

from service.storage.artifacts import ModelError, verify_model
from service.web.api import check_text, parse_json_body, read_body
from service.web.jobs import Busy
from service.web.limits import limiter
from service.web.problems import APIError
from service.web.schema import FeedbackRequest
from training.annotate.importing import import_export
from training.corpus import (
    DEFAULT_TEST,
    MAX_TEXT_CHARS,
    Corpus,
    Problem,
    coverage_problems,
    disjoint_problems,
    load_files,
    validate_text,
)

bp = Blueprint("admin", __name__, url_prefix="/v1")
MAX_CONTEXT_CHARS = 20_000
MODES = ("extend", "replace")
ACTIVATE = ("if_better", "always", "never")
TOOLS = ("label-studio", "doccano")  # ?format= for an annotation tool's export


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = current_app.config.get("ADMIN_TOKEN")
        if not token:
            raise APIError(403, "admin_disabled",
                           "admin endpoints are disabled; set the ADMIN_TOKEN environment variable "
                           "(or the ADMIN_TOKEN config key) and send 'Authorization: Bearer <token>'")
        sent = request.headers.get("Authorization", "")
        scheme, _, value = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            err = APIError(401, "unauthorized", "missing or wrong bearer token")
            resp = jsonify(err.body())
            resp.status_code = 401
            resp.headers["WWW-Authenticate"] = 'Bearer realm="admin"'
            return resp
        return view(*args, **kwargs)
    return wrapper


def _registry():
    return current_app.extensions["registry"]


def _option(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.args.get(name) or request.form.get(name) or default
    if value not in allowed:
        raise APIError(400, "invalid_field", f"{name} must be one of {', '.join(allowed)}", name)
    return value


def _flag(name: str) -> bool:
    value = (request.args.get(name) or request.form.get(name) or "false").lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise APIError(400, "invalid_field", f"{name} must be true or false", name)
    return value in ("true", "1", "yes")


def _upload() -> tuple[bytes, str, str | None]:
    """The labelled data of the request: a multipart file or the raw body (JSONL or CSV)."""
    if request.mimetype == "multipart/form-data":
        file = request.files.get("file")
        if file is None:
            raise APIError(400, "missing_field", "multipart upload needs a 'file' part", "file")
        name = file.filename or "upload.jsonl"
        return file.read(), name, "csv" if name.lower().endswith(".csv") else None
    mimetype = request.mimetype or ""
    if mimetype in ("text/csv", "application/csv"):
        return read_body(), "upload.csv", "csv"
    if mimetype in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json",
                    "text/plain", "application/jsonlines"):
        return read_body(), "upload.jsonl", "jsonl"
    raise APIError(415, "unsupported_media_type",
                   "send JSONL (application/x-ndjson), CSV (text/csv) or a multipart 'file'")


@bp.before_request
def _upload_limit():
    if request.endpoint == "admin.create_model":
        request.max_content_length = current_app.config["MAX_UPLOAD_BYTES"]


@bp.post("/models")
@admin_required
def create_model():
    mode = _option("mode", MODES, "extend")
    activate = _option("activate", ACTIVATE, "if_better")
    include_feedback = _flag("include_feedback")
    tool = _option("format", ("corpus",) + TOOLS, "corpus")
    data, name, fmt = _upload()
    if tool != "corpus":  # an annotation tool's export, turned into corpus rows first
        rows, failed = import_export(data, tool)
        if failed:
            raise APIError(400, "invalid_data", f"{len(failed)} task(s) of the {tool} export could not be converted; "
                                                "nothing was trained", None, {"problems": failed})
        data, name, fmt = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode(), "upload.jsonl", "jsonl"
    examples, problems = validate_text(data, name, fmt)
    # A sentence of the shipped test split would inflate the if_better comparison.
    problems += [Problem(p.file, p.line, "the same text is in the shipped test split, which is never trained on")
                 for p in disjoint_problems(load_files([DEFAULT_TEST]), Corpus(examples))]
    if mode == "replace" and not problems and not include_feedback:
        problems = coverage_problems(Corpus(examples), name)
    if problems:
        problems.sort(key=lambda p: p.line)
        raise APIError(400, "invalid_data", f"{len(problems)} invalid row(s); nothing was trained", None,
                       {"problems": [{"line": p.line, "reason": p.reason} for p in problems]})
    try:
        job = current_app.extensions["jobs"].submit(data, name, mode, activate, include_feedback)
    except Busy as exc:
        raise APIError(409, "training_in_progress", str(exc)) from None
    resp = jsonify({"job": job.to_json(), "rows": len(examples)})
    resp.status_code = 202
    resp.headers["Location"] = f"/v1/jobs/{job.id}"
    return resp


@bp.get("/jobs/<job_id>")
def get_job(job_id: str):
    job = current_app.extensions["jobs"].get(job_id)
    if job is None:
        raise APIError(404, "not_found", f"no job {job_id!r}")
    return jsonify({"job": job.to_json()})


@bp.get("/models")
def list_models():
    serving = current_app.extensions["analysis"].status()["version"]
    return jsonify({"active": _registry().active_version(), "serving": serving, "versions": _registry().describe()})


@bp.post("/models/<version>/activate")
@admin_required
def activate_model(version: str):
    registry = _registry()
    try:
        if version not in registry.versions():
            raise APIError(404, "not_found", f"no model version {version!r}")
        verify_model(registry.path(version))
    except ModelError as exc:
        raise APIError(422, "model_refused", str(exc)) from None
    previous = registry.active_version()
    registry.activate(version)
    served, error = current_app.extensions["analysis"].load_active()
    if served != version:
        if previous:
            registry.activate(previous)
        raise APIError(422, "model_refused", error or f"version {version} could not be loaded")
    return jsonify({"active": version, "previous": previous})


@bp.delete("/models/<version>")
@admin_required
def delete_model(version: str):
    registry = _registry()
    if version not in registry.versions():
        raise APIError(404, "not_found", f"no model version {version!r}")
    try:
        registry.delete(version)
    except ModelError as exc:
        raise APIError(409, "model_active", str(exc)) from None
    return jsonify({"deleted": version})


@bp.post("/feedback")
@limiter.limit(lambda: current_app.config["FEEDBACK_RATE_LIMIT"])
def add_feedback():
    req = parse_json_body(FeedbackRequest)
    check_text(req.text, "text")
    if not req.text.strip():
        raise APIError(400, "empty_text", "text is empty", "text")
    if len(req.text) > MAX_TEXT_CHARS:
        raise APIError(413, "text_too_long", f"text is longer than {MAX_TEXT_CHARS} characters (one sentence "
                                             "expected)", "text")
    if req.context is not None:
        check_text(req.context, "context")
        if len(req.context) > MAX_CONTEXT_CHARS:
            raise APIError(413, "context_too_long", f"context is longer than {MAX_CONTEXT_CHARS} characters",
                           "context")
    languages = current_app.extensions["analysis"].status()["languages"]
    if req.lang not in languages:
        raise APIError(422, "unsupported_language", f"language {req.lang!r} is not supported", "lang",
                       {"supported": list(languages)})
    result = current_app.extensions["feedback"].add(req.text, req.lang, req.label, req.context,
                                                    max_rows=current_app.config["FEEDBACK_MAX_ROWS"])
    if result is None:
        raise APIError(507, "feedback_full", f"the feedback store holds its maximum of "
                                             f"{current_app.config['FEEDBACK_MAX_ROWS']} sentences; an administrator "
                                             "must export and clear it")
    return jsonify(result), 201 if result["status"] == "created" else 200


@bp.get("/feedback")
@admin_required
def export_feedback():
    store = current_app.extensions["feedback"]
    fmt = request.args.get("format", "json")
    if fmt == "jsonl":
        return Response(store.export_jsonl(), mimetype="application/x-ndjson")
    if fmt != "json":
        raise APIError(400, "invalid_field", "format must be json or jsonl", "format")
    return jsonify({"feedback": store.rows()})
