"""Standard deviation of ``prob_default`` from the profiles' fine score bins, with a guaranteed error bound.

The profiles keep every row's score on the fine bins (2,000 bins uniform in logit, plus one open bin at each
end) but no sum of squared scores over all rows, so the deviation is computed with each score replaced by its
bin's midpoint. With ``m`` the midpoints and ``p`` the scores, the sample standard deviation is a seminorm, so
``|sd(m) − sd(p)| ≤ sd-norm(m − p) ≤ sqrt(Σ n_j h_j² / (N − 1))``, ``h_j`` being bin ``j``'s half-width: that
is the bound returned. A fine bin is 0.01 wide in logit, so at most 0.0025 wide in probability (at 0.5) and
the bound never exceeds 0.00125; around typical scores (0.05–0.3) it is below 0.0011.

``ddof`` is 1, as pandas' ``Series.std`` (the original monitor's *Desviación Estándar*).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScoreSpread:
    """Binned standard deviation of the score and the most it can differ from the exact one (NaN: < 2 rows)."""

    std: float
    bound: float


def binned_std(fine_counts: np.ndarray, bounds: np.ndarray) -> ScoreSpread:
    """Standard deviation (ddof 1) of scores given their counts per fine bin; ``bounds`` are the bin edges from
    0 to 1 (bin ``j`` is ``[bounds[j], bounds[j + 1])``)."""
    counts = np.asarray(fine_counts, dtype=np.float64)
    edges = np.asarray(bounds, dtype=np.float64)
    if edges.size != counts.size + 1:
        raise ValueError(f"bounds: expected {counts.size + 1} edges for {counts.size} bins, found {edges.size}")
    n = counts.sum()
    if n < 2:
        return ScoreSpread(float("nan"), float("nan"))
    mid = (edges[:-1] + edges[1:]) / 2
    half = (edges[1:] - edges[:-1]) / 2
    mean = float(counts @ mid) / n
    variance = float(counts @ (mid - mean) ** 2) / (n - 1)
    return ScoreSpread(float(np.sqrt(variance)), float(np.sqrt(counts @ half**2 / (n - 1))))
