"""The SQLite export read into Arrow by ADBC's driver in a child process: the same bytes as the export read through
``sqlite3`` rows, whatever the chunk size (chunks whose columns hold only nulls included); read-only; only for a log
in a file; this process keeps its SQLite locks while it reads (the driver's own copy of SQLite never opens the file
here); a child that cannot start leaves the export to ``sqlite3``."""
from __future__ import annotations

import subprocess
import sys
from functools import partial

import pyarrow as pa
import pytest
import sqlalchemy as sa
from log_browse_data import fill_log

from app.services.log import browse, export_json, export_read
from app.services.log.engine import create_log_engine
from app.services.log.export_read import arrow_reader
from app.services.log.query import parse_query
from app.services.log.store import PredictionLog, PredictionLogError
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
    tables = []

    monkeypatch.setattr(browse, "arrow_reader", lambda engine, rows: _Counting(arrow_reader(engine, rows, wait=True),
                                                                                 tables))
    arrow = b"".join(service.export(query, chunk_rows=chunk_rows))
    assert all(isinstance(t, pa.Table) for t in tables)
    assert bool(tables) == ("start" not in values)  # a date range's chunks are read by day, here
    monkeypatch.setattr(browse, "arrow_reader", lambda engine, rows: None)
    rows = b"".join(service.export(query, chunk_rows=chunk_rows))
    assert arrow == rows and arrow.count(b"\n") > 1


def test_the_reader_reads_the_file_read_only(service):
    with arrow_reader(service.log.engine, 100, wait=True) as read:
        ids = read(sa.select(predictions.c.id).where(predictions.c.source == "batch").order_by(predictions.c.id))
        assert ids.column("id").to_pylist() == service.log.read(source="batch")["id"].tolist()
        with pytest.raises(PredictionLogError, match="readonly"):
            read(sa.delete(predictions))
    assert service.log.count() > 0


def test_this_process_keeps_its_write_lock_while_the_export_reads(service, monkeypatch):
    """A write transaction open here while a whole export is read: no other process may take the write lock.
    (Read in this process by the driver's own SQLite, closing the file dropped this process's locks.)"""
    monkeypatch.setattr(browse, "arrow_reader", partial(arrow_reader, wait=True))
    path = service.log.engine.url.database
    other_writer = ("import sqlite3, sys\nconn = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
                    "try:\n    conn.execute('BEGIN IMMEDIATE')\n    print('took the write lock')\n"
                    "except sqlite3.OperationalError as error:\n    print(error)")
    with service.log.engine.connect() as conn, conn.begin() as transaction:
        conn.execute(sa.update(predictions).where(predictions.c.id == 1).values(latency_ms=1.0))
        exported = b"".join(service.export(parse_query(band_labels=BANDS, version="*"), chunk_rows=7))
        answer = subprocess.run([sys.executable, "-c", other_writer, path], capture_output=True, text=True,
                                check=True).stdout.strip()
        transaction.rollback()
    assert exported.count(b"\n") > 7 and answer == "database is locked"


def test_a_child_that_cannot_start_leaves_the_export_to_sqlite3(service, monkeypatch, tmp_path):
    query = parse_query(band_labels=BANDS, version="*")
    expected = b"".join(service.export(query, chunk_rows=17))
    (tmp_path / "broken.py").write_text("raise SystemExit(3)\n")
    monkeypatch.setattr(export_read, "CHILD", tmp_path / "broken.py")
    monkeypatch.setattr(browse, "arrow_reader", partial(arrow_reader, wait=True))
    assert b"".join(service.export(query, chunk_rows=17)) == expected


def test_a_log_in_memory_has_no_reader():
    assert arrow_reader(create_log_engine("sqlite://"), 100) is None


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string(), pa.binary(), pa.large_binary()])
def test_inputs_parse_from_any_text_or_bytes_column_and_any_slice(kind):
    texts = pa.chunked_array([pa.array(['{"a": 1, "b": "x"}', '{"a": 2, "b": "y,z"}', '{"a": 3}'], kind)])
    parsed = export_json.parse_inputs(texts)
    assert parsed.to_pylist() == [{"a": 1, "b": "x"}, {"a": 2, "b": "y,z"}, {"a": 3, "b": None}]
    assert export_json.parse_inputs(texts.slice(1)).to_pylist() == [{"a": 2, "b": "y,z"}, {"a": 3, "b": None}]


class _Counting:
    """A reader that keeps every table it returns (one that waits for its child: every chunk comes through it)."""

    def __init__(self, reader, tables):
        self.reader, self.tables = reader, tables

    def __call__(self, select):
        table = self.reader(select)
        self.tables.append(table)
        return table

    def close(self):
        self.reader.close()


def test_a_child_that_dies_leaves_the_rest_of_the_export_to_sqlite3(service, monkeypatch):
    query = parse_query(band_labels=BANDS, version="*")
    expected = b"".join(service.export(query, chunk_rows=7))
    tables = []
    monkeypatch.setattr(browse, "arrow_reader", lambda engine, rows: _KilledAfterOneChunk(
        arrow_reader(engine, rows, wait=True), tables))
    assert b"".join(service.export(query, chunk_rows=7)) == expected
    assert isinstance(tables[0], pa.Table) and tables[1:] == [None] * (len(tables) - 1) and len(tables) >= 2


def test_a_download_stopped_early_ends_the_child(service, monkeypatch):
    readers = []
    monkeypatch.setattr(browse, "arrow_reader", lambda engine, rows: readers.append(
        arrow_reader(engine, rows, wait=True)) or readers[-1])
    pieces = service.export(parse_query(band_labels=BANDS, version="*"), chunk_rows=7)
    next(pieces), next(pieces)
    pieces.close()  # what the WSGI server does when the client goes away
    assert readers[0]._child.returncode == 0


def test_an_export_of_one_chunk_starts_no_child(service, monkeypatch):
    readers = []
    monkeypatch.setattr(browse, "arrow_reader", lambda engine, rows: readers.append(arrow_reader(engine, rows))
                        or readers[-1])
    assert b"".join(service.export(parse_query(band_labels=BANDS, version="*"), chunk_rows=20_000)).count(b"\n") > 1
    assert readers[0]._child is None


@pytest.mark.parametrize("texts", [
    ['[]', '[{"field": "edad", "code": "c", "message": "fuera de rango"}]', '[]',
     '[{"field": "a", "code": "x", "message": "m1"}, {"field": "b;c", "code": "y", "message": "ñ: \\"q\\""}]'],
    ['[{"field": "a", "message": "sin código"}]', '[{"code": "x", "message": "sin campo"}]'],  # a field missing
    ['[{"field": "a", "code": "x", "message": 1.5}]', '[]'],  # a message that is not text
    ['[{"field": null, "code": "x", "message": "m"}]', '[{"field": "f", "code": "x", "message": "m"}]'],
])
def test_warnings_are_joined_as_decoding_each_row_joins_them(texts):
    column = pa.chunked_array([pa.array(texts[:1]), pa.array(texts[1:])])
    counts, joined = export_json.parse_warnings(column)
    expected_counts, expected = export_json.warnings_by_row(column)
    assert counts.to_pylist() == expected_counts.to_pylist() and joined.to_pylist() == expected.to_pylist()


class _KilledAfterOneChunk(_Counting):
    """A reader whose child is killed once it has answered one chunk."""

    def __call__(self, select):
        table = super().__call__(select)
        if len(self.tables) == 1:
            self.reader._child.kill()
            self.reader._child.wait()
        return table
