"""Human-readable pages: ``/docs`` renders the OpenAPI document with local files only."""
from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("pages", __name__)


@bp.get("/docs")
def docs():
    return send_from_directory(current_app.static_folder, "docs.html")
