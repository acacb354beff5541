"""Post-outcome columns: the leaking ``puntaje`` and the ``saldo_*`` balances with their nested gaps.

``puntaje`` is computed after the outcome: on-time loans sit at a ceiling of ≈ 95.23 (most of
them) or just below it, late loans far lower, so it separates the classes almost perfectly.
The balances are missing in nested sets: rows missing ``saldo_mora`` and ``saldo_total`` also
miss ``saldo_principal``, which in turn always miss ``saldo_mora_codeudor``.
"""
from __future__ import annotations

import numpy as np

from modeling.synthetic.marginals import BALANCE, BALANCE_ZERO_SHARE, OVERDUE, QuantileTable, exact_rows

SCORE_CEILING = 95.227787
CEILING_SHARE = 0.918  # of on-time loans
ON_TIME_BELOW_CEILING = QuantileTable((0.0, 0.12, 0.61, 0.97, 1.0), (64.0, 81.2, 90.0, 92.2, 95.2), log=False)
LATE_SCORE = QuantileTable((0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0), (-38.0, -17.2, -3.6, 25.4, 47.6, 58.6, 62.6),
                           log=False)
LATE_LOOKS_ON_TIME_SHARE = 0.01  # the small overlap that keeps the separation "near" perfect
OVERDUE_SHARE = {0: 0.039, 1: 0.0034}  # share of rows with saldo_mora > 0, by class
CODEBTOR_OVERDUE_SHARE = 0.0003
PRINCIPAL_ZERO_SHARE = 0.009  # principal fully paid although a total balance remains
PRINCIPAL_PARTIAL_SHARE = 0.16
NULL_ALL_SHARE = 0.0145  # saldo_mora, saldo_total, saldo_principal, saldo_mora_codeudor
NULL_PRINCIPAL_SHARE = 0.0231  # saldo_principal and saldo_mora_codeudor
NULL_CODEBTOR_SHARE = 0.0172  # saldo_mora_codeudor only


def sample_score(rng: np.random.Generator, target: np.ndarray) -> np.ndarray:
    """The leaking internal score, ``puntaje``."""
    n_rows = len(target)
    below_ceiling = ON_TIME_BELOW_CEILING.sample(rng.random(n_rows))
    on_time = np.where(rng.random(n_rows) < CEILING_SHARE, SCORE_CEILING, below_ceiling)
    late = LATE_SCORE.sample(rng.random(n_rows))
    looks_on_time = rng.random(n_rows) < LATE_LOOKS_ON_TIME_SHARE
    return np.where((target == 1) | looks_on_time, on_time, late)


def sample_balances(rng: np.random.Generator, target: np.ndarray, u_balance: np.ndarray,
                    gaps: np.ndarray) -> dict[str, np.ndarray]:
    """The four ``saldo_*`` columns (float64 with NaN gaps), mostly missing where the bureau data is."""
    n_rows = len(target)
    positive_u = np.clip((u_balance - BALANCE_ZERO_SHARE) / (1.0 - BALANCE_ZERO_SHARE), 0.0, 1.0)
    total = np.where(u_balance < BALANCE_ZERO_SHARE, 0.0, np.round(BALANCE.sample(positive_u), 1))
    ratio = np.where(rng.random(n_rows) < PRINCIPAL_PARTIAL_SHARE, rng.beta(1.6, 0.9, n_rows), 1.0)
    principal = np.round(total * ratio, 1)
    principal[rng.random(n_rows) < PRINCIPAL_ZERO_SHARE] = 0.0
    overdue_share = np.where(target == 0, OVERDUE_SHARE[0], OVERDUE_SHARE[1])
    overdue = np.where(rng.random(n_rows) < overdue_share, np.round(OVERDUE.sample(rng.random(n_rows))), 0.0)
    codebtor = np.where(rng.random(n_rows) < CODEBTOR_OVERDUE_SHARE, np.round(OVERDUE.sample(rng.random(n_rows))),
                        0.0)

    gap_rows, other_rows = np.flatnonzero(gaps), np.flatnonzero(~gaps)
    null_all = exact_rows(rng, gap_rows, NULL_ALL_SHARE, n_rows)
    free_gaps = np.setdiff1d(gap_rows, null_all)
    null_principal = np.concatenate([exact_rows(rng, free_gaps, NULL_PRINCIPAL_SHARE * 0.37, n_rows),
                                     exact_rows(rng, other_rows, NULL_PRINCIPAL_SHARE * 0.63, n_rows)])
    null_codebtor = exact_rows(rng, np.setdiff1d(free_gaps, null_principal), NULL_CODEBTOR_SHARE, n_rows)
    for column in (overdue, total):
        column[null_all] = np.nan
    principal[np.concatenate([null_all, null_principal])] = np.nan
    codebtor[np.concatenate([null_all, null_principal, null_codebtor])] = np.nan
    return {"saldo_mora": overdue, "saldo_total": total, "saldo_principal": principal,
            "saldo_mora_codeudor": codebtor}
