"""The performance service on a real SQLite log: filters, KPIs, time series, labelled metrics, cache, model card."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from app.config import Settings
from app.services import build_services
from app.services.log.tables import predictions
from app.services.performance.service import PerformanceFilters, PerformanceService
from app.services.performance.card import build_model_card
from app.services.performance.labelled import calibration_table, evaluate_labelled, threshold_curve
from app.services.performance.stats import wilson_interval
from app.services.log.store import PredictionLog
from modeling.artifacts import load_bundle
from modeling.evaluate import classification_metrics

ALL = PerformanceFilters()


@pytest.fixture(scope="module")
def seeded(trained_models_dir, tmp_path_factory):
    """Services built as the app builds them: the log holds the bundle's scored hold-out period."""
    settings = Settings(models_dir=trained_models_dir, predictions_dir=tmp_path_factory.mktemp("perf_pred"))
    return build_services(settings)


@pytest.fixture
def service(trained_models_dir, tmp_path):
    """A service over an empty log of its own."""
    log = PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")
    return PerformanceService(load_bundle(trained_models_dir), log)


def append(log: PredictionLog, prob, *, actual=None, loan_date=None, source="api", request_id="r1",
           latency_ms=10.0, model_version="m1", scored_at=datetime(2026, 1, 15, 12), threshold=0.5) -> None:
    prob = np.asarray(prob, dtype="float64")
    n = prob.size
    log.append({"request_id": request_id, "scored_at": scored_at, "loan_date": loan_date if loan_date is not None
                else [None] * n, "source": source, "model_version": model_version, "inputs": ["{}"] * n,
                "prob_default": prob, "Pago_atiempo_pred": np.where(prob >= threshold, 0, 1),
                "risk_band": np.where(prob >= threshold, "Alto", "Bajo").tolist(), "warnings": ["[]"] * n,
                "latency_ms": latency_ms, "actual": actual if actual is not None else [None] * n})


def test_seeded_holdout_counts_and_metrics_match_the_training_evaluation(seeded):
    perf, holdout = seeded.performance, seeded.holdout
    summary = perf.summary(ALL)
    assert summary.n == seeded.log.count(source="holdout") == holdout.rows > 0
    assert summary.by_source == {"holdout": holdout.rows}
    assert summary.n_labelled == holdout.rows
    assert summary.predicted_late_share == pytest.approx(summary.band_shares["Alto"])  # Alto ⇔ prob ≥ threshold
    assert sum(summary.band_shares.values()) == pytest.approx(1.0)
    if holdout.rejected:
        pytest.skip("some hold-out rows were rejected at seeding; metrics cannot equal the training evaluation")
    evaluation = perf.performance(ALL).evaluation
    test_metrics = seeded.bundle.metadata["metrics"]["test"]
    for name, value in evaluation.metrics.items():
        assert value == pytest.approx(test_metrics[name], nan_ok=True), name
    assert evaluation.confusion.tolist() == test_metrics["confusion_matrix"]["matrix"]


def test_source_version_and_date_filters(service):
    log = service.log
    append(log, [0.1, 0.2], source="api", loan_date=[datetime(2025, 3, 1, 9), datetime(2025, 3, 31, 23)])
    append(log, [0.7], source="batch", request_id="r2", model_version="m2")
    append(log, [0.3], source="api", request_id="r3", scored_at=datetime(2025, 4, 2, 8))  # no loan date
    assert service.summary(ALL).n == 4
    assert service.summary(PerformanceFilters(("batch",))).n == 1
    assert service.summary(PerformanceFilters(model_version="m2")).by_source == {"batch": 1}
    march = service.summary(PerformanceFilters(start=date(2025, 3, 1), end=date(2025, 3, 31)))
    assert march.n == 2  # the end day is included, to its last second
    april = service.summary(PerformanceFilters(start=date(2025, 4, 1), end=date(2025, 4, 30)))
    assert april.n == 1  # dated by its scoring time
    assert service.summary(PerformanceFilters(())) is None
    options = service.options()
    assert options.sources == {"api": 3, "batch": 1}
    assert options.versions == {"m1": 3, "m2": 1}
    assert (options.first_date, options.last_date) == (date(2025, 3, 1), date(2026, 1, 15))


