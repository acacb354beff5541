"""KPI cards of the Gráficas tab: the selection's summary and the performance metrics, each with a tooltip."""
from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import html

from app.dashboard import ids
from app.dashboard.components import SOURCE_LABELS, empty_state, kpi_card
from app.dashboard.formatting import date_text, decimal, integer
from app.dashboard.formatting import percent as spanish_percent
from app.dashboard.style import BAND_COLORS
from app.services.performance import LabelledEvaluation, LogSummary

NO_ROWS = "No hay predicciones registradas para estos filtros. Amplíe las fuentes o el rango de fechas."
METRIC_HELP: dict[str, tuple[str, str]] = {
    "roc_auc": ("ROC-AUC", "Probabilidad de que un préstamo pagado tarde reciba un prob_default mayor que uno "
                "pagado a tiempo. 0,5 = azar, 1 = separación perfecta. No depende del umbral."),
    "pr_auc_0": ("PR-AUC pago tardío", "Precisión promedio al detectar pagos tardíos sobre todos los umbrales. "
                 "El azar vale la tasa real de pagos tardíos ({late_rate}); es la métrica que importa con clases "
                 "tan desbalanceadas."),
    "recall_0": ("Recall clase 0", "De los préstamos que realmente se pagaron tarde, la fracción que el modelo "
                 "marcó (prob_default ≥ umbral {threshold})."),
    "precision_0": ("Precisión clase 0", "De los préstamos marcados como pago tardío, la fracción que realmente se "
                    "pagó tarde. Con una tasa base de {late_rate}, valores bajos son esperables."),
    "f1_0": ("F1 clase 0", "Media armónica de precisión y recall de la clase 0 en el umbral {threshold}."),
    "brier": ("Brier", "Error cuadrático medio entre prob_default y el resultado (1 = pago tardío). Menor es "
              "mejor; no depende del umbral. Predecir siempre la tasa base daría {base_brier}."),
}


def number(value: float | None, digits: int = 3) -> str:
    """``value`` with ``digits`` decimals (``0,123``), or an em dash for missing/NaN."""
    return decimal(value, digits)


def percent(value: float | None, digits: int = 1) -> str:
    """``value`` (a fraction) as a percentage (``12,3 %``), or an em dash."""
    return spanish_percent(value, digits)


def unbroken(title: str) -> str:
    """A tile title whose last two words never part (``clase 0``, ``pago tardío``): the last space is
    non-breaking, so a narrow tile never leaves the ``0`` alone on a second line."""
    head, _, tail = title.rpartition(" ")
    return f"{head}\u00a0{tail}" if head else title


def with_tooltip(card: dbc.Card, card_id: str, text: str) -> html.Div:
    """``card`` (built with ``card_id``) plus a tooltip explaining it on hover."""
    return html.Div([card, dbc.Tooltip(text, target=card_id, placement="bottom")], className="h-100")


