"""The dashboard's one Spanish way of writing numbers, percentages, dates and sizes."""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import plotly.graph_objects as go

from app.dashboard import formatting as fmt
from app.dashboard.style import GRAPH_CONFIG, SEPARATORS, style_figure


def test_thousands_use_dots_and_decimals_a_comma():
    assert fmt.integer(1234567) == "1.234.567"
    assert fmt.integer(999) == "999" and fmt.integer(-4500) == "-4.500"
    assert fmt.integer(np.int64(5162)) == "5.162" and fmt.integer(12.6) == "13"
    assert fmt.decimal(1234.5, 2) == "1.234,50" and fmt.decimal(0.05, 3) == "0,050"


def test_percentages_have_a_comma_and_a_space_before_the_sign():
    assert fmt.percent(0.123) == "12,3 %" and fmt.percent(0.48) == "48,0 %"
    assert fmt.percent(0.12345, 2) == "12,35 %" and fmt.percent(1) == "100,0 %"
    assert fmt.count_share(5162, 0.48) == "5.162 (48,0 %)"


def test_missing_values_are_a_dash():
    assert fmt.integer(None) == fmt.decimal(float("nan")) == fmt.percent(None) == fmt.MISSING == "—"
    assert fmt.date_text(None) == fmt.datetime_text(None) == "—"


def test_dates_in_iso_order_as_the_pickers_write_them():
    assert fmt.date_text(date(2025, 3, 1)) == "2025-03-01"
    assert fmt.date_text(datetime(2025, 3, 1, 14, 5)) == "2025-03-01"
    assert fmt.datetime_text(datetime(2025, 3, 1, 14, 5, 9)) == "2025-03-01 14:05:09"
    assert fmt.datetime_text(datetime(2025, 3, 1, 14, 5, 9), seconds=False) == "2025-03-01 14:05"


def test_a_window_is_written_by_its_granularity():
    start = datetime(2026, 8, 1)
    assert fmt.window_label(start, "month") == "2026-08"
    assert fmt.window_label(date(2026, 8, 3), "week") == fmt.window_label("2026-08-03", "day") == "2026-08-03"
    assert fmt.window_label(None, "month") == fmt.window_label(float("nan"), "week") == fmt.MISSING
    assert fmt.window_label(np.datetime64("NaT"), "month") == fmt.MISSING


def test_sizes_in_binary_units_with_a_comma():
    assert fmt.size(512) == "512 B"
    assert fmt.size(1536) == "1,5 KB"
    assert fmt.size(int(1.2 * 2**20)) == "1,2 MB"
    assert fmt.size(3 * 2**30) == "3,0 GB"


def test_durations():
    assert fmt.duration(45.4) == "45 s" and fmt.duration(185) == "3 min 05 s"


def test_figures_and_grids_use_the_same_separators():
    fig = style_figure(go.Figure(go.Bar(x=[1], y=[2])), "Título", "x", "y")
    assert fig.layout.separators == SEPARATORS == ",." and fig.layout.title.text == "Título"
    assert fig.layout.xaxis.title.text == "x" and GRAPH_CONFIG["displaylogo"] is False
    assert "decimal: ','" in fmt.GRID_NUMBER["function"] and "thousands: '.'" in fmt.GRID_NUMBER["function"]
    assert "' %'" in fmt.grid_percent(1)["function"]
