"""Spreadsheet safety of every CSV the app writes: the shared helper, the batch results file, the Logs export."""
from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pytest

from app.services.csv_safety import safe_cell, safe_frame, safe_table

HOSTILE = ['=HYPERLINK("http://x.example","clic")', "+SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1,1)",
           "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_gets_a_leading_apostrophe_and_stays_readable(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-5", "+1.5e3", "-0,25", "Empleado", "a=b", "", None, -3, 2.5, "'=already"])
def test_numbers_plain_text_and_missing_values_are_unchanged(value):
    assert safe_cell(value) == value


def test_frame_and_table_helpers_agree_and_keep_numeric_columns():
    frame = pd.DataFrame({"text": [*HOSTILE, "ok", None, "-7"], "number": [-1.0] * 9})
    safe = safe_frame(frame)
    assert safe["number"].dtype == float and (safe["number"] == -1.0).all()
    expected = [safe_cell(v) for v in frame["text"]]
    assert safe["text"].tolist() == expected
    assert safe_table(pa.Table.from_pandas(frame)).column("text").to_pylist() == expected
    assert frame["text"].tolist()[0] == HOSTILE[0]  # the input is not modified


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, na_values=[""], dtype=str)


def test_batch_results_file_neutralises_uploaded_text(services, record):
    rows = [{**record, "tipo_laboral": HOSTILE[0]}, {**record, "edad_cliente": "=1+1"}, record]
    upload = pd.DataFrame(rows).to_csv(index=False).encode()
    outcome = services.batch_files.score_file(upload, "lote.csv")
    assert outcome.ok, outcome.problems
    written = services.batch_files.path_for(outcome.file_id).read_bytes()
    results = read_csv(written)
    assert results.loc[0, "tipo_laboral"] == "'" + HOSTILE[0]
    assert results.loc[1, "edad_cliente"] == "'=1+1" and results.loc[1, "error"].startswith("edad_cliente")
    assert not any(cell.startswith(("=", "+", "@")) for cell in results.to_numpy().ravel() if isinstance(cell, str))
    assert float(results.loc[2, "prob_default"]) >= 0  # numbers are still plain numbers


def test_logs_export_neutralises_logged_text(client, record):
    response = client.post("/predict", json={**record, "tipo_laboral": HOSTILE[0]},
                           headers={"X-Request-ID": "-cmd"})
    assert response.status_code == 200, response.get_json()
    export = client.get("/logs/export.csv?version=*&sources=api")
    assert export.status_code == 200
    frame = read_csv(export.get_data())
    assert frame.loc[0, "tipo_laboral"] == "'" + HOSTILE[0] and frame.loc[0, "request_id"] == "'-cmd"
    assert float(frame.loc[0, "prob_default"]) >= 0
