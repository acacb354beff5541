"""The client's fields: age, employment, income and the Datacrédito bureau profile."""
from __future__ import annotations

import numpy as np

from modeling.synthetic import marginals as m


def sample_clients(rng: np.random.Generator, u: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Draw the client columns from the copula uniforms ``u`` (see ``latent.LOADINGS``).

    Parameters
    ----------
    rng
        Random state (for the fields that are independent of the copula).
    u
        Correlated uniforms keyed by latent field name.

    Returns
    -------
    dict
        Column name → array, already in the real file's value types (before oddities and gaps).
    """
    n_rows = len(u["age"])
    other_zero = u["other_loans"] < m.OTHER_LOANS_ZERO_SHARE
    other_u = (u["other_loans"] - m.OTHER_LOANS_ZERO_SHARE) / (1.0 - m.OTHER_LOANS_ZERO_SHARE)
    other_loans = np.where(other_zero, 0.0, np.round(m.OTHER_LOANS.sample(np.clip(other_u, 0, 1)), -2))
    trends = np.array(list(m.TREND_SHARES), dtype=object)
    trend_cdf = np.cumsum(list(m.TREND_SHARES.values())) / sum(m.TREND_SHARES.values())
    trend = trends[np.minimum(np.searchsorted(trend_cdf, rng.random(n_rows), side="right"), len(trends) - 1)]
    return {
        "edad_cliente": np.round(m.AGE.sample(u["age"])).astype("int64"),
        "tipo_laboral": np.where(u["self_employed"] > 1.0 - m.SELF_EMPLOYED_SHARE, "Independiente",
                                 "Empleado").astype(object),
        "salario_cliente": np.round(m.SALARY.sample(u["salary"]), -3).astype("int64"),
        "total_otros_prestamos": other_loans.astype("int64"),
        "puntaje_datacredito": np.round(m.BUREAU_SCORE.sample(u["bureau_score"])),
        "cant_creditosvigentes": m.ACTIVE_CREDITS.sample(u["active_credits"]).astype("int64"),
        "huella_consulta": m.INQUIRIES.sample(u["inquiries"]).astype("int64"),
        "creditos_sectorFinanciero": m.FINANCIAL_SECTOR.sample(u["financial_sector"]).astype("int64"),
        "creditos_sectorCooperativo": m.COOPERATIVE_SECTOR.sample(u["cooperative_sector"]).astype("int64"),
        "creditos_sectorReal": m.REAL_SECTOR.sample(u["real_sector"]).astype("int64"),
        "promedio_ingresos_datacredito": np.round(m.BUREAU_INCOME.sample(u["bureau_income"])),
        "tendencia_ingresos": trend,
    }
