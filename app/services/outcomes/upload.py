"""An outcomes file from the dashboard (CSV or XLSX with columns ``request_id``, ``row`` (optional),
``Pago_atiempo``) turned into the items of an outcomes call; the file's rows keep their order, so an item's index
+ 2 is its spreadsheet row (the header is row 1). Headers match ignoring case and surrounding spaces; values that
are not whole numbers are passed on as found, so the item checks name them.

A batch results file can be sent back as it is, with a ``Pago_atiempo`` column added: without a ``row`` column,
its ``fila`` column is the row (a batch job logs each record under the input file's spreadsheet row)."""
from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from modeling.data.columns import TARGET
from modeling.data.file_formats import DataFileError, file_extension, read_csv_bytes, read_excel_bytes

COLUMNS = ("request_id", "row", TARGET)
FIRST_DATA_ROW = 2
RESULTS_ROW = "fila"  # the row column of batch results files: the row a batch job logged each record under


@dataclass(frozen=True)
class OutcomeFile:
    """The items read from a file, or the file-level problems that stopped reading it."""

    filename: str
    items: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_outcome_upload(contents: str | None, filename: str | None, max_bytes: int,
                        max_rows: int | None = None) -> OutcomeFile:
    """Decode a browser upload (``data:…;base64,…``) and read it with :func:`read_outcome_file` (at most
    ``max_rows`` data rows, as ``POST /outcomes`` takes at most MAX_BATCH_ROWS items)."""
    name = filename or "archivo"
    header, _, payload = (contents or "").partition(",")
    if not header.startswith("data:") or ";base64" not in header:
        return OutcomeFile(name, problems=["not a file upload (expected base64 file contents)"])
    if len(payload) * 3 // 4 > max_bytes + 3:
        return OutcomeFile(name, problems=[f"the file is larger than {max_bytes:,} bytes"])
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return OutcomeFile(name, problems=["the upload is damaged (invalid base64 contents)"])
    read = read_outcome_file(data, name)
    if max_rows is not None and len(read.items) > max_rows:
        return OutcomeFile(name, problems=[f"the file has {len(read.items):,} rows; at most {max_rows:,} per upload "
                                           "(MAX_BATCH_ROWS): split it"])
    return read


def read_outcome_file(data: bytes, name: str) -> OutcomeFile:
    """The items of a CSV or XLSX outcomes table."""
    try:
        extension = file_extension(name, data)
        if extension not in (".csv", ".xlsx"):
            return OutcomeFile(name, problems=[f"unsupported file type {extension or '(none)'!r}: expected "
                                               ".csv or .xlsx"])
        frame = read_excel_bytes(data, name) if extension == ".xlsx" else read_csv_bytes(data, name)[0]
    except DataFileError as error:
        return OutcomeFile(name, problems=[p.message for p in error.problems])
    found = {str(column).strip().lower(): column for column in frame.columns}
    missing = [c for c in COLUMNS if c != "row" and c.lower() not in found]
    if missing:
        return OutcomeFile(name, problems=[f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)} "
                                           f"(found {', '.join(map(str, frame.columns))})"])
    if frame.empty:
        return OutcomeFile(name, problems=["the file has a header row but no data rows"])
    columns = {c: frame[found[c.lower()]].tolist() if c.lower() in found else [None] * len(frame) for c in COLUMNS}
    if "row" not in found and RESULTS_ROW in found:  # a batch results file: its spreadsheet row numbers
        columns["row"] = frame[found[RESULTS_ROW]].tolist()
    items = [{"request_id": _text(r), "row": _whole(n), TARGET: _whole(v)}
             for r, n, v in zip(columns["request_id"], columns["row"], columns[TARGET], strict=True)]
    return OutcomeFile(name, items=items)


def _text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip()


def _whole(value: Any) -> Any:
    """An int for whole numbers (``1``, ``1.0``, ``" 1 "``), None for empty cells, else the value as found."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str)
                                                                              and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return value
    return int(number) if number.is_integer() else value


def report_rows(report_results: list[dict[str, Any]]) -> pd.DataFrame:
    """The per-item results as a table with the spreadsheet row of each item (``fila``)."""
    frame = pd.DataFrame(report_results)
    if frame.empty:
        return frame
    frame.insert(0, "fila", frame["index"] + FIRST_DATA_ROW)
    return frame.drop(columns=["index"])
