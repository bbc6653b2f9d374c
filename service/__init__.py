"""Flask application factory for the media-framing service."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from service.errors import register_error_handlers
from service.model_store import ModelStore
from training.registry import ROOT_DEFAULT

DEFAULTS = {
    "MODEL_DIR": str(ROOT_DEFAULT),
    "LOAD_MODEL": "background",  # background | sync | none
    "MAX_CONTENT_LENGTH": 1 << 20,  # 1 MiB JSON bodies
    "MAX_ANALYZE_SENTENCES": 2000,
    "MODEL_WATCH_INTERVAL": 1.0,
    "JSON_SORT_KEYS": False,
}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.config.update(DEFAULTS)
    if os.environ.get("MODEL_DIR"):
        app.config["MODEL_DIR"] = os.environ["MODEL_DIR"]
    app.config.update(config or {})
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    store = app.config.get("MODEL_STORE") or ModelStore(Path(app.config["MODEL_DIR"]),
                                                        watch_interval=app.config["MODEL_WATCH_INTERVAL"])
    app.extensions["model_store"] = store
    if app.config["LOAD_MODEL"] == "sync":
        store.load()
    elif app.config["LOAD_MODEL"] == "background":
        store.load_in_background()

    from service.api import bp as api_bp
    from service.pages import bp as pages_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(pages_bp)
    register_error_handlers(app)
    return app
