"""Logged rows turned back into what their profile counts: the drift variables, scores and outcomes.

Used by ``rebuild-profiles`` (a whole log, chunk by chunk) and by the tests that check profiles against rows.
Inputs are parsed with Arrow's JSON reader against the bundle's schema (one vectorised pass); the date used for
derived variables is the loan date, else the scoring time, exactly as when the row was scored.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from app.services.log.values import inputs_frame
from app.services.profiles.build import ScoredRows
from app.services.profiles.layout import ProfileLayout
from modeling.artifacts import Bundle
from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import FEATURE_COLUMNS, specs_for
from modeling.drift import SCORE_NAME
from modeling.inference import derived_features

_TEXT_KINDS = ("category",)


def input_schema() -> pa.Schema:
    """Arrow types of the logged ``inputs`` JSON: numbers as float64, text as string. The loan date is left out:
    the row's ``day`` column stands for it (see :func:`drift_variables`)."""
    fields = []
    for spec in specs_for(("feature",)):
        if spec.name == DATE_COLUMN:
            continue
        if spec.kind in _TEXT_KINDS:
            fields.append(pa.field(spec.name, pa.string()))
        else:
            fields.append(pa.field(spec.name, pa.float64()))
    return pa.schema(fields)


def parse_input_lines(data: bytes) -> pd.DataFrame:
    """The ``inputs`` JSON objects, joined by newlines (one per row, none empty), as a frame with every feature
    column (missing keys → NaN / None; the loan date column is left empty)."""
    if not data:
        return pd.DataFrame({name: pd.Series(dtype=np.float64) for name in FEATURE_COLUMNS})
    options = pj.ParseOptions(explicit_schema=input_schema(), unexpected_field_behavior="ignore")
    table = pj.read_json(io.BytesIO(data), parse_options=options,
                         read_options=pj.ReadOptions(block_size=max(1 << 20, len(data) // 2 + 1)))
    frame = table.to_pandas()
    return frame.reindex(columns=list(FEATURE_COLUMNS))


def drift_variables(bundle: Bundle, rows: pd.DataFrame, inputs: bytes | pd.DataFrame) -> pd.DataFrame:
    """Raw inputs (already parsed, or their JSON ``inputs`` joined by newlines), derived variables and
    ``prob_default`` of logged rows (columns ``day`` and ``prob_default``), index reset.

    The derived variables take only the calendar date of the loan (year, month, weekday, month end), so the
    logged ``day`` — the loan date, else the scoring date — gives exactly what scoring computed.
    """
    raw = inputs if isinstance(inputs, pd.DataFrame) else parse_input_lines(inputs)
    raw[DATE_COLUMN] = rows["day"].to_numpy(dtype="datetime64[ns]")
    derived = derived_features(bundle, raw).reset_index(drop=True)
    score = pd.DataFrame({SCORE_NAME: rows["prob_default"].to_numpy(np.float64)}, index=derived.index)
    return pd.concat([raw, derived, score], axis=1, copy=False)  # no copy of the columns, no block consolidation


def warning_code_matrix(layout: ProfileLayout, warnings: pa.Array) -> np.ndarray:
    """(rows × layout codes) booleans read from the logged ``warnings`` JSON text."""
    columns = [pc.match_substring(warnings, f'"code": "{code}"').to_numpy(zero_copy_only=False)
               for code in layout.warning_codes]
    return np.column_stack(columns) if columns else np.zeros((len(warnings), 0), dtype=bool)


def scored_rows(bundle: Bundle, layout: ProfileLayout, rows: pd.DataFrame, request_rows: np.ndarray, *,
                inputs: bytes | pd.DataFrame, warnings: pa.Array) -> ScoredRows:
    """What the profile of logged ``rows`` (all of one model version, read as ``chunks.read_chunk`` does) counts;
    ``request_rows`` is, per row, how many rows its request logged; ``inputs`` their JSON joined by newlines."""
    k = np.asarray(request_rows, dtype=np.float64)
    return ScoredRows(
        variables=drift_variables(bundle, rows, inputs), prob=rows["prob_default"].to_numpy(np.float64),
        pred=rows["Pago_atiempo_pred"].to_numpy(np.int64), band=rows["risk_band"].to_numpy(object),
        days=rows["day"].to_numpy(dtype="datetime64[D]"), source=rows["source"].to_numpy(object),
        actual=pd.to_numeric(rows["actual"], errors="coerce").to_numpy(np.float64, na_value=np.nan),
        warning_codes=warning_code_matrix(layout, warnings),
        latency_ms=rows["latency_ms"].to_numpy(np.float64),
        request_rows=k, scored_at=rows["scored_at"].to_numpy(dtype="datetime64[us]"))


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
