"""The declared schema and the vectorised coercion every input goes through."""
from __future__ import annotations

import numpy as np
import pandas as pd

from modeling.data.coercion import MAX_PROBLEMS_PER_COLUMN, coerce_column, coerce_frame, match_columns
from modeling.data.columns import DATE_COLUMN, LEAKAGE_COLUMNS, TARGET
from modeling.data.schema import (
    COLUMNS_BY_NAME,
    FEATURE_COLUMNS,
    RAW_COLUMNS,
    Problem,
    SchemaError,
    schema_document,
    specs_for,
)
from modeling.synthetic import generate_loans

SPEC = COLUMNS_BY_NAME


def coerce(values: list, name: str, row_offset: int = 0) -> tuple[list, list[tuple]]:
    series, problems = coerce_column(pd.Series(values, dtype=object), SPEC[name], row_offset)
    return series.tolist(), [(p.message, p.row, p.value) for p in problems]


def test_schema_declares_the_23_file_columns_in_order():
    names = [s.name for s in RAW_COLUMNS]
    assert len(names) == 23 and names[0] == "tipo_credito" and names[-1] == TARGET
    assert list(generate_loans(n_rows=5).columns) == names
    assert set(specs_for(("leakage",))) == {SPEC[n] for n in LEAKAGE_COLUMNS}
    assert set(FEATURE_COLUMNS).isdisjoint({*LEAKAGE_COLUMNS, TARGET})
    assert len(FEATURE_COLUMNS) == 23 - len(LEAKAGE_COLUMNS) - 1


def test_integers_accept_whole_numbers_in_any_form_and_reject_fractions():
    values, problems = coerce([12, "6", " 24 ", 12.0, "7.5", 3.2], "plazo_meses", row_offset=2)
    assert values[:4] == [12.0, 6.0, 24.0, 12.0] and np.isnan(values[4]) and np.isnan(values[5])
    assert problems == [("not a whole number", 6, "7.5"), ("not a whole number", 7, 3.2)]


def test_booleans_are_not_numbers():
    values, problems = coerce([True, 4, False], "tipo_credito")
    assert np.isnan(values[0]) and values[1] == 4.0
    assert [(m, r) for m, r, _ in problems] == [("could not be parsed", 0), ("could not be parsed", 2)]
    _, problems = coerce_column(pd.Series([True, False]), SPEC[TARGET])
    assert len(problems) == 2


def test_unparseable_text_is_reported_with_its_value():
    _, problems = coerce(["1,5 millones", "abc", None], "capital_prestado", row_offset=2)
    assert problems == [("could not be parsed", 2, "1,5 millones"), ("could not be parsed", 3, "abc"),
                        ("missing value", 4, None)]


def test_valid_range_is_a_hard_limit_but_plausible_range_is_not():
    values, problems = coerce([-5, 0, 122, 1000], "edad_cliente")
    assert np.isnan(values[0]) and values[1:] == [0.0, 122.0, 1000.0]  # 122 is implausible, not invalid
    assert problems == [("outside the valid range", 0, -5)]
    assert SPEC["edad_cliente"].plausible_range == (18, 90)
    _, problems = coerce([-1001, -7, 999, 1001], "puntaje_datacredito")
    assert [r for _, r, _ in problems] == [0, 3]


def test_target_must_be_zero_or_one():
    values, problems = coerce([0, 1, "1", 2, -1, 0.5], TARGET)
    assert values[:3] == [0.0, 1.0, 1.0]
    assert problems == [("not a whole number", 5, 0.5), ("not a valid class", 3, 2), ("not a valid class", 4, -1)]


def test_nullable_columns_accept_gaps_and_others_report_them():
    assert coerce([None, 791, np.nan], "puntaje_datacredito")[1] == []
    assert coerce(["", "Empleado", None], "tipo_laboral", row_offset=2)[1] == [("missing value", 2, ""),
                                                                              ("missing value", 4, None)]


def test_datetimes_parse_text_timestamps_and_zones():
    raw = ["2025-03-14", "2025-03-14 10:30:00", pd.Timestamp("2025-01-02 08:00"), "2025-03-14T10:30:00+02:00",
           "no es fecha", 20250314]
    values, problems = coerce(raw, DATE_COLUMN, row_offset=2)
    assert values[:4] == [pd.Timestamp("2025-03-14"), pd.Timestamp("2025-03-14 10:30"),
                          pd.Timestamp("2025-01-02 08:00"), pd.Timestamp("2025-03-14 08:30")]  # zoned → UTC
    assert problems == [("could not be parsed", 6, "no es fecha"), ("could not be parsed", 7, 20250314)]
    series, _ = coerce_column(pd.Series(pd.to_datetime(["2025-01-01 09:15"])), SPEC[DATE_COLUMN])
    assert series.dtype == "datetime64[ns]"


