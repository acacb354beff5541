"""Data-drift monitoring of the prediction log, computed from its mergeable profiles, never from its rows.

A view's current sample is the sum of the profile fragments (model version, source, day) that a
:class:`~app.services.selection.Selection` chooses: the bin counts of every drift variable, judged by
:func:`modeling.drift.compare.report_from_counts` and :func:`modeling.drift.evolution.psi_evolution_from_counts`
with the same rules as on rows. Each version is compared with its own stored reference profile; the score only
for the version being served. Views are cached per (selection, ``ProfileSet.stamp``), so re-rendering costs the
reader's two small queries.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import date

import pandas as pd

from app.services.drift.comparison import MedianComparison, compared_variables, median_comparison
from app.services.drift.counts import total_counts, variable_counts
from app.services.drift.view import DriftView, ReferencePeriod, report_table, variable_type
from app.services.profiles import ProfileReader, ProfileSet
from app.services.result_cache import ResultCache
from app.services.selection import Selection
from modeling.artifacts import Bundle
from modeling.data.columns import TEMPORAL_FEATURES
from modeling.drift import DEFAULT_BANDS, EVOLUTION_COLUMNS, SCORE_NAME, FrozenProfile, VariableDrift, load_profile
from modeling.drift.compare import report_from_counts
from modeling.drift.evolution import psi_evolution_from_counts
from modeling.drift.peaks import max_psi_per_window
from modeling.drift.psi import validate_bands
from modeling.drift.trend import Trend, psi_trend

MAX_EVOLUTION_WINDOWS = 1000
VIEW_CACHE_SIZE = 32


class WindowError(ValueError):
    """The chosen window splits the selection into too many windows to show."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"window: {count} windows (maximum {limit}); choose a coarser window")
        self.count = count
        self.limit = limit


