"""The synthetic outcome: a plausible logistic model of late payment plus unobserved noise.

Risk rises with a low bureau score (or none), many recent bureau look-ups, youth, long
terms, a heavy instalment relative to salary, many active credits, self-employment, a
falling or unknown income trend and the rare product 6; it also drifts month by month
(``drift.LATE_RATE``). Noise that no column explains keeps the held-out ROC-AUC of an
honest model in the 0.65–0.85 band, like real credit data.
"""
from __future__ import annotations

import numpy as np

from modeling.synthetic.drift import risk_offset

LATE_SHARE = 0.0475  # share of Pago_atiempo == 0
NOISE_SD = 1.3
COEFFICIENTS = {
    "bureau_score": -0.55,  # per 50 points
    "no_history": 0.8,
    "inquiries": 0.40,  # per 3 look-ups
    "age": -0.30,  # per 12 years
    "log_term": 0.70,  # per log-unit of months/10
    "burden": 0.35,  # per log-unit of instalment/salary
    "active_credits": 0.15,  # per 4 credits
    "self_employed": 0.20,
    "trend_falling": 0.40,
    "trend_unknown": 0.20,
    "product_6": 2.5,
}


def late_payment_logit(columns: dict[str, np.ndarray], month: np.ndarray) -> np.ndarray:
    """Systematic log-odds of late payment (before the intercept and the noise)."""
    c = COEFFICIENTS
    score = columns["puntaje_datacredito"]
    no_history = score <= 0
    trend = columns["tendencia_ingresos"]
    burden = columns["cuota_pactada"] / np.maximum(columns["salario_cliente"], 1e5)
    return (
        c["bureau_score"] * np.where(no_history, -1.5, (score - 790.0) / 50.0)
        + c["no_history"] * no_history
        + c["inquiries"] * (columns["huella_consulta"] - 4.0) / 3.0
        + c["age"] * (columns["edad_cliente"] - 42.0) / 12.0
        + c["log_term"] * np.log(columns["plazo_meses"] / 10.0)
        + c["burden"] * (np.log(burden) + 2.8)
        + c["active_credits"] * (columns["cant_creditosvigentes"] - 5.5) / 4.0
        + c["self_employed"] * (columns["tipo_laboral"] == "Independiente")
        + c["trend_falling"] * (trend == "Decreciente")
        + c["trend_unknown"] * np.array([not isinstance(v, str) for v in trend])
        + c["product_6"] * (columns["tipo_credito"] == 6)
        + risk_offset(month)
    )


def _calibrated_intercept(logit: np.ndarray, share: float) -> float:
    """Intercept that makes the mean predicted late-payment probability equal ``share`` (bisection)."""
    low, high = -20.0, 20.0
    for _ in range(60):
        middle = (low + high) / 2
        if np.mean(1.0 / (1.0 + np.exp(-(logit + middle)))) > share:
            high = middle
        else:
            low = middle
    return (low + high) / 2


def sample_target(rng: np.random.Generator, columns: dict[str, np.ndarray], month: np.ndarray) -> np.ndarray:
    """Draw ``Pago_atiempo`` (1 = on time, 0 = late) from the risk model; exactly ``LATE_SHARE`` are 0.

    The late loans are a weighted sample without replacement (Efraimidis–Spirakis keys with the
    odds of late payment as weights), which fixes the class share while keeping each loan's chance
    of being late proportional to its risk.
    """
    n_rows = len(month)
    logit = late_payment_logit(columns, month) + rng.normal(0.0, NOISE_SD, n_rows)
    odds = np.exp(logit + _calibrated_intercept(logit, LATE_SHARE))
    keys = np.log(rng.random(n_rows)) / odds
    late = np.argsort(-keys, kind="stable")[: round(LATE_SHARE * n_rows)]
    target = np.ones(n_rows, dtype="int64")
    target[late] = 0
    return target
