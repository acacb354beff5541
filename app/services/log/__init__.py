"""The log database: tables and Alembic migrations, the prediction log writer/reader, row browsing and export."""
from app.services.log.browse import PAGE_SIZE, LogService
from app.services.log.pages import LogOptions, LogPage, LogTotals
from app.services.log.query import LogQuery, parse_params, parse_query
from app.services.log.store import LogStatus, PredictionLog, PredictionLogError

__all__ = ["PAGE_SIZE", "LogOptions", "LogPage", "LogQuery", "LogService", "LogStatus", "LogTotals", "PredictionLog",
           "PredictionLogError", "parse_params", "parse_query"]
