"""The log database: tables and Alembic migrations, the prediction log writer/reader, row browsing and export."""
from app.services.log.browse import LogService
from app.services.log.store import LogStatus, PredictionLog, PredictionLogError

__all__ = ["LogService", "LogStatus", "PredictionLog", "PredictionLogError"]