def test_summary_kpis_and_latency_per_request(service):
    append(service.log, [0.1, 0.6, 0.9], request_id="batch-1", latency_ms=30.0, source="batch")
    append(service.log, [0.2], request_id="single", latency_ms=10.0)
    summary = service.summary(ALL)
    assert summary.requests == 2
    assert summary.mean_latency_ms == pytest.approx(20.0)
    assert summary.latency_per_record_ms == pytest.approx(10.0)
    assert summary.predicted_late_share == pytest.approx(0.5)
    assert summary.mean_prob_default == pytest.approx(0.45)
    assert summary.band_shares == {"Bajo": 0.5, "Medio": 0.0, "Alto": 0.5}
    assert summary.n_labelled == 0
    assert summary.last_scored_at == pd.Timestamp(2026, 1, 15, 12)


def test_timeline_windows_and_observed_rate(service):
    dates = [datetime(2025, 1, 5)] * 10 + [datetime(2025, 3, 9)] * 2
    actual = [0] + [1] * 9 + [None, None]
    append(service.log, [0.6] + [0.1] * 11, actual=actual, loan_date=dates)
    frame = service.timeline(ALL, "month").frame
    assert list(frame.index) == [pd.Timestamp(2025, 1, 1), pd.Timestamp(2025, 3, 1)]  # empty February is absent
    jan, mar = frame.iloc[0], frame.iloc[1]
    assert (jan["n"], jan["n_labelled"], mar["n_labelled"]) == (10, 10, 0)
    assert jan["observed_late_rate"] == pytest.approx(0.1)
    assert jan["mean_prob_labelled"] == pytest.approx(0.15)
    assert (jan["observed_low"], jan["observed_high"]) == pytest.approx((0.01788, 0.40415), abs=1e-4)
    assert np.isnan(mar["observed_late_rate"])
    assert jan["share_Alto"] == pytest.approx(0.1) and mar["share_Bajo"] == 1.0
    weekly = service.timeline(ALL, "week").frame
    assert list(weekly.index) == [pd.Timestamp(2024, 12, 30), pd.Timestamp(2025, 3, 3)]  # weeks start on Monday
    with pytest.raises(ValueError, match="granularity"):
        service.timeline(ALL, "year")


def test_no_outcomes_gives_no_evaluation_but_a_timeline(service):
    append(service.log, [0.2, 0.4])
    view = service.performance(ALL)
    assert view.evaluation is None
    assert view.timeline.frame["n"].sum() == 2
    assert service.performance(PerformanceFilters(("holdout",))) is None


def test_one_class_outcomes_do_not_raise(service):
    append(service.log, [0.2, 0.4, 0.6], actual=[1, 1, 1])
    evaluation = service.performance(ALL).evaluation
    assert not evaluation.both_classes
    assert np.isnan(evaluation.metrics["roc_auc"]) and evaluation.roc.empty and evaluation.pr.empty
    assert evaluation.confusion.tolist() == [[0, 0], [evaluation.confusion[1, 0], evaluation.confusion[1, 1]]]
    assert evaluation.confusion.sum() == 3


def test_results_are_cached_until_the_log_changes(service):
    append(service.log, [0.2, 0.4])
    first = service.summary(ALL)
    assert service.summary(ALL) is first
    append(service.log, [0.9], request_id="r2")
    assert service.summary(ALL) is not first
    assert service.summary(ALL).n == 3


def test_score_distribution_shares_bins_and_reference(service):
    append(service.log, [0.01, 0.02, 0.03, 0.99])
    dist = service.score_distribution(ALL)
    assert dist.current_share.sum() == pytest.approx(1.0)
    assert dist.reference_share.sum() == pytest.approx(1.0)
    assert dist.n_reference == len(service.bundle.load_frame("reference"))
    assert dist.current_share[-1] == pytest.approx(0.25)  # 0.99 lies beyond the last edge: counted in the last bin
    assert dist.edges[0] == 0.0 and dist.edges[-1] > dist.threshold == service.bundle.threshold
    assert dist.cuts == tuple(service.bundle.risk_bands["cuts"])


