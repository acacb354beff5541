"""Logs pages of a date range whose rows are split by rows of other days (late rows scored long after the rest):
every page, walked forwards and backwards, the last page and any skip, equals the pandas selection — with windows
small enough that every read jumps over the other days' ids. SQLite, and PostgreSQL with TEST_DATABASE_URL."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from log_browse_data import selected, walk_down, walk_up

from app.services.log import day_pages, export_copy
from app.services.log.browse import LogService
from app.services.log.query import parse_query
from app.services.log.store import PredictionLog
from app.services.scoring.service import ScoringService
from modeling.artifacts import load_bundle
from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import FEATURE_COLUMNS
from modeling.synthetic import generate_loans

BANDS = ("Bajo", "Medio", "Alto")
RANGE = {"start": "2025-01-01", "end": "2025-01-31"}
# (rows, loan month, source): January's rows come in three bursts, far apart in ids
BURSTS = [(40, "2025-01", "batch"), (120, "2025-03", "batch"), (25, "2025-01", "api"), (90, "2025-04", "batch"),
          (6, "2025-01", "batch"), (30, "2025-05", "api")]


@pytest.fixture
def service(log_url, trained_models_dir, monkeypatch) -> LogService:
    monkeypatch.setattr(day_pages, "WINDOW_IDS", 8)
    bundle = load_bundle(trained_models_dir)
    log = PredictionLog.from_url(log_url)
    scoring = ScoringService(bundle, log)
    loans = generate_loans(n_rows=sum(n for n, _, _ in BURSTS), seed=3)
    start = 0
    for n, month, source in BURSTS:
        part = loans.iloc[start:start + n].copy()
        part[DATE_COLUMN] = pd.Timestamp(f"{month}-01") + pd.to_timedelta([i % 28 for i in range(n)], unit="D")
        scoring.score_frame(part, source=source)
        start += n
    fields = [c for c in FEATURE_COLUMNS if c != DATE_COLUMN]
    yield LogService(log, bundle.risk_bands["labels"], bundle.model_version, input_fields=fields)
    log.dispose()


@pytest.mark.parametrize("filters", [{}, {"sources": ["api"]}, {"sources": ["batch"], "bands": ["Bajo", "Alto"]},
                                     {"predicted": [1]}])
def test_date_range_pages_jump_over_other_days(service, filters) -> None:
    query = parse_query(band_labels=BANDS, **RANGE, **filters)
    expected = selected(service.log.read(), query, service.serving_version)["id"].tolist()
    assert len(expected) > 7
    assert walk_down(service, query, 7) == expected
    assert service.page(query, last=True, size=7).ids == expected[-7:]
    assert walk_up(service, query, 7) == expected
    for skip in (1, 6, len(expected) // 2, len(expected) - 1, len(expected) + 3):
        assert service.page(query, skip=skip, size=5).ids == expected[skip:skip + 5], skip
        from_end = service.page(query, last=True, skip=skip, size=5).ids
        assert from_end == expected[::-1][skip:skip + 5][::-1], skip


def test_a_range_without_rows_and_one_day(service) -> None:
    assert service.page(parse_query(start="2024-06-01", end="2024-06-30")).ids == []
    everything = service.log.read()
    query = parse_query(start="2025-01-02", end="2025-01-02")
    expected = selected(everything, query, service.serving_version)["id"].tolist()
    assert service.page(query).ids == expected and expected


def test_the_export_of_a_split_range_holds_every_row_once(service, monkeypatch) -> None:
    """On PostgreSQL the export copies spans of ids that jump over other days' ids; on SQLite it reads chunks."""
    monkeypatch.setattr(export_copy, "SPAN_IDS", 5)
    query = parse_query(band_labels=BANDS, **RANGE, sources=["batch"])
    expected = selected(service.log.read(), query, service.serving_version)["id"].tolist()
    exported = pd.read_csv(io.BytesIO(b"".join(service.export(query, chunk_rows=4))), encoding="utf-8-sig")
    assert exported["id"].tolist() == expected
