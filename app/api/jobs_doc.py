"""The OpenAPI entries of the ``/jobs`` routes (paths and component schemas), merged by :mod:`app.api.openapi`."""
from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _errors(*statuses: tuple[str, str]) -> dict[str, Any]:
    return {status: _json("Error", text) for status, text in statuses}


_JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}
_UNAUTHORISED = ("401", "missing or wrong X-API-Key (when API_KEY is set)")
_UNKNOWN = ("404", "no such job")


def jobs_paths(security: list[dict[str, list[str]]]) -> dict[str, Any]:
    """The ``/jobs`` paths: submit, list, status, result, cancel."""
    file_body = {"type": "string", "format": "binary"}
    submit = {
        "summary": "Score a CSV or XLSX file of any size in the background",
        "description": "Send the file as multipart field `file`, or as the raw body (name it with `?filename=`; "
                       "the extension picks CSV or XLSX). The body streams to disk up to MAX_UPLOAD_MB. "
                       "Answers 202 with the job and its `Location`; poll it, then download the result. "
                       "`Idempotency-Key`: the same key with the same bytes answers with the same job "
                       "(`Idempotent-Replayed: true`), with other bytes 409.",
        "security": security,
        "parameters": [{"name": "filename", "in": "query", "schema": {"type": "string"},
                        "description": "file name of a raw-body upload (e.g. cartera.csv)"},
                       {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 100}}],
        "requestBody": {"required": True, "content": {
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                               "properties": {"file": file_body}}},
            "text/csv": {"schema": file_body},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": file_body},
            "application/octet-stream": {"schema": file_body}}},
        "responses": {"202": {**_json("Job", "queued (or the replayed job of an Idempotency-Key)"),
                              "headers": {"Location": {"schema": {"type": "string"}}}},
                      **_errors(("400", "bad Idempotency-Key"), _UNAUTHORISED,
                                ("409", "Idempotency-Key already used for another file"),
                                ("413", "file larger than MAX_UPLOAD_MB"),
                                ("422", "not a usable loan table (every file problem listed)"),
                                ("503", "the job engine (Celery broker) cannot be reached"),
                                ("507", "the predictions folder cannot store the upload (disk full, read-only)"))}}
    return {
        "/jobs": {"post": submit, "get": {
            "summary": "Recent jobs, newest first (the same list from every host)", "security": security,
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                       "maximum": 200, "default": 20}}],
            "responses": {"200": _json("JobList", "recent jobs"),
                          **_errors(("400", "limit is not an integer from 1 to 200"), _UNAUTHORISED)}}},
        "/jobs/{job_id}": {
            "get": {"summary": "State, progress (rows done / total, rows per second, time left), counts, first "
                               "errors", "security": security, "parameters": [_JOB_ID],
                    "responses": {"200": _json("Job", "the job"), **_errors(_UNAUTHORISED, _UNKNOWN)}},
            "delete": {"summary": "Cancel a queued or running job (a running one stops at its next chunk; the "
                                  "rows logged so far stay logged)", "security": security, "parameters": [_JOB_ID],
                       "responses": {"200": _json("Job", "cancelled or cancel requested"),
                                     **_errors(_UNAUTHORISED, _UNKNOWN, ("409", "the job already ended"))}}},
        "/jobs/{job_id}/result": {"get": {
            "summary": "The results CSV of a done job (every input row with its result or error), streamed",
            "security": security, "parameters": [_JOB_ID],
            "responses": {"200": {"description": "predicciones_batch_YYYYMMDD_HHMMSS.csv",
                                  "content": {"text/csv": {"schema": {"type": "string"}}}},
                          **_errors(_UNAUTHORISED, _UNKNOWN, ("409", "the job is not done"),
                                    ("410", "the results file was removed"))}}},
    }


def job_schemas() -> dict[str, Any]:
    """Component schemas ``Job`` and ``JobList``."""
    integer, text, number = {"type": "integer"}, {"type": "string"}, {"type": "number"}
    nullable_text = {"type": "string", "nullable": True}
    job = {"type": "object", "properties": {
        "id": text, "state": {"type": "string", "enum": ["queued", "running", "done", "failed", "cancelled"]},
        "filename": text, "engine": {"type": "string", "enum": ["local", "celery"]},
        "created_at": text, "started_at": nullable_text, "finished_at": nullable_text, "heartbeat_at": nullable_text,
        "progress": {"type": "object", "properties": {
            "rows_done": integer, "rows_total": {**integer, "nullable": True},
            "rows_per_second": {**number, "nullable": True}, "seconds_left": {**number, "nullable": True}}},
        "counts": {"type": "object", "properties": {"scored": integer, "rejected": integer}},
        "cancel_requested": {"type": "boolean"}, "model_version": nullable_text, "result_file": nullable_text,
        "error": {**nullable_text, "description": "why a job failed (rows done stated)"},
        "first_errors": {"type": "array", "items": _ref("Problem"),
                         "description": "the first row problems, each with its file `row`"},
        "summary": {"type": "object"}, "links": {"type": "object"}}}
    return {"Job": job, "JobList": {"type": "object", "properties": {"jobs": {"type": "array",
                                                                              "items": _ref("Job")}}}}
