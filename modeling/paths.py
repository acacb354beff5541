"""Where the project keeps things on disk: models, prediction files and the real dataset. No side effects."""
from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODELS_DIR = PROJECT_ROOT / "models"
DEFAULT_PREDICTIONS_DIR = PROJECT_ROOT / "predicciones"
REAL_DATASET_PATH = PROJECT_ROOT.parent / "shared" / "data" / "Base_de_datos.xlsx"
