"""The OpenAPI 3.1 document of the API, built from the request and response shapes of
``service.web.schema``: the test suite checks real responses against it, so docs and behaviour
cannot drift."""
from __future__ import annotations

from pydantic import BaseModel

from service.web.schema import (
    ActivateResponse,
    AnalyzeRequest,
    AnalyzeResponse,
    DeleteResponse,
    ErrorResponse,
    FeedbackList,
    FeedbackRequest,
    FeedbackResponse,
    HealthResponse,
    JobResponse,
    ModelCard,
    ModelList,
    ScoreRequest,
    ScoreResponse,
)

_ERRORS = {
    "400": "Malformed JSON, a missing or wrong-typed field, or empty text.",
    "413": "Body over the size limit, or too many sentences.",
    "415": "Content-Type is not application/json.",
    "422": "Unsupported language.",
    "401": "Missing or wrong bearer token.",
    "403": "Admin endpoints are disabled: ADMIN_TOKEN is not set.",
    "404": "No such resource.",
    "409": "Conflict: a training job is running, or the version is active.",
    "422m": "The model version was refused (checksum mismatch or unloadable).",
}


def _json_body(model: type[BaseModel]) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}


def _resp(description: str, model: type[BaseModel] | None) -> dict:
    if model is None:
        return {"description": description}
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}


def _errors(*codes: str) -> dict:
    return {code[:3]: _resp(_ERRORS[code], ErrorResponse) for code in codes}


_ADMIN = [{"bearerAuth": []}]


def openapi_document(version: str = "1.0.0") -> dict:
    """The OpenAPI 3.1 document of every endpoint. Long because it is one literal table of the
    paths (one entry per endpoint, read top to bottom like the API); splitting it would scatter
    the table."""
    models = [AnalyzeRequest, ScoreRequest, AnalyzeResponse, ScoreResponse, ErrorResponse,
              HealthResponse, ModelCard, FeedbackRequest, JobResponse, ModelList, ActivateResponse,
              DeleteResponse, FeedbackResponse, FeedbackList]
    components: dict = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            components[name] = sub
        components[model.__name__] = schema
    paths = {
        "/v1/analyze": {"post": {
            "summary": "Split a text into sentences and say how each presents its claim",
            "operationId": "analyze", "requestBody": _json_body(AnalyzeRequest),
            "responses": {"200": _resp("Per-sentence labels, scores, cues and attributions; article summary.",
                                       AnalyzeResponse), **_errors("400", "413", "415", "422"),
                          "503": _resp("The model is not loaded yet.", ErrorResponse)}}},
        "/v1/score": {"post": {
            "summary": "Label sentences that the caller split", "operationId": "score",
            "requestBody": _json_body(ScoreRequest),
            "responses": {"200": _resp("One result per sentence, in input order.", ScoreResponse),
                          **_errors("400", "413", "415", "422"),
                          "503": _resp("The model is not loaded yet.", ErrorResponse)}}},
        "/v1/health/live": {"get": {"summary": "The process is up", "operationId": "live",
                                    "responses": {"200": _resp("Alive.", HealthResponse)}}},
        "/v1/health/ready": {"get": {"summary": "The model is loaded and requests can be served",
                                     "operationId": "ready",
                                     "responses": {"200": _resp("Ready.", HealthResponse),
                                                   "503": _resp("Not ready.", HealthResponse)}}},
        "/v1/model": {"get": {"summary": "The model card of the served model", "operationId": "model",
                              "responses": {"200": _resp("Model card.", ModelCard),
                                            "503": _resp("The model is not loaded yet.", ErrorResponse)}}},
        "/v1/models": {
            "get": {"summary": "Model versions in the registry, with their test metrics", "operationId": "listModels",
                    "responses": {"200": _resp("Versions; which one is active and which one is served.", ModelList)}},
            "post": {"summary": "Retrain from labelled data (JSONL or CSV body, or a multipart 'file')",
                     "operationId": "createModel", "security": _ADMIN,
                     "parameters": [
                         {"name": "mode", "in": "query", "schema": {"enum": ["extend", "replace"], "default": "extend"}},
                         {"name": "activate", "in": "query",
                          "schema": {"enum": ["if_better", "always", "never"], "default": "if_better"}},
                         {"name": "include_feedback", "in": "query", "schema": {"type": "boolean", "default": False}}],
                     "requestBody": {"required": True, "content": {
                         "application/x-ndjson": {"schema": {"type": "string"}},
                         "text/csv": {"schema": {"type": "string"}},
                         "multipart/form-data": {"schema": {"type": "object", "properties": {
                             "file": {"type": "string", "format": "binary"}}}}}},
                     "responses": {"202": _resp("Validated; training started. Poll the job.", JobResponse),
                                   **_errors("400", "401", "403", "409", "413", "415")}}},
        "/v1/models/{version}/activate": {"post": {
            "summary": "Serve another version (roll back or forward), without restart", "operationId": "activateModel",
            "security": _ADMIN, "parameters": [{"name": "version", "in": "path", "required": True,
                                                "schema": {"type": "string"}}],
            "responses": {"200": _resp("Now serving this version.", ActivateResponse),
                          **_errors("401", "403", "404", "422m")}}},
        "/v1/models/{version}": {"delete": {
            "summary": "Delete a version that is not active", "operationId": "deleteModel", "security": _ADMIN,
            "parameters": [{"name": "version", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _resp("Deleted.", DeleteResponse), **_errors("401", "403", "404", "409")}}},
        "/v1/jobs/{job_id}": {"get": {
            "summary": "State, progress, errors, new version and metrics of a training job", "operationId": "getJob",
            "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _resp("The job.", JobResponse), **_errors("404")}}},
        "/v1/feedback": {
            "post": {"summary": "Store a correction (deduplicated; the latest label wins on conflict)",
                     "operationId": "addFeedback", "requestBody": _json_body(FeedbackRequest),
                     "responses": {"201": _resp("Stored.", FeedbackResponse),
                                   "200": _resp("A duplicate or a changed label for a stored sentence.",
                                                FeedbackResponse),
                                   **_errors("400", "415", "422")}},
            "get": {"summary": "Export the corrections (format=json or jsonl, the corpus format)",
                    "operationId": "exportFeedback",
                    "parameters": [{"name": "format", "in": "query", "schema": {"enum": ["json", "jsonl"]}}],
                    "responses": {"200": {"description": "The corrections.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/FeedbackList"}},
                        "application/x-ndjson": {"schema": {"type": "string"}}}},
                        **_errors("400")}}},
        "/v1/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                     "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                                           "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Media framing and stance analysis API", "version": version,
                 "description": "How news text presents its claims: asserted, attributed, hedged or none; "
                                "who is quoted, through which verb, and with which stance."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    }
