"""Section builders of the Desempeño tab: status banner (alerts, calibration), summary table, expected confusion
matrix and the outcomes upload report. No callbacks here."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from app.dashboard.components import data_grid, problems_alert
from app.dashboard.figures.performance_over_time import METRIC_LABELS, overall_table
from app.dashboard.formatting import decimal, integer, percent, window_label
from app.dashboard.messages import problem_text
from app.services.outcomes import OutcomeReport
from app.services.outcomes.upload import OutcomeFile, report_rows
from app.services.performance.over_time import PerformanceOverTime

STATUS_LABELS = {"recorded": "registrados", "overwritten": "sobrescritos", "unchanged": "sin cambios",
                 "duplicate": "duplicados (aplicados una vez)", "invalid": "inválidos", "unknown": "desconocidos",
                 "conflict": "en conflicto", "duplicate_conflict": "duplicados contradictorios"}
UNRELIABLE = ("Estimación no fiable: la calibración de prob_default es deficiente en los préstamos con resultado "
              "(ECE {ece}, p {p}). El desempeño estimado (CBPE) supone probabilidades calibradas.")
MISMATCH = ("La estimación no coincide con lo observado en este período: la calibración no se sostiene con estos "
            "datos; confíe en los valores observados.")
MISMATCH_MARK = " · no coincide con lo observado"
STATE_LABELS = {"ok": "correcto", "alert": "ALERTA", "worse_than_floor": "peor que el límite (no significativo)",
                "insufficient": "datos insuficientes", "no_reference": "sin referencia", "empty": "—"}
CONFUSION_LEGEND = ("VP: verdaderos positivos (pago tardío previsto y real) · FP: falsos positivos (tardío previsto, "
                    "pagó a tiempo) · FN: falsos negativos (a tiempo previsto, pagó tarde) · VN: verdaderos negativos "
                    "(a tiempo previsto y real). Valores esperados (CBPE), no observados.")
SUMMARY_WIDTHS = {"Métrica": "16%", "Real": "22%", "n": "8%", "Estimado (CBPE)": "24%", "Prueba": "8%",
                  "Estado": "22%"}  # at 1400 px an interval (0,749 [0,723; 0,775]) fits on one line
SUMMARY_ALIGN = {"n": "text-end", "Prueba": "text-end"}
UNKNOWN = ("Calibración desconocida: faltan préstamos con resultado para comprobarla; el desempeño estimado supone "
           "probabilidades calibradas.")


def status_banner(view: PerformanceOverTime) -> html.Div:
    """Alerts (metric, window, value, interval, floor), and the calibration verdict for the CBPE estimate."""
    items = []
    alerts = view.alerts
    if len(alerts):
        lines = [html.Li(f"{METRIC_LABELS.get(a.metric, a.metric)} · {_window(a.window, view.granularity)}: "
                         f"{decimal(a.value, 3)} "
                         f"[{decimal(a.low, 3)}; {decimal(a.high, 3)}], límite {decimal(a.floor, 3)}")
                 for a in alerts.itertuples()]
        items.append(dbc.Alert([html.Strong(f"Alertas de desempeño ({len(alerts)}): el intervalo de confianza queda "
                                            "del lado malo del límite"), html.Ul(lines[:20], className="mb-0 mt-2")],
                               color="danger", id="perf-alerts"))
    else:
        items.append(dbc.Alert("Sin alertas: ninguna métrica queda de forma significativa peor que su límite "
                               f"({percent(view.options.floor_ratio, 0)} del valor en prueba).", color="success",
                               id="perf-alerts"))
    calibration = view.calibration
    if calibration.status == "poor":
        text = UNRELIABLE.format(ece=decimal(calibration.ece, 3), p=_p_value(calibration.p_value))
        items.append(dbc.Alert(text, color="warning", id="perf-calibration-status"))
    elif calibration.status == "unknown":
        items.append(dbc.Alert(UNKNOWN, color="secondary", id="perf-calibration-status"))
    else:
        items.append(dbc.Alert(calibration_text(view), color="warning" if len(view.mismatches) else "info",
                               id="perf-calibration-status"))
    mismatch = mismatch_alert(view)
    if mismatch is not None:
        items.append(mismatch)
    return html.Div(items)


def calibration_text(view: PerformanceOverTime) -> str:
    """The verdict on a calibration that passed its check: usable, or (when the estimate-vs-observed check found
    windows apart) a low overall ECE that does not hold on the recent windows."""
    calibration = view.calibration
    where = f"en {integer(calibration.n)} préstamos con resultado (ECE {decimal(calibration.ece, 3)})"
    if len(view.mismatches):
        return (f"El error de calibración global es bajo {where}; sin embargo, la estimación CBPE no se sostiene en "
                "las ventanas recientes: no coincide con lo observado (abajo).")
    return f"Calibración adecuada {where}: la estimación CBPE es utilizable."


def mismatch_alert(view: PerformanceOverTime) -> dbc.Alert | None:
    """Where realised and estimated intervals do not overlap: the warning and each metric and window."""
    found = view.mismatches
    if found.empty:
        return None
    lines = [html.Li(f"{METRIC_LABELS.get(m.metric, m.metric)} · {_window(m.window, view.granularity)}: "
                     "observado "
                     f"{decimal(m.value, 3)} [{decimal(m.low, 3)}; {decimal(m.high, 3)}], estimado "
                     f"{decimal(m.value_est, 3)} [{decimal(m.low_est, 3)}; {decimal(m.high_est, 3)}]")
             for m in found.itertuples()]
    return dbc.Alert([html.Strong(MISMATCH), html.Ul(lines[:20], className="mb-0 mt-2")], color="warning",
                     id="perf-estimate-mismatch")


def summary_grid(view: PerformanceOverTime) -> Any:
    """Whole-selection metrics: realised and estimated with 95 % intervals, test value, status. The intervals keep
    to one line (``text-nowrap``); the metric and status columns wrap instead."""
    table = overall_table(view)
    found = view.mismatches
    apart = table["metric"].isin(found.loc[found["window"].isna(), "metric"])
    table["Estado"] = table.pop("status").map(STATE_LABELS)
    header = html.Thead(html.Tr([html.Th(name, className=SUMMARY_ALIGN.get(name, ""), style={"width": width})
                                 for name, width in SUMMARY_WIDTHS.items()]))
    body = html.Tbody([html.Tr([html.Td(_summary_cell(row[name], name, bool(mark)),
                                        className=SUMMARY_ALIGN.get(name, "")) for name in SUMMARY_WIDTHS])
                       for (_, row), mark in zip(table.iterrows(), apart, strict=True)])
    grid = dbc.Table([header, body], striped=True, bordered=False, hover=True, size="sm", className="mb-0 small",
                     id="perf-summary-table")
    if not apart.any():
        return grid
    return html.Div([grid, html.Div(MISMATCH, className="small text-danger mt-1", id="perf-summary-mismatch")])


def _summary_cell(value: str, column: str, mismatch: bool) -> Any:
    if column not in ("Real", "Estimado (CBPE)"):
        return value
    interval = html.Span(value, className="text-nowrap")
    return [interval, MISMATCH_MARK] if mismatch and column != "Real" else interval


def confusion_table(view: PerformanceOverTime) -> Any:
    """Expected confusion matrix (CBPE) of the whole selection and of the latest window."""
    cm = view.confusion
    shown = pd.concat([cm[cm["window"].isna()], cm[cm["window"].notna()].tail(1)])
    columns = [("VP", "Verdaderos positivos: pago tardío previsto y real"),
               ("FP", "Falsos positivos: pago tardío previsto, pagó a tiempo"),
               ("FN", "Falsos negativos: pago a tiempo previsto, pagó tarde"),
               ("VN", "Verdaderos negativos: pago a tiempo previsto y real")]
    header = html.Thead(html.Tr([html.Th("Período"), *[html.Th(html.Abbr(name, title=tip), className="text-end",
                                                                  style={"width": "17%"}) for name, tip in columns]]))
    body = html.Tbody([html.Tr([html.Td(_window(r.window, view.granularity)),
                                *[html.Td(decimal(v, 1), className="text-end") for v in (r.tp, r.fp, r.fn, r.tn)]])
                       for r in shown.itertuples()])
    table = dbc.Table([header, body], striped=True, bordered=False, hover=True, size="sm", className="mb-1",
                      id="perf-confusion-table")
    return html.Div([table, html.Div(CONFUSION_LEGEND, className="small text-muted", id="perf-confusion-legend")])


def upload_report(read: OutcomeFile, report: OutcomeReport | None) -> Any:
    """The file's problems, or the call's summary and every refused row (spreadsheet row numbers)."""
    if read.problems:
        return problems_alert(f"{read.filename}: no se pudo leer", read.problems)
    assert report is not None
    counts = report.counts
    badges = [dbc.Badge(f"{integer(n)} {STATUS_LABELS[s]}", color=_badge_color(s), className="me-2")
              for s, n in counts.items() if n]
    body: list[Any] = [html.Div([html.Strong(f"{read.filename}: {integer(len(report.results))} filas. "), *badges],
                                id="perf-upload-summary", className="mb-2")]
    refused = [r for r in report.results if r["status"] not in ("recorded", "overwritten", "unchanged",
                                                                "duplicate")]
    if refused:
        table = report_rows(refused)
        table["status"] = table["status"].map(STATUS_LABELS)
        table["problems"] = table.get("problems", pd.Series(dtype=object)).map(_problem_text)
        columns = [{"field": c, "headerName": c} for c in table.columns]
        body.append(data_grid("perf-upload-grid", table.astype(object).where(table.notna(), None).to_dict("records"),
                              columns, height="300px", page_size=20))
    return html.Div(body)


def _problem_text(problems: Any) -> str:
    if not isinstance(problems, list):
        return ""
    return "; ".join(problem_text(p) for p in problems)


def _badge_color(status: str) -> str:
    return {"recorded": "success", "overwritten": "primary", "unchanged": "secondary",
            "duplicate": "secondary"}.get(status, "danger")


def _p_value(p: float) -> str:
    return "< 0,001" if p < 0.001 else f"= {decimal(p, 3)}"


def _window(start: Any, granularity: str) -> str:
    return "todo el período" if pd.isna(start) else window_label(pd.Timestamp(start), granularity)
