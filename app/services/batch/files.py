"""Batch files: an uploaded CSV/XLSX → the one scoring service → a results CSV in the predictions folder.

Every input row is kept in the results file, in upload order: scored rows get ``prob_default``,
``Pago_atiempo_pred``, ``risk_band`` and ``warnings``; rejected rows get ``error`` (every problem of the row).
Files are named ``predicciones_batch_YYYYMMDD_HHMMSS.csv`` (``_2``, ``_3`` … within one second) and are
only ever resolved back from that name, inside the predictions folder. Row numbers are spreadsheet rows
(the header is row 1).
"""
from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from app.services.batch.output import batch_frame, example_rows
from app.services.csv_safety import safe_frame
from app.services.log.store import PredictionLogError
from app.services.scoring.service import ScoringService
from modeling.data.columns import TARGET
from modeling.data.reading import FIRST_DATA_ROW, DataFileError, read_table
from modeling.data.schema import COLUMNS_BY_NAME, Problem

FILE_PREFIX = "predicciones_batch_"
PREVIEW_ROWS = 200
HISTOGRAM_BINS = 20
_FILE_ID = re.compile(r"predicciones_batch_\d{8}_\d{6}(?:_\d{1,4})?\.csv")
_MAX_SUFFIX = 9999
_REQUEST_OVERHEAD = 64 * 1024  # room for the rest of the upload request besides the file
logger = logging.getLogger(__name__)


class BatchFileNotFound(LookupError):
    """A batch file id that is malformed, outside the predictions folder or not there."""


@dataclass(frozen=True)
class BatchFileInfo:
    """One saved results file."""

    file_id: str
    size_bytes: int
    modified: datetime


@dataclass(frozen=True)
class BatchOutcome:
    """What an upload produced. ``problems`` non-empty means the file was refused and nothing was scored.

    ``row_errors`` are problem dicts carrying the spreadsheet ``row``; ``preview`` is the first rows of the
    results file; ``histogram`` holds the bin edges and counts of the scored ``prob_default``.
    """

    filename: str
    problems: list[dict[str, Any]] = field(default_factory=list)
    file_id: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    row_errors: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    histogram: tuple[list[float], list[int]] = ((), ())
    threshold: float | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class BatchFiles:
    """Scores uploaded loan tables through ``scoring`` and keeps their results files in ``directory``."""

    def __init__(self, directory: str | os.PathLike[str], scoring: ScoringService, *, max_rows: int,
                 max_request_bytes: int) -> None:
        self.directory = Path(directory)
        self.scoring = scoring
        self.max_rows = max_rows
        overhead = min(_REQUEST_OVERHEAD, max_request_bytes // 8)
        self.max_file_bytes = (max_request_bytes - overhead) * 3 // 4  # uploads travel base64-encoded

    def score_upload(self, contents: str | None, filename: str | None) -> BatchOutcome:
        """Decode a browser upload (a ``data:…;base64,`` URL) and score it with :meth:`score_file`."""
        name = filename or "archivo"
        header, _, payload = (contents or "").partition(",")
        if not header.startswith("data:") or ";base64" not in header:
            return _refused(name, "not a file upload (expected base64 file contents)")
        if len(payload) * 3 // 4 > self.max_file_bytes + 3:
            return _refused(name, f"the file is larger than {self.max_file_bytes:,} bytes",
                            expected=f"at most {self.max_file_bytes / 2**20:.1f} MiB")
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            return _refused(name, "the upload is damaged (invalid base64 contents)")
        return self.score_file(data, name)

    def score_file(self, data: bytes, filename: str) -> BatchOutcome:
        """Read, check, score (source ``batch``) and save one table; never raises for bad input."""
        if len(data) > self.max_file_bytes:
            return _refused(filename, f"the file has {len(data):,} bytes", expected=f"at most {self.max_file_bytes:,}")
        try:
            table = read_table(data, filename=filename, keep_extra=True)
        except DataFileError as exc:
            return BatchOutcome(filename, problems=[p.to_dict() for p in exc.problems])
        frame = table.frame
        problems = self._file_problems(frame)
        if problems:
            return BatchOutcome(filename, problems=[p.to_dict() for p in problems])
        schema_columns = [c for c in frame.columns if c in COLUMNS_BY_NAME]
        try:
            batch = self.scoring.score_frame(frame[schema_columns], source="batch", actual=known_outcomes(frame))
        except PredictionLogError:
            logger.exception("batch %s: the prediction log refused the write", filename)
            return _refused(filename, "nothing was scored: the prediction log is unavailable; retry later",
                            field_name="prediction log")
        output, notes = batch_frame(frame, batch, first_row=FIRST_DATA_ROW)
        try:
            file_id = self._save(output)
        except OSError:
            logger.exception("batch %s: the results file could not be written", filename)
            return _refused(filename, "scored and logged, but the results file could not be written",
                            field_name="results file")
        return BatchOutcome(filename, file_id=file_id, summary=_summary(batch, output),
                            row_errors=_row_errors(batch.errors), notes=table.warnings + notes,
                            preview=output.head(PREVIEW_ROWS), histogram=_histogram(batch.results["prob_default"]),
                            threshold=self.scoring.bundle.threshold)

    def _file_problems(self, frame: pd.DataFrame) -> list[Problem]:
        """Problems that stop the whole file: required columns missing, too many rows."""
        problems = [Problem(spec.name, "missing column", expected=f"a column named {spec.name}")
                    for spec in self.scoring.validator.specs if not spec.nullable and spec.name not in frame.columns]
        if len(frame) > self.max_rows:
            problems.append(Problem("file", f"too many rows: {len(frame):,}", value=len(frame),
                                    expected=f"at most {self.max_rows:,} rows per file (MAX_BATCH_ROWS)"))
        return problems

    def template_csv(self) -> bytes:
        """A CSV template: the model's input columns and two example rows (UTF-8 with BOM, for Excel)."""
        return example_rows(self.scoring.validator.specs).to_csv(index=False).encode("utf-8-sig")

    def list_files(self, limit: int = 50) -> list[BatchFileInfo]:
        """Saved results files, newest first."""
        if not self.directory.is_dir():
            return []
        infos = []
        for path in self.directory.glob(f"{FILE_PREFIX}*.csv"):
            if _FILE_ID.fullmatch(path.name) and path.is_file():
                stat = path.stat()
                infos.append(BatchFileInfo(path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime)))
        infos.sort(key=lambda info: (info.modified, info.file_id), reverse=True)
        return infos[:limit]

    def path_for(self, file_id: Any) -> Path:
        """The results file named ``file_id``; raises ``BatchFileNotFound`` for anything else."""
        if not isinstance(file_id, str) or not _FILE_ID.fullmatch(file_id):
            raise BatchFileNotFound(f"not a batch file id: {file_id!r}")
        folder = self.directory.resolve()
        path = (folder / file_id).resolve()
        if path.parent != folder or not path.is_file():
            raise BatchFileNotFound(f"no batch file named {file_id!r}")
        return path

    def _save(self, output: pd.DataFrame) -> str:
        """Write ``output`` under a fresh name without ever exposing a partial file; return the name."""
        self.directory.mkdir(parents=True, exist_ok=True)
        staging = self.directory / f".staging-{uuid.uuid4().hex}.csv"
        try:
            safe_frame(output).to_csv(staging, index=False, encoding="utf-8-sig")  # formulas neutralised
            return publish_file(staging)
        finally:
            staging.unlink(missing_ok=True)


