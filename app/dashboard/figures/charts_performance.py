"""Pure plotly figures of the model's performance on rows with known outcomes (class 0 = late payment).

Data in (:class:`~app.services.performance.LabelledEvaluation`) → ``go.Figure`` out. No Dash imports.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.dashboard.figures.charts import BAND_COLORS, CURRENT_COLOR, OBSERVED_COLOR, REFERENCE_COLOR, style
from app.dashboard.formatting import HOVER_PERCENT, decimal, integer, percent
from app.dashboard.style import percent_axis
from app.services.performance import LabelledEvaluation

CLASS_LABELS = ("Pago tardío (0)", "Pago a tiempo (1)")
_OPERATING = {"color": "#212121", "size": 12, "symbol": "diamond", "line": {"color": "white", "width": 1}}


def confusion_heatmap(evaluation: LabelledEvaluation) -> go.Figure:
    """Counts of actual vs predicted Pago_atiempo at the bundle's threshold, with each cell's share of its row."""
    matrix = evaluation.confusion
    row_totals = matrix.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(row_totals > 0, matrix / row_totals, np.nan)
    text = [[f"{integer(count)}<br>({percent(share)} de la fila)" if np.isfinite(share) else integer(count)
             for count, share in zip(row, share_row, strict=True)] for row, share_row in zip(matrix, shares,
                                                                                             strict=True)]
    fig = go.Figure(go.Heatmap(
        z=matrix, x=list(CLASS_LABELS), y=list(CLASS_LABELS), text=text, texttemplate="%{text}",
        colorscale="Blues", showscale=False, textfont={"size": 14},
        hovertemplate="Real: %{y}<br>Predicción: %{x}<br>%{z:,} préstamos<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return style(fig, f"Matriz de confusión · umbral {decimal(evaluation.threshold, 3)}",
                 "Predicción del modelo", "Resultado real")


def roc_figure(evaluation: LabelledEvaluation) -> go.Figure:
    """ROC curve of class 0 with the chance diagonal and the operating point at the threshold."""
    roc, point = evaluation.roc, evaluation.operating_point
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="Azar", line={"color": REFERENCE_COLOR, "dash": "dash"},
                    hoverinfo="skip")
    fig.add_scatter(x=roc["fpr"], y=roc["tpr"], mode="lines", name="Modelo", line={"color": CURRENT_COLOR, "width": 2},
                    customdata=np.c_[roc["threshold"], 100 * roc["fpr"], 100 * roc["tpr"]],
                    hovertemplate="umbral %{customdata[0]:.3f}<br>FPR %{customdata[1]:.1f} % · recall "
                                  "%{customdata[2]:.1f} %<extra></extra>")
    _operating_point(fig, point["fpr"], point["recall"], evaluation.threshold)
    percent_axis(fig, 1.0, "x", range=[0, 1])
    percent_axis(fig, 1.0, "y", range=[0, 1.02])
    return style(fig, f"Curva ROC · AUC {decimal(evaluation.metrics['roc_auc'], 3)}",
                 "FPR: pagos a tiempo marcados", "Recall clase 0")


def pr_figure(evaluation: LabelledEvaluation) -> go.Figure:
    """Precision-recall curve of class 0 with the chance level (the late-payment rate) and the operating point."""
    pr, point = evaluation.pr, evaluation.operating_point
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[evaluation.late_rate] * 2, mode="lines",
                    name=f"Azar ({percent(evaluation.late_rate)})",
                    line={"color": REFERENCE_COLOR, "dash": "dash"}, hoverinfo="skip")
    fig.add_scatter(x=pr["recall"], y=pr["precision"], mode="lines", name="Modelo",
                    line={"color": CURRENT_COLOR, "width": 2},
                    customdata=np.c_[pr["threshold"], 100 * pr["recall"], 100 * pr["precision"]],
                    hovertemplate="umbral %{customdata[0]:.3f}<br>recall %{customdata[1]:.1f} % · precisión "
                                  "%{customdata[2]:.1f} %<extra></extra>")
    _operating_point(fig, point["recall"], point["precision"], evaluation.threshold)
    percent_axis(fig, 1.0, "x", range=[0, 1])
    percent_axis(fig, 1.0, "y", rangemode="tozero")
    return style(fig, f"Precisión-recall · AP {decimal(evaluation.metrics['pr_auc_0'], 3)}",
                 "Recall clase 0", "Precisión clase 0")


def calibration_figure(evaluation: LabelledEvaluation) -> go.Figure:
    """Observed late-payment rate (95 % Wilson interval) against the mean predicted probability, per group of
    about equal counts, beside the diagonal of perfect calibration."""
    table = evaluation.calibration
    top = float(np.nanmax([table["observed_high"].max(), table["mean_predicted"].max(), 0.01])) * 1.05
    fig = go.Figure()
    fig.add_scatter(x=[0, top], y=[0, top], mode="lines", name="Calibración perfecta",
                    line={"color": REFERENCE_COLOR, "dash": "dash"}, hoverinfo="skip")
    fig.add_scatter(x=table["mean_predicted"], y=table["observed_rate"], mode="lines+markers", name="Modelo",
                    line={"color": OBSERVED_COLOR}, marker={"size": 9},
                    error_y={"type": "data", "symmetric": False, "thickness": 1,
                             "array": table["observed_high"] - table["observed_rate"],
                             "arrayminus": table["observed_rate"] - table["observed_low"]},
                    customdata=np.c_[table[["n", "late", "low", "high"]].to_numpy(float),
                                     100 * table["mean_predicted"], 100 * table["observed_rate"]],
                    hovertemplate=("predicha %{customdata[4]:.2f} % · real %{customdata[5]:.2f} %<br>"
                                   "%{customdata[1]:,} tardíos de "
                                   "%{customdata[0]:,}<br>puntajes %{customdata[2]:.3f}–%{customdata[3]:.3f}"
                                   "<extra></extra>"))
    percent_axis(fig, top, "x", range=[0, top])
    percent_axis(fig, top, "y", range=[0, top])
    return style(fig, f"Calibración · {len(table)} grupos",
                 "Probabilidad media predicha", "Tasa real de pago tardío")


def threshold_figure(evaluation: LabelledEvaluation) -> go.Figure:
    """Recall and precision of class 0 and the share of loans flagged, as functions of the threshold."""
    curve = evaluation.threshold_curve
    fig = go.Figure()
    for column, name, color in (("recall_0", "Recall clase 0", CURRENT_COLOR),
                                ("precision_0", "Precisión clase 0", OBSERVED_COLOR),
                                ("flagged_share", "% marcados como pago tardío", BAND_COLORS["Alto"])):
        fig.add_scatter(x=curve["threshold"], y=curve[column], mode="lines", name=name,
                        line={"color": color, "width": 2, "dash": "dot" if column == "flagged_share" else "solid"},
                        customdata=100 * curve[column], hovertemplate=f"{name}: {HOVER_PERCENT}<extra></extra>")
    fig.add_vline(x=evaluation.threshold, line_dash="dash", line_color="#212121",
                  annotation_text=f"Umbral {decimal(evaluation.threshold, 3)}", annotation_position="top right")
    readable = curve.loc[curve["flagged_share"] >= 0.01, "threshold"]  # beyond: fewer than 1 % flagged
    right = max(float(readable.max()) if len(readable) else 1.0, evaluation.threshold * 1.5)
    fig.update_xaxes(range=[0, min(right, 1.0)])
    percent_axis(fig, 1.0, "y", range=[0, 1.02])
    fig.update_layout(hovermode="x unified")
    return style(fig, "Recall y precisión según el umbral", "Umbral sobre prob_default", "Proporción")


def _operating_point(fig: go.Figure, x: float, y: float, threshold: float) -> None:
    fig.add_scatter(x=[x], y=[y], mode="markers", name=f"Umbral {decimal(threshold, 3)}", marker=_OPERATING,
                    hovertemplate=(f"Punto de operación (umbral {decimal(threshold, 3)})<br>{percent(x)}; "
                                   f"{percent(y)}<extra></extra>"))
