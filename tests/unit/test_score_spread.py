"""The Gráficas tab's standard deviation of prob_default from the fine bins: within its stated bound of the exact
value on the rows of a real log (every selection), the bound below 0.00125, and the reference computed alike."""
from __future__ import annotations

import numpy as np
import pytest
from performance_log import fill_log, logged_rows
from selected_rows import selected
from test_performance_service import selections, service_of

from app.services.log.store import PredictionLog
from app.services.performance.score_spread import binned_std
from app.services.performance.versions import fine_bounds
from app.services.profiles import ProfileLayout

WORST_BOUND = 0.00125  # half of the widest fine bin (0.01 in logit at p = 0.5)


def test_binned_std_is_within_its_bound_of_the_rows(bundle, log_url):
    log = PredictionLog.from_url(log_url)
    fill_log(log, bundle)
    service = service_of(bundle, log)
    rows = logged_rows(log, bundle.model_version)
    errors = []
    for selection in selections(rows["day"])[::3]:
        chosen = selected(rows, selection)["prob_default"]
        summary = service.summary(selection)
        exact = chosen.std()  # pandas, ddof 1: the original's Desviación Estándar
        if len(chosen) < 2:
            assert np.isnan(summary.std_prob_default)
            continue
        assert 0 < summary.std_bound <= WORST_BOUND
        assert abs(summary.std_prob_default - exact) <= summary.std_bound, selection
        errors.append(abs(summary.std_prob_default - exact))
    assert max(errors) > 0  # an estimate from bins, not the rows in disguise
    scores = bundle.load_frame("reference")["prob_default"].to_numpy()
    assert abs(service.summary(selections(rows["day"])[0]).reference_std - scores.std(ddof=1)) <= WORST_BOUND
    log.dispose()


def test_bound_holds_at_the_extremes_and_small_samples() -> None:
    layout_edges = fine_bounds(ProfileLayout("v", ("Bajo",), (), {"version": 1, "variables": {}}))
    rng = np.random.default_rng(5)
    for scores in (rng.beta(0.3, 0.3, 5000), rng.uniform(0, 1e-6, 50), np.array([0.2, 0.9]), rng.beta(2, 30, 7)):
        counts = np.bincount(np.searchsorted(layout_edges[1:-1], scores, side="right"),
                             minlength=layout_edges.size - 1)
        spread = binned_std(counts, layout_edges)
        assert abs(spread.std - scores.std(ddof=1)) <= spread.bound <= WORST_BOUND
    assert np.isnan(binned_std(np.array([0, 1, 0]), np.array([0, 0.3, 0.6, 1.0])).std)
    with pytest.raises(ValueError, match="edges"):
        binned_std(np.array([1, 1]), np.array([0.0, 1.0]))
