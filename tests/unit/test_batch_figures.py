"""Figures of the Predicciones por Lotes tab: band mix and score histogram, titled, labelled, coloured."""
from __future__ import annotations

import numpy as np
import pytest

from app.dashboard.figures.batch import probability_histogram, risk_band_bar
from app.dashboard.style import BAND_COLORS


def test_band_bar_follows_the_bundle_order_with_counts_shares_and_band_colours():
    fig = risk_band_bar({"Alto": 3, "Bajo": 6}, ["Bajo", "Medio", "Alto"])
    bar = fig.data[0]
    assert list(bar.x) == ["Bajo", "Medio", "Alto"] and list(bar.y) == [6, 0, 3]
    assert list(bar.marker.color) == [BAND_COLORS["Bajo"], BAND_COLORS["Medio"], BAND_COLORS["Alto"]]
    assert bar.text[0] == "6 (66,7 %)" and bar.text[1] == "0 (0,0 %)"
    assert fig.layout.separators == ",."
    assert fig.layout.title.text and fig.layout.xaxis.title.text == "Banda de riesgo"


def test_band_bar_keeps_unknown_bands_and_survives_no_rows():
    assert list(risk_band_bar({"Otro": 2}, ["Bajo"]).data[0].x) == ["Bajo", "Otro"]
    assert list(risk_band_bar({}, ["Bajo", "Alto"]).data[0].y) == [0, 0]


def test_histogram_draws_the_binned_counts_and_the_threshold():
    counts, edges = np.histogram([0.01, 0.02, 0.2, 0.5], bins=4)
    fig = probability_histogram(edges.tolist(), counts.tolist(), threshold=0.1)
    bar = fig.data[0]
    assert list(bar.y) == counts.tolist() and np.allclose(bar.width, np.diff(edges))
    assert [shape.x0 for shape in fig.layout.shapes] == [0.1]
    assert "prob_default" in fig.layout.xaxis.title.text and fig.layout.yaxis.title.text == "Filas"
    assert not probability_histogram([], [], None).layout.shapes


def test_histogram_axis_starts_at_a_labelled_zero_below_the_lowest_score():
    fig = probability_histogram([0.02, 0.04, 0.06], [5, 2], threshold=0.1)
    assert fig.layout.xaxis.range == pytest.approx((0, 0.102)) and fig.layout.xaxis.tick0 == 0  # reaches the threshold
    assert probability_histogram([0.3, 0.5], [1], None).layout.xaxis.range[0] == 0
