"""A prediction log written through the real scoring service (``log_url``: SQLite, and PostgreSQL when configured)."""
from __future__ import annotations

import pytest
from profile_log import fill_log

from app.services.log import PredictionLog
from app.services.scoring import ScoringService


@pytest.fixture
def filled(log_url, bundle):
    """(log, scoring service) with ``fill_log`` applied."""
    log = PredictionLog.from_url(log_url)
    scoring = ScoringService(bundle, log)
    fill_log(scoring)
    yield log, scoring
    log.dispose()

