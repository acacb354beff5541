"""What drift monitoring compares with the reference: logged rows as a typed frame with the derived variables.

The *current frame* holds, per logged row: ``id``, ``source``, ``time`` (the loan date where present, else the
scoring time), ``prob_default``, the raw inputs and the derived variables exactly as the bundle's pipeline
computes them. It is built from log rows (a :class:`~app.services.log_snapshot.LogSnapshot` frame) with one
vectorised JSON parse and one pipeline transform.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from app.services.log.store import inputs_frame
from modeling.artifacts import Bundle
from modeling.config import DATE_COLUMN
from modeling.drift import SCORE_NAME
from modeling.inference import derived_features


def current_frame(bundle: Bundle, rows: pd.DataFrame, raw_columns: list[str]) -> pd.DataFrame:
    """Meta columns, raw inputs (``raw_columns``, NaN when never logged) and derived variables of ``rows``."""
    meta = pd.DataFrame({"id": rows["id"].to_numpy(), "source": rows["source"].to_numpy(dtype=object),
                         "time": rows["when"].to_numpy(dtype="datetime64[ns]"),
                         SCORE_NAME: rows["prob_default"].to_numpy(dtype=np.float64)})
    if rows.empty:
        empty = pd.DataFrame({name: pd.Series(dtype=np.float64) for name in raw_columns})
        derived = pd.DataFrame({name: pd.Series(dtype=np.float64) for name in bundle.metadata["derived_features"]})
        return pd.concat([meta, empty, derived], axis=1)
    raw = inputs_frame(rows).reindex(columns=list(raw_columns))
    raw.index = meta.index
    raw[DATE_COLUMN] = meta["time"]
    derived = derived_features(bundle, raw)
    return pd.concat([meta, raw.drop(columns=[DATE_COLUMN]), derived.reset_index(drop=True)], axis=1)
