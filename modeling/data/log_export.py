"""The dashboard's Logs CSV export read as a loan table: its display names for the loan date (``loan_date``) and
the known outcome (``actual``) are the schema's ``fecha_prestamo`` and ``Pago_atiempo``. For training, rows whose
outcome is not known yet are left out (:func:`labelled_rows`), so an export of recent loans trains a challenger.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from modeling.data.columns import DATE_COLUMN, TARGET

EXPORT_NAMES = {"loan_date": DATE_COLUMN, "actual": TARGET}
MARKERS = frozenset({"request_id", "model_version", "Pago_atiempo_pred", "loan_date", "actual"})


def is_log_export(columns: Iterable[object]) -> bool:
    """Whether a header is the Logs export's (it carries every one of ``MARKERS``)."""
    return {str(c).strip() for c in columns} >= MARKERS


def with_schema_names(raw: pd.DataFrame) -> pd.DataFrame:
    """``raw`` with ``loan_date`` / ``actual`` renamed to the schema's names (when it has none of its own)."""
    present = {str(c).strip() for c in raw.columns}
    names = {c: EXPORT_NAMES[str(c).strip()] for c in raw.columns
             if str(c).strip() in EXPORT_NAMES and EXPORT_NAMES[str(c).strip()] not in present}
    return raw.rename(columns=names)


def labelled_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows with a known outcome (``Pago_atiempo`` not empty) and how many were left out."""
    text = frame[TARGET].astype("string").str.strip().fillna("")
    known = (text != "").to_numpy()
    return frame[known].reset_index(drop=True), int((~known).sum())
