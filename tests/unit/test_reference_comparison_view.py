"""The Gráficas tab's comparison with the reference: small multiples and table from median comparisons (open
intervals, a variable without current values, drift colouring, Spanish numbers)."""
from __future__ import annotations

from app.dashboard.figures.charts_reference import interval_text, median_bars, value_text
from app.dashboard.style import BAND_COLORS, PRIMARY
from app.dashboard.tabs.charts_reference import reference_section
from app.services.drift.comparison import MedianComparison
from modeling.drift.medians import BinnedMedian


def items() -> list[MedianComparison]:
    return [MedianComparison("capital_prestado", BinnedMedian(1_810_069.4, 1_700_000, 1_900_000, 900),
                             BinnedMedian(2_421_476.2, 2_244_045, None, 300), 0.338, "drift", True, 0.31),
            MedianComparison("edad_cliente", BinnedMedian(42.7, 40, 45, 900), BinnedMedian(43.0, 42, 47, 300),
                             0.007, "stable", False, 0.01),
            MedianComparison("puntaje_datacredito", BinnedMedian(790, 780, 800, 900), None, float("nan"),
                             "insufficient data", False, None)]


def test_numbers_and_intervals_read_spanish():
    assert value_text(2_421_476.2) == "2.421.476" and value_text(42.7) == "42,7" and value_text(43.0) == "43"
    assert interval_text(2_244_045, None) == "más de 2.244.045" and interval_text(None, 5.5) == "menos de 5,5"
    assert interval_text(42, 47) == "entre 42 y 47" and interval_text(None, None) == "sin cota"


def test_small_multiples_one_chart_per_variable_coloured_by_drift():
    fig = median_bars(items())
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["capital_prestado · drift", "edad_cliente · estable", "puntaje_datacredito · datos insuficientes"]
    capital_ref, capital_cur, _, edad_cur, puntaje_ref = fig.data
    assert capital_cur.marker.color == BAND_COLORS["Alto"] and edad_cur.marker.color == PRIMARY
    assert capital_cur.error_y.array[0] == 0 and capital_cur.error_y.arrayminus[0] > 0  # open above: no upper bar
    assert list(edad_cur.text) == ["43"] and list(capital_ref.text) == ["1.810.069"] and fig.layout.separators == ",."
    assert puntaje_ref.x == ("Referencia",) and len(fig.data) == 5  # no current bar without current values


def test_table_rows_and_empty_state():
    text = str(reference_section(items()))
    assert "+33,8 %" in text and "más de 2.244.045" in text and "sin valores" in text and "0,310" in text
    assert "No hay predicciones registradas" in str(reference_section([]))
