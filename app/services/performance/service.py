"""What the model has predicted and how well: KPIs, time series, the score distribution, performance on rows
with known outcomes, and the model card. No Dash or Flask imports.

Each public method filters the rows of the process's shared :class:`~app.services.log_snapshot.LogSnapshots`
with vectorised pandas/numpy and caches its result per process under (method, filters, snapshot stamp): a new
prediction changes the key, so nothing stale is served.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from app.services.log_snapshot import LogSnapshots
from app.services.selection import SOURCES
from app.services.performance.card import ModelCard, build_model_card
from app.services.performance.labelled import LabelledEvaluation, evaluate_labelled
from app.services.performance.stats import (
    LogSummary,
    ScoreDistribution,
    Timeline,
    score_distribution,
    summarize,
    timeline,
)
from app.services.log.store import PredictionLog
from app.services.result_cache import ResultCache
from modeling.artifacts import Bundle

T = TypeVar("T")


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

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of a snapshot frame of this model version that match the sources and the inclusive date range."""
        keep = np.ones(len(frame), dtype=bool)
        if self.sources is not None:
            keep &= frame["source"].isin(self.sources).to_numpy()
        when = frame["when"].to_numpy(dtype="datetime64[ns]")
        if self.start is not None:
            keep &= when >= np.datetime64(self.start, "ns")
        if self.end is not None:
            keep &= when < np.datetime64(self.end + timedelta(days=1), "ns")
        return keep


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
    """Reads the prediction log for the Gráficas tab; built once per process by ``build_services``.

    The filtered rows are selected once per (filters, snapshot stamp) (the ``filters_kept`` latest are kept) and
    shared by every result computed from them; concurrent callbacks wait for one computation instead of repeating it.
    """

    def __init__(self, bundle: Bundle, log: PredictionLog, cache_size: int = 64, filters_kept: int = 4,
                 snapshots: LogSnapshots | None = None) -> None:
        self.bundle = bundle
        self.log = log
        self.snapshots = snapshots or LogSnapshots(log)
        self.band_labels = tuple(bundle.risk_bands["labels"])
        self._results: ResultCache[Any] = ResultCache(cache_size)
        self._rows: ResultCache[pd.DataFrame] = ResultCache(filters_kept)

    def options(self) -> FilterOptions:
        """Rows per source and per model version, and the first/last date in the log."""
        snapshot = self.snapshots.latest()
        return self._results.get_or_compute(("options", snapshot.stamp), lambda: _options(snapshot.frame))

    def summary(self, filters: PerformanceFilters) -> LogSummary | None:
        """KPIs of the filtered predictions; None when no row matches."""
        return self._cached("summary", filters, lambda frame: summarize(frame, self.band_labels))

    def timeline(self, filters: PerformanceFilters, granularity: str = "month") -> Timeline | None:
        """Volume, mean score, band shares and observed vs predicted per ``granularity`` window; None if empty."""
        return self._cached(("timeline", granularity), filters,
                            lambda frame: timeline(frame, granularity, self.band_labels))

    def score_distribution(self, filters: PerformanceFilters) -> ScoreDistribution | None:
        """Histogram of ``prob_default`` of the filtered log beside the training reference; None if empty."""
        cuts = self.bundle.risk_bands["cuts"]
        return self._cached("distribution", filters, lambda frame: score_distribution(
            frame["prob_default"].to_numpy(), self.reference_scores, self.bundle.threshold, cuts, self.band_labels))

    def performance(self, filters: PerformanceFilters, granularity: str = "month") -> PerformanceView | None:
        """Metrics, curves and calibration on the filtered rows with a known outcome, plus the time series
        (observed vs predicted late rate). None when no row matches; ``evaluation`` None when none is labelled."""
        def compute(frame: pd.DataFrame) -> PerformanceView:
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

    def _cached(self, name: Any, filters: PerformanceFilters, compute: Callable[[pd.DataFrame], T]) -> T | None:
        """``compute(rows)`` for the filtered rows, or None when there are none; cached under the snapshot stamp."""
        snapshot = self.snapshots.latest(filters.model_version)

        def select() -> pd.DataFrame:
            keep = filters.mask(snapshot.frame)
            return snapshot.frame if keep.all() else snapshot.frame[keep]

        def run() -> T | None:
            rows = self._rows.get_or_compute((filters, snapshot.stamp), select)
            return None if rows.empty else compute(rows)
        return self._results.get_or_compute((name, filters, snapshot.stamp), run)


def _options(frame: pd.DataFrame) -> FilterOptions:
    """What a snapshot frame of the whole log holds, for the filter controls."""
    return FilterOptions(
        sources={str(k): int(v) for k, v in frame["source"].value_counts().sort_index().items()},
        versions={str(k): int(v) for k, v in frame["model_version"].value_counts().sort_index().items()},
        first_date=frame["when"].min().date() if len(frame) else None,
        last_date=frame["when"].max().date() if len(frame) else None)


def _as_date(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    stamp = pd.to_datetime(value, errors="coerce")
    return None if pd.isna(stamp) else stamp.date()
