"""Real outcomes attached to logged predictions after scoring (``POST /outcomes`` and the dashboard upload):
checked item by item, applied with their profile deltas in one transaction, idempotent."""
from app.services.outcomes.idempotency import IdempotencyConflict, IdempotentCall, valid_key
from app.services.outcomes.report import OutcomeReport
from app.services.outcomes.service import OutcomeAnswer, OutcomeRaceError, OutcomeService

__all__ = ["IdempotencyConflict", "IdempotentCall", "OutcomeAnswer", "OutcomeRaceError", "OutcomeReport",
           "OutcomeService", "valid_key"]
