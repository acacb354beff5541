"""Uploads waiting for a go: a file stored and checked before any job exists, so its first rows and a validation
summary can be shown; :meth:`JobService.start` turns it into a job (its id becomes the job's id).

A staged upload is ``uploads/<id><suffix>`` (the file) beside ``uploads/<id>.staged.json`` (its ticket: name,
size, row estimate). A job's own upload has no ticket. Tickets older than :data:`STALE_SECONDS` are swept
with their files on the next staging.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from app.services.jobs.reader import TableReader, typed_inputs
from app.services.scoring.records import RecordValidator
from modeling.data.schema import COLUMNS_BY_NAME

TICKET_SUFFIX = ".staged.json"
STALE_SECONDS = 24 * 3600
PREVIEW_ROWS = 10  # rows shown before scoring
CHECKED_ROWS = 1_000  # rows validated before scoring
MAX_PROBLEMS = 20
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class UploadCheck:
    """What is known about a staged file before scoring: its columns, rows and the problems of its first rows."""

    upload_id: str
    filename: str
    size_bytes: int
    rows: int | None  # estimated data rows (exact for CSV)
    found: list[str]  # schema columns present
    missing: list[str]  # required columns absent: the file cannot be scored
    extra: list[str]  # columns kept in the results but not used by the model
    notes: list[str]
    rows_checked: int
    rows_with_problems: int
    problems: list[dict[str, Any]] = field(default_factory=list)  # the first ones, with file row numbers
    preview: list[dict[str, Any]] = field(default_factory=list)  # the first rows as uploaded (JSON-safe)

    @property
    def ready(self) -> bool:
        """Whether a job can start (every required column is there)."""
        return not self.missing

    def to_dict(self) -> dict[str, Any]:
        """Strict-JSON form: no NaN or Infinity anywhere (see :func:`json_value`)."""
        return json_value({**{name: getattr(self, name) for name in self.__dataclass_fields__},
                           "ready": self.ready})


def json_value(value: Any) -> Any:
    """``value`` with every number strict JSON can hold: NaN (a missing cell) becomes None, ±Infinity the text
    ``"inf"`` / ``"-inf"`` (what was found), NumPy scalars Python ones; dicts and lists are walked."""
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value if value is not pd.NaT else None


def valid_upload_id(upload_id: object) -> bool:
    return isinstance(upload_id, str) and bool(_UPLOAD_ID.match(upload_id))


def check_upload(reader: TableReader, validator: RecordValidator, upload_id: str, size_bytes: int) -> UploadCheck:
    """Validate the first :data:`CHECKED_ROWS` rows of ``reader``'s file (nothing is scored or logged)."""
    found = list(reader.mapping.values())
    missing = [s.name for s in validator.specs if not s.nullable and s.name not in found]
    chunks = dataclasses.replace(reader, chunk_rows=CHECKED_ROWS).chunks()  # header and row count already known
    try:
        chunk = next(chunks, None)
    finally:
        chunks.close()  # closes the file (CSV parser or workbook) at once
    problems: list[dict[str, Any]] = []
    checked = with_problems = 0
    preview: list[dict[str, Any]] = []
    if chunk is not None:
        frame = chunk.frame
        checked = len(frame)
        preview = _json_rows(frame.head(PREVIEW_ROWS))
        if not missing:
            schema_columns = [c for c in frame.columns if c in COLUMNS_BY_NAME]
            errors = validator.validate_frame(typed_inputs(frame[schema_columns])).errors
            with_problems = len(errors)
            for position, row_problems in errors.items():
                problems.extend(_problem_dict(p.to_dict(), position + chunk.first_row) for p in row_problems)
                if len(problems) >= MAX_PROBLEMS:
                    break
    return UploadCheck(upload_id, reader.name, size_bytes, reader.rows_estimate, found, missing,
                       [str(c) for c in reader.extra], list(reader.warnings), checked, with_problems,
                       problems[:MAX_PROBLEMS], preview)


def _problem_dict(problem: dict[str, Any], row: int) -> dict[str, Any]:
    """A problem at a file row; a missing cell's value (NaN) is left out, as in the jobs API's errors."""
    problem = {**json_value(problem), "row": row}
    return {key: item for key, item in problem.items() if item is not None}


def _json_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    frame = frame.copy()
    for column in frame.columns[[pd.api.types.is_datetime64_any_dtype(t) for t in frame.dtypes]]:
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame.columns = [str(c) for c in frame.columns]
    values = frame.astype(object).where(frame.notna(), None)
    return [json_value(row) for row in values.to_dict(orient="records")]


def write_ticket(upload_dir: Path, upload_id: str, *, filename: str, path: Path, size_bytes: int,
                 rows: int | None) -> None:
    """Record a staged upload (written last: a ticket always has its file)."""
    ticket = {"filename": filename, "path": str(path), "size_bytes": size_bytes, "rows": rows}
    (upload_dir / f"{upload_id}{TICKET_SUFFIX}").write_text(json.dumps(ticket), encoding="utf-8")


def take_ticket(upload_dir: Path, upload_id: str) -> dict[str, Any] | None:
    """The staged upload's ticket, removed (one start per upload); None when unknown, taken or swept."""
    if not valid_upload_id(upload_id):
        return None
    taken = upload_dir / f"{upload_id}.{uuid.uuid4().hex}.taken"
    try:
        (upload_dir / f"{upload_id}{TICKET_SUFFIX}").rename(taken)  # atomic: one taker wins
        ticket = json.loads(taken.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    finally:
        taken.unlink(missing_ok=True)
    return ticket if Path(ticket.get("path", "")).is_file() else None


def sweep(upload_dir: Path, now: float | None = None) -> None:
    """Remove staged uploads never started within :data:`STALE_SECONDS` (their file and ticket)."""
    cutoff = (time.time() if now is None else now) - STALE_SECONDS
    for ticket in upload_dir.glob(f"*{TICKET_SUFFIX}"):
        with contextlib.suppress(OSError, ValueError):
            if ticket.stat().st_mtime < cutoff:
                Path(json.loads(ticket.read_text(encoding="utf-8"))["path"]).unlink(missing_ok=True)
                ticket.unlink(missing_ok=True)
