"""The model card's split table counts each dropped training row once, however many checks it failed."""
from __future__ import annotations

from app.services.performance.card import split_table


def test_a_row_failing_two_checks_is_dropped_once():
    split = {"train": {"rows": 100, "rows_used": 95, "implausible_dropped": {"edad_cliente": 4, "plazo_meses": 3}},
             "test": {"rows": 30}}
    table = split_table(split).set_index("period")
    assert table.loc["train", "dropped"] == 5 and table.loc["test", "dropped"] == 0


def test_the_trained_bundle_reports_rows_minus_rows_used(bundle):
    train = bundle.metadata["split"]["train"]
    table = split_table(bundle.metadata["split"]).set_index("period")
    assert table.loc["train", "dropped"] == train["rows"] - train["rows_used"]
