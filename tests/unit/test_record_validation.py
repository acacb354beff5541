"""Record validation for scoring: the small-request shortcut must agree exactly with the vectorised path."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.scoring.records import RecordValidator, _Invalid
from modeling.data.coercion import coerce_frame
from modeling.data.schema import schema_document, specs_for

FEATURES = specs_for(("feature",))
EXAMPLE = {s.name: s.example for s in FEATURES}


@pytest.fixture(scope="module")
def validator() -> RecordValidator:
    train = coerce_frame(pd.DataFrame([EXAMPLE] * 3), FEATURES).frame
    return RecordValidator(schema_document(train))


def general_path(validator, records):
    return validator.validate_frame(pd.DataFrame(records))


ODD = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "  ", "12", " 7.5 ", "1e3", "abc", "Empleado", " Independiente ", "Creciente", "8315",
                     "2025-03-14", "2025-03-14T10:30:00", "2025-03-14 10:30:00.123456", "2025-03-14T10:30:00Z",
                     "2025-03-14T10:30:00+05:00", "2025-02-30", "20250314", "14/03/2025", "1650-01-01"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


def valid_values(spec):
    """Values of the final type that validation accepts for ``spec``."""
    lo = spec.valid_range[0] if spec.valid_range[0] is not None else -1e6
    if spec.kind in ("code", "integer"):
        return st.integers(int(lo), 10**9)
    if spec.kind == "numeric":
        return st.one_of(st.integers(int(lo), 10**12), st.floats(lo, 1e12))
    if spec.kind == "category":
        return st.sampled_from([*spec.categories, " Otro ", "ñandú"])
    return st.sampled_from(["2025-03-14", "2025-03-14T10:30:00", "2024-02-29 23:59:59.5", "2025-01-01T00:00:00Z"])


@st.composite
def records(draw):
    n = draw(st.integers(1, 4))
    out = []
    for _ in range(n):
        record = dict(EXAMPLE)
        for spec in draw(st.lists(st.sampled_from(FEATURES), max_size=6, unique=True)):
            record[spec.name] = draw(valid_values(spec))
        if draw(st.integers(0, 5)) == 0:
            record[draw(st.sampled_from(list(EXAMPLE)))] = draw(ODD)
        if draw(st.integers(0, 9)) == 0:
            record.pop(draw(st.sampled_from(list(EXAMPLE))))
        if draw(st.booleans()):
            record[draw(st.sampled_from(["color", " EDAD_CLIENTE ", "Pago_atiempo", "puntaje"]))] = draw(ODD)
        out.append(record)
    return out


@settings(max_examples=150, deadline=None)
@given(records())
def test_shortcut_accepts_only_valid_records_and_matches_the_general_path(validator, batch):
    general = general_path(validator, batch)
    try:
        fast = validator._validate_clean(batch)
    except _Invalid:
        return
    assert general.errors == {}
    pd.testing.assert_frame_equal(fast.raw, general.raw)
    assert [sorted(i) for i in fast.ignored] == [sorted(i) for i in general.ignored]


def test_clean_json_records_take_the_shortcut(validator):
    batch = [EXAMPLE, {**EXAMPLE, "fecha_prestamo": None, "puntaje_datacredito": None, "color": "azul"}]
    fast = validator._validate_clean(batch)
    pd.testing.assert_frame_equal(fast.raw, general_path(validator, batch).raw)
    assert fast.ignored == [[], ["color"]]


def test_invalid_records_get_every_problem_by_input_index(validator):
    checked = validator.validate_records([EXAMPLE, "x", {**EXAMPLE, "edad_cliente": -1, "tipo_laboral": None}])
    assert list(checked.positions) == [0]
    assert sorted(checked.errors) == [1, 2]
    assert checked.errors[1][0].message == "not a JSON object"
    assert {p.field for p in checked.errors[2]} == {"edad_cliente", "tipo_laboral"}


def test_huge_integers_are_reported_not_raised(validator):
    checked = validator.validate_records([{**EXAMPLE, "capital_prestado": 10**400}] * 40)
    assert len(checked.errors) == 40 and checked.raw.empty


def test_a_field_missing_everywhere_is_reported_for_every_record(validator):
    batch = [{k: v for k, v in EXAMPLE.items() if k != "plazo_meses"}] * 3
    checked = validator.validate_records(batch)
    assert sorted(checked.errors) == [0, 1, 2]
    assert checked.errors[0][0].field == "plazo_meses" and checked.errors[0][0].message == "missing field"


def test_duplicate_headers_never_collide(validator):
    checked = validator.validate_records([{**EXAMPLE, " EDAD_CLIENTE": 30}] * 40)
    assert checked.errors == {}
    assert np.all(checked.raw["edad_cliente"] == EXAMPLE["edad_cliente"])
    assert checked.ignored[0] == [" EDAD_CLIENTE"]
