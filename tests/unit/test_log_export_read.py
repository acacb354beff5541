"""The SQLite export read into Arrow by ADBC's driver: the same bytes as the export read through ``sqlite3`` rows,
whatever the chunk size (chunks whose columns hold only nulls included); read-only; only for a log in a file."""
from __future__ import annotations

import pyarrow as pa
import pytest
import sqlalchemy as sa
from log_browse_data import fill_log

from app.services.log import browse
from app.services.log.engine import create_log_engine
from app.services.log.export import _inputs
from app.services.log.export_read import arrow_reader
from app.services.log.query import parse_query
from app.services.log.store import PredictionLog
from app.services.log.tables import predictions

BANDS = ("Bajo", "Medio", "Alto")


@pytest.fixture(scope="module")
def service(trained_models_dir, tmp_path_factory):
    service = fill_log(PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('log') / 'a b%.sqlite'}"),
                       trained_models_dir)
    row = service.log.read(source="batch").iloc[[0]]
    warnings = '[{"field": "@SUM(1)", "code": "unseen", "message": "unseen"}, {"field": "x", "message": "=1"}]'
    service.log.append(row.assign(request_id="-2+3", row=0, warnings=warnings))  # formula text and warnings
    return service


@pytest.mark.parametrize("chunk_rows", [1, 17, 20_000])
@pytest.mark.parametrize("values", [{"version": "*"}, {"version": "*", "sources": ["batch", "api"], "bands": ["Alto"]},
                                    {"version": "*", "start": "2025-01-01", "end": "2025-06-30"}])
def test_arrow_and_driver_rows_export_the_same_bytes(service, monkeypatch, chunk_rows, values):
    query = parse_query(band_labels=BANDS, **values)
    arrow = b"".join(service.export(query, chunk_rows=chunk_rows))
    monkeypatch.setattr(browse, "arrow_reader", lambda engine, rows: None)
    rows = b"".join(service.export(query, chunk_rows=chunk_rows))
    assert arrow == rows and arrow.count(b"\n") > 1


def test_the_reader_reads_the_file_read_only(service):
    read = arrow_reader(service.log.engine, 100)
    ids = read(sa.select(predictions.c.id).where(predictions.c.source == "batch").order_by(predictions.c.id))
    assert ids.column("id").to_pylist() == service.log.read(source="batch")["id"].tolist()
    with pytest.raises(Exception, match="readonly"):
        read(sa.delete(predictions))
    assert service.log.count() > 0


def test_a_log_in_memory_has_no_reader():
    assert arrow_reader(create_log_engine("sqlite://"), 100) is None


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string(), pa.binary(), pa.large_binary()])
def test_inputs_parse_from_any_text_or_bytes_column_and_any_slice(kind):
    texts = pa.chunked_array([pa.array(['{"a": 1, "b": "x"}', '{"a": 2, "b": "y,z"}', '{"a": 3}'], kind)])
    assert _inputs(texts).to_pylist() == [{"a": 1, "b": "x"}, {"a": 2, "b": "y,z"}, {"a": 3, "b": None}]
    assert _inputs(texts.slice(1)).to_pylist() == [{"a": 2, "b": "y,z"}, {"a": 3, "b": None}]
