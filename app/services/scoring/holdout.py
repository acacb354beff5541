"""Seed the prediction log with the bundle's held-out period, exactly once per model version.

The held-out rows are scored through the same service as every request and written with source
``holdout``, their real loan dates and real outcomes (``actual``). A marker row keyed by the model
version is inserted first, in the same transaction, so two workers starting at once cannot both seed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from app.services.log.store import PredictionLog
from app.services.scoring.service import ScoringService
from modeling.data.columns import TARGET

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeedOutcome:
    """What happened: ``seeded`` False means the marker already existed (nothing written)."""

    model_version: str
    seeded: bool
    rows: int = 0
    rejected: int = 0


def seed_holdout(scoring: ScoringService, log: PredictionLog) -> SeedOutcome:
    """Score the bundle's ``holdout`` frame and log it with source ``holdout`` unless already done."""
    version = scoring.model_version
    if log.has_marker(version):
        return SeedOutcome(version, seeded=False)
    frame = scoring.bundle.load_frame("holdout")
    actual = frame[TARGET] if TARGET in frame.columns else None
    batch, write = scoring.prepare(frame, source="holdout", request_id=f"holdout-{version}"[:64], actual=actual)
    if not log.append_once(version, write.rows, fragments=scoring.fragment_rows(write)):
        return SeedOutcome(version, seeded=False)
    if batch.errors:
        logger.warning("hold-out seeding skipped %d invalid rows of %s", len(batch.errors), version)
    logger.info("seeded the prediction log with %d hold-out rows of %s", len(batch.results), version)
    return SeedOutcome(version, seeded=True, rows=len(batch.results), rejected=len(batch.errors))
