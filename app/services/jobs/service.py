"""The jobs facade used by the API and the dashboard: take an upload (streamed to disk), check its header, create the
job row and hand it to the engine — at once (the API) or after showing a check of the file (the dashboard:
:meth:`JobService.stage`, then :meth:`JobService.start`); read, list and cancel jobs; find their results file."""
from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd
import sqlalchemy as sa

from app.services.batch import BatchFileNotFound, BatchFiles
from app.services.jobs.engines import JobEngine
from app.services.jobs.reader import DataFileError, open_table
from app.services.jobs.staging import UploadCheck, check_upload, sweep, take_ticket, write_ticket
from app.services.jobs.store import Job, JobStore
from app.services.scoring.records import RecordValidator

UPLOAD_FOLDER = "uploads"
_PIECE = 1 << 20  # bytes read from the request and written to disk at a time
_EXTENSIONS = (".csv", ".xlsx")


@dataclass
class JobError(Exception):
    """A refused submission: ``code`` (stable, for the API), an English message and the problems, if any."""

    code: str
    message: str
    problems: list[dict[str, Any]] | None = None

    def __str__(self) -> str:
        return self.message


class JobService:
    """Submit, read, list and cancel batch jobs; the results stay in ``batch_files``'s folder."""

    def __init__(self, store: JobStore, engine: JobEngine, batch_files: BatchFiles, *, max_upload_bytes: int,
                 chunk_rows: int) -> None:
        self.store, self.engine, self.batch_files = store, engine, batch_files
        self.max_upload_bytes, self.chunk_rows = max_upload_bytes, chunk_rows
        self.upload_dir = batch_files.directory / UPLOAD_FOLDER

    def submit(self, stream: IO[bytes], filename: str | None, *, idempotency_key: str | None = None
               ) -> tuple[Job, bool]:
        """Stream the file to disk, check it and queue its job; return (job, replayed).

        ``replayed`` is True when ``idempotency_key`` was used before with the same bytes: the earlier job is
        returned and nothing new is queued. Raises ``JobError`` (too large, not a loan table, key reused with other
        bytes, folder not writable).
        """
        name = Path(filename or "archivo.csv").name[:255] or "archivo.csv"
        job_id = uuid.uuid4().hex
        self.engine.warm()  # a job process starting meanwhile is ready when the upload ends
        path, size, digest = self._save(stream, job_id, Path(name).suffix.lower())
        try:
            if idempotency_key:
                earlier = self._replay(idempotency_key, digest)
                if earlier is not None:
                    path.unlink(missing_ok=True)
                    return earlier, True
            reader = self._check(path, name)
            answer = json.dumps({"id": job_id}).encode()
            try:
                job = self.store.create(job_id, filename=name, upload_path=str(path), upload_bytes=size,
                                        engine=self.engine.name, rows_total=reader.rows_estimate,
                                        idempotency=(idempotency_key, digest, answer) if idempotency_key else None)
            except sa.exc.IntegrityError:  # the same key committed meanwhile by another request
                earlier = self._replay(idempotency_key or "", digest)
                if earlier is None:
                    raise
                path.unlink(missing_ok=True)
                return earlier, True
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self._hand_over(job)
        return job, False

    def stage(self, stream: IO[bytes], filename: str | None, validator: RecordValidator) -> UploadCheck:
        """Stream the file to disk and check it (header, rows, the first rows validated) without creating a job;
        :meth:`start` with the returned ``upload_id`` queues it. Raises ``JobError`` as :meth:`submit` does."""
        name = Path(filename or "archivo.csv").name[:255] or "archivo.csv"
        upload_id = uuid.uuid4().hex
        sweep(self.upload_dir)
        path, size, _ = self._save(stream, upload_id, Path(name).suffix.lower())
        try:
            reader = self._check(path, name)
            try:
                check = check_upload(reader, validator, upload_id, size)
            except DataFileError as exc:
                raise JobError("invalid_file", f"{name} cannot be used",
                               [problem.to_dict() for problem in exc.problems]) from None
            if check.ready:
                write_ticket(self.upload_dir, upload_id, filename=name, path=path, size_bytes=size,
                             rows=reader.rows_estimate)
            else:
                path.unlink(missing_ok=True)  # nothing can be done with it: no ticket, no file
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return check

    def start(self, upload_id: str) -> Job:
        """Queue the job of a staged upload (the job's id is the upload's); a second start returns the same job.
        Raises ``JobError("upload_not_found")`` for an unknown, expired or unusable upload."""
        ticket = take_ticket(self.upload_dir, upload_id)
        if ticket is None:
            job = self.store.get(upload_id) if isinstance(upload_id, str) else None
            if job is not None:
                return job
            raise JobError("upload_not_found", "no staged upload with this id (expired or already started)")
        try:
            job = self.store.create(upload_id, filename=ticket["filename"], upload_path=ticket["path"],
                                    upload_bytes=ticket["size_bytes"], engine=self.engine.name,
                                    rows_total=ticket["rows"])
        except sa.exc.IntegrityError:  # started meanwhile by another request
            return self.store.get(upload_id)  # type: ignore[return-value]
        self._hand_over(job)
        return job

    def _hand_over(self, job: Job) -> None:
        try:
            self.engine.submit(job.id)
        except Exception as exc:  # broker down: the job can never start
            self.store.fail_queued(job.id, "the job engine could not be reached; submit the file again later")
            raise JobError("engine_unavailable", "the job engine could not be reached; retry later") from exc

    def _save(self, stream: IO[bytes], job_id: str, suffix: str) -> tuple[Path, int, str]:
        if suffix not in _EXTENSIONS:
            message = f"unsupported file type {suffix or '(no extension)'!r}"
            raise JobError("invalid_file", message, [{"field": "file", "message": message,
                                                      "expected": ".csv or .xlsx"}])
        path = self.upload_dir / f"{job_id}{suffix}"
        digest, size = hashlib.sha256(), 0
        try:
            self.upload_dir.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as out:
                while piece := stream.read(_PIECE):
                    size += len(piece)
                    if size > self.max_upload_bytes:
                        raise JobError("payload_too_large", f"the file is larger than "
                                       f"{self.max_upload_bytes / 2**20:g} MiB (MAX_UPLOAD_MB)")
                    digest.update(piece)
                    out.write(piece)
        except OSError as exc:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            raise JobError("storage_unavailable", "the upload could not be stored in the predictions folder "
                           f"({exc.strerror or type(exc).__name__}): is the disk full or the folder read-only?"
                           ) from exc
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            raise
        return path, size, digest.hexdigest()

    def _check(self, path: Path, name: str) -> Any:
        try:
            return open_table(path, name, chunk_rows=self.chunk_rows)
        except DataFileError as exc:
            raise JobError("invalid_file", f"{name} cannot be used",
                           [problem.to_dict() for problem in exc.problems]) from None

    def _replay(self, key: str, digest: str) -> Job | None:
        stored = self.store.idempotent_answer(key)
        if stored is None:
            return None
        route, stored_digest, answer = stored
        if route != "/jobs" or stored_digest != digest:
            raise JobError("idempotency_key_reused", "this Idempotency-Key was already used for a different file or "
                           "route; use a new key for a new request")
        return self.store.get(json.loads(answer)["id"])

    def get(self, job_id: str) -> Job | None:
        return self.store.get(job_id)

    def recent(self, limit: int = 20) -> list[Job]:
        return self.store.recent(limit)

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a queued or running job (a finished one is returned unchanged); None if unknown."""
        job = self.store.cancel(job_id)
        if job is not None and job.state == "cancelled" and job.upload_path:
            Path(job.upload_path).unlink(missing_ok=True)
        return job

    def result_path(self, job: Job) -> Path:
        """The published results file of a done job; raises ``BatchFileNotFound``."""
        if job.state != "done" or not job.result_file:
            raise BatchFileNotFound(f"job {job.id} has no results file (state {job.state})")
        return self.batch_files.path_for(job.result_file)

    def preview(self, job: Job, rows: int = 200) -> pd.DataFrame:
        """The first ``rows`` rows of a done job's results file (empty when it is gone)."""
        try:
            return pd.read_csv(self.result_path(job), nrows=rows, encoding="utf-8-sig", low_memory=False)
        except (BatchFileNotFound, OSError, ValueError):
            return pd.DataFrame()

    def engine_reachable(self) -> bool:
        """Readiness: can jobs be started (the Celery broker answers when configured)?"""
        return self.engine.ping()
