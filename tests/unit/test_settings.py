"""Settings: defaults, environment parsing, path resolution and clear errors."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.config import Settings, SettingsError
from modeling.paths import PROJECT_ROOT


def test_defaults():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.models_dir == PROJECT_ROOT / "models"
    assert settings.predictions_dir == PROJECT_ROOT / "predicciones"
    assert (settings.port, settings.workers, settings.max_batch_rows) == (8000, 2, 50_000)
    assert settings.api_key is None and settings.database_url is None
    assert settings.psi_bands == (0.10, 0.25)
    assert settings.log_database_url == f"sqlite:///{PROJECT_ROOT / 'predicciones' / 'prediction_log.sqlite'}"


def test_environment_overrides_every_field(tmp_path):
    env = {"MODELS_DIR": str(tmp_path / "m"), "PREDICTIONS_DIR": "out/preds", "DATABASE_URL": "postgresql+psycopg://x/y",
           "PORT": "9000", "WORKERS": "3", "THREADS": "8", "API_KEY": "s3cret", "MAX_BATCH_ROWS": "100",
           "MAX_UPLOAD_MB": "1.5", "PSI_BAND_LOW": "0.05", "PSI_BAND_HIGH": "0.3", "SEED_HOLDOUT": "no"}
    settings = Settings.from_env(env)
    assert settings.models_dir == tmp_path / "m"
    assert settings.predictions_dir == PROJECT_ROOT / "out" / "preds"
    assert settings.log_database_url == "postgresql+psycopg://x/y"
    assert (settings.port, settings.workers, settings.threads) == (9000, 3, 8)
    assert settings.api_key == "s3cret"
    assert settings.max_batch_rows == 100
    assert settings.max_upload_bytes == int(1.5 * 1024 * 1024)
    assert settings.psi_bands == (0.05, 0.3)
    assert settings.seed_holdout is False


def test_relative_paths_resolve_against_the_project_root_not_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings(models_dir=Path("some/models"))
    assert settings.models_dir == PROJECT_ROOT / "some" / "models"


def test_empty_variables_keep_defaults():
    assert Settings.from_env({"PORT": "  ", "API_KEY": ""}) == Settings()


@pytest.mark.parametrize(("name", "value"), [("PORT", "eighty"), ("WORKERS", "0"), ("MAX_UPLOAD_MB", "-1"),
                                             ("MAX_BATCH_ROWS", "1.5"), ("SEED_HOLDOUT", "maybe"),
                                             ("PSI_BAND_LOW", "inf")])
def test_invalid_values_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_psi_bands_must_be_ordered():
    with pytest.raises(SettingsError, match="PSI bands"):
        Settings.from_env({"PSI_BAND_LOW": "0.3", "PSI_BAND_HIGH": "0.2"})


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().port = 1  # type: ignore[misc]