def publish_file(staging: Path) -> str:
    """Give the complete file ``staging`` its public name ``predicciones_batch_YYYYMMDD_HHMMSS[_n].csv`` in the same
    folder (an atomic hard link that never replaces another file); return the name. The caller removes ``staging``."""
    stem = f"{FILE_PREFIX}{datetime.now():%Y%m%d_%H%M%S}"
    for suffix in range(1, _MAX_SUFFIX + 1):
        name = f"{stem}.csv" if suffix == 1 else f"{stem}_{suffix}.csv"
        try:
            os.link(staging, staging.parent / name)  # atomic, fails if the name is taken
        except FileExistsError:
            continue
        return name
    raise OSError(f"no free file name for {stem}")


def _refused(filename: str, message: str, *, expected: str | None = None, field_name: str = "file") -> BatchOutcome:
    return BatchOutcome(filename, problems=[Problem(field_name, message, expected=expected).to_dict()])


def known_outcomes(frame: pd.DataFrame) -> pd.Series | None:
    """The uploaded ``Pago_atiempo`` where it is a clean 0/1 (logged as the real outcome), else None."""
    if TARGET not in frame.columns:
        return None
    values = pd.to_numeric(frame[TARGET], errors="coerce")
    return values.where(values.isin([0, 1])).reset_index(drop=True)


def _summary(batch: Any, output: pd.DataFrame) -> dict[str, Any]:
    summary = batch.summary
    summary["with_warnings"] = int(output["warnings"].fillna("").astype(bool).sum())
    return summary


def _row_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Problem dicts of the rejected rows, each with its spreadsheet row number."""
    return [{**problem, "row": int(error["index"]) + FIRST_DATA_ROW}
            for error in errors for problem in error["problems"]]


def _histogram(prob: pd.Series) -> tuple[list[float], list[int]]:
    if prob.empty:
        return [], []
    counts, edges = np.histogram(prob.to_numpy(dtype="float64"), bins=HISTOGRAM_BINS)
    return edges.tolist(), counts.tolist()
