"""A one-record write's profile counts in plain Python equal the vectorised counts, on every kind of row."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from profile_log import loans

from app.services.log import PredictionLog
from app.services.profiles import build
from app.services.profiles.one_row import one_row_counts
from app.services.scoring import ScoringService


@pytest.fixture
def scoring(bundle, tmp_path):
    log = PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")
    yield ScoringService(bundle, log)
    log.dispose()


def _vectorised(layout, rows, monkeypatch) -> build.GroupedCounts:
    with monkeypatch.context() as patched:
        patched.setattr(build, "one_row_counts", lambda *_: None)
        return build.count_rows(layout, rows)


def _assert_same(fast: build.GroupedCounts, slow: build.GroupedCounts) -> None:
    for field in dataclasses.fields(build.GroupedCounts):
        a, b = getattr(fast, field.name), getattr(slow, field.name)
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype, field.name
            np.testing.assert_array_equal(a, b, err_msg=field.name)
        else:
            assert a == b, field.name


def _odd_loans(n: int) -> tuple[pd.DataFrame, pd.Series]:
    """``loans`` plus missing numbers and texts, unseen texts, values beyond every reference range, zeros."""
    frame, actual = loans(n, seed=11)
    rng = np.random.default_rng(11)
    for column in ("salario_cliente", "puntaje_datacredito", "promedio_ingresos_datacredito", "tipo_laboral",
                   "tendencia_ingresos", "tipo_credito"):
        frame.loc[rng.random(n) < 0.08, column] = np.nan
    frame.loc[rng.random(n) < 0.05, "tipo_laboral"] = "Jubilado"
    frame.loc[rng.random(n) < 0.05, "edad_cliente"] = 99
    frame.loc[rng.random(n) < 0.05, "cuota_pactada"] = 0.0
    frame.loc[rng.random(n) < 0.05, "tipo_credito"] = 7
    return frame, actual.astype("float64").where(rng.random(n) < 0.6)


def test_every_single_row_counts_as_the_vectorised_path(scoring, monkeypatch):
    frame, actual = _odd_loans(500)
    layout, compared = scoring.layout, 0
    for i in range(len(frame)):
        source = ("api", "batch", "holdout")[i % 3]
        _, write = scoring.prepare(frame.iloc[[i]].reset_index(drop=True), source=source,
                                   actual=actual.iloc[[i]].reset_index(drop=True))
        if len(write.profiled) == 0:  # a record the schema rejects: nothing to count
            continue
        fast = one_row_counts(layout, write.profiled)
        assert fast is not None, f"row {i} left the one-row path"
        _assert_same(build.GroupedCounts(layout.model_version, **fast),
                     _vectorised(layout, write.profiled, monkeypatch))
        compared += 1
    assert compared > 300


def test_a_json_record_counts_as_the_vectorised_path(scoring, monkeypatch):
    frame, _ = _odd_loans(120)
    frame["fecha_prestamo"] = frame["fecha_prestamo"].dt.strftime("%Y-%m-%d")
    records = [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    compared = 0
    for record in records:
        _, write = scoring.prepare_records([record], source="api")
        if len(write.profiled) == 0:
            continue
        assert one_row_counts(scoring.layout, write.profiled) is not None
        _assert_same(build.count_rows(scoring.layout, write.profiled),
                     _vectorised(scoring.layout, write.profiled, monkeypatch))
        compared += 1
    assert compared > 60


def test_other_shapes_take_the_vectorised_path(scoring):
    frame, _ = loans(3, seed=2)
    _, write = scoring.prepare(frame.iloc[[0]], source="api")
    rows = write.profiled
    as_frame = dataclasses.replace(rows, variables=pd.DataFrame(dict(rows.variables)))
    unknown_band = dataclasses.replace(rows, band=np.array(["?"], dtype=object))
    listed_outcome = dataclasses.replace(rows, actual=[1])
    for odd in (as_frame, unknown_band, listed_outcome):
        assert one_row_counts(scoring.layout, odd) is None
    with pytest.raises(ValueError, match="risk_band"):
        build.count_rows(scoring.layout, unknown_band)
    _assert_same(build.count_rows(scoring.layout, listed_outcome),
                 build.count_rows(scoring.layout, dataclasses.replace(rows, actual=np.array([1.0]))))
