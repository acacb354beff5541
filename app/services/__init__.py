"""Plain service objects built once per process by ``create_app``; no Flask or Dash imports here.

One package per feature: ``scoring`` (validate, score, log), ``log`` (the database: tables, migrations, row
browsing and export), ``profiles`` (mergeable counts written with every row), ``drift`` (Data Drift tab),
``performance`` (Gráficas tab), ``batch`` (Predicciones por Lotes: results files) and ``jobs`` (background batch
jobs of any size). ``selection`` is the one filter type.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.config import Settings
    from app.services.batch import BatchFiles
    from app.services.drift import DriftService
    from app.services.jobs import JobService
    from app.services.log import LogService, PredictionLog
    from app.services.performance import PerformanceService
    from app.services.profiles import ProfileReader
    from app.services.scoring import ScoringService, SeedOutcome
    from modeling.artifacts import Bundle


@dataclass(frozen=True)
class Services:
    """Everything the routes and the dashboard call."""

    settings: Settings
    bundle: Bundle
    log: PredictionLog
    scoring: ScoringService
    profiles: ProfileReader
    drift: DriftService
    performance: PerformanceService
    logs: LogService
    batch_files: BatchFiles
    holdout: SeedOutcome | None = None
    jobs: JobService | None = None


def build_services(settings: Settings) -> Services:
    """Load the model bundle (raises ``BundleNotFoundError`` with training instructions), open and migrate the
    log, build every service. Nothing here reads the log's rows: start-up cost does not grow with the log.

    The held-out period is written to the log once per model version when ``settings.seed_holdout``.
    """
    from app.services.batch import BatchFiles
    from app.services.drift import DriftService
    from app.services.jobs import JobService, JobStore, select_engine
    from app.services.log import LogService, PredictionLog
    from app.services.performance import PerformanceService
    from app.services.performance.over_time import PerformanceOptions
    from app.services.profiles import ProfileReader, ProfileStore
    from app.services.profiles.log_totals import ProfileTotals
    from app.services.scoring import ScoringService, seed_holdout
    from modeling.artifacts import load_bundle
    from modeling.data.columns import DATE_COLUMN
    from modeling.data.schema import FEATURE_COLUMNS

    bundle = load_bundle(settings.models_dir)
    log = PredictionLog.from_url(settings.log_database_url)
    store = ProfileStore(log.engine)
    scoring = ScoringService(bundle, log, store)
    holdout = seed_holdout(scoring, log) if settings.seed_holdout else None
    reader = ProfileReader(store)
    labels = bundle.risk_bands["labels"]
    totals = ProfileTotals(reader, bundle.model_version, fallback=lambda query: logs.sql_totals(query))
    inputs = [name for name in FEATURE_COLUMNS if name != DATE_COLUMN]  # the loan date is the day column
    logs = LogService(log, labels, bundle.model_version, input_fields=inputs, totals=totals)
    batch_files = BatchFiles(settings.predictions_dir, scoring, max_rows=settings.max_batch_rows,
                             max_request_bytes=settings.max_body_bytes)
    job_store = JobStore(log.engine, stale_seconds=settings.job_stale_seconds)
    jobs = JobService(job_store, select_engine(settings, job_store), batch_files,
                      max_upload_bytes=settings.max_upload_bytes, chunk_rows=settings.job_chunk_rows)
    return Services(
        settings=settings, bundle=bundle, log=log, scoring=scoring, profiles=reader, holdout=holdout,
        drift=DriftService(bundle, reader, bands=settings.psi_bands),
        performance=PerformanceService(bundle, reader, alerting=PerformanceOptions(
            settings.performance_floor, settings.performance_min_late)),
        logs=logs,
        batch_files=batch_files, jobs=jobs)
