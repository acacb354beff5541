"""The one API key check of every write route: ``X-API-Key`` compared with ``API_KEY`` in constant time."""
from __future__ import annotations

import hmac

from flask import request

from app.api.errors import ApiError


def require_api_key(api_key: str | None) -> None:
    """Raise 401 (with ``WWW-Authenticate``) unless the request carries ``api_key``; nothing when none is set."""
    if not api_key:
        return
    given = request.headers.get("X-API-Key", "").encode("utf-8", "replace")
    if not hmac.compare_digest(given, api_key.encode("utf-8")):
        raise ApiError(401, "unauthorized", "missing or wrong X-API-Key header",
                       headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})
