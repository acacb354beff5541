"""Read a loan table (.xlsx or .csv, from a path, bytes or an upload) and coerce it to the schema.

CSV files may be comma, semicolon or tab separated (decimal comma allowed with semicolons), in
UTF-8 with or without BOM, or Latin-1 (Windows-1252). Headers are matched ignoring case and surrounding
spaces; extra columns are ignored with a warning. Every problem of a bad file is reported
at once in one ``DataFileError``, with spreadsheet row numbers (the header is row 1).
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from modeling.data.coercion import coerce_frame, match_columns
from modeling.data.columns import LEAKAGE_COLUMNS, TARGET
from modeling.data.file_formats import (
    DataFileError,
    file_error,
    file_extension,
    read_csv_bytes,
    read_excel_bytes,
    read_source,
    with_decimal_points,
)
from modeling.data.log_export import is_log_export, labelled_rows, with_schema_names
from modeling.data.schema import RAW_COLUMNS
from modeling.synthetic import DEFAULT_SEED, generate_loans

logger = logging.getLogger(__name__)
__all__ = ["FIRST_DATA_ROW", "DataFileError", "LoadedTable", "load_table", "load_training_data", "read_table"]

SUPPORTED_EXTENSIONS = (".xlsx", ".csv")
FIRST_DATA_ROW = 2  # spreadsheet numbering: the header is row 1


@dataclass(frozen=True)
class LoadedTable:
    """A loan table coerced to the schema, with what was noticed on the way and where it came from."""

    frame: pd.DataFrame
    warnings: list[str]
    source: str
    sha256: str
    rows: int
    log_export: bool = False  # the dashboard's Logs export (loan_date / actual read as the schema's names)


def _coerce(raw: pd.DataFrame, name: str, *, require_target: bool) -> pd.DataFrame:
    optional = set(LEAKAGE_COLUMNS) | (set() if require_target else {TARGET})
    result = coerce_frame(raw, RAW_COLUMNS, optional=optional, row_offset=FIRST_DATA_ROW)
    if result.problems:
        raise DataFileError(result.problems, summary=f"{name} cannot be used")
    return result.frame


def read_table(source: str | Path | bytes | BinaryIO, *, filename: str | None = None,
               keep_extra: bool = False) -> LoadedTable:
    """Read a loan table and match its headers to the schema, without converting any value.

    Every file-level check of :func:`load_table` applies (type, emptiness, header); value problems
    are left to the caller, so a scorer can reject bad rows one by one and keep the good ones.

    Parameters
    ----------
    source, filename
        As for :func:`load_table`.
    keep_extra
        Keep the columns that are not in the schema (after the schema columns) instead of dropping them.

    Returns
    -------
    LoadedTable
        The frame has the schema columns present, renamed to their schema names, with the values as read
        (text for CSV files; decimal commas of semicolon files already turned into points).

    Raises
    ------
    DataFileError
        For an unsupported extension, an empty or header-only file, content that is not a table, or a
        header without any known column.
    """
    data, name = read_source(source, filename)
    extension = file_extension(name, data)
    if extension not in SUPPORTED_EXTENSIONS:
        raise file_error(name, f"unsupported file type {extension or '(no extension)'!r}",
                          expected=" or ".join(SUPPORTED_EXTENSIONS))
    if not data.strip():
        raise file_error(name, "the file is empty (0 bytes)" if not data else "the file is empty")
    if extension == ".xlsx":
        raw, separator = read_excel_bytes(data, name), None
    else:
        raw, separator = read_csv_bytes(data, name)
    if raw.columns.empty:
        raise file_error(name, "the file is empty (no header row)")
    log_export = is_log_export(raw.columns)
    if log_export:
        raw = with_schema_names(raw)

    mapping, extra = match_columns(raw.columns, RAW_COLUMNS)
    if not mapping:
        found = ", ".join(repr(str(c)) for c in list(raw.columns)[:5])
        raise file_error(name, f"not a loan table: no known column in the header (found {found})")
    if raw.empty:
        raise file_error(name, "the file has a header row but no data rows")
    warnings = []
    if extra:
        verb = "kept" if keep_extra else "ignored"
        warnings.append(f"{verb} {len(extra)} extra column(s): {', '.join(str(c) for c in extra)}")
        logger.warning("%s: %s", name, warnings[-1])
    table = raw[list(mapping)].rename(columns=mapping)
    if separator == ";":
        table = with_decimal_points(table)
    if keep_extra and extra:
        table = pd.concat([table, raw[extra]], axis=1)
    return LoadedTable(table, warnings, name, hashlib.sha256(data).hexdigest(), len(table), log_export)


def load_table(source: str | Path | bytes | BinaryIO, *, filename: str | None = None,
               require_target: bool = True) -> LoadedTable:
    """Load a loan table from an .xlsx or .csv file and coerce it to the declared schema.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object (dashboard uploads).
    filename
        Name used for messages and to pick the format by extension (needed for bytes uploads;
        without it, a zip-based workbook is read as .xlsx and anything else as CSV).
    require_target
        Whether ``Pago_atiempo`` must be present (training) or may be absent (scoring).

    Returns
    -------
    LoadedTable
        The coerced frame (the schema columns present, in file order), the warnings, the
        source name, the sha256 of the file bytes and the row count.

    Raises
    ------
    DataFileError
        Listing every problem: missing columns, unparseable values (column, row, value),
        an empty or header-only file, content that is not a table, an unsupported extension.
    """
    table = read_table(source, filename=filename)
    if require_target and table.log_export and TARGET in table.frame.columns:
        kept, left_out = labelled_rows(table.frame)  # training from the log: only loans whose outcome is known
        if left_out:
            table.warnings.append(f"left out {left_out} logged row(s) without an outcome (actual)")
        table = dataclasses.replace(table, frame=kept)
    frame = _coerce(table.frame, table.source, require_target=require_target)
    return dataclasses.replace(table, frame=frame, rows=len(frame))


def load_training_data(path: str | Path | None = None, *, seed: int = DEFAULT_SEED) -> LoadedTable:
    """Load the training table: the file at ``path``, or the built-in synthetic dataset when None.

    The synthetic frame is coerced exactly like a file; its ``sha256`` is that of a canonical
    CSV serialisation and its ``source`` reads ``builtin:synthetic?seed=<seed>&rows=<rows>``.
    """
    if path is not None:
        return load_table(path)
    generated = generate_loans(seed=seed)
    source = f"builtin:synthetic?seed={seed}&rows={len(generated)}"
    canonical = generated.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%dT%H:%M:%S")
    frame = _coerce(generated, source, require_target=True)
    return LoadedTable(frame, [], source, hashlib.sha256(canonical.encode("utf-8")).hexdigest(), len(frame))
