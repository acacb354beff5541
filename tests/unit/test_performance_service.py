"""The performance service on a real small bundle and real prediction logs (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set): every view read from the profiles equals the same computation on the logged rows —
counts, shares and the confusion matrix identically, means and Brier to float precision, ROC-AUC and PR-AUC within
0.002 — plus the cache, empty and one-class selections, other model versions and the model card."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
import pandas as pd
import pytest
from performance_log import (
    OLDER,
    expected_metrics,
    expected_summary,
    expected_timeline,
    fill_log,
    logged_rows,
    older_bundle,
)
from selected_rows import selected
from sklearn.metrics import average_precision_score, roc_auc_score

from app.services.log.store import PredictionLog
from app.services.performance import PerformanceService, build_model_card
from app.services.performance.labelled import average_precision, roc_auc
from app.services.profiles import ProfileReader, ProfileStore, fine_edges
from app.services.scoring.service import ScoringService
from app.services.selection import Selection, SelectionError
from modeling.data.columns import TARGET
from modeling.synthetic import generate_loans

AUC_TOLERANCE = 0.002


@pytest.fixture
def log(tmp_path):
    opened = PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")
    yield opened
    opened.dispose()


def service_of(bundle, log) -> PerformanceService:
    return PerformanceService(bundle, ProfileReader(ProfileStore(log.engine)))


def selections(days: pd.Series) -> list[Selection]:
    """All, one source, two sources, open and closed date ranges, one day, each with every window."""
    q = {p: days.quantile(p).date() for p in (0.0, 0.3, 0.5, 1.0)}
    chosen = [Selection(), Selection(("api",)), Selection(("holdout", "batch")), Selection(start=q[0.5]),
              Selection(end=q[0.5]), Selection(("holdout", "api"), start=q[0.0], end=q[0.5]),
              Selection(start=q[0.3], end=q[0.3]), Selection(("batch",), end=q[1.0])]
    return [Selection(s.sources, s.model_version, s.start, s.end, w) for s in chosen for w in ("month", "week", "day")]


def test_views_equal_the_computation_on_rows(bundle, log_url):
    log = PredictionLog.from_url(log_url)
    scoring = fill_log(log, bundle)
    service = service_of(bundle, log)
    rows = logged_rows(log, bundle.model_version)
    bands = tuple(bundle.risk_bands["labels"])
    assert (rows["Pago_atiempo_pred"] == np.where(rows["prob_default"] >= bundle.threshold, 0, 1)).all()
    worst = {"roc_auc": 0.0, "pr_auc_0": 0.0}
    for selection in selections(rows["day"]):
        chosen = selected(rows, selection)
        check_summary(service.summary(selection), expected_summary(chosen, bands))
        check_timeline(service.timeline(selection).frame, expected_timeline(chosen, selection.window, bands), bands)
        view = service.performance(selection)
        assert view.timeline is service.timeline(selection)
        for name, error in check_performance(view.evaluation, expected_metrics(chosen, bundle.threshold)).items():
            worst[name] = max(worst[name], error)
        check_distribution(service.score_distribution(selection), chosen["prob_default"].to_numpy(), bundle)
    assert max(worst.values()) > 0  # the AUCs are estimates from bins, not row computations in disguise
    assert service.summary(Selection(start=date(2099, 1, 1))) is None
    assert service.performance(Selection(("batch",), start=rows["day"].max().date())).evaluation is not None
    options = service.options()
    assert options.sources == rows["source"].value_counts().to_dict()
    assert options.versions == {bundle.model_version: len(rows), OLDER: 300}
    assert (options.first_date, options.last_date) == (rows["day"].min().date(), rows["day"].max().date())
    assert scoring.profiles.fold() >= 0
    log.dispose()


def check_summary(summary, expected: dict) -> None:
    for name in ("n", "by_source", "predicted_late_share", "band_shares", "n_labelled", "last_scored_at",
                 "first_date", "last_date"):
        assert getattr(summary, name) == expected[name], name
    for name in ("mean_prob_default", "requests", "latency_per_record_ms", "mean_latency_ms"):
        assert getattr(summary, name) == pytest.approx(expected[name], rel=1e-9), name


def check_timeline(frame: pd.DataFrame, expected: pd.DataFrame, bands: tuple[str, ...]) -> None:
    assert list(frame.index) == list(expected.index)
    n = expected["n"].to_numpy()
    assert frame["n"].tolist() == n.tolist()
    assert frame["n_labelled"].tolist() == expected["n_labelled"].tolist()
    assert frame["late_actual"].tolist() == expected["late_actual"].tolist()
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.array_equal(frame["predicted_late_share"], expected["late_pred"] / n, equal_nan=True)
        for band in bands:
            assert np.array_equal(frame[f"share_{band}"], expected[f"band_{band}"] / n, equal_nan=True)
        np.testing.assert_allclose(frame["mean_prob"], expected["prob"] / n, rtol=1e-9)
        np.testing.assert_allclose(frame["mean_prob_labelled"], expected["prob_labelled"] / expected["n_labelled"],
                                   rtol=1e-9)


def check_performance(evaluation, expected: dict) -> dict[str, float]:
    """Exact checks; returns the absolute errors of the two AUCs."""
    if evaluation is None:
        assert expected["prob"].size == 0
        return {}
    metrics = expected["metrics"]
    assert evaluation.confusion.tolist() == expected["confusion"]
    assert (evaluation.n, evaluation.n_late) == (expected["prob"].size, int(expected["risk"].sum()))
    for name in ("recall_0", "precision_0", "f1_0"):
        assert evaluation.metrics[name] == pytest.approx(metrics[name], rel=1e-12, nan_ok=True), name
    assert evaluation.metrics["brier"] == pytest.approx(metrics["brier"], abs=1e-9)
    assert evaluation.mean_prob_default == pytest.approx(expected["prob"].mean(), rel=1e-9)
    if not evaluation.both_classes:
        assert np.isnan(evaluation.metrics["roc_auc"]) and evaluation.roc.empty
        return {}
    check_curves(evaluation, expected["prob"], expected["risk"])
    errors = {name: abs(evaluation.metrics[name] - metrics[name]) for name in ("roc_auc", "pr_auc_0")}
    assert max(errors.values()) <= AUC_TOLERANCE, errors
    return errors


def check_curves(evaluation, prob: np.ndarray, risk: np.ndarray) -> None:
    """Every curve point is exact at its threshold (flag prob ≥ threshold)."""
    for fpr, tpr, threshold in evaluation.roc.iloc[1:].itertuples(index=False):
        flagged = prob >= threshold
        assert (fpr, tpr) == (np.sum(flagged & (risk == 0)) / np.sum(risk == 0), np.sum(flagged & (risk == 1)) /
                              risk.sum())
    curve = evaluation.threshold_curve
    flagged = prob[None, :] >= curve["threshold"].to_numpy()[:, None]
    assert np.array_equal(curve["flagged_share"], flagged.mean(axis=1))
    assert np.array_equal(curve["precision_0"], (flagged & (risk == 1)).sum(axis=1) / flagged.sum(axis=1))
    calibration = evaluation.calibration
    assert (calibration["n"].sum(), calibration["late"].sum()) == (prob.size, risk.sum())
    assert (calibration["observed_low"] <= calibration["observed_rate"]).all()


def check_distribution(dist, prob: np.ndarray, bundle) -> None:
    edges = dist.edges
    inside = np.searchsorted(edges, prob, side="right") - 1
    counts = np.bincount(np.minimum(inside, edges.size - 2), minlength=edges.size - 1)
    assert np.array_equal(dist.current_share, counts / prob.size)
    reference = bundle.load_frame("reference")["prob_default"].to_numpy()
    inside = np.minimum(np.searchsorted(edges, reference, side="right") - 1, edges.size - 2)
    assert np.array_equal(dist.reference_share, np.bincount(inside, minlength=edges.size - 1) / reference.size)
    assert dist.current_mean == pytest.approx(prob.mean(), rel=1e-9)
    assert dist.reference_mean == pytest.approx(reference.mean(), rel=1e-12)
    assert edges[0] == 0.0 and edges[-1] >= dist.threshold * 1.2 and len(edges) > 30
    assert (dist.threshold, dist.cuts) == (bundle.threshold, tuple(bundle.risk_bands["cuts"]))


def test_whole_requests_give_the_usual_latency_kpis(bundle, log):
    fill_log(log, bundle, loans=4_330)
    rows = logged_rows(log, bundle.model_version)
    summary = service_of(bundle, log).summary(Selection(("api", "batch")))
    requests = rows[rows["source"] != "holdout"].drop_duplicates("request_id")
    assert summary.requests == pytest.approx(len(requests), abs=1e-9)
    assert summary.mean_latency_ms == pytest.approx(requests["latency_ms"].mean(), rel=1e-9)
    assert summary.latency_per_record_ms == pytest.approx(requests["latency_ms"].sum() / summary.n, rel=1e-9)


def test_results_are_cached_until_the_log_changes(bundle, log):
    scoring = ScoringService(bundle, log)
    loans = generate_loans(n_rows=60, seed=5).drop(columns=[TARGET])
    scoring.score_frame(loans.iloc[:40])
    service = service_of(bundle, log)
    first = service.summary(Selection())
    assert service.summary(Selection()) is first
    assert service.summary(Selection(window="day", model_version=bundle.model_version)) is first
    with ThreadPoolExecutor(max_workers=4) as pool:
        views = list(pool.map(lambda _: service.performance(Selection(window="week")), range(8)))
    assert all(view is views[0] for view in views)
    scoring.score_frame(loans.iloc[40:])
    assert service.summary(Selection()) is not first
    assert service.summary(Selection()).n == 60
    scoring.profiles.fold()
    assert service.summary(Selection()).n == 60


def test_no_outcomes_one_class_and_empty_logs(bundle, log):
    service = service_of(bundle, log)
    assert service.summary(Selection()) is None and service.performance(Selection()) is None
    assert service.options().versions == {bundle.model_version: 0}
    scoring = ScoringService(bundle, log)
    loans = generate_loans(n_rows=50, seed=9)
    scoring.score_frame(loans.drop(columns=[TARGET]).iloc[:20], source="api")
    view = service.performance(Selection())
    assert view.evaluation is None and view.timeline.frame["n"].sum() == 20
    scoring.score_frame(loans.drop(columns=[TARGET]).iloc[20:], source="batch", actual=pd.Series(1, index=range(30)))
    evaluation = service.performance(Selection(("batch",))).evaluation
    assert not evaluation.both_classes and evaluation.n == evaluation.confusion[1].sum() == 30
    assert np.isnan(evaluation.metrics["roc_auc"]) and evaluation.roc.empty and evaluation.pr.empty
    assert np.isnan(evaluation.metrics["recall_0"]) and evaluation.metrics["f1_0"] == 0.0
    assert service.options().versions == {bundle.model_version: 50}
    with pytest.raises(SelectionError) as raised:
        service.summary(Selection(model_version="never-logged"))
    assert raised.value.field == "model_version"


def test_another_version_is_read_alone_with_an_estimated_threshold(bundle, log):
    older = older_bundle(bundle)
    loans = generate_loans(n_rows=400, seed=13)
    ScoringService(older, log).score_frame(loans.drop(columns=[TARGET]), source="api", actual=loans[TARGET])
    ScoringService(bundle, log).score_frame(loans.drop(columns=[TARGET]).iloc[:10], source="batch")
    service = service_of(bundle, log)
    summary = service.summary(Selection(model_version=OLDER))
    assert summary.n == 400 and summary.by_source == {"api": 400}
    assert service.summary(Selection()).n == 10
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    assert abs(logit(summary.threshold) - logit(bundle.threshold)) <= 0.0101  # within one fine bin
    dist = service.score_distribution(Selection(model_version=OLDER))
    assert dist.reference_share is None and dist.n_reference == 0
    view = service.performance(Selection(model_version=OLDER))
    assert view.training_test_metrics == {} and view.evaluation.n == 400
    rows = logged_rows(log, OLDER)
    assert view.evaluation.confusion.tolist() == expected_metrics(rows, bundle.threshold)["confusion"]


def test_model_card_from_metadata(bundle, log):
    card = service_of(bundle, log).model_card
    metadata = bundle.metadata
    assert card.model_name == metadata["selected_model"]["name"]
    assert set(card.cv_table["candidate"]) == set(metadata["cv_table"])
    assert card.cv_table.loc[card.cv_table["selected"], "candidate"].tolist() == [card.model_name]
    assert card.metrics.set_index("metric").loc["roc_auc", "test"] == metadata["metrics"]["test"]["roc_auc"]
    assert card.split["period"].tolist() == ["train", "test"]
    assert len(card.data["sha256_short"]) == 12
    assert card.band_cuts == tuple(metadata["risk_bands"]["cuts"])
    empty = build_model_card({"model_version": "x"})
    assert empty.cv_table.empty and empty.model_name is None and np.isnan(empty.threshold)


def test_auc_estimates_from_fine_bins_track_scikit_learn():
    """Continuous scores of a few thousand labelled rows at realistic late rates, as the profile bins them."""
    edges = fine_edges()
    worst = 0.0
    for seed in range(12):
        rng = np.random.default_rng(seed)
        n, rate = int(rng.integers(2_000, 20_000)), rng.uniform(0.03, 0.10)
        risk = (rng.uniform(size=n) < rate).astype(int)
        prob = 1 / (1 + np.exp(-(rng.normal(np.log(rate / (1 - rate)), 0.8, n) + risk * rng.uniform(0.3, 1.2))))
        fine = np.searchsorted(edges, prob, side="right")
        late, ontime = (np.bincount(fine[risk == r], minlength=edges.size + 1).astype(float) for r in (1, 0))
        worst = max(worst, abs(roc_auc(late, ontime) - roc_auc_score(risk, prob)),
                    abs(average_precision(late, ontime) - average_precision_score(risk, prob)))
    assert 0 < worst <= AUC_TOLERANCE