def kpi_row(summary: LogSummary | None) -> html.Div | dbc.Row:
    """The original's three tiles (total, mean and standard deviation of the prediction) and four more for the
    selected predictions, or an empty state when none matches."""
    if summary is None:
        return empty_state(NO_ROWS, icon="funnel")
    sources = " · ".join(f"{SOURCE_LABELS.get(k, k)} {integer(v)}" for k, v in summary.by_source.items())
    dates = f"préstamos {date_text(summary.first_date)} → {date_text(summary.last_date)}"
    last = summary.last_scored_at
    hour = f"{last:%H:%M} UTC · " if last is not None else ""
    requests = f"{integer(summary.requests)} solicitud{'' if round(summary.requests) == 1 else 'es'}"
    reference_std = "" if math.isnan(summary.reference_std) else f" · referencia {number(summary.reference_std, 3)}"
    cards = [
        ("count", kpi_card("Total predicciones", integer(summary.n), sources, icon="collection",
                           card_id=_kpi_id("count")),
         "Predicciones registradas en el log con los filtros elegidos, por fuente: período reservado (holdout), "
         "API y lotes."),
        ("mean", kpi_card("Predicción promedio", percent(summary.mean_prob_default),
                          "prob_default media (probabilidad de pago tardío)", icon="speedometer2",
                          card_id=_kpi_id("mean")),
         "Media de la probabilidad de pago tardío (Pago_atiempo = 0) que asignó el modelo; exacta."),
        ("std", kpi_card("Desviación estándar", number(summary.std_prob_default, 3),
                         f"de prob_default, ± {number(summary.std_bound, 4)}{reference_std}",
                         icon="distribute-vertical", card_id=_kpi_id("std")),
         "Desviación estándar (muestral) de prob_default. Se calcula sobre los 2.000 bins finos del puntaje que "
         "guardan los perfiles, con cada predicción en el centro de su bin: difiere de la exacta como mucho en la "
         "cota indicada (nunca más de 0,00125). La referencia es la del período de entrenamiento, calculada igual."),
        ("late", kpi_card("Predicho pago tardío", percent(summary.predicted_late_share),
                          f"umbral prob_default ≥ {number(summary.threshold, 3)}", color="danger",
                          icon="exclamation-triangle", card_id=_kpi_id("late")),
         "Proporción de predicciones del modelo con Pago_atiempo_pred = 0 (prob_default ≥ umbral). Es lo que "
         "predijo el modelo, no el resultado real."),
        ("bands", _band_card(summary), "Reparto de las predicciones en las bandas de riesgo fijadas al entrenar "
         "(ver Ficha del modelo). Alto equivale a predicho pago tardío."),
        ("latency", kpi_card("Latencia media", f"{number(summary.mean_latency_ms, 1)} ms",
                             f"por solicitud · {number(summary.latency_per_record_ms, 2)} ms por registro · "
                             f"{requests}", icon="stopwatch", color="secondary", card_id=_kpi_id("latency")),
         "Tiempo de validación y puntuación de cada solicitud (un lote entero es una solicitud) y ese tiempo "
         "repartido entre sus registros. Si el rango de fechas deja fuera parte de una solicitud (un lote con "
         "préstamos de varios días), esa solicitud cuenta en proporción a sus registros incluidos."),
        ("last", kpi_card("Última predicción", date_text(last) if last is not None else "—",
                          f"{hour}{dates} · {integer(summary.n_labelled)} con resultado real",
                          icon="clock-history", color="secondary", card_id=_kpi_id("last")),
         "Hora (UTC) de la predicción más reciente, rango de fechas de préstamo y cuántas tienen resultado real "
         "conocido (el período reservado y los lotes subidos con Pago_atiempo)."),
    ]
    widths = [3, 3, 3, 3, 4, 4, 4]  # the original's three tiles and the late share first, then three more
    return dbc.Row([dbc.Col(with_tooltip(card, _kpi_id(key), text), xs=12, md=6, xl=width)
                    for (key, card, text), width in zip(cards, widths, strict=True)], className="g-3")


def metric_cards(evaluation: LabelledEvaluation, training: dict[str, float]) -> dbc.Row:
    """One card per metric on the labelled rows, beside the value measured on the test period at training."""
    context = {"late_rate": percent(evaluation.late_rate), "threshold": number(evaluation.threshold, 3),
               "base_brier": number(evaluation.late_rate * (1 - evaluation.late_rate), 4)}
    # no icon on the first tile, as on the metric tiles beside it: its title then fits one line at 1400 px
    cols = [dbc.Col(with_tooltip(kpi_card("Con resultado\u00a0real", integer(evaluation.n),
                                          f"{integer(evaluation.n_late)} pagos tardíos "
                                          f"({percent(evaluation.late_rate)})",
                                          card_id=_kpi_id("labelled")), _kpi_id("labelled"),
                                 "Predicciones cuyo resultado real (Pago_atiempo) se conoce; las métricas de esta "
                                 "sección usan solo estas filas. Clase 0 = pago tardío."), xs=12, md=6, xl=True)]
    for key, (title, help_text) in METRIC_HELP.items():
        card_id = _kpi_id(key)
        card = kpi_card(unbroken(title), number(evaluation.metrics.get(key)),
                        f"prueba al entrenar: {number(training.get(key))}",
                        color="primary" if key != "brier" else "secondary", card_id=card_id)
        cols.append(dbc.Col(with_tooltip(card, card_id, help_text.format(**context)), xs=12, md=6, xl=True))
    return dbc.Row(cols, className="g-3")


def _band_card(summary: LogSummary) -> dbc.Card:
    bars = [dbc.Progress(value=share * 100, bar=True, color=BAND_COLORS.get(label, "secondary"),
                         label=percent(share, 0) if share >= 0.08 else "")
            for label, share in summary.band_shares.items()]
    legend = [html.Span([html.Span("■ ", style={"color": BAND_COLORS.get(label)}), f"{label} {percent(share)}"],
                        className="me-2") for label, share in summary.band_shares.items()]
    body = [html.Div([html.I(className="bi bi-bar-chart-steps me-2"), "Bandas de riesgo"],
                     className="text-muted small text-uppercase fw-semibold"),
            dbc.Progress(bars, className="my-2", style={"height": "1.6rem"}),
            html.Div(legend, className="small text-muted")]
    return dbc.Card(dbc.CardBody(body), className="shadow-sm h-100", id=_kpi_id("bands"))


def _kpi_id(key: str) -> str:
    return f"{ids.Charts.KPIS}-{key}"
