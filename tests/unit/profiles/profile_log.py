"""Building a prediction log through the real scoring service, shared by the profile tests."""
from __future__ import annotations

import pandas as pd

from app.services.scoring import ScoringService
from modeling.config import DATE_COLUMN, LEAKAGE_COLUMNS, TARGET
from modeling.schema import FEATURE_COLUMNS
from modeling.synthetic import generate_loans


def loans(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Synthetic loans with odd values: undated rows, an unseen category, out-of-range amounts, stray codes."""
    frame = generate_loans(n_rows=n, seed=seed)
    actual = frame[TARGET]
    frame = frame.drop(columns=[*LEAKAGE_COLUMNS, TARGET])
    frame.loc[frame.index[:7], DATE_COLUMN] = pd.NaT
    frame.loc[frame.index[7:12], "tendencia_ingresos"] = "Nueva"
    frame.loc[frame.index[12:20], "capital_prestado"] = 9.9e9
    frame.loc[frame.index[20:23], "tipo_credito"] = 68
    return frame, actual


def fill_log(scoring: ScoringService, n: int = 1200, seed: int = 3) -> None:
    """Hold-out rows with outcomes, a batch without, API requests one record each (one undated)."""
    frame, actual = loans(n, seed)
    half = n // 2
    scoring.score_frame(frame.iloc[:half], source="holdout", actual=actual.iloc[:half])
    scoring.score_frame(frame.iloc[half:n - 10], source="batch")
    records = frame.iloc[n - 10:][list(FEATURE_COLUMNS)].astype(object)
    records[DATE_COLUMN] = [None if pd.isna(d) else pd.Timestamp(d).isoformat() for d in records[DATE_COLUMN]]
    records = records.where(records.notna(), None)
    records.iloc[0, records.columns.get_loc(DATE_COLUMN)] = None
    for record in records.to_dict("records"):
        scoring.score_records([record], source="api")
