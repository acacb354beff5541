"""Summary section of the Data Drift tab: overall status banner, KPI cards, the variables per band as tiles, the
recommendation and the alert cards (no callbacks)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from app.dashboard import ids
from app.dashboard.components import SOURCE_LABELS, band_mark, empty_state, kpi_card
from app.dashboard.formatting import date_text, decimal, integer, percent
from app.dashboard.style import BAND_COLORS, PRIMARY, band_panel
from app.dashboard.tabs.drift_recommendations import recommendation_box
from app.services.drift import DriftView
from modeling.drift import BAND_NAMES, STATUS_INSUFFICIENT

STATE_BANNERS = {  # state → (band of the mark, heading, explanation)
    "Alto": ("Alto", "Drift alto", "Al menos una variable supera el umbral alto de PSI y su nivel de ruido."),
    "Moderado": ("Moderado", "Drift moderado",
                 "Hay variables en la banda moderada de PSI, por encima de su nivel de ruido."),
    "Bajo": ("Bajo", "Sin drift relevante", "Todas las variables con datos suficientes están en la banda baja."),
    STATUS_INSUFFICIENT: ("Insuficiente", "Datos insuficientes",
                          "Hay muy pocas filas para distinguir un cambio real del ruido de muestreo."),
}
ACCENTS = {"Alto": BAND_COLORS["Alto"], "Moderado": BAND_COLORS["Moderado"], "info": PRIMARY}
NO_ROWS = ("No hay predicciones registradas para estos filtros. Elija otras fuentes (ninguna = todas) o amplíe el "
           "rango de fechas.")
SIGNAL_TEXT = {
    "missing": ("Cambio en % de faltantes", "bi-question-diamond"),
    "out_of_range": ("Valores fuera del rango de entrenamiento", "bi-arrows-expand"),
    "unseen": ("Categorías nuevas (no vistas al entrenar)", "bi-patch-question"),
}
BAND_TILES = (  # (key, title, subtitle, colour): the original's three counts, plus the samples too small to judge
    ("Alto", "Variables con drift alto", "PSI en banda Alta y sobre el ruido", "danger"),
    ("Moderado", "Variables con drift moderado", "PSI en banda Moderada y sobre el ruido", "warning"),
    ("Bajo", "Variables estables", "PSI en banda Baja", "success"),
    (STATUS_INSUFFICIENT, "Datos insuficientes", "muestra demasiado pequeña para juzgar", "secondary"),
)
STATE_COLORS = {key: color for key, _, _, color in BAND_TILES}  # a drift state → its tile's Bootstrap colour
MAX_CARDS = 12


def number(value: int) -> str:
    """Thousands with dots, as written in Spanish: ``8.397``."""
    return integer(value)


def day(stamp: pd.Timestamp | None) -> str:
    """A day in ISO order (``2025-03-31``), as the date pickers write it."""
    return "—" if stamp is None or pd.isna(stamp) else date_text(stamp)


def _span(first: pd.Timestamp | None, last: pd.Timestamp | None) -> str:
    if first is None or last is None:
        return "—"
    days = (last.normalize() - first.normalize()).days + 1
    return f"{number(days)} día" + ("s" if days != 1 else "")


def band_counts(table: pd.DataFrame) -> dict[str, int]:
    """Variables per band among those with enough data, and how many have insufficient data."""
    judged = table[table["status"] != STATUS_INSUFFICIENT]
    counts = {band: int((judged["band"] == band).sum()) for band in BAND_NAMES}
    return {**counts, STATUS_INSUFFICIENT: int((table["status"] == STATUS_INSUFFICIENT).sum())}


def band_tiles(view: DriftView) -> dbc.Row:
    """One tile per band (Alto / Moderado / Estables) and one for the variables with too few rows."""
    counts = band_counts(view.table)
    tiles = [dbc.Col(kpi_card(title, integer(counts[key]), subtitle, color=color if counts[key] else "secondary",
                              card_id=f"{ids.Drift.BAND_TILES}-{key.replace(' ', '-')}"), xs=6, xl=3)
             for key, title, subtitle, color in BAND_TILES]
    return dbc.Row(tiles, className="g-3 mb-3", id=ids.Drift.BAND_TILES)


def status_banner(view: DriftView) -> html.Div:
    """The overall state, the variables that cause it and the number of variables per band."""
    report = view.report
    band, heading, explanation = STATE_BANNERS[report.state]
    rows = view.table.set_index("variable")
    causes = [f"{name} (PSI {decimal(rows.at[name, 'psi'], 3)}, {rows.at[name, 'band']})" for name in report.causes]
    body = [html.H4(band_mark(band, heading), className="alert-heading mb-1"), html.Div(explanation, className="mb-2")]
    if causes:
        body.append(html.Div([html.Strong("Causas: "), ", ".join(causes)], className="mb-2"))
    if not view.score_compared:
        body.append(html.Div("Estas filas son de otra versión del modelo: se comparan con la referencia guardada de "
                             "esa versión, y su puntaje no se compara.", className="small mt-2"))
    return html.Div(body, id=ids.Drift.BANNER, className="alert shadow-sm mb-3 text-dark", role="status",
                    style=band_panel(band))


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
        kpi_card("Variables con drift", f"{integer(drifting)} / {integer(len(view.table))}",
                 "PSI en banda Moderado/Alto y sobre el ruido",
                 color=STATE_COLORS.get(view.report.state, "secondary"), icon="exclamation-triangle",
                 card_id=f"{ids.Drift.BAND_TILES}-drifting"),
    ]
    return dbc.Row([dbc.Col(card, xs=12, md=6, xl=3) for card in cards], className="g-3 mb-3")


def _alert_card(title: str | html.Span, lines: list[str], accent: str, icon: str) -> dbc.Col:
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
        lines = [f"PSI {decimal(row['psi'], 3)} · banda {row['band']}",
                 f"Nivel de ruido (95 %): {decimal(row['noise_level'], 3)}",
                 f"n actual {number(int(row['n_cur']))} frente a {number(int(row['n_ref']))} de referencia"]
        cards.append(_alert_card(band_mark(row["band"], name), lines, ACCENTS[row["band"]], "bi-graph-up-arrow"))
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
    return html.Div([html.H6("Alertas por variable", className="text-muted text-uppercase small fw-semibold mb-2"),
                     dbc.Row(cards[:MAX_CARDS], className="g-2"), *extra], className="mb-3")


def summary(view: DriftView) -> html.Div:
    """Banner, KPI cards, band tiles, recommendation and alert cards; an empty state when no row matches."""
    if view.report is None:
        return empty_state(NO_ROWS, icon="funnel")
    return html.Div([status_banner(view), kpi_row(view), band_tiles(view), recommendation_box(view),
                     alert_cards(view)])
