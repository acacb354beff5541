"""Compare one current sample with the frozen reference profile.

:func:`report_from_counts` judges a sample given only its counts in the frozen bins (what mergeable profiles
hold); :func:`drift_report` bins current rows and hands their counts to it, so both follow the same rules.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from modeling.data.columns import TEMPORAL_FEATURES
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


def require_counts(counts: Mapping[str, object], variables: list[VariableProfile]) -> None:
    """Raise ``ValueError`` listing every profiled variable that ``counts`` lacks."""
    absent = [v.name for v in variables if v.name not in counts]
    if absent:
        raise ValueError(f"counts: missing variable(s) {absent} that the reference profile monitors "
                         f"(add them or pass them in exclude=)")


def score_array(scores: object, n_rows: int, profile: FrozenProfile) -> np.ndarray:
    """Scores as float64, checked against the frame length and the profile (which must have score bins)."""
    if profile.score is None:
        raise ValueError("scores: the reference profile has no score bins (it was built without scores)")
    values = np.asarray(scores, dtype=np.float64).ravel()
    if values.size != n_rows:
        raise ValueError(f"scores: expected {n_rows} values (one per current row), found {values.size}")
    return values


VariableCounts = tuple[np.ndarray, int | None]  # counts in the frozen bins, out-of-range count (numeric only)


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
    excluded = excluded_names(exclude)
    variables = monitored(frozen, excluded)
    require_columns(current, variables)
    counts = {v.name: v.current_counts(current[v.name]) for v in variables}
    if scores is not None and SCORE_NAME not in excluded:
        values = score_array(scores, len(current), frozen)
        counts[SCORE_NAME] = frozen.score.current_counts(pd.Series(values, name=SCORE_NAME))
    return report_from_counts(frozen, counts, exclude=excluded, bands=bands, min_rows=min_rows,
                              n_current=len(current))


def report_from_counts(profile: dict | FrozenProfile, counts: Mapping[str, VariableCounts], *,
                       exclude: Sequence[str] = TEMPORAL_FEATURES, bands: tuple[float, float] = DEFAULT_BANDS,
                       min_rows: int = MIN_ROWS, n_current: int | None = None) -> DriftReport:
    """Drift of a current sample known only by its counts in the frozen bins.

    ``counts`` maps every monitored variable (and ``prob_default`` to compare the score) to its
    ``(bin counts, out-of-range count)``; the out-of-range count is ``None`` for categorical variables.
    ``n_current`` is the sample's row count (by default the total of the first counts given: every row
    lands in exactly one bin of each variable). The other parameters are those of :func:`drift_report`.
    """
    frozen = load_profile(profile)
    bands = validate_bands(bands)
    excluded = excluded_names(exclude)
    variables = monitored(frozen, excluded)
    require_counts(counts, variables)
    results = tuple(variable_drift(v, *_checked(v, counts[v.name]), bands=bands, min_rows=min_rows)
                    for v in variables)
    score = None
    if SCORE_NAME in counts and SCORE_NAME not in excluded:
        if frozen.score is None:
            raise ValueError("scores: the reference profile has no score bins (it was built without scores)")
        score = variable_drift(frozen.score, *_checked(frozen.score, counts[SCORE_NAME]), bands=bands,
                               min_rows=min_rows, kind="score")
    every = (*results, score) if score is not None else results
    if n_current is None:
        n_current = every[0].n_cur if every else 0
    state, causes = overall_state(every)
    flags = tuple((r.variable, name) for r in every for name in r.signals.flagged)
    excluded_present = tuple(name for name in frozen.variables if name in excluded)
    return DriftReport(results, score, state, causes, flags, bands, int(n_current), excluded_present)


def _checked(variable: VariableProfile, given: VariableCounts) -> VariableCounts:
    """The counts of one variable as int64, checked against its frozen bin layout."""
    cur_counts, outside = given
    cur_counts = np.asarray(cur_counts, dtype=np.int64)
    if cur_counts.shape != variable.counts.shape:
        raise ValueError(f"counts[{variable.name!r}]: expected {variable.counts.size} bin counts, "
                         f"found shape {cur_counts.shape}")
    return cur_counts, None if outside is None else int(outside)
