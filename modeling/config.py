"""Static project facts: paths and the dataset's special column names. No side effects."""
from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODELS_DIR = PROJECT_ROOT / "models"
DEFAULT_PREDICTIONS_DIR = PROJECT_ROOT / "predicciones"
REAL_DATASET_PATH = PROJECT_ROOT.parent / "shared" / "data" / "Base_de_datos.xlsx"

TARGET = "Pago_atiempo"
DATE_COLUMN = "fecha_prestamo"
POSITIVE_RISK_CLASS = 0  # Pago_atiempo == 0 is the late-payment (risk) class

LEAKAGE_COLUMNS: tuple[str, ...] = (
    "puntaje",
    "saldo_mora",
    "saldo_total",
    "saldo_principal",
    "saldo_mora_codeudor",
)
TEMPORAL_FEATURES: tuple[str, ...] = (
    "anio_prestamo",
    "mes_prestamo",
    "dia_semana_prestamo",
    "fin_de_mes",
)
UNKNOWN_TREND = "Sin_informacion"
