"""Result objects of a drift comparison, with UI-ready forms that never contain NaN (``None`` instead).

Overall state: ``Alto`` if any variable (or the score) alerts in the *Alto* band, else ``Moderado`` if
any alerts, else ``Bajo`` if at least one variable had enough data, else ``insufficient data``. The
*causes* are the alerting variables, largest PSI first. Flagged companion signals are listed
separately (``signal_flags``) and do not change the state.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

from modeling.drift.noise import STATUS_INSUFFICIENT
from modeling.drift.psi import BAND_ICONS, BAND_NAMES
from modeling.drift.signals import CompanionSignals

STATE_INSUFFICIENT = STATUS_INSUFFICIENT


def clean(value: object) -> object:
    """``None`` for NaN/None, plain Python floats otherwise: safe for JSON and Dash tables."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def frame_records(frame: pd.DataFrame) -> list[dict]:
    """Rows of any drift frame (e.g. :func:`psi_evolution`'s) as JSON-safe dicts.

    NaN/NaT become ``None``, timestamps ISO text, numpy scalars plain Python values.
    """
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].map(lambda t: None if pd.isna(t) else t.isoformat())
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


@dataclass(frozen=True)
class BinShare:
    """One frozen bin: observed counts and shares on both sides, and its term of the PSI sum."""

    label: str
    ref_count: int
    cur_count: int
    ref_share: float
    cur_share: float | None
    contribution: float | None


@dataclass(frozen=True)
class VariableDrift:
    """PSI, band, noise level, status, per-bin table and companion signals of one variable."""

    variable: str
    kind: str
    n_ref: int
    n_cur: int
    psi: float | None
    band: str | None
    noise_level: float | None
    status: str
    alert: bool
    above_noise: bool
    bins: tuple[BinShare, ...]
    signals: CompanionSignals

    def summary(self) -> dict:
        """Flat one-row form (no bins), NaN-free."""
        return {
            "variable": self.variable, "kind": self.kind, "psi": self.psi, "band": self.band,
            "band_icon": BAND_ICONS.get(self.band or "", None), "noise_level": self.noise_level,
            "status": self.status, "alert": self.alert, "above_noise": self.above_noise,
            "n_ref": self.n_ref, "n_cur": self.n_cur,
            "missing_share_ref": self.signals.missing_share_ref, "missing_share_cur": self.signals.missing_share_cur,
            "out_of_range_share": self.signals.out_of_range_share, "unseen_share": self.signals.unseen_share,
            "flagged_signals": list(self.signals.flagged),
        }

    def to_dict(self) -> dict:
        """Summary plus the per-bin table, NaN-free."""
        return {**self.summary(), "bins": [asdict(b) for b in self.bins]}

    def bins_frame(self) -> pd.DataFrame:
        """Per-bin table: label, counts, shares and contribution (object columns, ``None`` for missing)."""
        frame = pd.DataFrame([asdict(b) for b in self.bins],
                             columns=["label", "ref_count", "cur_count", "ref_share", "cur_share", "contribution"])
        return frame.astype(object).where(frame.notna(), None)


@dataclass(frozen=True)
class DriftReport:
    """Drift of every monitored variable (and the score) against the frozen reference profile."""

    variables: tuple[VariableDrift, ...]
    score: VariableDrift | None
    state: str
    causes: tuple[str, ...]
    signal_flags: tuple[tuple[str, str], ...]
    bands: tuple[float, float]
    n_current: int
    excluded: tuple[str, ...]

    @property
    def results(self) -> tuple[VariableDrift, ...]:
        """Every result: the variables, then the score if present."""
        return (*self.variables, self.score) if self.score is not None else self.variables

    def get(self, name: str) -> VariableDrift:
        """The result of one variable (or of the score by its name); ``KeyError`` lists the known names."""
        for result in self.results:
            if result.variable == name:
                return result
        raise KeyError(f"{name!r} is not in the report; known: {[r.variable for r in self.results]}")

    def to_frame(self) -> pd.DataFrame:
        """One row per variable (score last), ``None`` instead of NaN (object columns where needed)."""
        frame = pd.DataFrame([r.summary() for r in self.results])
        return frame.astype(object).where(frame.notna(), None) if len(frame) else frame

    def to_dict(self) -> dict:
        """JSON-safe nested form, ``None`` instead of NaN."""
        return {"state": self.state, "state_icon": BAND_ICONS.get(self.state), "causes": list(self.causes),
                "signal_flags": [list(flag) for flag in self.signal_flags], "bands": list(self.bands),
                "n_current": self.n_current, "excluded": list(self.excluded),
                "variables": [r.to_dict() for r in self.variables],
                "score": None if self.score is None else self.score.to_dict()}


def overall_state(results: tuple[VariableDrift, ...]) -> tuple[str, tuple[str, ...]]:
    """The report's state and the alerting variables that cause it (largest PSI first)."""
    alerting = sorted((r for r in results if r.alert), key=lambda r: -(r.psi or 0.0))
    if alerting:
        worst = max(BAND_NAMES.index(r.band) for r in alerting if r.band is not None)
        return BAND_NAMES[worst], tuple(r.variable for r in alerting)
    if any(r.status != STATUS_INSUFFICIENT for r in results):
        return BAND_NAMES[0], ()
    return STATE_INSUFFICIENT, ()
