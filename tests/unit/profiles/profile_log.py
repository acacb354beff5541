"""Building a prediction log through the real scoring service, shared by the profile tests."""
from __future__ import annotations

import numpy as np
import pandas as pd

from app.services.profiles.rows import current_frame
from app.services.scoring import ScoringService
from app.services.selection import Selection
from modeling.data.columns import DATE_COLUMN, LEAKAGE_COLUMNS, TARGET
from modeling.data.schema import FEATURE_COLUMNS
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


def expected_cells(bundle, layout, rows: pd.DataFrame) -> np.ndarray:
    """Every count cell computed directly from logged rows (pandas / numpy, independent of the profile writer)."""
    expected = np.zeros(layout.n_cells, dtype=np.int64)
    blocks = layout.blocks
    bands = list(layout.bands)
    actual = rows["actual"].astype("float64").to_numpy()
    labelled = ~np.isnan(actual)
    klass = np.array([bands.index(b) for b in rows["risk_band"]]) * 2 + rows["Pago_atiempo_pred"].to_numpy()
    np.add.at(expected, blocks["class"].start + klass, 1)
    np.add.at(expected, blocks["class_labelled"].start + klass[labelled], 1)
    confusion = rows["Pago_atiempo_pred"].to_numpy()[labelled] * 2 + actual[labelled].astype(int)
    np.add.at(expected, blocks["confusion"].start + confusion, 1)
    for j, code in enumerate(layout.warning_codes):
        expected[blocks["warning_codes"].start + j] = rows["warnings"].str.contains(f'"code": "{code}"').sum()
    expected[blocks["warned"].start] = (rows["warnings"] != "[]").sum()
    fine = np.searchsorted(layout.edges, rows["prob_default"].to_numpy(), side="right")
    np.add.at(expected, blocks["fine"].start + fine, 1)
    late = labelled & (actual == 0)
    np.add.at(expected, blocks["fine_late"].start + fine[late], 1)
    np.add.at(expected, blocks["fine_ontime"].start + fine[labelled & ~late], 1)
    variables = current_frame(bundle, rows.assign(when=rows["loan_date"].fillna(rows["scored_at"])),
                              list(FEATURE_COLUMNS))
    for variable in layout.drift_variables:
        counts, outside = variable.current_counts(variables[variable.name])
        expected[blocks[f"var:{variable.name}"]] = counts
        if outside is not None:
            expected[blocks[f"oor:{variable.name}"].start] = outside
    return expected


def all_cells(profile_set, selection: Selection | None = None) -> np.ndarray:
    selection = selection or Selection()
    first = next(iter(profile_set.layout.blocks))
    last = list(profile_set.layout.blocks)[-1]
    return profile_set.counts(profile_set.total(selection), first, last)[0]
