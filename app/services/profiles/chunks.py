"""Logged rows read in bulk for ``rebuild-profiles``: one SQL statement per chunk returns the chunk as
newline-joined texts that Arrow parses without creating a Python object per row; a small statement adds the rows
of multi-row requests.

SQLite extracts the input fields itself (``json_extract`` with every path gives a JSON array per row, which is a
CSV line once its brackets go) so each row is one CSV line: plain columns, then the inputs. A JSON escape in a text
input (rare: a quote, a backslash, a slash) would not read as CSV, so such a chunk is read as before: the inputs'
JSON objects, parsed by Arrow's JSON reader — as PostgreSQL's chunks always are. Plain columns never hold a comma
or a newline (numbers, ISO dates, fixed source and band names); warnings are JSON without raw newlines.
PostgreSQL prints reals in their exact shortest form, SQLite with 17 significant digits (``%!.17g``): every
score reads back bit for bit.
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

from app.services.profiles.rows import input_schema
from modeling.data.schema import FEATURE_COLUMNS

FIELDS = ("id", "scored_at", "day", "source", "prob_default", "Pago_atiempo_pred", "risk_band", "latency_ms",
          "actual")
_TYPES = {"id": pa.int64(), "scored_at": pa.timestamp("us"), "day": pa.timestamp("s"), "source": pa.string(),
          "prob_default": pa.float64(),
          "Pago_atiempo_pred": pa.int64(), "risk_band": pa.string(), "latency_ms": pa.float64(),
          "actual": pa.float64()}
INPUT_FIELDS = tuple(input_schema().names)  # the logged inputs read back (the loan date is the ``day`` column)
_TYPES.update({field.name: field.type for field in input_schema()})
_RANGE = "model_version = :version AND id > :after AND id <= :until"
# One printf per row (fewer string copies than a chain of ||; NULL prints as nothing); trim drops the array's
# brackets without counting its characters as substr and length would.
_LINE = """printf('%d,%s,%s,%s,%!.17g,%d,%s,%!.17g,%s', id, scored_at, day, source, prob_default, "Pago_atiempo_pred",
                   risk_band, latency_ms, actual)"""
_SQLITE = f"""
SELECT count(*), group_concat(line || ',' || trim(arr, '[]'), char(10)), NULL,
       group_concat(warnings, char(10))
FROM (SELECT {_LINE} AS line, json_extract(inputs, {", ".join(f"'$.{name}'" for name in INPUT_FIELDS)}) AS arr,
             warnings
      FROM predictions WHERE {_RANGE} ORDER BY id LIMIT :size)
"""
_SQLITE_JSON = f"""
SELECT count(*), group_concat(line, char(10)), CAST(group_concat(inputs, char(10)) AS BLOB),
       group_concat(warnings, char(10))
FROM (SELECT {_LINE} AS line, inputs, warnings FROM predictions WHERE {_RANGE} ORDER BY id LIMIT :size)
"""
_POSTGRES_ORDERED = f"""
SELECT count(*), string_agg(line, E'\\n' ORDER BY id), string_agg(inputs, E'\\n' ORDER BY id),
       string_agg(warnings, E'\\n' ORDER BY id)
FROM (SELECT id, concat(id, ',', scored_at, ',', day, ',', source, ',', prob_default, ',', "Pago_atiempo_pred", ',',
                        risk_band, ',', latency_ms, ',', actual) AS line, inputs, warnings
      FROM predictions WHERE {_RANGE} ORDER BY id LIMIT :size) s
