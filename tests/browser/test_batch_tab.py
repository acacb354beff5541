"""The Predicciones por Lotes tab in a real browser: a small file reviewed before scoring (first rows, validation
summary, the *Hacer predicciones* button), then scored (summary in the original's words, per-row errors in
Spanish, the predicted class as Sí / No, downloads with a timestamp column), a multi-MB file whose job progress
moves, the shown job surviving a reload, a file lacking a model column, refusals.

The app runs in this module's own server with small job chunks, so the progress of a few MB is visible.
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from browser_helpers import browser_errors, click, columns_in_view, grid_layout, wait_for, wait_for_download
from selenium.webdriver.common.by import By
from werkzeug.serving import make_server

from app import create_app
from app.config import Settings
from app.dashboard import ids
from modeling.synthetic import generate_loans

RESULT = f"#{ids.Batch.RESULT}"
CHECK = f"#{ids.Batch.CHECK}"
PROGRESS_TEXT = f"#{ids.Batch.PROGRESS}-text"
NAME = re.compile(r"predicciones_batch_\d{8}_\d{6}(_\d+)?\.csv")
BAD_ROW = 6  # 0-based data row → spreadsheet row 8
BIG_ROWS = 60_000  # about 14 MB of CSV


@pytest.fixture(scope="module")
def batch_settings(trained_models_dir, tmp_path_factory) -> Settings:
    return Settings(models_dir=trained_models_dir, predictions_dir=tmp_path_factory.mktemp("predicciones_lotes"),
                    job_chunk_rows=4_000, seed_holdout=False)


@pytest.fixture(scope="module")
def batch_server(batch_settings, browser) -> Iterator[str]:
    app = create_app(batch_settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    # Leave this server's page before stopping it: its progress polls would otherwise be refused and land in the
    # (session-wide) browser's console, failing the next module's check for console errors.
    browser.get("about:blank")
    browser.get_log("browser")
    server.shutdown()
    app.extensions["credit_risk"].jobs.engine.shutdown()


def open_batch(browser, base_url) -> None:
    browser.get(base_url + "/")
    wait_for(browser, ".nav-tabs")
    browser.find_element(By.XPATH, "//a[contains(@class, 'nav-link') and normalize-space()='Predicciones por Lotes']"
                         ).click()
    wait_for(browser, f"#{ids.Batch.UPLOAD}")


def upload(browser, path: Path) -> None:
    browser.find_element(By.ID, "batch-file-input").send_keys(str(path))


def start(browser) -> None:
    """Wait for the file's review, then press "Hacer predicciones"."""
    wait_for(browser, CHECK, timeout=60, text="Archivo válido")
    button = browser.find_element(By.ID, ids.Batch.START)
    assert button.is_enabled() and button.text == "Hacer predicciones"
    click(browser, button)


def download_result(browser) -> Path:
    before = {p.name for p in browser.download_dir.iterdir()}
    click(browser, browser.find_element(By.ID, ids.Batch.RESULT_DOWNLOAD_BUTTON))
    return wait_for_download(browser.download_dir, "predicciones_batch_*.csv", before, timeout=60)


@pytest.fixture(scope="module")
def loans_file(tmp_path_factory) -> Path:
    frame = generate_loans(n_rows=40, seed=33).astype(object)
    frame.loc[BAD_ROW, "edad_cliente"] = "treinta"
    path = tmp_path_factory.mktemp("uploads") / "lote_prueba.csv"
    frame.to_csv(path, index=False)
    return path


