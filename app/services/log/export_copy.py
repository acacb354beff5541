"""The Logs CSV on PostgreSQL: one ``COPY (SELECT …) TO STDOUT`` does the whole export inside the database.

The server flattens every row — display columns, the warnings as ``field: message; …``, each input field from
the ``inputs`` JSON — neutralises text a spreadsheet would run as a formula (the rule of
:mod:`app.services.csv_safety`), and writes the CSV; this process only passes the bytes on, in pieces of
``PIECE_BYTES``. The file matches :func:`app.services.log.export.stream_csv`'s: BOM, quoted header, text quoted,
empty cells for missing values, numbers in their shortest exact form.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from app.services.csv_safety import QUOTE
from app.services.log.export import BOM, DISPLAY_COLUMNS
from app.services.log.tables import predictions

PIECE_BYTES = 1 << 20
_NUMBER = r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?$"  # csv_safety's _NUMBER, POSIX classes
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TEXT = ("source", "request_id", "risk_band", "warnings", "model_version")
_WARNING_ITEMS = sa.func.json_array_elements(sa.cast(predictions.c.warnings, sa.JSON)).table_valued("value")


def copy_csv(engine: Engine, where: Sequence[Any], input_fields: Sequence[str]) -> Iterator[bytes]:
    """CSV pieces of every row matching ``where``, newest first: the BOM and the header first."""
    header = ",".join(f'"{name}"' for name in (*DISPLAY_COLUMNS, *input_fields)).encode() + b"\n"
    columns, source = _columns(input_fields)
    select = sa.select(*columns).select_from(source).where(*where).order_by(predictions.c.id.desc())
    compiled = select.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    quoted = ", ".join(f'"{name}"' for name in _TEXT)
    statement = f"COPY ({compiled.string}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE ({quoted}))"
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(statement, compiled.params) as copy:
            piece, size = [BOM + header], 0
            for block in copy:
                piece.append(bytes(block))
                size += len(block)
                if size >= PIECE_BYTES:
                    yield b"".join(piece)
                    piece, size = [], 0
            yield b"".join(piece)


def _columns(input_fields: Sequence[str]) -> tuple[list[Any], Any]:
    """``DISPLAY_COLUMNS`` then the input fields, as SQL expressions labelled with their CSV names, and what
    they select from: each row's inputs are parsed once, in a lateral subquery (``OFFSET 0`` keeps the planner
    from copying the parse into every field's expression)."""
    c = predictions.c
    joined = sa.func.string_agg(sa.func.coalesce(_WARNING_ITEMS.c.value.op("->>")("field"), "") + ": "
                                + sa.func.coalesce(_WARNING_ITEMS.c.value.op("->>")("message"), ""), "; ")
    display = {
        "id": c.id, "scored_at": _time(c.scored_at), "loan_date": _time(c.loan_date), "source": _safe(c.source),
        "request_id": _safe(c.request_id), "row": c.row, "prob_default": c.prob_default,
        "Pago_atiempo_pred": c.Pago_atiempo_pred, "risk_band": _safe(c.risk_band),
        "warnings_count": sa.func.json_array_length(sa.cast(c.warnings, sa.JSON)),
        "warnings": sa.select(_safe(joined)).scalar_subquery(),
        "latency_ms": c.latency_ms, "actual": c.actual, "model_version": _safe(c.model_version)}
    parsed = sa.select(sa.cast(c.inputs, postgresql.JSONB).label("inputs")).correlate(predictions).offset(0)
    parsed = parsed.lateral("parsed")
    columns = ([expression.label(name) for name, expression in display.items()]
               + [_input(parsed.c.inputs, name).label(name) for name in input_fields])
    return columns, predictions.join(parsed, sa.true())


def _input(inputs: Any, name: str) -> Any:
    """A number in its shortest exact form (``35``, not ``35.0``), text made safe, anything else empty."""
    value = inputs.op("->")(name)
    kind = sa.func.jsonb_typeof(value)
    return sa.case((kind == "number", sa.cast(sa.cast(value, sa.Float(53)), sa.Text)),
                   (kind == "string", _safe(inputs.op("->>")(name))),
                   (kind == "boolean", sa.cast(value, sa.Text)), else_=None)


def _safe(text: Any) -> Any:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    risky = sa.and_(sa.func.left(text, 1).in_(_TRIGGERS), text.op("!~")(_NUMBER))
    return sa.case((risky, sa.literal(QUOTE) + text), else_=text)


def _time(column: Any) -> Any:
    return sa.func.to_char(column, "YYYY-MM-DD HH24:MI:SS")
