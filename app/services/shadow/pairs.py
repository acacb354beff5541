"""Read champion and challenger scores of the same loans: ``shadow_scores`` joined to ``predictions`` on
``(request_id, row)``, filtered by challenger version, loan day and source; the most recent ``limit`` rows.

One walk down the ``(challenger_version, day)`` index, newest day first, each shadow score joined to its
prediction by the ``(request_id, row)`` index and the walk stopped at ``limit``: the read costs the rows it
returns, whatever the number of shadow scores (2.1–2.8 M of them at 10 M logged rows: 8–12 s → 2 s on SQLite,
10–20 s → 2.7 s on PostgreSQL)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.services.log.tables import predictions
from app.services.models.tables import shadow_scores

MAX_PAIRS = 200_000
_P, _S = predictions.c, shadow_scores.c


@dataclass(frozen=True)
class Pairs:
    """One row per loan scored by both models (``champion_*`` / ``challenger_*`` columns, ``actual``, ``day``);
    ``total`` rows matched the filters, of which the latest ``len(frame)`` were read — None when the read was cut
    at its limit under a source filter (counting those would join every shadow score to its prediction)."""

    challenger: str
    frame: pd.DataFrame
    total: int | None

    @property
    def capped(self) -> bool:
        return self.total is None or self.total > len(self.frame)


def shadowed_versions(engine: Engine) -> pd.DataFrame:
    """Challenger versions with shadow scores: rows, first and last day, newest first."""
    query = (sa.select(_S.challenger_version, sa.func.count(), sa.func.min(_S.day), sa.func.max(_S.day))
             .group_by(_S.challenger_version).order_by(sa.func.max(_S.day).desc()))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["version", "rows", "first_day", "last_day"])


def read_pairs(engine: Engine, challenger: str, *, sources: tuple[str, ...] = (), start: date | None = None,
               end: date | None = None, limit: int = MAX_PAIRS) -> Pairs:
    """The loans ``challenger`` scored in shadow, beside the champion's logged score and outcome."""
    joined = shadow_scores.join(predictions, sa.and_(_P.request_id == _S.request_id, _P.row == _S.row))
    where = [_S.challenger_version == challenger]
    if start is not None:
        where.append(_S.day >= start)
    if end is not None:
        where.append(_S.day <= end)
    matched = [_P.source.in_(sources)] if sources else []
    columns = [_S.day, _P.source, _S.champion_version, _P.prob_default, _P.Pago_atiempo_pred, _P.risk_band,
               _S.prob_default, _S.Pago_atiempo_pred, _S.risk_band, _P.actual]
    names = ["day", "source", "champion", "champion_prob", "champion_pred", "champion_band", "challenger_prob",
             "challenger_pred", "challenger_band", "actual"]
    newest = sa.select(*columns).select_from(joined).where(*where, *matched).order_by(_S.day.desc())
    with engine.connect() as conn:
        rows = conn.execute(newest.limit(limit)).all()
        total: int | None = len(rows)
        if total == limit:  # maybe more: every shadow score has its logged prediction, so without a source filter
            total = None if matched else conn.execute(  # they are counted on shadow_scores' own index
                sa.select(sa.func.count()).select_from(shadow_scores).where(*where)).scalar_one()
    frame = pd.DataFrame(rows, columns=names)
    frame["day"] = pd.to_datetime(frame["day"])
    for name in ("champion_prob", "challenger_prob"):
        frame[name] = frame[name].astype("float64")
    for name in ("champion_pred", "challenger_pred"):
        frame[name] = frame[name].astype("int64")
    frame["actual"] = pd.array(frame["actual"].to_numpy(dtype=object), dtype="Int64") if len(frame) else \
        pd.Series(dtype="Int64")
    return Pairs(challenger, frame.sort_values("day", kind="stable").reset_index(drop=True), total)


def late(actual: pd.Series) -> np.ndarray:
    """1.0 where the loan was paid late (``Pago_atiempo`` 0), 0.0 on time, NaN unknown."""
    values = actual.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isnan(values), np.nan, 1.0 - values)
