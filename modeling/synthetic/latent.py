"""Correlated uniforms for the synthetic fields: a Gaussian copula built from a few latent factors.

Each field's latent normal is ``sum(loading * factor) + sqrt(1 - sum(loading**2)) * own noise``,
which is always a valid correlation structure. The factors stand for the client's wealth,
credit activity, maturity and the length of the loan; the loadings reproduce the rank
correlations seen in the real data (salary–other loans ≈ 0.7, active credits–financial
sector ≈ 0.75, age–bureau score ≈ 0.35, capital–term ≈ 0.3, …).
"""
from __future__ import annotations

import numpy as np
from scipy.special import ndtr

FACTORS: tuple[str, ...] = ("wealth", "activity", "maturity", "term")

LOADINGS: dict[str, dict[str, float]] = {
    "age": {"maturity": 0.70, "wealth": 0.15},
    "bureau_score": {"maturity": 0.55, "activity": 0.10},
    "salary": {"wealth": 0.85},
    "other_loans": {"wealth": 0.80, "activity": 0.10},
    "capital": {"wealth": 0.35, "term": 0.40},
    "term": {"term": 0.80},
    "active_credits": {"activity": 0.85, "wealth": 0.30},
    "financial_sector": {"activity": 0.80, "wealth": 0.30, "maturity": 0.20},
    "real_sector": {"activity": 0.55, "maturity": -0.35},
    "cooperative_sector": {"activity": 0.20},
    "inquiries": {"activity": 0.40, "maturity": -0.30},
    "bureau_income": {"wealth": 0.25},
    "product": {"wealth": 0.35},
    "self_employed": {"wealth": 0.25},
    "balance": {"activity": 0.65, "wealth": 0.35},
}


def correlated_uniforms(rng: np.random.Generator, n_rows: int) -> dict[str, np.ndarray]:
    """Draw one uniform array per field in ``LOADINGS``, correlated through the shared factors.

    Parameters
    ----------
    rng
        The generator's random state (consumed in a fixed order, so results are reproducible).
    n_rows
        Number of rows.

    Returns
    -------
    dict
        Field name → array of ``n_rows`` uniforms in (0, 1).
    """
    factors = {name: rng.standard_normal(n_rows) for name in FACTORS}
    uniforms: dict[str, np.ndarray] = {}
    for field, loadings in LOADINGS.items():
        own = np.sqrt(1.0 - sum(w * w for w in loadings.values()))
        latent = own * rng.standard_normal(n_rows)
        for factor, weight in loadings.items():
            latent += weight * factors[factor]
        uniforms[field] = ndtr(latent)
    return uniforms
