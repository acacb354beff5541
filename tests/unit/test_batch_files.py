"""Batch files: an upload is scored through the real scoring service and saved with every input row.

Runs on the session's small trained bundle and a fresh SQLite log per test; files are synthetic loans.
"""
from __future__ import annotations

import base64
import io
import re
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from app.services.batch import files as batch_files_module
from app.services.batch.files import BatchFileNotFound, BatchFiles
from app.services.log.store import PredictionLog
from app.services.scoring.service import ScoringService
from modeling.artifacts import load_bundle
from modeling.data.columns import TARGET
from modeling.data.schema import FEATURE_COLUMNS
from modeling.synthetic import generate_loans

NAME = re.compile(r"predicciones_batch_\d{8}_\d{6}(_\d+)?\.csv")


@pytest.fixture(scope="module")
def bundle(trained_models_dir):
    return load_bundle(trained_models_dir)


@pytest.fixture
def log(tmp_path):
    return PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")


@pytest.fixture
def make_service(bundle, log, tmp_path):
    def build(max_rows: int = 1_000, max_request_bytes: int = 4 * 2**20) -> BatchFiles:
        return BatchFiles(tmp_path / "predicciones", ScoringService(bundle, log), max_rows=max_rows,
                          max_request_bytes=max_request_bytes)
    return build


@pytest.fixture
def service(make_service):
    return make_service()


def loans_csv(n_rows: int = 30, bad: dict[int, tuple[str, object]] | None = None, **to_csv) -> bytes:
    """``n_rows`` synthetic loans as CSV bytes; ``bad`` maps a 0-based data row to (column, value)."""
    frame = generate_loans(n_rows=n_rows, seed=21).astype(object)
    for row, (column, value) in (bad or {}).items():
        frame.loc[row, column] = value
    return frame.to_csv(index=False, **to_csv).encode("utf-8")


def read_results(service: BatchFiles, file_id: str) -> pd.DataFrame:
    return pd.read_csv(service.path_for(file_id), encoding="utf-8-sig", dtype={"error": object, "warnings": object})


def test_good_rows_are_scored_and_bad_rows_kept_with_their_error(service, log):
    data = loans_csv(30, bad={3: ("edad_cliente", "treinta"), 10: ("plazo_meses", -2)})
    outcome = service.score_file(data, "lote.csv")

    assert outcome.ok and NAME.fullmatch(outcome.file_id)
    assert outcome.summary | {"received": 30, "scored": 28, "rejected": 2} == outcome.summary
    assert sorted({p["row"] for p in outcome.row_errors}) == [5, 12]  # spreadsheet rows: header is row 1
    edad = next(p for p in outcome.row_errors if p["row"] == 5)
    assert edad["field"] == "edad_cliente" and edad["value"] == "treinta"

    results = read_results(service, outcome.file_id)
    assert len(results) == 30 and results["fila"].tolist() == list(range(2, 32))
    bad = results["fila"].isin([5, 12])
    assert results.loc[bad, "prob_default"].isna().all() and results.loc[bad, "risk_band"].isna().all()
    assert results.loc[bad, "error"].str.contains("edad_cliente|plazo_meses").all()
    assert results.loc[~bad, "prob_default"].between(0, 1).all() and results.loc[~bad, "error"].isna().all()
    assert set(results.loc[~bad, "risk_band"]) <= set(service.scoring.bundle.risk_bands["labels"])
    assert results.loc[results["fila"] == 5, "edad_cliente"].item() == "treinta"  # kept as uploaded
    assert (results["request_id"] == outcome.summary["request_id"]).all()

    logged = log.read(source="batch")
    assert len(logged) == 28 and set(logged["request_id"]) == {outcome.summary["request_id"]}
    np.testing.assert_allclose(np.sort(logged["prob_default"]), np.sort(results.loc[~bad, "prob_default"]))


def test_known_outcomes_in_the_upload_are_logged_as_actual(service, log):
    outcome = service.score_file(loans_csv(12, bad={0: (TARGET, "quizás")}), "con_resultado.csv")
    assert outcome.summary["scored"] == 12
    logged = log.read(source="batch")
    expected = generate_loans(n_rows=12, seed=21)[TARGET].iloc[1:].tolist()
    assert logged["actual"].isna().sum() == 1 and logged["actual"].dropna().astype(int).tolist() == expected


def test_xlsx_and_semicolon_files_are_read(service):
    frame = generate_loans(n_rows=8, seed=3)
    workbook = io.BytesIO()
    frame.to_excel(workbook, index=False)
    assert service.score_file(workbook.getvalue(), "lote.xlsx").summary["scored"] == 8
    semicolon = frame.to_csv(index=False, sep=";", decimal=",").encode("cp1252")
    assert service.score_file(semicolon, "lote.csv").summary["scored"] == 8


