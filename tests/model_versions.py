"""Two model versions in one models directory, for the challenger and promotion tests: a copy of the session's
bundle (the champion, named by ``LATEST``) and a second bundle trained on the same synthetic table with another
seed and one Optuna trial (the challenger)."""
from __future__ import annotations

import shutil
from pathlib import Path

from modeling.artifacts import LATEST_FILE, point_latest
from modeling.data.reading import LoadedTable
from modeling.train import TrainOptions, train_table


def models_with_challenger(trained_models_dir: Path, table: LoadedTable, folder: Path) -> tuple[Path, str, str]:
    """``(models_dir, champion, challenger)``; ``LATEST`` names the champion."""
    target = folder / "models"
    shutil.copytree(trained_models_dir, target)
    champion = (target / LATEST_FILE).read_text(encoding="utf-8").strip()
    result = train_table(table, TrainOptions(models_dir=target, trials=1, folds=3, seed=12))
    point_latest(target, champion)
    return target, champion, result.bundle_path.name
