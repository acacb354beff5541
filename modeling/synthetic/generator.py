"""Assemble the synthetic loan table: dates → loan and client fields → outcome → leakage → oddities."""
from __future__ import annotations

import numpy as np
import pandas as pd

from modeling.data.columns import DATE_COLUMN, TARGET
from modeling.data.schema import RAW_COLUMNS
from modeling.synthetic import loans, oddities
from modeling.synthetic.clients import sample_clients
from modeling.synthetic.latent import correlated_uniforms
from modeling.synthetic.leakage import sample_balances, sample_score
from modeling.synthetic.target import sample_target
from modeling.synthetic.timeline import sample_loan_dates

DEFAULT_ROWS = 10_763
DEFAULT_SEED = 42
_FLOAT_COLUMNS = ("capital_prestado", "puntaje", "puntaje_datacredito", "saldo_mora", "saldo_total",
                  "saldo_principal", "saldo_mora_codeudor", "promedio_ingresos_datacredito")
_TEXT_COLUMNS = ("tipo_laboral", "tendencia_ingresos")


def generate_loans(n_rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Generate a realistic synthetic version of ``Base_de_datos.xlsx``.

    Parameters
    ----------
    n_rows
        Number of loans (the real file has 10,763).
    seed
        Seed of the random generator; the same seed always gives the identical frame.

    Returns
    -------
    pandas.DataFrame
        The real file's 23 columns in file order, typed as ``pd.read_excel`` reads it:
        int64 integers, float64 amounts and scores, datetime64 ``fecha_prestamo`` with time
        of day, object text (``tendencia_ingresos`` mixed with stray Python ints), rows not
        sorted by date.
    """
    if n_rows < 1:
        raise ValueError(f"n_rows must be at least 1, got {n_rows}")
    rng = np.random.default_rng(seed)
    dates, month = sample_loan_dates(rng, n_rows)
    u = correlated_uniforms(rng, n_rows)

    columns: dict[str, np.ndarray] = {
        "tipo_credito": loans.sample_product(rng, month, u["product"]),
        "plazo_meses": loans.sample_term(month, u["term"]),
        "capital_prestado": loans.sample_capital(month, u["capital"]),
    }
    columns["cuota_pactada"] = loans.sample_instalment(rng, columns["capital_prestado"], columns["plazo_meses"])
    columns.update(sample_clients(rng, u, month))

    gaps = oddities.bureau_gap_mask(rng, columns["tipo_laboral"] == "Independiente")
    no_history = oddities.apply_no_history(rng, columns, gaps)
    oddities.apply_gaps(rng, columns, gaps)
    columns[TARGET] = sample_target(rng, columns, month)
    columns["puntaje"] = sample_score(rng, columns[TARGET])
    columns.update(sample_balances(rng, columns[TARGET], u["balance"], gaps))
    oddities.apply_entry_errors(rng, columns, gaps, no_history)
    columns[DATE_COLUMN] = dates

    frame = pd.DataFrame({spec.name: columns[spec.name] for spec in RAW_COLUMNS})
    frame = frame.astype({name: "float64" for name in _FLOAT_COLUMNS} | {name: object for name in _TEXT_COLUMNS})
    order = rng.permutation(n_rows)
    return frame.iloc[order].reset_index(drop=True)
