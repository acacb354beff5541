"""What a batch job produces as it goes: the results file (appended chunk by chunk under a hidden temporary name,
published under its public name only when complete) and the running summary (counts, bands, score histogram,
the first row errors) kept in the job's row.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from app.services.batch import publish_file
from app.services.csv_safety import safe_table
from app.services.scoring import ScoredBatch

MAX_ROW_ERRORS = 100  # problems kept in the job row (every rejected row is in the results file)
UTF8_BOM = b"\xef\xbb\xbf"  # the results file opens in Excel with its accents right
FINE_BINS = 1000  # prob_default counted on [0, 1] in this many bins; the tab regroups them for its histogram


class PartialResults:
    """``.job-<id>.partial.csv`` in the predictions folder: appended chunk by chunk (UTF-8 with BOM, formulas
    neutralised), renamed to ``predicciones_batch_YYYYMMDD_HHMMSS.csv`` by :meth:`publish`."""

    def __init__(self, directory: Path, job_id: str) -> None:
        self.directory = Path(directory)
        self.path = self.directory / f".job-{job_id}.partial.csv"
        self._handle: Any = None

    def append(self, output: pd.DataFrame) -> None:
        """Append one chunk's rows (the header with the first chunk), written by Arrow's CSV writer."""
        header = self._handle is None
        if header:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("wb")
            self._handle.write(UTF8_BOM)
        table = safe_table(pa.Table.from_pandas(_arrow_ready(output), preserve_index=False))
        pacsv.write_csv(table, self._handle, write_options=pacsv.WriteOptions(include_header=header))

    def publish(self) -> str:
        """Flush to disk and give the complete file its public name; return that name."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._handle = None
        try:
            return publish_file(self.path)
        finally:
            self.path.unlink(missing_ok=True)

    def discard(self) -> None:
        """Remove the incomplete file (cancel, failure)."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None
        with contextlib.suppress(OSError):  # a full or broken folder must not hide the job's own error
            self.path.unlink(missing_ok=True)


def _arrow_ready(output: pd.DataFrame) -> pd.DataFrame:
    """Object columns as text (None stays empty) so Arrow never guesses a type from a mix of values."""
    frame = output.copy()
    for name in frame.columns[[dtype == np.dtype(object) for dtype in frame.dtypes]]:
        column = frame[name]
        frame[name] = column.where(column.isna(), column.astype(str)) if column.notna().any() else column
    return frame


class JobSummary:
    """Counts accumulated over the chunks of a job, in the shape the tab and ``GET /jobs/{id}`` show."""

    def __init__(self) -> None:
        self.received = self.scored = self.rejected = self.with_warnings = self.predicted_late = 0
        self.bands: dict[str, int] = {}
        self.fine = np.zeros(FINE_BINS, dtype=np.int64)
        self.row_errors: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.latency_ms = 0.0

    def add(self, batch: ScoredBatch, output: pd.DataFrame, first_row: int) -> None:
        """Count one chunk: ``output`` is its part of the results file, ``first_row`` its first file row."""
        self.received += batch.n_records
        self.scored += len(batch.results)
        self.rejected += len(batch.errors)
        self.with_warnings += int(output["warnings"].notna().sum())
        self.predicted_late += int((batch.results["Pago_atiempo_pred"] == 0).sum())  # "Predicciones de Riesgo"
        self.latency_ms += batch.latency_ms
        for band, count in batch.results["risk_band"].value_counts().items():
            self.bands[str(band)] = self.bands.get(str(band), 0) + int(count)
        prob = batch.results["prob_default"].to_numpy(dtype="float64")
        index = np.clip((prob * FINE_BINS).astype(np.int64), 0, FINE_BINS - 1)
        self.fine += np.bincount(index, minlength=FINE_BINS)
        for error in batch.errors:
            if len(self.row_errors) >= MAX_ROW_ERRORS:
                break
            self.row_errors.extend({**problem, "row": int(error["index"]) + first_row}
                                   for problem in error["problems"])
        del self.row_errors[MAX_ROW_ERRORS:]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary: counts, risk bands, the non-empty span of the fine histogram, notes."""
        occupied = np.flatnonzero(self.fine)
        low, high = (int(occupied[0]), int(occupied[-1]) + 1) if occupied.size else (0, 0)
        return {"received": self.received, "scored": self.scored, "rejected": self.rejected,
                "with_warnings": self.with_warnings, "predicted_late": self.predicted_late,
                "risk_bands": dict(self.bands),
                "histogram": {"bins": FINE_BINS, "first": low, "counts": self.fine[low:high].tolist()},
                "notes": list(self.notes), "latency_ms": round(self.latency_ms, 1)}


def histogram(summary: dict[str, Any], bins: int = 20) -> tuple[list[float], list[int]]:
    """Edges and counts of about ``bins`` equal bins over the scored range, from a summary's fine histogram."""
    fine = summary.get("histogram") or {}
    counts = np.asarray(fine.get("counts") or [], dtype=np.int64)
    if not counts.size:
        return [], []
    width = max(1, -(-counts.size // bins))
    padded = np.pad(counts, (0, (-counts.size) % width))
    grouped = padded.reshape(-1, width).sum(axis=1)
    step = width / int(fine["bins"])
    start = int(fine["first"]) / int(fine["bins"])
    edges = [start + i * step for i in range(grouped.size + 1)]
    return edges, grouped.tolist()