def test_categories_keep_text_and_stringify_stray_integers():
    values, problems = coerce(["Creciente", 8315, -28589, 1000000.0, 0, " Estable ", None], "tendencia_ingresos")
    assert values[:6] == ["Creciente", "8315", "-28589", "1000000", "0", "Estable"] and np.isnan(values[6])
    assert problems == []  # nullable; unknown values are the features' business, not validation's


def test_coerce_frame_reports_missing_columns_and_honours_optional_ones():
    frame = generate_loans(n_rows=30, seed=3).drop(columns=["saldo_mora", "edad_cliente", TARGET])
    result = coerce_frame(frame, RAW_COLUMNS, optional=(*LEAKAGE_COLUMNS, TARGET))
    assert [(p.field, p.message) for p in result.problems] == [("edad_cliente", "missing column")]
    assert "saldo_mora" not in result.frame.columns and TARGET not in result.frame.columns
    assert isinstance(result.frame.index, pd.RangeIndex)


def test_coerce_frame_dtypes_and_row_offset_on_a_shuffled_index():
    frame = generate_loans(n_rows=40, seed=4)
    frame.index = np.arange(100, 140)[::-1]
    frame = frame.astype({"huella_consulta": object})
    frame.iloc[5, frame.columns.get_loc("huella_consulta")] = "muchas"
    result = coerce_frame(frame, RAW_COLUMNS, row_offset=2)
    assert [(p.field, p.row, p.value) for p in result.problems] == [("huella_consulta", 7, "muchas")]
    assert result.bad_rows == {7}
    kinds = {s.name: s.kind for s in RAW_COLUMNS}
    for name, dtype in result.frame.dtypes.items():
        expected = {"category": object, "datetime": np.dtype("datetime64[ns]")}.get(kinds[name], np.float64)
        assert dtype == expected, name


def test_many_bad_rows_are_summarised_after_the_limit():
    _, problems = coerce(["x"] * (MAX_PROBLEMS_PER_COLUMN + 5), "capital_prestado")
    assert len(problems) == MAX_PROBLEMS_PER_COLUMN + 1
    assert problems[-1][0] == "5 more rows with the same problem (could not be parsed)"


def test_match_columns_ignores_case_spaces_and_bom():
    headers = ["\ufefftipo_credito", " Pago_atiempo ", "PAGO_ATIEMPO", "EDAD_cliente", "comentario"]
    mapping, extra = match_columns(headers, RAW_COLUMNS)
    assert mapping == {"\ufefftipo_credito": "tipo_credito", " Pago_atiempo ": TARGET,
                       "EDAD_cliente": "edad_cliente"}
    assert extra == ["PAGO_ATIEMPO", "comentario"]  # a duplicate is not silently merged


def test_problem_and_schema_error_messages():
    problem = Problem("edad_cliente", "outside the valid range", row=4, value=-5, expected="a value in [0, inf]")
    assert str(problem) == "row 4, edad_cliente: outside the valid range (found -5, expected a value in [0, inf])"
    assert Problem("file", "the file is empty").to_dict() == {"field": "file", "message": "the file is empty"}
    error = SchemaError([problem] * 52, summary="bad.csv cannot be used")
    assert str(error).startswith("bad.csv cannot be used: 52 problem(s)\n  - row 4, edad_cliente")
    assert str(error).endswith("… and 2 more") and len(error.problems) == 52


def test_schema_document_records_training_ranges_and_categories():
    frame = coerce_frame(generate_loans(n_rows=300, seed=9), RAW_COLUMNS).frame
    document = schema_document(frame)
    columns = {c["name"]: c for c in document["columns"]}
    assert document["target"] == TARGET and document["date_column"] == DATE_COLUMN
    assert columns["capital_prestado"]["training"]["max"] == frame["capital_prestado"].max()
    assert columns["tipo_laboral"]["training"]["categories"] == sorted(frame["tipo_laboral"].unique())
    assert columns["tipo_credito"]["training"]["categories"] == sorted(int(v) for v in frame["tipo_credito"].unique())
    assert "training" not in columns["puntaje"]  # leakage columns carry no training profile