def test_extra_columns_are_kept_and_clashing_ones_dropped_with_a_note(service):
    frame = generate_loans(n_rows=5, seed=4).assign(cliente=[f"C{i}" for i in range(5)], risk_band="viejo")
    outcome = service.score_file(frame.to_csv(index=False).encode(), "extra.csv")
    results = read_results(service, outcome.file_id)
    assert results["cliente"].tolist() == [f"C{i}" for i in range(5)]
    assert results["risk_band"].ne("viejo").all()
    assert any("risk_band" in note for note in outcome.notes)


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "foto.png", "unsupported file type"),
    (b"a,b\n1,2\n", "otra_tabla.csv", "not a loan table"),
    (b"", "vacio.csv", "empty"),
    (",".join(FEATURE_COLUMNS).encode() + b"\n", "solo_encabezado.csv", "no data rows"),
])
def test_file_level_problems_refuse_the_whole_file(service, log, data, filename, message):
    outcome = service.score_file(data, filename)
    assert not outcome.ok and outcome.file_id is None
    assert any(message in p["message"] for p in outcome.problems), outcome.problems
    assert log.count() == 0 and service.list_files() == []


def test_missing_required_columns_are_listed_and_nothing_is_scored(service, log):
    frame = generate_loans(n_rows=5, seed=4).drop(columns=["edad_cliente", "cuota_pactada"])
    outcome = service.score_file(frame.to_csv(index=False).encode(), "incompleto.csv")
    assert {p["field"] for p in outcome.problems} == {"edad_cliente", "cuota_pactada"}
    assert log.count() == 0


def test_optional_columns_may_be_left_out(service):
    frame = generate_loans(n_rows=5, seed=4).drop(columns=["fecha_prestamo", "tendencia_ingresos", TARGET])
    outcome = service.score_file(frame.to_csv(index=False).encode(), "sin_fecha.csv")
    assert outcome.summary["scored"] == 5 and outcome.summary["with_warnings"] == 5  # date defaulted


def test_row_and_size_limits(make_service, log):
    outcome = make_service(max_rows=10).score_file(loans_csv(11), "grande.csv")
    assert "too many rows" in outcome.problems[0]["message"] and log.count() == 0
    small = make_service(max_request_bytes=4_000)
    assert small.max_file_bytes < 3_000
    outcome = small.score_file(loans_csv(30), "pesado.csv")
    assert not outcome.ok and "bytes" in outcome.problems[0]["message"]


def test_score_upload_decodes_browser_data_urls(service):
    data = loans_csv(6)
    url = "data:text/csv;base64," + base64.b64encode(data).decode()
    assert service.score_upload(url, "lote.csv").summary["scored"] == 6
    assert "not a file upload" in service.score_upload("hola", "x.csv").problems[0]["message"]
    assert "damaged" in service.score_upload("data:text/csv;base64,@@@", "x.csv").problems[0]["message"]
    assert not service.score_upload(None, None).ok


def test_files_in_the_same_second_get_distinct_names(service, monkeypatch):
    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2025, 3, 14, 10, 30, 0)

    monkeypatch.setattr(batch_files_module, "datetime", FrozenClock)
    names = [service.score_file(loans_csv(3), "x.csv").file_id for _ in range(3)]
    assert names == ["predicciones_batch_20250314_103000.csv", "predicciones_batch_20250314_103000_2.csv",
                     "predicciones_batch_20250314_103000_3.csv"]
    assert not list(service.directory.glob(".staging-*"))


def test_list_files_newest_first_and_only_batch_results(service):
    first = service.score_file(loans_csv(3), "a.csv").file_id
    second = service.score_file(loans_csv(4), "b.csv").file_id
    (service.directory / "notas.csv").write_text("x")
    (service.directory / "predicciones_batch_x.csv").write_text("x")
    listed = [info.file_id for info in service.list_files()]
    assert listed == sorted([first, second], reverse=True)


@pytest.mark.parametrize("file_id", [
    "../predicciones_batch_20250101_000000.csv", "sub/predicciones_batch_20250101_000000.csv",
    "predicciones_batch_20250101_000000.csv/..", "..", "prediction_log.sqlite", "", None, 42,
    "predicciones_batch_20250101_000000.csv\x00", "predicciones_batch_20250101_000000.CSV",
])
def test_path_for_rejects_anything_but_a_batch_file_name(service, file_id):
    with pytest.raises(BatchFileNotFound):
        service.path_for(file_id)


def test_path_for_rejects_missing_files_and_links_leaving_the_folder(service, tmp_path):
    with pytest.raises(BatchFileNotFound):
        service.path_for("predicciones_batch_20250101_000000.csv")
    outside = tmp_path / "secreto.csv"
    outside.write_text("secret")
    service.directory.mkdir(parents=True, exist_ok=True)
    (service.directory / "predicciones_batch_20250101_000001.csv").symlink_to(outside)
    with pytest.raises(BatchFileNotFound):
        service.path_for("predicciones_batch_20250101_000001.csv")


def test_template_has_the_model_inputs_and_two_rows_that_score_cleanly(service):
    template = service.template_csv()
    assert template.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(template), encoding="utf-8-sig")
    assert list(frame.columns) == [s.name for s in service.scoring.validator.specs] and len(frame) == 2
    outcome = service.score_file(template, "plantilla.csv")
    assert outcome.summary["scored"] == 2 and outcome.summary["rejected"] == 0
