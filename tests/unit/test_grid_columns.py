"""The Logs grid and the batch preview name and show the prediction the same way: Sí / No with its coloured mark
under «Pago a tiempo (predicho)» (never a bare 0 / 1, never a header a real ``Pago_atiempo`` column could have)
and the probability as «Prob. pago tardío»."""
from __future__ import annotations

import pandas as pd

from app.dashboard.batch_view import _preview_columns
from app.dashboard.grid_columns import log_columns
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
