"""Serving-time soft checks: warnings derived from a stored schema document."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modeling.data.coercion import coerce_frame
from modeling.data.input_warnings import WARNING_CODES, input_warnings, stored_specs
from modeling.data.schema import FEATURE_COLUMNS, RAW_COLUMNS, schema_document, specs_for

FEATURES = specs_for(("feature",))


def records(n: int, **overrides) -> pd.DataFrame:
    frame = pd.DataFrame([{s.name: s.example for s in FEATURES}] * n)
    for name, values in overrides.items():
        frame[name] = values
    return coerce_frame(frame, FEATURES, optional=("fecha_prestamo",)).frame


@pytest.fixture(scope="module")
def schema():
    train = records(4, edad_cliente=[25, 30, 40, 60], tipo_credito=[4, 4, 9, 10],
                    tendencia_ingresos=["Creciente", "Estable", None, "Decreciente"])
    return schema_document(train)


def codes(warnings):
    return [sorted((w["field"], w["code"]) for w in row) for row in warnings]


def test_stored_specs_round_trip_the_declared_specs(schema):
    assert stored_specs(schema) == FEATURES
    assert stored_specs(schema, roles=("feature", "leakage", "target")) == RAW_COLUMNS
    assert [s.name for s in stored_specs(schema)] == list(FEATURE_COLUMNS)


def test_clean_records_have_no_warnings(schema):
    frame = records(3, edad_cliente=[25, 40, 60], tipo_credito=[4, 9, 10])
    assert input_warnings(frame, schema) == [[], [], []]


def test_outside_training_range_and_implausible_are_separate(schema):
    frame = records(3, edad_cliente=[70, 95, 40])
    got = codes(input_warnings(frame, schema))
    assert got[0] == [("edad_cliente", "outside_training_range")]
    assert got[1] == [("edad_cliente", "implausible_value"), ("edad_cliente", "outside_training_range")]
    assert got[2] == []
    message = input_warnings(frame, schema)[1][0]["message"]
    assert "95" in message and "[25, 60]" in message


def test_unseen_category_and_code(schema):
    frame = records(2, tipo_credito=[68, 4], tipo_laboral=["empleado", "Independiente"])
    got = codes(input_warnings(frame, schema))
    assert got[0] == [("tipo_credito", "unseen_category"), ("tipo_laboral", "unseen_category")]
    assert got[1] == [("tipo_laboral", "unseen_category")]  # only Empleado was in training


def test_stray_trend_values_are_flagged_but_missing_trend_is_not(schema):
    frame = records(3, tendencia_ingresos=["8315", None, "Estable"])
    warnings = input_warnings(frame, schema)
    assert codes(warnings) == [[("tendencia_ingresos", "unknown_trend")], [], []]
    assert "Sin_informacion" in warnings[0][0]["message"]


def test_defaulted_dates_are_reported(schema):
    frame = records(3)
    warnings = input_warnings(frame, schema, date_defaulted=np.array([False, True, False]))
    assert codes(warnings) == [[], [("fecha_prestamo", "date_defaulted")], []]


def test_every_code_is_declared(schema):
    frame = records(2, edad_cliente=[150, 40], tipo_credito=[68, 4], tendencia_ingresos=["x", "Estable"])
    found = {w["code"] for row in input_warnings(frame, schema, np.array([True, False])) for w in row}
    assert found == set(WARNING_CODES)


def test_missing_values_and_absent_columns_do_not_warn(schema):
    frame = records(2, puntaje_datacredito=[np.nan, np.nan]).drop(columns=["salario_cliente"])
    assert input_warnings(frame, schema) == [[], []]


def test_scales_to_many_rows(schema):
    ages = np.where(np.arange(20_000) % 2 == 0, 40, 95)
    warnings = input_warnings(records(20_000, edad_cliente=ages), schema)
    assert sum(len(w) for w in warnings) == 20_000
