"""The drift service on a real small bundle and real prediction logs (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set): every view read from the profiles equals the same computation on the logged rows."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from drift_log import OLDER, fill_log, logged_rows, older_bundle, scores
from selected_rows import selected

from app.services.drift import TABLE_COLUMNS, DriftService, WindowError
from app.services.drift.view import report_table
from app.services.log.store import PredictionLog
from app.services.profiles import ProfileReader, ProfileStore
from app.services.scoring.service import ScoringService
from app.services.selection import Selection
from modeling.data.columns import DATE_COLUMN, TARGET, TEMPORAL_FEATURES
from modeling.drift import EVOLUTION_COLUMNS, SCORE_NAME, drift_report, psi_evolution

BANDS = (0.08, 0.2)
FREQ = {"month": "M", "week": "W", "day": "D"}


@pytest.fixture(scope="module")
def older(bundle):
    return older_bundle(bundle)


@pytest.fixture
def log(tmp_path):
    opened = PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")
    yield opened
    opened.dispose()


def service_of(bundle, log) -> DriftService:
    return DriftService(bundle, ProfileReader(ProfileStore(log.engine)), bands=BANDS)


def selections(days: pd.Series) -> list[Selection]:
    """All, one source, two sources, date ranges and one day, each with every window."""
    first, middle, last = days.min().date(), days.quantile(0.5).date(), days.max().date()
    chosen = [Selection(), Selection(("api",)), Selection(("holdout", "batch")), Selection(start=middle),
              Selection(end=middle), Selection(("holdout", "api"), start=first, end=middle),
              Selection(start=days.quantile(0.3).date(), end=days.quantile(0.3).date()), Selection(end=last)]
    return [Selection(s.sources, s.model_version, s.start, s.end, w) for s in chosen for w in FREQ]


def assert_matches_rows(service: DriftService, rows: pd.DataFrame, profile: dict, selection: Selection,
                        served: bool) -> None:
    """Report, table, counts and evolution of ``selection`` equal drift_report / psi_evolution on its rows."""
    chosen = selected(rows, selection)
    exclude = TEMPORAL_FEATURES if served else (*TEMPORAL_FEATURES, SCORE_NAME)
    view = service.report(selection)
    assert len(chosen), selection
    expected = drift_report(profile, chosen, scores=scores(chosen), exclude=exclude, bands=BANDS)
    assert view.report == expected, selection
    pd.testing.assert_frame_equal(view.table, report_table(expected, service.derived), check_exact=True)
    assert view.n_rows == len(chosen) and view.score_compared is served
    assert view.source_counts == {s: int(n) for s, n in chosen["source"].value_counts().items()}
    assert (view.first, view.last) == (chosen["day"].min(), chosen["day"].max())
    evolution = psi_evolution(profile, chosen, chosen["day"], freq=FREQ[selection.window], scores=scores(chosen),
                              exclude=exclude, bands=BANDS)
    pd.testing.assert_frame_equal(service.evolution(selection).drop(columns="type"), evolution, check_exact=True)


def test_profile_views_equal_the_computation_on_the_logged_rows(bundle, older, log_url):
    log = PredictionLog.from_url(log_url)
    try:
        fill_log(log, bundle, older)
        service = service_of(bundle, log)
        rows = logged_rows(bundle, log, bundle.model_version)
        assert set(rows["source"]) == {"holdout", "api", "batch"} and rows["time"].notna().all()
        for selection in selections(rows["day"]):
            if len(selected(rows, selection)):
                assert_matches_rows(service, rows, bundle.reference_profile, selection, served=True)
        older_rows = logged_rows(bundle, log, OLDER)
        for selection in (Selection(model_version=OLDER), Selection(model_version=OLDER, window="day",
                                                                   start=older_rows["day"].quantile(0.5).date())):
            assert_matches_rows(service, older_rows, older.reference_profile, selection, served=False)
    finally:
        log.dispose()


def test_the_traffic_holds_what_the_comparison_must_cover(bundle, older, log):
    fill_log(log, bundle, older)
    report = service_of(bundle, log).report(Selection(("api",))).report
    assert report.get("capital_prestado").signals.out_of_range_share > 0.1
    assert report.get("tipo_credito").signals.unseen_share > 0.1
    assert report.get("tendencia_ingresos").signals.unseen_share > 0.05
    assert report.get("promedio_ingresos_datacredito").signals.missing_share_cur > 0.1
    rows = logged_rows(bundle, log, bundle.model_version)
    undated = rows["source"].eq("api") & log.read(model_version=bundle.model_version)["loan_date"].isna()
    assert undated.sum() >= 40
    assert service_of(bundle, log).report(Selection(("batch",))).report.state == "Alto"


def test_views_are_cached_until_the_log_changes(bundle, older, log):
    scoring = fill_log(log, bundle, older)
    service = service_of(bundle, log)
    first = service.report(Selection())
    assert service.report(Selection()) is first
    assert service.report(Selection(window="day", model_version=bundle.model_version)) is first
    evolution = service.evolution(Selection(window="week"))
    assert service.evolution(Selection(window="week")) is evolution
    holdout = bundle.load_frame("holdout")
    scoring.score_frame(holdout.head(40).drop(columns=[TARGET]), source="api")
    grown = service.report(Selection())
    assert grown is not first and grown.n_rows == first.n_rows + 40
    assert service.evolution(Selection(window="week"))["n"].sum() > evolution["n"].sum()
    pd.testing.assert_frame_equal(grown.table, service_of(bundle, log).report(Selection()).table)


def test_a_selection_without_rows_gives_the_empty_view(bundle, older, log):
    holdout = bundle.load_frame("holdout")
    ScoringService(bundle, log).score_frame(holdout.drop(columns=[TARGET]), source="holdout")
    service = service_of(bundle, log)
    later = holdout[DATE_COLUMN].max() + pd.Timedelta(days=1)
    for selection in (Selection(("api",)), Selection(start=later.date()), Selection(model_version="never-logged")):
        view = service.report(selection)
        assert view.report is None and view.n_rows == 0 and view.table.empty and view.source_counts == {}
        csv = pd.read_csv(io.StringIO(service.report_csv(selection)))
        assert list(csv.columns) == list(TABLE_COLUMNS) and csv.empty
        assert json.loads(service.report_json(selection))["report"] is None
        assert service.evolution(selection).empty
        assert list(service.evolution(selection).columns) == [*EVOLUTION_COLUMNS, "type"]
        assert service.variable(selection, "plazo_meses") is None
    assert service.date_bounds(Selection(("api",))) is None


def test_another_version_is_compared_with_its_own_reference_and_without_the_score(bundle, older, log):
    fill_log(log, bundle, older)
    service = service_of(bundle, log)
    assert service.versions() == [bundle.model_version, OLDER]
    view = service.report(Selection(model_version=OLDER))
    assert not view.score_compared and SCORE_NAME not in set(view.table["variable"])
    result = view.report.get("capital_prestado")
    frozen = older.reference_profile["variables"]["capital_prestado"]
    assert [b.label for b in result.bins] == frozen["labels"] and result.n_ref == sum(frozen["counts"])
    assert view.reference.start is None and view.reference.rows == len(bundle.load_frame("holdout"))
    assert service.report(Selection()).score_compared


def test_evolution_windows_types_and_window_limit(bundle, older, log, monkeypatch):
    fill_log(log, bundle, older)
    service = service_of(bundle, log)
    rows = logged_rows(bundle, log, bundle.model_version)
    for window in FREQ:
        frame = service.evolution(Selection(window=window))
        assert (frame.groupby("variable")["n"].sum() == len(rows)).all(), window
        assert dict(zip(frame["variable"], frame["type"], strict=True)) == dict(service.variables())
    weekly = service.evolution(Selection(window="week"))
    assert (pd.DatetimeIndex(weekly["window_start"]).dayofweek == 0).all()
    monkeypatch.setattr("app.services.drift.service.MAX_EVOLUTION_WINDOWS", 5)
    with pytest.raises(WindowError) as caught:
        service.evolution(Selection(window="day", start=rows["day"].min().date()))
    assert caught.value.limit == 5 and caught.value.count > 5


def test_downloads_bounds_reference_and_variables(bundle, older, log):
    fill_log(log, bundle, older)
    service = service_of(bundle, log)
    selection = Selection(("holdout",))
    view = service.report(selection)
    csv = pd.read_csv(io.StringIO(service.report_csv(selection)))
    assert list(csv.columns) == list(TABLE_COLUMNS) and len(csv) == len(view.table)
    body = json.loads(service.report_json(selection))
    assert body["model_version"] == bundle.model_version and body["selection"]["sources"] == ["holdout"]
    assert body["reference"]["rows"] == bundle.metadata["split"]["train"]["rows_used"]
    assert body["current"]["rows"] == view.n_rows and len(body["report"]["variables"]) + 1 == len(view.table)
    rows = logged_rows(bundle, log, bundle.model_version)
    holdout_days = rows.loc[rows["source"] == "holdout", "day"]
    assert service.date_bounds(selection) == (holdout_days.min().date(), holdout_days.max().date())
    assert service.reference_period().start == pd.Timestamp(bundle.metadata["split"]["train"]["start"])
    assert [name for name, _ in service.variables()] == [
        *(n for n in bundle.reference_profile["variables"] if n not in TEMPORAL_FEATURES), SCORE_NAME]
    types = dict(service.variables())
    assert types[SCORE_NAME] == "score" and types["grupoEdad"] == "derived" and types["tipo_laboral"] == "categorical"
    plazo = service.variable(Selection(), "plazo_meses")
    assert sum(b.cur_count for b in plazo.bins) == plazo.n_cur == len(rows)
