"""Shared fixtures: the shipped model, loaded once, and a Flask app serving it."""
from pathlib import Path

import pytest

from service import create_app
from training.registry import ROOT_DEFAULT, Registry

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = (ROOT / "seeds" / "000_2061794f87552b70.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def classifier():
    return Registry(ROOT_DEFAULT).load_active()


@pytest.fixture(scope="session")
def app():
    app = create_app({"TESTING": True, "LOAD_MODEL": "sync"})
    assert app.extensions["model_store"].ready, app.extensions["model_store"].error
    return app


@pytest.fixture()
def client(app):
    return app.test_client()
