"""Log rows flattened for display and export: Arrow tables built column-wise, CSV written by Arrow.

A flattened row holds ``DISPLAY_COLUMNS`` (the log's own columns, the number and text of its warnings) and then
one column per logged input field (``fecha_prestamo`` is shown as ``loan_date``). Rows come as driver tuples or,
for the SQLite export, as Arrow tables read by :mod:`app.services.log.export_read`. The inputs' and warnings'
JSON is parsed by ``pyarrow.json`` in one call per chunk (:mod:`app.services.log.export_json`).
"""
from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

from app.services.csv_safety import safe_table
from app.services.log.export_json import parse_inputs, parse_warnings
from app.services.log.tables import predictions
from modeling.data.columns import DATE_COLUMN

DISPLAY_COLUMNS = ("id", "scored_at", "loan_date", "source", "request_id", "row", "prob_default",
                   "Pago_atiempo_pred", "risk_band", "warnings_count", "warnings", "latency_ms", "actual",
                   "model_version")
SELECTED = ("id", "scored_at", "loan_date", "source", "request_id", "row", "prob_default", "Pago_atiempo_pred",
            "risk_band", "warnings", "latency_ms", "actual", "model_version", "inputs")
FLATTENERS = 1  # threads turning export chunks into CSV while the next chunk is read (2 cost more CPU and memory)
BOM = "\ufeff".encode()
Chunk = Sequence[Sequence[Any]] | pa.Table  # rows of ``selected`` columns: driver tuples or an Arrow table
_TIMES = ("scored_at", "loan_date")
_TIME_TEXT = {"postgresql": lambda column: sa.func.to_char(column, "YYYY-MM-DD HH24:MI:SS")}
_TYPES = {"id": pa.int64(), "row": pa.int64(),
          "prob_default": pa.float64(), "Pago_atiempo_pred": pa.int64(), "latency_ms": pa.float64(),
          "actual": pa.int64()}
_CSV_OPTIONS = {True: pa_csv.WriteOptions(include_header=True), False: pa_csv.WriteOptions(include_header=False)}


def selected(dialect: str) -> list[Any]:
    """The ``SELECTED`` columns for a ``select``; times already as ``YYYY-MM-DD HH:MM:SS`` text; on SQLite the
    inputs as the bytes stored (parsed as they are, never decoded to text and back)."""
    as_text = _TIME_TEXT.get(dialect, lambda column: sa.func.substr(column, 1, 19))  # SQLite stores ISO text
    columns = {name: as_text(predictions.c[name]).label(name) if name in _TIMES else predictions.c[name]
               for name in SELECTED}
    if dialect == "sqlite":
        columns["inputs"] = sa.cast(predictions.c.inputs, sa.LargeBinary).label("inputs")
    return list(columns.values())


def flatten(rows: Chunk, input_fields: Sequence[str] | None = None) -> pa.Table:
    """Rows of :func:`selected` columns → one table: ``DISPLAY_COLUMNS`` then the inputs.

    ``input_fields`` fixes the input columns and their order (missing ones come out empty, others are left
    out); ``None`` takes every field found in these rows, in their order.
    """
    chunk = rows if isinstance(rows, pa.Table) else _rows_table(rows)
    table = {name: _typed(name, chunk.column(name)) for name in DISPLAY_COLUMNS if name in SELECTED}
    table["warnings_count"], table["warnings"] = parse_warnings(_typed("warnings", chunk.column("warnings")))
    inputs = parse_inputs(chunk.column("inputs"))
    fields = [f for f in (inputs.column_names if input_fields is None else input_fields)
              if f != DATE_COLUMN and f not in DISPLAY_COLUMNS]
    table = {name: table[name] for name in DISPLAY_COLUMNS}
    table.update({f: inputs.column(f) if f in inputs.column_names else pa.nulls(chunk.num_rows) for f in fields})
    return pa.table(table)


def stream_csv(read: Callable[..., Chunk], before_id: int | None, chunk_rows: int,
               input_fields: Sequence[str] | None) -> Iterator[bytes]:
    """CSV pieces of every row ``read(before_id=…)`` returns, chunk after chunk newest first (each chunk below the
    last one's oldest id), until a chunk is short: the BOM and the header with the first. A thread reads the
    next chunk while ``FLATTENERS`` threads turn the chunks before it into CSV (Arrow and the readers release the
    GIL), so at most ``FLATTENERS`` + 2 chunks are held. Input columns: ``input_fields``, else the first chunk's."""
    with ThreadPoolExecutor(1, "log-export-read") as reader, ThreadPoolExecutor(FLATTENERS, "log-export") as pool:
        chunks = _chunks(read, before_id, chunk_rows, reader)
        table = flatten(next(chunks), input_fields)
        fields = tuple(table.column_names[len(DISPLAY_COLUMNS):]) if input_fields is None else tuple(input_fields)
        yield BOM + csv_bytes(_fit(table, fields), header=True)
        pending: deque[Future[bytes]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_csv_piece, chunk, fields))
            if len(pending) > FLATTENERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def csv_bytes(table: pa.Table, *, header: bool) -> bytes:
    """``table`` as CSV (UTF-8, header line only when ``header``; text quoted, empty cells for missing values;
    text a spreadsheet would run as a formula starts with an apostrophe)."""
    sink = io.BytesIO()
    pa_csv.write_csv(safe_table(table), sink, _CSV_OPTIONS[header])
    return sink.getvalue()


def records(table: pa.Table) -> list[dict[str, Any]]:
    """The table as JSON-safe dicts for a grid."""
    return table.to_pylist()


def _chunks(read: Callable[..., Chunk], before_id: int | None, chunk_rows: int,
            reader: ThreadPoolExecutor) -> Iterator[Chunk]:
    """The first chunk (maybe empty), then every non-empty one after it, each read in ``reader`` while the one
    before is used."""
    rows = read(before_id=before_id)
    while True:
        pending = reader.submit(read, before_id=_last_id(rows)) if len(rows) == chunk_rows else None
        yield rows
        if pending is None or not (rows := pending.result()):
            return


def _last_id(rows: Chunk) -> int:
    return rows.column("id")[-1].as_py() if isinstance(rows, pa.Table) else rows[-1][0]


def _csv_piece(rows: Chunk, fields: Sequence[str]) -> bytes:
    return csv_bytes(_fit(flatten(rows, fields), fields), header=False)


def _fit(table: pa.Table, fields: Sequence[str]) -> pa.Table:
    """``table`` with exactly the display columns and ``fields`` (missing ones empty)."""
    return pa.table({name: table.column(name) if name in table.column_names else pa.nulls(table.num_rows)
                     for name in (*DISPLAY_COLUMNS, *fields)})


def _rows_table(rows: Sequence[Sequence[Any]]) -> pa.Table:
    """Driver tuples → an Arrow table of the ``SELECTED`` columns."""
    columns = zip(*rows, strict=True) if rows else [()] * len(SELECTED)
    return pa.table({name: pa.array(values, _TYPES.get(name, None if name == "inputs" else pa.string()))
                     for name, values in zip(SELECTED, columns, strict=True)})


def _typed(name: str, column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``column`` as its display type (a reader types a column holding only nulls as it likes)."""
    wanted = _TYPES.get(name, pa.string())
    return column if column.type == wanted else column.cast(wanted)
