"""Challenger scoring in shadow (:mod:`scorer`) and its comparison with the champion (:mod:`service`)."""
from app.services.shadow.agreement import Comparison
from app.services.shadow.scorer import ShadowScorer
from app.services.shadow.service import ComparisonService

__all__ = ["Comparison", "ComparisonService", "ShadowScorer"]