def test_curves_and_calibration_agree_with_the_metrics():
    rng = np.random.default_rng(3)
    prob = rng.uniform(0, 1, 600)
    actual = np.where(rng.uniform(0, 1, 600) < prob * 0.5, 0, 1)
    evaluation = evaluate_labelled(actual, prob, 0.5)
    metrics = classification_metrics(actual, prob, 0.5)
    assert evaluation.metrics == metrics
    assert evaluation.n_late == int((actual == 0).sum())
    curve = evaluation.threshold_curve
    at = curve.loc[(curve["threshold"] - 0.5).abs().idxmin()]
    assert at["recall_0"] == pytest.approx(metrics["recall_0"], abs=0.02)
    assert curve["recall_0"].is_monotonic_increasing  # thresholds run from high to low
    assert evaluation.roc["fpr"].iloc[0] == 0 and evaluation.roc["tpr"].iloc[-1] == 1
    table = evaluation.calibration
    assert len(table) == 10 and table["n"].sum() == 600
    assert table["mean_predicted"].is_monotonic_increasing
    assert (table["observed_low"] <= table["observed_rate"]).all()
    assert (table["observed_rate"] <= table["observed_high"]).all()


def test_small_samples_and_ties():
    assert len(calibration_table(np.array([1, 0]), np.array([0.2, 0.8]))) == 1
    curve = threshold_curve(np.array([1, 1, 0, 0]), np.array([0.5, 0.5, 0.5, 0.1]))
    assert curve["threshold"].tolist() == [0.5, 0.1]  # tied scores form one threshold
    assert curve["flagged_share"].tolist() == [0.75, 1.0]
    low, high = wilson_interval(np.array([0, 3]), np.array([0, 3]))
    assert np.isnan(low[0]) and high[1] == 1.0
    assert evaluate_labelled(np.array([]), np.array([]), 0.5) is None


def test_model_card_from_metadata(seeded):
    card = seeded.performance.model_card
    metadata = seeded.bundle.metadata
    assert card.model_name == metadata["selected_model"]["name"]
    assert set(card.cv_table["candidate"]) == set(metadata["cv_table"])
    assert card.cv_table.loc[card.cv_table["selected"], "candidate"].tolist() == [card.model_name]
    assert card.metrics.set_index("metric").loc["roc_auc", "test"] == metadata["metrics"]["test"]["roc_auc"]
    assert card.split["period"].tolist() == ["train", "test"]
    assert len(card.data["sha256_short"]) == 12
    assert card.band_cuts == tuple(metadata["risk_bands"]["cuts"])
    empty = build_model_card({"model_version": "x"})
    assert empty.cv_table.empty and empty.model_name is None and np.isnan(empty.threshold)


def test_filters_from_dashboard_inputs():
    filters = PerformanceFilters.from_inputs(["api", "nope", "holdout"], "2025-02-01", "not a date", "")
    assert filters == PerformanceFilters(("api", "holdout"), date(2025, 2, 1), None, None)
    assert PerformanceFilters.from_inputs(None, None, None).sources is None


def test_new_rows_are_read_incrementally_and_deletions_trigger_a_full_read(service, trained_models_dir, reads):
    append(service.log, [0.1, 0.7], actual=[1, 0])
    assert service.summary(ALL).n == 2
    append(service.log, [0.8], actual=[0], request_id="r2")
    summary = service.performance(ALL)
    assert reads[0] is None and reads[1] is not None  # the second read only fetched rows after the cached max id
    fresh = PerformanceService(load_bundle(trained_models_dir), service.log)
    assert summary.evaluation.metrics == fresh.performance(ALL).evaluation.metrics
    assert service.summary(ALL) == fresh.summary(ALL)
    with service.log.engine.begin() as conn:
        conn.execute(predictions.delete().where(predictions.c.request_id == "r1"))
    append(service.log, [0.3], request_id="r3")  # same count as before the deletion, but not an extension
    assert service.summary(ALL).n == 2
    assert reads[-1] is None


def test_concurrent_callbacks_read_the_log_once(service, reads):
    append(service.log, np.linspace(0.05, 0.95, 50), actual=[0, 1] * 25)
    calls = [lambda: service.summary(ALL), lambda: service.timeline(ALL), lambda: service.score_distribution(ALL),
             lambda: service.performance(ALL), lambda: service.timeline(ALL, "week")] * 2
    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(lambda call: call(), calls))
    assert reads == [None]
    assert all(result is not None for result in results)
