"""Is the served score calibrated enough for estimated performance (CBPE) to be trusted?

On the selection's labelled rows, grouped as in the calibration table (equal-count groups of whole fine bins):
the expected calibration error (ECE, Σ n_g |observed_g − predicted_g| / n) and the Hosmer–Lemeshow statistic with
its p-value (groups − 2 degrees of freedom). Calibration is ``poor`` when the test rejects (p < 0.01) and the ECE
exceeds ``MAX_ECE``: with millions of rows the test alone rejects differences too small to matter. Without enough
labelled rows (fewer than ``min_late`` late or on-time) it is ``unknown``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2

from app.services.performance.labelled import calibration_table

MAX_ECE = 0.03
MAX_P_VALUE = 0.01


@dataclass(frozen=True)
class CalibrationCheck:
    """``status`` is ``ok``, ``poor`` or ``unknown``; ``table`` the reliability table it was read from."""

    status: str
    ece: float
    p_value: float
    n: int
    table: pd.DataFrame

    @property
    def reliable(self) -> bool:
        return self.status == "ok"


def check_calibration(late: np.ndarray, ontime: np.ndarray, bounds: np.ndarray, min_late: int) -> CalibrationCheck:
    """The check on labelled rows per fine bin (one row of counts each)."""
    n_late, n_ontime = int(late.sum()), int(ontime.sum())
    if n_late < min_late or n_ontime < min_late:
        empty = pd.DataFrame(columns=["n", "mean_predicted", "late", "observed_rate"])
        return CalibrationCheck("unknown", float("nan"), float("nan"), n_late + n_ontime, empty)
    table = calibration_table(late, ontime, bounds)
    n = table["n"].to_numpy(np.float64)
    expected = n * table["mean_predicted"].to_numpy(np.float64)
    observed = table["late"].to_numpy(np.float64)
    ece = float(np.sum(np.abs(observed - expected)) / n.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = (observed - expected) ** 2 / (expected * (1 - expected / n))
    statistic = float(np.nansum(terms))
    dof = max(len(table) - 2, 1)
    p_value = float(chi2.sf(statistic, dof))
    status = "poor" if p_value < MAX_P_VALUE and ece > MAX_ECE else "ok"
    return CalibrationCheck(status, ece, p_value, int(n.sum()), table)
