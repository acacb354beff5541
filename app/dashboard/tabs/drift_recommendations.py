"""*Alertas y Recomendaciones* of the Data Drift tab: one recommended action per severity, as the original monitor
gave, decided by our noise-aware state — never by a PSI value alone.

The level follows the report's overall state (:mod:`modeling.drift.report`), which only counts variables whose
PSI is in a band ≥ Moderado **and** above its noise level:

* ``Alto`` → *Crítico*: reentrenamiento urgente (the original's *RETRAINING URGENTE*);
* ``Moderado`` → *Moderado*: monitoreo intensivo;
* ``Bajo`` → *Estable*: monitoreo rutinario;
* too few rows everywhere → *Datos insuficientes*: gather more predictions, do not act on the PSI.

A variable with a PSI above the high band whose sample is too small to tell it from noise is named as such
(*no es una alarma*) and never raises the level.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from dash import html

from app.dashboard import ids
from app.dashboard.components import band_mark
from app.dashboard.formatting import decimal, integer
from app.dashboard.style import band_panel
from app.services.drift import DriftView
from modeling.drift import STATUS_INSUFFICIENT

MAX_NAMED = 3


@dataclass(frozen=True)
class Recommendation:
    """What the box says: level (with its band for the mark and the box's colours), finding, action, noise note."""

    level: str
    band: str
    finding: str
    action: str
    noise_note: str | None


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMED])
    return shown + (f" y {len(names) - MAX_NAMED} más" if len(names) > MAX_NAMED else "")


def _noisy_high(table: pd.DataFrame, high: float) -> list[str]:
    """Variables whose PSI is above the high band but whose sample cannot tell it from noise."""
    psi = pd.to_numeric(table["psi"], errors="coerce")
    return list(table.loc[(table["status"] == STATUS_INSUFFICIENT) & (psi > high), "variable"])


def _variables(count: int) -> str:
    """``1 variable`` / ``3 variables``."""
    return f"{integer(count)} variable{'' if count == 1 else 's'}"


def recommend(view: DriftView) -> Recommendation:
    """The recommendation for a view with a report (see the module docstring)."""
    report = view.report
    table = view.table.set_index("variable", drop=False)
    causes = list(report.causes)
    high = report.bands[1]
    noisy = _noisy_high(view.table, high)
    noise_note = None
    if noisy:
        noise_note = (f"{_variables(len(noisy))} con PSI > {decimal(high, 2)} pero dentro del ruido de "
                      f"muestreo ({_names(noisy)}): muestra demasiado pequeña, no es una alarma.")
    if report.state == "Alto":
        strong = [n for n in causes if table.at[n, "band"] == "Alto"]
        return Recommendation(
            "CRÍTICO", "Alto", f"Se detectó drift alto en {_variables(len(strong))}: {_names(strong)}.",
            "REENTRENAMIENTO URGENTE: reentrenar el modelo con datos recientes (make train) tras revisar que las "
            "variables causantes no reflejen un error de captura; hasta entonces, revisar manualmente las "
            "decisiones de riesgo.", noise_note)
    if report.state == "Moderado":
        return Recommendation(
            "MODERADO", "Moderado", f"Drift moderado en {_variables(len(causes))}: {_names(causes)}.",
            "MONITOREO INTENSIVO: aumentar la frecuencia de monitoreo (ventana semanal o diaria) y considerar "
            "reentrenar si el drift persiste o crece en las próximas ventanas.", noise_note)
    if report.state == STATUS_INSUFFICIENT:
        return Recommendation(
            "DATOS INSUFICIENTES", "Insuficiente", "Hay muy pocas filas para distinguir un cambio real del ruido de "
            "muestreo en cualquier variable.", "Acumular más predicciones o ampliar el rango de fechas antes de "
            "decidir; no reentrenar por esta señal.", noise_note)
    return Recommendation(
        "ESTABLE", "Bajo", "Todas las variables con datos suficientes se encuentran estables.",
        "Continuar con el monitoreo rutinario normal.", noise_note)


def recommendation_box(view: DriftView) -> html.Div:
    """The recommendation as a coloured alert: level, finding, action and (when any) the noise note."""
    found = recommend(view)
    body = [html.Div([band_mark(found.band, found.level)], className="fw-bold mb-1"),
            html.Div(found.finding), html.Div([html.Strong("Acción recomendada: "), found.action], className="mt-1")]
    if found.noise_note:
        body.append(html.Div(found.noise_note, className="small text-muted mt-1"))
    return html.Div([html.H6("Alertas y recomendaciones", className="text-muted text-uppercase small fw-semibold "
                             "mb-2"),
                     html.Div(html.Div(body, className="alert shadow-sm mb-3 text-dark", role="status",
                                       style=band_panel(found.band)),
                              id=ids.Drift.RECOMMENDATION, **{"data-level": found.level})])
