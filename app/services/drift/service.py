"""Data-drift monitoring of the prediction log against the bundle's frozen reference profile.

The current sample is what the model scored (the log, read through the process's shared
:class:`~app.services.log_snapshot.LogSnapshots`), filtered by source, loan date and model version. Every view
is cached per process, keyed by the filters and the version's snapshot stamp, so re-rendering costs one
``COUNT``/``MAX`` query. The typed rows of each version (inputs parsed, derived variables computed) are cached
per stamp too and extended with only the new rows when the log grows, so API traffic does not force a
re-parse of the whole log.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict, replace

import pandas as pd

from app.services.log_snapshot import LogSnapshots, Stamp
from app.services.profiles.rows import current_frame
from app.services.drift.filters import MAX_EVOLUTION_WINDOWS, DriftFilters, WindowError
from app.services.drift.report import DriftView, ReferencePeriod, report_table, variable_type
from app.services.log.store import PredictionLog
from app.services.result_cache import ResultCache
from modeling.artifacts import Bundle
from modeling.config import TEMPORAL_FEATURES
from modeling.drift import (
    DEFAULT_BANDS,
    EVOLUTION_COLUMNS,
    SCORE_NAME,
    VariableDrift,
    drift_report,
    load_profile,
    psi_evolution,
)
from modeling.drift.windows import assign_windows
from modeling.schema import FEATURE_COLUMNS

_Frame = tuple[Stamp, pd.DataFrame]


class MonitoringService:
    """Drift reports and PSI evolution of logged predictions; no Dash or Flask here."""

    def __init__(self, bundle: Bundle, log: PredictionLog, *, bands: tuple[float, float] = DEFAULT_BANDS,
                 exclude: Sequence[str] = TEMPORAL_FEATURES, cache_size: int = 16,
                 snapshots: LogSnapshots | None = None) -> None:
        self.bundle = bundle
        self.log = log
        self.snapshots = snapshots or LogSnapshots(log)
        self.bands = tuple(bands)
        self.profile = load_profile(bundle.reference_profile)
        self.excluded = tuple(name for name in self.profile.variables if name in set(exclude))
        self.derived = tuple(bundle.metadata.get("derived_features", ()))
        self._frames: ResultCache[_Frame] = ResultCache(4)
        self._frame_lock = threading.Lock()
        self._views: ResultCache[object] = ResultCache(cache_size)

    @property
    def model_version(self) -> str:
        return self.bundle.model_version

    def reference_period(self) -> ReferencePeriod:
        """Dates and rows of the training period (rows actually used, after the plausibility filter)."""
        train = self.bundle.metadata["split"]["train"]
        return ReferencePeriod(pd.Timestamp(train["start"]), pd.Timestamp(train["end"]),
                               int(train.get("rows_used", train["rows"])))

    def variables(self) -> list[tuple[str, str]]:
        """``(name, type)`` of every monitored variable in profile order, then the score."""
        names = [(v.name, variable_type(v.kind, v.name, self.derived)) for v in self.profile.variables.values()
                 if v.name not in self.excluded]
        return names + ([(SCORE_NAME, "score")] if self.profile.score is not None else [])

    def versions(self) -> list[str]:
        """The loaded model version first, then every other version present in the log."""
        frame = self.snapshots.latest().frame
        logged = frame.groupby("model_version", sort=False)["id"].max().sort_values(ascending=False).index
        return [self.model_version, *(str(v) for v in logged if v != self.model_version)]

    def date_bounds(self, model_version: str | None = None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First and last date (loan date, else scoring date) logged for a version; None for no rows."""
        when = self.snapshots.latest(model_version or self.model_version).frame["when"]
        if when.empty:
            return None
        return when.min(), when.max()

    def report(self, filters: DriftFilters) -> DriftView:
        """The drift view of the rows selected by ``filters`` (cached until the log changes)."""
        version = filters.model_version or self.model_version
        stamp, frame = self._frame(version)
        key = ("report", replace(filters, model_version=version), stamp)
        return self._views.get_or_compute(key, lambda: self._report(version, frame[filters.mask(frame)]))

    def variable(self, filters: DriftFilters, name: str) -> VariableDrift | None:
        """One variable's result (with its per-bin table); None when no rows match or it is not monitored."""
        report = self.report(filters).report
        names = {r.variable for r in report.results} if report is not None else set()
        return report.get(name) if name in names else None

    def evolution(self, filters: DriftFilters, freq: str | int) -> pd.DataFrame:
        """PSI per window (``modeling.drift.psi_evolution`` columns plus ``type``) of the selected rows.

        Raises ``WindowError`` when ``freq`` would give more than ``MAX_EVOLUTION_WINDOWS`` windows.
        """
        version = filters.model_version or self.model_version
        stamp, frame = self._frame(version)
        key = ("evolution", replace(filters, model_version=version), stamp, freq)
        return self._views.get_or_compute(key, lambda: self._evolution(version, frame[filters.mask(frame)], freq))

    def report_csv(self, filters: DriftFilters) -> str:
        """The PSI table of ``filters`` as CSV text."""
        return self.report(filters).to_csv()

    def report_json(self, filters: DriftFilters) -> str:
        """The full report of ``filters`` (with filters and reference period) as JSON text."""
        filters_dict = {**asdict(filters), "model_version": filters.model_version or self.model_version}
        return self.report(filters).to_json(filters_dict)

    def _exclude(self, version: str) -> tuple[str, ...]:
        return self.excluded if version == self.model_version else (*self.excluded, SCORE_NAME)

    def _report(self, version: str, rows: pd.DataFrame) -> DriftView:
        counts = {str(k): int(v) for k, v in rows["source"].value_counts().items()}
        if rows.empty:
            return DriftView(version, self.reference_period(), None, report_table(None, self.derived), 0, None,
                             None, counts, version == self.model_version)
        scores = rows[SCORE_NAME].to_numpy()
        report = drift_report(self.profile, rows, scores=scores, exclude=self._exclude(version), bands=self.bands)
        return DriftView(version, self.reference_period(), report, report_table(report, self.derived), len(rows),
                         rows["time"].min(), rows["time"].max(), counts, version == self.model_version)

    def _evolution(self, version: str, rows: pd.DataFrame, freq: str | int) -> pd.DataFrame:
        if rows.empty:
            return pd.DataFrame(columns=[*EVOLUTION_COLUMNS, "type"])
        windows = assign_windows(rows["time"], freq).count
        if windows > MAX_EVOLUTION_WINDOWS:
            raise WindowError(windows, MAX_EVOLUTION_WINDOWS)
        frame = psi_evolution(self.profile, rows, rows["time"], freq=freq, scores=rows[SCORE_NAME].to_numpy(),
                              exclude=self._exclude(version), bands=self.bands)
        types = {name: kind for name, kind in self.variables()}
        return frame.assign(type=frame["variable"].map(types))

    def _frame(self, version: str) -> _Frame:
        """The version's typed rows and their snapshot stamp: only new rows are typed when the log only grew.

        One thread at a time, so the callbacks of one page render do not all type a cold log at once.
        """
        snapshot = self.snapshots.latest(version)
        with self._frame_lock:
            cached = self._frames.get(version)
            if cached is not None and cached[0] == snapshot.stamp:
                return cached
            added = None if cached is None or cached[1].empty else snapshot.rows_after(cached[0])
            if added is None:
                frame = self._typed(snapshot.frame)
            else:
                frame = pd.concat([cached[1], self._typed(added)], ignore_index=True)
            return self._frames.put(version, (snapshot.stamp, frame))

    def _typed(self, rows: pd.DataFrame) -> pd.DataFrame:
        return current_frame(self.bundle, rows, list(FEATURE_COLUMNS))

