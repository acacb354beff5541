"""Read an uploaded loan table from disk in chunks of rows: CSV through pandas' chunked C parser, XLSX through
openpyxl's read-only (streaming) mode. Memory holds one chunk whatever the file size.

The same file-level rules as the one-shot loader (:mod:`modeling.data.reading`): comma, semicolon or tab separated
(decimal comma with semicolons), UTF-8 with or without BOM or Latin-1; headers matched ignoring case and spaces;
extra columns kept after the schema columns. File problems raise ``DataFileError``.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from app.services.jobs.encoding import SAMPLE_BYTES, count_lines, sample_encoding
from modeling.data.coercion import match_columns
from modeling.data.file_formats import (
    DataFileError,
    check_header_width,
    check_workbook_archive,
    file_error,
    with_decimal_points,
)
from modeling.data.reading import FIRST_DATA_ROW
from modeling.data.schema import COLUMNS_BY_NAME, RAW_COLUMNS

SUPPORTED = (".csv", ".xlsx")
_ZIP_MAGIC = b"PK\x03\x04"
_NUMERIC_KINDS = ("code", "integer", "numeric", "target")


@dataclass(frozen=True)
class Chunk:
    """Consecutive rows of the file: ``frame`` (schema columns renamed, then extra columns; index 0..n-1) and the
    spreadsheet row number of its first row (the header is row 1)."""

    frame: pd.DataFrame
    first_row: int


@dataclass
class TableReader:
    """An opened table: its matched columns, an estimate of its rows, and its chunks (read once)."""

    path: Path
    name: str
    chunk_rows: int
    kind: str
    mapping: dict[object, str]
    extra: list[object]
    rows_estimate: int | None
    separator: str | None = None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)

    def chunks(self) -> Iterator[Chunk]:
        """The file's rows, ``chunk_rows`` at a time; raises ``DataFileError`` for malformed content."""
        raw_chunks = self._csv_chunks() if self.kind == ".csv" else self._xlsx_chunks()
        first = FIRST_DATA_ROW
        for raw in raw_chunks:
            frame = raw[list(self.mapping)].set_axis(list(self.mapping.values()), axis=1)
            if self.separator == ";":
                frame = with_decimal_points(frame)
            if self.extra:
                frame = pd.concat([frame, raw[self.extra]], axis=1)
            yield Chunk(frame.reset_index(drop=True), first)
            first += len(frame)

    def _csv_chunks(self) -> Iterator[pd.DataFrame]:
        try:
            yield from pd.read_csv(self.path, sep=self.separator, dtype=self._csv_dtypes(), encoding=self.encoding,
                                   chunksize=self.chunk_rows)
        except (pd.errors.ParserError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
            raise file_error(self.name, f"malformed CSV ({str(exc).strip()[:300]})") from None

    def _csv_dtypes(self) -> dict[object, type] | type:
        """Text everywhere, except numeric schema columns of a point-decimal file: the parser reads those as
        numbers (no Python object per cell); a column holding a bad value still comes back as text."""
        if self.separator == ";":
            return str
        numeric = {header for header, name in self.mapping.items() if COLUMNS_BY_NAME[name].kind in _NUMERIC_KINDS}
        return {header: str for header in [*self.mapping, *self.extra] if header not in numeric}

    def _xlsx_chunks(self) -> Iterator[pd.DataFrame]:
        from openpyxl import load_workbook

        workbook = load_workbook(self.path, read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            header = _header(next(rows, ()))
            batch: list[tuple[object, ...]] = []
            for values in rows:
                if any(v is not None for v in values):
                    batch.append(values[:len(header)])
                if len(batch) >= self.chunk_rows:
                    yield pd.DataFrame(batch, columns=header)
                    batch = []
            if batch:
                yield pd.DataFrame(batch, columns=header)
        finally:
            workbook.close()


def open_table(path: str | Path, filename: str, *, chunk_rows: int) -> TableReader:
    """Check the file's type and header and estimate its rows, reading only the start of the file."""
    path = Path(path)
    kind = Path(filename).suffix.lower()
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if kind not in SUPPORTED:
        kind = ".xlsx" if sample.startswith(_ZIP_MAGIC) else ".csv" if not Path(filename).suffix else kind
    if kind not in SUPPORTED:
        raise file_error(filename, f"unsupported file type {kind!r}", expected=" or ".join(SUPPORTED))
    if not sample.strip():
        raise file_error(filename, "the file is empty (0 bytes)" if not sample else "the file is empty")
    if kind == ".xlsx":
        header, estimate = _xlsx_header(path, filename, sample)
        separator = encoding = None
    else:
        encoding, text = sample_encoding(sample, filename)
        stripped = text.lstrip()
        if stripped[:1] in ("{", "["):
            raise file_error(filename, "looks like JSON, not a CSV table")
        first_line = stripped.splitlines()[0] if stripped else ""
        separator = max((",", ";", "\t"), key=first_line.count)
        check_header_width(first_line, separator, filename,  # before pandas parses a million columns
                           partial=len(sample) == SAMPLE_BYTES and "\n" not in stripped)
        header = list(pd.read_csv(path, sep=separator, dtype=str, encoding=encoding, nrows=0).columns)
        estimate = max(count_lines(path, encoding, filename) - 1, 0)
    mapping, extra = match_columns(header, RAW_COLUMNS)
    if not mapping:
        found = ", ".join(repr(str(c)) for c in header[:5])
        raise file_error(filename, f"not a loan table: no known column in the header (found {found})")
    warnings = [f"kept {len(extra)} extra column(s): {', '.join(str(c) for c in extra)}"] if extra else []
    return TableReader(path, filename, chunk_rows, kind, mapping, extra, estimate, separator, encoding, warnings)


def typed_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric and date columns of text converted in one vectorised call where every present value parses, so
    validation takes its fast path; a column with any bad value stays text and validation names each bad row."""
    typed = frame.copy()
    for name in frame.columns:
        spec = COLUMNS_BY_NAME.get(name)
        column = frame[name]
        if spec is None or column.dtype != object or spec.kind not in (*_NUMERIC_KINDS, "datetime"):
            continue
        if spec.kind == "datetime":
            values = pd.to_datetime(column, format="ISO8601", errors="coerce")
        else:
            values = pd.to_numeric(column, errors="coerce")
        failed = values.isna().to_numpy() & column.notna().to_numpy()
        if not failed.any() or (column[failed].str.strip() == "").all():  # blanks are missing values
            typed[name] = values
    return typed


def _xlsx_header(path: Path, name: str, sample: bytes) -> tuple[list[object], int | None]:
    if not sample.startswith(_ZIP_MAGIC):
        raise file_error(name, "not an Excel workbook (the content is not an .xlsx file)")
    from openpyxl import load_workbook

    check_workbook_archive(path, name)  # a renamed .zip, or one that would expand past the limit
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise file_error(name, f"could not be read as an Excel workbook ({type(exc).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        header = _header(next(sheet.iter_rows(values_only=True, max_row=1), ()))
        estimate = None if sheet.max_row is None else max(sheet.max_row - 1, 0)
    finally:
        workbook.close()
    if not header:
        raise file_error(name, "the file is empty (no header row)")
    return header, estimate


def _header(values: tuple[object, ...]) -> list[object]:
    """Header cells up to the last non-empty one (empty cells inside get a placeholder name)."""
    cells = list(values)
    while cells and cells[-1] is None:
        cells.pop()
    return [f"Unnamed: {i}" if c is None else c for i, c in enumerate(cells)]


__all__ = ["Chunk", "DataFileError", "TableReader", "open_table", "typed_inputs"]
