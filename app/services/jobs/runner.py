"""Run one batch job in the current process: claim it, read its file chunk by chunk, score each chunk through the
one scoring service, log it (rows + profiles, one transaction per chunk, under request id = job id and row = file
row), append its results, record progress; publish the results file only when every row is in it.

Re-running a job never logs a row twice: a chunk whose rows are already logged (a previous attempt) is scored
again for the results file but not written to the log. Used alike by the local process pool and Celery workers.
"""
from __future__ import annotations

import logging
import os
import socket
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from app.config import Settings
from app.services.batch import known_outcomes
from app.services.batch.output import batch_frame
from app.services.jobs.reader import Chunk, DataFileError, open_table, typed_inputs
from app.services.jobs.results import JobSummary, PartialResults
from app.services.jobs.store import Job, JobStore
from app.services.log import PredictionLog, PredictionLogError
from app.services.log.tables import predictions
from app.services.scoring import ScoredBatch, ScoringService
from app.services.scoring.service import LogWrite
from modeling.data.reading import FIRST_DATA_ROW
from modeling.data.schema import COLUMNS_BY_NAME

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    """What a job process needs, built once per process."""

    scoring: ScoringService
    store: JobStore
    predictions_dir: Path
    chunk_rows: int


_CONTEXTS: dict[Settings, JobContext] = {}


def context_for(settings: Settings) -> JobContext:
    """This process's job context for ``settings`` (log opened on first use; the bundle LATEST names now and the
    challenger's shadow hook: :func:`app.services.models.jobs.job_scoring`)."""
    from app.services.models.jobs import job_scoring

    if settings not in _CONTEXTS:
        log = PredictionLog.from_url(settings.log_database_url)
        _CONTEXTS[settings] = JobContext(job_scoring(settings, log, None),
                                         JobStore(log.engine, stale_seconds=settings.job_stale_seconds),
                                         settings.predictions_dir, settings.job_chunk_rows)
    context = _CONTEXTS[settings]
    scoring = job_scoring(settings, context.scoring.log, context.scoring)  # a promotion reaches the next job
    if scoring is not context.scoring:
        context = _CONTEXTS[settings] = replace(context, scoring=scoring)
    return context


def run_job(job_id: str, context: JobContext) -> str | None:
    """Run the job if it is queued; return its final state (None when this process did not claim it)."""
    store = context.store
    job = store.start(job_id, f"{socket.gethostname()}:{os.getpid()}", context.scoring.model_version)
    if job is None:
        return None
    results = PartialResults(context.predictions_dir, job_id)
    summary = JobSummary()
    try:
        state = _run(job, context, results, summary)
    except DataFileError as exc:
        state, error = "failed", "the file cannot be used: " + "; ".join(_problem_text(p) for p in exc.problems)
    except PredictionLogError:
        logger.exception("job %s: the prediction log refused a write", job_id)
        state, error = "failed", "the prediction log is unavailable; the rows done so far are logged, retry later"
    except OSError as exc:
        logger.exception("job %s: the results file could not be written", job_id)
        state, error = "failed", (f"the results file could not be written in the predictions folder "
                                  f"({exc.strerror or type(exc).__name__}): is the disk full or the folder "
                                  "read-only?")
    except Exception:
        logger.exception("job %s failed", job_id)
        state, error = "failed", "unexpected error while running the job; it has been logged"
    else:
        error = None
    if state != "done":
        results.discard()
        values = _counts(summary)
        if error:
            done = store.get(job_id)
            error += f" (after {done.rows_done if done else summary.received:,} rows)"
        store.finish(job_id, state, error=error, **values)
    if state in ("done", "cancelled"):
        Path(job.upload_path).unlink(missing_ok=True)
    return state


