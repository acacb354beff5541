"""Log rows flattened for display and export: Arrow tables built column-wise, CSV written by Arrow.

A flattened row holds ``DISPLAY_COLUMNS`` (the log's own columns, the number and text of its warnings) and then
one column per logged input field (``fecha_prestamo`` is shown as ``loan_date``). The inputs' JSON is parsed by
``pyarrow.json`` in one call per chunk; only rows that carry warnings are decoded one by one (orjson).
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import sqlalchemy as sa

from app.services.csv_safety import safe_table
from app.services.log.tables import predictions
from modeling.data.columns import DATE_COLUMN

DISPLAY_COLUMNS = ("id", "scored_at", "loan_date", "source", "request_id", "row", "prob_default",
                   "Pago_atiempo_pred", "risk_band", "warnings_count", "warnings", "latency_ms", "actual",
                   "model_version")
SELECTED = ("id", "scored_at", "loan_date", "source", "request_id", "row", "prob_default", "Pago_atiempo_pred",
            "risk_band", "warnings", "latency_ms", "actual", "model_version", "inputs")
BOM = "\ufeff".encode()
_TIMES = ("scored_at", "loan_date")
_TIME_TEXT = {"postgresql": lambda column: sa.func.to_char(column, "YYYY-MM-DD HH24:MI:SS")}
_TYPES = {"id": pa.int64(), "row": pa.int64(),
          "prob_default": pa.float64(), "Pago_atiempo_pred": pa.int64(), "latency_ms": pa.float64(),
          "actual": pa.int64()}
_JSON_OPTIONS = pa_json.ReadOptions(block_size=1 << 20, use_threads=True)
_CSV_OPTIONS = {True: pa_csv.WriteOptions(include_header=True), False: pa_csv.WriteOptions(include_header=False)}


def selected(dialect: str) -> list[Any]:
    """The ``SELECTED`` columns for a ``select``; times already as ``YYYY-MM-DD HH:MM:SS`` text."""
    as_text = _TIME_TEXT.get(dialect, lambda column: sa.func.substr(column, 1, 19))  # SQLite stores ISO text
    return [as_text(predictions.c[name]).label(name) if name in _TIMES else predictions.c[name] for name in SELECTED]


def flatten(rows: Sequence[Sequence[Any]], input_fields: Sequence[str] | None = None) -> pa.Table:
    """Rows of :func:`selected` columns → one table: ``DISPLAY_COLUMNS`` then the inputs.

    ``input_fields`` fixes the input columns and their order (missing ones come out empty, others are left
    out); ``None`` takes every field found in these rows, in their order.
    """
    columns = dict(zip(SELECTED, zip(*rows, strict=True), strict=True)) if rows else dict.fromkeys(SELECTED, ())
    counts, texts = _warnings(columns["warnings"])
    display = {name: _array(name, columns[name]) for name in DISPLAY_COLUMNS if name in columns and name != "warnings"}
    display.update(warnings_count=pa.array(counts, pa.int64()), warnings=pa.array(texts, pa.string()))
    inputs = _inputs(columns["inputs"])
    fields = [f for f in (inputs.column_names if input_fields is None else input_fields)
              if f != DATE_COLUMN and f not in DISPLAY_COLUMNS]
    n = len(rows)
    table = {name: display[name] for name in DISPLAY_COLUMNS}
    table.update({f: inputs.column(f) if f in inputs.column_names else pa.nulls(n) for f in fields})
    return pa.table(table)


def stream_csv(read: Callable[..., list[tuple[Any, ...]]], before_id: int | None, chunk_rows: int,
               input_fields: Sequence[str] | None) -> Iterator[bytes]:
    """CSV pieces of every row ``read(before_id=…)`` returns, chunk after chunk newest first (each chunk below the
    last one's oldest id), until a chunk is short: the BOM and the header with the first. The next chunk is read
    in a thread while this one is written. Input columns: ``input_fields``, else those of the first chunk."""
    fields = input_fields
    with ThreadPoolExecutor(max_workers=1) as reader:
        rows = reader.submit(read, before_id=before_id).result()
        header = True
        while True:
            pending = reader.submit(read, before_id=rows[-1][0]) if len(rows) == chunk_rows else None
            table = flatten(rows, fields)
            if fields is None:
                fields = tuple(table.column_names[len(DISPLAY_COLUMNS):])
            if header or rows:
                yield (BOM if header else b"") + csv_bytes(_fit(table, fields), header=header)
            if pending is None:
                return
            rows, header = pending.result(), False


def csv_bytes(table: pa.Table, *, header: bool) -> bytes:
    """``table`` as CSV (UTF-8, header line only when ``header``; text quoted, empty cells for missing values;
    text a spreadsheet would run as a formula starts with an apostrophe)."""
    sink = io.BytesIO()
    pa_csv.write_csv(safe_table(table), sink, _CSV_OPTIONS[header])
    return sink.getvalue()


def _fit(table: pa.Table, fields: Sequence[str]) -> pa.Table:
    """``table`` with exactly the display columns and ``fields`` (missing ones empty)."""
    return pa.table({name: table.column(name) if name in table.column_names else pa.nulls(table.num_rows)
                     for name in (*DISPLAY_COLUMNS, *fields)})


def records(table: pa.Table) -> list[dict[str, Any]]:
    """The table as JSON-safe dicts for a grid."""
    return table.to_pylist()


def _array(name: str, values: Sequence[Any]) -> pa.Array:
    return pa.array(values, _TYPES.get(name, pa.string()))


def _warnings(texts: Sequence[str]) -> tuple[list[int], list[str | None]]:
    """Per row: how many warnings, and ``field: message; …`` (None when there are none)."""
    counts: list[int] = []
    joined: list[str | None] = []
    for text in texts:
        if text == "[]":
            counts.append(0)
            joined.append(None)
            continue
        items = orjson.loads(text)
        counts.append(len(items))
        joined.append("; ".join(f"{w.get('field', '')}: {w.get('message', '')}" for w in items) or None)
    return counts, joined


def _inputs(texts: Sequence[str]) -> pa.Table:
    """The logged inputs' JSON objects as one table (parsed in parallel blocks; types unified over the chunk)."""
    if not texts:
        return pa.table({})
    data = "\n".join(texts).encode()
    try:
        return pa_json.read_json(io.BytesIO(data), read_options=_JSON_OPTIONS)
    except pa.ArrowInvalid:  # a field holding numbers in some rows and text in others (older schemas)
        return _mixed_inputs(texts)


def _mixed_inputs(texts: Sequence[str]) -> pa.Table:
    """Row-by-row parse; a field whose values do not share one type is kept as text."""
    objects = [orjson.loads(text) for text in texts]
    fields = list(dict.fromkeys(key for item in objects for key in item))
    columns = {}
    for name in fields:
        values = [item.get(name) for item in objects]
        try:
            columns[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[name] = pa.array([None if v is None else str(v) for v in values], pa.string())
    return pa.table(columns)
