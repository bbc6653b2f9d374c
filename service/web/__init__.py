"""Flask application factory for the media-framing service."""
from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, g

from service.storage.feedback import FILENAME as FEEDBACK_FILE
from service.storage.feedback import FeedbackStore
from service.storage.registry import ROOT_DEFAULT
from service.web.errors import register_error_handlers
from service.web.jobs import JobRunner
from service.web.model_store import ModelStore

DEFAULTS = {
    "MODEL_DIR": str(ROOT_DEFAULT),
    "LOAD_MODEL": "background",  # background | sync | none
    "MAX_CONTENT_LENGTH": 1 << 20,  # 1 MiB JSON bodies
    "MAX_ANALYZE_SENTENCES": 2000,
    "MODEL_WATCH_INTERVAL": 1.0,
    "MAX_UPLOAD_BYTES": 50 << 20,  # labelled data for retraining
    "ADMIN_TOKEN": None,
    "JSON_SORT_KEYS": False,
}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.config.update(DEFAULTS)
    for key in ("MODEL_DIR", "ADMIN_TOKEN"):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    app.config.update(config or {})
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    store = app.config.get("MODEL_STORE") or ModelStore(Path(app.config["MODEL_DIR"]),
                                                        watch_interval=app.config["MODEL_WATCH_INTERVAL"])
    app.extensions["model_store"] = store
    store.registry.cleanup()  # half-written versions of a trainer that was killed
    app.extensions["jobs"] = JobRunner(store.registry.root, on_activated=lambda version: store.load())
    app.extensions["feedback"] = FeedbackStore(store.registry.root / FEEDBACK_FILE)
    if app.config["LOAD_MODEL"] == "sync":
        store.load()
    elif app.config["LOAD_MODEL"] == "background":
        store.load_in_background()

    from service.web.admin import bp as admin_bp
    from service.web.api import bp as api_bp
    from service.web.pages import bp as pages_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(pages_bp)
    register_error_handlers(app)
    _server_timing(app)
    return app


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
