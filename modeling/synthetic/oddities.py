"""The real file's gaps and data-entry oddities, reproduced on purpose.

- Bureau gaps: ``promedio_ingresos_datacredito`` and ``tendencia_ingresos`` missing together on
  ≈ 27 % of rows (more often for the self-employed); a couple of rows miss only the trend.
- No bureau history: ≈ 1.35 % of rows (inside the gaps) have a bureau score of 0 and no credits.
- Entry errors: ages 121–123 on ≈ 1.4 % of rows, ≈ 0.2 % zero salaries, ≈ 0.5 % stray integers
  (0, 8315, 1000000, negatives …) in ``tendencia_ingresos``, a handful of missing bureau scores and
  zero bureau incomes.
"""
from __future__ import annotations

import numpy as np

from modeling.synthetic.marginals import exact_rows

GAP_SHARE = 0.272
GAP_WEIGHT_SELF_EMPLOYED = 2.2  # relative chance of a gap for the self-employed
NO_HISTORY_SHARE = 0.0135
TREND_ONLY_GAP_SHARE = 0.0002
AGE_ERROR_SHARE = 0.014
AGE_ERROR_VALUES = {122: 0.96, 121: 0.027, 123: 0.013}
SALARY_ZERO_SHARE = 0.0022
STRAY_TREND_SHARE = 0.0054
STRAY_TREND_COMMON = {0: 0.12, 8315: 0.10, 1_000_000: 0.07}  # the rest are random signed amounts
SCORE_MISSING_SHARE = 0.00056
BUREAU_INCOME_ZERO_SHARE = 0.0007
_CREDIT_COLUMNS = ("cant_creditosvigentes", "creditos_sectorFinanciero", "creditos_sectorCooperativo",
                   "creditos_sectorReal")


def bureau_gap_mask(rng: np.random.Generator, self_employed: np.ndarray) -> np.ndarray:
    """Rows whose bureau income and income trend are both missing (exactly ``GAP_SHARE`` of rows)."""
    n_rows = len(self_employed)
    weights = np.where(self_employed, GAP_WEIGHT_SELF_EMPLOYED, 1.0)
    rows = rng.choice(n_rows, size=round(GAP_SHARE * n_rows), replace=False, p=weights / weights.sum())
    mask = np.zeros(n_rows, dtype=bool)
    mask[rows] = True
    return mask


def apply_no_history(rng: np.random.Generator, columns: dict[str, np.ndarray], gaps: np.ndarray) -> np.ndarray:
    """Give a few gap rows a bureau score of 0 and no active credits; return those row positions."""
    rows = exact_rows(rng, np.flatnonzero(gaps), NO_HISTORY_SHARE, len(gaps))
    columns["puntaje_datacredito"][rows] = 0.0
    for name in _CREDIT_COLUMNS:
        columns[name][rows] = 0
    return rows


def apply_gaps(rng: np.random.Generator, columns: dict[str, np.ndarray], gaps: np.ndarray) -> None:
    """Blank the bureau income and trend on gap rows, and the trend alone on a couple of other rows."""
    columns["promedio_ingresos_datacredito"][gaps] = np.nan
    trend_only = exact_rows(rng, np.flatnonzero(~gaps), TREND_ONLY_GAP_SHARE, len(gaps))
    columns["tendencia_ingresos"][gaps] = np.nan
    columns["tendencia_ingresos"][trend_only] = np.nan


def _stray_integers(rng: np.random.Generator, count: int) -> list[int]:
    common = np.array(list(STRAY_TREND_COMMON))
    pick = rng.random(count)
    cdf = np.cumsum(list(STRAY_TREND_COMMON.values()))
    index = np.searchsorted(cdf, pick, side="right")
    magnitude = np.round(np.exp(rng.uniform(np.log(300), np.log(4.5e6), count))).astype("int64")
    sign = np.where(rng.random(count) < 0.25, -1, 1)
    values = np.where(index < len(common), common[np.minimum(index, len(common) - 1)], sign * magnitude)
    return [int(v) for v in values]


def apply_entry_errors(rng: np.random.Generator, columns: dict[str, np.ndarray], gaps: np.ndarray,
                       no_history: np.ndarray) -> None:
    """Inject the impossible ages, zero salaries, stray trend integers, missing scores and zero incomes."""
    n_rows = len(gaps)
    everyone = np.arange(n_rows)
    ages = exact_rows(rng, everyone, AGE_ERROR_SHARE, n_rows)
    age_values = np.array(list(AGE_ERROR_VALUES))
    columns["edad_cliente"][ages] = rng.choice(age_values, size=len(ages), p=list(AGE_ERROR_VALUES.values()))
    columns["salario_cliente"][exact_rows(rng, everyone, SALARY_ZERO_SHARE, n_rows)] = 0

    trend = columns["tendencia_ingresos"]
    known = np.flatnonzero(~gaps & np.array([isinstance(v, str) for v in trend]))
    stray = exact_rows(rng, known, STRAY_TREND_SHARE, n_rows)
    for row, value in zip(stray, _stray_integers(rng, len(stray)), strict=True):
        trend[row] = value

    scored_gaps = np.setdiff1d(np.flatnonzero(gaps), no_history)
    missing = exact_rows(rng, scored_gaps, SCORE_MISSING_SHARE * 5 / 6, n_rows)
    missing = np.concatenate([missing, exact_rows(rng, np.flatnonzero(~gaps), SCORE_MISSING_SHARE / 6, n_rows)])
    columns["puntaje_datacredito"][missing] = np.nan
    columns["promedio_ingresos_datacredito"][exact_rows(rng, np.flatnonzero(~gaps), BUREAU_INCOME_ZERO_SHARE,
                                                        n_rows)] = 0.0
