"""The dataset's special column names and value labels: target, date, leakage and calendar columns."""
from __future__ import annotations

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