def _run(job: Job, context: JobContext, results: PartialResults, summary: JobSummary) -> str:
    """Score chunk k+1 while one thread logs chunk k and another appends its results (the work that releases the
    GIL — SQLite, Arrow's CSV writer, the model — overlaps; at most two chunks in memory). Returns the final
    state."""
    reader = open_table(job.upload_path, job.filename, chunk_rows=context.chunk_rows)
    scoring = context.scoring
    missing = [s.name for s in scoring.validator.specs if not s.nullable and s.name not in reader.mapping.values()]
    if missing:
        raise _missing_columns(job.filename, missing)
    summary.notes.extend(reader.warnings)
    context.store.progress(job.id, rows_total=reader.rows_estimate)
    prefix = f"job-{job.id[:8]}"
    with ThreadPoolExecutor(1, thread_name_prefix=f"{prefix}-log") as log_thread, \
            ThreadPoolExecutor(1, thread_name_prefix=f"{prefix}-file") as file_thread:
        pending: tuple[Future[None], Future[None]] | None = None
        for chunk in reader.chunks():
            schema_columns = [c for c in chunk.frame.columns if c in COLUMNS_BY_NAME]
            batch, write = scoring.prepare(typed_inputs(chunk.frame[schema_columns]), source="batch",
                                           request_id=job.id, actual=known_outcomes(chunk.frame),
                                           row_offset=chunk.first_row)
            if pending is not None and _settle(job.id, pending, context, summary):
                return "cancelled"
            pending = (log_thread.submit(_log_chunk, job.id, chunk, write, scoring),
                       file_thread.submit(_write_chunk, chunk, batch, results, summary, write.profiled.scored_at))
        if pending is not None and _settle(job.id, pending, context, summary):
            return "cancelled"
    if summary.received == 0:
        raise _no_rows(job.filename)
    name = results.publish()
    context.store.finish(job.id, "done", result_file=name, rows_total=summary.received, **_counts(summary))
    return "done"


def _settle(job_id: str, pending: tuple[Future[None], Future[None]], context: JobContext,
            summary: JobSummary) -> bool:
    """Wait for a chunk to be logged and written (raising their errors), record progress; True if cancelled."""
    for future in pending:
        future.result()
    return context.store.progress(job_id, **_counts(summary))


def _log_chunk(job_id: str, chunk: Chunk, write: LogWrite, scoring: ScoringService) -> None:
    """Log one scored chunk (rows + profiles, one transaction) unless a previous attempt did."""
    if not _already_logged(scoring, job_id, chunk.first_row, len(chunk.frame)):
        scoring.write(write)


def _write_chunk(chunk: Chunk, batch: ScoredBatch, results: PartialResults, summary: JobSummary,
                 scored_at: datetime) -> None:
    """Append one chunk's rows to the results file and count them."""
    output, notes = batch_frame(chunk.frame, batch, first_row=chunk.first_row, scored_at=scored_at)
    if chunk.first_row == FIRST_DATA_ROW:
        summary.notes.extend(notes)
    results.append(output)
    summary.add(batch, output, chunk.first_row)


def _already_logged(scoring: ScoringService, job_id: str, first_row: int, n_rows: int) -> bool:
    """Whether a previous attempt logged this chunk (chunks are logged whole, in one transaction)."""
    query = sa.select(predictions.c.id).where(predictions.c.request_id == job_id,
                                             predictions.c.row.between(first_row, first_row + n_rows - 1)).limit(1)
    try:
        with scoring.log.engine.connect() as conn:
            return conn.execute(query).first() is not None
    except sa.exc.SQLAlchemyError as exc:
        raise PredictionLogError("could not read the prediction log") from exc


def _problem_text(problem: object) -> str:
    expected = getattr(problem, "expected", None)
    return f"{getattr(problem, 'field', 'file')}: {getattr(problem, 'message', '')}" + (
        f" (expected {expected})" if expected else "")


def _counts(summary: JobSummary) -> dict[str, object]:
    return {"rows_done": summary.received, "rows_scored": summary.scored, "rows_rejected": summary.rejected,
            "row_errors": summary.row_errors, "summary": summary.as_dict()}


def _missing_columns(filename: str, missing: list[str]) -> DataFileError:
    from modeling.data.schema import Problem

    return DataFileError([Problem(name, "missing column", expected=f"a column named {name}") for name in missing],
                         summary=f"{filename} cannot be used")


def _no_rows(filename: str) -> DataFileError:
    from modeling.data.file_formats import file_error

    return file_error(filename, "the file has a header row but no data rows")
