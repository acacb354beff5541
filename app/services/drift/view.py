"""A drift view as the dashboard and its downloads need it: one table row per variable, CSV and JSON text."""
from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd

from modeling.drift import DriftReport, frame_records

TABLE_COLUMNS: tuple[str, ...] = (
    "variable", "type", "psi", "band", "band_icon", "noise_level", "status", "alert", "above_noise", "n_ref",
    "n_cur", "missing_share_ref", "missing_share_cur", "out_of_range_share", "unseen_share", "flagged_signals")


@dataclass(frozen=True)
class ReferencePeriod:
    """The training period the reference profile was frozen on (dates unknown for a version whose bundle is not
    loaded: only its stored profile is at hand)."""

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    rows: int


@dataclass(frozen=True)
class DriftView:
    """A drift report of the predictions chosen by a selection, with what the page says about them.

    ``reference`` is the training period of the selection's model version. ``report`` is None when no logged
    row matches (then ``table`` is empty). ``first`` and ``last`` are the first and last day with rows.
    ``score_compared`` is False when the rows belong to another model version than the loaded one (its score
    is not compared).
    """

    model_version: str
    reference: ReferencePeriod
    report: DriftReport | None
    table: pd.DataFrame
    n_rows: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    source_counts: dict[str, int]
    score_compared: bool

    def table_records(self) -> list[dict]:
        """The table as JSON-safe rows (``None`` for missing values)."""
        return frame_records(self.table)

    def to_csv(self) -> str:
        """The table as CSV text (flagged signals joined by ``;``)."""
        frame = self.table.assign(flagged_signals=self.table["flagged_signals"].map(";".join))
        return frame.to_csv(index=False, float_format="%.6g")

    def to_json(self, selection: dict) -> str:
        """The full report (``DriftReport.to_dict``) with the selection and reference period, as JSON text."""
        reference = self.reference
        body = {"model_version": self.model_version, "selection": selection,
                "reference": {"start": _iso(reference.start), "end": _iso(reference.end), "rows": reference.rows},
                "current": {"rows": self.n_rows, "first": _iso(self.first), "last": _iso(self.last),
                            "sources": self.source_counts},
                "report": None if self.report is None else self.report.to_dict()}
        return json.dumps(body, ensure_ascii=False, indent=2, default=_iso)


def variable_type(kind: str, name: str, derived: Collection[str]) -> str:
    """``score``, ``derived`` (engineered by the pipeline) or the profile kind (numeric / categorical)."""
    if kind == "score":
        return "score"
    return "derived" if name in derived else kind


def report_table(report: DriftReport | None, derived: Collection[str]) -> pd.DataFrame:
    """One row per variable (score included), largest PSI first, columns ``TABLE_COLUMNS``."""
    if report is None or not report.results:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    frame = pd.DataFrame([r.summary() for r in report.results])
    frame["type"] = [variable_type(k, v, derived) for k, v in zip(frame["kind"], frame["variable"], strict=True)]
    frame["psi"] = pd.to_numeric(frame["psi"], errors="coerce")
    frame = frame.sort_values("psi", ascending=False, na_position="last", kind="stable")
    return frame.reindex(columns=list(TABLE_COLUMNS)).reset_index(drop=True)


def _iso(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (pd.Timestamp, date)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")
