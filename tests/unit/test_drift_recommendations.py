"""Data Drift parity pieces on a small seeded profile: the recommendation per severity (never urgent on noise), the
band tiles, and the peak-PSI chart, table and trend text."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from test_drift_figures import BANDS, _frame, current, evolution_frame, profile, view  # noqa: F401 (fixtures)

from app.dashboard.figures.drift_peaks import psi_max_figure
from app.dashboard.tabs import drift_summary
from app.dashboard.tabs.drift_peaks import peaks_section, trend_box
from app.dashboard.tabs.drift_recommendations import recommend, recommendation_box
from app.services.drift import DriftView, ReferencePeriod
from app.services.drift.view import report_table
from modeling.drift import SCORE_NAME, STATUS_INSUFFICIENT, drift_report
from modeling.drift.peaks import max_psi_per_window
from modeling.drift.trend import TREND_RISING, psi_trend


def view_of(profile: dict, rows: pd.DataFrame) -> DriftView:  # noqa: F811 (the fixture's name, a parameter here)
    report = drift_report(profile, rows, scores=rows[SCORE_NAME], bands=BANDS)
    return DriftView("v1", ReferencePeriod(None, None, 3000), report, report_table(report, derived=()), len(rows),
                     None, None, {}, True)


def rows_of(n: int, shift: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = _frame(n, rng, shift)
    return frame.assign(**{SCORE_NAME: rng.beta(2, 20, n)})


def test_critical_drift_recommends_urgent_retraining(view):  # noqa: F811
    found = recommend(view)
    assert view.report.state == "Alto" and found.level == "CRÍTICO" and found.band == "Alto"
    assert "REENTRENAMIENTO URGENTE" in found.action and "monto" in found.finding
    assert "Acción recomendada" in str(recommendation_box(view))


def test_a_high_psi_within_noise_never_triggers_the_urgent_recommendation(profile):  # noqa: F811
    small = view_of(profile, rows_of(25, 1.5, seed=3))  # strongly shifted, but 25 rows cannot be told from noise
    monto = small.table.set_index("variable").loc["monto"]
    assert monto["psi"] > BANDS[1] and monto["status"] == STATUS_INSUFFICIENT
    found = recommend(small)
    assert found.level == "DATOS INSUFICIENTES" and "URGENTE" not in found.action
    assert "monto" in found.noise_note and "no es una alarma" in found.noise_note


def test_moderate_and_stable_levels(profile, view):  # noqa: F811
    stable = recommend(view_of(profile, rows_of(2000, 0.0, seed=4)))
    assert stable.level == "ESTABLE" and "rutinario" in stable.action and stable.noise_note is None
    moderate = dataclasses.replace(view, report=dataclasses.replace(view.report, state="Moderado"))
    found = recommend(moderate)
    assert found.level == "MODERADO" and "MONITOREO INTENSIVO" in found.action


def test_band_tiles_count_variables_per_band(view):  # noqa: F811
    counts = drift_summary.band_counts(view.table)
    text = str(drift_summary.band_tiles(view))
    for title in ("Variables con drift alto", "Variables con drift moderado", "Variables estables",
                  "Datos insuficientes"):
        assert title in text
    assert counts["Alto"] >= 1 and sum(counts.values()) == len(view.table)


def test_peak_chart_table_and_trend_text(evolution_frame):  # noqa: F811
    peaks = max_psi_per_window(evolution_frame)
    fig = psi_max_figure(peaks, BANDS, "month")
    line = fig.data[0]
    assert list(line.x) == ["2025-01", "2025-02", "2025-03"] and sorted(s.y0 for s in fig.layout.shapes) == list(BANDS)
    assert np.isnan(line.y[2]) and fig.data[-1].name == "Datos insuficientes"  # March: 20 rows
    section = str(peaks_section(peaks, psi_trend(peaks), BANDS, "month"))
    assert "monto" in section and "Aún no hay suficientes ventanas" in section and "800" in section
    assert section.index("2025-03") < section.index("2025-01-01 → 2025-01-31")  # newest first in the table
    starts = pd.date_range("2025-01-01", periods=8, freq="MS")
    rising = pd.DataFrame({"window_start": starts, "psi_max": np.linspace(0.02, 0.4, 8), "noise_level": 0.03,
                           "status": "drift"})
    trend = psi_trend(rising)
    text = str(trend_box(trend))
    assert trend.direction == TREND_RISING and "Tendencia en aumento" in text and "Recomendación" in text


def test_variable_counts_agree_in_number(profile, view):  # noqa: F811
    one = dataclasses.replace(view, report=dataclasses.replace(view.report, state="Moderado", causes=("monto",)))
    assert recommend(one).finding == "Drift moderado en 1 variable: monto."
    two = dataclasses.replace(one, report=dataclasses.replace(one.report, causes=("monto", "segmento")))
    assert recommend(two).finding.startswith("Drift moderado en 2 variables: ")
    for found in (recommend(view), recommend(one), recommend(two)):
        assert "(s)" not in f"{found.finding} {found.noise_note}"
    assert "(s)" not in str(trend_box(psi_trend(max_psi_per_window(pd.DataFrame()))))


def _panel_style(component, element_id: str) -> dict:
    """The inline style of the element with ``element_id`` or of its first child with a style."""
    found = [component]
    while found:
        node = found.pop(0)
        if getattr(node, "id", None) == element_id:
            while not getattr(node, "style", None):
                node = node.children if not isinstance(node.children, list) else node.children[0]
            return node.style
        children = getattr(node, "children", None)
        found.extend(children if isinstance(children, list) else [children] if children is not None else [])
    raise AssertionError(f"no {element_id}")


def test_the_banner_and_the_recommendation_share_the_state_colour(profile, view):  # noqa: F811
    from app.dashboard import ids
    from app.dashboard.style import BAND_BACKGROUNDS, BAND_COLORS

    for state in ("Alto", "Moderado", "Bajo", STATUS_INSUFFICIENT):
        shown = dataclasses.replace(view, report=dataclasses.replace(view.report, state=state))
        banner = _panel_style(drift_summary.status_banner(shown), ids.Drift.BANNER)
        advice = _panel_style(recommendation_box(shown), ids.Drift.RECOMMENDATION)
        assert banner == advice, state
    moderate = dataclasses.replace(view, report=dataclasses.replace(view.report, state="Moderado"))
    style = _panel_style(recommendation_box(moderate), ids.Drift.RECOMMENDATION)
    assert style["backgroundColor"] == BAND_BACKGROUNDS["Moderado"] and BAND_COLORS["Moderado"] in style["borderLeft"]
