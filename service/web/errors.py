"""One error shape for every failure: ``{"error": {"code", "message", "field"}}``."""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
               415: "unsupported_media_type", 422: "unprocessable", 429: "too_many_requests",
               503: "unavailable"}


class APIError(Exception):
    """An error the client can act on; raised anywhere in a request, rendered once here."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.extra = status, code, message, field, extra or {}

    def body(self) -> dict:
        err = {"code": self.code, "message": self.message}
        if self.field is not None:
            err["field"] = self.field
        err.update(self.extra)
        return {"error": err}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(APIError)
    def _api_error(exc: APIError):
        return jsonify(exc.body()), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            message = f"request body larger than {limit} bytes" if limit else message
        err = APIError(status, _HTTP_CODES.get(status, "http_error"), message)
        resp = jsonify(err.body())
        resp.status_code = status
        valid = getattr(exc, "valid_methods", None)
        if status == 405 and valid:
            resp.headers["Allow"] = ", ".join(valid)
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        return jsonify(APIError(500, "internal_error", "internal error; see the server log").body()), 500
