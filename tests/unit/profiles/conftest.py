"""A prediction log written through the real scoring service, on SQLite and (when configured) PostgreSQL."""
from __future__ import annotations

import os

import pytest
from profile_log import fill_log

from app.services.log import PredictionLog
from app.services.scoring import ScoringService
from modeling.artifacts import load_bundle

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL not set")])]


@pytest.fixture(params=BACKENDS)
def log_url(request, tmp_path):
    """A fresh SQLite file, or a fresh PostgreSQL schema, for one test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'log.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def bundle(trained_models_dir):
    return load_bundle(trained_models_dir)


@pytest.fixture
def filled(log_url, bundle):
    """(log, scoring service) with ``fill_log`` applied."""
    log = PredictionLog.from_url(log_url)
    scoring = ScoringService(bundle, log)
    fill_log(scoring)
    yield log, scoring
    log.dispose()

