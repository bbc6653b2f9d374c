"""Human-readable pages, local files only (no CDN):

* ``/`` — the analysis page: paste an article, see its sentences, cues, sources and summary
  (``templates/index.html`` + ``static/app.js`` + ``static/app.css``; the page calls ``/v1/analyze``);
* ``/docs`` — the OpenAPI document rendered for people.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory

bp = Blueprint("pages", __name__)

LANGUAGE_NAMES = {"fr": "French", "en": "English"}
FALLBACK_LANGUAGES = ("fr", "en")


def _languages() -> list[tuple[str, str]]:
    """(code, name) of the languages the served model knows; a fixed list while it loads."""
    status = current_app.extensions["analysis"].status()
    codes = tuple(status["languages"]) if status["ready"] else FALLBACK_LANGUAGES
    codes = sorted(codes, key=lambda c: (c not in FALLBACK_LANGUAGES, FALLBACK_LANGUAGES.index(c)
                                         if c in FALLBACK_LANGUAGES else 0, c))
    return [(c, LANGUAGE_NAMES.get(c, c)) for c in codes]


@bp.get("/")
def index():
    return render_template("index.html", languages=_languages())  # headers: service.web.app


@bp.get("/docs")
def docs():
    return send_from_directory(current_app.static_folder, "docs.html")
