"""The one error shape of the API, ``{"error": {"code", "message", "field"}}``, without Flask:
raised in request handlers and in the analysis processes alike (``service.web.errors`` renders
it into a response)."""
from __future__ import annotations


class APIError(Exception):
    """An error the client can act on; raised anywhere in a request, rendered once."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, extra: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.extra, self.headers = extra or {}, headers or {}

    def body(self) -> dict:
        err = {"code": self.code, "message": self.message, "field": self.field}
        err.update(self.extra)
        return {"error": err}
