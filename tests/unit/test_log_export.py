"""Log export: SQL filters, newest-first pages, flattened rows and the CSV of every match.

The log is filled through the real scoring service (session bundle, SQLite in tmp); every expectation is
recomputed independently from ``PredictionLog.read`` with pandas and ``json``.
"""
from __future__ import annotations

import io
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from app.services.log.browse import (
    DISPLAY_COLUMNS,
    LogFilters,
    export_csv,
    flatten,
    json_records,
    log_options,
    read_page,
)
from app.services.log.store import PredictionLog
from app.services.scoring.service import ScoringService
from modeling.artifacts import load_bundle
from modeling.config import DATE_COLUMN, TARGET
from modeling.schema import FEATURE_COLUMNS
from modeling.synthetic import generate_loans

API_REQUEST = "api_100%_done"


@pytest.fixture(scope="module")
def log(trained_models_dir, tmp_path_factory):
    """Holdout-like rows with outcomes, two API requests and a batch with an undated row and odd values."""
    log = PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('log') / 'log.sqlite'}")
    scoring = ScoringService(load_bundle(trained_models_dir), log)
    loans = generate_loans(n_rows=120, seed=5)
    scoring.score_frame(loans.iloc[:80], source="holdout", actual=loans[TARGET].iloc[:80])
    records = loans.iloc[80:90][list(FEATURE_COLUMNS)].assign(fecha_prestamo=lambda f: f[DATE_COLUMN].astype(str))
    scoring.score_records(records.iloc[:4].to_dict("records"), source="api", request_id=API_REQUEST)
    scoring.score_records(records.iloc[4:].to_dict("records"), source="api", request_id="api_other")
    batch = loans.iloc[90:].copy()
    batch.loc[batch.index[0], DATE_COLUMN] = pd.NaT
    batch.loc[batch.index[1], "edad_cliente"] = 95
    batch.loc[batch.index[2], "tendencia_ingresos"] = 'sube "mucho"'
    scoring.score_frame(batch, source="batch")
    return log


@pytest.fixture(scope="module")
def everything(log):
    return log.read()


def test_no_filter_returns_every_row_newest_first_with_aggregates(log, everything):
    page = read_page(log, LogFilters())
    assert page.total == len(everything) == 120 and not page.truncated
    assert page.rows["id"].tolist() == sorted(everything["id"], reverse=True)
    assert page.mean_prob_default == pytest.approx(everything["prob_default"].mean())
    assert page.high_risk == (everything["risk_band"] == "Alto").sum()
    assert page.with_actual == everything["actual"].notna().sum() == 80


def test_limit_keeps_the_newest_rows_and_the_total(log, everything):
    page = read_page(log, LogFilters(), limit=7)
    assert page.truncated and page.total == 120
    assert page.rows["id"].tolist() == sorted(everything["id"], reverse=True)[:7]


@pytest.mark.parametrize(("filters", "expected"), [
    (LogFilters(sources=("api",)), lambda f: f["source"] == "api"),
    (LogFilters(sources=("api", "batch")), lambda f: f["source"].isin(["api", "batch"])),
    (LogFilters(risk_bands=("Alto",)), lambda f: f["risk_band"] == "Alto"),
    (LogFilters(predicted=(0,)), lambda f: f["Pago_atiempo_pred"] == 0),
    (LogFilters(request_id="100%"), lambda f: f["request_id"] == API_REQUEST),
    (LogFilters(request_id="API_"), lambda f: f["request_id"].str.startswith("api_")),
    (LogFilters(request_id="i_o"), lambda f: f["request_id"] == "api_other"),
    (LogFilters(model_version="otra"), lambda f: f["id"] < 0),
    (LogFilters(sources=("holdout",), risk_bands=("Bajo", "Medio")),
     lambda f: (f["source"] == "holdout") & f["risk_band"].isin(["Bajo", "Medio"])),
])
def test_filters_match_a_pandas_selection(log, everything, filters, expected):
    page = read_page(log, filters)
    selected = everything[expected(everything)]
    assert page.total == len(selected)
    assert sorted(page.rows["id"]) == sorted(selected["id"])


def test_loan_date_range_is_inclusive_and_skips_undated_rows(log, everything):
    dated = everything["loan_date"].dropna().sort_values()
    start, end = dated.iloc[10].date(), dated.iloc[60].date()
    page = read_page(log, LogFilters.from_inputs(loan_date_from=start.isoformat(), loan_date_to=end.isoformat()))
    days = everything["loan_date"].dt.normalize()
    inside = everything[(days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))]
    assert page.total == len(inside) > 0
    assert everything["loan_date"].isna().sum() == 1
    assert read_page(log, LogFilters(loan_date_from=date(1990, 1, 1))).total == len(everything) - 1


def test_flattened_rows_carry_warnings_and_every_input(everything):
    flat = flatten(everything)
    assert list(flat.columns[:len(DISPLAY_COLUMNS)]) == list(DISPLAY_COLUMNS)
    assert set(FEATURE_COLUMNS) - {DATE_COLUMN} <= set(flat.columns) and DATE_COLUMN not in flat.columns
    parsed = everything["warnings"].map(json.loads)
    assert flat["warnings_count"].tolist() == parsed.map(len).tolist()
    expected_text = parsed.map(lambda ws: "; ".join(f"{w['field']}: {w['message']}" for w in ws) or None)
    assert flat["warnings"].where(flat["warnings"].notna(), None).tolist() == expected_text.tolist()
    assert flat["warnings"].str.contains('sube "mucho"', regex=False).sum() == 1  # JSON escapes undone
    assert flat["warnings_count"].sum() > 0
    assert pd.api.types.is_integer_dtype(flat["edad_cliente"]) and flat["capital_prestado"].dtype == "float64"


def test_csv_export_holds_every_matching_row(log, everything):
    data = export_csv(log, LogFilters(sources=("holdout", "api")))
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    expected = everything[everything["source"].isin(["holdout", "api"])]
    assert len(frame) == len(expected) and frame["id"].tolist() == sorted(expected["id"], reverse=True)
    assert list(frame.columns[:len(DISPLAY_COLUMNS)]) == list(DISPLAY_COLUMNS)
    np.testing.assert_allclose(frame.sort_values("id")["prob_default"], expected.sort_values("id")["prob_default"])


def test_empty_log_gives_an_empty_page_and_a_header_only_csv(tmp_path):
    empty = PredictionLog.from_url(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    page = read_page(empty, LogFilters())
    assert page.total == 0 and page.rows.empty and page.mean_prob_default is None
    lines = export_csv(empty, LogFilters()).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 and lines[0].startswith("id,scored_at")
    assert log_options(empty).model_versions == [] and log_options(empty).loan_date_min is None


def test_options_list_what_the_log_holds(log, everything):
    options = log_options(log)
    assert options.sources == ["api", "batch", "holdout"]
    assert options.model_versions == sorted(everything["model_version"].unique())
    assert options.loan_date_min == everything["loan_date"].min().date()


def test_filters_from_dashboard_inputs_tolerate_untouched_and_bad_values():
    assert LogFilters.from_inputs() == LogFilters()
    filters = LogFilters.from_inputs(["api"], [], ["0", 1], "2025-02-30", "2025-03-01T00:00:00", "", "  abc ")
    assert filters == LogFilters(("api",), (), (0, 1), None, date(2025, 3, 1), None, "abc")


def test_json_records_are_json_safe(everything):
    records = json_records(flatten(everything.head(5)))
    json.dumps(records, allow_nan=False)
    assert records[0]["scored_at"][4] == "-" and len(records[0]["scored_at"]) == 19
