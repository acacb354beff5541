"""The tab's file routes (behind the dashboard login when it is on): ``POST /batch/upload`` streams the browser's
file straight to the predictions folder and answers with its check — columns, rows, the first rows and their
problems — before anything is scored (never base64 through a Dash callback); the tab's *Hacer predicciones*
button then starts the job. ``GET /batch/results/<file>`` streams a results file to the browser.

Uploads need the ``X-Batch-Upload`` header, which a cross-site form cannot send. Messages are in Spanish.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request, send_file

from app.dashboard.messages import problem_text
from app.services import Services
from app.services.batch import BatchFileNotFound
from app.services.jobs import JobError

MESSAGES = {
    "invalid_file": "«{name}» no se puede usar: {details}",
    "payload_too_large": "«{name}» supera el tamaño máximo de {limit} MB (MAX_UPLOAD_MB): no se procesó.",
    "storage_unavailable": "No se pudo guardar «{name}» en la carpeta de predicciones (¿disco lleno o carpeta sin "
                           "permiso de escritura?). No se procesó ninguna fila.",
    "engine_unavailable": "El motor de trabajos no responde; intente de nuevo en unos minutos.",
    "idempotency_key_reused": "Conflicto de clave de idempotencia.",
    "upload_not_found": "«{name}» ya no está disponible (caducó o ya se inició su trabajo): súbalo de nuevo.",
}


def job_error_text(error: JobError, name: str, limit_mb: float) -> str:
    """The Spanish message of a refused upload or start."""
    details = "; ".join(problem_text(p) for p in error.problems or []) or "archivo no válido"
    template = MESSAGES.get(error.code, "No se pudo procesar «{name}»; el error quedó registrado en el servidor.")
    return template.format(name=name, details=details, limit=f"{limit_mb:g}".replace(".", ","))


def create_batch_upload_blueprint(services: Services) -> Blueprint:
    """Blueprint with the tab's upload and results-download routes."""
    bp = Blueprint("batch_upload", __name__)
    settings, jobs, batch_files = services.settings, services.jobs, services.batch_files

    @bp.post("/batch/upload")
    def upload() -> tuple[Response, int]:
        if request.headers.get("X-Batch-Upload") != "1":
            abort(400)
        request.max_content_length = settings.max_upload_bytes
        name = request.args.get("filename") or "archivo.csv"
        try:
            check = jobs.stage(request.stream, name, services.scoring.validator)
        except JobError as exc:
            message = job_error_text(exc, name, settings.max_upload_mb)
            return jsonify({"error": exc.code, "message": message}), 422 if exc.code == "invalid_file" else 503
        return jsonify(check.to_dict()), 200

    @bp.get("/batch/results/<file_id>")
    def result(file_id: str) -> Response:
        try:
            path = batch_files.path_for(file_id)
        except BatchFileNotFound:
            abort(404)
        return send_file(path, mimetype="text/csv", as_attachment=True, download_name=file_id, conditional=True)

    return bp
