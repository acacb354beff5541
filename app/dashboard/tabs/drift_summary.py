"""Summary section of the Data Drift tab: overall status banner, KPI cards and alert cards (no callbacks)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from app.dashboard import ids
from app.dashboard.components import SOURCE_LABELS, empty_state, kpi_card
from app.dashboard.palette import AMBER, GREEN, RED
from app.services.drift import DriftView
from modeling.drift import BAND_ICONS, STATUS_INSUFFICIENT

STATE_BANNERS = {  # state → (accent colour, background, heading, explanation); colours of the band palette
    "Alto": (RED, "#ffebee", "🔴 Drift alto",
             "Al menos una variable supera el umbral alto de PSI y su nivel de ruido."),
    "Moderado": (AMBER, "#fff8e1", "🟡 Drift moderado",
                 "Hay variables en la banda moderada de PSI, por encima de su nivel de ruido."),
    "Bajo": (GREEN, "#e8f5e9", "🟢 Sin drift relevante",
             "Todas las variables con datos suficientes están en la banda baja."),
    STATUS_INSUFFICIENT: ("#9e9e9e", "#f5f5f5", "⚪ Datos insuficientes",
                          "Hay muy pocas filas para distinguir un cambio real del ruido de muestreo."),
}
ACCENTS = {"Alto": RED, "Moderado": AMBER, "info": "#1565c0"}
NO_ROWS = ("No hay predicciones registradas para estos filtros. Elija otras fuentes (ninguna = todas) o amplíe el "
           "rango de fechas.")
SIGNAL_TEXT = {
    "missing": ("Cambio en % de faltantes", "bi-question-diamond"),
    "out_of_range": ("Valores fuera del rango de entrenamiento", "bi-arrows-expand"),
    "unseen": ("Categorías nuevas (no vistas al entrenar)", "bi-patch-question"),
}
MAX_CARDS = 12


def number(value: int) -> str:
    """Thousands with dots, as written in Spanish: ``8.397``."""
    return f"{value:,}".replace(",", ".")


def percent(value: float | None) -> str:
    """``12,3 %`` or ``—``."""
    return "—" if value is None or pd.isna(value) else f"{100 * value:.1f} %".replace(".", ",")


def day(stamp: pd.Timestamp | None) -> str:
    return "—" if stamp is None or pd.isna(stamp) else stamp.strftime("%d/%m/%Y")


def _span(first: pd.Timestamp | None, last: pd.Timestamp | None) -> str:
    if first is None or last is None:
        return "—"
    days = (last.normalize() - first.normalize()).days + 1
    return f"{number(days)} día" + ("s" if days != 1 else "")


def band_counts(table: pd.DataFrame) -> dict[str, int]:
    """Variables per band among those with enough data, and how many have insufficient data."""
    judged = table[table["status"] != STATUS_INSUFFICIENT]
    counts = {band: int((judged["band"] == band).sum()) for band in BAND_ICONS}
    return {**counts, STATUS_INSUFFICIENT: int((table["status"] == STATUS_INSUFFICIENT).sum())}


def status_banner(view: DriftView) -> html.Div:
    """The overall state, the variables that cause it and the number of variables per band."""
    report = view.report
    accent, background, heading, explanation = STATE_BANNERS[report.state]
    rows = view.table.set_index("variable")
    causes = [f"{name} (PSI {rows.at[name, 'psi']:.3f} {BAND_ICONS.get(rows.at[name, 'band'], '')})"
              for name in report.causes]
    counts = band_counts(view.table)
    badges = [dbc.Badge(f"{icon} {band}: {counts[band]}", color="light", text_color="dark", className="me-2 border")
              for band, icon in BAND_ICONS.items()]
    badges.append(dbc.Badge(f"⚪ Datos insuficientes: {counts[STATUS_INSUFFICIENT]}", color="light",
                            text_color="dark", className="me-2 border"))
    body = [html.H4(heading, className="alert-heading mb-1"), html.Div(explanation, className="mb-2")]
    if causes:
        body.append(html.Div([html.Strong("Causas: "), ", ".join(causes)], className="mb-2"))
    body.append(html.Div([html.Span("Variables por banda: ", className="me-2"), *badges]))
    if not view.score_compared:
        body.append(html.Div("Estas filas son de otra versión del modelo: se comparan con la referencia guardada de "
                             "esa versión, y su score no se compara.", className="small mt-2"))
    return html.Div(body, id=ids.Drift.BANNER, className="alert shadow-sm mb-3 text-dark", role="status",
                    style={"backgroundColor": background, "borderLeft": f"6px solid {accent}"})


def kpi_row(view: DriftView) -> dbc.Row:
    """Rows compared, current period, reference period and variables in drift."""
    reference = view.reference
    sources = " · ".join(f"{SOURCE_LABELS.get(s, s)} {number(n)}" for s, n in sorted(view.source_counts.items()))
    drifting = int(view.table["alert"].fillna(False).astype(bool).sum())
    cards = [
        kpi_card("Filas actuales", number(view.n_rows), sources or None, icon="database"),
        kpi_card("Período actual", _span(view.first, view.last), f"{day(view.first)} → {day(view.last)} "
                 "(fecha del préstamo)", color="dark", icon="calendar-range"),
        kpi_card("Referencia (entrenamiento)", f"{number(reference.rows)} filas",
                 f"{day(reference.start)} → {day(reference.end)}" if reference.start is not None else
                 "perfil guardado de esa versión", color="dark", icon="bookmark-check"),
        kpi_card("Variables con drift", f"{drifting} / {len(view.table)}",
                 "PSI en banda Moderado/Alto y sobre el ruido", color="danger" if drifting else "success",
                 icon="exclamation-triangle"),
    ]
    return dbc.Row([dbc.Col(card, xs=12, md=6, xl=3) for card in cards], className="g-3 mb-3")


def _alert_card(title: str, lines: list[str], accent: str, icon: str) -> dbc.Col:
    body = [html.Div([html.I(className=f"bi {icon} me-2", style={"color": accent}), html.Strong(title)],
                     className="mb-1")]
    body += [html.Div(line, className="small") for line in lines]
    return dbc.Col(dbc.Card(dbc.CardBody(body, className="py-2"), className="h-100 shadow-sm drift-alert-card",
                            style={"borderLeft": f"5px solid {accent}"}), xs=12, md=6, xl=4)


def alert_cards(view: DriftView) -> html.Div:
    """One card per variable in drift and per flagged companion signal; nothing when all is quiet."""
    table = view.table.set_index("variable")
    cards = []
    for name in view.report.causes:
        row = table.loc[name]
        lines = [f"PSI {row['psi']:.3f} · banda {row['band']}", f"Nivel de ruido (95 %): {row['noise_level']:.3f}",
                 f"n actual {number(int(row['n_cur']))} frente a {number(int(row['n_ref']))} de referencia"]
        cards.append(_alert_card(f"{BAND_ICONS[row['band']]} {name}", lines, ACCENTS[row["band"]],
                                 "bi-graph-up-arrow"))
    for name, signal in view.report.signal_flags:
        row = table.loc[name]
        title, icon = SIGNAL_TEXT[signal]
        if signal == "missing":
            detail = f"{percent(row['missing_share_ref'])} en referencia → {percent(row['missing_share_cur'])} actual"
        elif signal == "out_of_range":
            detail = f"{percent(row['out_of_range_share'])} de los valores fuera del rango visto al entrenar"
        else:
            detail = f"{percent(row['unseen_share'])} de los valores son categorías no vistas al entrenar"
        cards.append(_alert_card(f"{title}: {name}", [detail], ACCENTS["info"], icon))
    if not cards:
        return html.Div()
    extra = [html.Div(f"… y {len(cards) - MAX_CARDS} alertas más (ver la tabla).", className="small text-muted mt-2")
             ] if len(cards) > MAX_CARDS else []
    return html.Div([html.H6("Alertas", className="text-muted text-uppercase small fw-semibold mb-2"),
                     dbc.Row(cards[:MAX_CARDS], className="g-2"), *extra], className="mb-3")


def summary(view: DriftView) -> html.Div:
    """Banner, KPI cards and alert cards; an empty state when no logged row matches."""
    if view.report is None:
        return empty_state(NO_ROWS, icon="funnel")
    return html.Div([status_banner(view), kpi_row(view), alert_cards(view)])
