"""App and client fixtures: ``create_app(Settings(...))`` on the session's trained bundle, a fresh log per test."""
from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from app import create_app
from app.config import Settings
from modeling.data.schema import specs_for


@pytest.fixture
def settings(trained_models_dir, tmp_path) -> Settings:
    return Settings(models_dir=trained_models_dir, predictions_dir=tmp_path / "predicciones",
                    max_batch_rows=200, max_upload_mb=0.25)


@pytest.fixture
def make_app(settings):
    """Build an app with some settings changed (e.g. ``make_app(api_key="k")``)."""
    def build(**changes: Any):
        return create_app(dataclasses.replace(settings, **changes))
    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def services(app):
    return app.extensions["credit_risk"]


@pytest.fixture
def record() -> dict[str, Any]:
    """A valid loan record made of the schema's documented example values."""
    return {spec.name: spec.example for spec in specs_for(("feature",))}
