"""The bundle on disk: contents, loading, clear errors, and atomic writing."""
from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from modeling import artifacts
from modeling.artifacts import (
    FRAME_FILES,
    LATEST_FILE,
    REQUIRED_FILES,
    BundleNotFoundError,
    load_bundle,
    save_bundle,
    unique_version,
)
from modeling.bundle_checksums import CHECKSUMS_FILE, file_sha256
from modeling.data.columns import TARGET
from modeling.data.schema import FEATURE_COLUMNS
from modeling.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def bundle(trained_models_dir):
    return load_bundle(trained_models_dir)


def _copy_inputs(bundle, version):
    return dict(pipeline=bundle.pipeline, metadata={**bundle.metadata, "model_version": version},
                feature_names=bundle.feature_names,
                frames={name: bundle.load_frame(name) for name in FRAME_FILES})


def test_bundle_holds_every_file_and_latest_points_at_it(trained_models_dir, bundle):
    assert (trained_models_dir / LATEST_FILE).read_text().strip() == bundle.model_version
    assert all((bundle.path / name).is_file() for name in REQUIRED_FILES)
    assert json.loads((bundle.path / "feature_names.json").read_text()) == bundle.feature_names


def test_bundle_properties(bundle):
    assert 0 < bundle.threshold < 1
    assert bundle.risk_bands["labels"] == ["Bajo", "Medio", "Alto"]
    low, high = bundle.risk_bands["cuts"]
    assert low < high == bundle.threshold
    assert {c["name"] for c in bundle.schema["columns"]} >= set(FEATURE_COLUMNS)
    assert set(bundle.reference_profile["variables"]) >= {"capital_prestado", "grupoEdad", "total_creditos"}
    assert bundle.reference_profile["score"] is not None


def test_stored_frames(bundle):
    reference, holdout = bundle.load_frame("reference"), bundle.load_frame("holdout")
    assert list(reference.columns) == [*FEATURE_COLUMNS, TARGET, "prob_default"]
    assert list(holdout.columns) == [*FEATURE_COLUMNS, TARGET]
    assert reference["fecha_prestamo"].max() <= holdout["fecha_prestamo"].min()
    assert len(holdout) == bundle.metadata["split"]["test"]["rows"]
    with pytest.raises(ValueError, match="unknown bundle frame"):
        bundle.load_frame("../metadata")


def test_missing_models_dir_says_how_to_train(tmp_path):
    with pytest.raises(BundleNotFoundError, match="make train") as error:
        load_bundle(tmp_path / "nothing-here")
    assert "python -m modeling.train" in str(error.value)


def test_unreadable_bundle_is_reported_not_crashed(tmp_path, bundle):
    path = save_bundle(tmp_path, **_copy_inputs(bundle, "v-broken"))
    (path / "pipeline.joblib").write_bytes(b"not a pickle")
    with pytest.raises(BundleNotFoundError, match="cannot be loaded"):
        load_bundle(tmp_path)
    (tmp_path / LATEST_FILE).write_text("../../etc\n")
    with pytest.raises(BundleNotFoundError, match="invalid model version"):
        load_bundle(tmp_path)


def test_the_manifest_records_the_sha256_of_every_file(tmp_path, bundle):
    path = save_bundle(tmp_path, **_copy_inputs(bundle, "v-sums"))
    manifest = json.loads((path / CHECKSUMS_FILE).read_text())
    assert manifest["algorithm"] == "sha256"
    assert manifest["files"] == {name: file_sha256(path / name) for name in REQUIRED_FILES}


@pytest.mark.parametrize("name", ["pipeline.joblib", "metadata.json", "holdout.parquet"])
def test_an_altered_file_refuses_to_load_naming_it(tmp_path, bundle, name):
    path = save_bundle(tmp_path, **_copy_inputs(bundle, "v-altered"))
    data = bytearray((path / name).read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one byte: the file may still parse, the hash no longer matches
    (path / name).write_bytes(bytes(data))
    with pytest.raises(BundleNotFoundError, match=re.escape(f"{name} was altered after training")):
        load_bundle(tmp_path)


def test_a_manifest_that_misses_a_file_refuses_to_load(tmp_path, bundle):
    path = save_bundle(tmp_path, **_copy_inputs(bundle, "v-partial"))
    manifest = json.loads((path / CHECKSUMS_FILE).read_text())
    del manifest["files"]["pipeline.joblib"]
    (path / CHECKSUMS_FILE).write_text(json.dumps(manifest))
    with pytest.raises(BundleNotFoundError, match=re.escape("does not list pipeline.joblib")):
        load_bundle(tmp_path)


def test_a_bundle_without_manifest_loads_with_a_warning(tmp_path, bundle, caplog):
    path = save_bundle(tmp_path, **_copy_inputs(bundle, "v-old"))
    (path / CHECKSUMS_FILE).unlink()
    with caplog.at_level(logging.WARNING, logger="modeling.bundle_checksums"):
        loaded = load_bundle(tmp_path)
    assert loaded.model_version == "v-old"
    assert any(CHECKSUMS_FILE in record.getMessage() and "unverified" in record.getMessage()
               for record in caplog.records)


def test_a_second_bundle_becomes_latest_and_the_first_still_loads(tmp_path, bundle):
    first = save_bundle(tmp_path, **_copy_inputs(bundle, "v1"))
    second = save_bundle(tmp_path, **_copy_inputs(bundle, "v2"))
    assert load_bundle(tmp_path).path == second
    assert load_bundle(tmp_path, "v1").path == first
    with pytest.raises(FileExistsError):
        save_bundle(tmp_path, **_copy_inputs(bundle, "v1"))
    assert unique_version(tmp_path, "v1") == "v1-2" and unique_version(tmp_path, "v3") == "v3"


def test_a_crash_half_way_leaves_no_bundle_and_latest_untouched(tmp_path, bundle, monkeypatch):
    save_bundle(tmp_path, **_copy_inputs(bundle, "v1"))

    def crash(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash)
    with pytest.raises(OSError, match="disk full"):
        save_bundle(tmp_path, **_copy_inputs(bundle, "v2"))
    assert sorted(os.listdir(tmp_path)) == [LATEST_FILE, "v1"]
    assert load_bundle(tmp_path).model_version == "v1"


def test_a_crash_while_renaming_leaves_the_previous_bundle_current(tmp_path, bundle, monkeypatch):
    save_bundle(tmp_path, **_copy_inputs(bundle, "v1"))
    monkeypatch.setattr(artifacts.os, "rename", lambda *a: (_ for _ in ()).throw(OSError("power cut")))
    with pytest.raises(OSError, match="power cut"):
        save_bundle(tmp_path, **_copy_inputs(bundle, "v2"))
    assert sorted(os.listdir(tmp_path)) == [LATEST_FILE, "v1"]


@pytest.mark.parametrize("version", ["", ".hidden", "a/b", ".."])
def test_bad_version_names_are_refused(tmp_path, bundle, version):
    with pytest.raises(ValueError, match="invalid model version"):
        save_bundle(tmp_path, **_copy_inputs(bundle, version))


def test_artifacts_and_inference_do_not_import_the_training_stack():
    code = ("import sys, modeling.artifacts, modeling.inference; "
            "bad = [m for m in ('optuna', 'modeling.train', 'modeling.training.tuning', "
            "'modeling.training.candidates') if m in sys.modules]; assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