"""
# The aggregates take the subquery's id order (each sort inside an aggregate costs about a third of the statement);
# all three read the same rows in the same order, so they stay aligned, and the ids are checked to be in order.
_POSTGRES = _POSTGRES_ORDERED.replace(" ORDER BY id)", ")")
_REQUESTS = f"SELECT id, request_id FROM predictions WHERE {_RANGE} AND request_id IN :requests"
_ALL_REQUESTS = f"SELECT id, request_id FROM predictions WHERE {_RANGE}"
LISTED_REQUESTS = 1_000  # beyond this many multi-row requests, every row's request is read and looked up here
NO_LIMIT = 2**62


@dataclass(frozen=True)
class RowChunk:
    """Plain columns (``FIELDS``), each row's request size, the inputs (parsed, or their JSON joined by newlines),
    the warnings."""

    rows: pd.DataFrame
    request_rows: np.ndarray
    inputs: pd.DataFrame | bytes
    warnings: pa.Array

    def __len__(self) -> int:
        return len(self.rows)


def read_chunk(conn: sa.Connection, version: str, multi: Mapping[str, int], *, after: int,
               until: int | None = None, sorted_aggregates: bool = False) -> RowChunk:
    """Rows of ``version`` with ``after < id <= until`` in id order; ``multi`` gives the row count of every
    request that logged more than one row (the others logged one)."""
    postgres = conn.dialect.name == "postgresql"
    params = {"version": version, "after": after, "until": NO_LIMIT if until is None else until, "size": NO_LIMIT}
    statement = (_POSTGRES_ORDERED if sorted_aggregates else _POSTGRES) if postgres else _SQLITE
    count, lines, inputs, warnings = conn.execute(sa.text(statement), params).one()
    if count and inputs is None and "\\" in lines:  # a JSON escape in a text input: read the chunk's JSON instead
        count, lines, inputs, warnings = conn.execute(sa.text(_SQLITE_JSON), params).one()
    if not count:
        empty = pd.DataFrame({name: pd.Series(dtype=object) for name in FIELDS})
        return RowChunk(empty, np.empty(0), b"", pa.array([], pa.string()))
    names = list(FIELDS) if inputs is not None else [*FIELDS, *INPUT_FIELDS]
    table = pacsv.read_csv(io.BytesIO(lines.encode("utf-8")), read_options=pacsv.ReadOptions(column_names=names),
                           convert_options=pacsv.ConvertOptions(column_types=_TYPES, null_values=["", "null"],
                                                                strings_can_be_null=True,
                                                                quoted_strings_can_be_null=False))
    rows = table.select(list(FIELDS)).to_pandas()
    ids = rows["id"].to_numpy()
    if postgres and not sorted_aggregates and not np.all(ids[1:] > ids[:-1]):  # the subquery's order was not kept
        return read_chunk(conn, version, multi, after=after, until=until, sorted_aggregates=True)
    params["until"] = int(ids[-1])  # the request sizes are read for these rows' ids only
    if inputs is None:
        inputs = table.select(list(INPUT_FIELDS)).to_pandas().reindex(columns=list(FEATURE_COLUMNS))
    else:
        inputs = inputs.encode("utf-8") if isinstance(inputs, str) else bytes(inputs)  # SQLite hands over bytes
    return RowChunk(rows, _request_rows(conn, params, rows, multi), inputs,
                    pc.split_pattern(pa.array([warnings], pa.string()), "\n").flatten())


def _request_rows(conn: sa.Connection, params: dict, rows: pd.DataFrame, multi: Mapping[str, int]) -> np.ndarray:
    """Per row, how many rows its request logged: 1 unless the request is one of ``multi``'s."""
    sizes = np.ones(len(rows))
    if not multi:
        return sizes
    if len(multi) > LISTED_REQUESTS:  # no IN list of every request (SQLite and psycopg cap bound parameters)
        found = conn.execute(sa.text(_ALL_REQUESTS), params).all()
    else:
        query = sa.text(_REQUESTS).bindparams(sa.bindparam("requests", expanding=True))
        found = conn.execute(query, {**params, "requests": list(multi)}).all()
    if found:
        ids, requests = zip(*found, strict=True)
        chunk_ids, found_ids = rows["id"].to_numpy(), np.asarray(ids, dtype=np.int64)
        positions = np.minimum(np.searchsorted(chunk_ids, found_ids), len(chunk_ids) - 1)
        read = chunk_ids[positions] == found_ids  # a row committed since the chunk was read is not one of its rows
        sizes[positions[read]] = np.asarray([multi.get(r, 1) for r in requests], dtype=np.float64)[read]
    return sizes
