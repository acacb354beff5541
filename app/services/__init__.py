"""Plain service objects built once per process by ``create_app``; no Flask or Dash imports here.

One package per feature: ``scoring`` (validate, score, log), ``log`` (the database: tables, migrations, row
browsing and export), ``profiles`` (mergeable counts written with every row), ``drift`` (Data Drift tab),
``performance`` (Gráficas tab), ``batch`` (Predicciones por Lotes: results files), ``jobs`` (background batch
jobs of any size), ``models`` (promotion, the switchable champion) and ``shadow`` (the challenger's scores).
``selection`` is the one filter type.
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
    from app.services.models import ModelControl, ServingModel
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
    models: ModelControl | None = None


def build_services(settings: Settings) -> Services:
    """Load the model bundle (raises ``BundleNotFoundError`` with training instructions), open and migrate the
    log, build every service. Nothing here reads the log's rows: start-up cost does not grow with the log.

    The held-out period is written to the log once per model version when ``settings.seed_holdout``. The
    bundle-dependent services are reached through :class:`~app.services.models.Follows`, so a promotion
    (``LATEST`` moved) switches them in this process without a restart (:mod:`app.services.models`).
    """
    from app.services.batch import BatchFiles
    from app.services.jobs import JobService, JobStore, select_engine
    from app.services.log import PredictionLog
    from app.services.models import ActiveModel, Follows, ModelControl, ModelRegistry, ModelWatcher
    from app.services.models.serving import build_serving
    from app.services.profiles import ProfileReader, ProfileStore
    from app.services.scoring import seed_holdout
    from app.services.shadow.scorer import ShadowScorer
    from modeling.artifacts import load_bundle

    bundle = load_bundle(settings.models_dir)
    log = PredictionLog.from_url(settings.log_database_url)
    store = ProfileStore(log.engine)
    reader = ProfileReader(store)
    shadow = ShadowScorer(log.engine, max_rows=settings.shadow_queue_rows)
    seeded: list[SeedOutcome | None] = []

    def build(bundle: Bundle) -> ServingModel:
        model = build_serving(bundle, settings, log, store, reader)
        model.scoring.after_write = shadow.submit  # the challenger's hook: queues, never waits
        seeded.append(seed_holdout(model.scoring, log) if settings.seed_holdout else None)
        return model

    active = ActiveModel(build(bundle))
    registry = ModelRegistry(settings.models_dir, log.engine, settings.challenger_version)
    watcher = ModelWatcher(registry, active, build, shadow, poll_seconds=settings.model_poll_seconds)
    watcher.check()  # the challenger named now scores from the first request
    watcher.start()
    scoring = Follows(active, "scoring")
    batch_files = BatchFiles(settings.predictions_dir, scoring, max_rows=settings.max_batch_rows,
                             max_request_bytes=settings.max_body_bytes)
    job_store = JobStore(log.engine, stale_seconds=settings.job_stale_seconds)
    jobs = JobService(job_store, select_engine(settings, job_store), batch_files,
                      max_upload_bytes=settings.max_upload_bytes, chunk_rows=settings.job_chunk_rows)
    return Services(
        settings=settings, bundle=Follows(active, "bundle"), log=log, scoring=scoring, profiles=reader,
        holdout=seeded[0], drift=Follows(active, "drift"), performance=Follows(active, "performance"),
        logs=Follows(active, "logs"), batch_files=batch_files, jobs=jobs,
        models=ModelControl(registry, active, watcher, shadow))
