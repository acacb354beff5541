"""The engineered loan variables of the original system, as one stateless, vectorised transformer.

- ``grupoEdad``: age in (0, 30] → Joven, (30, 50] → Adulto, above 50 → Mayor. The original cut stopped at
  90; ages above 90 (the dataset's 122–123 are data errors) are kept in the open top group "Mayor" so that
  serving still scores them (training drops such rows by its plausibility rules). Missing or non-positive
  ages give a missing group, imputed later by the most frequent training group.
- ``es_independiente``: 1 when ``tipo_laboral`` is "Independiente", else 0.
- ``anio_prestamo``, ``mes_prestamo``, ``dia_semana_prestamo`` (Monday = 0), ``fin_de_mes`` (1 on the last
  calendar day of the month) from ``fecha_prestamo``; a missing date gives missing values.
- ``total_creditos``: sum of the three ``creditos_sector*`` counts.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from modeling.data.columns import DATE_COLUMN
from modeling.features.frames import with_columns

AGE_GROUPS: tuple[str, ...] = ("Joven", "Adulto", "Mayor")
AGE_GROUP_UPPER_BOUNDS: tuple[float, float] = (30, 50)
SECTOR_CREDIT_COLUMNS: tuple[str, ...] = (
    "creditos_sectorFinanciero",
    "creditos_sectorCooperativo",
    "creditos_sectorReal",
)
DERIVED_FEATURES: tuple[str, ...] = (
    "grupoEdad",
    "es_independiente",
    "anio_prestamo",
    "mes_prestamo",
    "dia_semana_prestamo",
    "fin_de_mes",
    "total_creditos",
)
DERIVED_CATEGORICAL: tuple[str, ...] = ("grupoEdad", "es_independiente", "fin_de_mes")  # profiled as categories
DATE_DERIVED_FEATURES: tuple[str, ...] = ("anio_prestamo", "mes_prestamo", "dia_semana_prestamo", "fin_de_mes")
SOURCE_COLUMNS_REPLACED: tuple[str, ...] = (DATE_COLUMN, "tipo_laboral")


def age_group(ages: pd.Series | np.ndarray) -> np.ndarray:
    """Age band label per row (object array, NaN where the age is missing or not positive)."""
    values = np.asarray(pd.to_numeric(ages, errors="coerce"), dtype="float64")
    band = np.searchsorted(AGE_GROUP_UPPER_BOUNDS, values, side="left")  # ≤30 → 0, ≤50 → 1, above → 2
    labels = np.asarray(AGE_GROUPS, dtype=object)[band]
    with np.errstate(invalid="ignore"):
        labels[~(values > 0)] = np.nan
    return labels


def date_parts(dates: pd.Series | np.ndarray) -> dict[str, np.ndarray]:
    """Year, month, weekday (Monday = 0) and month-end flag as float arrays (NaN for a missing date)."""
    if not pd.api.types.is_datetime64_any_dtype(dates):  # to_datetime on datetime64 input still iterates rows
        dates = pd.to_datetime(dates, errors="coerce")
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = pd.Series(dates).dt.tz_convert(None)
    days = np.asarray(dates, dtype="datetime64[D]")
    missing = np.isnat(days)
    months = days.astype("datetime64[M]")
    parts = {
        "anio_prestamo": days.astype("datetime64[Y]").astype(np.int64) + 1970.0,
        "mes_prestamo": months.astype(np.int64) % 12 + 1.0,
        "dia_semana_prestamo": (days.astype(np.int64) + 3) % 7 + 0.0,  # 1970-01-01 was a Thursday
        "fin_de_mes": ((days + 1).astype("datetime64[M]") != months).astype("float64"),
    }
    for values in parts.values():
        values[missing] = np.nan
    return parts


def derived_columns(raw: pd.DataFrame | Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The engineered variables for coerced raw records (a frame or its columns as arrays), as arrays keyed by
    ``DERIVED_FEATURES``."""
    sectors = [np.asarray(raw[name], dtype="float64") for name in SECTOR_CREDIT_COLUMNS]
    return {
        "grupoEdad": age_group(raw["edad_cliente"]),
        "es_independiente": (np.asarray(raw["tipo_laboral"]) == "Independiente").astype("float64"),
        **date_parts(raw[DATE_COLUMN]),
        "total_creditos": sum(sectors[1:], start=sectors[0]),
    }


def derive_features(raw: pd.DataFrame) -> pd.DataFrame:
    """The engineered variables for coerced raw records (same index, columns ``DERIVED_FEATURES``)."""
    return pd.DataFrame(derived_columns(raw), index=raw.index)


class LoanFeatureDeriver(TransformerMixin, BaseEstimator):
    """Append ``DERIVED_FEATURES`` and drop the raw columns they replace (stateless).

    Parameters
    ----------
    replaced : sequence of str
        Raw columns removed once derived (default: ``fecha_prestamo`` and ``tipo_laboral``).
    """

    def __init__(self, replaced: Sequence[str] = SOURCE_COLUMNS_REPLACED) -> None:
        self.replaced = replaced

    def fit(self, X: pd.DataFrame, y: object = None) -> LoanFeatureDeriver:
        """Nothing to learn; remembers the output column order."""
        kept = [c for c in X.columns if c not in self.replaced]
        self.feature_names_out_ = [*kept, *DERIVED_FEATURES]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Return the kept raw columns followed by the derived ones."""
        return with_columns(X, appended=derived_columns(X), dropped=self.replaced)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Kept raw columns followed by the derived ones."""
        return np.asarray(self.feature_names_out_, dtype=object)
