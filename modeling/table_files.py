"""Turn a file's bytes into a raw table of text values: source reading, format sniffing, CSV/XLSX parsing.

Every failure is a ``DataFileError`` naming what is wrong with the file as a whole; value-level checks
happen later, in :mod:`modeling.loader`.
"""
from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from modeling.schema import RAW_COLUMNS, Problem, SchemaError

EXPECTED_TABLE = f"a table whose header row has the {len(RAW_COLUMNS)} loan columns (tipo_credito, …, Pago_atiempo)"
_NUMERIC_KINDS = frozenset({"code", "integer", "numeric", "target"})
_DECIMAL_COMMA = r"^\s*[+-]?\d*,\d+\s*$"
_ZIP_MAGIC = b"PK\x03\x04"
_UTF8_BOM = b"\xef\xbb\xbf"


class DataFileError(SchemaError):
    """A data file that cannot be used; ``problems`` lists everything wrong with it."""


def file_error(name: str, message: str, expected: str | None = EXPECTED_TABLE) -> DataFileError:
    """One file-level problem as a ``DataFileError``."""
    return DataFileError([Problem("file", message, expected=expected)], summary=f"{name} cannot be used")


def read_source(source: str | Path | bytes | BinaryIO, filename: str | None) -> tuple[bytes, str]:
    """Return the file's bytes and a display name."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), filename or "<upload>"
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), filename or str(path)
        except FileNotFoundError:
            raise file_error(str(path), "file not found", expected="an existing .xlsx or .csv file") from None
        except OSError as exc:
            raise file_error(str(path), f"cannot be opened ({exc.strerror})") from None
    data = source.read()
    name = filename or Path(str(getattr(source, "name", "<upload>"))).name
    return (data.encode("utf-8") if isinstance(data, str) else bytes(data)), name


def file_extension(name: str, data: bytes) -> str:
    """Lower-case extension; anonymous uploads are told apart by their content."""
    suffix = Path(name).suffix.lower()
    if not suffix and name.startswith("<"):  # anonymous bytes: tell a workbook from text by its content
        return ".xlsx" if data.startswith(_ZIP_MAGIC) else ".csv"
    return suffix


def read_excel_bytes(data: bytes, name: str) -> pd.DataFrame:
    """The first sheet of an .xlsx workbook."""
    if not data.startswith(_ZIP_MAGIC):
        raise file_error(name, "not an Excel workbook (the content is not an .xlsx file)")
    try:
        return pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise file_error(name, f"could not be read as an Excel workbook ({type(exc).__name__}: {exc})") from None


def _decode_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:65536]:
        raise file_error(name, "binary content, not a text table (UTF-16 files must be saved as UTF-8)")
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
        raise file_error(name, "binary content, not a text table")
    return text


def read_csv_bytes(data: bytes, name: str) -> tuple[pd.DataFrame, str]:
    """Parse CSV text; return the frame (all values as text) and the separator found."""
    text = _decode_text(data, name)
    stripped = text.lstrip()
    if not stripped:
        raise file_error(name, "the file is empty")
    if stripped[0] in "{[":
        raise file_error(name, "looks like JSON, not a CSV table")
    header = stripped.splitlines()[0]
    separator = max((",", ";", "\t"), key=header.count)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str)
    except pd.errors.EmptyDataError:
        raise file_error(name, "the file is empty") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise file_error(name, f"malformed CSV ({str(exc).strip()})") from None
    return frame, separator


def with_decimal_points(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn decimal commas (``1234,5``) into points in the numeric columns of a semicolon CSV."""
    frame = frame.copy()
    for spec in RAW_COLUMNS:
        if spec.kind in _NUMERIC_KINDS and spec.name in frame.columns:
            column = frame[spec.name]
            is_comma = column.str.match(_DECIMAL_COMMA, na=False)
            frame[spec.name] = column.where(~is_comma, column.str.replace(",", ".", regex=False))
    return frame
