"""Time split (ordered, no overlap, 80/20, no shuffle) and the fixed plausibility rules."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modeling.data.columns import DATE_COLUMN
from modeling.data.time_split import drop_implausible, implausible_mask, time_split


def test_split_is_time_ordered_without_overlap_and_keeps_every_row(small_table):
    frame = small_table.frame
    split = time_split(frame)
    assert len(split.train) == round(0.8 * len(frame)) and len(split.train) + len(split.test) == len(frame)
    assert split.train[DATE_COLUMN].max() <= split.test[DATE_COLUMN].min()
    assert split.train[DATE_COLUMN].is_monotonic_increasing and split.test[DATE_COLUMN].is_monotonic_increasing
    assert not set(split.train.index) & set(split.test.index)
    assert set(split.train.index) | set(split.test.index) == set(frame.index)


def test_split_does_not_depend_on_row_order(small_table):
    frame = small_table.frame
    shuffled = frame.sample(frac=1.0, random_state=3)
    assert time_split(shuffled).test[DATE_COLUMN].tolist() == time_split(frame).test[DATE_COLUMN].tolist()


def test_describe_reports_rows_and_date_ranges(small_table):
    described = time_split(small_table.frame).describe()
    assert described["train"]["rows"] + described["test"]["rows"] == small_table.rows
    assert described["train"]["end"] <= described["test"]["start"]


@pytest.mark.parametrize("share", [0.0, 1.0, -0.2])
def test_bad_test_share_is_rejected(small_table, share):
    with pytest.raises(ValueError, match="test_share"):
        time_split(small_table.frame, test_share=share)


def test_missing_dates_and_tiny_frames_are_rejected(small_table):
    frame = small_table.frame.copy()
    frame.loc[frame.index[5], DATE_COLUMN] = pd.NaT
    with pytest.raises(ValueError, match="missing values"):
        time_split(frame)
    with pytest.raises(ValueError, match="two non-empty periods"):
        time_split(small_table.frame.head(1))


def test_implausible_rows_are_dropped_by_fixed_schema_rules(small_table):
    rows = small_table.frame.head(6).copy()
    rows["edad_cliente"] = [40, 123, 40, 40, 40, 40]
    rows["plazo_meses"] = [12, 12, 90, 12, 12, 12]
    rows["salario_cliente"] = [3e6, 3e6, 3e6, 2.2e10, 3e6, 3e6]
    rows["promedio_ingresos_datacredito"] = [1e6, 1e6, 1e6, 1e6, np.nan, 1e6]
    rows["total_otros_prestamos"] = [0, 0, 0, 0, 0, 6.8e9]
    rows["capital_prestado"] = 2e6
    rows["cuota_pactada"] = 2e5
    rows["puntaje_datacredito"] = 700
    kept, counts = drop_implausible(rows)
    assert list(kept.index) == [rows.index[0], rows.index[4]]  # a missing nullable value is not implausible
    assert counts == {"edad_cliente": 1, "plazo_meses": 1, "salario_cliente": 1, "total_otros_prestamos": 1}


def test_a_rows_verdict_does_not_depend_on_the_other_rows(small_table):
    frame = small_table.frame
    whole = implausible_mask(frame).any(axis=1)
    alone = pd.concat([implausible_mask(frame.iloc[[i]]) for i in range(0, len(frame), 97)]).any(axis=1)
    assert alone.equals(whole.loc[alone.index])


def test_the_generated_oddities_are_caught(small_table):
    kept, counts = drop_implausible(small_table.frame)
    assert counts.get("edad_cliente", 0) > 0
    assert kept["edad_cliente"].max() <= 90 and kept["plazo_meses"].max() <= 60
