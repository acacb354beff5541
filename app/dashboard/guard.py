"""One error policy for every tab's callbacks: what a user reads when a view cannot be shown.

A selection the services reject (``SelectionError``) gives the Spanish message of its field; an evolution with
too many windows says so; anything unexpected is logged with its traceback and the user reads a short Spanish
message — never an English exception text or a stack trace.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from app.services.drift import WindowError
from app.services.selection import SelectionError

SELECTION_MESSAGES = {
    "sources": "Fuente desconocida: elija Período reservado, API o Lotes.",
    "model_version": "No hay predicciones registradas de esa versión del modelo.",
    "start": "La fecha inicial no es válida.",
    "end": "La fecha final no es válida o es anterior a la inicial.",
    "window": "Ventana desconocida: elija mes, semana o día.",
}
FAILED = "No se pudo calcular esta vista; el error quedó registrado en el servidor."
logger = logging.getLogger(__name__)


def spanish_message(error: Exception) -> str:
    """What a user reads for an error raised while computing a view."""
    if isinstance(error, SelectionError):
        return SELECTION_MESSAGES.get(error.field, "Selección no válida.")
    if isinstance(error, WindowError):
        return (f"Demasiadas ventanas ({error.count:,}; máximo {error.limit:,}): elija una ventana más amplia o "
                "acote las fechas.").replace(",", ".")
    return FAILED


def guarded(fallback: Callable[[str], Any], tab: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a callback of ``tab`` so that any error becomes ``fallback(Spanish message)``."""
    def decorate(callback: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(callback)
        def run(*args: Any) -> Any:
            try:
                return callback(*args)
            except (SelectionError, WindowError) as error:
                return fallback(spanish_message(error))
            except Exception as error:
                logger.exception("%s tab: %s failed", tab, callback.__name__)
                return fallback(spanish_message(error))
        return run
    return decorate
