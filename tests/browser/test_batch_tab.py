"""The Predicciones por Lotes tab in a real browser: upload, summary, per-row errors, downloads, refusals."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from browser_helpers import browser_errors, click, wait_for, wait_for_download
from selenium.webdriver.common.by import By

from app.dashboard import ids
from modeling.synthetic import generate_loans

RESULT = f"#{ids.Batch.RESULT}"
NAME = re.compile(r"predicciones_batch_\d{8}_\d{6}(_\d+)?\.csv")
BAD_ROW = 6  # 0-based data row → spreadsheet row 8


def open_batch(browser, live_server) -> None:
    browser.get(live_server + "/")
    wait_for(browser, ".nav-tabs")
    browser.find_element(By.XPATH, "//a[contains(@class, 'nav-link') and normalize-space()='Predicciones por Lotes']"
                         ).click()
    wait_for(browser, f"#{ids.Batch.UPLOAD}")


def upload(browser, path: Path) -> None:
    browser.find_element(By.CSS_SELECTOR, f"#{ids.Batch.UPLOAD} input[type=file]").send_keys(str(path))


def click_and_download(browser, element_id, pattern: str) -> Path:
    before = {p.name for p in browser.download_dir.iterdir()}
    click(browser, browser.find_element(By.ID, element_id))
    return wait_for_download(browser.download_dir, pattern, before)


@pytest.fixture(scope="module")
def loans_file(tmp_path_factory) -> Path:
    frame = generate_loans(n_rows=40, seed=33).astype(object)
    frame.loc[BAD_ROW, "edad_cliente"] = "treinta"
    path = tmp_path_factory.mktemp("uploads") / "lote_prueba.csv"
    frame.to_csv(path, index=False)
    return path


def test_upload_scores_good_rows_reports_the_bad_one_and_saves_every_row(browser, live_server, browser_settings,
                                                                         loans_file):
    open_batch(browser, live_server)
    max_mb = (browser_settings.max_upload_bytes - 64 * 1024) * 3 / 4 / 2**20  # the file travels base64-encoded
    rows = f"{browser_settings.max_batch_rows:,}".replace(",", ".")
    wait_for(browser, f"#{ids.Batch.ROOT}", text=f"máximo {max_mb:.0f} MB y {rows} filas")
    upload(browser, loans_file)
    summary = wait_for(browser, RESULT, timeout=60, text="Resultados guardados en")
    file_id = NAME.search(summary.text).group(0)
    text = summary.text.upper()
    for label, value in (("FILAS RECIBIDAS", 40), ("PUNTUADAS", 39), ("RECHAZADAS", 1)):
        assert f"{label}\n{value}\n" in text
    assert "fila 8 · edad_cliente: could not be parsed (found 'treinta', expected an integer)" in summary.text
    assert "Filas puntuadas por banda de riesgo" in summary.text
    assert browser.find_elements(By.CSS_SELECTOR, f"#{ids.Batch.PREVIEW} .ag-row")

    saved = browser_settings.predictions_dir / file_id
    assert saved.is_file()
    downloaded = click_and_download(browser, ids.Batch.RESULT_DOWNLOAD_BUTTON, "predicciones_batch_*.csv")
    assert downloaded.name == file_id and downloaded.read_bytes() == saved.read_bytes()
    results = pd.read_csv(downloaded, encoding="utf-8-sig")
    assert len(results) == 40 and results["fila"].tolist() == list(range(2, 42))
    bad = results["fila"] == BAD_ROW + 2
    assert bad.sum() == 1 and results.loc[bad, "error"].str.contains("edad_cliente").all()
    assert results.loc[bad, ["prob_default", "risk_band"]].isna().all(axis=None)
    good = results[~bad]
    assert good["prob_default"].between(0, 1).all() and good["error"].isna().all()
    assert set(good["risk_band"]) <= {"Bajo", "Medio", "Alto"} and good["risk_band"].notna().all()

    wait_for(browser, f"#{ids.Batch.FILES}", text=file_id)
    assert browser_errors(browser) == []


def test_previous_files_and_the_template_can_be_downloaded(browser, live_server, browser_settings, loans_file):
    open_batch(browser, live_server)
    upload(browser, loans_file)
    wait_for(browser, RESULT, timeout=60, text="Resultados guardados en")
    newest = max(browser_settings.predictions_dir.glob("predicciones_batch_*.csv"), key=lambda p: p.stat().st_mtime)
    first_row = wait_for(browser, f"#{ids.Batch.FILES} tbody tr", text=newest.name)
    before = {p.name for p in browser.download_dir.iterdir()}
    click(browser, first_row.find_element(By.TAG_NAME, "button"))
    path = wait_for_download(browser.download_dir, "predicciones_batch_*.csv", before)
    assert path.read_bytes() == newest.read_bytes()

    template = click_and_download(browser, ids.Batch.TEMPLATE_BUTTON, "plantilla_predicciones*.csv")
    frame = pd.read_csv(template, encoding="utf-8-sig")
    assert len(frame) == 2 and {"capital_prestado", "edad_cliente", "tipo_laboral"} <= set(frame.columns)
    assert browser_errors(browser) == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unsupported file type '.png'"),
    ("notas.csv", b"nombre,telefono\nAna,123\n", "not a loan table"),
])
def test_a_file_that_is_not_a_loan_table_gets_a_clear_error(browser, live_server, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    open_batch(browser, live_server)
    upload(browser, path)
    alert = wait_for(browser, f"{RESULT} .alert-danger", timeout=30, text=message)
    assert f"No se pudo procesar «{name}»: no se puntuó ninguna fila" in alert.text
    assert browser.find_element(By.ID, ids.Batch.RESULT_DOWNLOAD_BUTTON).get_attribute("disabled") is not None
    assert browser_errors(browser) == []