def test_small_file_is_reviewed_then_scored_reported_and_downloadable(browser, batch_server, batch_settings,
                                                                    loans_file):
    open_batch(browser, batch_server)
    button = browser.find_element(By.ID, ids.Batch.START)
    assert not button.is_enabled() and not button.is_displayed()  # nothing to score yet
    upload(browser, loans_file)
    review = wait_for(browser, CHECK, timeout=60, text="Archivo válido")
    text = review.text.upper()
    assert "REGISTROS CARGADOS\n40\n" in text and "FILAS CON PROBLEMAS\n1\n" in text
    assert "fila 8 · edad_cliente: no se pudo interpretar (encontrado: 'treinta', esperado: un número entero)" \
        in review.text
    assert len(browser.find_elements(By.CSS_SELECTOR, f"#{ids.Batch.CHECK_PREVIEW} .ag-center-cols-container "
                                                      ".ag-row")) == 10
    review_grid = grid_layout(browser, f"#{ids.Batch.CHECK_PREVIEW}")
    assert review_grid["shown"] == 10 and review_grid["cut"] == []  # the ten first rows without scrolling
    assert review_grid["gaps"] and all(gap < 12 for gap in review_grid["gaps"].values())  # icon beside title
    amounts = [cell.text for cell in browser.find_elements(
        By.CSS_SELECTOR, f"#{ids.Batch.CHECK_PREVIEW} .ag-row [col-id='capital_prestado']")]
    assert amounts and all(re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d+)?", text) for text in amounts), amounts
    assert "." in "".join(amounts)  # thousands dots, as formatting.integer writes them
    assert "máximo 1.024 MB" in browser.find_element(By.ID, ids.Batch.UPLOAD).text
    assert browser.find_elements(By.CSS_SELECTOR, f"#{ids.Batch.JOBS} tr[data-job]") == []  # no job before the click
    start(browser)
    summary = wait_for(browser, RESULT, timeout=90, text="Resultados guardados en")
    file_id = NAME.search(summary.text).group(0)
    text = summary.text.upper()
    for label, value in (("TOTAL PROCESADO", 40), ("PUNTUADAS", 39), ("RECHAZADAS", 1)):
        assert f"{label}\n{value}\n" in text
    assert "PREDICCIONES DE RIESGO\n" in text
    assert "fila 8 · edad_cliente: no se pudo interpretar (encontrado: 'treinta', esperado: un número entero)" \
        in summary.text
    assert "could not be parsed" not in summary.text and "expected" not in summary.text
    assert "Filas puntuadas por banda de riesgo" in summary.text
    classes = browser.find_elements(By.CSS_SELECTOR, f"#{ids.Batch.PREVIEW} .ag-row [col-id='Pago_atiempo_pred']")
    assert classes and {cell.text for cell in classes} <= {"Sí", "No", ""}
    marked = browser.find_elements(By.CSS_SELECTOR, f"#{ids.Batch.PREVIEW} .predicted-yes, "
                                                    f"#{ids.Batch.PREVIEW} .predicted-no")
    assert marked and all(cell.text in ("Sí", "No") for cell in marked)
    assert {"fila", "Pago_atiempo_pred", "prob_default", "risk_band", "error", "warnings"} <= set(
        columns_in_view(browser, f"#{ids.Batch.PREVIEW}"))  # at 1400 px, without scrolling sideways
    result_grid = grid_layout(browser, f"#{ids.Batch.PREVIEW}")
    assert result_grid["cut"] == [] and all(gap < 12 for gap in result_grid["gaps"].values()), result_grid
    header = browser.find_element(By.CSS_SELECTOR, f"#{ids.Batch.PREVIEW} .ag-header-cell[col-id='timestamp']")
    grid_box = browser.find_element(By.ID, ids.Batch.PREVIEW).rect
    assert header.rect["x"] + header.rect["width"] <= grid_box["x"] + grid_box["width"]  # not cut at the edge
    inside = browser.execute_script("""const cell = arguments[0], value = cell.querySelector('.ag-cell-value');
        const a = cell.getBoundingClientRect(), b = value.getBoundingClientRect();
        return b.top >= a.top - 2 && b.bottom <= a.bottom + 2 && b.width > 0;""", marked[0])
    assert inside  # the Sí / No text is drawn inside its cell, beside its mark

    saved = batch_settings.predictions_dir / file_id
    downloaded = download_result(browser)
    assert downloaded.name == file_id and downloaded.read_bytes() == saved.read_bytes()
    results = pd.read_csv(downloaded, encoding="utf-8-sig")
    assert len(results) == 40 and results["fila"].tolist() == list(range(2, 42))
    bad = results["fila"] == BAD_ROW + 2
    assert bad.sum() == 1 and results.loc[bad, "error"].str.contains("edad_cliente").all()
    assert results.loc[~bad, "prob_default"].between(0, 1).all()
    assert results["timestamp"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
    risk = browser.find_element(By.ID, f"{ids.Batch.RESULT}-risk").text
    assert f"\n{(results['Pago_atiempo_pred'] == 0).sum()}\n" in risk

    wait_for(browser, f"#{ids.Batch.FILES}", text=file_id)
    wait_for(browser, f"#{ids.Batch.JOBS}", text="Terminado")
    card = wait_for(browser, CHECK, text="«lote_prueba.csv» ya se puntuó: 39 filas puntuadas, 1 rechazada")
    assert "suba otro archivo" in card.text  # the review card says the file was scored, not an empty state
    assert not browser.find_element(By.ID, ids.Batch.START).is_displayed()  # the same file is not started twice
    cancel = browser.find_element(By.ID, ids.Batch.CANCEL)
    assert not cancel.is_displayed() and not cancel.is_enabled()  # nothing left to cancel
    template_before = {p.name for p in browser.download_dir.iterdir()}
    click(browser, browser.find_element(By.ID, ids.Batch.TEMPLATE_BUTTON))
    template = wait_for_download(browser.download_dir, "plantilla_predicciones*.csv", template_before)
    assert len(pd.read_csv(template, encoding="utf-8-sig")) == 2
    assert browser_errors(browser) == []


def test_multi_megabyte_file_shows_moving_progress_survives_reload_and_downloads(browser, batch_server,
                                                                                 tmp_path):
    path = tmp_path / "cartera_grande.csv"
    generate_loans(n_rows=BIG_ROWS, seed=5).to_csv(path, index=False)
    assert path.stat().st_size > 5 * 2**20
    open_batch(browser, batch_server)
    upload(browser, path)
    start(browser)
    seen: list[int] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        text = browser.find_element(By.CSS_SELECTOR, f"#{ids.Batch.PROGRESS}").text
        match = re.search(r"([\d.]+) de ([\d.]+) filas", text)
        if "cartera_grande.csv" in text and match:
            done = int(match.group(1).replace(".", ""))
            if not seen or seen[-1] != done:
                seen.append(done)
            if "Terminado" in text:
                break
        time.sleep(0.3)
    assert seen and seen[-1] == BIG_ROWS
    assert any(0 < value < BIG_ROWS for value in seen), seen  # the bar moved through intermediate values
    assert "filas/s" in browser.find_element(By.CSS_SELECTOR, PROGRESS_TEXT).text

    browser.refresh()  # the shown job is kept in the browser's storage, its state in the database
    open_batch(browser, batch_server)
    wait_for(browser, f"#{ids.Batch.PROGRESS}", timeout=30, text="cartera_grande.csv")
    wait_for(browser, RESULT, timeout=60, text="Resultados guardados en")
    downloaded = download_result(browser)
    results = pd.read_csv(downloaded, encoding="utf-8-sig", usecols=["fila", "prob_default"])
    assert len(results) == BIG_ROWS and results["fila"].is_monotonic_increasing
    assert browser_errors(browser) == []


def test_a_file_lacking_a_model_column_is_shown_but_cannot_be_scored(browser, batch_server, tmp_path):
    path = tmp_path / "sin_edad.csv"
    generate_loans(n_rows=12, seed=4).drop(columns=["edad_cliente"]).to_csv(path, index=False)
    open_batch(browser, batch_server)
    upload(browser, path)
    review = wait_for(browser, CHECK, timeout=60, text="Faltan columnas del modelo")
    assert "edad_cliente" in review.text and "REGISTROS CARGADOS\n12\n" in review.text.upper()
    assert not browser.find_element(By.ID, ids.Batch.START).is_enabled()
    assert browser_errors(browser) == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "tipo de archivo no admitido: '.png'"),
    ("notas.csv", b"nombre,telefono\nAna,123\n", "no es una tabla de préstamos"),
])
def test_a_file_that_is_not_a_loan_table_gets_a_clear_error(browser, batch_server, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    open_batch(browser, batch_server)
    upload(browser, path)
    alert = wait_for(browser, f"#{ids.Batch.NOTICE}", timeout=30, text=message)
    assert f"«{name}» no se puede usar" in alert.text
    refusals = browser_errors(browser)  # the refused upload is logged by the browser as a failed request, and only it
    assert refusals and all("/batch/upload" in entry and "422" in entry for entry in refusals)


def test_a_file_with_empty_and_infinite_cells_is_reviewed_and_scored(browser, batch_server, tmp_path):
    """An empty required cell or an infinite number once made the upload's answer invalid JSON ("No se pudo
    subir … (HTTP 200)"): the review now names those rows and the valid ones can be scored."""
    frame = generate_loans(n_rows=12, seed=34).astype(object)
    frame.loc[0, "plazo_meses"] = None
    frame.loc[1, "edad_cliente"] = float("inf")
    path = tmp_path / "con_vacios.csv"
    frame.to_csv(path, index=False)
    open_batch(browser, batch_server)
    upload(browser, path)
    review = wait_for(browser, CHECK, timeout=60, text="Archivo válido")
    assert "FILAS CON PROBLEMAS\n2\n" in review.text.upper()
    assert "fila 2 · plazo_meses" in review.text and "fila 3 · edad_cliente" in review.text
    assert "No se pudo subir" not in browser.find_element(By.ID, ids.Batch.ROOT).text
    start(browser)
    summary = wait_for(browser, RESULT, timeout=90, text="con_vacios.csv")  # this job's result, not the last one
    assert "PUNTUADAS\n10\n" in summary.text.upper() and "RECHAZADAS\n2\n" in summary.text.upper()
    assert browser_errors(browser) == []
