"""The drift service's peak-PSI series and median comparison on a real log (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set): peaks equal those of psi_evolution on the rows; each variable's median on the rows lies
in the interval read from the profiles, on both sides."""
from __future__ import annotations

import numpy as np
import pandas as pd
from drift_log import fill_log, logged_rows, older_bundle, scores
from selected_rows import selected
from test_drift_service import BANDS, FREQ, service_of

from app.services.drift.comparison import ORIGINAL_VARIABLES
from app.services.log.store import PredictionLog
from app.services.selection import Selection
from modeling.data.columns import TEMPORAL_FEATURES
from modeling.drift import psi_evolution
from modeling.drift.peaks import max_psi_per_window
from modeling.drift.trend import psi_trend


def inside(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or low <= value) and (high is None or value <= high)


def test_peaks_and_medians_equal_the_rows(bundle, log_url):
    log = PredictionLog.from_url(log_url)
    try:
        fill_log(log, bundle, older_bundle(bundle))
        service = service_of(bundle, log)
        rows = logged_rows(bundle, log, bundle.model_version)
        reference = bundle.load_frame("reference")
        days = rows["day"]
        for selection in (Selection(window="week"), Selection(("batch",)), Selection(("api",), window="day"),
                          Selection(end=days.quantile(0.5).date(), window="month")):
            chosen = selected(rows, selection)
            evolution = psi_evolution(bundle.reference_profile, chosen, chosen["day"], freq=FREQ[selection.window],
                                      scores=scores(chosen), exclude=TEMPORAL_FEATURES, bands=BANDS)
            peaks, trend = service.peaks(selection)
            pd.testing.assert_frame_equal(peaks, max_psi_per_window(evolution), check_exact=True)
            assert repr(trend) == repr(psi_trend(peaks))  # NaN fields compare by text
            medians = service.medians(selection)
            assert [m.variable for m in medians] == list(ORIGINAL_VARIABLES)
            report = service.report(selection).report
            for found in medians:
                values = chosen[found.variable].to_numpy(dtype=np.float64)
                assert found.current.n == np.count_nonzero(~np.isnan(values))
                assert inside(float(np.nanmedian(values)), found.current.low, found.current.high), found
                ref_values = reference[found.variable].to_numpy(dtype=np.float64)
                assert inside(float(np.nanmedian(ref_values)), found.reference.low, found.reference.high), found
                assert (found.status, found.alert) == (report.get(found.variable).status,
                                                       report.get(found.variable).alert)
        batch = {m.variable: m for m in service.medians(Selection(("batch",)))}
        assert batch["plazo_meses"].current.low <= 36 <= batch["plazo_meses"].current.high  # the batch set 36
        assert batch["capital_prestado"].change > 1 and batch["capital_prestado"].current.high is None  # × 50
        assert service.medians(Selection(("api",), start=days.max().date() + pd.Timedelta(days=1))) == []
    finally:
        log.dispose()
