"""Logged rows read in bulk for ``rebuild-profiles``: one SQL statement per chunk returns the chunk as four
newline-joined texts (the plain columns as CSV lines, request ids, inputs JSON, warnings JSON), which Arrow parses
without creating a Python object per row.

Plain columns never hold a comma or a newline (numbers, ISO times, fixed source and band names); request ids,
inputs and warnings are JSON or identifiers without raw newlines. PostgreSQL prints reals in their exact shortest
form; SQLite's reals are fetched as numbers in a second statement (its text form of a real is slow and needs 17
digits): every score reads back bit for bit.
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import sqlalchemy as sa

FIELDS = ("id", "scored_at", "loan_date", "day", "source", "prob_default", "Pago_atiempo_pred", "risk_band",
          "latency_ms", "actual")
_TYPES = {"id": pa.int64(), "scored_at": pa.timestamp("us"), "loan_date": pa.timestamp("us"),
          "day": pa.timestamp("s"), "source": pa.string(), "prob_default": pa.float64(),
          "Pago_atiempo_pred": pa.int64(), "risk_band": pa.string(), "latency_ms": pa.float64(),
          "actual": pa.float64()}
_SQLITE = """
SELECT count(*), group_concat(line, char(10)), group_concat(request_id, char(10)), group_concat(inputs, char(10)),
       group_concat(warnings, char(10))
FROM (SELECT id || ',' || scored_at || ',' || ifnull(loan_date, '') || ',' || day || ',' || source || ',,'
             || "Pago_atiempo_pred" || ',' || risk_band || ',,' || ifnull(actual, '') AS line, request_id, inputs,
             warnings
      FROM predictions WHERE model_version = :version AND id > :after AND id <= :until ORDER BY id LIMIT :size)
"""
_SQLITE_REALS = """
SELECT prob_default, latency_ms FROM predictions
WHERE model_version = :version AND id > :after AND id <= :until ORDER BY id LIMIT :size
"""
_POSTGRES = """
SELECT count(*), string_agg(line, E'\\n' ORDER BY id), string_agg(request_id, E'\\n' ORDER BY id),
       string_agg(inputs, E'\\n' ORDER BY id), string_agg(warnings, E'\\n' ORDER BY id)
FROM (SELECT id, concat(id, ',', scored_at, ',', loan_date, ',', day, ',', source, ',', prob_default, ',',
                        "Pago_atiempo_pred", ',', risk_band, ',', latency_ms, ',', actual) AS line,
             request_id, inputs, warnings
      FROM predictions WHERE model_version = :version AND id > :after AND id <= :until ORDER BY id LIMIT :size) s
"""
NO_LIMIT = 2**62


@dataclass(frozen=True)
class RowChunk:
    """Plain columns (``FIELDS``) and, per row, its request's row count; inputs joined by newlines; warnings."""

    rows: pd.DataFrame
    request_ids: pa.Array
    inputs: bytes
    warnings: pa.Array

    def __len__(self) -> int:
        return len(self.rows)

    def request_rows(self, multi: Mapping[str, int]) -> np.ndarray:
        """Rows logged by each row's request (1 unless listed in ``multi``)."""
        if not multi or not len(self):
            return np.ones(len(self))
        keys = pa.array(list(multi), pa.string())
        position = pc.index_in(self.request_ids, value_set=keys).to_numpy(zero_copy_only=False)
        counts = np.append(np.fromiter(multi.values(), dtype=np.float64, count=len(multi)), 1.0)
        return counts[np.where(np.isnan(position.astype(np.float64)), len(multi), position).astype(np.int64)]


def read_chunk(conn: sa.Connection, version: str, *, after: int, until: int | None = None,
               size: int | None = None) -> RowChunk:
    """Rows of ``version`` with ``after < id <= until``, the first ``size`` of them, in id order."""
    sql = _POSTGRES if conn.dialect.name == "postgresql" else _SQLITE
    params = {"version": version, "after": after, "until": NO_LIMIT if until is None else until,
              "size": NO_LIMIT if size is None else size}
    count, lines, requests, inputs, warnings = conn.execute(sa.text(sql), params).one()
    if not count:
        empty = pa.array([], pa.string())
        return RowChunk(pd.DataFrame({name: pd.Series(dtype=object) for name in FIELDS}), empty, b"", empty)
    table = pacsv.read_csv(io.BytesIO(lines.encode("utf-8")),
                           read_options=pacsv.ReadOptions(column_names=list(FIELDS)),
                           convert_options=pacsv.ConvertOptions(column_types=_TYPES, null_values=[""],
                                                                strings_can_be_null=True))
    rows = table.to_pandas()
    if conn.dialect.name != "postgresql":  # reals fetched as numbers: SQLite's text form of a real is slow
        reals = np.array(conn.execute(sa.text(_SQLITE_REALS), params).cursor.fetchall(), dtype=np.float64)
        if len(reals) != len(rows):  # a row committed between the two reads: read the chunk again
            return read_chunk(conn, version, after=after, until=int(rows["id"].iloc[-1]))
        rows["prob_default"], rows["latency_ms"] = reals[:, 0], reals[:, 1]
    return RowChunk(rows, _split(requests), inputs.encode("utf-8"), _split(warnings))


def _split(joined: str) -> pa.Array:
    return pc.split_pattern(pa.array([joined], pa.string()), "\n").flatten()