class DriftService:
    """Drift reports and PSI evolution of logged predictions, read from profiles; no Dash or Flask here."""

    def __init__(self, bundle: Bundle, reader: ProfileReader, *, bands: tuple[float, float] = DEFAULT_BANDS,
                 exclude: Sequence[str] = TEMPORAL_FEATURES) -> None:
        self.bundle = bundle
        self.reader = reader
        self.bands = validate_bands(bands)
        self.exclude = frozenset(exclude)
        self.profile = load_profile(bundle.reference_profile)
        self.excluded = tuple(name for name in self.profile.variables if name in self.exclude)
        self.derived = tuple(bundle.metadata.get("derived_features", ()))
        self._views: ResultCache[object] = ResultCache(VIEW_CACHE_SIZE)

    @property
    def model_version(self) -> str:
        return self.bundle.model_version

    def reference_period(self) -> ReferencePeriod:
        """Dates and rows of the served model's training period (rows used, after the plausibility filter)."""
        train = self.bundle.metadata["split"]["train"]
        return ReferencePeriod(pd.Timestamp(train["start"]), pd.Timestamp(train["end"]),
                               int(train.get("rows_used", train["rows"])))

    def variables(self) -> list[tuple[str, str]]:
        """``(name, type)`` of every monitored variable of the served model in profile order, then the score."""
        types = self._types(self.profile)
        return [(name, kind) for name, kind in types.items() if name not in self.exclude]

    def versions(self) -> list[str]:
        """The served model version first, then every other version with profiles (most recent first)."""
        others = self.reader.store.versions()
        return [self.model_version, *(v for v in others if v != self.model_version)]

    def date_bounds(self, selection: Selection) -> tuple[date, date] | None:
        """First and last day with rows among the selection (its version, sources and dates); None for none."""
        profiles = self._profiles(selection)
        found = profiles.day_range(selection) if profiles is not None else None
        return None if found is None else (pd.Timestamp(found[0]).date(), pd.Timestamp(found[1]).date())

    def report(self, selection: Selection) -> DriftView:
        """The drift view of the selection (its window plays no part), cached until the profiles change."""
        profiles = self._profiles(selection)
        key = replace(selection, model_version=self._version(selection), window="month")
        if profiles is None:
            reference = self.reference_period() if self._served(key.model_version) else ReferencePeriod(None, None, 0)
            return self._empty_view(key, reference)
        return self._views.get_or_compute(("report", key, profiles.stamp), lambda: self._report(profiles, key))

    def variable(self, selection: Selection, name: str) -> VariableDrift | None:
        """One variable's result (with its per-bin table); None when no rows match or it is not monitored."""
        report = self.report(selection).report
        names = {r.variable for r in report.results} if report is not None else set()
        return report.get(name) if name in names else None

    def evolution(self, selection: Selection) -> pd.DataFrame:
        """PSI per ``selection.window`` (``EVOLUTION_COLUMNS`` plus ``type``), windows from the profile days.

        Raises :class:`WindowError` when the selection spans more than ``MAX_EVOLUTION_WINDOWS`` windows.
        """
        profiles = self._profiles(selection)
        key = replace(selection, model_version=self._version(selection))
        if profiles is None:
            return pd.DataFrame(columns=[*EVOLUTION_COLUMNS, "type"])
        return self._views.get_or_compute(("evolution", key, profiles.stamp), lambda: self._evolution(profiles, key))

    def peaks(self, selection: Selection) -> tuple[pd.DataFrame, Trend]:
        """The largest PSI per ``selection.window`` (``modeling.drift.peaks.PEAK_COLUMNS``) and its trend over the
        recent windows (:func:`modeling.drift.trend.psi_trend`)."""
        peaks = max_psi_per_window(self.evolution(selection))
        return peaks, psi_trend(peaks)

    def medians(self, selection: Selection) -> list[MedianComparison]:
        """Reference vs current median of the main numeric variables, from the frozen bins (empty: no rows)."""
        profiles = self._profiles(selection)
        report = self.report(selection).report
        if profiles is None or report is None:
            return []
        frozen = profiles.layout.frozen
        names = compared_variables(frozen, self._exclude(selection.version(self.model_version)), self.derived)
        key = replace(selection, model_version=self._version(selection), window="month")
        return self._views.get_or_compute(("medians", key, profiles.stamp), lambda: median_comparison(
            frozen, total_counts(profiles, profiles.total(key)), report, names))

    def report_csv(self, selection: Selection) -> str:
        """The PSI table of the selection as CSV text."""
        return self.report(selection).to_csv()

    def report_json(self, selection: Selection) -> str:
        """The full report of the selection (with the selection and reference period) as JSON text."""
        chosen = asdict(replace(selection, model_version=self._version(selection)))
        chosen.pop("window")
        chosen["sources"] = list(chosen["sources"])
        return self.report(selection).to_json(chosen)

    def _version(self, selection: Selection) -> str:
        return selection.version(self.model_version)

    def _profiles(self, selection: Selection) -> ProfileSet | None:
        return self.reader.latest(self._version(selection))

    def _served(self, version: str) -> bool:
        return version == self.model_version

    def _exclude(self, version: str) -> frozenset[str]:
        return self.exclude if self._served(version) else self.exclude | {SCORE_NAME}

    def _types(self, profile: FrozenProfile) -> dict[str, str]:
        types = {v.name: variable_type(v.kind, v.name, self.derived) for v in profile.variables.values()}
        return {**types, **({SCORE_NAME: "score"} if profile.score is not None else {})}

    def _reference(self, profiles: ProfileSet) -> ReferencePeriod:
        if self._served(profiles.layout.model_version):
            return self.reference_period()
        first = profiles.layout.drift_variables[0]
        return ReferencePeriod(None, None, first.n)

    def _empty_view(self, selection: Selection, reference: ReferencePeriod) -> DriftView:
        version = selection.model_version
        return DriftView(version, reference, None, report_table(None, self.derived), 0, None, None, {},
                         self._served(version))

    def _report(self, profiles: ProfileSet, selection: Selection) -> DriftView:
        grouping = profiles.total(selection)
        n_rows = int(profiles.rows(grouping)[0])
        reference = self._reference(profiles)
        if n_rows == 0:
            return self._empty_view(selection, reference)
        version = selection.model_version
        report = report_from_counts(profiles.layout.frozen, total_counts(profiles, grouping),
                                    exclude=self._exclude(version), bands=self.bands, n_current=n_rows)
        first, last = profiles.day_range(selection)
        sources = {s: n for s, n in profiles.source_rows(selection).items() if s in selection.sources and n}
        return DriftView(version, reference, report, report_table(report, self.derived), n_rows,
                         pd.Timestamp(first), pd.Timestamp(last), sources, self._served(version))

    def _evolution(self, profiles: ProfileSet, selection: Selection) -> pd.DataFrame:
        grouping = profiles.by_window(selection)
        if grouping.n_groups > MAX_EVOLUTION_WINDOWS:
            raise WindowError(grouping.n_groups, MAX_EVOLUTION_WINDOWS)
        if grouping.n_groups == 0:
            return pd.DataFrame(columns=[*EVOLUTION_COLUMNS, "type"])
        frame = psi_evolution_from_counts(profiles.layout.frozen, variable_counts(profiles, grouping),
                                          grouping.windows, exclude=self._exclude(selection.model_version),
                                          bands=self.bands)
        return frame.assign(type=frame["variable"].map(self._types(profiles.layout.frozen)))
