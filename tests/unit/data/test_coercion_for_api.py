"""Validation behaviour the JSON API relies on: odd values are problems, never crashes; no problem cap on demand."""
from __future__ import annotations

import pandas as pd
import pytest

from modeling.data.coercion import MAX_PROBLEMS_PER_COLUMN, coerce_column
from modeling.data.schema import COLUMNS_BY_NAME

AGE = COLUMNS_BY_NAME["edad_cliente"]
JOB = COLUMNS_BY_NAME["tipo_laboral"]


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), 10**400, "1e999", [1, 2], {"a": 1}, True])
def test_non_finite_huge_and_nested_numbers_are_unparseable(value):
    values, problems = coerce_column(pd.Series([40, value], dtype=object), AGE)
    assert values.isna().tolist() == [False, True]
    assert [(p.row, p.message) for p in problems] == [(1, "could not be parsed")]


def test_float_column_with_infinity_is_rejected():
    values, problems = coerce_column(pd.Series([40.0, float("inf")]), AGE)
    assert values.isna().tolist() == [False, True]
    assert problems[0].row == 1


@pytest.mark.parametrize("value", [{"a": 1}, [1], ("x",)])
def test_nested_values_are_not_text(value):
    values, problems = coerce_column(pd.Series(["Empleado", value], dtype=object), JOB)
    assert values.tolist()[0] == "Empleado" and pd.isna(values.iloc[1])
    assert [(p.row, p.message, p.expected) for p in problems] == [(1, "not a text value", "a text value")]


def test_problem_cap_can_be_lifted():
    raw = pd.Series(["x"] * (MAX_PROBLEMS_PER_COLUMN + 5))
    _, capped = coerce_column(raw, AGE)
    assert len(capped) == MAX_PROBLEMS_PER_COLUMN + 1 and capped[-1].row is None
    _, every = coerce_column(raw, AGE, max_problems=None)
    assert [p.row for p in every] == list(range(MAX_PROBLEMS_PER_COLUMN + 5))
