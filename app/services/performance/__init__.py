"""The Gráficas tab's service: KPIs, time series, score distribution and performance on known outcomes, all
computed from the log's mergeable profiles, and the model card."""
from app.services.performance.card import ModelCard, build_model_card
from app.services.performance.labelled import LabelledCounts, LabelledEvaluation, evaluate_labelled
from app.services.performance.options import FilterOptions
from app.services.performance.service import PerformanceService, PerformanceView
from app.services.performance.stats import GroupCounts, LogSummary, ScoreDistribution, Timeline, wilson_interval

__all__ = ["FilterOptions", "GroupCounts", "LabelledCounts", "LabelledEvaluation", "LogSummary", "ModelCard",
           "PerformanceService", "PerformanceView", "ScoreDistribution", "Timeline", "build_model_card",
           "evaluate_labelled", "wilson_interval"]
