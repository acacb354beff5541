"""Read a loan table (.xlsx or .csv, from a path, bytes or an upload) and coerce it to the schema.

CSV files may be comma, semicolon or tab separated (decimal comma allowed with semicolons), in
UTF-8 with or without BOM, or Latin-1 (Windows-1252). Headers are matched ignoring case and surrounding
spaces; extra columns are ignored with a warning. Every problem of a bad file is reported
at once in one ``DataFileError``, with spreadsheet row numbers (the header is row 1).
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from modeling.config import LEAKAGE_COLUMNS, TARGET
from modeling.schema import RAW_COLUMNS, Problem, SchemaError
from modeling.synthetic import DEFAULT_SEED, generate_loans
from modeling.validation import coerce_frame, match_columns

logger = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS = (".xlsx", ".csv")
FIRST_DATA_ROW = 2  # spreadsheet numbering: the header is row 1
_EXPECTED_TABLE = f"a table whose header row has the {len(RAW_COLUMNS)} loan columns (tipo_credito, …, Pago_atiempo)"
_NUMERIC_KINDS = frozenset({"code", "integer", "numeric", "target"})
_DECIMAL_COMMA = r"^\s*[+-]?\d*,\d+\s*$"
_ZIP_MAGIC = b"PK\x03\x04"
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class LoadedTable:
    """A loan table coerced to the schema, with what was noticed on the way and where it came from."""

    frame: pd.DataFrame
    warnings: list[str]
    source: str
    sha256: str
    rows: int


class DataFileError(SchemaError):
    """A data file that cannot be used; ``problems`` lists everything wrong with it."""


def _file_error(name: str, message: str, expected: str | None = _EXPECTED_TABLE) -> DataFileError:
    return DataFileError([Problem("file", message, expected=expected)], summary=f"{name} cannot be used")


def _read_source(source: str | Path | bytes | BinaryIO, filename: str | None) -> tuple[bytes, str]:
    """Return the file's bytes and a display name."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), filename or "<upload>"
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), filename or str(path)
        except FileNotFoundError:
            raise _file_error(str(path), "file not found", expected="an existing .xlsx or .csv file") from None
        except OSError as exc:
            raise _file_error(str(path), f"cannot be opened ({exc.strerror})") from None
    data = source.read()
    name = filename or Path(str(getattr(source, "name", "<upload>"))).name
    return (data.encode("utf-8") if isinstance(data, str) else bytes(data)), name


def _extension(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if not suffix and name.startswith("<"):  # anonymous bytes: tell a workbook from text by its content
        return ".xlsx" if data.startswith(_ZIP_MAGIC) else ".csv"
    return suffix


def _read_excel(data: bytes, name: str) -> pd.DataFrame:
    if not data.startswith(_ZIP_MAGIC):
        raise _file_error(name, "not an Excel workbook (the content is not an .xlsx file)")
    try:
        return pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise _file_error(name, f"could not be read as an Excel workbook ({type(exc).__name__}: {exc})") from None


def _decode_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:65536]:
        raise _file_error(name, "binary content, not a text table (UTF-16 files must be saved as UTF-8)")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    for encoding in ("utf-8", "cp1252", "latin-1"):  # cp1252: Latin-1 as Windows writes it (curly quotes, €)
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:65536]
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in sample)
    if controls > 0.01 * len(sample):
        raise _file_error(name, "binary content, not a text table")
    return text


def _read_csv(data: bytes, name: str) -> tuple[pd.DataFrame, str]:
    """Parse CSV text; return the frame (all values as text) and the separator found."""
    text = _decode_text(data, name)
    stripped = text.lstrip()
    if not stripped:
        raise _file_error(name, "the file is empty")
    if stripped[0] in "{[":
        raise _file_error(name, "looks like JSON, not a CSV table")
    header = stripped.splitlines()[0]
    separator = max((",", ";", "\t"), key=header.count)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str)
    except pd.errors.EmptyDataError:
        raise _file_error(name, "the file is empty") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise _file_error(name, f"malformed CSV ({str(exc).strip()})") from None
    return frame, separator


def _with_decimal_points(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn decimal commas (``1234,5``) into points in the numeric columns of a semicolon CSV."""
    frame = frame.copy()
    for spec in RAW_COLUMNS:
        if spec.kind in _NUMERIC_KINDS and spec.name in frame.columns:
            column = frame[spec.name]
            is_comma = column.str.match(_DECIMAL_COMMA, na=False)
            frame[spec.name] = column.where(~is_comma, column.str.replace(",", ".", regex=False))
    return frame


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
    data, name = _read_source(source, filename)
    extension = _extension(name, data)
    if extension not in SUPPORTED_EXTENSIONS:
        raise _file_error(name, f"unsupported file type {extension or '(no extension)'!r}",
                          expected=" or ".join(SUPPORTED_EXTENSIONS))
    if not data.strip():
        raise _file_error(name, "the file is empty (0 bytes)" if not data else "the file is empty")
    if extension == ".xlsx":
        raw, separator = _read_excel(data, name), None
    else:
        raw, separator = _read_csv(data, name)
    if raw.columns.empty:
        raise _file_error(name, "the file is empty (no header row)")

    mapping, extra = match_columns(raw.columns, RAW_COLUMNS)
    if not mapping:
        found = ", ".join(repr(str(c)) for c in list(raw.columns)[:5])
        raise _file_error(name, f"not a loan table: no known column in the header (found {found})")
    if raw.empty:
        raise _file_error(name, "the file has a header row but no data rows")
    warnings = []
    if extra:
        verb = "kept" if keep_extra else "ignored"
        warnings.append(f"{verb} {len(extra)} extra column(s): {', '.join(str(c) for c in extra)}")
        logger.warning("%s: %s", name, warnings[-1])
    table = raw[list(mapping)].rename(columns=mapping)
    if separator == ";":
        table = _with_decimal_points(table)
    if keep_extra and extra:
        table = pd.concat([table, raw[extra]], axis=1)
    return LoadedTable(table, warnings, name, hashlib.sha256(data).hexdigest(), len(table))


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
