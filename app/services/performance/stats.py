"""Vectorised summaries of logged predictions: KPIs, time series by loan date, the score distribution.

Every function takes the frame :class:`~app.services.performance.PerformanceService` reads (one row per
logged prediction, with ``when`` = loan date, else scoring time) and never loops over rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from modeling.config import POSITIVE_RISK_CLASS

GRANULARITIES: dict[str, str] = {"month": "M", "week": "W-SUN", "day": "D"}
HISTOGRAM_BINS = 40
_Z = 1.959963984540054  # two-sided 95 %


@dataclass(frozen=True)
class LogSummary:
    """KPIs of the filtered log. Latency is per request (a batch is one request)."""

    n: int
    by_source: dict[str, int]
    predicted_late_share: float
    mean_prob_default: float
    band_shares: dict[str, float]
    requests: int
    mean_latency_ms: float
    latency_per_record_ms: float
    last_scored_at: pd.Timestamp | None
    first_date: pd.Timestamp | None
    last_date: pd.Timestamp | None
    n_labelled: int


@dataclass(frozen=True)
class Timeline:
    """One row per window (index: window start): volume, scores, band shares, observed vs predicted."""

    frame: pd.DataFrame
    granularity: str
    band_labels: tuple[str, ...]


@dataclass(frozen=True)
class ScoreDistribution:
    """Shares of ``prob_default`` per bin for the filtered log and the training reference (same bins).

    The last bin also holds every score above ``edges[-1]`` when ``overflow``.
    """

    edges: np.ndarray
    current_share: np.ndarray
    reference_share: np.ndarray
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
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def summarize(frame: pd.DataFrame, band_labels: tuple[str, ...]) -> LogSummary:
    """KPIs of the rows in ``frame`` (which may be empty)."""
    n = len(frame)
    requests = frame.drop_duplicates("request_id")
    bands = frame["risk_band"].value_counts(normalize=True).reindex(list(band_labels), fill_value=0.0)
    return LogSummary(
        n=n,
        by_source={str(k): int(v) for k, v in frame["source"].value_counts().sort_index().items()},
        predicted_late_share=_mean(frame["Pago_atiempo_pred"] == POSITIVE_RISK_CLASS, n),
        mean_prob_default=_mean(frame["prob_default"], n),
        band_shares={str(k): float(v) for k, v in bands.items()},
        requests=len(requests),
        mean_latency_ms=_mean(requests["latency_ms"], len(requests)),
        latency_per_record_ms=float(requests["latency_ms"].sum() / n) if n else float("nan"),
        last_scored_at=frame["scored_at"].max() if n else None,
        first_date=frame["when"].min() if n else None,
        last_date=frame["when"].max() if n else None,
        n_labelled=int(frame["actual"].notna().sum()),
    )


def timeline(frame: pd.DataFrame, granularity: str, band_labels: tuple[str, ...]) -> Timeline:
    """Per window of the loan date: ``n``, ``mean_prob``, ``predicted_late_share``, ``share_<band>``, and on
    labelled rows ``n_labelled``, ``observed_late_rate`` (with ``observed_low``/``observed_high``, 95 % Wilson)
    and ``mean_prob_labelled``."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {sorted(GRANULARITIES)}, got {granularity!r}")
    window = frame["when"].dt.to_period(GRANULARITIES[granularity]).dt.start_time.rename("window")
    labelled = frame["actual"].notna()
    parts = pd.DataFrame({
        "prob": frame["prob_default"],
        "late_pred": (frame["Pago_atiempo_pred"] == POSITIVE_RISK_CLASS).astype("float64"),
        "labelled": labelled.astype("int64"),
        "late_actual": (frame["actual"] == POSITIVE_RISK_CLASS).fillna(False).astype("int64"),
        "prob_labelled": frame["prob_default"].where(labelled),
    })
    grouped = parts.groupby(window, sort=True)
    table = pd.DataFrame({
        "n": grouped.size(),
        "mean_prob": grouped["prob"].mean(),
        "predicted_late_share": grouped["late_pred"].mean(),
        "n_labelled": grouped["labelled"].sum(),
        "late_actual": grouped["late_actual"].sum(),
        "mean_prob_labelled": grouped["prob_labelled"].mean(),
    })
    shares = pd.crosstab(window, frame["risk_band"], normalize="index").reindex(columns=list(band_labels),
                                                                                fill_value=0.0)
    table = table.join(shares.add_prefix("share_")).fillna({f"share_{b}": 0.0 for b in band_labels})
    with np.errstate(invalid="ignore", divide="ignore"):
        table["observed_late_rate"] = table["late_actual"] / table["n_labelled"].where(table["n_labelled"] > 0)
    table["observed_low"], table["observed_high"] = wilson_interval(table["late_actual"], table["n_labelled"])
    table.index.name = "window"
    return Timeline(table, granularity, tuple(band_labels))


def score_distribution(current: np.ndarray, reference: np.ndarray, threshold: float, cuts: list[float],
                       band_labels: tuple[str, ...], bins: int = HISTOGRAM_BINS) -> ScoreDistribution:
    """Histogram shares of ``current`` and ``reference`` scores on common equal-width bins from 0 to the
    99.5th percentile of both (at least past the threshold); higher scores fall into the last bin."""
    current = np.asarray(current, dtype="float64")
    reference = np.asarray(reference, dtype="float64")
    both = np.concatenate([current, reference])
    top = float(np.quantile(both, 0.995)) if both.size else 1.0
    upper = min(1.0, max(top, threshold * 1.25, 1e-6))
    edges = np.linspace(0.0, upper, bins + 1)
    return ScoreDistribution(
        edges=edges, current_share=_shares(current, edges), reference_share=_shares(reference, edges),
        n_current=current.size, n_reference=reference.size, overflow=bool((both > upper).any()),
        current_mean=_mean(current, current.size), reference_mean=_mean(reference, reference.size),
        threshold=float(threshold), cuts=tuple(float(c) for c in cuts), band_labels=tuple(band_labels))


def _shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    counts = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)[0]
    return counts / values.size if values.size else np.zeros(len(edges) - 1)


def _mean(values: pd.Series | np.ndarray, n: int) -> float:
    return float(np.mean(values)) if n else float("nan")
