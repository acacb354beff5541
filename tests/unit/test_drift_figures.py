"""Figure and component builders of the Data Drift tab, on a small seeded profile (no bundle, no server)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from app.dashboard.figures import drift as figures
from app.dashboard.figures import drift_evolution as evolution
from app.dashboard.tabs import drift as drift_tab
from app.dashboard.tabs import drift_summary, drift_table
from app.services.drift import DriftView, ReferencePeriod
from app.services.drift.view import report_table
from modeling.drift import SCORE_NAME, STATUS_INSUFFICIENT, build_reference_profile, drift_report, psi_evolution

BANDS = (0.10, 0.25)


def _frame(n: int, rng: np.random.Generator, shift: float) -> pd.DataFrame:
    return pd.DataFrame({"monto": rng.normal(shift, 1.0, n), "plazo": rng.choice([6.0, 12.0, 24.0], n),
                         "segmento": rng.choice(["A", "B", "C"], n, p=[0.5 - shift / 5, 0.3, 0.2 + shift / 5]),
                         "grupo": rng.choice(["x", "y"], n)})


@pytest.fixture(scope="module")
def profile() -> dict:
    rng = np.random.default_rng(0)
    return build_reference_profile(_frame(3000, rng, 0.0), numeric=["monto", "plazo"],
                                   categorical=["segmento", "grupo"], scores=rng.beta(2, 20, 3000))


@pytest.fixture(scope="module")
def current() -> pd.DataFrame:
    """800 shifted rows in January, 500 unshifted in February and 20 in March (too few to judge)."""
    rng = np.random.default_rng(1)
    parts = [_frame(800, rng, 1.2).assign(fecha=pd.Timestamp("2025-01-10")),
             _frame(500, rng, 0.0).assign(fecha=pd.Timestamp("2025-02-10")),
             _frame(20, rng, 0.0).assign(fecha=pd.Timestamp("2025-03-10"))]
    frame = pd.concat(parts, ignore_index=True)
    return frame.assign(**{SCORE_NAME: rng.beta(2, 20, len(frame))})


@pytest.fixture(scope="module")
def view(profile, current) -> DriftView:
    report = drift_report(profile, current, scores=current[SCORE_NAME], bands=BANDS)
    return DriftView("v1", ReferencePeriod(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"), 3000), report,
                     report_table(report, derived={"grupo"}), len(current), current["fecha"].min(),
                     current["fecha"].max(), {"api": len(current)}, True)


@pytest.fixture(scope="module")
def evolution_frame(profile, current) -> pd.DataFrame:
    return psi_evolution(profile, current, current["fecha"], freq="M", scores=current[SCORE_NAME], bands=BANDS)


def test_psi_bars_one_bar_per_variable_coloured_by_band_with_noise_and_band_lines(view):
    fig = figures.psi_bars(view.table, BANDS)
    bars, noise = fig.data
    assert len(bars.y) == len(view.table) and bars.y[-1] == view.table["variable"].iloc[0]  # largest on top
    by_name = dict(zip(bars.y, bars.marker.color, strict=True))
    row = view.table.iloc[0]
    assert row["variable"] == "monto" and row["band"] == "Alto" and by_name["monto"] == figures.BAND_COLORS["Alto"]
    assert by_name[f"{SCORE_NAME} (puntaje)"] in (figures.BAND_COLORS["Bajo"], figures.INSUFFICIENT_COLOR)
    assert list(noise.x) == pytest.approx(list(view.table["noise_level"].iloc[::-1]))
    assert sorted(shape.x0 for shape in fig.layout.shapes) == list(BANDS)
    assert fig.layout.title.text and fig.layout.xaxis.title.text == "PSI"


def test_psi_bars_greys_out_insufficient_data(view):
    table = view.table.copy()
    table.loc[0, "status"] = STATUS_INSUFFICIENT
    bars = figures.psi_bars(table, BANDS).data[0]
    assert bars.marker.color[-1] == figures.INSUFFICIENT_COLOR


def test_bin_shares_shows_reference_current_and_contributions(view):
    result = view.report.get("segmento")
    fig = figures.bin_shares(result)
    reference, actual, contribution = fig.data
    assert list(reference.x) == ["A", "B", "C", "Nueva (no vista)", "Faltante"]
    assert list(reference.y) == pytest.approx([100 * b.ref_share for b in result.bins])  # percent points
    assert list(actual.y[:3]) == pytest.approx([100 * b.cur_share for b in result.bins][:3])
    assert sum(v for v in contribution.y if v is not None) == pytest.approx(result.psi)
    assert "segmento" in fig.layout.title.text and "PSI" in fig.layout.title.text
    assert fig.layout.barmode == "group"


@pytest.mark.parametrize("builder", [lambda: figures.bin_shares(None), lambda: figures.psi_bars(pd.DataFrame(
    columns=["variable"]), BANDS), lambda: evolution.psi_heatmap(pd.DataFrame(), BANDS, "month")])
def test_empty_inputs_give_a_message_not_an_error(builder):
    fig = builder()
    assert isinstance(fig, go.Figure) and not fig.data
    assert "Sin datos" in fig.layout.annotations[0].text


def test_heatmap_greys_insufficient_windows_and_puts_the_score_first(evolution_frame):
    fig = evolution.psi_heatmap(evolution_frame, BANDS, "month")
    judged, grey = fig.data
    assert list(judged.x) == ["2025-01", "2025-02", "2025-03"]
    assert judged.y[0] == f"{SCORE_NAME} (puntaje)" and len(judged.y) == evolution_frame["variable"].nunique()
    z, mask = np.array(judged.z, dtype=float), np.array(grey.z, dtype=float)
    assert np.isnan(z[:, 2]).all() and (mask[:, 2] == 1).all()  # March: 20 rows
    assert all(text.startswith("n=20") for text in np.array(grey.text)[:, 2])
    row = list(judged.y).index("monto")
    january = evolution_frame.query("variable == 'monto'").iloc[0]
    assert z[row, 0] == pytest.approx(min(january["psi"], 2 * BANDS[1]))


@pytest.mark.parametrize("window, freq, first", [("week", "W", "2025-01-06"), ("day", "D", "2025-01-10")])
def test_week_and_day_windows_are_labelled_by_their_first_day(profile, current, window, freq, first):
    frame = psi_evolution(profile, current, current["fecha"], freq=freq, bands=BANDS)
    fig = evolution.psi_heatmap(frame, BANDS, window)
    assert fig.data[0].x[0] == first and fig.layout.xaxis.title.text == f"ventana ({evolution.WINDOW_NAMES[window]})"


def test_lines_show_chosen_variables_and_the_score_with_insufficient_windows_off_the_line(evolution_frame):
    fig = evolution.psi_lines(evolution_frame, ["monto"], BANDS, "month")
    names = [trace.name for trace in fig.data if trace.showlegend is not False]
    assert names == ["monto", f"{SCORE_NAME} (puntaje)"]
    line, noisy = fig.data[0], fig.data[1]
    assert line.y[2] is None or np.isnan(line.y[2])
    assert len(noisy.x) == 1 and int(noisy.customdata[0][1]) == 20
    assert {shape.type for shape in fig.layout.shapes} >= {"rect", "line"}
    assert fig.layout.yaxis.title.text == "PSI"


def test_band_counts_and_grid_rows(view):
    counts = drift_summary.band_counts(view.table)
    assert sum(counts.values()) == len(view.table) and counts["Alto"] >= 1
    rows = drift_table.rows(view)
    assert [r["variable"] for r in rows] == list(view.table["variable"])
    monto = rows[0]
    assert monto["band_label"] == "Alto" and monto["status"] == "Drift" and monto["type"] == "numérica"
    assert next(r for r in rows if r["variable"] == "grupo")["type"] == "derivada"
    assert all(v is None or not (isinstance(v, float) and np.isnan(v)) for r in rows for v in r.values())
    assert {c["field"] for c in drift_table.columns(BANDS)} <= set(monto)


def test_summary_names_the_causes(view):
    text = str(drift_summary.summary(view))
    assert "Drift alto" in text and "monto" in text and "Variables con drift alto" in text
    assert "🔴" not in text and "🟢" not in text  # coloured marks, no emoji font needed


def test_lines_clip_noisy_points_above_the_axis_and_mark_them(evolution_frame):
    frame = evolution_frame.copy()
    march = (frame["variable"] == "monto") & (frame["status"] == STATUS_INSUFFICIENT)
    frame.loc[march, "psi"] = 50.0
    fig = evolution.psi_lines(frame, ["monto"], BANDS, "month")
    noisy = fig.data[1]
    top = fig.layout.yaxis.range[1] / figures.HEADROOM
    assert noisy.y[0] == pytest.approx(top) and list(noisy.marker.symbol) == ["triangle-up-open"]
    assert noisy.y[0] < fig.layout.yaxis.range[1] and noisy.cliponaxis is False  # drawn whole, not cut at the edge
    assert noisy.customdata[0][3] == "50,0000"


class LayoutOnly:
    """What the tab's layout may read of the drift service: no report, no evolution."""

    bands = BANDS
    excluded = ("mes_prestamo",)
    model_version = "v1"

    def variables(self) -> list[tuple[str, str]]:
        return [("monto", "numeric"), (SCORE_NAME, "score")]

    def versions(self) -> list[str]:
        return ["v1", "v0"]

    def date_bounds(self, selection) -> None:
        return None

    def reference_period(self) -> ReferencePeriod:
        return ReferencePeriod(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"), 3000)


def test_the_tab_layout_reads_no_report_and_offers_every_source_by_default():
    page = str(drift_tab.layout(SimpleNamespace(drift=LayoutOnly())))
    assert "Todas las fuentes" in page and "'value': 'month'" in page and "v0" in page
    assert "Cada N filas" not in page


def test_numeric_bin_labels_read_as_spanish_numbers(view):
    assert figures.bin_text("[8.29e5, 9.142e5)") == "[829.000; 914.200)"
    assert figures.bin_text("(-inf, 0.125)") == "(−∞; 0,125)"
    assert figures.bin_text("[1.92e6, +inf)") == "[1.920.000; +∞)"
    assert figures.bin_text("[12, 1.5e-05)") == "[12; 0,000015)"
    assert figures.bin_text("[1.234, 1.235)") != figures.bin_text("[1.235, 1.236)")  # the label's digits kept
    for kept in ("A", "[x, y)", "Empleado, fijo", "[nan, 1)"):
        assert figures.bin_text(kept) == kept  # categories (and anything not a numeric interval) as they are
    result = view.report.get("monto")
    shown = list(figures.bin_shares(result).data[0].x)
    assert shown[-1] == "Faltante" and not any("e" in label for label in shown[:-1]), shown
    assert all(label.startswith(("(", "[")) for label in shown[:-1])


@pytest.mark.parametrize(("state", "color"), [("Alto", "danger"), ("Moderado", "warning"), ("Bajo", "success"),
                                               (STATUS_INSUFFICIENT, "secondary")])
def test_drifting_variables_card_takes_the_overall_state_colour(view, state, color):
    import dataclasses

    shown = dataclasses.replace(view, report=SimpleNamespace(state=state))
    card = next(c for c in drift_summary.kpi_row(shown).children if "Variables con drift" in str(c))
    value = card.children.children.children[1]
    assert value.className.split()[-1] == f"text-{color}"
    assert color == drift_summary.STATE_COLORS[state]  # the same colour as the state's band tile


def test_variable_column_is_wide_enough_for_the_longest_model_variable():
    from app.dashboard.grid_columns import name_width
    from modeling.data.schema import specs_for

    variable = next(c for c in drift_table.columns(BANDS) if c["field"] == "variable")
    longest = max((s.name for s in specs_for(("feature",))), key=len)
    assert variable["minWidth"] >= name_width(longest) and variable["wrapHeaderText"]


def test_type_column_shows_every_type_label_whole():
    kind = next(c for c in drift_table.columns(BANDS) if c["field"] == "type")
    longest = max(drift_table.TYPE_LABELS.values(), key=len)  # "categórica": about 8 px a character + padding
    assert kind["minWidth"] >= 8 * len(longest) + 36


def test_number_columns_fit_each_word_of_their_title_beside_the_filter_icon():
    """A wrapped title breaks between words, never inside one ("n actual" once read "actua / l" at 85 px): bold
    text about 8 px a character, the filter icon and padding about 50 px."""
    for column in drift_table.columns(BANDS):
        if column.get("type") == "rightAligned":
            longest = max(column["headerName"].split(), key=len)
            assert column["minWidth"] >= 8 * len(longest) + 50, (column["field"], longest)
