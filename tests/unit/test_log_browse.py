"""Logs tab reads: SQL filters equal a pandas selection, keyset pages newest first reach the oldest row without gaps,
the last page and grid blocks, the request id prefix, totals, options from profiles, the query parser.

SQLite always; the same checks on PostgreSQL when ``TEST_DATABASE_URL`` is set.
"""
from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest
from log_browse_data import API_REQUEST, OTHER_VERSION, fill_log, selected, walk_down, walk_up

from app.services.log.browse import LogService
from app.services.log.export import DISPLAY_COLUMNS
from app.services.log.query import LogQuery, parse_params, parse_query
from app.services.log.store import PredictionLog
from app.services.log.tables import profile_fragments
from app.services.selection import ALL_VERSIONS, SelectionError
from modeling.data.columns import DATE_COLUMN
from modeling.data.schema import FEATURE_COLUMNS

BANDS = ("Bajo", "Medio", "Alto")
COMBOS = [
    {"version": "*"},
    {},
    {"version": OTHER_VERSION},
    {"version": "*", "sources": ["api"]},
    {"version": "*", "sources": ["api", "batch"]},
    {"version": "*", "sources": ["holdout", "api", "batch"]},
    {"version": "*", "bands": ["Alto"]},
    {"version": "*", "bands": ["Bajo", "Alto"], "sources": ["holdout", "batch"]},
    {"version": "*", "predicted": [0]},
    {"version": "*", "predicted": ["1"], "bands": ["Medio"]},
    {"version": "*", "request_id": "api_"},
    {"version": "*", "request_id": API_REQUEST[:6]},
    {"version": "*", "request_id": "API"},
    {"version": "*", "request_id": "i_o"},
    {"version": "*", "request_id": "%"},
    {"version": "*", "request_id": "nothing-matches"},
]


@pytest.fixture(scope="module")
def service(trained_models_dir, tmp_path_factory) -> LogService:
    return fill_log(PredictionLog.from_url(f"sqlite:///{tmp_path_factory.mktemp('log') / 'log.sqlite'}"),
                    trained_models_dir)


@pytest.fixture(scope="module")
def everything(service):
    return service.log.read()


