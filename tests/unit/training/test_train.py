"""End-to-end training on a small synthetic sample: metadata contract, choices on the training period only,
reproducibility, and the command line."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from modeling.artifacts import load_bundle
from modeling.data.columns import TARGET
from modeling.data.time_split import drop_implausible, time_split
from modeling.features import DERIVED_FEATURES
from modeling.inference import predict_default
from modeling.train import TrainOptions, fit_final_pipeline, main, parse_args
from modeling.training.candidates import CANDIDATES
from modeling.training.evaluation import METRIC_NAMES

CONTRACT_KEYS = {"model_version", "created_at", "library_versions", "data", "split", "cv_table", "selected_model",
                 "threshold", "risk_bands", "metrics", "schema", "reference_profile", "derived_features"}


@pytest.fixture(scope="module")
def metadata(trained_result):
    return trained_result.metadata


def test_metadata_has_every_contract_key(metadata, small_table):
    assert set(metadata) >= CONTRACT_KEYS
    assert metadata["data"] == {"path": small_table.source, "sha256": small_table.sha256, "rows": small_table.rows,
                                "warnings": []}
    assert {"scikit-learn", "feature-engine", "xgboost", "catboost", "python"} <= set(metadata["library_versions"])
    assert metadata["created_at"].endswith("Z")
    assert metadata["derived_features"] == list(DERIVED_FEATURES)
    assert metadata["model_version"].endswith(metadata["selected_model"]["name"])


def test_split_is_reported_and_only_training_rows_are_filtered(metadata, small_table):
    train, test = metadata["split"]["train"], metadata["split"]["test"]
    assert train["rows"] + test["rows"] == small_table.rows
    assert train["end"] <= test["start"]
    assert train["rows_used"] < train["rows"] and max(train["implausible_dropped"].values()) <= (
        train["rows"] - train["rows_used"])


def test_every_candidate_is_cross_validated_per_fold(metadata):
    assert set(metadata["cv_table"]) == {"random_forest", "xgboost", "catboost"}
    for summary in metadata["cv_table"].values():
        assert set(summary) == set(METRIC_NAMES)
        assert all(len(summary[m]["folds"]) == 3 for m in METRIC_NAMES)
    scores = metadata["selection"]["scores"]
    assert metadata["selected_model"]["name"] == max(scores, key=scores.get)
    assert metadata["selected_model"]["tuning"]["trials"] == 2


def test_selected_model_records_its_monotone_constraints(metadata):
    selected = metadata["selected_model"]
    assert selected["monotone_constraints"] == CANDIDATES[selected["name"]].monotone_directions
    assert "monotone_constraints" not in selected["params"]  # derived from the input columns, not tuned


@pytest.mark.parametrize("name", ["xgboost", "catboost"])
def test_final_pipeline_scores_raw_records_monotonically_in_the_bureau_score(small_table, name):
    split = time_split(small_table.frame)
    rows, _ = drop_implausible(split.train)
    y = rows[TARGET].to_numpy().astype(int)
    candidate = CANDIDATES[name]
    quick = {**candidate.default_params, **({"n_estimators": 60} if name == "xgboost" else {"iterations": 60})}
    pipeline = fit_final_pipeline(candidate, quick, rows, y, seed=1, n_jobs=1, calibration=(0.8, -2.0))
    records = split.test.head(30)
    scores = np.column_stack([predict_default(pipeline, records.assign(puntaje_datacredito=float(score)))
                              for score in range(300, 1000, 50)])
    assert (np.diff(scores, axis=1) <= 1e-12).all()  # a better bureau score never raises prob_default
    assert (scores[:, 0] > scores[:, -1]).any()


def test_threshold_and_bands_come_from_out_of_fold_predictions(metadata):
    assert metadata["metrics"]["cv"]["recall_0"] >= 0.60
    assert metadata["risk_bands"]["cuts"][1] == metadata["threshold"]


def test_test_period_is_evaluated_once_with_every_metric(metadata):
    test = metadata["metrics"]["test"]
    assert set(METRIC_NAMES) <= set(test)
    matrix = test["confusion_matrix"]["matrix"]
    assert sum(map(sum, matrix)) == metadata["split"]["test"]["rows"]
    assert test["accuracy"] == pytest.approx((matrix[0][0] + matrix[1][1]) / sum(map(sum, matrix)))
    actual_late = matrix[0][0] + matrix[0][1]
    if actual_late:
        assert test["recall_0"] == pytest.approx(matrix[0][0] / actual_late)


def test_reference_profile_covers_raw_and_derived_features(metadata):
    variables = metadata["reference_profile"]["variables"]
    assert "fecha_prestamo" not in variables and "puntaje" not in variables
    assert {"tipo_credito", "plazo_meses", *DERIVED_FEATURES} <= set(variables)


def test_phases_are_timed(trained_result):
    assert {"split", "compare candidates", "final fit", "save bundle", "total"} <= set(trained_result.timings)


def test_same_data_seed_and_options_give_the_same_metrics(train_small, trained_result, tmp_path):
    again = train_small(tmp_path)
    first, second = trained_result.metadata, again.metadata
    for key in ("cv_table", "threshold", "risk_bands", "metrics", "reference_profile"):
        assert second[key] == first[key], key
    for key in ("name", "params", "cv"):
        assert second["selected_model"][key] == first["selected_model"][key], key
    values = [[t["value"] for t in m["selected_model"]["tuning"]["history"]] for m in (first, second)]
    assert values[0] == values[1]


def test_command_line_options(monkeypatch):
    monkeypatch.setenv("MODELS_DIR", "/tmp/elsewhere")
    options = parse_args([])
    assert options.models_dir == Path("/tmp/elsewhere") and options.data is None
    assert (options.trials, options.seed, options.folds) == (TrainOptions().trials, 42, 5)
    options = parse_args(["--data", "x.csv", "--models-dir", "m", "--trials", "3", "--seed", "9", "--folds", "4"])
    assert (options.data, options.models_dir, options.trials, options.seed, options.folds) == (
        Path("x.csv"), Path("m"), 3, 9, 4)
    with pytest.raises(SystemExit):
        parse_args(["--folds", "1"])


def test_a_bad_data_file_ends_with_a_clear_message(tmp_path, capsys):
    bad = tmp_path / "loans.csv"
    bad.write_text("tipo_credito;fecha_prestamo\n4;2025-01-01\n", encoding="utf-8")
    assert main(["--data", str(bad), "--models-dir", str(tmp_path / "models")]) == 2
    error = capsys.readouterr().err
    assert "training failed" in error and "capital_prestado" in error and "Traceback" not in error
    assert not (tmp_path / "models").exists()


def test_scores_are_recalibrated_on_out_of_fold_predictions(metadata, trained_models_dir):
    calibration = metadata["calibration"]
    assert calibration["method"] == "platt" and calibration["slope"] > 0
    reference = load_bundle(trained_models_dir).load_frame("reference")
    late_share = (reference["Pago_atiempo"] == 0).mean()
    assert reference["prob_default"].mean() == pytest.approx(late_share, abs=0.1)
