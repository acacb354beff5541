"""Data-drift monitoring of the prediction log against the frozen reference profiles, read from the log's
mergeable profiles: :class:`DriftService` and the :class:`DriftView` it returns."""
from app.services.drift.service import MAX_EVOLUTION_WINDOWS, DriftService, WindowError
from app.services.drift.view import TABLE_COLUMNS, DriftView, ReferencePeriod

__all__ = ["MAX_EVOLUTION_WINDOWS", "TABLE_COLUMNS", "DriftService", "DriftView", "ReferencePeriod", "WindowError"]