def date_combos(everything: pd.DataFrame) -> list[dict]:
    days = everything["day"].sort_values().dt.date
    low, high = days.iloc[len(days) // 4], days.iloc[3 * len(days) // 4]
    return [{"version": "*", "start": low, "end": high}, {"version": "*", "start": low},
            {"version": "*", "end": low, "sources": ["holdout", "batch"]},
            {"version": "*", "start": high, "end": high, "bands": ["Bajo"]},
            {"version": "*", "start": "1990-01-01", "end": "1990-12-31"}]


def check_pages(service: LogService, everything: pd.DataFrame, values: dict) -> None:
    query = parse_query(band_labels=BANDS, **values)
    expected = selected(everything, query, service.serving_version)["id"].tolist()
    assert service.page(query, size=500).ids == expected, values
    assert service.page(query, size=5_000).ids == expected, values  # large reads keep a day range as a range
    totals = service.totals(query)
    assert totals.count == len(expected), values
    assert walk_down(service, query, 7) == expected, values
    assert service.page(query, last=True, size=5).ids == expected[-5:], values


@pytest.mark.parametrize("values", COMBOS)
def test_pages_equal_the_pandas_selection_newest_first(service, everything, values):
    check_pages(service, everything, values)


def test_date_ranges_are_inclusive_days_of_the_day_column(service, everything):
    for values in date_combos(everything):
        check_pages(service, everything, values)


def test_previous_pages_walk_back_from_the_last_page_to_the_newest_row(service, everything):
    query = parse_query(version="*", sources=["api", "batch"])
    expected = selected(everything, query, service.serving_version)["id"].tolist()
    walked = walk_up(service, query, 6)
    assert walked == expected and walked[-1] == everything["id"][everything["source"].isin(["api", "batch"])].min()


def test_blocks_answer_the_grid_from_cursors_ends_and_offsets(service, everything):
    query = parse_query(version="*", bands=["Bajo", "Medio"])
    expected = selected(everything, query, service.serving_version)["id"].tolist()
    total, size, top = len(expected), 10, int(everything["id"].max())
    known: dict[int, list[int]] = {}
    for start in [0, 10, 20, 90, 80, total - total % size, 50, 40, 60, 130, 120]:
        if start >= total:
            continue
        page = service.block(query, start, size, total, known, top)
        assert page.ids == expected[start:start + size], start
        known[start] = [page.first_id, page.last_id]
    assert service.block(query, 30, size, total, {}, top).ids == expected[30:40]  # no cursor: offset from the top
    near_end = total - 2 * size
    assert service.block(query, near_end, size, total, {}, top).ids == expected[near_end:near_end + size]
    assert service.block(query, total, size, total, known, top).ids == []


def test_rows_logged_after_the_view_stay_out_of_its_pages(service, everything):
    query = parse_query(version="*")
    top = int(everything["id"].max())
    page = service.block(query, 0, 5, len(everything), {}, top - 3)
    assert page.ids == sorted(everything["id"], reverse=True)[3:8]


def test_totals_aggregate_every_matching_row(service, everything):
    query = parse_query(version="*", sources=["holdout", "batch"])
    rows = selected(everything, query, service.serving_version)
    totals = service.totals(query)
    assert totals.count == len(rows)
    assert totals.mean_prob_default == pytest.approx(rows["prob_default"].mean())
    assert totals.high_risk == (rows["risk_band"] == "Alto").sum()
    assert totals.with_actual == rows["actual"].notna().sum() == 120
    empty = service.totals(parse_query(version="*", request_id="zzz"))
    assert (empty.count, empty.mean_prob_default, empty.high_risk, empty.with_actual) == (0, None, 0, 0)


def test_totals_can_be_replaced_without_touching_pages(service):
    replaced = LogService(service.log, BANDS, service.serving_version, totals=lambda q: "from profiles")
    assert replaced.totals(LogQuery()) == "from profiles"


def test_flattened_rows_carry_warnings_and_every_input(service, everything):
    page = service.page(parse_query(version="*"), size=1000)
    flat = page.rows.to_pandas()
    assert list(flat.columns[:len(DISPLAY_COLUMNS)]) == list(DISPLAY_COLUMNS)
    assert list(flat.columns[len(DISPLAY_COLUMNS):]) == [c for c in FEATURE_COLUMNS if c != DATE_COLUMN]
    rows = everything.sort_values("id", ascending=False).reset_index(drop=True)
    parsed = rows["warnings"].map(json.loads)
    assert flat["warnings_count"].tolist() == parsed.map(len).tolist()
    expected_text = parsed.map(lambda ws: "; ".join(f"{w['field']}: {w['message']}" for w in ws) or None)
    assert flat["warnings"].where(flat["warnings"].notna(), None).tolist() == expected_text.tolist()
    assert flat["warnings"].str.contains('sube "mucho"', regex=False).sum() == 1
    assert flat["scored_at"].tolist() == rows["scored_at"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist()
    assert flat["loan_date"].isna().sum() == rows["loan_date"].isna().sum() == 1
    inputs = rows["inputs"].map(json.loads)
    assert flat["edad_cliente"].tolist() == inputs.map(lambda r: r["edad_cliente"]).tolist()
    json.dumps(page.records(), allow_nan=False)


def test_options_come_from_the_profile_fragments(service, everything):
    options = service.options()
    assert options.sources == sorted(everything["source"].unique())
    assert service.serving_version in options.model_versions  # fragments are written with every scoring
    with service.log.engine.begin() as conn:
        conn.execute(profile_fragments.insert(), [{"model_version": OTHER_VERSION, "source": "batch",
                                                   "day": date(2020, 1, 2), "rows": 15, "counts": b"", "sums": b""}])
    options = service.options()
    assert OTHER_VERSION in options.model_versions and options.first_day == date(2020, 1, 2)
    assert options.last_day == max(everything["day"]).date()


def test_an_empty_log_gives_empty_pages_totals_and_options(tmp_path):
    service = LogService(PredictionLog.from_url(f"sqlite:///{tmp_path / 'empty.sqlite'}"), BANDS, "v1")
    query = parse_query(version="*", start="2025-01-01")
    assert service.page(query).ids == [] and service.page(query, last=True).ids == []
    assert service.totals(query).count == 0 and service.top_id() is None
    assert service.options().model_versions == [] and service.options().first_day is None
    assert list(service.page(LogQuery()).rows.column_names) == list(DISPLAY_COLUMNS)


@pytest.mark.parametrize(("values", "field"), [
    ({"sources": ["api", "web"]}, "sources"), ({"bands": ["Altísimo"]}, "bands"), ({"predicted": [2]}, "predicted"),
    ({"predicted": ["sí"]}, "predicted"), ({"start": "2025-02-30"}, "start"), ({"end": "ayer"}, "end"),
    ({"start": "2025-03-02", "end": "2025-03-01"}, "end"), ({"request_id": "x" * 65}, "request_id"),
])
def test_bad_values_raise_a_selection_error_naming_the_field(values, field):
    with pytest.raises(SelectionError) as error:
        parse_query(band_labels=BANDS, **values)
    assert error.value.field == field


def test_parser_normalises_and_round_trips_through_url_parameters():
    query = parse_query(sources=["batch", "api"], version="*", start="2025-03-01T10:00:00", end=date(2025, 3, 31),
                        bands=["Alto", "Bajo"], predicted=["0"], request_id="  ab_c ", band_labels=BANDS)
    assert query.selection.sources == ("api", "batch") and query.risk_bands == ("Bajo", "Alto")
    assert query.predicted == (0,) and query.request_id == "ab_c" and query.selection.start == date(2025, 3, 1)
    assert parse_params(query.params(), BANDS) == query
    full = parse_query(sources=["holdout", "api", "batch"], bands=list(BANDS), predicted=[0, 1], band_labels=BANDS)
    assert full == LogQuery() and full.params() == []
    assert parse_query(version=None).selection.model_version is None
    assert parse_query(version="*").selection.model_version == ALL_VERSIONS
    with pytest.raises(SelectionError, match="page"):
        parse_params([("page", "2")], BANDS)


def test_postgresql_pages_prefixes_and_export(postgres_url, trained_models_dir):
    service = fill_log(PredictionLog.from_url(postgres_url), trained_models_dir)
    everything = service.log.read()
    for values in [*COMBOS, *date_combos(everything)]:
        check_pages(service, everything, values)
    csv = b"".join(service.export(parse_query(version="*"), chunk_rows=50))
    assert csv.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert frame["id"].tolist() == sorted(everything["id"], reverse=True)
    service.log.dispose()


def test_without_a_served_version_only_explicit_versions_are_usable(service):
    bare = LogService(service.log, BANDS)
    with pytest.raises(SelectionError) as error:
        bare.export(LogQuery())
    assert error.value.field == "version"
    assert bare.totals(parse_query(version="*")).count == service.totals(parse_query(version="*")).count
