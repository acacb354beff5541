"""Shadow scoring and the champion–challenger comparison, on the session's real bundle and a real SQLite log:
the queue drops (and counts) rows instead of growing past its bound, written scores equal the bundle's own, the
comparison's statistics equal scikit-learn / numpy on the same pairs, the CBPE estimate lands near the realised
value on calibrated scores, and a pinned request keeps its model across a switch."""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sklearn.metrics import roc_auc_score

from app.services.log import PredictionLog
from app.services.models.active import ActiveModel, Follows
from app.services.scoring import ScoringService
from app.services.shadow.agreement import compare
from app.services.shadow.pairs import Pairs, read_pairs
from app.services.shadow.scorer import ShadowScorer
from modeling.data.columns import TARGET
from modeling.inference import score_frame


def _dropped() -> float:
    return REGISTRY.get_sample_value("credit_risk_shadow_rows_total", {"outcome": "dropped"}) or 0.0


def test_a_full_queue_drops_and_counts_and_a_flush_writes_the_challengers_scores(bundle, tmp_path):
    log = PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")
    holdout = bundle.load_frame("holdout").head(5).drop(columns=[TARGET])
    _, write = ScoringService(bundle, log).prepare(holdout, source="batch", request_id="shadow-unit")
    before = _dropped()
    small = ShadowScorer(log.engine, max_rows=3)
    small.challenger = bundle
    small.submit(write)
    assert _dropped() - before == 5 and small.flush(timeout=5)

    scorer = ShadowScorer(log.engine, max_rows=100)
    scorer.submit(write)  # no challenger: nothing queued
    scorer.challenger = bundle
    scorer.submit(write)
    scorer.submit(write)  # the same rows again: stored once
    assert scorer.flush()
    with log.engine.connect() as conn:
        rows = conn.execute(sa.text('SELECT "row", prob_default, risk_band FROM shadow_scores ORDER BY "row"')).all()
    expected = score_frame(bundle, holdout)
    assert [r[0] for r in rows] == list(range(5))
    np.testing.assert_allclose([r[1] for r in rows], expected["prob_default"], atol=1e-12)
    assert [r[2] for r in rows] == expected["risk_band"].tolist()
    log.dispose()


def test_pairs_are_the_newest_days_and_their_total_is_exact_or_said_unknown(bundle, tmp_path):
    log = PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")
    scoring = ScoringService(bundle, log)
    _, write = scoring.prepare(bundle.load_frame("holdout").head(60).drop(columns=[TARGET]), source="batch",
                               request_id="shadow-pairs")
    scoring.write(write)
    scorer = ShadowScorer(log.engine, max_rows=100)
    scorer.challenger = bundle
    scorer.submit(write)
    assert scorer.flush()
    version = bundle.model_version
    everything = read_pairs(log.engine, version, limit=1_000)
    assert len(everything.frame) == everything.total == 60 and not everything.capped
    days = everything.frame["day"].sort_values().tolist()
    newest = read_pairs(log.engine, version, limit=10)
    assert newest.total == 60 and newest.capped and len(newest.frame) == 10
    assert newest.frame["day"].min() >= days[-10] and newest.frame["day"].max() == days[-1]  # the newest days
    assert (newest.frame["day"] > days[-10]).sum() == sum(d > days[-10] for d in days)  # all days past the cut
    filtered = read_pairs(log.engine, version, sources=("batch",), limit=10)
    assert filtered.total is None and filtered.capped and len(filtered.frame) == 10
    assert read_pairs(log.engine, version, sources=("batch",), limit=100).total == 60
    assert read_pairs(log.engine, version, sources=("api",), limit=10).total == 0
    log.dispose()


def _pairs(n: int, seed: int, labelled: float) -> Pairs:
    rng = np.random.default_rng(seed)
    a = rng.beta(1.5, 8, n)
    b = np.clip(a + rng.normal(0, 0.03, n), 0.001, 0.999)
    late = rng.random(n) < a  # calibrated champion: late with probability a
    actual = np.where(rng.random(n) < labelled, np.where(late, 0, 1), -1)
    bands = lambda p: np.where(p < 0.1, "Bajo", np.where(p < 0.3, "Medio", "Alto"))  # noqa: E731
    frame = pd.DataFrame({
        "day": pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D"),
        "source": "api", "champion": "v1", "champion_prob": a, "champion_pred": np.where(a >= 0.3, 0, 1),
        "champion_band": bands(a), "challenger_prob": b, "challenger_pred": np.where(b >= 0.3, 0, 1),
        "challenger_band": bands(b), "actual": pd.array(np.where(actual < 0, None, actual), dtype="Int64")})
    return Pairs("v2", frame, n)


def test_the_comparison_matches_numpy_and_scikit_learn(bundle):
    pairs = _pairs(20_000, seed=3, labelled=0.5)
    refs = {"champion": bundle.reference_profile, "challenger": bundle.reference_profile}
    labels = ["Bajo", "Medio", "Alto"]
    cmp = compare(pairs, refs, (labels, labels), min_late=20)
    f = pairs.frame
    assert cmp.n == 20_000 and cmp.labelled == int(f["actual"].notna().sum())
    assert cmp.pearson == pytest.approx(np.corrcoef(f["champion_prob"], f["challenger_prob"])[0, 1])
    assert cmp.same_class == pytest.approx((f["champion_pred"] == f["challenger_pred"]).mean())
    assert int(cmp.bands.to_numpy().sum()) == 20_000
    both_high = (f["champion_band"] == "Alto") & (f["challenger_band"] == "Alto")
    assert cmp.bands.loc["Alto", "Alto"] == int(both_high.sum())
    known = f[f["actual"].notna()]
    perf = cmp.performance.set_index(["metric", "model"])
    for model in ("champion", "challenger"):
        y = (known["actual"] == 0).astype(int)
        assert perf.loc[("roc_auc", model), "realised"] == pytest.approx(roc_auc_score(y, known[f"{model}_prob"]))
    # calibrated champion: the CBPE estimate lands near the realised value
    for metric in ("roc_auc", "recall_0", "precision_0"):
        row = perf.loc[(metric, "champion")]
        assert row["estimated"] == pytest.approx(row["realised"], abs=0.02), metric
    assert set(cmp.drift["model"]) == {"champion", "challenger"} and (cmp.drift["psi"] >= 0).all()


def test_too_few_outcomes_say_insufficient(bundle):
    cmp = compare(_pairs(500, seed=4, labelled=0.02), {"champion": bundle.reference_profile,
                                                       "challenger": bundle.reference_profile},
                  (["Bajo", "Medio", "Alto"],) * 2, min_late=20)
    assert cmp.performance["insufficient"].all() and cmp.performance["realised"].isna().all()
    assert cmp.performance["estimated"].notna().all()


def test_a_pinned_request_keeps_its_model_through_a_switch():
    old, new = _Model("old"), _Model("new")
    active = ActiveModel(old)  # type: ignore[arg-type]
    scoring = Follows(active, "scoring")
    active.pin()
    active.swap(new)  # type: ignore[arg-type]
    seen: list[str] = []
    other = threading.Thread(target=lambda: seen.append(scoring.model_version))
    other.start()
    other.join()
    assert scoring.model_version == "old" and seen == ["new"]  # in flight: old; a new request: new
    active.unpin()
    assert scoring.model_version == "new"
    with pytest.raises(AttributeError):
        scoring.model_version = "x"


class _Model:
    """Stands for a ServingModel in the pinning test: only the parts' versions are read."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.scoring = type("Scoring", (), {"model_version": version})()
