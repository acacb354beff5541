"""Finding Base_de_datos.xlsx where the original kept it (project root, then data/), else the synthetic data."""
from __future__ import annotations

from pathlib import Path

from modeling.data.dataset_file import DATASET_FILE_NAME, choose_training_data, find_dataset


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not read here")
    return path


def test_nothing_found_means_the_synthetic_dataset_and_says_where_it_looked(tmp_path):
    assert find_dataset(tmp_path) is None
    data, message = choose_training_data(None, tmp_path)
    assert data is None
    assert "built-in synthetic dataset" in message
    assert str(tmp_path / DATASET_FILE_NAME) in message and str(tmp_path / "data" / DATASET_FILE_NAME) in message


def test_the_file_in_data_is_found(tmp_path):
    in_data = _touch(tmp_path / "data" / DATASET_FILE_NAME)
    assert find_dataset(tmp_path) == in_data
    data, message = choose_training_data(None, tmp_path)
    assert data == in_data and str(in_data) in message and "synthetic" not in message


def test_the_project_root_comes_before_data(tmp_path):
    _touch(tmp_path / "data" / DATASET_FILE_NAME)
    at_root = _touch(tmp_path / DATASET_FILE_NAME)
    assert find_dataset(tmp_path) == at_root


def test_a_folder_with_the_name_is_not_a_dataset(tmp_path):
    (tmp_path / DATASET_FILE_NAME).mkdir()
    assert find_dataset(tmp_path) is None


def test_an_explicit_file_wins_over_a_found_one(tmp_path):
    _touch(tmp_path / DATASET_FILE_NAME)
    chosen = tmp_path / "other.csv"
    data, message = choose_training_data(chosen, tmp_path)
    assert data == chosen and "--data" in message
