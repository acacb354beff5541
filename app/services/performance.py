"""What the model has predicted and how well: KPIs, time series, the score distribution, performance on rows
with known outcomes, and the model card. No Dash or Flask imports.

Each public method reads only the columns it needs with the filters applied in SQL, computes with
vectorised pandas/numpy, and caches its result per process under (method, filters, log row count, max id):
a new prediction changes the key, so nothing stale is served.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from app.services.log_tables import SOURCES, predictions
from app.services.performance_cache import ResultCache
from app.services.performance_card import ModelCard, build_model_card
from app.services.performance_labelled import LabelledEvaluation, evaluate_labelled
from app.services.performance_stats import (
    LogSummary,
    ScoreDistribution,
    Timeline,
    score_distribution,
    summarize,
    timeline,
)
from app.services.prediction_log import PredictionLog
from modeling.artifacts import Bundle

_COLUMNS = ("request_id", "scored_at", "loan_date", "source", "model_version", "prob_default", "Pago_atiempo_pred",
            "risk_band", "latency_ms", "actual")
_DTYPES = {"scored_at": "datetime64[ns]", "loan_date": "datetime64[ns]", "prob_default": "float64",
           "Pago_atiempo_pred": "int64", "latency_ms": "float64", "actual": "Int64"}
_WHEN = sa.func.coalesce(predictions.c.loan_date, predictions.c.scored_at)


@dataclass(frozen=True)
class PerformanceFilters:
    """Which logged predictions to look at: sources (None = all), an inclusive loan-date range, a model version
    (None = all). The date is the loan date, or the scoring time when the record had none."""

    sources: tuple[str, ...] | None = None
    start: date | None = None
    end: date | None = None
    model_version: str | None = None

    @classmethod
    def from_inputs(cls, sources: Sequence[str] | None, start: str | date | None, end: str | date | None,
                    model_version: str | None = None) -> PerformanceFilters:
        """Filters from dashboard inputs; unknown sources are dropped, unparsable dates ignored."""
        chosen = None if sources is None else tuple(sorted(s for s in set(sources) if s in SOURCES))
        return cls(chosen, _as_date(start), _as_date(end), model_version or None)


@dataclass(frozen=True)
class FilterOptions:
    """What the log holds, for the filter controls: rows per source and per model version, date range."""

    sources: dict[str, int]
    versions: dict[str, int]
    first_date: date | None
    last_date: date | None


@dataclass(frozen=True)
class PerformanceView:
    """The performance section: metrics on labelled rows (None: no outcomes known), the time series, and the
    held-out metrics measured at training (``training_test_metrics``) to compare with."""

    evaluation: LabelledEvaluation | None
    timeline: Timeline
    training_test_metrics: dict[str, float]


class PerformanceService:
    """Reads the prediction log for the Gráficas tab; built once per process by ``build_services``."""

    def __init__(self, bundle: Bundle, log: PredictionLog, cache_size: int = 64) -> None:
        self.bundle = bundle
        self.log = log
        self.band_labels = tuple(bundle.risk_bands["labels"])
        self._cache = ResultCache(cache_size)

    def options(self) -> FilterOptions:
        """Rows per source and per model version, and the first/last date in the log."""
        return self._cached("options", None, self._options)

    def summary(self, filters: PerformanceFilters) -> LogSummary | None:
        """KPIs of the filtered predictions; None when no row matches."""
        return self._cached("summary", filters,
                            lambda: self._if_rows(filters, lambda f: summarize(f, self.band_labels)))

    def timeline(self, filters: PerformanceFilters, granularity: str = "month") -> Timeline | None:
        """Volume, mean score, band shares and observed vs predicted per ``granularity`` window; None if empty."""
        return self._cached(("timeline", granularity), filters,
                            lambda: self._if_rows(filters, lambda f: timeline(f, granularity, self.band_labels)))

    def score_distribution(self, filters: PerformanceFilters) -> ScoreDistribution | None:
        """Histogram of ``prob_default`` of the filtered log beside the training reference; None if empty."""
        bands = self.bundle.risk_bands
        return self._cached("distribution", filters, lambda: self._if_rows(filters, lambda f: score_distribution(
            f["prob_default"].to_numpy(), self.reference_scores, self.bundle.threshold, bands["cuts"],
            self.band_labels)))

    def performance(self, filters: PerformanceFilters, granularity: str = "month") -> PerformanceView | None:
        """Metrics, curves and calibration on the filtered rows with a known outcome, plus the time series
        (observed vs predicted late rate). None when no row matches; ``evaluation`` None when none is labelled."""
        def compute() -> PerformanceView | None:
            frame = self._frame(filters)
            if frame.empty:
                return None
            labelled = frame[frame["actual"].notna()]
            evaluation = evaluate_labelled(labelled["actual"].to_numpy(dtype="int64"),
                                           labelled["prob_default"].to_numpy(), self.bundle.threshold)
            return PerformanceView(evaluation, timeline(frame, granularity, self.band_labels),
                                   dict((self.bundle.metadata.get("metrics") or {}).get("test") or {}))
        return self._cached(("performance", granularity), filters, compute)

    @cached_property
    def model_card(self) -> ModelCard:
        """The loaded bundle's model card."""
        return build_model_card(self.bundle.metadata)

    @cached_property
    def reference_scores(self) -> np.ndarray:
        """``prob_default`` of the training-period rows stored in the bundle."""
        return self.bundle.load_frame("reference")["prob_default"].to_numpy(dtype="float64")

    def _cached(self, name: Any, filters: PerformanceFilters | None, compute: Any) -> Any:
        return self._cache.get_or_compute((name, filters, self._log_stamp()), compute)

    def _log_stamp(self) -> tuple[int, int | None]:
        """(row count, max id) of the log: changes whenever rows are added or removed."""
        query = sa.select(sa.func.count(predictions.c.id), sa.func.max(predictions.c.id))
        with self.log.engine.connect() as conn:
            count, max_id = conn.execute(query).one()
        return int(count), max_id

    def _if_rows(self, filters: PerformanceFilters, compute: Any) -> Any:
        frame = self._frame(filters)
        return None if frame.empty else compute(frame)

    def _frame(self, filters: PerformanceFilters) -> pd.DataFrame:
        """The filtered rows (``_COLUMNS`` plus ``when``), straight from SQL."""
        query = sa.select(*(predictions.c[name] for name in _COLUMNS)).order_by(predictions.c.id)
        when = _WHEN
        if filters.sources is not None:
            query = query.where(predictions.c.source.in_(filters.sources))
        if filters.model_version is not None:
            query = query.where(predictions.c.model_version == filters.model_version)
        if filters.start is not None:
            query = query.where(when >= datetime.combine(filters.start, datetime.min.time()))
        if filters.end is not None:
            query = query.where(when < datetime.combine(filters.end + timedelta(days=1), datetime.min.time()))
        with self.log.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        frame = frame.astype(_DTYPES)
        frame["when"] = frame["loan_date"].fillna(frame["scored_at"])
        return frame

    def _options(self) -> FilterOptions:
        columns = (predictions.c.source, predictions.c.model_version)
        query = sa.select(*columns, sa.func.count(), sa.func.min(_WHEN), sa.func.max(_WHEN)).group_by(*columns)
        with self.log.engine.connect() as conn:
            groups = pd.DataFrame(conn.execute(query).all(), columns=["source", "version", "n", "first", "last"])
        dates = pd.to_datetime(pd.concat([groups["first"], groups["last"]]), errors="coerce").dropna()
        return FilterOptions(
            sources={str(k): int(v) for k, v in groups.groupby("source")["n"].sum().items()},
            versions={str(k): int(v) for k, v in groups.groupby("version")["n"].sum().items()},
            first_date=dates.min().date() if len(dates) else None,
            last_date=dates.max().date() if len(dates) else None)


def _as_date(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    stamp = pd.to_datetime(value, errors="coerce")
    return None if pd.isna(stamp) else stamp.date()
