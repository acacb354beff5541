"""The challenger section's view functions on real comparisons (session bundle's reference profile): a month too
small to tell its score PSI from sampling noise is «datos insuficientes» (the Data Drift tab's rule) and drawn
grey, not as a value; the action buttons are disabled when they cannot act; numbers are written the Spanish way."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_performance_figures import _figure_texts, _texts, assert_spanish_numbers

from app.dashboard.figures import performance_challenger as figures
from app.dashboard.style import INSUFFICIENT
from app.dashboard.tabs.performance_challenger import button_states, comparison_view
from app.services.shadow.agreement import compare
from app.services.shadow.pairs import Pairs
from modeling.drift import SCORE_NAME, STATUS_INSUFFICIENT, classify, noise_level
from modeling.drift.profile import load_profile
from modeling.drift.psi import occupied_bins

LABELS = ["Bajo", "Medio", "Alto"]


def _pairs(rng: np.random.Generator, days: pd.DatetimeIndex) -> Pairs:
    n = len(days)
    a = rng.beta(1.5, 8, n)
    b = np.clip(a + rng.normal(0, 0.03, n), 0.001, 0.999)
    actual = np.where(rng.random(n) < 0.5, np.where(rng.random(n) < a, 0, 1), -1)
    bands = lambda p: np.where(p < 0.1, "Bajo", np.where(p < 0.3, "Medio", "Alto"))  # noqa: E731
    frame = pd.DataFrame({
        "day": days, "source": "api", "champion": "v1", "champion_prob": a, "champion_pred": np.where(a >= 0.3, 0, 1),
        "champion_band": bands(a), "challenger_prob": b, "challenger_pred": np.where(b >= 0.3, 0, 1),
        "challenger_band": bands(b), "actual": pd.array(np.where(actual < 0, None, actual), dtype="Int64")})
    return Pairs("v2", frame, n)


def _comparison(bundle):
    """Two full months (about 3,000 loans each) and a third with 40 loans."""
    rng = np.random.default_rng(8)
    days = np.r_[pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 59, 6_000), unit="D"),
                 pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 31, 40), unit="D")]
    refs = {"champion": bundle.reference_profile, "challenger": bundle.reference_profile}
    pairs = _pairs(rng, pd.DatetimeIndex(days))
    return pairs, compare(pairs, refs, (LABELS, LABELS))


def test_a_small_month_of_score_drift_is_insufficient_and_drawn_grey(bundle):
    pairs, cmp = _comparison(bundle)
    drift = cmp.drift
    small = drift["month"] == pd.Timestamp("2025-03-01")
    assert (drift.loc[small, "n"] == 40).all() and (drift.loc[small, "status"] == STATUS_INSUFFICIENT).all()
    assert (drift.loc[~small, "status"] != STATUS_INSUFFICIENT).all()
    score = load_profile(bundle.reference_profile).score
    f = pairs.frame
    for row in drift.itertuples():  # the Data Drift tab's noise level and status for this month's scores
        probs = f.loc[f["day"].dt.to_period("M").dt.to_timestamp() == row.month, f"{row.model}_prob"]
        counts, _ = score.current_counts(pd.Series(probs.to_numpy(), name=SCORE_NAME))
        expected = noise_level(int(score.counts.sum()), len(probs), int(occupied_bins(score.counts, counts).sum()))
        assert row.noise_level == pytest.approx(expected)
        assert row.status == classify(row.psi, expected, len(probs))[0]
    fig = figures.score_drift(cmp)
    for model, label in figures.MODEL_LABELS.items():
        line = next(t for t in fig.data if t.name == label)
        y = pd.Series(line.y, index=pd.to_datetime(line.x), dtype=float)
        assert np.isnan(y[pd.Timestamp("2025-03-01")]) and y.drop(pd.Timestamp("2025-03-01")).notna().all()
        grey = next(t for t in fig.data if t.name == f"{label}: datos insuficientes")
        assert grey.marker.color == INSUFFICIENT and list(pd.to_datetime(grey.x)) == [pd.Timestamp("2025-03-01")]
        assert "Datos insuficientes" in grey.hovertemplate and model in drift["model"].to_numpy()


def test_the_comparison_writes_numbers_the_spanish_way(bundle):
    _, cmp = _comparison(bundle)
    assert_spanish_numbers(_texts(comparison_view(cmp)))
    for fig in (figures.band_changes(cmp), figures.score_pairs(cmp), figures.score_drift(cmp)):
        assert fig.layout.separators == ",."
        assert_spanish_numbers(_figure_texts(fig))


def test_buttons_are_disabled_when_they_cannot_act():
    status = {"served": "v1", "challenger": "v2", "previous": None, "versions": ["v1", "v2", "v3"]}
    assert button_states(status, "v2") == (True, False, True)  # already the challenger; no previous champion
    assert button_states(status, "v3") == (False, False, True)
    assert button_states(status, "v1") == (True, True, True)  # the champion itself
    assert button_states(status, None) == (True, True, True)
    promoted = {**status, "served": "v2", "previous": "v1"}  # v2 promoted: it is the champion, not a challenger
    assert button_states(promoted, "v3") == (False, False, False)
    assert button_states({**promoted, "challenger": "v3"}, "v3") == (True, False, False)


@pytest.mark.parametrize(("total", "expected"), [(None, "6.040 más recientes"), (6_040, "6.040"),
                                                 (250_000, "6.040 de 250.000")])
def test_the_loan_count_says_when_it_was_cut(bundle, total, expected):
    pairs, _ = _comparison(bundle)
    refs = {"champion": bundle.reference_profile, "challenger": bundle.reference_profile}
    cmp = compare(Pairs(pairs.challenger, pairs.frame, total), refs, (LABELS, LABELS))
    assert expected in _texts(comparison_view(cmp))
