"""Outcomes files from the dashboard: CSV and XLSX read into items; file-level problems named."""
from __future__ import annotations

import base64
import io

import pandas as pd

from app.services.outcomes.items import check_items
from app.services.outcomes.upload import read_outcome_file, read_outcome_upload, report_rows


def test_csv_values_become_items_and_bad_values_reach_the_checks():
    data = b"Request_ID ; ROW ; Pago_atiempo\nabc;0;1\nabc;1,0;0\ndef;;1\nghi;2;tarde\n"
    read = read_outcome_file(data, "outcomes.csv")
    assert not read.problems
    assert read.items[:3] == [{"request_id": "abc", "row": 0, "Pago_atiempo": 1},
                              {"request_id": "abc", "row": 1, "Pago_atiempo": 0},
                              {"request_id": "def", "row": None, "Pago_atiempo": 1}]
    checked = check_items(read.items)
    assert len(checked) == 3 and checked.problems[3][0]["field"] == "Pago_atiempo"


def test_xlsx_upload_without_row_column():
    buffer = io.BytesIO()
    pd.DataFrame({"request_id": ["r1", "r2"], "Pago_atiempo": [1, 0]}).to_excel(buffer, index=False)
    contents = "data:application/vnd.ms-excel;base64," + base64.b64encode(buffer.getvalue()).decode()
    read = read_outcome_upload(contents, "outcomes.xlsx", max_bytes=10**6)
    assert read.items == [{"request_id": "r1", "row": None, "Pago_atiempo": 1},
                          {"request_id": "r2", "row": None, "Pago_atiempo": 0}]


def test_a_batch_results_file_goes_back_with_its_fila_column():
    data = b"fila,capital_prestado,prob_default,request_id,Pago_atiempo\n2,100,0.1,job-1,1\n5,200,0.3,job-1,0\n"
    read = read_outcome_file(data, "predicciones_batch_20250101_000000.csv")
    assert [(i["request_id"], i["row"], i["Pago_atiempo"]) for i in read.items] == [("job-1", 2, 1), ("job-1", 5, 0)]


def test_file_problems_are_named():
    assert "missing column(s) Pago_atiempo" in read_outcome_file(b"request_id,row\na,0\n", "x.csv").problems[0]
    assert "unsupported file type" in read_outcome_file(b"request_id", "x.txt").problems[0]
    assert read_outcome_upload("not a data url", "x.csv", 100).problems
    assert "larger than" in read_outcome_upload("data:text/csv;base64," + "A" * 400, "x.csv", 100).problems[0]
    three = "data:text/csv;base64," + base64.b64encode(b"request_id,Pago_atiempo\na,1\nb,0\nc,1\n").decode()
    assert "at most 2 per upload" in read_outcome_upload(three, "x.csv", 10**6, max_rows=2).problems[0]
    assert "no data rows" in read_outcome_file(b"request_id,Pago_atiempo\n", "x.csv").problems[0]


def test_report_rows_carry_spreadsheet_row_numbers():
    table = report_rows([{"index": 0, "request_id": "a", "row": 0, "status": "unknown"}])
    assert table["fila"].tolist() == [2]
