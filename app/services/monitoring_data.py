"""What drift monitoring reads from the prediction log: scored rows of one model version, as a typed frame.

The *current frame* holds, per logged row: ``id``, ``source``, ``time`` (the loan date where present, else the
scoring time), ``prob_default``, the raw inputs and the derived variables exactly as the bundle's pipeline
computes them. It is built with one SQL query, one vectorised JSON parse and one pipeline transform.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.services.log_tables import predictions
from app.services.prediction_log import inputs_frame
from modeling.artifacts import Bundle
from modeling.config import DATE_COLUMN
from modeling.drift import SCORE_NAME
from modeling.inference import derived_features

META_COLUMNS: tuple[str, ...] = ("id", "source", "time", SCORE_NAME)
_READ_COLUMNS = (predictions.c.id, predictions.c.source, predictions.c.scored_at, predictions.c.loan_date,
                 predictions.c.inputs, predictions.c.prob_default)


@dataclass(frozen=True)
class LogStamp:
    """Row count and largest id of one model version's rows: changes whenever rows are added or removed."""

    rows: int
    max_id: int


def log_stamp(engine: Engine, model_version: str, *, up_to_id: int | None = None) -> LogStamp:
    """Count and max id of the version's rows (only those with ``id <= up_to_id`` when given)."""
    query = sa.select(sa.func.count(), sa.func.max(predictions.c.id)).where(
        predictions.c.model_version == model_version)
    if up_to_id is not None:
        query = query.where(predictions.c.id <= up_to_id)
    with engine.connect() as conn:
        rows, max_id = conn.execute(query).one()
    return LogStamp(int(rows), int(max_id or 0))


def logged_versions(engine: Engine) -> list[str]:
    """Distinct model versions present in the log, newest first by their last row."""
    query = (sa.select(predictions.c.model_version).group_by(predictions.c.model_version)
             .order_by(sa.func.max(predictions.c.id).desc()))
    with engine.connect() as conn:
        return [str(v) for v in conn.execute(query).scalars()]


def read_rows(engine: Engine, model_version: str, *, after_id: int = 0) -> pd.DataFrame:
    """The version's logged rows with ``id > after_id`` (id order): id, source, times, inputs, score."""
    query = (sa.select(*_READ_COLUMNS).where(predictions.c.model_version == model_version)
             .where(predictions.c.id > after_id).order_by(predictions.c.id))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.astype({"id": "int64", "scored_at": "datetime64[ns]", "loan_date": "datetime64[ns]",
                         "prob_default": "float64"})


def current_frame(bundle: Bundle, rows: pd.DataFrame, raw_columns: list[str]) -> pd.DataFrame:
    """Meta columns, raw inputs (``raw_columns``, NaN when never logged) and derived variables of ``rows``."""
    time = rows["loan_date"].fillna(rows["scored_at"])
    meta = pd.DataFrame({"id": rows["id"].to_numpy(), "source": rows["source"].to_numpy(dtype=object),
                         "time": time.to_numpy(dtype="datetime64[ns]"),
                         SCORE_NAME: rows["prob_default"].to_numpy(dtype=np.float64)})
    if rows.empty:
        empty = pd.DataFrame({name: pd.Series(dtype=np.float64) for name in raw_columns})
        derived = pd.DataFrame({name: pd.Series(dtype=np.float64) for name in bundle.metadata["derived_features"]})
        return pd.concat([meta, empty, derived], axis=1)
    raw = inputs_frame(rows.reset_index(drop=True)).reindex(columns=list(raw_columns))
    raw[DATE_COLUMN] = meta["time"]
    derived = derived_features(bundle, raw)
    return pd.concat([meta, raw.drop(columns=[DATE_COLUMN]), derived.reset_index(drop=True)], axis=1)
