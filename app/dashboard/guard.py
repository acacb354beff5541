"""One error policy for every tab's callbacks: what a user reads when a view cannot be shown.

Every callback of every tab is wrapped by :func:`guarded`. A selection the services reject (``SelectionError``)
gives the Spanish message of its field; an evolution with too many windows says so; anything unexpected is logged
with its traceback and a reference (the request id when there is one) and the user reads a short Spanish message
with that reference — never an English exception text or a stack trace. ``PreventUpdate`` passes through.
"""
from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
from dash import html
from dash.exceptions import PreventUpdate
from flask import g, has_request_context, request

from app.dashboard.formatting import integer
from app.services.drift import WindowError
from app.services.selection import SelectionError

SELECTION_MESSAGES = {
    "sources": "Fuente desconocida: elija Período reservado, API o Lotes.",
    "model_version": "No hay predicciones registradas de esa versión del modelo.",
    "start": "La fecha inicial no es válida.",
    "end": "La fecha final no es válida o es anterior a la inicial.",
    "window": "Ventana desconocida: elija mes, semana o día.",
    "version": "No se está sirviendo ninguna versión del modelo: elija una o «Todas las versiones».",
    "bands": "Banda de riesgo desconocida.",
    "predicted": "Predicción desconocida: elija 0 y/o 1.",
    "request_id": "El request_id buscado es demasiado largo.",
}
FAILED = "No se pudo calcular esta vista; el error quedó registrado en el servidor."
logger = logging.getLogger(__name__)


def spanish_message(error: Exception) -> str:
    """What a user reads for an error raised while computing a view."""
    if isinstance(error, SelectionError):
        return SELECTION_MESSAGES.get(error.field, "Selección no válida.")
    if isinstance(error, WindowError):
        return (f"Demasiadas ventanas ({integer(error.count)}; máximo {integer(error.limit)}): elija una ventana "
                "más amplia o acote las fechas.")
    return FAILED


def error_alert(message: str) -> dbc.Alert:
    """The Spanish alert a tab shows in place of a view that failed."""
    return dbc.Alert([html.I(className="bi bi-exclamation-octagon me-2"), message], color="danger",
                     className="py-2 mb-0 dashboard-error")


def request_reference() -> str:
    """The current request's id (``X-Request-ID`` or the one the app set), else a new short one."""
    if has_request_context():
        known = g.get("request_id") or request.headers.get("X-Request-ID")
        if known:
            return str(known)[:64]
    return uuid.uuid4().hex[:12]


def guarded(fallback: Callable[[str], Any], tab: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a callback of ``tab`` so that any error becomes ``fallback(Spanish message)``."""
    def decorate(callback: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(callback)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return callback(*args, **kwargs)
            except PreventUpdate:
                raise
            except (SelectionError, WindowError) as error:
                return fallback(spanish_message(error))
            except Exception as error:
                reference = request_reference()
                logger.exception("%s tab: %s failed (request %s)", tab, callback.__name__, reference)
                return fallback(f"{spanish_message(error)} Referencia: {reference}.")
        return run
    return decorate
