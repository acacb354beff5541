"""Population Stability Index over frozen bins, with a documented smoothing rule, and its bands.

PSI = Σ (cur − ref) · ln(cur / ref) over the bins, where ``ref`` and ``cur`` are the two samples' shares.

Smoothing rule (empty bins)
---------------------------
Bins that are empty on *both* sides are dropped (they carry no information). On the ``B`` remaining
bins each observed share ``p`` becomes::

    p' = (p + a) / (1 + B · a),    a = ALPHA / m,    ALPHA = 0.5,    m = min(n_ref, n_cur)

i.e. a Jeffreys pseudo-count of 0.5 per bin at the resolution of the smaller sample, added as the *same*
share on both sides. For the smaller sample this is exactly ``(count + 0.5) / (m + 0.5 · B)``. Shares
still sum to 1, every share is > 0, equal observed shares stay exactly equal (so identical
distributions give exactly 0, even at different sample sizes), and moving one row changes two counts
by one, so the value moves by O(1/m) and never jumps (no floor switching as in Evidently #334).

All functions accept count arrays of shape ``(..., B)`` and work row-wise (one row per window).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ALPHA = 0.5
DEFAULT_BANDS: tuple[float, float] = (0.10, 0.25)
BAND_NAMES: tuple[str, str, str] = ("Bajo", "Moderado", "Alto")
BAND_ICONS: dict[str, str] = {"Bajo": "🟢", "Moderado": "🟡", "Alto": "🔴"}


def occupied_bins(ref_counts: np.ndarray, cur_counts: np.ndarray) -> np.ndarray:
    """Mask of bins non-empty on at least one side (broadcast to the common shape)."""
    ref_counts, cur_counts = np.broadcast_arrays(np.asarray(ref_counts), np.asarray(cur_counts))
    return (ref_counts > 0) | (cur_counts > 0)


def smoothed_shares(ref_counts: np.ndarray, cur_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smoothed shares of both samples (0 in bins empty on both sides; NaN rows where a side is empty)."""
    ref = np.asarray(ref_counts, dtype=np.float64)
    cur = np.asarray(cur_counts, dtype=np.float64)
    ref, cur = np.broadcast_arrays(ref, cur)
    occupied = occupied_bins(ref, cur)
    n_ref = ref.sum(axis=-1, keepdims=True)
    n_cur = cur.sum(axis=-1, keepdims=True)
    n_occupied = occupied.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = ALPHA / np.minimum(n_ref, n_cur)
        scale = 1.0 + n_occupied * a
        ref_shares = np.where(occupied, (ref / n_ref + a) / scale, 0.0)
        cur_shares = np.where(occupied, (cur / n_cur + a) / scale, 0.0)
    return ref_shares, cur_shares


def contributions(ref_counts: np.ndarray, cur_counts: np.ndarray) -> np.ndarray:
    """Per-bin PSI terms ``(cur − ref) · (ln cur − ln ref)`` on the smoothed shares (they sum to the PSI)."""
    ref_shares, cur_shares = smoothed_shares(ref_counts, cur_counts)
    return _terms(ref_shares, cur_shares)


def psi_from_counts(ref_counts: np.ndarray, cur_counts: np.ndarray) -> np.ndarray | float:
    """PSI of the current counts against the reference counts; NaN where either sample is empty."""
    total = contributions(ref_counts, cur_counts).sum(axis=-1)
    return float(total) if np.ndim(total) == 0 else total


def psi(ref_shares: Sequence[float] | np.ndarray, cur_shares: Sequence[float] | np.ndarray) -> float:
    """The plain PSI formula on two vectors of strictly positive shares (no smoothing applied)."""
    ref = np.asarray(ref_shares, dtype=np.float64)
    cur = np.asarray(cur_shares, dtype=np.float64)
    if ref.shape != cur.shape or ref.ndim != 1:
        raise ValueError(f"shares: expected two 1-D vectors of equal length, found {ref.shape} and {cur.shape}")
    if not ((ref > 0).all() and (cur > 0).all()):
        raise ValueError("shares: expected strictly positive shares (smooth empty bins first)")
    return float(_terms(ref, cur).sum())


def _terms(ref: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """Terms written so that swapping the sides negates both factors: exact symmetry, every term >= 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (cur - ref) * (np.log(cur) - np.log(ref))
    return np.where((ref == 0) & (cur == 0), 0.0, terms)


def validate_bands(bands: Sequence[float]) -> tuple[float, float]:
    """The two band limits as floats; raises ``ValueError`` unless 0 < low < high."""
    try:
        low, high = (float(b) for b in bands)
    except (TypeError, ValueError) as error:
        raise ValueError(f"bands: expected two numbers (low, high), found {bands!r}") from error
    if not 0 < low < high:
        raise ValueError(f"bands: expected 0 < low < high, found ({low}, {high})")
    return low, high


def band_index(values: np.ndarray | float, bands: Sequence[float] = DEFAULT_BANDS) -> np.ndarray:
    """0 (Bajo: < low), 1 (Moderado: low … high), 2 (Alto: > high), or -1 for NaN."""
    low, high = validate_bands(bands)
    values = np.asarray(values, dtype=np.float64)
    index = (values >= low).astype(np.int64) + (values > high)
    return np.where(np.isnan(values), -1, index)


def band_of(value: float | None, bands: Sequence[float] = DEFAULT_BANDS) -> str | None:
    """Band name of one PSI value (``None`` when the value is missing)."""
    if value is None:
        return None
    index = int(band_index(value, bands))
    return None if index < 0 else BAND_NAMES[index]
