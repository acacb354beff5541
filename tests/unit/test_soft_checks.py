"""The serving path's input warnings (flags first, ``input_warnings`` only for flagged records) equal
``input_warnings`` on the whole frame, on thousands of odd records, one at a time as in batches."""
from __future__ import annotations

import numpy as np
import orjson
import pandas as pd
from test_lean_features import odd_raw  # noqa: F401 — shared module fixture

from app.services.scoring.log_values import FEW_ROWS, json_lines
from app.services.scoring.soft_checks import DIRECT_MIN_ROWS, SoftChecks
from modeling.data.input_warnings import input_warnings


def test_flagged_warnings_equal_input_warnings(bundle, odd_raw):  # noqa: F811
    checks = SoftChecks(bundle.schema)
    defaulted = np.random.default_rng(3).random(len(odd_raw)) < 0.1
    expected = input_warnings(odd_raw, bundle.schema, defaulted)
    assert sum(map(bool, expected)) > len(odd_raw) // 4  # the odd records do get warnings
    found: list[list[dict[str, str]]] = []
    start = 0
    for size in [1, 2, 3, 8, 17, 64, DIRECT_MIN_ROWS - 1, DIRECT_MIN_ROWS] * 20:
        part = odd_raw.iloc[start:start + size]
        if part.empty:
            break
        columns = {name: part[name].to_numpy() for name in part.columns}
        found += checks.warnings(columns, defaulted[start:start + size])
        start += size
    assert found == expected[:start]


def test_json_lines_equal_one_orjson_object_per_row(odd_raw):  # noqa: F811
    frame = odd_raw.copy()
    frame.loc[frame.index[::5], "fecha_prestamo"] = pd.NaT
    frame.loc[frame.index[::7], "tipo_laboral"] = 'comma, "quote" \\ % ñ'
    frame.loc[frame.index[::11], "plazo_meses"] = -0.0  # few distinct values: encoded once each, -0.0 kept apart
    frame.loc[frame.index[::13], "plazo_meses"] = 0.0
    names = list(frame.columns)
    columns = []
    for name in names:
        values = frame[name].to_numpy()
        if values.dtype.kind == "M":
            stamps = values.astype("datetime64[s]")
            text = np.datetime_as_string(stamps, unit="s").astype(object)
            text[np.isnat(stamps)] = None
            values = text
        elif values.dtype == object:
            values = np.where(pd.isna(values), None, values)
        columns.append(values.tolist())
    expected = [orjson.dumps(dict(zip(names, row, strict=True))).decode() for row in zip(*columns, strict=True)]
    assert json_lines({name: frame[name].to_numpy() for name in names}) == expected
    for start in range(0, 200, FEW_ROWS // 2 + 1):  # a few rows at a time: written row by row, the same text
        part = frame.iloc[start:start + FEW_ROWS // 2 + 1]
        assert json_lines({name: part[name].to_numpy() for name in names}) == expected[start:start + len(part)]
