"""The tab's upload check is strict JSON whatever the file holds: an empty required cell, an infinite number or a
non-number never put NaN / Infinity in the answer (the browser's ``JSON.parse`` refuses them), and the review
still names each problem."""
from __future__ import annotations

import json

from job_helpers import loans_csv

from app.dashboard.messages import problem_text


def _strict(text: str):
    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def test_an_upload_with_empty_and_infinite_cells_answers_strict_json(make_app, tmp_path):
    app = make_app(max_upload_mb=64, seed_holdout=False)
    client = app.test_client()
    path = loans_csv(tmp_path / "x.csv", 12)
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    term, age = header.index("plazo_meses"), header.index("edad_cliente")

    def edit(line: int, column: int, text: str) -> None:
        cells = lines[line].split(",")
        cells[column] = text
        lines[line] = ",".join(cells)

    edit(1, term, "")  # file row 2: an empty required cell
    edit(2, age, "inf")  # file row 3: infinite
    edit(3, age, "-Infinity")  # file row 4
    edit(4, term, "NaN")  # file row 5: spelled-out NaN
    (tmp_path / "x.csv").write_text("\n".join(lines) + "\n")

    response = client.post("/batch/upload?filename=x.csv", data=(tmp_path / "x.csv").read_bytes(),
                           headers={"X-Batch-Upload": "1"})
    assert response.status_code == 200
    check = _strict(response.get_data(as_text=True))  # what assets/batch_upload.js does with JSON.parse
    assert check["ready"] and check["rows_with_problems"] == 4
    by_row = {p["row"]: p for p in check["problems"]}
    assert set(by_row) == {2, 3, 4, 5}
    assert by_row[2]["field"] == "plazo_meses" and "value" not in by_row[2]  # missing: left out, as in /jobs
    assert by_row[5]["field"] == "plazo_meses" and "value" not in by_row[5]
    assert by_row[3]["field"] == "edad_cliente" and by_row[3]["value"] == "inf"
    assert by_row[4]["value"] == "-inf"
    assert "fila 2 · plazo_meses" in problem_text(by_row[2]) and "'inf'" in problem_text(by_row[3])
    preview = check["preview"]
    assert preview[0]["plazo_meses"] is None and preview[1]["edad_cliente"] == "inf"
    app.extensions["credit_risk"].jobs.engine.shutdown()
