"""The Logs grid and the batch preview name and show the prediction the same way: Sí / No with its coloured mark
under «Pago a tiempo (predicho)» (never a bare 0 / 1, never a header a real ``Pago_atiempo`` column could have)
and the probability as «Prob. pago tardío»."""
from __future__ import annotations

import pandas as pd

from app.dashboard.batch_view import _preview_columns
from app.dashboard.grid_columns import FILE_VALUE, TWO_LINES, WRAPPED, file_columns, log_columns, name_width
from app.dashboard.tabs.logs import totals_view
from app.services.batch import BatchOutcome
from app.services.log.pages import LogTotals
from modeling.data.schema import specs_for


def _by_field(columns: list[dict]) -> dict[str, dict]:
    return {column["field"]: column for column in columns}


def test_logs_and_batch_preview_show_the_predicted_class_and_probability_alike():
    logs = _by_field(log_columns(specs_for(("feature",))))
    preview = pd.DataFrame({"fila": [2], "Pago_atiempo_pred": [1], "prob_default": [0.1], "risk_band": ["Bajo"],
                            "Pago_atiempo": [0], "edad_cliente": [30]})
    batch = _by_field(_preview_columns(BatchOutcome("x.csv", preview=preview)))
    for key in ("headerName", "valueFormatter", "cellClassRules"):
        assert logs["Pago_atiempo_pred"][key] == batch["Pago_atiempo_pred"][key], key
    assert logs["Pago_atiempo_pred"]["headerName"] == "Pago a tiempo (predicho)"
    assert "'Sí'" in logs["Pago_atiempo_pred"]["valueFormatter"]["function"]
    assert set(logs["Pago_atiempo_pred"]["cellClassRules"]) == {"predicted-yes", "predicted-no"}
    assert logs["prob_default"]["headerName"] == batch["prob_default"]["headerName"] == "Prob. pago tardío"
    assert batch["Pago_atiempo"]["headerName"] == "Pago_atiempo"  # the upload's own column, not the prediction
    headers = [c["headerName"] for c in [*logs.values(), *batch.values()]]
    assert not any("impago" in h.lower() for h in headers)


def test_logs_kpis_name_the_late_payment_probability():
    cards, _ = totals_view(LogTotals(count=10, mean_prob_default=0.25, high_risk=2, with_actual=3))
    text = str(cards)
    assert "Prob. media de pago tardío" in text and "impago" not in text


def test_every_header_wraps_instead_of_being_cut_and_inputs_are_wide_enough_for_their_names():
    specs = specs_for(("feature",))
    preview = pd.DataFrame({"fila": [2], "Pago_atiempo_pred": [1], "prob_default": [0.1], "risk_band": ["Bajo"],
                            "promedio_ingresos_datacredito": [856389.2]})
    for columns in (log_columns(specs), _preview_columns(BatchOutcome("x.csv", preview=preview))):
        for column in columns:
            assert column.get("wrapHeaderText") and column.get("autoHeaderHeight"), column["field"]
    logs = _by_field(log_columns(specs))
    for spec in specs:
        assert logs[spec.name]["width"] >= 8 * len(spec.name) + 56 or logs[spec.name]["width"] == 320
    assert logs["promedio_ingresos_datacredito"]["width"] > logs["plazo_meses"]["width"] >= 100
    assert name_width("x") == 130 and name_width("y" * 100) == 320


def test_file_columns_write_numbers_the_spanish_way_and_leave_text_alone():
    rows = [{"monto": "856389.2", "plazo": 12, "codigo": "007", "fecha": "2025-03-14 17:40:58", "tipo": "Empleado"},
            {"monto": "1760000", "plazo": None, "codigo": "12", "fecha": None, "tipo": "1"}]
    columns = _by_field(file_columns(rows))
    assert list(columns) == ["monto", "plazo", "codigo", "fecha", "tipo"]
    assert all(c["valueFormatter"] == FILE_VALUE for c in columns.values())
    assert {name for name, c in columns.items() if c.get("type") == "rightAligned"} == {"monto", "plazo"}
    assert {name for name, c in columns.items() if "tooltipField" in c} == {"codigo", "fecha", "tipo"}
    assert file_columns([]) == [] and [c["field"] for c in file_columns([], ["a"])] == ["a"]


def test_check_preview_grid_shows_its_ten_rows_without_scrolling():
    from app.dashboard.upload_check_view import check_view

    rows = [{"monto": str(100000 + i), "tipo": "A"} for i in range(10)]
    view = check_view({"rows": 10, "found": ["monto"], "missing": [], "preview": rows, "size_bytes": 10})
    grid = next(c for c in view.children if getattr(c, "id", None) == "batch-check-preview")
    assert grid.dashGridOptions["domLayout"] == "autoHeight" and grid.dashGridOptions["paginationPageSize"] == 10
    assert not grid.style.get("height")


def test_upload_limit_is_written_the_spanish_way():
    from app.dashboard.batch_cards import size_limit_text

    assert size_limit_text(1024) == "1.024" and size_limit_text(2.5) == "2,5" and size_limit_text(200) == "200"


def test_key_columns_are_pinned_first_and_fit_1400_px_with_the_warnings_wrapped():
    """At 1400 px the grids are about 1,340 px wide: id / row, time, score, class, band and the warnings show
    without scrolling sideways; the warnings wrap (whole in the batch preview; two lines and the tooltip in the
    Logs, whose fixed-height rows cannot grow)."""
    logs = log_columns(specs_for(("feature",)))
    pinned = [c["field"] for c in logs if c.get("pinned") == "left"]
    assert pinned == ["id", "scored_at", "prob_default", "Pago_atiempo_pred", "risk_band"]
    assert [c["field"] for c in logs[:6]] == [*pinned, "warnings"]
    warnings = logs[5]
    assert all(warnings[k] == v for k, v in TWO_LINES.items()) and warnings["tooltipField"] == "warnings"
    assert sum(c["width"] for c in logs[:6]) <= 1340 - 20  # room for the vertical scrollbar
    preview = pd.DataFrame({"fila": [2], "Pago_atiempo_pred": [1], "prob_default": [0.1], "risk_band": ["Bajo"],
                            "error": [None], "warnings": ["x"], "timestamp": ["2026-01-01 00:00:00"],
                            "edad_cliente": [30]})
    batch = _preview_columns(BatchOutcome("x.csv", preview=preview))
    assert [c["field"] for c in batch if c.get("pinned") == "left"] == ["fila", "Pago_atiempo_pred", "prob_default",
                                                                      "risk_band"]
    assert [c["field"] for c in batch[:7]] == ["fila", "Pago_atiempo_pred", "prob_default", "risk_band", "error",
                                              "warnings", "timestamp"]
    for column in batch[4:6]:
        assert all(column[k] == v for k, v in WRAPPED.items()), column["field"]
    assert sum(c["width"] for c in batch[:7]) <= 1340 - 20
