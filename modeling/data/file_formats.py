"""Turn a file's bytes into a raw table of text values: source reading, format sniffing, CSV/XLSX parsing.

Every failure is a ``DataFileError`` naming what is wrong with the file as a whole; value-level checks
happen later, in :mod:`modeling.data.reading`.
"""
from __future__ import annotations

import io
import logging
import unicodedata
import zipfile
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from modeling.data.schema import RAW_COLUMNS, Problem, SchemaError

EXPECTED_TABLE = f"a table whose header row has the {len(RAW_COLUMNS)} loan columns (tipo_credito, …, Pago_atiempo)"
_NUMERIC_KINDS = frozenset({"code", "integer", "numeric", "target"})
_DECIMAL_COMMA = r"^\s*[+-]?\d*,\d+\s*$"
_ZIP_MAGIC = b"PK\x03\x04"
_UTF8_BOM = b"\xef\xbb\xbf"
MAX_COLUMNS = 1_000  # header columns of a CSV: the loan columns plus extras; pandas takes minutes on a million
MAX_UNPACKED_BYTES = 1 << 30  # what an .xlsx may expand to (a small ZIP can declare gigabytes of XML)
logger = logging.getLogger(__name__)


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
    check_workbook_archive(data, name)
    try:
        return pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl")
    except Exception:  # openpyxl raises many types for damaged workbooks
        logger.warning("%s: the workbook could not be read", name, exc_info=True)
        raise file_error(name, "the Excel workbook is damaged and could not be read") from None


def check_workbook_archive(source: bytes | Path, name: str) -> None:
    """Refuse a ZIP that is not a workbook (e.g. a renamed .zip) or that would expand past MAX_UNPACKED_BYTES."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise file_error(name, "the Excel workbook is damaged (not a readable ZIP archive)") from None
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise file_error(name, "a ZIP archive without an Excel workbook inside (a renamed .zip file?)")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise file_error(name, f"the workbook expands to {unpacked / 2**20:,.0f} MiB",
                         expected=f"at most {MAX_UNPACKED_BYTES / 2**20:,.0f} MiB once unpacked")


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
            if encoding == "utf-8":
                check_single_encoding(data, name)
            continue
    sample = text[:65536]
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in sample)
    if controls > 0.01 * len(sample):
        raise file_error(name, "binary content, not a text table")
    return text


def check_single_encoding(data: bytes, name: str) -> None:
    """Refuse a file that is not UTF-8 as a whole but has UTF-8 lines: decoding it all as Latin-1 would turn
    those lines' accents into mojibake silently."""
    utf8_line = other_line = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            other_line = other_line or number
        if utf8_line and other_line:
            raise file_error(name, f"mixed text encodings: line {utf8_line} is UTF-8, line {other_line} is not",
                             expected="one encoding for the whole file (save it as UTF-8)")


def check_header_width(header: str, separator: str, name: str, *, partial: bool = False) -> None:
    """Refuse a CSV header line of more than MAX_COLUMNS columns before pandas parses it (a million columns take
    it minutes). ``partial``: ``header`` is only the start of the line."""
    if header.count(separator) >= MAX_COLUMNS:
        count = f"{'at least ' if partial else ''}{header.count(separator) + 1:,}"
        raise file_error(name, f"the header row has {count} columns",
                         expected=f"at most {MAX_COLUMNS:,} columns (the {len(RAW_COLUMNS)} loan columns and extras)")


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
    check_header_width(header, separator, name)
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
