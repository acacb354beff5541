"""The prediction log as a browsable table: filters in SQL, the newest rows flattened, CSV export of all matches.

A displayed row holds the log's own columns, the number and text of its warnings, and every logged input
field as its own column. Filtering, counting and ordering happen in the database; flattening is vectorised.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from app.services.log.tables import READ_DTYPES, predictions
from app.services.log.store import PredictionLog, inputs_frame
from modeling.config import DATE_COLUMN

DEFAULT_LIMIT = 5_000
EXPORT_CHUNK_ROWS = 50_000
DISPLAY_COLUMNS = ("id", "scored_at", "loan_date", "source", "request_id", "prob_default", "Pago_atiempo_pred",
               "risk_band", "warnings_count", "warnings", "latency_ms", "actual", "model_version")
_WARNING = r'\{"field": "(?P<field>(?:[^"\\]|\\.)*)", "code": "[^"]*", "message": "(?P<message>(?:[^"\\]|\\.)*)"\}'


@dataclass(frozen=True)
class LogFilters:
    """What the user asked for; empty selections mean "all"."""

    sources: tuple[str, ...] = ()
    risk_bands: tuple[str, ...] = ()
    predicted: tuple[int, ...] = ()
    loan_date_from: date | None = None
    loan_date_to: date | None = None  # inclusive
    model_version: str | None = None
    request_id: str = ""

    @classmethod
    def from_inputs(cls, sources: Iterable[str] | None = None, risk_bands: Iterable[str] | None = None,
                    predicted: Iterable[Any] | None = None, loan_date_from: str | None = None,
                    loan_date_to: str | None = None, model_version: str | None = None,
                    request_id: str | None = None) -> LogFilters:
        """Build from dashboard control values (ISO date strings, None for untouched controls)."""
        return cls(tuple(sources or ()), tuple(risk_bands or ()), tuple(int(p) for p in predicted or ()),
                   _parse_date(loan_date_from), _parse_date(loan_date_to), model_version or None,
                   (request_id or "").strip())


@dataclass(frozen=True)
class LogPage:
    """The newest matching rows (flattened) plus aggregates over every matching row."""

    rows: pd.DataFrame
    total: int
    mean_prob_default: float | None
    high_risk: int
    with_actual: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class LogOptions:
    """Values present in the log, for the filter controls."""

    sources: list[str]
    risk_bands: list[str]
    model_versions: list[str]
    loan_date_min: date | None
    loan_date_max: date | None


def log_options(log: PredictionLog) -> LogOptions:
    """Distinct sources, bands and model versions, and the loan-date span, read from the log."""
    c = predictions.c
    with log.engine.connect() as conn:
        distinct = {name: sorted(v for v in conn.execute(sa.select(column).distinct()).scalars() if v is not None)
                    for name, column in (("source", c.source), ("risk_band", c.risk_band),
                                         ("model_version", c.model_version))}
        low, high = conn.execute(sa.select(sa.func.min(c.loan_date), sa.func.max(c.loan_date))).one()
    return LogOptions(distinct["source"], distinct["risk_band"], distinct["model_version"],
                      _as_date(low), _as_date(high))


def read_page(log: PredictionLog, filters: LogFilters, *, limit: int = DEFAULT_LIMIT) -> LogPage:
    """The ``limit`` newest rows matching ``filters``, flattened, and counts over all matching rows."""
    c = predictions.c
    aggregates = sa.select(sa.func.count(), sa.func.avg(c.prob_default),
                           sa.func.sum(sa.case((c.risk_band == "Alto", 1), else_=0)), sa.func.count(c.actual))
    query = _where(sa.select(predictions), filters).order_by(c.id.desc()).limit(limit)
    with log.engine.connect() as conn:
        total, mean, high, with_actual = conn.execute(_where(aggregates, filters)).one()
        rows = pd.read_sql(query, conn)
    return LogPage(flatten(rows), int(total), None if mean is None else float(mean), int(high or 0),
                   int(with_actual))


def export_csv(log: PredictionLog, filters: LogFilters) -> bytes:
    """Every row matching ``filters``, newest first, flattened, as CSV in UTF-8 with BOM (opens in Excel)."""
    query = _where(sa.select(predictions), filters).order_by(predictions.c.id.desc())
    with log.engine.connect() as conn:
        chunks = [flatten(chunk) for chunk in pd.read_sql(query, conn, chunksize=EXPORT_CHUNK_ROWS)]
    frame = pd.concat(chunks, ignore_index=True) if chunks else flatten(pd.DataFrame(columns=predictions.c.keys()))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, date_format="%Y-%m-%d %H:%M:%S")
    return buffer.getvalue().encode("utf-8-sig")


def flatten(rows: pd.DataFrame) -> pd.DataFrame:
    """Log rows → display columns (``DISPLAY_COLUMNS``) then one column per logged input (the date is ``loan_date``)."""
    rows = rows.astype({k: v for k, v in READ_DTYPES.items() if k in rows.columns}).reset_index(drop=True)
    found = rows["warnings"].str.extractall(_WARNING)
    text = (found["field"] + ": " + found["message"]).groupby(level=0).agg("; ".join)
    text = text.str.replace(r"\\(.)", _unescape, regex=True)
    flat = rows.assign(warnings_count=rows["warnings"].str.count(r'"code":').astype("int64"),
                       warnings=text.reindex(rows.index))
    inputs = _whole_numbers_as_integers(inputs_frame(rows).drop(columns=[DATE_COLUMN], errors="ignore"))
    return pd.concat([flat[list(DISPLAY_COLUMNS)], inputs.drop(columns=[c for c in inputs if c in DISPLAY_COLUMNS])],
                     axis=1)


def _whole_numbers_as_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns whose values are all whole numbers (codes, counts, amounts in pesos) as nullable integers."""
    floats = frame.select_dtypes("float64")
    whole = [c for c in floats if ((floats[c] % 1 == 0) | floats[c].isna()).all() and floats[c].abs().max() < 2**53]
    return frame.astype(dict.fromkeys(whole, "Int64"))


def _unescape(match: re.Match[str]) -> str:
    """One JSON escape of a warning text undone (control characters become a space)."""
    return " " if match.group(1) in "nrtbf" else match.group(1)


def _where(query: Any, filters: LogFilters) -> Any:
    c = predictions.c
    if filters.sources:
        query = query.where(c.source.in_(filters.sources))
    if filters.risk_bands:
        query = query.where(c.risk_band.in_(filters.risk_bands))
    if filters.predicted:
        query = query.where(c.Pago_atiempo_pred.in_(filters.predicted))
    if filters.loan_date_from is not None:
        query = query.where(c.loan_date >= datetime.combine(filters.loan_date_from, datetime.min.time()))
    if filters.loan_date_to is not None:
        end = datetime.combine(filters.loan_date_to + timedelta(days=1), datetime.min.time())
        query = query.where(c.loan_date < end)
    if filters.model_version:
        query = query.where(c.model_version == filters.model_version)
    if filters.request_id:
        pattern = filters.request_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(c.request_id.ilike(f"%{pattern}%", escape="\\"))
    return query


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    return pd.Timestamp(value).date()


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts for a grid: timestamps as ``YYYY-MM-DD HH:MM:SS`` text, None for missing values."""
    frame = frame.copy()
    for column in frame.columns[[pd.api.types.is_datetime64_any_dtype(t) for t in frame.dtypes]]:
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
