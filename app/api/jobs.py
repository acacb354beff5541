"""Batch jobs over HTTP: ``POST /jobs`` (a CSV/XLSX file, multipart field ``file`` or the raw body) → 202 and a
``Location``; ``GET /jobs`` (recent), ``GET /jobs/{id}`` (state, progress, counts, first errors),
``GET /jobs/{id}/result`` (the results CSV, streamed from disk), ``DELETE /jobs/{id}`` (cancel).

The body streams to the predictions folder up to ``MAX_UPLOAD_MB`` (never read whole into memory). When
``API_KEY`` is set every method here needs ``X-API-Key`` (the results are predictions). ``Idempotency-Key`` on
``POST /jobs``: the same key with the same bytes answers with the same job; with other bytes, 409.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file

from app.api.api_key import require_api_key
from app.api.errors import RETRY_AFTER_SECONDS, ApiError
from app.services import Services
from app.services.batch import BatchFileNotFound
from app.services.idempotency import IDEMPOTENCY_KEY
from app.services.jobs import Job, JobError, JobService

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
_STATUS = {"invalid_file": 422, "payload_too_large": 413, "idempotency_key_reused": 409,
           "storage_unavailable": 507, "engine_unavailable": 503}
_XLSX_TYPES = ("spreadsheetml", "ms-excel")


def create_jobs_blueprint(services: Services) -> Blueprint:
    """Blueprint with the ``/jobs`` routes bound to ``services.jobs``."""
    bp = Blueprint("jobs", __name__)
    settings = services.settings
    jobs: JobService = services.jobs  # type: ignore[assignment]

    @bp.before_request
    def _authorise_and_limit() -> None:
        request.max_content_length = settings.max_upload_bytes  # this route streams the body to disk
        require_api_key(settings.api_key)

    @bp.post("/jobs")
    def submit() -> tuple[Response, int, dict[str, str]]:
        key = request.headers.get("Idempotency-Key")
        if key is not None and not IDEMPOTENCY_KEY.match(key):
            raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1–100 visible ASCII characters")
        stream, filename = _upload()
        try:
            job, replayed = jobs.submit(stream, filename, idempotency_key=f"key:{key}" if key else None)
        except JobError as exc:
            headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if _STATUS[exc.code] in (503, 507) else None
            raise ApiError(_STATUS[exc.code], exc.code, exc.message, exc.problems, headers=headers) from None
        headers = {"Location": f"/jobs/{job.id}"}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return jsonify(job_view(job)), 202, headers

    @bp.get("/jobs")
    def recent() -> Response:
        limit = request.args.get("limit", "20")
        if not limit.isdigit() or not 1 <= int(limit) <= 200:
            raise ApiError(400, "invalid_limit", "limit must be an integer from 1 to 200")
        return jsonify({"jobs": [job_view(job) for job in jobs.recent(int(limit))]})

    @bp.get("/jobs/<job_id>")
    def status(job_id: str) -> Response:
        return jsonify(job_view(_job(jobs, job_id)))

    @bp.get("/jobs/<job_id>/result")
    def result(job_id: str) -> Response:
        job = _job(jobs, job_id)
        if job.state != "done":
            raise ApiError(409, "job_not_done", f"the job is {job.state}: its results file exists only once it is done")
        try:
            path = jobs.result_path(job)
        except BatchFileNotFound:
            raise ApiError(410, "result_gone", f"the results file {job.result_file} is no longer in the predictions "
                           "folder") from None
        return send_file(path, mimetype="text/csv", as_attachment=True, download_name=job.result_file,
                         conditional=True)

    @bp.delete("/jobs/<job_id>")
    def cancel(job_id: str) -> Response:
        _job(jobs, job_id)
        job = jobs.cancel(job_id)
        if job is None:
            raise ApiError(404, "job_not_found", f"no job {job_id}")
        if job.state in ("done", "failed"):
            raise ApiError(409, "job_finished", f"the job already ended ({job.state}); nothing to cancel")
        return jsonify(job_view(job))

    return bp


def job_view(job: Job) -> dict[str, Any]:
    """A job as the API shows it, with its links."""
    view = job.to_dict()
    view["links"] = {"self": f"/jobs/{job.id}", **({"result": f"/jobs/{job.id}/result"} if job.state == "done"
                                                    else {})}
    return view


def _job(jobs: JobService, job_id: str) -> Job:
    job = jobs.get(job_id) if _JOB_ID.match(job_id) else None
    if job is None:
        raise ApiError(404, "job_not_found", f"no job {job_id!r}")
    return job


def _upload() -> tuple[Any, str]:
    """The uploaded file as a readable stream and its name: multipart field ``file``, or the raw body (name from
    ``?filename=``, else from the Content-Type)."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(422, "invalid_body", "send the file in a multipart field named 'file'")
        return upload.stream, upload.filename or "upload.csv"
    name = request.args.get("filename") or request.headers.get("X-Filename")
    if not name:
        name = "upload.xlsx" if any(t in (request.mimetype or "") for t in _XLSX_TYPES) else "upload.csv"
    return request.stream, name
