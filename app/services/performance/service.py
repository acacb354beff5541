"""What the model has predicted and how well, for the Gráficas tab: KPIs, time series, the score distribution,
performance on rows with known outcomes, and the model card. No Dash or Flask imports.

Every view is a sum over the profiles of one model version (:class:`~app.services.profiles.ProfileSet`), never a
read of rows: its cost depends on days × cells, not on the size of the log. Results are cached per process under
(view, selection, profile stamp); a write or a fold changes the stamp, so nothing stale is served.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, TypeVar

import pandas as pd

from app.services.performance import stats
from app.services.performance.card import ModelCard, build_model_card
from app.services.performance.labelled import LabelledCounts, LabelledEvaluation, evaluate_labelled
from app.services.performance.options import FilterOptions, filter_options
from app.services.performance.over_time import PerformanceOptions, PerformanceOverTime, performance_over_time
from app.services.performance.score_spread import binned_std
from app.services.performance.stats import GroupCounts, LogSummary, ScoreDistribution, Timeline
from app.services.performance.versions import (
    VersionContext,
    bundle_context,
    directory_context,
    estimated_context,
    fine_bounds,
)
from app.services.profiles import Grouping, ProfileLayout, ProfileReader, ProfileSet
from app.services.result_cache import ResultCache
from app.services.selection import WINDOWS, Selection, SelectionError
from modeling.artifacts import Bundle

T = TypeVar("T")
View = Callable[[ProfileSet, Selection, VersionContext], Any]


@dataclass(frozen=True)
class PerformanceView:
    """The performance section: metrics on labelled rows (None: no outcome known), the time series, and the
    held-out metrics measured at training (``training_test_metrics``) to compare with."""

    evaluation: LabelledEvaluation | None
    timeline: Timeline
    training_test_metrics: dict[str, float]


class PerformanceService:
    """The Gráficas tab's views of one model version at a time; built once per process by ``build_services``."""

    def __init__(self, bundle: Bundle, reader: ProfileReader, cache_size: int = 64,
                 alerting: PerformanceOptions | None = None) -> None:
        self.bundle = bundle
        self.reader = reader
        self.alerting = alerting or PerformanceOptions()
        self.model_version = bundle.model_version
        self._results: ResultCache[Any] = ResultCache(cache_size)
        self._contexts: ResultCache[VersionContext | None] = ResultCache(8)  # kept apart: never evicted by views

    def options(self) -> FilterOptions:
        """Rows per source and per model version, first and last day (one grouped query on the fragments, read
        again only when the served version's profiles changed)."""
        served = self.reader.latest(self.model_version)
        stamp = served.stamp if served is not None else None
        return self._results.get_or_compute(("options", stamp),
                                            lambda: filter_options(self.reader.store.engine, self.model_version))

    def summary(self, selection: Selection) -> LogSummary | None:
        """KPIs of the selected predictions; None when no row matches."""
        return self._cached("summary", selection, self._summary)

    def timeline(self, selection: Selection) -> Timeline | None:
        """Volume, mean score, band shares and observed vs predicted per ``selection.window``; None if empty."""
        return self._cached("timeline", selection, self._timeline)

    def score_distribution(self, selection: Selection) -> ScoreDistribution | None:
        """Histogram of ``prob_default`` beside the version's training reference; None if empty."""
        return self._cached("distribution", selection, self._distribution)

    def performance(self, selection: Selection) -> PerformanceView | None:
        """Metrics, curves and calibration on the selected rows with a known outcome, plus the time series.
        None when no row matches; ``evaluation`` None when none is labelled."""
        return self._cached("performance", selection, self._performance)

    def over_time(self, selection: Selection) -> PerformanceOverTime | None:
        """Realised and estimated metrics per ``selection.window`` and overall, with intervals and alerts; None
        when no row matches."""
        return self._cached("over_time", selection, self._over_time)

    @cached_property
    def model_card(self) -> ModelCard:
        """The served bundle's model card."""
        return build_model_card(self.bundle.metadata)

    def _cached(self, name: str, selection: Selection, view: View) -> Any:
        version = selection.version(self.model_version)
        profiles = self.reader.latest(version)
        if profiles is None:
            if version == self.model_version:
                return None
            raise SelectionError("model_version", f"no logged predictions of model version {version!r}")
        return self._view(name, profiles, replace(selection, model_version=version), view)

    def _view(self, name: str, profiles: ProfileSet, selection: Selection, view: View) -> Any:
        windowed = name in ("timeline", "performance", "over_time")
        chosen = selection if windowed else replace(selection, window=WINDOWS[0])  # one entry for every window

        def compute() -> Any:
            if not profiles.rows(profiles.total(chosen))[0]:
                return None
            return view(profiles, chosen, self._context(profiles))
        return self._results.get_or_compute((name, chosen, profiles.stamp), compute)

    def _context(self, profiles: ProfileSet) -> VersionContext:
        version = profiles.layout.model_version
        stored = self._contexts.get_or_compute(version, lambda: self._stored_context(profiles.layout))
        if stored is not None:
            return stored
        return self._results.get_or_compute(("estimated", version, profiles.stamp),
                                            lambda: estimated_context(profiles))

    def _stored_context(self, layout: ProfileLayout) -> VersionContext | None:
        if layout.model_version == self.model_version:
            scores = self.bundle.load_frame("reference")["prob_default"].to_numpy(dtype="float64")
            return bundle_context(self.bundle.metadata, scores, layout)
        return directory_context(self.bundle.path.parent, layout)

    def _summary(self, profiles: ProfileSet, selection: Selection, context: VersionContext) -> LogSummary:
        counts = _group_counts(profiles, profiles.total(selection))
        sources = profiles.source_rows(selection)
        last = profiles.last_scored(selection)
        days = profiles.day_range(selection)
        summary = stats.summarize(
            counts, profiles.layout.bands, {s: sources[s] for s in selection.sources if sources.get(s)},
            context.threshold, None if last is None else pd.Timestamp(last),
            (pd.Timestamp(days[0]).date(), pd.Timestamp(days[1]).date()) if days else None)
        bounds = fine_bounds(profiles.layout)
        spread = binned_std(profiles.counts(profiles.total(selection), "fine")[0], bounds)
        reference = binned_std(context.reference, bounds).std if context.reference is not None else float("nan")
        return replace(summary, std_prob_default=spread.std, std_bound=spread.bound, reference_std=reference)

    def _timeline(self, profiles: ProfileSet, selection: Selection, _context: VersionContext) -> Timeline:
        grouping = profiles.by_window(selection)
        return stats.timeline(_group_counts(profiles, grouping), grouping.windows.labels, selection.window,
                              profiles.layout.bands)

    def _distribution(self, profiles: ProfileSet, selection: Selection, context: VersionContext) -> ScoreDistribution:
        grouping = profiles.total(selection)
        fine = profiles.counts(grouping, "fine")[0]
        mean = _group_counts(profiles, grouping).prob[0] / fine.sum()
        return stats.score_distribution(fine, context.reference, fine_bounds(profiles.layout),
                                        (float(mean), context.reference_mean), context.threshold, context.cuts,
                                        profiles.layout.bands)

    def _performance(self, profiles: ProfileSet, selection: Selection, context: VersionContext) -> PerformanceView:
        grouping = profiles.total(selection)
        fine = profiles.counts(grouping, "fine_late", "fine_ontime")
        sums, index = profiles.sums(grouping)[0], profiles.layout.sum_index
        counts = LabelledCounts(
            profiles.counts(grouping, "confusion")[0], profiles.block(fine, "fine_late", "fine_late")[0],
            profiles.block(fine, "fine_late", "fine_ontime")[0], float(sums[index["prob_labelled"]]),
            float(sums[index["prob_labelled_late"]]), float(sums[index["prob_sq_labelled"]]))
        evaluation = evaluate_labelled(counts, fine_bounds(profiles.layout), context.threshold)
        timeline = self._view("timeline", profiles, selection, self._timeline)
        return PerformanceView(evaluation, timeline, context.test_metrics)


    def _over_time(self, profiles: ProfileSet, selection: Selection, context: VersionContext) -> PerformanceOverTime:
        return performance_over_time(profiles, selection, context, self.alerting)


def _group_counts(profiles: ProfileSet, grouping: Grouping) -> GroupCounts:
    """Rows, class and confusion cells and sums per group of ``grouping``."""
    layout = profiles.layout
    counts = profiles.counts(grouping, "class", "confusion")
    sums, index = profiles.sums(grouping), layout.sum_index
    prob_columns = [index[f"prob:{band}:{pred}"] for band in layout.bands for pred in (0, 1)]
    return GroupCounts(profiles.rows(grouping), profiles.block(counts, "class", "class"),
                       profiles.block(counts, "class", "confusion"), sums[:, prob_columns].sum(axis=1),
                       sums[:, index["prob_labelled"]], sums[:, index["latency"]], sums[:, index["requests"]])
