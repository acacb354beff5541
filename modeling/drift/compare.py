"""Compare one current sample with the frozen reference profile: :func:`drift_report`."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from modeling.config import TEMPORAL_FEATURES
from modeling.drift.noise import MIN_ROWS, classify, noise_level
from modeling.drift.profile import SCORE_NAME, FrozenProfile, VariableProfile, load_profile
from modeling.drift.psi import BAND_NAMES, DEFAULT_BANDS, band_index, contributions, occupied_bins, validate_bands
from modeling.drift.report import BinShare, DriftReport, VariableDrift, clean, overall_state
from modeling.drift.signals import companion_signals


def variable_drift(variable: VariableProfile, cur_counts: np.ndarray, out_of_range_count: int | None, *,
                   bands: Sequence[float] = DEFAULT_BANDS, min_rows: int = MIN_ROWS,
                   kind: str | None = None) -> VariableDrift:
    """The full result of one variable from its current bin counts (see :mod:`modeling.drift.noise`)."""
    ref_counts = variable.counts
    n_ref, n_cur = int(ref_counts.sum()), int(cur_counts.sum())
    terms = contributions(ref_counts, cur_counts)
    psi_value = float(terms.sum())
    noise = noise_level(n_ref, n_cur, int(occupied_bins(ref_counts, cur_counts).sum()))
    status, alert = classify(psi_value, noise, n_cur, bands, min_rows)
    band = int(band_index(psi_value, bands))
    cur_shares = cur_counts / n_cur if n_cur else np.full(cur_counts.size, np.nan)
    bins = tuple(
        BinShare(label, int(r), int(c), float(r / n_ref) if n_ref else 0.0, clean(float(s)), clean(float(t)))
        for label, r, c, s, t in zip(variable.labels, ref_counts, cur_counts, cur_shares, terms, strict=True)
    )
    return VariableDrift(
        variable=variable.name, kind=kind or variable.kind, n_ref=n_ref, n_cur=n_cur, psi=clean(psi_value),
        band=BAND_NAMES[band] if band >= 0 else None, noise_level=clean(float(noise)), status=str(status),
        alert=bool(alert), above_noise=bool(psi_value > noise), bins=bins,
        signals=companion_signals(variable, cur_counts, out_of_range_count, min_rows),
    )


def excluded_names(exclude: Sequence[str] | str | None) -> frozenset[str]:
    """The names to leave out (``None`` → none; one string → that one name)."""
    if exclude is None:
        return frozenset()
    return frozenset([exclude] if isinstance(exclude, str) else exclude)


def monitored(profile: FrozenProfile, exclude: frozenset[str]) -> list[VariableProfile]:
    """The profile's variables minus the excluded ones, in profile order."""
    return [v for name, v in profile.variables.items() if name not in exclude]


def require_columns(current: pd.DataFrame, variables: list[VariableProfile]) -> None:
    """Raise ``ValueError`` listing every profiled variable absent from ``current``."""
    absent = [v.name for v in variables if v.name not in current.columns]
    if absent:
        raise ValueError(f"current data: missing column(s) {absent} that the reference profile monitors "
                         f"(add them or pass them in exclude=)")


def score_array(scores: object, n_rows: int, profile: FrozenProfile) -> np.ndarray:
    """Scores as float64, checked against the frame length and the profile (which must have score bins)."""
    if profile.score is None:
        raise ValueError("scores: the reference profile has no score bins (it was built without scores)")
    values = np.asarray(scores, dtype=np.float64).ravel()
    if values.size != n_rows:
        raise ValueError(f"scores: expected {n_rows} values (one per current row), found {values.size}")
    return values


def drift_report(profile: dict | FrozenProfile, current: pd.DataFrame, *, scores: np.ndarray | None = None,
                 exclude: Sequence[str] = TEMPORAL_FEATURES, bands: tuple[float, float] = DEFAULT_BANDS,
                 min_rows: int = MIN_ROWS) -> DriftReport:
    """Drift of ``current`` against the frozen reference profile.

    Parameters
    ----------
    profile : the stored profile dict (``build_reference_profile``) or a loaded ``FrozenProfile``.
    current : current rows holding every monitored column (extra columns are ignored).
    scores : current model scores (``prob_default``), compared with the profile's score bins; optional.
    exclude : variables not reported (temporal features by default; add ``"prob_default"`` to skip the score).
    bands : PSI band limits (Bajo < low ≤ Moderado ≤ high < Alto).
    min_rows : below this many current rows every status is ``insufficient data``.

    Returns
    -------
    DriftReport : per-variable results, overall state and its causes.
    """
    frozen = load_profile(profile)
    bands = validate_bands(bands)
    exclude = excluded_names(exclude)
    variables = monitored(frozen, exclude)
    require_columns(current, variables)
    results = []
    for variable in variables:
        counts, outside = variable.current_counts(current[variable.name])
        results.append(variable_drift(variable, counts, outside, bands=bands, min_rows=min_rows))
    score = None
    if scores is not None and SCORE_NAME not in exclude:
        values = score_array(scores, len(current), frozen)
        counts, outside = frozen.score.current_counts(pd.Series(values, name=SCORE_NAME))
        score = variable_drift(frozen.score, counts, outside, bands=bands, min_rows=min_rows, kind="score")
    every = (*results, score) if score is not None else tuple(results)
    state, causes = overall_state(every)
    flags = tuple((r.variable, name) for r in every for name in r.signals.flagged)
    excluded = tuple(name for name in frozen.variables if name in exclude)
    return DriftReport(tuple(results), score, state, causes, flags, bands, len(current), excluded)
