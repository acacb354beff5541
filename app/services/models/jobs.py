"""The model of a batch-job process: the bundle ``LATEST`` names when a job starts (a promotion reaches the next
job without restarting the job processes), with the challenger's shadow hook when ``CHALLENGER`` (or
``CHALLENGER_VERSION``) names one — job rows are shadow-scored like requests, by a scorer of the job process."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from app.services.models.registry import ModelRegistry
from app.services.shadow.scorer import ShadowScorer
from modeling.artifacts import BundleNotFoundError, load_bundle

if TYPE_CHECKING:
    from app.config import Settings
    from app.services.log import PredictionLog
    from app.services.scoring import ScoringService

logger = logging.getLogger(__name__)
_SHADOWS: dict[str, ShadowScorer] = {}  # one per log database in this process


def job_scoring(settings: Settings, log: PredictionLog, previous: ScoringService | None) -> ScoringService:
    """``previous`` while ``LATEST`` still names its bundle, else a service for the bundle named now; either way
    with the current challenger hooked in (or none)."""
    from app.services.profiles import ProfileStore
    from app.services.scoring import ScoringService

    registry = ModelRegistry(settings.models_dir, log.engine, settings.challenger_version)
    latest = registry.latest()
    scoring = previous
    if scoring is None or scoring.model_version != latest:
        scoring = ScoringService(load_bundle(settings.models_dir, latest), log, ProfileStore(log.engine))
    shadow = _SHADOWS.setdefault(settings.log_database_url, ShadowScorer(log.engine, settings.shadow_queue_rows))
    wanted = registry.challenger()
    if wanted == scoring.model_version:
        wanted = None
    if wanted != shadow.version:
        try:
            shadow.challenger = load_bundle(settings.models_dir, wanted) if wanted else None
        except BundleNotFoundError:
            logger.exception("challenger %s cannot be loaded; this job is not shadow-scored", wanted)
            shadow.challenger = None
    scoring.after_write = shadow.submit
    return scoring
