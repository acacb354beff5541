"""The Logs tab's CSV: every matching row exactly once, newest first, BOM first, streamed in keyset chunks; the
Flask route streams it and answers 400 JSON naming the field for bad parameters."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from log_browse_data import fill_log, selected

from app import create_app
from app.config import Settings
from app.dashboard.downloads import EXPORT_PATH, export_url, log_service
from app.services.log import export_copy
from app.services.log.browse import LogService
from app.services.log.export import DISPLAY_COLUMNS
from app.services.log.query import parse_query
from app.services.log.store import PredictionLog
from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import FEATURE_COLUMNS

BANDS = ("Bajo", "Medio", "Alto")


@pytest.fixture(scope="module")
def service(trained_models_dir, tmp_path_factory):
    return fill_log(PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('log') / 'log.sqlite'}"),
                    trained_models_dir)


@pytest.fixture(scope="module")
def everything(service):
    return service.log.read()


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, na_values=[""])


@pytest.mark.parametrize("values", [{"version": "*"}, {"version": "*", "sources": ["holdout", "api"]},
                                    {"version": "*", "bands": ["Alto"], "predicted": [0]},
                                    {"version": "*", "start": "2025-01-01", "end": "2025-06-30"},
                                    {"version": "*", "request_id": "nothing"}])
def test_export_holds_every_matching_row_once_newest_first(service, everything, values):
    query = parse_query(band_labels=BANDS, **values)
    pieces = list(service.export(query, chunk_rows=17))
    data = b"".join(pieces)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    expected = selected(everything, query, service.serving_version)
    frame = read_csv(data)
    assert frame["id"].tolist() == expected["id"].tolist()
    assert list(frame.columns) == [*DISPLAY_COLUMNS, *(c for c in FEATURE_COLUMNS if c != DATE_COLUMN)]
    assert len(pieces) == 1 + len(expected) // 17  # the header piece carries the first chunk
    np.testing.assert_allclose(frame["prob_default"].astype(float), expected["prob_default"])
    assert frame["scored_at"].tolist() == expected["scored_at"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist()


def test_export_text_survives_quotes_and_separators(service, everything):
    frame = read_csv(b"".join(service.export(parse_query(version="*", sources=["batch"]))))
    assert frame["tendencia_ingresos"].eq('sube "mucho"').sum() == 1
    assert frame["warnings"].str.contains('sube "mucho"', regex=False).sum() == 1
    assert frame["loan_date"].isna().sum() == 1
    assert pd.api.types.is_integer_dtype(frame["edad_cliente"])  # whole numbers written without ".0"


def test_an_empty_log_exports_the_header_only(tmp_path):
    service = LogService(PredictionLog.from_url(f"sqlite:///{tmp_path / 'e.sqlite'}"), BANDS, "v1",
                         input_fields=["edad_cliente"])
    lines = b"".join(service.export(parse_query(version="*"))).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 and lines[0].startswith('"id","scored_at"') and lines[0].endswith('"edad_cliente"')


@pytest.fixture(scope="module")
def client(trained_models_dir, tmp_path_factory):
    app = create_app(Settings(models_dir=trained_models_dir, predictions_dir=tmp_path_factory.mktemp("pred")))
    return app.test_client(), app


def test_route_streams_the_csv_as_an_attachment(client):
    test_client, app = client
    holdout = app.extensions["credit_risk"].log.read(source="holdout")
    query = parse_query(version="*", sources=["holdout"], bands=["Bajo", "Medio"])
    response = test_client.get(export_url(query))
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=monitoring_log_") and disposition.endswith(".csv")
    frame = read_csv(response.get_data())
    wanted = holdout[holdout["risk_band"].isin(["Bajo", "Medio"])]
    assert frame["id"].tolist() == sorted(wanted["id"], reverse=True) and len(frame) > 0
    assert log_service(app) is log_service(app)


@pytest.mark.parametrize(("params", "field"), [
    ("sources=web", "sources"), ("start=2025-13-01", "start"), ("predicted=2", "predicted"),
    ("bands=Alt%C3%ADsimo", "bands"), ("start=2025-03-02&end=2025-03-01", "end"), ("pagina=2", "pagina"),
])
def test_route_answers_400_json_naming_the_field(client, params, field):
    response = client[0].get(f"{EXPORT_PATH}?{params}")
    assert response.status_code == 400 and response.is_json
    body = response.get_json()
    assert body["error"] == "invalid_parameter" and body["problems"][0]["field"] == field


def with_hostile_text(log: PredictionLog) -> None:
    """A logged row whose request id, text input and warning a spreadsheet would run as formulas."""
    row = log.read(source="batch").iloc[[0]]
    inputs = row["inputs"].iloc[0].replace('"tendencia_ingresos":', '"tendencia_ingresos":"=HYPERLINK(1)","x":')
    warnings = '[{"field": "@SUM(1)", "code": "unseen", "message": "unseen"}, {"field": "x", "message": "=1"}]'
    log.append(row.assign(request_id="-2+3", row=0, inputs=inputs, warnings=warnings))


@pytest.mark.parametrize("span_ids", [export_copy.SPAN_IDS, 17])
def test_postgresql_copy_export_matches_the_streamed_sqlite_export(postgres_url, trained_models_dir, tmp_path,
                                                                   monkeypatch, span_ids):
    """The same log on both databases: PostgreSQL's in-database COPY export reads back exactly like the Arrow one,
    formula text neutralised the same way, whole numbers without ".0" — in one span of ids, or in many copied
    two at a time."""
    monkeypatch.setattr(export_copy, "SPAN_IDS", span_ids)
    frames = []
    for url in (f"sqlite:///{tmp_path / 'same.sqlite'}", postgres_url):
        service = fill_log(PredictionLog.from_url(url), trained_models_dir)
        with_hostile_text(service.log)
        for values in ({"version": "*"}, {"version": "*", "sources": ["batch"], "start": "2025-01-01"}):
            frames.append(read_csv(b"".join(service.export(parse_query(band_labels=BANDS, **values)))))
        service.log.dispose()
    for sqlite, postgres in zip(frames[:2], frames[2:], strict=True):
        assert len(sqlite) > 0
        random = ["scored_at", "request_id", "latency_ms"]  # scoring time, generated ids, timings differ
        pd.testing.assert_frame_equal(sqlite.drop(columns=random), postgres.drop(columns=random))
        assert (sqlite["request_id"] == "'-2+3").sum() == (postgres["request_id"] == "'-2+3").sum()
    hostile = frames[2].loc[frames[2]["request_id"] == "'-2+3"].iloc[0]
    assert hostile["tendencia_ingresos"] == "'=HYPERLINK(1)" and hostile["warnings"] == "'@SUM(1): unseen; x: =1"
    assert pd.api.types.is_integer_dtype(frames[3]["edad_cliente"])
