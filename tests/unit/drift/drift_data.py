"""Small seeded synthetic loan-like frames shared by the drift tests (no real data)."""
from __future__ import annotations

import numpy as np
import pandas as pd

NUMERIC = ["capital", "edad", "salario", "constante", "vacia"]
CATEGORICAL = ["tipo_credito", "tipo_laboral", "tendencia"]


def make_frame(n_rows: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    """Loan-like columns: skewed amounts with NaN, integer ages, a constant, an all-missing column, codes, text."""
    rng = np.random.default_rng(seed)
    capital = rng.lognormal(14.5 + shift, 0.6, n_rows)
    capital[rng.random(n_rows) < 0.05] = np.nan
    frame = pd.DataFrame({
        "capital": capital,
        "edad": rng.integers(19, 80, n_rows).astype(np.float64),
        "salario": rng.lognormal(15 + shift, 0.8, n_rows),
        "constante": np.full(n_rows, 7.0),
        "vacia": np.full(n_rows, np.nan),
        "tipo_credito": rng.choice([4.0, 9.0, 10.0], n_rows, p=[0.7, 0.25, 0.05]),
        "tipo_laboral": rng.choice(np.array(["Empleado", "Independiente"], dtype=object), n_rows, p=[0.63, 0.37]),
        "tendencia": rng.choice(np.array(["Creciente", "Estable", None], dtype=object), n_rows, p=[0.5, 0.2, 0.3]),
    })
    return frame
