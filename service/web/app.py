"""Flask application factory for the media-framing service."""
from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, g, request

from service.storage.feedback import FILENAME as FEEDBACK_FILE
from service.storage.feedback import FeedbackStore
from service.storage.registry import ROOT_DEFAULT, Registry
from service.web import metrics
from service.web.errors import register_error_handlers
from service.web.jobs import JobRunner
from service.web.limits import limiter

DEFAULTS = {
    "MODEL_DIR": str(ROOT_DEFAULT),
    "LOAD_MODEL": "background",  # background | sync | none (in-process analysis)
    "ANALYSIS_WORKERS": 0,  # 0: analyse in the request's thread; N: N processes beside the front
    # An analysis process whose resident memory passes this after a request is replaced by a fresh
    # fork (spaCy keeps every new word it meets; a big request leaves a fragmented heap).
    "ANALYSIS_RETIRE_MB": 1536,
    "ANALYZE_BUDGET_S": 5.0,  # a request's time budget: this much, plus ...
    "ANALYZE_BUDGET_CHARS_PER_S": 20_000,  # ... one second per this many characters, ...
    "ANALYZE_BUDGET_MAX_S": 90.0,  # ... up to this
    "MAX_CONTENT_LENGTH": 1 << 20,  # 1 MiB JSON bodies
    "MAX_ANALYZE_SENTENCES": 2000,
    "MODEL_WATCH_INTERVAL": 1.0,
    "MAX_UPLOAD_BYTES": 50 << 20,  # labelled data for retraining
    "ADMIN_TOKEN": None,
    "TRUSTED_HOSTS": None,  # Host names accepted (None: any); the server sets loopback names
    "FEEDBACK_RATE_LIMIT": "60 per minute; 1000 per day",  # corrections per client address
    "FEEDBACK_MAX_ROWS": 100_000,  # stored corrections (distinct sentences)
    "JSON_SORT_KEYS": False,
}
# Settings an operator may give as environment variables, and their types.
ENVIRONMENT = {"MODEL_DIR": str, "ADMIN_TOKEN": str, "ANALYZE_BUDGET_S": float, "ANALYZE_BUDGET_CHARS_PER_S": float,
               "ANALYZE_BUDGET_MAX_S": float, "FEEDBACK_RATE_LIMIT": str, "FEEDBACK_MAX_ROWS": int,
               "ANALYSIS_RETIRE_MB": int}
# The page and /docs load nothing from elsewhere; the API returns data, never a document.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.config.update(DEFAULTS)
    for key, kind in ENVIRONMENT.items():
        if os.environ.get(key):
            app.config[key] = kind(os.environ[key])
    app.config.update(config or {})
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    registry = Registry(Path(app.config["MODEL_DIR"]))
    registry.cleanup()  # half-written versions of a trainer that was killed
    app.extensions["registry"] = registry
    app.extensions["analysis"] = analysis = _analysis(app, registry)
    app.extensions["jobs"] = JobRunner(registry.root, on_activated=lambda version: analysis.load_active())
    app.extensions["feedback"] = FeedbackStore(registry.root / FEEDBACK_FILE)

    from service.web.admin import bp as admin_bp
    from service.web.api import bp as api_bp
    from service.web.pages import bp as pages_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(pages_bp)
    limiter.init_app(app)
    metrics.init_app(app)
    register_error_handlers(app)
    _server_timing(app)
    _security_headers(app)
    return app


def _analysis(app: Flask, registry: Registry):
    """In-process analysis (``ANALYSIS_WORKERS`` 0) or a pool of analysis processes."""
    workers = int(app.config["ANALYSIS_WORKERS"])
    if workers > 0:
        from service.web.pool import ProcessAnalysis

        return ProcessAnalysis(registry, workers, retire_rss=int(app.config["ANALYSIS_RETIRE_MB"]) << 20)
    from service.storage.model_store import ModelStore
    from service.web.pool import InlineAnalysis

    store = app.config.get("MODEL_STORE") or ModelStore(registry.root, watch_interval=app.config["MODEL_WATCH_INTERVAL"])
    app.extensions["model_store"] = store
    if app.config["LOAD_MODEL"] == "sync":
        store.load()
    elif app.config["LOAD_MODEL"] == "background":
        store.load_in_background()
    return InlineAnalysis(store)


def _security_headers(app: Flask) -> None:
    """Every response says what it may load and that its type is what it says."""

    @app.after_request
    def _headers(resp):
        page = request.endpoint in ("pages.index", "pages.docs") or (request.endpoint or "").startswith("static")
        resp.headers.setdefault("Content-Security-Policy", PAGE_CSP if page else API_CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        return resp


def _server_timing(app: Flask) -> None:
    """Every response says how long the app took (``Server-Timing: app;dur=<ms>``), so a client
    or a load test can tell the app's work from the network and the server around it."""

    @app.before_request
    def _start():
        g.started = time.perf_counter()

    @app.after_request
    def _stamp(resp):
        started = g.get("started")
        if started is not None:
            resp.headers["Server-Timing"] = f"app;dur={1000 * (time.perf_counter() - started):.2f}"
        return resp
