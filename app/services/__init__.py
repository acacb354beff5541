"""Plain service objects built once per process by ``create_app``; no Flask or Dash imports here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.config import Settings
    from app.services.batch.files import BatchFiles
    from app.services.scoring.holdout import SeedOutcome
    from app.services.drift.service import MonitoringService
    from app.services.performance.service import PerformanceService
    from app.services.log.store import PredictionLog
    from app.services.scoring.service import ScoringService
    from modeling.artifacts import Bundle


@dataclass(frozen=True)
class Services:
    """Everything the routes and the dashboard call."""

    settings: Settings
    bundle: Bundle
    log: PredictionLog
    scoring: ScoringService
    monitoring: MonitoringService
    performance: PerformanceService
    batch_files: BatchFiles
    holdout: SeedOutcome | None = None


def build_services(settings: Settings) -> Services:
    """Load the model bundle (raises ``BundleNotFoundError`` with training instructions), open the log.

    The held-out period is written to the log once per model version when ``settings.seed_holdout``.
    """
    from app.services.batch.files import BatchFiles
    from app.services.scoring.holdout import seed_holdout
    from app.services.log_snapshot import LogSnapshots
    from app.services.drift.service import MonitoringService
    from app.services.performance.service import PerformanceService
    from app.services.log.store import PredictionLog
    from app.services.scoring.service import ScoringService
    from modeling.artifacts import load_bundle

    bundle = load_bundle(settings.models_dir)
    log = PredictionLog.from_url(settings.log_database_url)
    scoring = ScoringService(bundle, log)
    holdout = seed_holdout(scoring, log) if settings.seed_holdout else None
    snapshots = LogSnapshots(log)  # one in-memory copy of the log, read incrementally, for both dashboard services
    monitoring = MonitoringService(bundle, log, bands=settings.psi_bands, snapshots=snapshots)
    return Services(settings=settings, bundle=bundle, log=log, scoring=scoring, monitoring=monitoring, holdout=holdout,
                    performance=PerformanceService(bundle, log, snapshots=snapshots),
                    batch_files=BatchFiles(settings.predictions_dir, scoring, max_rows=settings.max_batch_rows,
                                           max_request_bytes=settings.max_upload_bytes))
