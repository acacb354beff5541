"""``GET /models`` (versions as this process and the pointers see them, recent switches), ``POST /models/promote``
(point ``LATEST`` at a version: promotion or rollback) and ``POST /models/challenger`` (start or stop shadow
scoring). POSTs need ``X-API-Key`` when ``API_KEY`` is set, like every other write. Also the request hook that
pins the served model for the duration of each request (:class:`~app.services.models.ActiveModel`)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from app.api.api_key import require_api_key
from app.api.errors import ApiError
from app.api.routes import read_json_body
from app.services import Services
from app.services.models import ActiveModel, ModelControl, PromotionError, Switch

ACTOR_HEADER = "X-Actor"
_STATUS = {"unknown_version": 404, "version_conflict": 409, "bundle_not_loadable": 422, "not_writable": 503}


def register_model_pinning(server: Flask, active: ActiveModel) -> None:
    """Every request of ``server`` keeps the model it started with, even if a switch happens meanwhile."""
    server.before_request(active.pin)
    server.teardown_request(lambda _error: active.unpin())


def create_models_blueprint(services: Services) -> Blueprint:
    """Blueprint with the ``/models`` routes bound to ``services.models``."""
    bp = Blueprint("models", __name__)
    settings = services.settings
    control: ModelControl = services.models  # type: ignore[assignment]

    @bp.before_request
    def _authorise() -> None:
        if request.method == "POST":
            require_api_key(settings.api_key)

    @bp.get("/models")
    def models() -> Response:
        body = {**control.status(), "history": [s.to_dict() for s in control.registry.history()]}
        return jsonify(body)

    def switched(action: Callable[[Any, str], Switch], *, nullable: bool) -> Response:
        version, actor = _version_and_actor(nullable=nullable)
        try:
            switch = action(version, actor)
        except PromotionError as exc:
            raise _refusal(exc) from None
        return jsonify({"switch": switch.to_dict(), **control.status()})

    @bp.post("/models/promote")
    def promote() -> Response:
        return switched(control.promote, nullable=False)

    @bp.post("/models/challenger")
    def challenger() -> Response:
        return switched(control.set_challenger, nullable=True)

    return bp


def _version_and_actor(*, nullable: bool) -> tuple[Any, str]:
    body = read_json_body()
    if not isinstance(body, dict) or "version" not in body:
        raise ApiError(422, "invalid_body", 'expected {"version": "<model version>"'
                       + (' or null}' if nullable else "}"))
    version = body["version"]
    if not (isinstance(version, str) and version) and not (nullable and version is None):
        raise ApiError(422, "invalid_body", "version must be a non-empty string" + (" or null" if nullable else ""),
                       [{"field": "version", "message": "wrong type", "value": version}])
    actor = body.get("actor") or request.headers.get(ACTOR_HEADER) or f"api:{request.remote_addr or '?'}"
    if not isinstance(actor, str):
        raise ApiError(422, "invalid_body", "actor must be a string",
                       [{"field": "actor", "message": "wrong type", "value": actor}])
    return version, actor


def _refusal(error: PromotionError) -> ApiError:
    return ApiError(_STATUS.get(error.code, 422), error.code, str(error))
