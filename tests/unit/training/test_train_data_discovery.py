"""``python -m modeling.train`` without --data trains on a Base_de_datos.xlsx at the project root and says so.

The workbook is a small generated one in a temporary "project root" — never the real dataset."""
from __future__ import annotations

import json

from modeling.data.dataset_file import DATASET_FILE_NAME
from modeling.synthetic import generate_loans
from modeling.train import main


def test_a_dataset_at_the_project_root_is_used_and_announced(tmp_path, capsys):
    root = tmp_path / "project"
    root.mkdir()
    workbook = root / DATASET_FILE_NAME
    generate_loans(n_rows=1_200, seed=5).to_excel(workbook, index=False)
    models = tmp_path / "models"

    assert main(["--models-dir", str(models), "--trials", "1", "--folds", "2"], root=root) == 0

    out = capsys.readouterr().out
    assert f"Training data: {workbook}" in out and "synthetic" not in out
    metadata = json.loads((models / (models / "LATEST").read_text().strip() / "metadata.json").read_text())
    assert metadata["data"]["path"] == str(workbook) and metadata["data"]["rows"] == 1_200
