"""The drift monitoring service on a real small bundle and a real SQLite prediction log."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from app.config import Settings
from app.services import build_services
from app.services.drift.service import MonitoringService
from app.services.drift.filters import DriftFilters, FilterError, window_freq
from app.services.drift.report import TABLE_COLUMNS
from modeling.config import DATE_COLUMN, TARGET, TEMPORAL_FEATURES
from modeling.drift import SCORE_NAME, drift_report
from modeling.inference import derived_features, score_frame


@pytest.fixture
def services(trained_models_dir, tmp_path):
    """Fresh services on the session bundle; the log holds the seeded hold-out period only."""
    built = build_services(Settings(models_dir=trained_models_dir, predictions_dir=tmp_path))
    yield built
    built.log.dispose()


@pytest.fixture
def holdout(services) -> pd.DataFrame:
    return services.bundle.load_frame("holdout")


def test_report_of_the_holdout_matches_drift_report_on_the_stored_frame(services, holdout):
    view = services.monitoring.report(DriftFilters())
    bundle = services.bundle
    current = pd.concat([holdout, derived_features(bundle, holdout)], axis=1)
    expected = drift_report(bundle.reference_profile, current, scores=score_frame(bundle, holdout)["prob_default"],
                            bands=services.settings.psi_bands)
    assert view.n_rows == len(holdout) == view.report.n_current
    assert view.source_counts == {"holdout": len(holdout)}
    assert (view.first, view.last) == (holdout[DATE_COLUMN].min(), holdout[DATE_COLUMN].max())
    by_name = view.table.set_index("variable")
    assert set(by_name.index) == {r.variable for r in expected.results}
    for result in expected.results:
        assert by_name.loc[result.variable, "psi"] == pytest.approx(result.psi, abs=1e-12)
        assert by_name.loc[result.variable, "status"] == result.status
    assert view.report.state == expected.state


def test_table_types_order_and_excluded_temporal_variables(services):
    view = services.monitoring.report(DriftFilters())
    table = view.table
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert not set(TEMPORAL_FEATURES) & set(table["variable"])
    assert set(view.report.excluded) == set(TEMPORAL_FEATURES)
    types = dict(zip(table["variable"], table["type"], strict=True))
    assert types[SCORE_NAME] == "score"
    assert types["grupoEdad"] == types["total_creditos"] == "derived"
    assert types["capital_prestado"] == "numeric" and types["tipo_laboral"] == "categorical"
    psi = table["psi"].to_numpy(dtype=float)
    assert np.all(np.diff(psi[~np.isnan(psi)]) <= 0), "largest PSI first"
    assert [name for name, _ in services.monitoring.variables()] == [
        *(n for n in services.bundle.reference_profile["variables"] if n not in TEMPORAL_FEATURES), SCORE_NAME]


def test_a_shifted_batch_alerts_on_the_shifted_variable_only_for_its_source(services, holdout):
    shifted = holdout.drop(columns=[TARGET]).assign(plazo_meses=36, capital_prestado=holdout["capital_prestado"] * 50)
    services.scoring.score_frame(shifted, source="batch")
    batch_view = services.monitoring.report(DriftFilters(sources=("batch",)))
    assert batch_view.report.state == "Alto"
    assert batch_view.report.causes[0] in {"plazo_meses", "capital_prestado", "cuota_pactada"}
    assert {"plazo_meses", "capital_prestado"} <= set(batch_view.report.causes)
    rows = batch_view.table.set_index("variable")
    assert rows.loc["plazo_meses", "band"] == "Alto" and rows.loc["plazo_meses", "alert"]
    assert rows.loc["capital_prestado", "out_of_range_share"] > 0.5
    assert ("capital_prestado", "out_of_range") in batch_view.report.signal_flags
    holdout_view = services.monitoring.report(DriftFilters(sources=("holdout",)))
    assert holdout_view.n_rows == len(holdout)
    assert holdout_view.report.get("plazo_meses").psi < rows.loc["plazo_meses", "psi"] / 3
    assert services.monitoring.report(DriftFilters()).n_rows == 2 * len(holdout)


def test_loan_date_range_is_inclusive_and_by_day(services, holdout):
    dates = holdout[DATE_COLUMN].dt.normalize()
    start, end = dates.quantile(0.25).date(), dates.quantile(0.75).date()
    view = services.monitoring.report(DriftFilters(start=start.isoformat(), end=end.isoformat()))
    assert view.n_rows == int(((dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))).sum())
    assert view.first.date() >= start and view.last.date() <= end


def test_no_matching_rows_gives_an_empty_view_not_an_error(services):
    filters = DriftFilters(sources=("api",))
    view = services.monitoring.report(filters)
    assert view.report is None and view.n_rows == 0 and view.table.empty
    assert list(pd.read_csv(io.StringIO(services.monitoring.report_csv(filters))).columns) == list(TABLE_COLUMNS)
    assert json.loads(services.monitoring.report_json(filters))["report"] is None
    assert services.monitoring.evolution(filters, "M").empty
    assert services.monitoring.variable(filters, "plazo_meses") is None
    assert services.monitoring.report(DriftFilters(sources=())).n_rows == 0


def test_views_are_cached_until_the_log_grows_and_new_rows_are_read_incrementally(services, holdout):
    monitoring = services.monitoring
    first = monitoring.report(DriftFilters())
    assert monitoring.report(DriftFilters()) is first
    assert monitoring.report(DriftFilters(model_version=services.bundle.model_version)) is first
    services.scoring.score_frame(holdout.head(40).drop(columns=[TARGET]), source="api")
    grown = monitoring.report(DriftFilters())
    assert grown is not first and grown.n_rows == first.n_rows + 40
    fresh = MonitoringService(services.bundle, services.log, bands=services.settings.psi_bands)
    pd.testing.assert_frame_equal(grown.table, fresh.report(DriftFilters()).table)


def test_rows_of_another_model_version_are_compared_without_the_score(services):
    rows = services.log.read().drop(columns=["id"]).assign(model_version="older-model")
    services.log.append(rows)
    monitoring = services.monitoring
    assert monitoring.versions() == [services.bundle.model_version, "older-model"]
    view = monitoring.report(DriftFilters(model_version="older-model"))
    assert view.n_rows == len(rows) and not view.score_compared
    assert SCORE_NAME not in set(view.table["variable"])
    assert monitoring.report(DriftFilters()).score_compared


def test_evolution_windows_cover_every_selected_row(services, holdout):
    monitoring = services.monitoring
    for freq in ("M", "W", 100):
        frame = monitoring.evolution(DriftFilters(), freq)
        per_variable = frame.groupby("variable")["n"].sum()
        assert (per_variable == len(holdout)).all(), freq
        assert set(frame["variable"]) == {name for name, _ in monitoring.variables()}
        assert frame["type"].notna().all()
    weekly = monitoring.evolution(DriftFilters(), "W")
    assert (pd.DatetimeIndex(weekly["window_start"]).dayofweek == 0).all()
    assert monitoring.evolution(DriftFilters(), 100)["n"].max() == 100


def test_downloads_hold_the_table_and_the_full_report(services):
    filters = DriftFilters(sources=("holdout",))
    view = services.monitoring.report(filters)
    csv = pd.read_csv(io.StringIO(services.monitoring.report_csv(filters)))
    assert list(csv.columns) == list(TABLE_COLUMNS) and len(csv) == len(view.table)
    assert csv["psi"].to_numpy() == pytest.approx(view.table["psi"].to_numpy(dtype=float), rel=1e-5)
    body = json.loads(services.monitoring.report_json(filters))
    assert body["model_version"] == services.bundle.model_version
    assert body["filters"]["sources"] == ["holdout"]
    assert body["reference"]["rows"] == services.bundle.metadata["split"]["train"]["rows_used"]
    assert body["current"]["rows"] == view.n_rows
    assert len(body["report"]["variables"]) + 1 == len(view.table)
    assert {"bins", "psi", "noise_level"} <= set(body["report"]["variables"][0])


def test_variable_result_has_the_frozen_bins(services):
    result = services.monitoring.variable(DriftFilters(), "plazo_meses")
    profile = services.bundle.reference_profile["variables"]["plazo_meses"]
    assert [b.label for b in result.bins] == profile["labels"]
    assert sum(b.cur_count for b in result.bins) == result.n_cur


def test_reference_period_comes_from_the_split(services):
    period = services.monitoring.reference_period()
    train = services.bundle.metadata["split"]["train"]
    assert period.start == pd.Timestamp(train["start"]) and period.rows == train["rows_used"]


@pytest.mark.parametrize("changes, field", [({"sources": ("api", "web")}, "sources"), ({"start": "yesterday"}, "start"),
                                            ({"start": "2025-02-01", "end": "2025-01-01"}, "end")])
def test_bad_filters_name_the_field(changes, field):
    with pytest.raises(FilterError) as caught:
        DriftFilters(**changes)
    assert caught.value.field == field and field in str(caught.value)


def test_filters_normalise_so_equal_choices_share_a_cache_entry():
    assert DriftFilters(sources=["api", "holdout", "api"]) == DriftFilters(sources=("holdout", "api"))
    assert DriftFilters(start="2025-01-01T00:00:00").start.isoformat() == "2025-01-01"
    assert DriftFilters(start="", end=None) == DriftFilters()


@pytest.mark.parametrize("choice, rows, expected", [("M", None, "M"), ("W", None, "W"), ("D", 5, "D"),
                                                    ("N", 200, 200), ("N", "300", 300), ("N", 50.0, 50)])
def test_window_freq(choice, rows, expected):
    assert window_freq(choice, rows) == expected


@pytest.mark.parametrize("choice, rows", [("N", None), ("N", 10), ("N", 50.5), ("N", "abc"), ("Y", None)])
def test_window_freq_rejects_bad_choices(choice, rows):
    with pytest.raises(FilterError):
        window_freq(choice, rows)


def test_only_new_rows_are_typed_when_the_log_grows_and_the_reader_is_shared(services, holdout, monkeypatch):
    typed: list[int] = []
    original = MonitoringService._typed
    monkeypatch.setattr(MonitoringService, "_typed", lambda self, rows: typed.append(len(rows)) or original(self, rows))
    monitoring = services.monitoring
    monitoring.report(DriftFilters())
    services.scoring.score_frame(holdout.head(40).drop(columns=[TARGET]), source="api")
    monitoring.report(DriftFilters(sources=("api",)))
    assert typed == [len(holdout), 40]
    assert services.performance.snapshots is monitoring.snapshots
