"""The loan's own fields: product code, term, principal and instalment, drifting month by month."""
from __future__ import annotations

import numpy as np

from modeling.synthetic.drift import PRODUCT_9_SHARE, capital_factor, term_probabilities
from modeling.synthetic.marginals import CAPITAL, PRODUCT_10_SHARE, RARE_PRODUCT_SHARES, exact_rows

MIN_CAPITAL = 3.0e5


def sample_product(rng: np.random.Generator, month: np.ndarray, u_product: np.ndarray) -> np.ndarray:
    """tipo_credito: 4 or 9 by the month's product-9 share (9 for wealthier clients), a little 10, rare codes."""
    n_rows = len(month)
    code = np.where(u_product > 1.0 - np.asarray(PRODUCT_9_SHARE)[month], 9, 4)
    code[rng.random(n_rows) < PRODUCT_10_SHARE] = 10
    free = np.arange(n_rows)
    for rare, share in RARE_PRODUCT_SHARES.items():
        rows = exact_rows(rng, free, share, n_rows)
        code[rows] = rare
        free = np.setdiff1d(free, rows)
    return code.astype("int64")


def sample_term(month: np.ndarray, u_term: np.ndarray) -> np.ndarray:
    """plazo_meses by inverse CDF of the month's term mix (longer terms for larger latent values)."""
    terms, probs = term_probabilities()
    cdf = np.cumsum(probs, axis=1)[month]
    index = np.minimum((u_term[:, None] > cdf).sum(axis=1), len(terms) - 1)
    return terms[index].astype("int64")


def sample_capital(month: np.ndarray, u_capital: np.ndarray) -> np.ndarray:
    """capital_prestado: the overall principal distribution scaled by the month's median (COP, 1 decimal)."""
    capital = CAPITAL.sample(u_capital) * capital_factor(month)
    return np.round(np.maximum(capital, MIN_CAPITAL), 1)


def sample_instalment(rng: np.random.Generator, capital: np.ndarray, term: np.ndarray) -> np.ndarray:
    """cuota_pactada: principal over term times a term-dependent cost factor, with noise and a few dear loans."""
    cost = 0.78 + 0.0118 * np.minimum(term, 60)
    noise = np.exp(rng.normal(0.0, 0.05, len(term)))
    dear = rng.random(len(term)) < 0.03
    noise[dear] *= 1.0 + rng.uniform(0.1, 0.4, dear.sum())
    return np.round(capital / term * cost * noise).astype("int64")
