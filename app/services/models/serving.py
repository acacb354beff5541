"""Build the bundle-dependent services of one model version (a :class:`ServingModel`) over shared log parts."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.models.active import ServingModel

if TYPE_CHECKING:
    from app.config import Settings
    from app.services.log import PredictionLog
    from app.services.profiles import ProfileReader, ProfileStore
    from modeling.artifacts import Bundle


def build_serving(bundle: Bundle, settings: Settings, log: PredictionLog, store: ProfileStore,
                  reader: ProfileReader) -> ServingModel:
    """Scoring, drift, performance and log views of ``bundle``; reads no log rows (cheap, but registers the
    version's profile layout)."""
    from app.services.drift import DriftService
    from app.services.log import LogService
    from app.services.performance import PerformanceService
    from app.services.performance.over_time import PerformanceOptions
    from app.services.profiles.log_totals import ProfileTotals
    from app.services.scoring import ScoringService
    from modeling.data.columns import DATE_COLUMN
    from modeling.data.schema import FEATURE_COLUMNS

    scoring = ScoringService(bundle, log, store)
    labels = bundle.risk_bands["labels"]
    totals = ProfileTotals(reader, bundle.model_version, fallback=lambda query: logs.sql_totals(query))
    inputs = [name for name in FEATURE_COLUMNS if name != DATE_COLUMN]  # the loan date is the day column
    logs = LogService(log, labels, bundle.model_version, input_fields=inputs, totals=totals)
    return ServingModel(
        bundle=bundle, scoring=scoring, logs=logs,
        drift=DriftService(bundle, reader, bands=settings.psi_bands),
        performance=PerformanceService(bundle, reader, alerting=PerformanceOptions(
            settings.performance_floor, settings.performance_min_late)))
