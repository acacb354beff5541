"""Scoring: validate raw records against the bundle's schema, score them, log rows and profiles together."""
from app.services.scoring.holdout import SeedOutcome, seed_holdout
from app.services.scoring.records import RecordValidator, ValidatedRecords
from app.services.scoring.scored import RESULT_COLUMNS, LogWrite, ScoredBatch
from app.services.scoring.service import ScoringService

__all__ = ["RESULT_COLUMNS", "LogWrite", "RecordValidator", "ScoredBatch", "ScoringService", "SeedOutcome",
           "ValidatedRecords", "seed_holdout"]
