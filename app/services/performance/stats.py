"""KPIs, time series and the score histogram of logged predictions, computed from profile counts (never rows).

Counts and shares are exact; means are exact sums divided by exact counts. Latency is attributed per row: a row
of a request that logged ``k`` rows carries ``latency_ms / k`` and ``1 / k`` request, so a selection's requests
and mean latency per request are exact whenever each request lies wholly inside it (a request split by the
selection, e.g. a batch spanning several loan days cut by a date range, counts for the share of its rows).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

HISTOGRAM_BINS = 40
_Z = 1.959963984540054  # two-sided 95 %


@dataclass(frozen=True)
class GroupCounts:
    """Per group (a total or one window per row): rows, class cells ``band_index * 2 + pred`` (``klass``), labelled
    confusion cells ``pred * 2 + actual``, Σ prob_default, Σ prob_default of labelled rows, Σ attributed latency
    and Σ attributed requests."""

    rows: np.ndarray
    klass: np.ndarray
    confusion: np.ndarray
    prob: np.ndarray
    prob_labelled: np.ndarray
    latency: np.ndarray
    requests: np.ndarray

    def band_counts(self) -> np.ndarray:
        return self.klass.reshape(len(self.rows), -1, 2).sum(axis=2)

    def predicted_late(self) -> np.ndarray:
        return self.klass[:, 0::2].sum(axis=1)

    def late_actual(self) -> np.ndarray:
        return self.confusion[:, 0] + self.confusion[:, 2]


@dataclass(frozen=True)
class LogSummary:
    """KPIs of a selection. ``requests`` is attributed (see the module docstring), hence a float."""

    n: int
    by_source: dict[str, int]
    predicted_late_share: float
    mean_prob_default: float
    band_shares: dict[str, float]
    requests: float
    mean_latency_ms: float
    latency_per_record_ms: float
    last_scored_at: pd.Timestamp | None
    first_date: date | None
    last_date: date | None
    n_labelled: int
    threshold: float
    std_prob_default: float = float("nan")  # from the fine bins, within ``std_bound`` of the exact value
    std_bound: float = float("nan")
    reference_std: float = float("nan")  # the training reference's, computed the same way (NaN: no reference)


@dataclass(frozen=True)
class Timeline:
    """One row per window (index: window start, empty windows included with ``n`` 0)."""

    frame: pd.DataFrame
    granularity: str
    band_labels: tuple[str, ...]


@dataclass(frozen=True)
class ScoreDistribution:
    """Shares of ``prob_default`` per display bin for the selection and the training reference (same bins).

    Display edges are fine-bin edges, so bins are nearly but not exactly equally wide; the last bin also holds
    every score above ``edges[-1]`` when ``overflow``. ``reference_share`` is None when the version's training
    scores are not available.
    """

    edges: np.ndarray
    current_share: np.ndarray
    reference_share: np.ndarray | None
    n_current: int
    n_reference: int
    overflow: bool
    current_mean: float
    reference_mean: float
    threshold: float
    cuts: tuple[float, ...]
    band_labels: tuple[str, ...]


def wilson_interval(successes: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson score interval of a proportion, element-wise (NaN where ``n`` is 0)."""
    successes, n = np.asarray(successes, dtype="float64"), np.asarray(n, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        denom = 1 + _Z**2 / n
        centre = (p + _Z**2 / (2 * n)) / denom
        half = _Z * np.sqrt(p * (1 - p) / n + _Z**2 / (4 * n**2)) / denom
    low = np.where(successes == 0, 0.0, np.clip(centre - half, 0, 1))  # exact bounds where round-off strays
    high = np.where(successes == n, 1.0, np.clip(centre + half, 0, 1))
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def summarize(counts: GroupCounts, bands: tuple[str, ...], by_source: dict[str, int], threshold: float,
              last_scored_at: pd.Timestamp | None, days: tuple[date, date] | None) -> LogSummary:
    """KPIs of a one-group ``counts`` with at least one row."""
    n = int(counts.rows[0])
    requests, latency = float(counts.requests[0]), float(counts.latency[0])
    return LogSummary(
        n=n, by_source=by_source, predicted_late_share=float(counts.predicted_late()[0] / n),
        mean_prob_default=float(counts.prob[0] / n),
        band_shares={b: float(v / n) for b, v in zip(bands, counts.band_counts()[0], strict=True)},
        requests=requests, mean_latency_ms=latency / requests if requests else float("nan"),
        latency_per_record_ms=latency / n, last_scored_at=last_scored_at,
        first_date=days[0] if days else None, last_date=days[1] if days else None,
        n_labelled=int(counts.confusion[0].sum()), threshold=float(threshold))


def timeline(counts: GroupCounts, starts: list[pd.Timestamp], granularity: str, bands: tuple[str, ...]) -> Timeline:
    """Per window: ``n``, ``mean_prob``, ``predicted_late_share``, ``share_<band>``, and on labelled rows
    ``n_labelled``, ``late_actual``, ``observed_late_rate`` (95 % Wilson ``observed_low``/``observed_high``) and
    ``mean_prob_labelled``; NaN where a window has no (labelled) rows."""
    n = counts.rows.astype(np.float64)
    labelled = counts.confusion.sum(axis=1)
    late = counts.late_actual()
    with np.errstate(invalid="ignore", divide="ignore"):
        table = pd.DataFrame({
            "n": counts.rows, "mean_prob": counts.prob / n, "predicted_late_share": counts.predicted_late() / n,
            "n_labelled": labelled, "late_actual": late, "mean_prob_labelled": counts.prob_labelled / labelled,
            **{f"share_{b}": column / n for b, column in zip(bands, counts.band_counts().T, strict=True)},
            "observed_late_rate": late / labelled}, index=pd.DatetimeIndex(starts, name="window"))
    table["observed_low"], table["observed_high"] = wilson_interval(late, labelled)
    return Timeline(table, granularity, tuple(bands))


def score_distribution(current: np.ndarray, reference: np.ndarray | None, bounds: np.ndarray,
                       means: tuple[float, float], threshold: float, cuts: tuple[float, ...], bands: tuple[str, ...],
                       bins: int = HISTOGRAM_BINS) -> ScoreDistribution:
    """Shares of ``current`` and ``reference`` rows per fine bin (``bounds``: the fine edges from 0 to 1) grouped
    into ``bins`` display bins from 0 to the 99.5th percentile of both (at least past the threshold)."""
    both = current + (reference if reference is not None else 0)
    cumulative = np.cumsum(both)
    top = bounds[np.searchsorted(cumulative, 0.995 * cumulative[-1]) + 1]
    upper = min(1.0, max(float(top), threshold * 1.25, 1e-6))
    edges_at = _nearest(bounds, np.linspace(0.0, upper, bins + 1))
    n_current = int(current.sum())
    n_reference = int(reference.sum()) if reference is not None else 0
    return ScoreDistribution(
        edges=bounds[edges_at], current_share=_shares(current, edges_at),
        reference_share=_shares(reference, edges_at) if reference is not None else None,
        n_current=n_current, n_reference=n_reference, overflow=bool(both[edges_at[-1]:].sum() > 0),
        current_mean=means[0], reference_mean=means[1], threshold=float(threshold),
        cuts=tuple(float(c) for c in cuts), band_labels=tuple(bands))


def _nearest(bounds: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the bound nearest to each target, deduplicated and increasing."""
    right = np.clip(np.searchsorted(bounds, targets), 1, bounds.size - 1)
    left = right - 1
    pick = np.where(targets - bounds[left] <= bounds[right] - targets, left, right)
    return np.unique(pick)


def _shares(fine: np.ndarray, edges_at: np.ndarray) -> np.ndarray:
    """Shares per display bin; the last display bin takes every fine bin from its start on."""
    counts = np.add.reduceat(fine, edges_at[:-1])
    total = fine.sum()
    return counts / total if total else np.zeros(edges_at.size - 1)
