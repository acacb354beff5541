"""The columnar shortcut for many records: accepts only clean records and builds exactly the general path's frame."""
from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from test_record_validation import EXAMPLE, general_path, records, validator  # noqa: F401 — shared fixture

from app.services.scoring.columns import clean_columns


@settings(max_examples=200, deadline=None)
@given(records())
def test_columnar_shortcut_matches_the_general_path(validator, batch):  # noqa: F811
    general = general_path(validator, batch)
    clean = clean_columns(batch, validator.specs, validator._by_header)
    if clean is None:
        return
    columns, ignored = clean
    assert general.errors == {}
    pd.testing.assert_frame_equal(pd.DataFrame(columns), general.raw)
    assert ignored == general.ignored


def test_many_clean_records_take_the_columnar_path(validator):  # noqa: F811
    batch = [EXAMPLE, {**EXAMPLE, "fecha_prestamo": None, "puntaje_datacredito": None, "color": "azul"},
             {**EXAMPLE, "fecha_prestamo": "2025-03-14T10:30:00Z", "tendencia_ingresos": " Estable "}] * 20
    clean = clean_columns(batch, validator.specs, validator._by_header)
    assert clean is not None
    checked = validator.validate_records(batch)
    pd.testing.assert_frame_equal(checked.raw, general_path(validator, batch).raw)
    assert checked.ignored[1] == ["color"] and checked.ignored[0] == []


def test_one_bad_record_sends_the_whole_list_to_the_general_path(validator):  # noqa: F811
    batch = [EXAMPLE] * 40 + [{**EXAMPLE, "edad_cliente": "cuarenta"}]
    assert clean_columns(batch, validator.specs, validator._by_header) is None
    checked = validator.validate_records(batch)
    assert sorted(checked.errors) == [40] and len(checked.raw) == 40
