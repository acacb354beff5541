"""The client's fields: age, employment, income and the Datacrédito bureau profile."""
from __future__ import annotations

import numpy as np

from modeling.synthetic import marginals as m
from modeling.synthetic.drift import income_floor_fraction, other_loans_low_shares

SMALL_OTHER_LOANS = 3.0e5  # upper edge of the "small other loans" band of the drift schedule
INCOME_FLOOR = (9.05e5, 9.35e5)  # the bureau-income floor where early incomes pile up
INCOME_BAND_TOP = 1.19e6  # the floor's band: incomes in [floor low, top) are redistributed month by month


def sample_other_loans(u_other: np.ndarray, month: np.ndarray) -> np.ndarray:
    """total_otros_prestamos: zeros, small (< 0.3 M) and larger amounts in the month's proportions.

    The uniform is remapped piecewise (monotonically, so the copula correlation with wealth survives):
    below the month's zero share → 0, up to its small share → the table's lowest decile, above → the rest.
    """
    zero, small = other_loans_low_shares(month)
    small_top = np.interp(np.log(SMALL_OTHER_LOANS), np.log(m.OTHER_LOANS.values), m.OTHER_LOANS.probs)
    low_part = (u_other - zero) / np.maximum(small - zero, 1e-9) * small_top
    high_part = small_top + (u_other - small) / (1.0 - small) * (1.0 - small_top)
    positive_u = np.clip(np.where(u_other < small, low_part, high_part), 0.0, 1.0)
    return np.where(u_other < zero, 0.0, np.round(m.OTHER_LOANS.sample(positive_u), -2))


def sample_bureau_income(u_income: np.ndarray, month: np.ndarray) -> np.ndarray:
    """promedio_ingresos_datacredito: the overall distribution, with the month's share of the floor band
    piled up at the ≈ 0.92 M floor and the rest of the band spread (log-uniformly) just above it."""
    income = m.BUREAU_INCOME.sample(u_income)
    low, top = np.interp(np.log([INCOME_FLOOR[0], INCOME_BAND_TOP]), np.log(m.BUREAU_INCOME.values),
                         m.BUREAU_INCOME.probs)
    in_band = (u_income >= low) & (u_income < top)
    position = (u_income - low) / (top - low)
    floor = income_floor_fraction(month)
    at_floor = INCOME_FLOOR[0] + position / np.maximum(floor, 1e-9) * (INCOME_FLOOR[1] - INCOME_FLOOR[0])
    above = INCOME_FLOOR[1] * (INCOME_BAND_TOP / INCOME_FLOOR[1]) ** ((position - floor) / (1.0 - floor))
    return np.round(np.where(in_band, np.where(position < floor, at_floor, above), income))


def sample_clients(rng: np.random.Generator, u: dict[str, np.ndarray], month: np.ndarray) -> dict[str, np.ndarray]:
    """Draw the client columns from the copula uniforms ``u`` (see ``latent.LOADINGS``).

    Parameters
    ----------
    rng
        Random state (for the fields that are independent of the copula).
    u
        Correlated uniforms keyed by latent field name.
    month
        Month index of each loan (drives the drifting client fields).

    Returns
    -------
    dict
        Column name → array, already in the real file's value types (before oddities and gaps).
    """
    n_rows = len(u["age"])
    trends = np.array(list(m.TREND_SHARES), dtype=object)
    trend_cdf = np.cumsum(list(m.TREND_SHARES.values())) / sum(m.TREND_SHARES.values())
    trend = trends[np.minimum(np.searchsorted(trend_cdf, rng.random(n_rows), side="right"), len(trends) - 1)]
    return {
        "edad_cliente": np.round(m.AGE.sample(u["age"])).astype("int64"),
        "tipo_laboral": np.where(u["self_employed"] > 1.0 - m.SELF_EMPLOYED_SHARE, "Independiente",
                                 "Empleado").astype(object),
        "salario_cliente": np.round(m.SALARY.sample(u["salary"]), -3).astype("int64"),
        "total_otros_prestamos": sample_other_loans(u["other_loans"], month).astype("int64"),
        "puntaje_datacredito": np.round(m.BUREAU_SCORE.sample(u["bureau_score"])),
        "cant_creditosvigentes": m.ACTIVE_CREDITS.sample(u["active_credits"]).astype("int64"),
        "huella_consulta": m.INQUIRIES.sample(u["inquiries"]).astype("int64"),
        "creditos_sectorFinanciero": m.FINANCIAL_SECTOR.sample(u["financial_sector"]).astype("int64"),
        "creditos_sectorCooperativo": m.COOPERATIVE_SECTOR.sample(u["cooperative_sector"]).astype("int64"),
        "creditos_sectorReal": m.REAL_SECTOR.sample(u["real_sector"]).astype("int64"),
        "promedio_ingresos_datacredito": sample_bureau_income(u["bureau_income"], month),
        "tendencia_ingresos": trend,
    }
